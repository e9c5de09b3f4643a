//! Word lists: the built-in starter dictionary (`dictionary.yml`, in prh's format, following the
//! Cabinet notice on loanwords: 英語の語末の -er, -or, -ar は長音符号「ー」で書く) and the site's
//! own `prh.yml`, both matched the same way.

use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::text::chars::is_katakana;

/// The built-in starter dictionary.
pub(crate) const BUILTIN: &str = include_str!("dictionary.yml");

/// How a rule finds the words it corrects.
#[derive(Debug)]
pub(crate) enum Matcher {
    /// The text itself. A katakana pattern matches a whole katakana word only (ユーザ, not the
    /// start of ユーザビリティ); a Latin one a whole Latin word.
    Literal(String),
    /// A regular expression (prh's `/…/`).
    Regex(fancy_regex::Regex),
}

/// One rule: what to write, and the patterns of what not to.
#[derive(Debug)]
pub(crate) struct Entry {
    pub expected: String,
    pub matcher: Matcher,
}

/// A dictionary ready to match: literal patterns all at once, regular expressions one by one.
#[derive(Debug)]
pub(crate) struct Dictionary {
    entries: Vec<Entry>,
    /// The automaton of the literal patterns, made on the first [`Dictionary::find`]: the
    /// built-in dictionary's words are looked for by `notation::Words`, which needs none.
    literals: OnceLock<Option<AhoCorasick>>,
    /// Entry index of each literal pattern.
    literal_entry: Vec<usize>,
    /// Entry index of each regular expression: none in the built-in dictionary, which is
    /// matched against every block.
    regex_entry: Vec<usize>,
}

fn whole_word(text: &str, range: &Range<usize>, pattern: &str) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let all = |f: fn(char) -> bool| pattern.chars().all(f);
    if all(is_katakana) {
        !before.is_some_and(is_katakana) && !after.is_some_and(is_katakana)
    } else if all(|c| c.is_ascii_alphanumeric()) {
        !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    } else {
        true
    }
}

impl Dictionary {
    pub(crate) fn new(entries: Vec<Entry>) -> Self {
        let literal_entry = (0..entries.len()).filter(|&i| matches!(entries[i].matcher, Matcher::Literal(_))).collect();
        let regex_entry = (0..entries.len()).filter(|&i| matches!(entries[i].matcher, Matcher::Regex(_))).collect();
        Dictionary { entries, literals: OnceLock::new(), literal_entry, regex_entry }
    }

    /// The automaton of the literal patterns, none when there are none.
    fn automaton(&self) -> Option<&AhoCorasick> {
        let build = || {
            let patterns: Vec<&str> = self.literals().map(|(_, p)| p).collect();
            let ac = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&patterns).ok();
            ac.filter(|_| !patterns.is_empty())
        };
        self.literals.get_or_init(build).as_ref()
    }

    /// The built-in starter dictionary.
    pub(crate) fn builtin() -> Self {
        // The file is part of the binary and tested; an error here is a bug in this crate.
        let entries = super::prh::parse(BUILTIN, Path::new("dictionary.yml")).unwrap_or_default();
        Dictionary::new(entries)
    }

    /// Each rule as (expected, pattern): what the dictionary's findings depend on.
    pub(crate) fn rules(&self) -> Vec<(&str, &str)> {
        fn pattern(e: &Entry) -> &str {
            match &e.matcher {
                Matcher::Literal(p) => p,
                Matcher::Regex(r) => r.as_str(),
            }
        }
        self.entries.iter().map(|e| (e.expected.as_str(), pattern(e))).collect()
    }

    /// Each literal pattern with the index of its entry.
    pub(crate) fn literals(&self) -> impl Iterator<Item = (usize, &str)> {
        self.entries.iter().enumerate().filter_map(|(i, e)| match &e.matcher {
            Matcher::Literal(p) => Some((i, p.as_str())),
            Matcher::Regex(_) => None,
        })
    }

    /// The correction for entry `entry`'s literal pattern found at `range` of `text`, unless the
    /// text already reads as the expected word (ユーザ at the start of ユーザー) or the match is
    /// part of a longer word.
    pub(crate) fn literal_match(
        &self,
        entry: usize,
        text: &str,
        range: Range<usize>,
    ) -> Option<(Range<usize>, String)> {
        let e = &self.entries[entry];
        let Matcher::Literal(p) = &e.matcher else { return None };
        if text[range.start..].starts_with(&e.expected) || !whole_word(text, &range, p) {
            return None;
        }
        Some((range, e.expected.clone()))
    }

    /// Words of `text` to correct: (range, the text to write instead).
    pub(crate) fn find(&self, text: &str) -> Vec<(Range<usize>, String)> {
        let mut out = Vec::new();
        if let Some(ac) = self.automaton() {
            for m in ac.find_iter(text) {
                out.extend(self.literal_match(self.literal_entry[m.pattern().as_usize()], text, m.range()));
            }
        }
        self.regex_matches(text, &mut out);
        tidy(&mut out);
        out
    }

    /// Whether it has regular expressions (the built-in one has none).
    pub(crate) fn has_regexes(&self) -> bool {
        !self.regex_entry.is_empty()
    }

    /// The matches of the regular expression entries, added to `out`.
    pub(crate) fn regex_matches(&self, text: &str, out: &mut Vec<(Range<usize>, String)>) {
        for e in self.regex_entry.iter().map(|&i| &self.entries[i]) {
            let Matcher::Regex(re) = &e.matcher else { continue };
            for caps in re.captures_iter(text).flatten() {
                let Some(m) = caps.get(0) else { continue };
                let mut with = String::new();
                caps.expand(&e.expected, &mut with);
                if m.as_str() != with && !m.as_str().is_empty() {
                    out.push((m.range(), with));
                }
            }
        }
    }
}

/// Puts corrections in order, the first of overlapping ones kept.
pub(crate) fn tidy(out: &mut Vec<(Range<usize>, String)>) {
    out.sort_by_key(|(r, _)| (r.start, r.end));
    out.dedup_by(|b, a| b.0.start < a.0.end);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loanwords_match_whole_words_only() {
        let d = Dictionary::builtin();
        let found = |t: &str| d.find(t).into_iter().map(|(r, w)| (t[r].to_string(), w)).collect::<Vec<_>>();
        assert_eq!(
            found("ユーザ名とサーバ"),
            [("ユーザ".into(), "ユーザー".into()), ("サーバ".into(), "サーバー".into())]
        );
        for ok in ["ユーザー", "ユーザビリティ", "サーバント", "コンピューター", "プリンター"]
        {
            assert!(found(ok).is_empty(), "{ok}");
        }
    }

    #[test]
    fn regex_entries_expand_groups() {
        let e = super::super::prh::parse(
            "rules:\n  - expected: 問い合わせ$1\n    pattern: /問合せ(先)?/\n  - expected: JavaScript\n",
            Path::new("p.yml"),
        )
        .unwrap();
        let d = Dictionary::new(e);
        let t = "問合せ先はjavascriptで。JavaScriptも。";
        let got: Vec<_> = d.find(t).into_iter().map(|(r, w)| (t[r].to_string(), w)).collect();
        assert_eq!(got, [("問合せ先".into(), "問い合わせ先".into()), ("javascript".into(), "JavaScript".into())]);
    }
}
