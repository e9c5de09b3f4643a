//! URL paths: percent-decoding and -encoding, one of each.

/// Decodes `%XX` escapes to bytes; None when an escape is malformed.
pub(crate) fn percent_decode_bytes(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Decodes `%XX` escapes into text; text with malformed escapes or non-UTF-8 bytes is kept as
/// written (the link check then reports it).
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    percent_decode_bytes(s).and_then(|b| String::from_utf8(b).ok()).unwrap_or_else(|| s.to_string())
}

/// Escapes the few characters that cannot appear raw in a URL path; Japanese stays readable.
pub(crate) fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes every byte outside ASCII's unreserved characters and `/`: for HTTP headers
/// (`Location`), which must be ASCII, where HTML keeps Japanese readable ([`encode_path`]).
pub(crate) fn encode_path_ascii(path: &str) -> String {
    encode_unreserved(path, b"/")
}

/// Percent-encodes `s` as one query value, `/` and `:` included (JavaScript's
/// `encodeURIComponent`): a page URL inside a share link's query.
pub(crate) fn encode_component(s: &str) -> String {
    encode_unreserved(s, b"")
}

/// Percent-encodes every byte of `s` but ASCII's unreserved characters and those in `keep`.
fn encode_unreserved(s: &str, keep: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            // Not `format!` per byte: serve encodes every page's share links on each rebuild.
            out.extend(['%', char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 15)])]);
        }
    }
    out
}
