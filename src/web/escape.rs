//! HTML escaping: the one escaper every part of tebiki uses.

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape`], appended to `out` (no temporary string for each piece of a long document). Every
/// character it replaces is ASCII, so it looks at bytes and copies the text between them whole
/// instead of pushing each character.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&s[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_characters_are_replaced_and_the_rest_copied() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("転職の<手引き>"), "転職の&lt;手引き&gt;");
        assert_eq!(escape("&\"'"), "&amp;&quot;&#39;");
        assert_eq!(escape("a&&b ü「」"), "a&amp;&amp;b ü「」");
        let mut out = String::from("x");
        escape_into(&mut out, "<y>");
        assert_eq!(out, "x&lt;y&gt;");
    }
}
