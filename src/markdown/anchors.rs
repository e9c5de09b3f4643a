//! Heading ids that keep kana and kanji.
//!
//! Zola transliterates (`日本` → `ri-ben`) and VitePress splits voiced kana, so typed links miss.
//! Here an id is the heading text in NFC, ASCII lowercased, punctuation and symbols dropped,
//! spaces turned into `-`. Link fragments go through the same function, so `#謝罪する` and
//! `#%E8%AC%9D...` both find the heading `謝罪する`.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

/// Turns heading text (or a link fragment) into an id.
pub fn slugify(text: &str) -> String {
    // ASCII, kana and common kanji are NFC already and never compose with a neighbour among
    // them: skip the normalizer (most of the cost) for nearly every Japanese heading.
    let composed = |c: char| {
        c.is_ascii() || matches!(c, '\u{3001}'..='\u{3096}' | '\u{30A1}'..='\u{30FC}' | '\u{4E00}'..='\u{9FFF}')
    };
    if text.chars().all(composed) {
        slug_of(text.chars(), text.len())
    } else {
        slug_of(text.nfc(), text.len())
    }
}

/// The slug of NFC text (`len`: its length in bytes, about the slug's).
fn slug_of(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_dash = false;
    for c in chars {
        if is_japanese_letter(c) || c.is_alphanumeric() || c == '_' || c == '-' || is_kept_mark(c) {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() {
            pending_dash = true;
        }
        // Everything else (punctuation, symbols) is dropped.
    }
    out
}

/// Kana and common kanji, all letters: told by their range before `is_alphanumeric`, whose
/// table search is slow for the common case.
fn is_japanese_letter(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}')
}

/// Combining marks and the iteration/prolonged-sound marks are part of Japanese words.
fn is_kept_mark(c: char) -> bool {
    matches!(c, 'ー' | '々' | 'ゝ' | 'ゞ' | 'ヽ' | 'ヾ' | '〆' | '\u{3099}'..='\u{309C}')
        || ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Hands out unique ids within one page: `x`, `x-1`, `x-2`... The ids the theme uses itself
/// ([`RESERVED_IDS`](super::RESERVED_IDS)) count as taken: they are looked up, not copied into
/// every page's set.
#[derive(Debug, Default)]
pub struct IdSet {
    used: HashSet<String>,
}

impl IdSet {
    fn taken(&self, id: &str) -> bool {
        super::RESERVED_IDS.contains(&id) || self.used.contains(id)
    }

    /// A unique id derived from `base` (`section` when empty).
    pub fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let id = if self.taken(base) {
            (1..).map(|n| format!("{base}-{n}")).find(|cand| !self.taken(cand)).unwrap_or_default()
        } else {
            base.to_string()
        };
        self.used.insert(id.clone());
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_told_by_range_are_exactly_letters_as_unicode_says() {
        // The range test only answers sooner: it must never call a character a letter that
        // `is_alphanumeric` would not.
        let ranges = ['\u{3041}'..='\u{3096}', '\u{30A1}'..='\u{30FA}', '\u{4E00}'..='\u{9FFF}'];
        for c in ranges.into_iter().flatten() {
            assert!(is_japanese_letter(c) && c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
        }
        for c in ['\u{3040}', '\u{3097}', '\u{30A0}', '・', '、', '「', 'a', '\u{4DFF}', '\u{A000}'] {
            assert!(!is_japanese_letter(c), "{c:?}");
        }
    }

    #[test]
    fn ids_keep_kana_and_kanji_and_drop_punctuation() {
        assert_eq!(slugify("正直に謝罪し、今後の意向を伝える"), "正直に謝罪し今後の意向を伝える");
        assert_eq!(slugify("リスク1：キャリアに傷がつく"), "リスク1キャリアに傷がつく");
        assert_eq!(slugify("Why Not バックレ?"), "why-not-バックレ");
        assert_eq!(slugify("「重要」な  ポイント！"), "重要な-ポイント");
    }

    #[test]
    fn decomposed_voiced_kana_match_composed_ones() {
        // "ガ" typed as カ + combining dakuten must give the same id as the precomposed letter.
        assert_eq!(slugify("カ\u{3099}イド"), slugify("ガイド"));
        assert_eq!(slugify("ガイド"), "ガイド");
    }

    #[test]
    fn the_shortcut_past_the_normalizer_gives_the_same_ids() {
        let pool = [
            'a', 'Z', ' ', '-', '\u{3000}', '\u{3001}', 'か', '\u{3096}', '\u{3099}', '\u{309A}', 'ヽ', 'ハ', 'ー',
            '\u{30FD}', '一', '\u{9FFF}', 'e', '\u{0301}', 'Å', '\u{212B}', '\u{1100}', '\u{1161}',
        ];
        for a in pool {
            for b in pool {
                for c in pool {
                    let t: String = [a, b, c].iter().collect();
                    assert_eq!(slugify(&t), slug_of(t.nfc(), t.len()), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn slugify_is_idempotent_on_ids() {
        for s in ["正直に謝罪する", "why-not-バックレ", "a_b-1"] {
            assert_eq!(slugify(&slugify(s)), slugify(s));
        }
    }

    #[test]
    fn duplicate_ids_get_numbered() {
        let mut ids = IdSet::default();
        assert_eq!(ids.unique("解決策"), "解決策");
        assert_eq!(ids.unique("解決策"), "解決策-1");
        assert_eq!(ids.unique("解決策"), "解決策-2");
        assert_eq!(ids.unique("fn-1"), "fn-1");
        assert_eq!(ids.unique("fn-1"), "fn-1-1");
        // The theme's own ids are taken on every page.
        assert_eq!(ids.unique("main"), "main-1");
        assert_eq!(ids.unique("tebiki-toc-title"), "tebiki-toc-title-1");
    }
}
