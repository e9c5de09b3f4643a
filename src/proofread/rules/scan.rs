//! One pass over a block of running text (a paragraph or a list item) for the rules that read
//! it a character at a time: sentences and their counts, kanji runs and doubled particles. Every
//! paragraph of the site goes through here, so each character is decoded once, not once a rule.

use super::chars::KanjiRuns;
use super::grammar::Particles;
use super::sentences::{Sentence, Splitter};
use super::Hit;

/// The sentences of `text`, with the hits of `kanji-run` (more than `kanji_max` kanji in a row,
/// when given) and of `doubled-particle` (when `particles`; `breaks` are where link texts start
/// and end) added to `out`.
pub(crate) fn running_text(
    text: &str,
    breaks: &[usize],
    kanji_max: Option<usize>,
    particles: bool,
    out: &mut Vec<Hit>,
) -> Vec<Sentence> {
    let mut split = Splitter::new();
    let mut kanji = kanji_max.map(KanjiRuns::new);
    let mut doubled = particles.then(|| Particles::new(breaks));
    let mut prev = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(k) = kanji.as_mut() {
            k.step(i, c, out);
        }
        if plain(c) && split.takes_plain() && doubled.as_ref().is_none_or(|d| d.takes_plain(i)) {
            split.count_plain();
            if let Some(d) = doubled.as_mut() {
                d.count_plain();
            }
        } else {
            split.step(text, i, c);
            if let Some(d) = doubled.as_mut() {
                d.step(text, i, (prev, c, chars.peek().map(|&(_, n)| n)), out);
            }
        }
        prev = Some(c);
    }
    if let Some(k) = kanji {
        k.finish(text.len(), out);
    }
    split.finish(text)
}

/// Hiragana that a step looks at: the particles checked and the verb endings that can close a
/// clause.
const SPECIAL_KANA: [char; 18] =
    ['は', 'が', 'を', 'で', 'て', 'に', 'う', 'く', 'ぐ', 'す', 'つ', 'ぬ', 'ぶ', 'む', 'る', 'た', 'だ', 'い'];

/// [`SPECIAL_KANA`] as bits, by offset from ぁ (U+3041): one shift tells, where a `match` would
/// jump through a table on every kana.
const SPECIAL_KANA_BITS: u128 = {
    let mut bits = 0u128;
    let mut k = 0;
    while k < SPECIAL_KANA.len() {
        bits |= 1 << (SPECIAL_KANA[k] as u32 - 0x3041);
        k += 1;
    }
    bits
};

/// Whether `c` matters to the sentences and the particles only as one more character: a kanji,
/// a katakana, or a hiragana not in [`SPECIAL_KANA`]. Most characters of Japanese prose are; they
/// take the short way.
#[inline]
fn plain(c: char) -> bool {
    match c as u32 {
        0x4E00..=0x9FFF | 0x30A1..=0x30FA | 0x30FC => true,
        k @ 0x3041..=0x3096 => SPECIAL_KANA_BITS >> (k - 0x3041) & 1 == 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_characters_are_the_ones_no_step_looks_at() {
        for c in ['漢', 'カ', 'ー', 'の', 'し', 'か'] {
            assert!(plain(c), "{c}");
        }
        for c in ['は', 'で', 'る', 'た', '。', '、', '」', ' ', '\u{3000}', '\n', 'a', '々', '！'] {
            assert!(!plain(c), "{c}");
        }
    }
}
