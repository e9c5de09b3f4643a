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
        split.step(text, i, c);
        if let Some(k) = kanji.as_mut() {
            k.step(i, c, out);
        }
        if let Some(d) = doubled.as_mut() {
            d.step(text, i, (prev, c, chars.peek().map(|&(_, n)| n)), out);
        }
        prev = Some(c);
    }
    if let Some(k) = kanji {
        k.finish(text.len(), out);
    }
    split.finish(text)
}
