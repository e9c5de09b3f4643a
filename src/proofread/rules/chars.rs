//! Rules on single characters and runs of them: full-width ASCII, half-width kana, ASCII
//! punctuation in Japanese sentences, spaces between Japanese characters, long kanji runs.

use std::sync::LazyLock;

use memchr::memmem;
use unicode_normalization::UnicodeNormalization;

use super::{grammar, notation, Hit, Rule};
use crate::text::chars::{is_japanese_letter, is_kanji};

/// The characters of U+F000–U+FFFF (full-width forms, half-width kana): the only ones
/// [`wide_runs`] looks at, by their UTF-8 lead byte EF.
pub(crate) fn is_wide_form(c: char) -> bool {
    ('\u{F000}'..='\u{FFFF}').contains(&c)
}

/// The ASCII marks [`ascii_punctuation`] looks at.
pub(crate) fn is_ascii_mark(c: char) -> bool {
    matches!(c, '?' | '!' | ':' | '(')
}

/// The spaces [`spaces`] looks at: ASCII and ideographic.
pub(crate) fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}'
}

/// Runs of characters of U+F000–U+FFFF (full-width forms, half-width kana) for which `pred`
/// holds. Only the places of their UTF-8 lead byte are looked at: most paragraphs have none.
fn wide_runs(text: &str, pred: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for i in memchr::memchr_iter(0xEF, text.as_bytes()) {
        let Some(c) = text.get(i..).and_then(|t| t.chars().next()).filter(|&c| pred(c)) else { continue };
        match out.last_mut() {
            Some(last) if last.1 == i => last.1 = i + c.len_utf8(),
            _ => out.push((i, i + c.len_utf8())),
        }
    }
    out
}

/// Runs of characters for which `pred` holds: (start, end) byte ranges of `text`.
fn runs(text: &str, pred: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (pred(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

fn is_fullwidth_alnum(c: char) -> bool {
    matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// ＡＢＣ１２３ → ABC123.
pub(crate) fn fullwidth_ascii(text: &str, out: &mut Vec<Hit>) {
    for (s, e) in wide_runs(text, is_fullwidth_alnum) {
        let ascii: String = text[s..e].chars().filter_map(|c| char::from_u32(c as u32 - 0xFEE0)).collect();
        out.push(
            Hit::new(
                Rule::FullwidthAscii,
                s..e,
                format!("full-width letters or digits `{}`", &text[s..e]),
                format!("全角の英数字「{}」", &text[s..e]),
            )
            .replace_with(ascii),
        );
    }
}

/// ｶﾀｶﾅ → カタカナ (NFKC joins the separate voiced marks: ｶﾞ → ガ).
pub(crate) fn halfwidth_kana(text: &str, out: &mut Vec<Hit>) {
    for (s, e) in wide_runs(text, |c| ('\u{FF61}'..='\u{FF9F}').contains(&c)) {
        let full: String = text[s..e].nfkc().collect();
        out.push(
            Hit::new(
                Rule::HalfwidthKana,
                s..e,
                format!("half-width kana `{}`", &text[s..e]),
                format!("半角カナ「{}」", &text[s..e]),
            )
            .replace_with(full),
        );
    }
}

fn japanese_before(text: &str, i: usize) -> bool {
    text[..i].chars().next_back().is_some_and(|c| is_japanese_letter(c) || "、。」』）".contains(c))
}

/// `?` `!` `:` and `( )` after Japanese → `？` `！` `：` `（ ）`.
pub(crate) fn ascii_punctuation(text: &str, out: &mut Vec<Hit>) {
    let bytes = text.as_bytes();
    let mut marks: Vec<usize> = memchr::memchr3_iter(b'?', b'!', b':', bytes).collect();
    marks.extend(memchr::memchr_iter(b'(', bytes));
    marks.sort_unstable();
    let mut skip_until = 0;
    for i in marks {
        if i < skip_until {
            continue;
        }
        let c = char::from(bytes[i]);
        let hit = match c {
            '?' | '!' | ':' if japanese_before(text, i) => {
                let len = text[i..].find(|d: char| !"?!".contains(d) || c == ':').unwrap_or(text.len() - i).max(1);
                let full: String =
                    text[i..i + len].chars().map(|d| char::from_u32(d as u32 + 0xFEE0).unwrap_or(d)).collect();
                skip_until = i + len;
                Hit::new(
                    Rule::AsciiPunctuation,
                    i..i + len,
                    format!("ASCII `{}` in a Japanese sentence", &text[i..i + len]),
                    format!("和文中の半角記号「{}」", &text[i..i + len]),
                )
                .replace_with(full)
            }
            '(' => {
                let Some(close) = text[i..].find(')').map(|j| i + j) else { continue };
                let inner = &text[i + 1..close];
                if !(japanese_before(text, i) || inner.chars().any(is_japanese_letter)) || inner.contains('(') {
                    continue;
                }
                let mut h = Hit::new(
                    Rule::AsciiPunctuation,
                    i..close + 1,
                    "ASCII parentheses in a Japanese sentence".into(),
                    "和文中の半角括弧".into(),
                );
                h.suggestion = Some(format!("（{inner}）"));
                h.edits = vec![(i..i + 1, "（".into()), (close..close + 1, "）".into())];
                skip_until = close + 1;
                h
            }
            _ => continue,
        };
        out.push(hit);
    }
}

/// Finds U+3000; made once, not once a block.
static IDEOGRAPHIC_SPACE: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("\u{3000}"));

/// Spaces between two Japanese letters (`面接 対策`); with `latin`, spaces between Japanese and
/// Latin letters or digits instead (`Rust で`).
pub(crate) fn spaces(text: &str, latin: bool, out: &mut Vec<Hit>) {
    if memchr::memchr(b' ', text.as_bytes()).is_none() && IDEOGRAPHIC_SPACE.find(text.as_bytes()).is_none() {
        return;
    }
    for (s, e) in runs(text, is_space) {
        let (Some(a), Some(b)) = (text[..s].chars().next_back(), text[e..].chars().next()) else { continue };
        let (ja_a, ja_b) = (is_japanese_letter(a), is_japanese_letter(b));
        let (en_a, en_b) = (a.is_ascii_alphanumeric(), b.is_ascii_alphanumeric());
        let span = s - a.len_utf8()..e + b.len_utf8();
        let suggestion = format!("{a}{b}");
        let hit = if !latin && ja_a && ja_b {
            Hit::new(
                Rule::JaSpace,
                span,
                "a space between Japanese characters".into(),
                "日本語の文字の間に空白があります".into(),
            )
        } else if latin && ((ja_a && en_b) || (en_a && ja_b)) {
            Hit::new(
                Rule::JaLatinSpace,
                span,
                "a space between Japanese and Latin text".into(),
                "日本語と英数字の間に空白があります".into(),
            )
        } else {
            continue;
        };
        let mut hit = hit;
        hit.suggestion = Some(suggestion);
        out.push(hit);
    }
}

/// The one pass over a block that is not running text (a heading or a table cell), which the
/// scan does not read: its runs of more than `kanji_max` kanji go to `out` and the places of
/// its words' anchors to `anchors`. Returns which rules on single characters may find something
/// in it, by [`Rule::bit`] (the bits of the other rules are set).
pub(crate) fn other_block(text: &str, kanji_max: Option<usize>, out: &mut Vec<Hit>, anchors: &mut Vec<usize>) -> u32 {
    let words = notation::words();
    let mut runs = KanjiRuns::new(kanji_max.unwrap_or(usize::MAX));
    let mut seen = !SINGLE_CHARACTER_RULES;
    for (i, c) in text.char_indices() {
        runs.step(text, i, c, out);
        if c.is_ascii() {
            seen |= if is_ascii_mark(c) { Rule::AsciiPunctuation.bit() } else { u32::from(c == ' ') * SPACE_RULES };
            continue;
        }
        if is_wide_form(c) {
            seen |= WIDE_RULES;
        } else if c == '\u{3000}' {
            seen |= SPACE_RULES;
        } else if grammar::is_re(c) {
            seen |= Rule::RaNuki.bit();
        }
        if words.anchors_at(text.as_bytes(), i, c) {
            anchors.push(i);
        }
    }
    runs.finish(text, text.len(), out);
    seen
}

/// The rules that look at full-width forms (U+F000–U+FFFF).
const WIDE_RULES: u32 = Rule::FullwidthAscii.bit() | Rule::HalfwidthKana.bit() | Rule::MixedPunctuation.bit();
/// The rules that look at spaces.
const SPACE_RULES: u32 = Rule::JaSpace.bit() | Rule::JaLatinSpace.bit();
/// The rules that find nothing in a text without one of their characters.
const SINGLE_CHARACTER_RULES: u32 = WIDE_RULES | SPACE_RULES | Rule::AsciiPunctuation.bit() | Rule::RaNuki.bit();

/// Counts kanji runs a character at a time (see [`super::scan`]), with nothing allocated.
#[derive(Clone, Copy)]
pub(crate) struct KanjiRuns {
    max: usize,
    /// The length of the current run in characters (0: not in a run). Where it started is
    /// worked out when it is reported: one counter is all the scan keeps.
    n: usize,
}

impl KanjiRuns {
    pub(crate) fn new(max: usize) -> Self {
        KanjiRuns { max, n: 0 }
    }

    /// Reads `c`, at byte `i` of `text`.
    #[inline]
    pub(crate) fn step(&mut self, text: &str, i: usize, c: char, out: &mut Vec<Hit>) {
        self.step_kanji(text, i, is_kanji(c), out);
    }

    /// Reads a character at byte `i` of `text` that is a kanji or not (`kanji`), as told by
    /// the caller.
    #[inline(always)]
    pub(crate) fn step_kanji(&mut self, text: &str, i: usize, kanji: bool, out: &mut Vec<Hit>) {
        if kanji {
            self.n += 1;
        } else if self.n != 0 {
            self.finish(text, i, out);
        }
    }

    /// Ends the run (if any) at byte `end` of `text`: at its end, or before a character that is
    /// no kanji.
    #[inline]
    pub(crate) fn finish(&mut self, text: &str, end: usize, out: &mut Vec<Hit>) {
        if self.n > self.max {
            out.push(run_hit(text, end, self.n, self.max));
        }
        self.n = 0;
    }
}

/// The hit of the run of `n` kanji that ends at byte `end` of `text`, more than `max`. Out of
/// line: the scan that counts runs keeps its counters in registers.
#[inline(never)]
pub(crate) fn run_hit(text: &str, end: usize, n: usize, max: usize) -> Hit {
    let start = text[..end].char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i);
    Hit::new(
        Rule::KanjiRun,
        start..end,
        format!("{n} kanji in a row (more than {max}): hard to read"),
        format!("漢字が{n}文字続いています（{max}文字まで）"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proofread::rules::TextRule;

    fn hits(f: impl Fn(&str, &mut Vec<Hit>), text: &str) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        f(text, &mut out);
        out.into_iter().map(|h| (text[h.range].to_string(), h.suggestion)).collect()
    }

    #[test]
    fn width_rules_find_runs_and_suggest_the_other_width() {
        assert_eq!(
            hits(fullwidth_ascii, "ＡＢＣ社の１２３"),
            [("ＡＢＣ".into(), Some("ABC".into())), ("１２３".into(), Some("123".into()))]
        );
        assert!(hits(fullwidth_ascii, "ABC社の（１）？").len() == 1);
        assert_eq!(hits(halfwidth_kana, "ｶﾞｲﾄﾞです"), [("ｶﾞｲﾄﾞ".into(), Some("ガイド".into()))]);
        assert!(hits(halfwidth_kana, "ガイドです。").is_empty());
    }

    #[test]
    fn ascii_punctuation_only_after_japanese() {
        assert_eq!(hits(ascii_punctuation, "本当ですか?"), [("?".into(), Some("？".into()))]);
        assert_eq!(hits(ascii_punctuation, "すごい!!"), [("!!".into(), Some("！！".into()))]);
        assert_eq!(hits(ascii_punctuation, "例:"), [(":".into(), Some("：".into()))]);
        assert_eq!(hits(ascii_punctuation, "面接(一次)"), [("(一次)".into(), Some("（一次）".into()))]);
        assert!(hits(ascii_punctuation, "Is it? Yes! a:b (see) f(x)").is_empty());
    }

    #[test]
    fn spaces_between_japanese_and_house_style_latin() {
        let ja = |t: &str, o: &mut Vec<Hit>| spaces(t, false, o);
        let latin = |t: &str, o: &mut Vec<Hit>| spaces(t, true, o);
        assert_eq!(hits(ja, "面接 対策"), [("接 対".into(), Some("接対".into()))]);
        assert!(hits(ja, "Rust で書く。 次に、　字下げ").is_empty());
        assert_eq!(hits(latin, "Rust で書く").len(), 1);
        assert!(hits(latin, "Rustで書く").is_empty());
    }

    fn kanji_run(text: &str, max: usize, out: &mut Vec<Hit>) {
        other_block(text, Some(max), out, &mut Vec::new());
    }

    proptest::proptest! {
        #[test]
        fn other_blocks_are_read_as_each_rule_reads_them(picks in proptest::collection::vec(0usize..20, 0..16)) {
            // The characters the rules on single characters look for, anchors with and without
            // their partners, and text around them.
            const PIECES: [&str; 20] = [
                "ＡＢ", "ｶﾞ", "，", "?", "!", ":", "(", ")", " ", "\u{3000}", "見れる", "れ", "来れ",
                "後で", "後", "すでに", "す", "ユーザ", "本", "a",
            ];
            let text: String = picks.iter().map(|&k| PIECES[k]).collect();
            let mut anchors = Vec::new();
            let seen = other_block(&text, None, &mut Vec::new(), &mut anchors);
            let rules: [(Rule, TextRule); 6] = [
                (Rule::FullwidthAscii, fullwidth_ascii),
                (Rule::HalfwidthKana, halfwidth_kana),
                (Rule::AsciiPunctuation, ascii_punctuation),
                (Rule::JaSpace, |t, o| spaces(t, false, o)),
                (Rule::JaLatinSpace, |t, o| spaces(t, true, o)),
                (Rule::RaNuki, grammar::ra_nuki),
            ];
            for (rule, f) in rules {
                let mut hits = Vec::new();
                f(&text, &mut hits);
                proptest::prop_assert!(hits.is_empty() || seen & rule.bit() != 0, "{:?} {:?}", rule, text);
            }
            let wide = text.contains(['，', '．']);
            proptest::prop_assert!(!wide || seen & Rule::MixedPunctuation.bit() != 0, "{:?}", text);
            let expected: Vec<usize> = text
                .char_indices()
                .filter(|&(i, c)| notation::is_anchor(c) && notation::anchor_holds(text.as_bytes(), i))
                .map(|(i, _)| i)
                .collect();
            proptest::prop_assert_eq!(anchors, expected, "{:?}", text);
        }
    }

    #[test]
    fn kanji_runs_over_the_threshold() {
        let mut out = Vec::new();
        kanji_run("東京特許許可局長今日急遽休暇許可拒否", 7, &mut out);
        kanji_run("株式会社の人事担当者", 7, &mut out);
        assert_eq!(out.len(), 1);
        // Where a run starts is worked out from its end: across four-byte kanji too.
        for (text, run) in [
            ("は東京特許許可局長今日急遽休暇です", "東京特許許可局長今日急遽休暇"),
            ("𠮷野家本店営業企画部長", "𠮷野家本店営業企画部長"),
        ] {
            let mut out = Vec::new();
            kanji_run(text, 7, &mut out);
            assert_eq!(out.iter().map(|h| &text[h.range.clone()]).collect::<Vec<_>>(), [run]);
        }
    }
}
