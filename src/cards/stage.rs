//! The cards stage of a build: decide each page's `og:image` (its own `image:` or a card),
//! name the cards, report titles the font cannot draw, and draw the cards: all of them for a
//! `build`, each on first request for `serve`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::{ImageCtx, Painter, Planned, HEIGHT, WIDTH};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::lang::tr;
use crate::markdown::links::Target;
use crate::markdown::SiteMap;

/// One page as the stage sees it.
pub(crate) struct PageIn<'a> {
    pub title: &'a str,
    /// Front matter `image:`.
    pub image: Option<&'a str>,
    pub source: &'a str,
    pub shown: &'a Path,
    pub text: &'a str,
}

/// What the stage gives the rest of the build.
#[derive(Default)]
pub struct Stage {
    /// `page.image` for each page.
    pub images: Vec<Option<ImageCtx>>,
    /// The cards to draw (None: cards are off).
    pub cards: Option<Arc<Deferred>>,
    /// Errors (a bad `image:`, an unreadable font) and warnings (missing glyphs).
    pub diagnostics: Vec<Diagnostic>,
    /// Changes with the font, colours and pictures: every page's `og:image` depends on it.
    pub fingerprint: u64,
}

/// Cards named by a build, drawn when asked for. Drawn cards are remembered in `drawn`, which
/// a `serve` session shares between its builds (names are hashes of what a card shows, so a
/// remembered card never goes stale).
pub struct Deferred {
    painter: Painter,
    site: String,
    planned: BTreeMap<String, Planned>,
    drawn: Arc<Mutex<BTreeMap<String, bytes::Bytes>>>,
}

/// Cards drawn by earlier builds of a `serve` session, by output path.
pub type Drawn = Arc<Mutex<BTreeMap<String, bytes::Bytes>>>;

/// Runs the stage. `theme_css` is the theme's stylesheet (colours); `drawn` carries cards
/// across a `serve` session's builds; `advise` adds `check`'s advice (no absolute base URL).
pub(crate) fn run(
    root: &Path,
    config: &Config,
    theme_css: Option<&str>,
    pages: &[PageIn],
    map: &SiteMap,
    drawn: Drawn,
    advise: bool,
) -> Stage {
    let mut stage = Stage::default();
    let absolute = crate::seo::origin(config).is_some();
    // A site that never mentions cards builds locally with `base_url: /` and gets its absolute
    // URL at deploy time (`--base-url`): only a writer who asked for pictures is told they are lost.
    let asked = config.cards.asked() || pages.iter().any(|p| p.image.is_some());
    if advise && !absolute && asked {
        stage.diagnostics.push(no_absolute_base_url(config));
    }
    let painter = if super::enabled(config, pages.len()) {
        match Painter::new(root, &config.cards, theme_css) {
            Ok(p) => Some(p),
            Err(d) => {
                stage.diagnostics.push(d);
                None
            }
        }
    } else {
        None
    };
    let mut planned = BTreeMap::new();
    for p in pages {
        let own =
            p.image.and_then(|image| own_image(config, p, image, map).map_err(|d| stage.diagnostics.push(d)).ok());
        let image = match (own, &painter) {
            // A file's URL is empty without an absolute base URL: no `og:image` then.
            (Some(own), _) => (!own.url.is_empty()).then_some(own),
            (None, Some(painter)) if p.image.is_none() => {
                let card = painter.plan(&config.title, p.title);
                if !card.missing.is_empty() {
                    stage.diagnostics.push(missing_glyphs(p, &card.missing, config.cards.font.is_some()));
                }
                let url = crate::seo::absolute(config, &format!("{}{}", config.base_path(), card.path));
                planned.entry(card.path.clone()).or_insert(card);
                Some(ImageCtx { url, width: Some(WIDTH), height: Some(HEIGHT), alt: p.title.to_string() })
            }
            _ => None,
        };
        stage.images.push(image);
    }
    if let Some(painter) = painter {
        stage.fingerprint = painter.fingerprint;
        if let Ok(mut d) = drawn.lock() {
            d.retain(|path, _| planned.contains_key(path));
        }
        stage.cards = Some(Arc::new(Deferred { painter, site: config.title.clone(), planned, drawn }));
    }
    stage
}

/// `check`'s advice for a site that asks for cards or sets `image:` on a page but whose
/// `og:image`s are left out for want of an absolute `base_url`.
fn no_absolute_base_url(config: &Config) -> Diagnostic {
    let url = &config.base_url;
    Diagnostic::warning(
        Some(PathBuf::from(crate::config::CONFIG_FILE)),
        tr(
            format!("no og:image and no share cards: base_url `{url}` is not an absolute URL"),
            format!("og:image とシェアカードを出力しません: base_url `{url}` が絶対 URL ではありません"),
        ),
    )
    .hint(tr(
        "services that show shared links need absolute image URLs: build with \
         `--base-url https://example.org/guide/` (or set it in site.yaml)",
        "リンクを表示するサービスは画像の絶対 URL を必要とします。\
         `--base-url https://example.org/guide/` を付けてビルドしてください(site.yaml に書いても構いません)",
    ))
}

/// `og:image` from front matter `image:`: an `https:` URL as it is, or a file under `content/`
/// (relative to the page, or site-absolute), made absolute under `base_url`.
fn own_image(config: &Config, p: &PageIn, image: &str, map: &SiteMap) -> Result<ImageCtx, Diagnostic> {
    let alt = p.title.to_string();
    if image.starts_with("https://") || image.starts_with("http://") {
        return Ok(ImageCtx { url: image.to_string(), width: None, height: None, alt });
    }
    match map.resolve(p.source, image) {
        Target::Asset(rel) => {
            let size = map.image_sizes.get(&rel);
            let path = format!("{}{}", config.base_path(), crate::web::url::encode_path(&rel));
            let url = crate::seo::absolute(config, &path);
            Ok(ImageCtx { url, width: size.map(|s| s.0), height: size.map(|s| s.1), alt })
        }
        _ => {
            let line = key_line(p.text, "image");
            Err(Diagnostic::error(Some(p.shown.to_path_buf()), format!("image `{image}` not found"))
                .at(p.text, line, 1)
                .hint(
                    "give a file under content/, relative to this page (`image: images/card.png`), or an https:// URL",
                ))
        }
    }
}

/// The line (1-based) of `key:` in the front matter of `text`.
fn key_line(text: &str, key: &str) -> usize {
    text.lines().position(|l| l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':'))).map_or(1, |i| i + 1)
}

fn missing_glyphs(p: &PageIn, missing: &[char], own_font: bool) -> Diagnostic {
    let list: Vec<String> = missing.iter().map(|c| format!("`{c}` (U+{:04X})", u32::from(*c))).collect();
    let hint = if own_font {
        "the card leaves these out; use a font that has them (cards.font in site.yaml) or set `image:` on this page"
    } else {
        "the built-in font has the JIS X 0208 kanji; the card leaves these out. Name a font that has them in site.yaml (`cards: {font: fonts/MyFont.otf}`) or set `image:` on this page"
    };
    Diagnostic::warning(
        Some(p.shown.to_path_buf()),
        format!("the share card font has no glyph for {} in the title", list.join(", ")),
    )
    .at(p.text, key_line(p.text, "title"), 1)
    .hint(hint)
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deferred").field("cards", &self.planned.len()).finish_non_exhaustive()
    }
}

impl Deferred {
    /// Output paths of every card, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.planned.keys().map(String::as_str)
    }

    /// The card at output path `path`, drawn now unless an earlier build drew it. None: no such
    /// card. Err: drawing failed (a warning for the writer, never a crash).
    pub fn get(&self, path: &str) -> Option<Result<bytes::Bytes, String>> {
        let card = self.planned.get(path)?;
        if let Some(b) = self.drawn.lock().ok().and_then(|d| d.get(path).cloned()) {
            return Some(Ok(b));
        }
        let drawn = self.painter.draw(&self.site, card).map(bytes::Bytes::from);
        if let (Ok(b), Ok(mut d)) = (&drawn, self.drawn.lock()) {
            d.insert(path.to_string(), b.clone());
        }
        Some(drawn)
    }

    /// Every card for a `build`: those a previous build left (`previous(path)`: same name, same
    /// picture) are taken back, the rest drawn in parallel.
    pub(crate) fn files(
        &self,
        previous: impl Fn(&str) -> Option<Vec<u8>> + Sync,
    ) -> (Vec<crate::output::OutputFile>, Vec<Diagnostic>) {
        let results: Vec<Result<crate::output::OutputFile, Diagnostic>> = self
            .planned
            .par_iter()
            .map(|(path, card)| {
                let data = match previous(path) {
                    Some(bytes) => bytes,
                    None => self.painter.draw(&self.site, card).map_err(|e| {
                        Diagnostic::warning(None, format!("share card for “{}” not drawn: {e}", card.title))
                    })?,
                };
                Ok(crate::output::OutputFile { path: path.clone(), data: data.into() })
            })
            .collect();
        let mut files = Vec::with_capacity(results.len());
        let mut warnings = Vec::new();
        for r in results {
            match r {
                Ok(f) => files.push(f),
                Err(d) => warnings.push(d),
            }
        }
        (files, warnings)
    }
}
