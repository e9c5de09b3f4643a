//! Counting Japanese text for reading time, in one pass that also tells whether the search
//! normalization could change it.

use super::chars::is_cjk;

/// What [`text_stats`] counts in one piece of text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TextStats {
    /// Characters other than whitespace.
    pub(crate) non_ws: usize,
    /// CJK characters (see [`super::chars::is_cjk`]).
    pub(crate) cjk: usize,
    /// Latin words: runs of other letters and digits.
    pub(crate) words: usize,
    /// Whether the search normalization may change the text (see `markdown::Section::normalized`).
    pub(crate) folds: bool,
}

/// [`super::chars::is_plain_kana`] as a table: bit `b2 & 0x3F` of entry `b1 & 3` for the
/// character `E3 b1 b2`, `b1` in 0x80–0x83. A lookup instead of its branches
/// keeps the character-by-character count ([`text_stats_any`]) branch-light (figures: docs/dev/performance.md).
static PLAIN_KANA: [u64; 4] = {
    let mut t = [0u64; 4];
    let mut b1 = 0;
    while b1 < 4 {
        let mut b2 = 0;
        while b2 < 64 {
            if super::chars::is_plain_kana(0x80 + b1 as u8, 0x80 + b2 as u8) {
                t[b1] |= 1 << b2;
            }
            b2 += 1;
        }
        b1 += 1;
    }
    t
};

/// Counts one piece of text for reading time and, if `tell_folds`, tells whether the search
/// normalization may change it, in one pass. Kanji and ASCII other than capitals stay as they
/// are under that normalization; kana and CJK punctuation mostly do; anything else may not.
/// Without `tell_folds` (a caller that knows already), [`TextStats::folds`] is false and the
/// byte-wise count leaves that test out.
pub(crate) fn text_stats(t: &str, tell_folds: bool) -> TextStats {
    let fast =
        if tell_folds { text_stats_japanese::<true>(t.as_bytes()) } else { text_stats_japanese::<false>(t.as_bytes()) };
    let mut stats = fast.unwrap_or_else(|| text_stats_any(t));
    stats.folds &= tell_folds;
    stats
}

/// Bytes counted with 8-bit counters before they are added up: they cannot overflow, and a
/// multiple of 16 leaves the vector loop no remainder to finish byte by byte.
const STRETCH: usize = 240;

/// [`text_stats`] for text of ASCII, kana, CJK punctuation and common kanji only (U+3000–U+30FF,
/// U+4E00–U+9FFF), nearly all Japanese prose; `None` for text with any other character.
///
/// Each byte is looked at with the two after it, and every test is a comparison summed into a
/// counter: no branch per character, so the compiler makes vector instructions of the loop
/// (figures: docs/dev/performance.md).
pub(crate) fn text_stats_japanese<const FOLDS: bool>(b: &[u8]) -> Option<TextStats> {
    let n = b.len();
    if n < 3 {
        return None;
    }
    // A three-byte character never starts in the last two bytes: those are ASCII or the end of
    // a character, and are counted below.
    let (lead, next, last) = (&b[..n - 2], &b[1..n - 1], &b[2..]);
    let (mut starts, mut ws, mut cjk, mut other, mut folds, mut alnum) = (0usize, 0usize, 0usize, false, false, false);
    let mut at = 0;
    while at < n - 2 {
        let end = (at + STRETCH).min(n - 2);
        let (mut st, mut w, mut cj, mut ot, mut fo, mut al) = (0u8, 0u8, 0u8, 0u8, 0u8, 0u8);
        for ((&l, &a), &c) in lead[at..end].iter().zip(&next[at..end]).zip(&last[at..end]) {
            let e3 = l == 0xE3 && a <= 0x83;
            let cjk3 = e3 || (l == 0xE4 && a >= 0xB8) || l.wrapping_sub(0xE5) <= 4;
            // U+3000, the ideographic space: whitespace, and folded by the normalization.
            let space = e3 && a == 0x80 && c == 0x80;
            st += u8::from(l & 0xC0 != 0x80);
            w += u8::from(l == b' ' || l.wrapping_sub(9) <= 4) + u8::from(space);
            cj += u8::from(cjk3 && !space);
            ot |= u8::from(l >= 0xC0 && !cjk3);
            fo |= u8::from(FOLDS && (l.wrapping_sub(b'A') < 26 || (e3 && !super::chars::is_plain_kana(a, c))));
            al |= u8::from(l.is_ascii_alphanumeric());
        }
        starts += usize::from(st);
        ws += usize::from(w);
        cjk += usize::from(cj);
        other |= ot != 0;
        folds |= fo != 0;
        alnum |= al != 0;
        at = end;
    }
    for &l in &b[n - 2..] {
        if l >= 0x80 {
            // The end of a character, or the start of a two-byte one (not Japanese).
            other |= l >= 0xC0;
            continue;
        }
        starts += 1;
        ws += usize::from(l.is_ascii_whitespace() || l == 0x0B);
        folds |= l.is_ascii_uppercase();
        alnum |= l.is_ascii_alphanumeric();
    }
    if other {
        return None;
    }
    // Words: runs of letters and digits, broken by whitespace and by Japanese characters (but
    // not by ASCII punctuation, as in [`text_stats_any`]).
    let mut words = 0;
    if alnum {
        let mut in_word = false;
        for &l in b {
            if l.is_ascii_alphanumeric() {
                words += usize::from(!in_word);
                in_word = true;
            } else if l.is_ascii_whitespace() || l == 0x0B || l >= 0xC0 {
                in_word = false;
            }
        }
    }
    Some(TextStats { non_ws: starts - ws, cjk, words, folds })
}

/// [`text_stats`] for any text, character by character, with kana and kanji told by their
/// first bytes.
pub(crate) fn text_stats_any(t: &str) -> TextStats {
    let (mut non_ws, mut cjk, mut words, mut in_word, mut folds) = (0, 0, 0, false, false);
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Kana and CJK punctuation (U+3000–U+30FF) and kanji (U+4E00–U+9FFF), most of a
        // Japanese text, are told by their first two bytes, without decoding them or asking
        // the Unicode tables. (A lead byte E3–E9 is followed by two more in valid UTF-8.)
        if let [lead @ 0xE3..=0xE9, b1, b2, ..] = b[i..] {
            let fast = match lead {
                0xE3 => b1 <= 0x83,
                0xE4 => b1 >= 0xB8,
                _ => true,
            };
            if fast {
                i += 3;
                in_word = false;
                if lead == 0xE3 {
                    // U+3000, the ideographic space, is whitespace (and the normalization
                    // folds it: not in the table); the rest of U+3001–U+30FF is CJK.
                    let space = b1 == 0x80 && b2 == 0x80;
                    folds |= (PLAIN_KANA[usize::from(b1 & 3)] >> (b2 & 0x3F)) & 1 == 0;
                    if space {
                        continue;
                    }
                }
                non_ws += 1;
                cjk += 1;
                continue;
            }
        }
        let Some(c) = t[i..].chars().next() else { break };
        folds |= if c.is_ascii() {
            c.is_ascii_uppercase()
        } else {
            !(b[i] == 0xE3 && super::chars::is_plain_kana(b[i + 1], b[i + 2]))
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        non_ws += 1;
        // ASCII first: cheaper tests than the Unicode tables, same answers.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                words += usize::from(!in_word);
                in_word = true;
            }
        } else if is_cjk(c) {
            cjk += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            words += usize::from(!in_word);
            in_word = true;
        }
    }
    TextStats { non_ws, cjk, words, folds }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same count made character by character, decoding each one: the reference [`text_stats`],
    /// which tells kana and kanji by their bytes, is checked against.
    fn text_stats_by_char(t: &str) -> TextStats {
        let (mut st, mut in_word) = (TextStats::default(), false);
        for c in t.chars() {
            let mut buf = [0; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            st.folds |= if c.is_ascii() {
                c.is_ascii_uppercase()
            } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                false // kanji stay as they are
            } else {
                !(b[0] == 0xE3 && super::super::chars::is_plain_kana(b[1], b[2]))
            };
            if c.is_whitespace() {
                in_word = false;
                continue;
            }
            st.non_ws += 1;
            if is_cjk(c) {
                st.cjk += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                st.words += usize::from(!in_word);
                in_word = true;
            }
        }
        st
    }

    #[test]
    fn each_character_the_byte_wise_count_covers_is_counted_as_by_character() {
        // Between two kanji, so the text is long enough for the byte-wise count and every other
        // character in it leaves the folding test alone.
        let covered = (0..0x80u32).chain(0x3000..=0x30FF).chain(0x4E00..=0x4E10).chain(0x9FF0..=0x9FFF);
        for c in covered.filter_map(char::from_u32) {
            for text in [format!("語{c}語"), format!("{c}a語"), format!("a {c}")] {
                assert!(text_stats_japanese::<true>(text.as_bytes()).is_some(), "{text:?} takes the byte-wise count");
                assert_eq!(text_stats(&text, true), text_stats_by_char(&text), "{text:?}");
                assert_eq!(text_stats(&text, false), TextStats { folds: false, ..text_stats_by_char(&text) });
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn text_stats_agree_with_counting_character_by_character(
            picks in proptest::collection::vec(0usize..40, 0..60)
        ) {
            // Every class the fast path tells apart, and the characters at its edges: ideographic
            // space, plain and other kana and punctuation, kanji at both ends of their range,
            // what lies just outside it (Ext A, hexagrams, bopomofo), full-width, Latin, Hangul.
            const CHARS: [&str; 40] = [
                "a", "Z", "7", " ", "\n", "\u{3000}", "、", "。", "「", "\u{3036}", "\u{303B}", "ぁ", "あ",
                "ゖ", "\u{3097}", "゛", "ゟ", "゠", "ァ", "ヶ", "・", "ー", "ヽ", "ヿ", "一", "丁", "鿿",
                "\u{4DB5}", "\u{4DC0}", "\u{4DFF}", "\u{3105}", "Ａ", "ｱ", "é", "가", "α", "🙂", "\u{20000}",
                "-", "\u{E000}",
            ];
            let text: String = picks.iter().map(|&k| CHARS[k]).collect();
            proptest::prop_assert_eq!(text_stats(&text, true), text_stats_by_char(&text), "{:?}", text);
            proptest::prop_assert_eq!(text_stats(&text, false), TextStats { folds: false, ..text_stats_by_char(&text) });
        }

        #[test]
        fn japanese_text_is_counted_without_decoding_and_agrees_with_counting_by_character(
            picks in proptest::collection::vec(0usize..36, 0..400)
        ) {
            // Only what the byte-wise count covers, with the edges of plain kana (U+3035/3036,
            // U+3040/3041, U+3096/3097, U+30A0/30A1, U+30FC/30FD), ASCII whitespace, punctuation,
            // capitals and digits; up to 1,200 bytes, so the 8-bit counters are added up often.
            const CHARS: [&str; 36] = [
                "a", "Z", "7", " ", "\n", "\t", "\u{0B}", "-", ".", "\u{3000}", "、", "。", "「", "\u{3035}",
                "\u{3036}", "\u{303B}", "\u{3040}", "ぁ", "あ", "ゖ", "\u{3097}", "゛", "ゟ", "゠", "ァ", "ヶ",
                "・", "ー", "\u{30FD}", "ヿ", "一", "丁", "鿿", "\u{4E00}", "語", "Q",
            ];
            let text: String = picks.iter().map(|&k| CHARS[k]).collect();
            let fast = text_stats_japanese::<true>(text.as_bytes());
            proptest::prop_assert!(fast.is_some() || text.len() < 3, "{:?}", text);
            proptest::prop_assert_eq!(text_stats(&text, true), text_stats_by_char(&text), "{:?}", text);
            let counted = TextStats { folds: false, ..text_stats_by_char(&text) };
            proptest::prop_assert_eq!(text_stats(&text, false), counted, "{:?}", text);
        }
    }
}
