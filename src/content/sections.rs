//! Folders without `_index.md` get an automatic section page: its title is the folder's name
//! and its body lists the folder's pages. Without it, a folder's pages would hang from the
//! nearest section above, its breadcrumb would skip the folder and `/folder/` would be a 404.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::{url_of, Content, FrontMatter, Page};

/// The automatic section pages missing for `pages`: one for every folder (and folder above it)
/// holding a page but no `_index.md`. `taken(source)` says an `_index.md` exists though it is
/// not among the pages (a draft left out, broken front matter): that folder gets none.
pub(crate) fn missing(pages: &[Page], taken: impl Fn(&str) -> bool) -> Vec<Page> {
    let have: BTreeSet<&str> = pages.iter().map(|p| p.source.as_str()).collect();
    let mut dirs = BTreeSet::new();
    for p in pages {
        let mut dir = p.source_dir();
        while !dir.is_empty() {
            dirs.insert(dir.to_string());
            dir = dir[..dir.len() - 1].rfind('/').map_or("", |i| &dir[..=i]);
        }
    }
    dirs.into_iter()
        .map(|dir| format!("{dir}_index.md"))
        .filter(|source| !have.contains(source.as_str()) && !taken(source))
        .map(|source| (url_of(&source, None), source))
        // `guide.md` beside `guide/` already has the folder's address.
        .filter(|((_, output), _)| !pages.iter().any(|p| p.output == *output))
        .map(|((path, output), source)| {
            let name = source.trim_end_matches("/_index.md").rsplit('/').next().unwrap_or_default().to_string();
            let shown = PathBuf::from(format!("content/{}", source.trim_end_matches("_index.md")));
            let fm = FrontMatter { title: name, ..FrontMatter::default() };
            Page { source, shown, text: Arc::from(""), body_offset: 0, fm: Arc::new(fm), path, output }
        })
        .collect()
}

/// Writes each automatic section page's body: a list of links to its pages, in reading order.
pub(crate) fn fill(content: &mut Content, sections: &[String]) {
    for source in sections {
        let Some(&i) = content.by_source.get(source) else { continue };
        let dir = content.pages[i].source_dir().to_string();
        let mut body = String::new();
        for &c in &content.children[i] {
            let child = &content.pages[c];
            let rel = child.source.strip_prefix(&dir).unwrap_or(&child.source);
            body.push_str(&format!("- [{}](<{rel}>)\n", escape_markdown(&child.fm.title)));
        }
        let head = format!("---\ntitle: {}\n---\n", content.pages[i].fm.title);
        let page = &mut content.pages[i];
        page.body_offset = head.len();
        page.text = Arc::from(head + &body);
    }
}

/// Backslash-escapes the ASCII punctuation Markdown could read as syntax in a link's text.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_syntax_in_titles_is_escaped() {
        assert_eq!(escape_markdown("手順[1]*注*"), "手順\\[1\\]\\*注\\*");
    }
}
