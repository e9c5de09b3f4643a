//! What templates get for sharing a page: its image (`og:image`) and links to share it.

use serde::Serialize;

use crate::web::url::encode_component;

/// `page.image`: the page's `og:image`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImageCtx {
    /// Absolute URL.
    pub url: String,
    /// Width in pixels, when known (always for a card).
    pub width: Option<u32>,
    /// Height in pixels, when known.
    pub height: Option<u32>,
    /// Text for `og:image:alt`: the page title.
    pub alt: String,
}

/// `page.share`: links to each service's own share page, with the page's absolute URL.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ShareCtx {
    /// The page's absolute URL (for the copy button).
    pub url: String,
    /// X's post page.
    pub x: String,
    /// LINE's share page.
    pub line: String,
    /// Hatena Bookmark's add page.
    pub hatena: String,
}

impl ShareCtx {
    /// Share links for the page at absolute `url` titled `title`.
    pub fn new(url: &str, title: &str) -> ShareCtx {
        let (u, t) = (encode_component(url), encode_component(title));
        ShareCtx {
            url: url.to_string(),
            x: format!("https://x.com/intent/post?text={t}&url={u}"),
            line: format!("https://social-plugins.line.me/lineit/share?url={u}"),
            hatena: format!("https://b.hatena.ne.jp/add?mode=confirm&url={u}&title={t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_links_carry_the_encoded_url_and_title() {
        let s = ShareCtx::new("https://example.org/g/risks/", "リスク & 対策");
        let u = "https%3A%2F%2Fexample.org%2Fg%2Frisks%2F";
        assert_eq!(
            s.x,
            format!("https://x.com/intent/post?text=%E3%83%AA%E3%82%B9%E3%82%AF%20%26%20%E5%AF%BE%E7%AD%96&url={u}")
        );
        assert_eq!(s.line, format!("https://social-plugins.line.me/lineit/share?url={u}"));
        assert!(s.hatena.starts_with(&format!("https://b.hatena.ne.jp/add?mode=confirm&url={u}&title=%E3%83%AA")));
        assert_eq!(s.url, "https://example.org/g/risks/");
    }
}
