//! Japanese proofreading: the style checks Japanese documentation teams run with textlint, on
//! the prose of every page only (never code, URLs, link destinations, HTML or front matter).
//!
//! [`Proofreader::check_site`] runs every rule on every page and returns [`Finding`]s, which
//! become ordinary [`Diagnostic`]s (the build proofreads each page from the Markdown stage's own
//! parse instead: `Proofreader::read_events`, then [`site_findings`]); [`fix`] applies the mechanical ones and [`baseline`] hides
//! the ones a site already had. Rules, defaults and configuration: `docs/proofreading.md`.

pub mod baseline;
pub mod check;
pub mod config;
pub(crate) mod dictionary;
pub mod fix;
pub(crate) mod prh;
pub(crate) mod prose;
pub(crate) mod rules;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use config::ProofreadConfig;
pub use rules::RULES;

use crate::diagnostics::{Diagnostic, Lines, Severity};
use dictionary::Dictionary;
use prose::{Block, BlockKind};
use rules::notation::Words;
use rules::sentences::{self, Sentence};
use rules::{chars, grammar, notation, scan, style, Hit, Rule};

use crate::lang::{tr, Msg};

/// A replacement of bytes of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Bytes of the file's text (LF line ends, no BOM, as loaded).
    pub range: Range<usize>,
    /// What to write there.
    pub replacement: String,
}

/// One problem in one page's prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's code, e.g. `kanji-run`.
    pub rule: &'static str,
    /// Warning unless configured as an error.
    pub severity: Severity,
    /// Byte offset of the start in the file's text.
    pub start: usize,
    /// Byte offset just past the end (for underlining).
    pub end: usize,
    /// The text found.
    pub matched: String,
    /// A hash of the text around it, for baselines that survive edits elsewhere.
    pub context: u64,
    /// The message in English.
    pub message_en: String,
    /// The message in Japanese.
    pub message_ja: String,
    /// The text to write instead, when there is one.
    pub suggestion: Option<String>,
    /// The mechanical fix (`check --fix`), empty when there is none.
    pub edits: Vec<Edit>,
}

/// What to do when a rule gives no replacement text.
fn advice(rule: &str) -> (&'static str, &'static str) {
    match rule {
        "mixed-style" => {
            ("write it in the style of the rest of the page", "ページのほかの文と同じ文体で書いてください")
        }
        "sentence-length" => ("split it into shorter sentences", "短い文に分けてください"),
        "max-comma" => ("split the sentence or drop a comma", "文を分けるか、読点を減らしてください"),
        "kanji-run" => (
            "break the compound with kana (の, を, する...)",
            "「の」や「を」などを補って、漢字の連続を区切ってください",
        ),
        "doubled-particle" => ("rephrase so the particle appears once", "助詞が一度で済むように言い換えてください"),
        _ => ("", ""),
    }
}

impl Finding {
    /// The message in both languages.
    pub fn message(&self) -> Msg {
        tr(self.message_en.as_str(), self.message_ja.as_str())
    }

    /// The hint in both languages: the suggested text, or what to do.
    pub fn hint(&self) -> Msg {
        match &self.suggestion {
            Some(s) => tr(format!("write `{s}`"), format!("「{s}」と書いてください")),
            None => {
                let (en, ja) = advice(self.rule);
                tr(en, ja)
            }
        }
    }

    /// As a diagnostic of `file`, whose text's lines are `lines`; it is printed in the language
    /// of the command line (`--lang` or the locale), like every other diagnostic.
    pub fn to_diagnostic(&self, file: &Path, lines: &Lines<'_>) -> Diagnostic {
        let first_line = self.matched.lines().next().unwrap_or_default().chars().count();
        let mut d = Diagnostic::warning(Some(file.to_path_buf()), self.message())
            .at_offset_in(lines, self.start)
            .span(first_line)
            .hint(self.hint());
        d.severity = self.severity;
        d.code = self.rule;
        d
    }
}

/// One page to check.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    /// Path relative to `content/` (for per-folder settings): `faq/one.md`.
    pub source: &'a str,
    /// The whole file text.
    pub text: &'a str,
    /// Where the Markdown body starts (after the front matter).
    pub body_offset: usize,
}

/// A page's findings, and the candidates of the site-wide 表記ゆれ rule, which are judged once
/// every page is read. The Markdown stage makes it (see [`Proofreader::read_events`]) and keeps
/// it with the page's rendered Markdown, so `serve` proofreads only the pages it parses again.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageReport {
    findings: Vec<Finding>,
    /// The occurrences of variant forms: findings where the site uses another form more.
    variants: Vec<Variant>,
    /// How many of `variants` are of each (group, form): what the site-wide count sums.
    counts: Vec<((usize, usize), usize)>,
    /// The [`Proofreader::stamp`] of the settings it was made with.
    stamp: u64,
    /// Unique per report made in this process: what [`FindingsMemo`] knows a report by.
    id: u64,
}

/// The findings of the pages of the last build, with the report and the site-wide counts they
/// were made from: `serve` reuses a page's findings while both are the same.
#[derive(Debug, Default)]
pub(crate) struct FindingsMemo {
    counts: Vec<Vec<usize>>,
    /// By the page's place in the reading order; a report's `id` tells whether the place still
    /// holds the same page and report.
    pages: Vec<MemoPage>,
}

/// What the memo keeps of one page.
#[derive(Debug)]
struct MemoPage {
    id: u64,
    /// The report's counts of variant forms: what to take off the site's when it changes.
    counts: Vec<((usize, usize), usize)>,
    found: Option<Arc<PageFindings>>,
}

impl FindingsMemo {
    /// The site's counts of variant forms: the last build's, corrected by the pages whose report
    /// changed, instead of a sum over every page.
    fn tally(&self, all: &[&PageReport]) -> Vec<Vec<usize>> {
        if self.pages.len() != all.len() || self.counts.is_empty() {
            return notation::tally(all.iter().flat_map(|r| r.counts.iter().copied()));
        }
        let mut counts = self.counts.clone();
        for (old, new) in self.pages.iter().zip(all).filter(|(old, new)| old.id != new.id) {
            old.counts.iter().for_each(|&((g, f), n)| counts[g][f] -= n);
            new.counts.iter().for_each(|&((g, f), n)| counts[g][f] += n);
        }
        counts
    }
}

/// One occurrence of a variant form of the site-wide 表記ゆれ rule (`mixed-notation`): all its
/// finding needs but the site's counts, which give the messages and the suggestion.
#[derive(Debug, Clone)]
struct Variant {
    group: usize,
    form: usize,
    matched: &'static str,
    /// Where it is; the context hash is `context`'s.
    at: rules::Located,
    context: Context,
}

/// A variant's context hash, or where to make it from once the site's counts say the
/// occurrence is a finding: most occurrences are of the form the site uses most, which never
/// become findings.
#[derive(Debug, Clone)]
enum Context {
    /// The block's text is the bytes `block` of the page's text; the occurrence is at `range`
    /// of it.
    InFile { block: Range<usize>, range: Range<usize> },
    /// Made at once, in a block with markup, whose text is not bytes of the file: keeping such
    /// texts until every page is read would cost far more memory than the hashes save time.
    Hash(u64),
}

impl Variant {
    /// As a finding of the page whose text is `text`, with the messages and suggestion of
    /// [`notation::minorities`].
    fn finding(&self, (en, ja, with): &(String, String, String), text: &str) -> Finding {
        let context = match &self.context {
            Context::InFile { block, range } => rules::context_hash(&text[block.clone()], range.clone()),
            Context::Hash(hash) => *hash,
        };
        Finding {
            rule: Rule::MixedNotation.code(),
            severity: self.at.severity,
            start: self.at.start,
            end: self.at.end,
            matched: self.matched.to_owned(),
            context,
            message_en: en.clone(),
            message_ja: ja.clone(),
            suggestion: Some(with.clone()),
            edits: Vec::new(),
        }
    }
}

/// The rules, dictionaries and settings of one site, ready to check pages.
#[derive(Debug)]
pub struct Proofreader {
    config: ProofreadConfig,
    /// The built-in dictionary and the variant forms of the site-wide 表記ゆれ rule.
    words: &'static Words,
    prh: Option<Dictionary>,
    /// A hash of the settings and the prh rules: a page's report made with another is stale.
    stamp: u64,
}

impl Proofreader {
    /// Loads the site's prh dictionary (if any) for `config`.
    pub fn new(root: &Path, config: &ProofreadConfig) -> Result<Self, Diagnostic> {
        let prh = match prh::site_file(root, config.prh.as_deref()) {
            Some((path, shown)) if config.enabled => Some(Dictionary::new(prh::load(&path, &shown)?)),
            _ => None,
        };
        Ok(Self::with(config, prh))
    }

    fn with(config: &ProofreadConfig, prh: Option<Dictionary>) -> Self {
        // Debug output of the settings (maps in key order) and the prh rules: what the findings
        // depend on besides the page's text.
        let stamp = rules::stable_hash(&format!("{config:?}\n{:?}", prh.as_ref().map(Dictionary::rules)));
        Proofreader { config: config.clone(), words: notation::words(), prh, stamp }
    }

    /// Whether proofreading is switched on at all.
    pub fn enabled(&self) -> bool {
        self.config.enabled
    }

    /// The findings of every page (in the order given), each sorted by position.
    pub fn check_site(&self, pages: &[PageInput<'_>]) -> Vec<Vec<Finding>> {
        if !self.config.enabled {
            return vec![Vec::new(); pages.len()];
        }
        let reports: Vec<PageReport> =
            pages.par_iter().map(|p| self.check_blocks(p.source, &prose::blocks(p.text, p.body_offset))).collect();
        let texts: Vec<&str> = pages.iter().map(|p| p.text).collect();
        self.finish_site(&reports.iter().collect::<Vec<_>>(), &texts)
    }

    /// Proofreads a page from the Markdown stage's parse of its body (`events`).
    pub(crate) fn read_events(&self, page: &PageInput<'_>, events: &[crate::markdown::Ev<'_>]) -> PageReport {
        self.check_blocks(page.source, &prose::from_events(page.text, page.body_offset, events))
    }

    /// Every page's findings once the site-wide rule has seen all of them, by position. A page
    /// with no findings of its own and no variant form the site uses less than another costs a
    /// look at its counts, so a rebuild after a one-page edit does little here.
    fn finish_site(&self, reports: &[&PageReport], texts: &[&str]) -> Vec<Vec<Finding>> {
        let counts = notation::tally(reports.iter().flat_map(|r| r.counts.iter().copied()));
        self.findings_with(reports, texts, &counts, |_| false)
    }

    /// [`Proofreader::finish_site`] with the site's `counts`, leaving out the pages `known`
    /// already has findings for (their entries stay empty). `texts` are the pages' texts, which
    /// the reports were made from.
    fn findings_with(
        &self,
        reports: &[&PageReport],
        texts: &[&str],
        counts: &[Vec<usize>],
        known: impl Fn(usize) -> bool + Sync,
    ) -> Vec<Vec<Finding>> {
        let minorities = notation::minorities(counts);
        let is_minority = |&((g, f), _): &((usize, usize), usize)| notation::is_minority(counts, g, f);
        let with_findings: Vec<usize> = (0..reports.len())
            .filter(|&i| !known(i) && (!reports[i].findings.is_empty() || reports[i].counts.iter().any(is_minority)))
            .collect();
        let found: Vec<Vec<Finding>> = with_findings
            .par_iter()
            .map(|&i| {
                let r = reports[i];
                let mut all = r.findings.clone();
                for v in &r.variants {
                    all.extend(minorities.get(&(v.group, v.form, v.matched)).map(|m| v.finding(m, texts[i])));
                }
                all.sort_by_key(|f| (f.start, f.rule));
                all
            })
            .collect();
        let mut pages = vec![Vec::new(); reports.len()];
        for (i, findings) in with_findings.into_iter().zip(found) {
            pages[i] = findings;
        }
        pages
    }

    fn check_blocks(&self, source: &str, blocks: &[Block]) -> PageReport {
        let set = self.config.rules_for(source);
        // Every block's sentences in one list, and where each block's are in it. The list is
        // made as large as the splitter reckons the running blocks' at once: grown block by
        // block, it was copied several times a page.
        let running = |b: &&Block| matches!(b.kind, BlockKind::Paragraph | BlockKind::ListItem);
        let room = blocks.iter().filter(running).map(|b| sentences::room_for(b.text.len())).sum();
        let (mut sentences, mut block_sentences) = (Vec::with_capacity(room), Vec::with_capacity(blocks.len()));
        let mut findings = Vec::new();
        let mut variants = Vec::new();
        let (mut hits, mut block_hits, mut places) = (Vec::new(), Vec::new(), scan::Places::default());
        let mut words = notation::Found::default();
        let mut wide = false;
        let page_on = rules_on(&set, None);
        for block in blocks {
            let on_bits = block.disabled.as_ref().map_or(page_on, |_| rules_on(&set, Some(block)));
            let on = |r: Rule| on_bits & r.bit() != 0;
            places.clear();
            let start = sentences.len();
            let seen;
            (sentences, seen) = self.block_rules(block, &set, on_bits, (&mut block_hits, &mut places), sentences);
            block_sentences.push(start..sentences.len());
            // ，and ． are full-width forms, which most pages have none of.
            wide |= seen & Rule::MixedPunctuation.bit() != 0;
            let wanted = (on(Rule::Dictionary), on(Rule::MixedNotation));
            self.words.find(&block.text, &places.anchors, wanted, &mut words);
            // Most blocks have nothing to report.
            if !words.corrections.is_empty() {
                notation::dictionary_hits(words.corrections.drain(..), Rule::Dictionary, &block.text, &mut hits);
            }
            hits.append(&mut block_hits);
            if !hits.is_empty() {
                findings.extend(hits.drain(..).filter_map(|h| rules::finding(block, &set, h)));
            }
            if !words.variants.is_empty() {
                add_variants(block, &set, &mut words.variants, &mut variants);
            }
        }
        let mut page_hits = Vec::new();
        if set.on(Rule::MixedStyle) {
            let by_block: Vec<&[Sentence]> = block_sentences.iter().map(|r| &sentences[r.clone()]).collect();
            page_hits.extend(style::mixed_style(blocks, &by_block));
        }
        if set.on(Rule::MixedPunctuation) && wide {
            page_hits.extend(style::mixed_punctuation(blocks));
        }
        findings.extend(page_hits.into_iter().filter_map(|(b, h)| rules::finding(&blocks[b], &set, h)));
        let mut counts: Vec<((usize, usize), usize)> = Vec::new();
        for v in &variants {
            match counts.iter_mut().find(|(k, _)| *k == (v.group, v.form)) {
                Some((_, n)) => *n += 1,
                None => counts.push(((v.group, v.form), 1)),
            }
        }
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        PageReport { findings, variants, counts, stamp: self.stamp, id }
    }

    /// The rules that judge a block on its own. Returns `sentences` (the page's so far) with the
    /// block's own added when it is running text (a paragraph or a list item), which the
    /// page-level style rule reads too, and the rules on single characters that may find
    /// something in the block, by [`Rule::bit`] (the other rules' bits set). Adds the places
    /// of the words' anchors (and of れ in running text) to `places`.
    fn block_rules(
        &self,
        block: &Block,
        set: &config::RuleSet,
        on_bits: u32,
        (out, places): (&mut Vec<Hit>, &mut scan::Places),
        sentences: Vec<Sentence>,
    ) -> (Vec<Sentence>, u32) {
        let (text, start) = (&block.text, sentences.len());
        let on = |r: Rule| on_bits & r.bit() != 0;
        let kanji_max = on(Rule::KanjiRun).then(|| set.get(Rule::KanjiRun).max);
        let running = matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem);
        // Each block is read once first: the classes of its characters tell which rules below
        // can find nothing in it.
        let (all, seen) = if running {
            let (all, seen) =
                scan::running_text(text, &block.breaks, kanji_max, on(Rule::DoubledParticle), out, places, sentences);
            (all, rules_seen(seen))
        } else {
            (sentences, chars::other_block(text, kanji_max, out, &mut places.anchors))
        };
        let sents = &all[start..];
        let on = |r: Rule| on(r) && seen & r.bit() != 0;
        let char_rules: [(Rule, rules::TextRule); 3] = [
            (Rule::FullwidthAscii, chars::fullwidth_ascii),
            (Rule::HalfwidthKana, chars::halfwidth_kana),
            (Rule::AsciiPunctuation, chars::ascii_punctuation),
        ];
        for (rule, f) in char_rules {
            if on(rule) {
                f(text, out);
            }
        }
        // The scan of running text noted every れ.
        if on(Rule::RaNuki) && running {
            grammar::ra_nuki_at(text, places.re.iter().copied(), out);
        } else if on(Rule::RaNuki) {
            grammar::ra_nuki(text, out);
        }
        if on(Rule::JaSpace) {
            chars::spaces(text, false, out);
        }
        if on(Rule::JaLatinSpace) {
            chars::spaces(text, true, out);
        }
        if let Some(prh) = self.prh.as_ref().filter(|_| on(Rule::Prh)) {
            notation::dictionary_hits(prh.find(text), Rule::Prh, text, out);
        }
        // Headings and table cells have no sentences.
        if on(Rule::SentenceLength) && !sents.is_empty() {
            sentences::sentence_length(sents, set.get(Rule::SentenceLength).max, out);
        }
        if on(Rule::MaxComma) && !sents.is_empty() {
            sentences::max_comma(sents, set.get(Rule::MaxComma).max, out);
        }
        (all, seen)
    }
}

/// The occurrences of variant forms in `block` (`found`, emptied) as [`Variant`]s, added to
/// `out`.
fn add_variants(block: &Block, set: &config::RuleSet, found: &mut Vec<notation::Occurrence>, out: &mut Vec<Variant>) {
    for (group, form, range) in found.drain(..) {
        let matched = notation::form_string(group, form, &block.text[range.clone()]);
        let Some(at) = rules::place(block, set, Rule::MixedNotation, range.clone()) else { continue };
        let context = match block.file_text() {
            Some(block) => Context::InFile { block, range },
            None => Context::Hash(rules::context_hash(&block.text, range)),
        };
        out.push(Variant { group, form, matched, at, context });
    }
}

/// The rules on for a page whose settings are `set`, by [`Rule::bit`]: for `block`, those its
/// opt-out comment leaves on.
fn rules_on(set: &config::RuleSet, block: Option<&Block>) -> u32 {
    let on = |(i, r): &(usize, &rules::RuleInfo)| set.0[*i].enabled && !block.is_some_and(|b| b.is_disabled(r.code));
    RULES.iter().enumerate().filter(on).fold(0, |bits, (i, _)| bits | 1 << i)
}

/// The rules on single characters that may find something in running text whose characters
/// have, together, the scan's classes `seen`, by [`Rule::bit`] as [`chars::other_block`]
/// tells them (the other rules' bits set).
fn rules_seen(seen: u32) -> u32 {
    let rules = [
        Rule::FullwidthAscii,
        Rule::HalfwidthKana,
        Rule::AsciiPunctuation,
        Rule::MixedPunctuation,
        Rule::JaSpace,
        Rule::JaLatinSpace,
        Rule::RaNuki,
    ];
    rules.into_iter().filter(|&r| !scan::may_hit(seen, r)).fold(u32::MAX, |s, r| s & !r.bit())
}

/// One page's findings, with what is needed to show them.
#[derive(Debug, Clone)]
pub struct PageFindings {
    /// The page's path as shown: `content/risks.md`.
    pub shown: PathBuf,
    /// The page's text as loaded (offsets of the findings point into it).
    pub text: std::sync::Arc<str>,
    /// Its findings, by position.
    pub findings: Vec<Finding>,
}

impl PageFindings {
    /// Its findings as diagnostics, the page's lines found once for all of them.
    pub fn diagnostics(&self) -> impl Iterator<Item = Diagnostic> + '_ {
        let lines = Lines::new(&self.text);
        self.findings.iter().map(move |f| f.to_diagnostic(&self.shown, &lines))
    }
}

/// The findings of a whole site: only pages that have some.
#[derive(Debug, Clone, Default)]
pub struct SiteFindings {
    /// Pages in reading order (shared with `serve`'s memo of the last build).
    pub pages: Vec<Arc<PageFindings>>,
}

impl SiteFindings {
    /// Every finding with its page's shown path.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &Finding)> {
        self.pages.iter().flat_map(|p| p.findings.iter().map(move |f| (p.shown.as_path(), f)))
    }

    /// Whether any finding is configured as an error.
    pub fn has_errors(&self) -> bool {
        self.iter().any(|(_, f)| f.severity == Severity::Error)
    }

    /// As diagnostics; `keep` tells, for each finding in [`SiteFindings::iter`] order, whether to
    /// show it (a baseline hides some).
    pub fn diagnostics(&self, keep: Option<&[bool]>) -> crate::diagnostics::Diagnostics {
        let mut all = self.pages.iter().flat_map(|p| p.diagnostics());
        crate::diagnostics::Diagnostics(match keep {
            Some(keep) => all.zip(keep).filter(|(_, k)| **k).map(|(d, _)| d).collect(),
            None => all.by_ref().collect(),
        })
    }
}

/// The site's proofreader when `build`, `check` or `serve` should proofread (`wanted`, and on
/// in `site.yaml`); `root` holds `prh.yml`. Fails only when the prh dictionary is broken.
pub(crate) fn for_build(
    root: &Path,
    config: &ProofreadConfig,
    wanted: bool,
) -> Result<Option<Proofreader>, Diagnostic> {
    if !(wanted && config.enabled) {
        return Ok(None);
    }
    Proofreader::new(root, config).map(Some)
}

/// The findings of the pages of `content`: from the reports the Markdown stage made while it
/// parsed them (`reports`, in page order), or read anew where there is none or it is stale.
pub(crate) fn site_findings(
    proofreader: &Proofreader,
    content: &crate::content::Content,
    reports: &[Option<&PageReport>],
    memo: Option<&mut FindingsMemo>,
) -> SiteFindings {
    fn current(r: Option<&PageReport>, stamp: u64) -> Option<&PageReport> {
        r.filter(|r| r.stamp == stamp)
    }
    // Only the pages without a current report are read again: on most rebuilds, none.
    let stale: Vec<usize> = (0..reports.len()).filter(|&i| current(reports[i], proofreader.stamp).is_none()).collect();
    let fresh: Vec<PageReport> = stale
        .par_iter()
        .map(|&i| {
            let p = &content.pages[i];
            proofreader.check_blocks(&p.source, &prose::blocks(&p.text, p.body_offset))
        })
        .collect();
    // Each page has a report: the one given when it is current, else the fresh one (in order).
    let mut fresh = fresh.iter();
    let all: Vec<&PageReport> =
        reports.iter().filter_map(|r| current(*r, proofreader.stamp).or_else(|| fresh.next())).collect();
    let texts: Vec<&str> = content.pages.iter().map(|p| &*p.text).collect();
    // Without a memo (`build`, `check`) nothing is remembered for a next build.
    let Some(memo) = memo else {
        let counts = notation::tally(all.iter().flat_map(|r| r.counts.iter().copied()));
        let found = proofreader.findings_with(&all, &texts, &counts, |_| false);
        let pages = content.pages.iter().zip(found).filter(|(_, f)| !f.is_empty());
        return SiteFindings { pages: pages.map(|(p, findings)| page_findings(p, findings)).collect() };
    };
    let counts = memo.tally(&all);
    // The messages of the site-wide rule quote the counts: when they change, every finding is
    // made again.
    let same_counts = memo.counts == counts;
    let mut old = std::mem::take(&mut memo.pages);
    old.truncate(all.len());
    let same: Vec<bool> = (0..all.len()).map(|i| old.get(i).is_some_and(|m| m.id == all[i].id)).collect();
    let found = proofreader.findings_with(&all, &texts, &counts, |i| same_counts && same[i]);
    let mut pages = Vec::new();
    let mut next = Vec::with_capacity(all.len());
    for (i, (p, findings)) in content.pages.iter().zip(found).enumerate() {
        let (counts, found) = match old.get_mut(i).filter(|_| same[i]) {
            Some(m) if same_counts => (std::mem::take(&mut m.counts), m.found.take()),
            Some(m) => (std::mem::take(&mut m.counts), (!findings.is_empty()).then(|| page_findings(p, findings))),
            None => (all[i].counts.clone(), (!findings.is_empty()).then(|| page_findings(p, findings))),
        };
        pages.extend(found.iter().cloned());
        next.push(MemoPage { id: all[i].id, counts, found });
    }
    memo.pages = next;
    memo.counts = counts;
    SiteFindings { pages }
}

fn page_findings(p: &crate::content::Page, findings: Vec<Finding>) -> Arc<PageFindings> {
    Arc::new(PageFindings { shown: p.shown.clone(), text: Arc::clone(&p.text), findings })
}

/// Checks one Markdown text with `config` (no prh file), for tests.
#[cfg(test)]
pub(crate) fn check_text(text: &str, body_offset: usize, config: &ProofreadConfig) -> Vec<Finding> {
    let p = Proofreader::with(config, None);
    p.check_site(&[PageInput { source: "page.md", text, body_offset }]).pop().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_contexts_are_hashed_from_the_file_or_the_block() {
        // 後で is the minority: once in a paragraph borrowed from the file, once in a block with
        // markup (hashed at once).
        let text = "---\ntitle: t\n---\nあとで読む。あとで書く。\n\n今日は後で見る。\n\n**強調**の後で話す。\n";
        let body = text.find("あとで").unwrap();
        let found = check_text(text, body, &ProofreadConfig::default());
        let notation: Vec<(&str, u64)> =
            found.iter().filter(|f| f.rule == "mixed-notation").map(|f| (&text[f.start..f.end], f.context)).collect();
        let hash = rules::stable_hash;
        assert_eq!(notation, [("後で", hash("今日は後で見る。")), ("後で", hash("強調の後で話す。"))]);
    }
}
