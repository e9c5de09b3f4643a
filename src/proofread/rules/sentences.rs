//! Sentences of a block, and the rules on whole sentences: length and the number of 読点.

use std::ops::Range;

use super::{Hit, Rule};
use crate::text::chars::is_white_space;

/// A sentence of a block, with what the sentence rules count in it, counted as it is split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    /// Its bytes in the block's text, spaces at either end left out.
    pub range: Range<usize>,
    /// Its characters, spaces and line breaks not counted.
    pub chars: usize,
    /// Its 読点 (、 and ，).
    pub commas: usize,
}

/// Splits a block into sentences, a character at a time (see [`super::scan`]): up to 。．！？
/// (or `!`/`?`) and any closing brackets after it, or the end of the block. A full stop inside
/// 「」 or （） quotes ends nothing.
pub(crate) struct Splitter {
    out: Vec<Sentence>,
    current: Sentence,
    depth: usize,
    /// After a full stop: closing marks still belong to its sentence.
    closing: bool,
    /// The index of the first character not yet counted.
    next: usize,
}

/// Brackets, commas and full stops: the characters [`Splitter::step`] does more than count
/// (besides spaces, which it does not count).
pub(crate) fn is_mark(c: char) -> bool {
    matches!(
        c,
        '「' | '『' | '（' | '(' | '」' | '』' | '）' | ')' | '、' | '，' | '。' | '．' | '！' | '？' | '!' | '?'
    )
}

/// How many sentences a text of `len` bytes is reckoned to hold: about one for every 32
/// characters of Japanese, so that a list sized by it seldom grows.
pub(crate) fn room_for(len: usize) -> usize {
    len / 96 + 1
}

impl Splitter {
    /// A splitter for a text of `len` bytes, which adds its sentences to `out`, with room for
    /// them made once ([`room_for`]).
    pub(crate) fn new(len: usize, mut out: Vec<Sentence>) -> Self {
        out.reserve(room_for(len));
        Splitter { out, current: Sentence { range: 0..0, chars: 0, commas: 0 }, depth: 0, closing: false, next: 0 }
    }

    /// Reads the characters up to character `n` (not included), which are neither spaces nor
    /// marks ([`is_mark`]) if not read with [`Splitter::step`]: after a full stop, the first of
    /// them starts the next sentence.
    #[inline]
    fn count_to(&mut self, text: &str, n: usize) {
        if self.closing && n > self.next {
            self.close(text);
        }
        self.current.chars += n - self.next;
        self.next = n;
    }

    /// Ends the sentence closed by a full stop and the closing marks after it.
    #[inline(never)]
    fn close(&mut self, text: &str) {
        self.closing = false;
        let end = self.current.range.end;
        push_trimmed(text, &self.current, &mut self.out);
        self.current = Sentence { range: end..end, chars: 0, commas: 0 };
    }

    /// Reads `c`, at byte `i` of `text` (its character `n`).
    #[inline(always)]
    pub(crate) fn step(&mut self, text: &str, (i, n): (usize, usize), c: char) {
        self.count_to(text, n);
        self.next = n + 1;
        if self.closing {
            if matches!(c, '！' | '？' | '!' | '?' | '」' | '』' | '）' | ')') {
                self.current.chars += 1;
                self.current.range.end = i + c.len_utf8();
                return;
            }
            self.close(text);
        }
        self.current.chars += usize::from(!is_white_space(c));
        match c {
            '「' | '『' | '（' | '(' => self.depth += 1,
            '」' | '』' | '）' | ')' => self.depth = self.depth.saturating_sub(1),
            '、' | '，' => self.current.commas += 1,
            '。' | '．' | '！' | '？' | '!' | '?' if self.depth == 0 => {
                self.current.range.end = i + c.len_utf8();
                self.closing = true;
            }
            _ => {}
        }
    }

    /// The list given to [`Splitter::new`] with the sentences of `text` (of `n` characters)
    /// added.
    pub(crate) fn finish(mut self, text: &str, n: usize) -> Vec<Sentence> {
        self.count_to(text, n);
        if !self.closing {
            self.current.range.end = text.len();
        }
        push_trimmed(text, &self.current, &mut self.out);
        self.out
    }
}

/// Keeps `s` without the spaces at its ends, unless it is nothing but spaces.
fn push_trimmed(text: &str, s: &Sentence, out: &mut Vec<Sentence>) {
    if s.chars == 0 {
        return;
    }
    let t = &text[s.range.clone()];
    let lead: usize = t.chars().take_while(|&c| is_white_space(c)).map(char::len_utf8).sum();
    let trail: usize = t[lead..].chars().rev().take_while(|&c| is_white_space(c)).map(char::len_utf8).sum();
    let range = s.range.start + lead..s.range.end - trail;
    out.push(Sentence { range, chars: s.chars, commas: s.commas });
}

/// Sentences longer than `max` characters (spaces and line breaks not counted).
pub(crate) fn sentence_length(sentences: &[Sentence], max: usize, out: &mut Vec<Hit>) {
    for s in sentences.iter().filter(|s| s.chars > max) {
        let n = s.chars;
        out.push(Hit::new(
            Rule::SentenceLength,
            s.range.clone(),
            format!("a sentence of {n} characters (more than {max})"),
            format!("一文が{n}文字あります（{max}文字まで）"),
        ));
    }
}

/// Sentences with more than `max` 読点.
pub(crate) fn max_comma(sentences: &[Sentence], max: usize, out: &mut Vec<Hit>) {
    for s in sentences.iter().filter(|s| s.commas > max) {
        let n = s.commas;
        out.push(Hit::new(
            Rule::MaxComma,
            s.range.clone(),
            format!("{n} commas (、) in one sentence (more than {max}): split it"),
            format!("一文に読点が{n}個あります（{max}個まで）。文を分けてください"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<Sentence> {
        super::super::scan::running_text(text, &[], None, false, &mut Vec::new(), &mut Default::default(), Vec::new()).0
    }

    #[test]
    fn sentences_end_at_full_stops_outside_quotes() {
        let t = "彼は「行きます。」と言った。本当？ はい！\n続き";
        let got: Vec<(&str, usize)> = sentences(t).into_iter().map(|s| (&t[s.range], s.chars)).collect();
        assert_eq!(got, [("彼は「行きます。」と言った。", 14), ("本当？", 3), ("はい！", 3), ("続き", 2)]);
        assert!(sentences(" \n　").is_empty());
    }

    #[test]
    fn length_and_commas_over_thresholds_only() {
        let long = "あ".repeat(101) + "。";
        let short = "あ".repeat(99) + "。";
        let mut out = Vec::new();
        for t in [&long, &short] {
            sentence_length(&sentences(t), 100, &mut out);
        }
        assert_eq!(out.len(), 1);
        let commas = "一、二、三、四、五。一、二、三。";
        let mut out = Vec::new();
        max_comma(&sentences(commas), 3, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&commas[out[0].range.clone()], "一、二、三、四、五。");
    }
}
