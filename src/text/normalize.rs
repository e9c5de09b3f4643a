//! The search normalization, shared by the indexer and (as a port in `search.js`) the browser:
//! NFKC and lowercase.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use super::chars::is_plain_kana;

/// Normalizes text the way the browser does: NFKC (full-width ASCII and half-width kana
/// folded) and lowercase. Borrows when there is nothing to change.
pub(crate) fn normalize(text: &str) -> Cow<'_, str> {
    // Fast path, one pass over the bytes: ASCII, kana, common kanji and CJK punctuation are
    // already NFKC and have no case beyond ASCII, which covers nearly all Japanese prose, and
    // full-width ASCII (（ ） ！ ？ Ａ) maps one to one onto ASCII. Most kanji are told by their
    // first byte alone. Anything else takes the general path.
    let b = text.as_bytes();
    let mut folded: Option<String> = None;
    let mut copied = 0; // bytes of `text` already in `folded`
    let mut i = 0;
    while i < b.len() {
        let (to, len) = match b[i] {
            c @ b'A'..=b'Z' => (c.to_ascii_lowercase(), 1),
            0..=0x7F => {
                i += 1;
                continue;
            }
            // U+5000–U+9FFF: kanji.
            0xE5..=0xE9 => {
                i += 3;
                continue;
            }
            // Three-byte characters (the string is valid UTF-8, so both bytes are there). Kana
            // and CJK punctuation, U+3000–U+30FF, by their last two bytes: U+3001–U+3035,
            // U+3041–U+3096 and U+30A1–U+30FC are plain.
            0xE3 if is_plain_kana(b[i + 1], b[i + 2]) => {
                i += 3;
                continue;
            }
            // U+4E00–U+4FFF: kanji.
            0xE4 if b[i + 1] >= 0xB8 => {
                i += 3;
                continue;
            }
            // Full-width ASCII, U+FF01–U+FF5E: the ASCII character 0xFEE0 below.
            0xEF if matches!((b[i + 1], b[i + 2]), (0xBC, 0x81..) | (0xBD, ..=0x9E)) => {
                let c = (u32::from(b[i + 1] & 0x3F) << 6) | u32::from(b[i + 2] & 0x3F);
                ((((0xF000 | c) - 0xFEE0) as u8).to_ascii_lowercase(), 3)
            }
            _ => return Cow::Owned(general_normalize(text)),
        };
        let out = folded.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(&text[copied..i]);
        out.push(char::from(to));
        i += len;
        copied = i;
    }
    match folded {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

/// NFKC and lowercase, for text the fast path of [`normalize`] does not cover.
fn general_normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::chars::is_plain_kana;

    #[test]
    fn fast_paths_of_normalize_agree_with_nfkc() {
        let reference = |t: &str| t.nfkc().flat_map(char::to_lowercase).collect::<String>();
        for t in [
            "転職活動（第1章）",
            "ＡＢＣ！？ｘｙｚ",
            "カタカナ・ひらがな ー Mixed Case",
            "ｶﾞｲﾄﾞ…",
            "plain",
            "",
            "Ａ",
            "末尾はＺ",
            "先頭Ｚと中ほどのABCと末尾！",
            "ｱ（半角カナは最後に）",
            "㐀と䷀は一の前",
            "〜「」。、・ー",
            "é É ß",
        ] {
            assert_eq!(normalize(t), reference(t), "{t}");
        }
    }

    #[test]
    fn plain_kana_are_exactly_the_characters_nfkc_and_lowercase_leave_alone() {
        for b1 in 0x80..=0xBFu8 {
            for b2 in 0x80..=0xBFu8 {
                let bytes = [0xE3, b1, b2];
                let c = std::str::from_utf8(&bytes).unwrap();
                let plain = matches!(c.chars().next().unwrap(), '\u{3001}'..='\u{3035}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FC}');
                assert_eq!(is_plain_kana(b1, b2), plain, "{c:?}");
                if plain {
                    assert_eq!(general_normalize(c), c, "{c:?} is plain");
                }
            }
        }
    }

    #[test]
    fn normalize_agrees_with_nfkc_at_every_range_edge_of_the_fast_path() {
        let reference = |t: &str| t.nfkc().flat_map(char::to_lowercase).collect::<String>();
        let pool = [
            'A', 'Z', '@', '[', 'a', ' ', '\u{3000}', '\u{3001}', '\u{3035}', '\u{3036}', '\u{3040}', '\u{3041}',
            '\u{3096}', '\u{3097}', '\u{30A0}', '\u{30A1}', '\u{30FC}', '\u{30FD}', '\u{4000}', '\u{4DFF}', '\u{307F}',
            '\u{3080}', '\u{30BF}', '\u{30C0}', '\u{3100}', '\u{FF40}', '\u{FF41}', '\u{FF5A}', '\u{4E00}', '\u{4FFF}',
            '\u{5000}', '\u{9FFF}', '\u{A000}', '\u{FF00}', '\u{FF01}', '\u{FF21}', '\u{FF5E}', '\u{FF5F}', '\u{FF71}',
            'é', 'É', '…',
        ];
        for a in pool {
            for b in pool {
                for c in pool {
                    let t: String = [a, b, c].iter().collect();
                    assert_eq!(normalize(&t), reference(&t), "{t:?}");
                }
            }
        }
    }
}
