//! 表記ゆれ: the built-in dictionary, the site's prh.yml, and the same word written two ways
//! across the site (一言/ひと言), where the form the site uses most is suggested.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::{Hit, Rule};
use crate::proofread::dictionary::{tidy, Dictionary};

/// Dictionary corrections as hits of `rule` (dictionary or prh).
pub(crate) fn dictionary_hits(found: Vec<(Range<usize>, String)>, rule: Rule, text: &str, out: &mut Vec<Hit>) {
    for (range, expected) in found {
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

/// What a pattern of [`Words`] stands for.
#[derive(Debug, Clone, Copy)]
enum Word {
    /// A literal pattern of the built-in dictionary: its entry.
    Entry(usize),
    /// A variant form: (group, form).
    Variant(usize, usize),
}

/// The built-in dictionary's words and every variant form of [`VARIANTS`], found in one pass of
/// one automaton: both look at every block of the site. No two of their patterns share a
/// character (loanwords in katakana; variants in kanji and hiragana), so no match of one can
/// hide a match of the other.
#[derive(Debug)]
pub(crate) struct Words {
    builtin: Dictionary,
    ac: AhoCorasick,
    of: Vec<Word>,
}

/// What [`Words::find`] found in a text.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Built-in dictionary corrections: (range, the text to write instead).
    pub corrections: Vec<(Range<usize>, String)>,
    /// Variant forms.
    pub variants: Vec<Occurrence>,
}

impl Words {
    pub(crate) fn new(builtin: Dictionary) -> Self {
        let mut patterns: Vec<&str> = Vec::new();
        let mut of = Vec::new();
        for (entry, p) in builtin.literals() {
            patterns.push(p);
            of.push(Word::Entry(entry));
        }
        for (g, forms) in VARIANTS.iter().enumerate() {
            for (f, strings) in forms.iter().enumerate() {
                patterns.extend(strings.iter().copied());
                of.extend(strings.iter().map(|_| Word::Variant(g, f)));
            }
        }
        // A DFA without a prefilter: the patterns start with the same few lead bytes as all
        // Japanese text, so a prefilter would stop at nearly every character.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(false)
            .build(&patterns);
        // The patterns are the constant tables; building can only fail on a size limit.
        let ac = ac.unwrap_or_else(|_| AhoCorasick::new(Vec::<&str>::new()).expect("empty automaton"));
        Words { builtin, ac, of }
    }

    /// The built-in dictionary's corrections (when `dictionary`) and the variant forms (when
    /// `variants`) in `text`.
    pub(crate) fn find(&self, text: &str, dictionary: bool, variants: bool) -> Found {
        let mut found = Found::default();
        if !(dictionary || variants) {
            return found;
        }
        for m in self.ac.find_iter(text) {
            match self.of[m.pattern().as_usize()] {
                Word::Entry(e) if dictionary => {
                    found.corrections.extend(self.builtin.literal_match(e, text, m.range()))
                }
                Word::Variant(g, f) if variants => found.variants.push((g, f, m.range())),
                _ => {}
            }
        }
        if dictionary {
            self.builtin.regex_matches(text, &mut found.corrections);
            tidy(&mut found.corrections);
        }
        found
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
    fn dictionary_words_and_variants_share_no_character() {
        let d = Dictionary::builtin();
        let variant_chars: std::collections::HashSet<char> =
            VARIANTS.iter().flat_map(|g| g.iter()).flat_map(|f| f.iter()).flat_map(|s| s.chars()).collect();
        for (_, p) in d.literals() {
            assert!(!p.chars().any(|c| variant_chars.contains(&c)), "{p}");
        }
        let w = Words::new(d);
        let t = "ユーザが後でサーバを見る。";
        let found = w.find(t, true, true);
        let fixes: Vec<&str> = found.corrections.iter().map(|(r, _)| &t[r.clone()]).collect();
        assert_eq!(fixes, ["ユーザ", "サーバ"]);
        assert_eq!(found.variants.iter().map(|(_, _, r)| &t[r.clone()]).collect::<Vec<_>>(), ["後で"]);
        assert!(w.find(t, false, false).corrections.is_empty());
    }

    #[test]
    fn the_minority_form_is_reported_with_the_majority_suggested() {
        let v = Words::new(Dictionary::builtin());
        let texts = ["ひと言添えます。ひと言で十分です。", "一言だけ。", "分かりました。わからない。わかる。"];
        let occ: Vec<(usize, usize, String)> = texts
            .iter()
            .flat_map(|t| v.find(t, false, true).variants.into_iter().map(|(g, f, r)| (g, f, t[r].to_string())))
            .collect();
        let counts = tally(occ.iter().map(|(g, f, _)| (*g, *f)));
        let hits: Vec<(String, String)> =
            occ.iter().filter_map(|(g, f, s)| minority(&counts, *g, *f, s).map(|m| (s.clone(), m.2))).collect();
        assert_eq!(hits, [("一言".into(), "ひと言".into()), ("分かり".into(), "わかり".into())]);
    }
}
