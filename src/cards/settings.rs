//! The `cards:` block of `site.yaml` and the colours a card is drawn in.

use std::path::PathBuf;

use serde::Deserialize;

/// Above this many pages, cards are off unless `cards: {enabled: true}`: drawing one costs far
/// more than rendering a page, so on a large site they would dominate a clean build (measured
/// in docs/dev/share-cards.md).
pub const CARDS_MAX_PAGES: usize = 2000;

/// `cards:` in `site.yaml`. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize, Hash)]
#[serde(deny_unknown_fields)]
pub struct CardsConfig {
    /// true: always; false: never; unset: when the site has at most [`CARDS_MAX_PAGES`] pages.
    pub enabled: Option<bool>,
    /// A font file (OTF/TTF, relative to the site root) to draw titles with instead of the
    /// built-in Noto Sans JP subset. In a collection (.ttc) the first face is used.
    pub font: Option<PathBuf>,
    /// A PNG or SVG drawn before the site title (relative to the site root).
    pub logo: Option<PathBuf>,
    /// A 1200×630 PNG or SVG drawn under everything (relative to the site root).
    pub background: Option<PathBuf>,
    /// Colours as `#rrggbb`; unset ones come from the theme's `style.css`.
    #[serde(default)]
    pub colors: CardColors,
}

impl CardsConfig {
    /// Whether `site.yaml` asks for cards: `enabled: true` or any setting that only matters
    /// when cards are drawn (never with `enabled: false`). `check` only warns about a missing absolute `base_url` then.
    pub(crate) fn asked(&self) -> bool {
        let c = &self.colors;
        if self.enabled == Some(false) {
            return false;
        }
        self.enabled == Some(true)
            || self.font.is_some()
            || self.logo.is_some()
            || self.background.is_some()
            || [&c.background, &c.text, &c.accent, &c.muted].iter().any(|v| v.is_some())
    }
}

/// Colour overrides, `#rgb` or `#rrggbb`.
#[derive(Debug, Clone, Default, Deserialize, Hash)]
#[serde(deny_unknown_fields)]
pub struct CardColors {
    pub background: Option<String>,
    pub text: Option<String>,
    pub accent: Option<String>,
    pub muted: Option<String>,
}

/// The colours a card is drawn in, each a valid `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Palette {
    pub background: String,
    pub text: String,
    pub accent: String,
    pub muted: String,
}

impl Default for Palette {
    /// The default theme's light colours, for themes whose CSS names none.
    fn default() -> Self {
        Palette {
            background: "#ffffff".into(),
            text: "#10151b".into(),
            accent: "#1f5aa6".into(),
            muted: "#56606d".into(),
        }
    }
}

impl Palette {
    /// Colours from the theme's CSS custom properties (`--bg`, `--fg-strong` or `--fg`,
    /// `--accent`, `--fg-muted`: their first, light-scheme values), overridden by `colors`.
    /// Errors name the bad `colors` key and value.
    pub fn new(css: Option<&str>, colors: &CardColors) -> Result<Palette, (String, String)> {
        let mut p = Palette::default();
        if let Some(css) = css {
            let from_css = |names: &[&str]| names.iter().find_map(|n| custom_property(css, n)).and_then(hex_color);
            let pick = |slot: &mut String, names: &[&str]| {
                if let Some(c) = from_css(names) {
                    *slot = c;
                }
            };
            pick(&mut p.background, &["--bg"]);
            pick(&mut p.text, &["--fg-strong", "--fg"]);
            pick(&mut p.accent, &["--accent"]);
            pick(&mut p.muted, &["--fg-muted"]);
        }
        let overrides = [
            ("background", &colors.background, &mut p.background),
            ("text", &colors.text, &mut p.text),
            ("accent", &colors.accent, &mut p.accent),
            ("muted", &colors.muted, &mut p.muted),
        ];
        for (key, given, slot) in overrides {
            if let Some(v) = given {
                *slot = hex_color(v).ok_or_else(|| (key.to_string(), v.clone()))?;
            }
        }
        Ok(p)
    }
}

/// The value of the first declaration of `name` in `css` (`--bg: #fff;` → `#fff`).
fn custom_property<'a>(css: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = css;
    while let Some(i) = rest.find(name) {
        let after = rest[i + name.len()..].trim_start();
        // `--bg-soft` is another property; only `--bg` followed by `:` is this one.
        if let Some(value) = after.strip_prefix(':') {
            let end = value.find([';', '}']).unwrap_or(value.len());
            return Some(value[..end].trim());
        }
        rest = &rest[i + name.len()..];
    }
    None
}

/// `#abc` or `#aabbcc` (any case) → `#aabbcc`; anything else (names, `rgb()`) → None.
pub(crate) fn hex_color(v: &str) -> Option<String> {
    let hex = v.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(hex.chars().flat_map(|c| [c, c]).fold(String::from("#"), |mut s, c| {
            s.push(c.to_ascii_lowercase());
            s
        })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_comes_from_the_first_declarations_and_overrides_win() {
        let css = ":root { --bg-soft: #eeeeee; --bg: #FAFAFA; --fg: #111; --accent: rgb(1 2 3); }\n\
                   @media (prefers-color-scheme: dark) { :root { --bg: #000000; } }";
        let colors = CardColors { muted: Some("#ABC".into()), ..Default::default() };
        let p = Palette::new(Some(css), &colors).unwrap();
        assert_eq!(p.background, "#fafafa");
        assert_eq!(p.text, "#111111");
        assert_eq!(p.accent, Palette::default().accent, "rgb() is not understood: the default stays");
        assert_eq!(p.muted, "#aabbcc");
    }

    #[test]
    fn a_bad_colour_names_its_key() {
        let colors = CardColors { accent: Some("blue".into()), ..Default::default() };
        assert_eq!(Palette::new(None, &colors), Err(("accent".into(), "blue".into())));
    }

    #[test]
    fn the_default_theme_has_the_colours_cards_read() {
        let css = include_str!("../../themes/default/static/style.css");
        for name in ["--bg", "--fg-strong", "--accent", "--fg-muted"] {
            assert!(custom_property(css, name).and_then(hex_color).is_some(), "{name}");
        }
    }
}
