//! Finds `<img>` tags in raw HTML that have no `alt` attribute at all.
//!
//! In Markdown an image always has its brackets: `![](a.png)` says on purpose that the image is
//! decorative, and gets `alt=""`. The only image whose alt text can be *missing* is one written
//! as raw HTML without the attribute, which screen readers announce by its file name.

use std::ops::Range;

use pulldown_cmark::Event;

use super::{zenn, Renderer};

impl<'a> Renderer<'_, '_, 'a> {
    /// Raw HTML: emitted as it is, with a warning for each `<img>` without `alt`. The
    /// `<details>` of Zenn blocks pass here too: they count as containers, like quotes, so
    /// the text inside is not taken for the page's summary.
    pub(super) fn raw_html(&mut self, ev: &Event<'a>, html: &str, range: Range<usize>) {
        if html == zenn::DETAILS_OPEN {
            self.container_depth += 1;
        } else if html == zenn::DETAILS_CLOSE {
            self.container_depth = self.container_depth.saturating_sub(1);
        }
        // The event's text is the source slice for raw HTML, so offsets carry over.
        let exact = self.page.text.get(self.page.body_offset + range.start..).is_some_and(|s| s.starts_with(html));
        for (at, src) in imgs_without_alt(html) {
            let start = if exact { range.start + at } else { range.start };
            let d = self
                .diag_at(start..start + 4, format!("image `{src}` has no alt text"))
                .hint("add alt=\"説明\" describing the image, or alt=\"\" if it is only decoration");
            self.res.diagnostics.push(d.warn());
        }
        self.emit(ev.clone());
    }
}

/// Byte offset in `html` and `src` of every `<img>` tag without an `alt` attribute.
pub(crate) fn imgs_without_alt(html: &str) -> Vec<(usize, String)> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<img") {
        let start = from + i;
        from = start + 4;
        if !matches!(lower.as_bytes().get(from), Some(b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>')) {
            continue;
        }
        let end = tag_end(&lower, from);
        let attrs = attributes(&html[from..end]);
        if !attrs.iter().any(|(name, _)| name.eq_ignore_ascii_case("alt")) {
            let src = attrs.iter().find(|(n, _)| n.eq_ignore_ascii_case("src")).map(|(_, v)| v.to_string());
            found.push((start, src.unwrap_or_default()));
        }
        from = end;
    }
    found
}

/// Where the tag starting before `from` ends: its `>` outside quotes, or the end of the text.
fn tag_end(s: &str, from: usize) -> usize {
    let mut quote = None;
    for (i, c) in s[from..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return from + i,
            _ => {}
        }
    }
    s.len()
}

/// `(name, value)` of each attribute in the inside of a tag (`src="a.png" alt`).
fn attributes(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let name_len = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        if name_len == 0 {
            return out;
        }
        let name = &rest[..name_len];
        rest = rest[name_len..].trim_start();
        let Some(after_eq) = rest.strip_prefix('=') else {
            out.push((name, ""));
            continue;
        };
        rest = after_eq.trim_start();
        let (value, next) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let close = rest[1..].find(q).map_or(rest.len(), |e| e + 1);
                (&rest[1..close], (close + 1).min(rest.len()))
            }
            _ => {
                let e = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..e], e)
            }
        };
        out.push((name, value));
        rest = &rest[next..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_img_without_alt_is_found_with_its_src() {
        assert_eq!(imgs_without_alt(r#"<p><img src="a.png" width="3"></p>"#), vec![(3, "a.png".to_string())]);
        assert_eq!(imgs_without_alt("<IMG SRC=b.jpg>"), vec![(0, "b.jpg".to_string())]);
    }

    #[test]
    fn an_img_with_alt_even_empty_or_bare_is_not() {
        assert!(imgs_without_alt(r#"<img src="a.png" alt="">"#).is_empty());
        assert!(imgs_without_alt(r#"<img alt src="a.png">"#).is_empty());
        assert!(imgs_without_alt(r#"<img title="no alt=here" ALT='x' src="a.png">"#).is_empty());
        assert!(imgs_without_alt("<imgx src=a> <p>img</p>").is_empty());
    }

    #[test]
    fn a_quoted_greater_than_does_not_end_the_tag() {
        assert_eq!(imgs_without_alt(r#"<img title="a>b" src="c.png"><img alt="" src="d">"#).len(), 1);
    }
}
