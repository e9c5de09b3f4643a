//! The rules: their codes and defaults, and how a rule's hit becomes a [`Finding`].
//!
//! Every rule works on character classes (`crate::text::chars`), not on a morphological
//! analysis: see `docs/proofreading.md` for what that misses.

pub(crate) mod chars;
pub(crate) mod grammar;
pub(crate) mod notation;
pub(crate) mod scan;
pub(crate) mod sentences;
pub(crate) mod style;

use std::ops::Range;

use super::config::RuleSet;
use super::prose::Block;
use super::{Edit, Finding};

/// Every rule, in the order of [`RULES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    MixedStyle,
    SentenceLength,
    MaxComma,
    KanjiRun,
    FullwidthAscii,
    HalfwidthKana,
    AsciiPunctuation,
    MixedPunctuation,
    JaSpace,
    JaLatinSpace,
    RaNuki,
    DoubledParticle,
    Dictionary,
    Prh,
    MixedNotation,
}

/// A rule's code (as written in `site.yaml`, opt-out comments and reports) and its defaults.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable kebab-case code.
    pub code: &'static str,
    /// On unless configured otherwise.
    pub default_on: bool,
    /// Default threshold (unused by rules without one).
    pub default_max: usize,
    /// Whether `check --fix` rewrites its findings.
    pub fixable: bool,
}

const fn info(code: &'static str, default_on: bool, default_max: usize, fixable: bool) -> RuleInfo {
    RuleInfo { code, default_on, default_max, fixable }
}

/// The rules, in the order of the crate's `Rule` enum.
pub const RULES: &[RuleInfo] = &[
    info("mixed-style", true, 0, false),
    info("sentence-length", true, 100, false),
    info("max-comma", true, 3, false),
    info("kanji-run", true, 7, false),
    info("fullwidth-ascii", true, 0, true),
    info("halfwidth-kana", true, 0, true),
    info("ascii-punctuation", true, 0, true),
    info("mixed-punctuation", true, 0, true),
    info("ja-space", true, 0, false),
    // A space between Japanese and Latin text is a house style, not an error.
    info("ja-latin-space", false, 0, false),
    info("ra-nuki", true, 0, false),
    info("doubled-particle", true, 0, false),
    info("dictionary", true, 0, true),
    info("prh", true, 0, true),
    info("mixed-notation", true, 0, false),
];

impl Rule {
    pub(crate) fn code(self) -> &'static str {
        RULES[self as usize].code
    }

    /// The rule's bit in a set of rules.
    pub(crate) const fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// A rule that looks at a block's text alone.
pub(crate) type TextRule = fn(&str, &mut Vec<Hit>);

/// What a rule found in a block, in the block's text.
pub(crate) struct Hit {
    pub rule: Rule,
    pub range: Range<usize>,
    pub en: String,
    pub ja: String,
    /// The text to write instead, when there is one.
    pub suggestion: Option<String>,
    /// Replacements in the block's text that fix it mechanically.
    pub edits: Vec<(Range<usize>, String)>,
}

impl Hit {
    pub fn new(rule: Rule, range: Range<usize>, en: String, ja: String) -> Self {
        Hit { rule, range, en, ja, suggestion: None, edits: Vec::new() }
    }

    /// Suggests `text` instead of the hit, as a mechanical fix when the rule is fixable.
    pub fn replace_with(mut self, text: String) -> Self {
        if RULES[self.rule as usize].fixable {
            self.edits = vec![(self.range.clone(), text.clone())];
        }
        self.suggestion = Some(text);
        self
    }
}

/// 64-bit FNV-1a: a hash that stays the same across Rust versions, for baseline keys.
pub(crate) fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Up to 12 characters either side of `range`, within its sentence: the context a baseline
/// recognises a finding by, which edits to other sentences leave alone.
fn context(text: &str, range: Range<usize>) -> (usize, usize) {
    // A `matches!`: searching a string for a multi-byte character is slow, and this runs for
    // every occurrence of a variant form.
    let ends = |c: char| matches!(c, '。' | '．' | '！' | '？' | '\n');
    let mut before = range.start;
    for (i, c) in text[..range.start].char_indices().rev().take(12) {
        if ends(c) {
            break;
        }
        before = i;
    }
    let mut after = range.end;
    for (i, c) in text[range.end..].char_indices().take(12) {
        after = range.end + i + c.len_utf8();
        if ends(c) {
            break;
        }
    }
    (before, after)
}

/// Where a hit is in the file and how it is reported: what a [`Finding`] holds besides its
/// text and messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Located {
    pub severity: crate::diagnostics::Severity,
    /// Byte offsets in the file.
    pub start: usize,
    pub end: usize,
    /// The hash of the text around it (see [`Finding::context`]).
    pub context: u64,
}

/// Where a hit of `rule` at `range` of the block's text lies in the file, or None when the
/// rule is off for the block.
pub(crate) fn locate(block: &Block, set: &RuleSet, rule: Rule, range: Range<usize>) -> Option<Located> {
    let at = place(block, set, rule, range.clone())?;
    Some(Located { context: context_hash(&block.text, range), ..at })
}

/// [`locate`] without the context hash (left 0), for the occurrences that may never become a
/// finding: the hash is made by [`context_hash`] for those that do.
pub(crate) fn place(block: &Block, set: &RuleSet, rule: Rule, range: Range<usize>) -> Option<Located> {
    let eff = set.get(rule);
    if !eff.enabled || block.is_disabled(rule.code()) {
        return None;
    }
    let start = block.file_offset(range.start);
    let end = block.file_offset(range.end.saturating_sub(1)).max(start) + 1;
    Some(Located { severity: eff.severity, start, end, context: 0 })
}

/// The hash of the text around `range` of a block's `text` (see [`Finding::context`]).
pub(crate) fn context_hash(text: &str, range: Range<usize>) -> u64 {
    let (before, after) = context(text, range);
    stable_hash(&text[before..after])
}

/// The hit as a finding of the file, or None when the rule is off for the block. Edits are
/// kept only when every one of them lies in text copied verbatim from the file.
pub(crate) fn finding(block: &Block, set: &RuleSet, hit: Hit) -> Option<Finding> {
    let at = locate(block, set, hit.rule, hit.range.clone())?;
    let edits: Option<Vec<Edit>> = hit
        .edits
        .iter()
        .map(|(r, t)| block.file_range(r.clone()).map(|range| Edit { range, replacement: t.clone() }))
        .collect();
    Some(Finding {
        rule: hit.rule.code(),
        severity: at.severity,
        start: at.start,
        end: at.end,
        matched: block.text[hit.range].to_owned(),
        context: at.context,
        message_en: hit.en,
        message_ja: hit.ja,
        suggestion: hit.suggestion,
        edits: edits.unwrap_or_default(),
    })
}
