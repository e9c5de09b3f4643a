//! Where an output path comes from, to name both sources when two outputs collide
//! (`static/risks/index.html` and `content/risks.md`).

use std::path::PathBuf;

use crate::content::Content;
use crate::render::redirect::alias_output;
use crate::templates::Theme;

/// One source of an output path: the file to point at (if any) and how to name it.
pub(super) struct Origin {
    pub(super) file: Option<PathBuf>,
    pub(super) named: String,
}

/// Every source of output `path` found among pages, aliases, content files, `static/` and the
/// theme; at least two (what is left is a file tebiki generates: print page, 404, sitemap...).
pub(super) fn origins(path: &str, content: &Content, statics: &[String], theme: &Theme) -> Vec<Origin> {
    let mut found = Vec::new();
    let mut file = |f: String| found.push(Origin { named: format!("`{f}`"), file: Some(PathBuf::from(f)) });
    for p in &content.pages {
        if p.output == path {
            file(p.shown.display().to_string());
        }
    }
    if content.assets.iter().any(|a| a.rel == path) {
        file(format!("content/{path}"));
    }
    if statics.iter().any(|s| s == path) {
        file(format!("static/{path}"));
    }
    for p in &content.pages {
        for _ in p.fm.aliases.iter().filter(|a| alias_output(a).as_deref() == Ok(path)) {
            found.push(Origin { file: Some(p.shown.clone()), named: format!("an alias in `{}`", p.shown.display()) });
        }
    }
    if theme.assets.iter().any(|(p, _)| p == path) {
        found.push(Origin { file: None, named: format!("the theme's `{path}`") });
    }
    while found.len() < 2 {
        found.push(Origin { file: None, named: format!("the `{path}` tebiki generates") });
    }
    found
}
