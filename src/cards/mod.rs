//! Share cards: a 1200×630 PNG per page (its `og:image`), showing the page title and the
//! site's name in the theme's colours, drawn at build time.
//!
//! A card's file name is a hash of everything it shows (`cards/<hash>.png`), so a title that
//! did not change keeps its file: a rebuild takes it from the previous output instead of
//! drawing it again, and a crawler that cached the old image sees a new URL when it changes.

mod draw;
mod font;
mod layout;
mod settings;
mod share;
mod stage;

use std::path::{Path, PathBuf};

pub use settings::{CardsConfig, CARDS_MAX_PAGES};
pub(crate) use share::{ImageCtx, ShareCtx};
#[allow(unused_imports)] // until the build pipeline calls the stage
pub(crate) use stage::{run, PageIn, Stage};
pub use stage::{Deferred, Drawn};

use draw::{HEIGHT, WIDTH};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use draw::Picture;
use font::CardFont;
use settings::Palette;

/// Folder of the output that holds the cards.
pub(crate) const DIR: &str = "cards";

/// Whether a site draws cards: `cards.enabled` when set, otherwise while it has at most
/// [`CARDS_MAX_PAGES`] pages. Either way only with an absolute `base_url`, because crawlers
/// ignore an `og:image` that is not an absolute URL.
pub(crate) fn enabled(config: &Config, pages: usize) -> bool {
    crate::seo::origin(config).is_some() && config.cards.enabled.unwrap_or(pages <= CARDS_MAX_PAGES)
}

/// The theme's stylesheet (`style.css`, hashed in the output), where the card colours come from.
pub(crate) fn theme_css(theme: &crate::templates::Theme) -> Option<&str> {
    let (_, bytes) = theme.assets.iter().find(|(path, _)| {
        let name = path.rsplit('/').next().unwrap_or(path);
        name.starts_with("style.") && name.ends_with(".css")
    })?;
    std::str::from_utf8(bytes).ok()
}

/// What draws a site's cards: font, colours and pictures, loaded once per build.
pub(crate) struct Painter {
    font: CardFont,
    palette: Palette,
    logo: Option<Picture>,
    background: Option<Picture>,
    /// Hash of the font, colours and pictures: part of every card's name.
    fingerprint: u64,
}

/// One page's card, named but not drawn yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planned {
    /// Output path, `cards/<hash>.png`.
    pub path: String,
    /// The title as drawn: without the characters the font lacks.
    pub title: String,
    /// Characters of the title the font has no glyph for (left out of the card).
    pub missing: Vec<char>,
}

impl Painter {
    /// Loads what `config.cards` names (files relative to `root`) and the theme's colours from
    /// its stylesheet. Errors point at `site.yaml`.
    pub fn new(root: &Path, config: &CardsConfig, theme_css: Option<&str>) -> Result<Painter, Diagnostic> {
        let font = match &config.font {
            None => CardFont::built_in(),
            Some(path) => CardFont::new(read(root, path, "font")?).map_err(|e| bad_file(path, "font", &e))?,
        };
        let palette = Palette::new(theme_css, &config.colors).map_err(|(key, value)| {
            Diagnostic::error(
                Some(PathBuf::from(crate::config::CONFIG_FILE)),
                format!("invalid colour `{value}` for cards.colors.{key}"),
            )
            .hint(
                "write colours as `#rrggbb` or `#rgb`, e.g. `accent: \"#1f5aa6\"` (quoted: `#` starts a YAML comment)",
            )
        })?;
        let mut hashed: Vec<u8> = Vec::new();
        let mut picture = |path: &Option<PathBuf>, what: &str| -> Result<Option<Picture>, Diagnostic> {
            let Some(path) = path else { return Ok(None) };
            let bytes = read(root, path, what)?;
            hashed.extend_from_slice(&crate::templates::fnv1a(&bytes).to_le_bytes());
            Picture::decode(&bytes).map(Some).map_err(|e| bad_file(path, what, &e))
        };
        let logo = picture(&config.logo, "logo")?;
        let background = picture(&config.background, "background")?;
        hashed.extend_from_slice(&font.fingerprint().to_le_bytes());
        hashed.extend_from_slice(
            format!("{palette:?} logo:{} bg:{} v{}", logo.is_some(), background.is_some(), draw::VERSION).as_bytes(),
        );
        let fingerprint = crate::templates::fnv1a(&hashed);
        Ok(Painter { font, palette, logo, background, fingerprint })
    }

    /// Names `title`'s card on a site called `site`. Two pages that show the same get the same
    /// file.
    pub fn plan(&self, site: &str, title: &str) -> Planned {
        let missing = self.font.missing(&format!("{site}{title}"));
        let title: String = title.chars().filter(|c| !missing.contains(c)).collect();
        let site: String = site.chars().filter(|c| !missing.contains(c)).collect();
        let mut key = Vec::with_capacity(site.len() + title.len() + 9);
        key.extend_from_slice(&self.fingerprint.to_le_bytes());
        key.extend_from_slice(site.as_bytes());
        key.push(0);
        key.extend_from_slice(title.as_bytes());
        let path = format!("{DIR}/{:016x}.png", crate::templates::fnv1a(&key));
        Planned { path, title, missing }
    }

    /// Draws a planned card as PNG bytes.
    pub fn draw(&self, site: &str, card: &Planned) -> Result<Vec<u8>, String> {
        let site: String = site.chars().filter(|c| !card.missing.contains(c)).collect();
        draw::png(&draw::Scene {
            site: &site,
            title: &card.title,
            palette: &self.palette,
            font: &self.font,
            logo: self.logo.as_ref(),
            background: self.background.as_ref(),
        })
    }
}

fn read(root: &Path, path: &Path, what: &str) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(root.join(path)).map_err(|e| {
        Diagnostic::error(
            Some(PathBuf::from(crate::config::CONFIG_FILE)),
            format!("cannot read the cards {what} `{}`: {e}", path.display()),
        )
        .hint(format!("cards.{what} is a path relative to the folder of site.yaml"))
    })
}

fn bad_file(path: &Path, what: &str, why: &str) -> Diagnostic {
    let hint = match what {
        "font" => "name an OpenType (.otf) or TrueType (.ttf) font file, or remove cards.font to use the built-in one",
        _ => "use a PNG or SVG file",
    };
    Diagnostic::error(
        Some(PathBuf::from(crate::config::CONFIG_FILE)),
        format!("the cards {what} `{}`: {why}", path.display()),
    )
    .hint(hint)
}

#[cfg(test)]
mod tests;
