//! Rules judged over a whole page: です・ます against である style, and 、。 against ，．.

use std::ops::Range;

use super::sentences::Sentence;
use super::{Hit, Rule};
use crate::proofread::prose::{Block, BlockKind};
use crate::text::chars::is_white_space;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Polite,
    Plain,
}

const POLITE_ENDINGS: &[&str] =
    &["です", "ます", "でした", "ました", "ません", "ましょう", "でしょう", "ください", "ございます"];
const PLAIN_ENDINGS: &[&str] =
    &["である", "であった", "であろう", "だ", "だった", "だろう", "ではない", "ではなかった"];

/// The style a sentence ends in, if it tells: closing marks and up to two final particles
/// (か, ね, よ, な) are looked through. Each of its last characters is decoded once.
fn style_of(sentence: &str) -> Option<Style> {
    let closing = |c: char| matches!(c, '。' | '．' | '！' | '？' | '!' | '?' | '」' | '』' | '）' | ')' | '…');
    let mut s = sentence;
    let mut last = s.chars().next_back()?;
    while closing(last) || is_white_space(last) {
        s = &s[..s.len() - last.len_utf8()];
        last = s.chars().next_back()?;
    }
    for _ in 0..2 {
        if matches!(last, 'か' | 'ね' | 'よ' | 'な') {
            s = &s[..s.len() - last.len_utf8()];
            last = s.chars().next_back()?;
        }
    }
    // Every ending ends in one of these: most sentences are told apart without comparing.
    if !matches!(last, 'す' | 'た' | 'ん' | 'う' | 'い' | 'る' | 'だ') {
        return None;
    }
    let s = s.as_bytes();
    if POLITE_ENDINGS.iter().any(|e| ends_with(s, e.as_bytes())) {
        Some(Style::Polite)
    } else if PLAIN_ENDINGS.iter().any(|e| ends_with(s, e.as_bytes())) {
        Some(Style::Plain)
    } else {
        None
    }
}

/// Whether `s` ends with `e`, compared from the end, where endings differ: in line, where
/// `<[u8]>::ends_with` calls `memcmp`.
#[inline(always)]
fn ends_with(s: &[u8], e: &[u8]) -> bool {
    s.len() >= e.len() && s.iter().rev().zip(e.iter().rev()).all(|(a, b)| a == b)
}

/// A sentence: its block and its range in the block's text.
type Place = (usize, Range<usize>);

/// Sentences in the page's minority style (です・ます by default on a tie). Paragraphs and list
/// items are judged apart: lists are often written in the plain style on a polite page.
/// `sentences` holds each block's (none for headings and table cells).
pub(crate) fn mixed_style(blocks: &[Block], sentences: &[&[Sentence]]) -> Vec<(usize, Hit)> {
    let mut out = Vec::new();
    for kind in [BlockKind::Paragraph, BlockKind::ListItem] {
        // The sentences of a style, by block.
        let styled = |style: Style| {
            let blocks = blocks.iter().enumerate().filter(|(_, b)| b.kind == kind);
            blocks.flat_map(move |(b, block)| {
                let of_style = move |r: &Range<usize>| style_of(&block.text[r.clone()]) == Some(style);
                sentences[b].iter().map(|s| s.range.clone()).filter(of_style).map(move |r| (b, r))
            })
        };
        // Most pages are polite: its sentences are counted, the plain ones listed.
        let (mut polite, mut plain): (usize, Vec<Place>) = (0, Vec::new());
        for (b, block) in blocks.iter().enumerate().filter(|(_, b)| b.kind == kind) {
            for r in sentences[b].iter().map(|s| s.range.clone()) {
                match style_of(&block.text[r.clone()]) {
                    Some(Style::Polite) => polite += 1,
                    Some(Style::Plain) => plain.push((b, r)),
                    None => {}
                }
            }
        }
        let (minority, (en, ja)) = if polite >= plain.len() {
            (plain, ("a である-style sentence on a です・ます page", "です・ます調の文書に、である調の文があります"))
        } else {
            let polite = styled(Style::Polite).collect();
            (polite, ("a です・ます-style sentence on a である page", "である調の文書に、です・ます調の文があります"))
        };
        out.extend(minority.into_iter().map(|(b, r)| (b, Hit::new(Rule::MixedStyle, r, en.into(), ja.into()))));
    }
    out
}

const JA_MARKS: [char; 2] = ['、', '。'];
const WIDE_MARKS: [char; 2] = ['，', '．'];

/// ，． on a page that mostly uses 、。, or the reverse.
pub(crate) fn mixed_punctuation(blocks: &[Block]) -> Vec<(usize, Hit)> {
    let count = |marks: [char; 2]| -> usize { blocks.iter().map(|b| b.text.matches(marks).count()).sum() };
    // ，． are rare: most pages are done after one fast search for their shared lead byte.
    let has = |b: &Block| {
        let bytes = b.text.as_bytes();
        // ， is EF BC 8C and ． is EF BC 8E in UTF-8.
        memchr::memchr_iter(0xEF, bytes)
            .any(|i| bytes.get(i + 1..i + 3).is_some_and(|t| matches!(t, [0xBC, 0x8C | 0x8E])))
    };
    if !blocks.iter().any(has) {
        return Vec::new();
    }
    let (ja, wide) = (count(JA_MARKS), count(WIDE_MARKS));
    if ja == 0 || wide == 0 {
        return Vec::new();
    }
    let (from, to) = if ja >= wide { (WIDE_MARKS, JA_MARKS) } else { (JA_MARKS, WIDE_MARKS) };
    let mut out = Vec::new();
    for (b, block) in blocks.iter().enumerate() {
        for (i, c) in block.text.match_indices(from) {
            let c = c.chars().next().unwrap_or_default();
            let with = if c == from[0] { to[0] } else { to[1] };
            let hit = Hit::new(
                Rule::MixedPunctuation,
                i..i + c.len_utf8(),
                format!("`{c}` on a page that uses `{}{}`", to[0], to[1]),
                format!("「{}{}」を使うページに「{c}」があります", to[0], to[1]),
            )
            .replace_with(with.to_string());
            out.push((b, hit));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proofread::prose::blocks;
    use crate::proofread::rules::scan::running_text;

    fn style(bs: &[Block]) -> Vec<(usize, Hit)> {
        let running = |b: &Block| matches!(b.kind, BlockKind::Paragraph | BlockKind::ListItem);
        let sentences: Vec<_> = bs
            .iter()
            .map(|b| {
                if running(b) {
                    running_text(&b.text, &[], None, false, &mut Vec::new(), &mut Default::default(), Vec::new()).0
                } else {
                    Vec::new()
                }
            })
            .collect();
        let sentences: Vec<&[Sentence]> = sentences.iter().map(Vec::as_slice).collect();
        mixed_style(bs, &sentences)
    }

    fn hits(f: fn(&[Block]) -> Vec<(usize, Hit)>, md: &str) -> Vec<String> {
        let bs = blocks(md, 0);
        f(&bs).into_iter().map(|(b, h)| bs[b].text[h.range].to_string()).collect()
    }

    #[test]
    fn the_minority_style_is_reported_per_context() {
        let md = "連絡します。返事を待ちます。\n\n失礼である。\n\n- 必ず謝ること\n- 先に送るのだ\n\n本当ですか？\n";
        assert_eq!(hits(style, md), ["失礼である。"]);
        assert!(hits(style, "これはペンだ。あれもペンだ。\n\n- 連絡します\n").is_empty());
        assert_eq!(style_of("そうですよね。"), Some(Style::Polite));
        assert_eq!(style_of("「行きます」と言う。"), None);
        // The quick test of the last character lets every ending through.
        for e in POLITE_ENDINGS.iter().chain(PLAIN_ENDINGS) {
            assert!(style_of(&format!("それは{e}。")).is_some(), "{e}");
        }
    }

    /// `style_of` as it was written first, on `str`'s own searches.
    fn style_of_reference(sentence: &str) -> Option<Style> {
        let closing = |c: char| matches!(c, '。' | '．' | '！' | '？' | '!' | '?' | '」' | '』' | '）' | ')' | '…');
        let mut s = sentence.trim_end_matches(|c: char| closing(c) || c.is_whitespace());
        for _ in 0..2 {
            s = s.strip_suffix(['か', 'ね', 'よ', 'な']).unwrap_or(s);
        }
        if POLITE_ENDINGS.iter().any(|e| s.ends_with(e)) {
            Some(Style::Polite)
        } else if PLAIN_ENDINGS.iter().any(|e| s.ends_with(e)) {
            Some(Style::Plain)
        } else {
            None
        }
    }

    proptest::proptest! {
        #[test]
        fn style_of_reads_as_the_reference_does(picks in proptest::collection::vec(0usize..30, 0..12)) {
            // The endings' pieces, what is looked through, and characters that end nothing.
            const PIECES: [&str; 30] = [
                "で", "す", "ま", "し", "た", "ょ", "う", "せ", "ん", "くだ", "さ", "い", "ござい", "あ",
                "る", "っ", "ろ", "だ", "は", "な", "か", "ね", "よ", "。", "」", "）", "!", " ", "\u{3000}", "…",
            ];
            let text: String = picks.iter().map(|&k| PIECES[k]).collect();
            proptest::prop_assert_eq!(style_of(&text), style_of_reference(&text), "{:?}", text);
        }
    }

    #[test]
    fn the_minority_punctuation_is_reported_with_its_fix() {
        let md = "一、二。三、四。\n\n五，六．\n";
        let bs = blocks(md, 0);
        let got = mixed_punctuation(&bs);
        let fixes: Vec<_> = got.iter().map(|(_, h)| h.suggestion.clone().unwrap()).collect();
        assert_eq!(fixes, ["、", "。"]);
        assert!(hits(mixed_punctuation, "一、二。\n").is_empty());
    }
}
