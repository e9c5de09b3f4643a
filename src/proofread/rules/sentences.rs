//! Sentences of a block, and the rules on whole sentences: length and the number of 読点.

use std::ops::Range;

use super::{Hit, Rule};

/// The sentences of `text`: up to 。．！？ (or `!`/`?`) and any closing brackets after it, or
/// the end of the block. A full stop inside 「」 or （） quotes ends nothing.
pub(crate) fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '「' | '『' | '（' | '(' => depth += 1,
            '」' | '』' | '）' | ')' => depth = depth.saturating_sub(1),
            '。' | '．' | '！' | '？' | '!' | '?' if depth == 0 => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if !"！？!?」』）)".contains(d) {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                push_trimmed(text, start..end, &mut out);
                start = end;
            }
            _ => {}
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

/// Sentences longer than `max` characters (spaces and line breaks not counted).
pub(crate) fn sentence_length(text: &str, sentences: &[Range<usize>], max: usize, out: &mut Vec<Hit>) {
    for r in sentences {
        let n = text[r.clone()].chars().filter(|c| !c.is_whitespace()).count();
        if n > max {
            out.push(Hit::new(
                Rule::SentenceLength,
                r.clone(),
                format!("a sentence of {n} characters (more than {max})"),
                format!("一文が{n}文字あります（{max}文字まで）"),
            ));
        }
    }
}

/// Sentences with more than `max` 読点.
pub(crate) fn max_comma(text: &str, sentences: &[Range<usize>], max: usize, out: &mut Vec<Hit>) {
    for r in sentences {
        let n = text[r.clone()].chars().filter(|&c| c == '、' || c == '，').count();
        if n > max {
            out.push(Hit::new(
                Rule::MaxComma,
                r.clone(),
                format!("{n} commas (、) in one sentence (more than {max}): split it"),
                format!("一文に読点が{n}個あります（{max}個まで）。文を分けてください"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_full_stops_outside_quotes() {
        let t = "彼は「行きます。」と言った。本当？ はい！\n続き";
        let got: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(got, ["彼は「行きます。」と言った。", "本当？", "はい！", "続き"]);
    }

    #[test]
    fn length_and_commas_over_thresholds_only() {
        let long = "あ".repeat(101) + "。";
        let short = "あ".repeat(99) + "。";
        let mut out = Vec::new();
        for t in [&long, &short] {
            sentence_length(t, &sentences(t), 100, &mut out);
        }
        assert_eq!(out.len(), 1);
        let commas = "一、二、三、四、五。一、二、三。";
        let mut out = Vec::new();
        max_comma(commas, &sentences(commas), 3, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&commas[out[0].range.clone()], "一、二、三、四、五。");
    }
}
