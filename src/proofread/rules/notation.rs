//! 表記ゆれ: the built-in dictionary, the site's prh.yml, and the same word written two ways
//! across the site (一言/ひと言), where the form the site uses most is suggested.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

use super::{Hit, Rule};
use crate::proofread::dictionary::Dictionary;

/// Dictionary corrections of `text` as hits of `rule` (dictionary or prh).
pub(crate) fn dictionary(dict: &Dictionary, rule: Rule, text: &str, out: &mut Vec<Hit>) {
    for (range, expected) in dict.find(text) {
        let found = &text[range.clone()];
        let hit = Hit::new(
            rule,
            range,
            format!("write `{expected}`, not `{found}`"),
            format!("「{found}」は「{expected}」と書きます"),
        );
        out.push(hit.replace_with(expected));
    }
}

/// Words written two ways: each group lists its forms, and each form the strings that write it.
/// Only unambiguous strings: 後 alone is also ご (今後), so あとで/後で stand for it.
const VARIANTS: &[&[&[&str]]] = &[
    &[&["一言"], &["ひと言"]],
    &[&["おそれ"], &["恐れ"]],
    &[&["あとで", "あとから"], &["後で", "後から"]],
    &[&["すべて"], &["全て"]],
    &[&["ください"], &["下さい"]],
    &[
        &["できる", "できない", "できま", "できた", "できて", "できず"],
        &["出来る", "出来ない", "出来ま", "出来た", "出来て", "出来ず"],
    ],
    &[&["わかる", "わかり", "わから", "わかっ"], &["分かる", "分かり", "分から", "分かっ"]],
    &[&["さまざま"], &["様々"]],
    &[&["いろいろ"], &["色々"]],
    &[&["たくさん"], &["沢山"]],
    &[&["ほとんど"], &["殆ど"]],
    &[&["すでに"], &["既に"]],
    &[&["さらに"], &["更に"]],
    &[&["ただし"], &["但し"]],
    &[&["または"], &["又は"]],
    &[&["および"], &["及び"]],
    &[&["いただく", "いただき", "いただけ"], &["頂く", "頂き", "頂け"]],
    &[&["ぜひ"], &["是非"]],
    &[&["あらかじめ"], &["予め"]],
    &[&["いったん"], &["一旦"]],
    &[&["問い合わせ"], &["問合せ", "問い合せ", "問合わせ"]],
    &[&["もらう", "もらい", "もらえ", "もらっ"], &["貰う", "貰い", "貰え", "貰っ"]],
];

/// One occurrence of a variant form: (group, form, range in the block's text).
pub(crate) type Occurrence = (usize, usize, Range<usize>);

/// Finds every variant form in a text, all groups in one pass.
#[derive(Debug)]
pub(crate) struct Variants {
    ac: AhoCorasick,
    /// (group, form) of each pattern.
    of: Vec<(usize, usize)>,
}

impl Variants {
    pub(crate) fn new() -> Self {
        let mut patterns = Vec::new();
        let mut of = Vec::new();
        for (g, forms) in VARIANTS.iter().enumerate() {
            for (f, strings) in forms.iter().enumerate() {
                for s in *strings {
                    patterns.push(*s);
                    of.push((g, f));
                }
            }
        }
        let ac = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(patterns);
        // The patterns are the constant table above; building can only fail on a size limit.
        Variants { ac: ac.unwrap_or_else(|_| AhoCorasick::new(Vec::<&str>::new()).expect("empty automaton")), of }
    }

    pub(crate) fn find(&self, text: &str) -> Vec<Occurrence> {
        self.ac
            .find_iter(text)
            .map(|m| {
                let (g, f) = self.of[m.pattern().as_usize()];
                (g, f, m.range())
            })
            .collect()
    }
}

/// Counts of each form of each group, over the whole site, from (group, form) pairs.
pub(crate) fn tally(all: impl Iterator<Item = (usize, usize)>) -> Vec<Vec<usize>> {
    let mut counts: Vec<Vec<usize>> = VARIANTS.iter().map(|forms| vec![0; forms.len()]).collect();
    for (g, f) in all {
        counts[g][f] += 1;
    }
    counts
}

/// For `found`, a string of form `f` of group `g`: the messages and the majority's string when
/// the site uses another form more (on a tie, the first form listed, the one the government's
/// style guide for official documents prefers, wins).
pub(crate) fn minority(counts: &[Vec<usize>], g: usize, f: usize, found: &str) -> Option<(String, String, String)> {
    let c = &counts[g];
    let best = (0..c.len()).max_by_key(|&i| (c[i], std::cmp::Reverse(i)))?;
    if best == f || c[best] == 0 {
        return None;
    }
    let form = VARIANTS[g][f].iter().position(|s| *s == found).unwrap_or(0);
    let majority = VARIANTS[g][best].get(form).copied().unwrap_or(VARIANTS[g][best][0]);
    Some((
        format!("`{found}` is also written `{majority}` on this site ({} to {})", c[best], c[f]),
        format!("このサイトでは「{found}」と「{majority}」が混在しています（{}対{}）", c[best], c[f]),
        majority.to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minority_form_is_reported_with_the_majority_suggested() {
        let v = Variants::new();
        let texts = ["ひと言添えます。ひと言で十分です。", "一言だけ。", "分かりました。わからない。わかる。"];
        let occ: Vec<(usize, usize, String)> =
            texts.iter().flat_map(|t| v.find(t).into_iter().map(|(g, f, r)| (g, f, t[r].to_string()))).collect();
        let counts = tally(occ.iter().map(|(g, f, _)| (*g, *f)));
        let hits: Vec<(String, String)> =
            occ.iter().filter_map(|(g, f, s)| minority(&counts, *g, *f, s).map(|m| (s.clone(), m.2))).collect();
        assert_eq!(hits, [("一言".into(), "ひと言".into()), ("分かり".into(), "わかり".into())]);
    }
}
