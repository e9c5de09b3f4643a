//! Character classes for Japanese text: which characters are CJK, which are punctuation, which
//! kana the search normalization leaves alone. Used by the Markdown passes (soft line breaks,
//! emphasis), counting and search.

/// True for characters of scripts written without spaces between words (Han, kana, CJK
/// punctuation and full-width forms). Hangul is not included: Korean separates words by spaces.
pub(crate) const fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // hiragana, katakana
        | 0x31F0..=0x31FF    // katakana extensions
        | 0x3200..=0x33FF    // enclosed, compatibility
        | 0x3400..=0x4DBF    // ext A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // compatibility forms
        | 0xFF00..=0xFFEF    // half/full-width forms
        | 0x20000..=0x3FFFF) // ext B and beyond
}

/// Unicode punctuation as CommonMark's flanking rules see it (ASCII punctuation, general and
/// CJK punctuation, full-width punctuation), approximated without a Unicode table.
pub(crate) const fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x00A1..=0x00BF
            | 0x2010..=0x2027
            | 0x2030..=0x205E
            | 0x3001..=0x3004
            | 0x3008..=0x3020
            | 0x3030
            | 0x303D
            | 0x30FB
            | 0xFF01..=0xFF0F
            | 0xFF1A..=0xFF20
            | 0xFF3B..=0xFF40
            | 0xFF5B..=0xFF65)
}

/// Whether the character U+3000–U+30FF whose UTF-8 form is `E3 b1 b2` is left as it is by
/// [`super::normalize::normalize`]: CJK punctuation U+3001–U+3035 and kana U+3041–U+3096, U+30A1–U+30FC.
#[inline]
pub(crate) const fn is_plain_kana(b1: u8, b2: u8) -> bool {
    match (b1, b2) {
        (0x80, c) => c >= 0x81 && c <= 0xB5,
        (0x81, c) => c >= 0x81,
        (0x82, c) => c <= 0x96 || c >= 0xA1,
        (0x83, c) => c <= 0xBC,
        _ => false,
    }
}

/// Kanji, with the iteration mark 々 and 〆, which stand for kanji.
pub(crate) fn is_kanji(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
        || c == '々'
        || c == '〆'
}

/// Hiragana letters (not the iteration marks).
pub(crate) fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{3096}').contains(&c)
}

/// Katakana letters and the prolonged sound mark ー (full-width only).
pub(crate) fn is_katakana(c: char) -> bool {
    ('\u{30A1}'..='\u{30FA}').contains(&c) || c == 'ー' || ('\u{31F0}'..='\u{31FF}').contains(&c)
}

/// Letters of Japanese words: kanji, hiragana, katakana; punctuation and symbols are not.
pub(crate) fn is_japanese_letter(c: char) -> bool {
    is_kanji(c) || is_hiragana(c) || is_katakana(c)
}

/// [`char::is_whitespace`], with the kana, kanji and CJK marks told apart at once: above
/// U+3000, the last space of Unicode, there is none to look up in its table.
#[inline]
pub(crate) fn is_white_space(c: char) -> bool {
    c <= '\u{3000}' && c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_white_space_is_std_whitespace() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_white_space(c), c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn japanese_letter_classes() {
        assert!(is_kanji('漢') && is_kanji('々') && !is_kanji('あ') && !is_kanji('ア'));
        assert!(is_hiragana('ぁ') && !is_hiragana('ア') && is_katakana('ー') && !is_katakana('ｱ'));
        assert!(is_japanese_letter('あ') && !is_japanese_letter('、') && !is_japanese_letter('Ａ'));
    }

    #[test]
    fn classes() {
        for c in ['あ', 'ア', '漢', '。', '「', '！'] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', '1', ' ', '한'] {
            assert!(!is_cjk(c), "{c}");
        }
        for c in ['。', '」', '、', '!', '・', '（'] {
            assert!(is_punctuation(c), "{c}");
        }
        for c in ['あ', '々', 'a'] {
            assert!(!is_punctuation(c), "{c}");
        }
    }
}
