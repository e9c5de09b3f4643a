//! Japanese proofreading: the style checks Japanese documentation teams run with textlint, on
//! the prose of every page only (never code, URLs, link destinations, HTML or front matter).
//!
//! [`Proofreader::check_site`] runs every rule on every page and returns [`Finding`]s, which
//! become ordinary [`Diagnostic`]s; [`fix`] applies the mechanical ones and [`baseline`] hides
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

use rayon::prelude::*;

pub use config::ProofreadConfig;
pub use rules::RULES;

use crate::diagnostics::{Diagnostic, Severity};
use dictionary::Dictionary;
use prose::{Block, BlockKind};
use rules::notation::Variants;
use rules::{chars, grammar, notation, sentences, style, Hit, Rule};

// One language type for all messages: proofreading findings follow `--lang` like the rest.
pub use crate::lang::Lang;

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
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.message_en,
            Lang::Ja => &self.message_ja,
        }
    }

    /// The hint in `lang`: the suggested text, or what to do.
    pub fn hint(&self, lang: Lang) -> String {
        match (&self.suggestion, lang) {
            (Some(s), Lang::En) => format!("write `{s}`"),
            (Some(s), Lang::Ja) => format!("「{s}」と書いてください"),
            (None, Lang::En) => advice(self.rule).0.to_owned(),
            (None, Lang::Ja) => advice(self.rule).1.to_owned(),
        }
    }

    /// As a diagnostic of `file`, whose text is `text`.
    pub fn to_diagnostic(&self, file: &Path, text: &str, lang: Lang) -> Diagnostic {
        let first_line = self.matched.lines().next().unwrap_or_default().chars().count();
        let mut d = Diagnostic::warning(Some(file.to_path_buf()), self.message(lang))
            .at_offset(text, self.start)
            .span(first_line)
            .hint(self.hint(lang));
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

/// A page's findings, and the candidates of the site-wide 表記ゆれ rule.
struct PageReport {
    findings: Vec<Finding>,
    variants: Vec<(usize, usize, Finding)>,
}

/// The rules, dictionaries and settings of one site, ready to check pages.
#[derive(Debug)]
pub struct Proofreader {
    config: ProofreadConfig,
    builtin: Dictionary,
    prh: Option<Dictionary>,
    variants: Variants,
}

impl Proofreader {
    /// Loads the site's prh dictionary (if any) for `config`.
    pub fn new(root: &Path, config: &ProofreadConfig) -> Result<Self, Diagnostic> {
        let prh = match prh::site_file(root, config.prh.as_deref()) {
            Some((path, shown)) if config.enabled => Some(Dictionary::new(prh::load(&path, &shown)?)),
            _ => None,
        };
        Ok(Proofreader { config: config.clone(), builtin: Dictionary::builtin(), prh, variants: Variants::new() })
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
        let reports: Vec<PageReport> = pages.par_iter().map(|p| self.check_page(p)).collect();
        let counts = notation::tally(reports.iter().flat_map(|r| r.variants.iter()).map(|(g, f, _)| (*g, *f)));
        reports
            .into_iter()
            .map(|r| {
                let mut all = r.findings;
                for (g, f, mut finding) in r.variants {
                    if let Some((en, ja, with)) = notation::minority(&counts, g, f, &finding.matched) {
                        (finding.message_en, finding.message_ja, finding.suggestion) = (en, ja, Some(with));
                        all.push(finding);
                    }
                }
                all.sort_by_key(|f| (f.start, f.rule));
                all
            })
            .collect()
    }

    fn check_page(&self, page: &PageInput<'_>) -> PageReport {
        let set = self.config.rules_for(page.source);
        let blocks = prose::blocks(page.text, page.body_offset);
        let mut findings = Vec::new();
        let mut variants = Vec::new();
        for block in &blocks {
            let mut hits = Vec::new();
            self.block_rules(block, &set, &mut hits);
            findings.extend(hits.into_iter().filter_map(|h| rules::finding(block, &set, h)));
            if set.on(Rule::MixedNotation) {
                for (g, f, range) in self.variants.find(&block.text) {
                    let hit = Hit::new(Rule::MixedNotation, range, String::new(), String::new());
                    variants.extend(rules::finding(block, &set, hit).map(|x| (g, f, x)));
                }
            }
        }
        let page_hits = [
            (Rule::MixedStyle, style::mixed_style as fn(&[Block]) -> Vec<(usize, Hit)>),
            (Rule::MixedPunctuation, style::mixed_punctuation),
        ];
        for (rule, f) in page_hits {
            if set.on(rule) {
                findings.extend(f(&blocks).into_iter().filter_map(|(b, h)| rules::finding(&blocks[b], &set, h)));
            }
        }
        PageReport { findings, variants }
    }

    /// The rules that judge a block on its own.
    fn block_rules(&self, block: &Block, set: &config::RuleSet, out: &mut Vec<Hit>) {
        let text = &block.text;
        let on = |r: Rule| set.on(r) && !block.is_disabled(r.code());
        let char_rules: [(Rule, rules::TextRule); 4] = [
            (Rule::FullwidthAscii, chars::fullwidth_ascii),
            (Rule::HalfwidthKana, chars::halfwidth_kana),
            (Rule::AsciiPunctuation, chars::ascii_punctuation),
            (Rule::RaNuki, grammar::ra_nuki),
        ];
        for (rule, f) in char_rules {
            if on(rule) {
                f(text, out);
            }
        }
        if on(Rule::JaSpace) {
            chars::spaces(text, false, out);
        }
        if on(Rule::JaLatinSpace) {
            chars::spaces(text, true, out);
        }
        if on(Rule::KanjiRun) {
            chars::kanji_run(text, set.get(Rule::KanjiRun).max, out);
        }
        if on(Rule::Dictionary) {
            notation::dictionary(&self.builtin, Rule::Dictionary, text, out);
        }
        if let Some(prh) = self.prh.as_ref().filter(|_| on(Rule::Prh)) {
            notation::dictionary(prh, Rule::Prh, text, out);
        }
        if matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem) {
            let sents = sentences::sentences(text);
            if on(Rule::SentenceLength) {
                sentences::sentence_length(text, &sents, set.get(Rule::SentenceLength).max, out);
            }
            if on(Rule::MaxComma) {
                sentences::max_comma(text, &sents, set.get(Rule::MaxComma).max, out);
            }
            if on(Rule::DoubledParticle) {
                grammar::doubled_particle(text, &block.breaks, out);
            }
        }
    }
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

/// The findings of a whole site: only pages that have some.
#[derive(Debug, Clone, Default)]
pub struct SiteFindings {
    /// Pages in reading order.
    pub pages: Vec<PageFindings>,
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
    pub fn diagnostics(&self, lang: Lang, keep: Option<&[bool]>) -> crate::diagnostics::Diagnostics {
        let mut all =
            self.pages.iter().flat_map(|p| p.findings.iter().map(move |f| f.to_diagnostic(&p.shown, &p.text, lang)));
        crate::diagnostics::Diagnostics(match keep {
            Some(keep) => all.zip(keep).filter(|(_, k)| **k).map(|(d, _)| d).collect(),
            None => all.by_ref().collect(),
        })
    }
}

/// Proofreads the pages of `content` with the site's settings (`root` holds `prh.yml`). Fails
/// only when the prh dictionary is broken.
pub fn check_content(
    root: &Path,
    config: &ProofreadConfig,
    content: &crate::content::Content,
) -> Result<SiteFindings, Diagnostic> {
    let proofreader = Proofreader::new(root, config)?;
    if !proofreader.enabled() {
        return Ok(SiteFindings::default());
    }
    let inputs: Vec<PageInput<'_>> = content
        .pages
        .iter()
        .map(|p| PageInput { source: &p.source, text: &p.text, body_offset: p.body_offset })
        .collect();
    let found = proofreader.check_site(&inputs);
    let pages = content
        .pages
        .iter()
        .zip(found)
        .filter(|(_, f)| !f.is_empty())
        .map(|(p, findings)| PageFindings { shown: p.shown.clone(), text: std::sync::Arc::clone(&p.text), findings })
        .collect();
    Ok(SiteFindings { pages })
}

/// Checks one Markdown text with `config` (no prh file), for tests.
#[cfg(test)]
pub(crate) fn check_text(text: &str, body_offset: usize, config: &ProofreadConfig) -> Vec<Finding> {
    let p =
        Proofreader { config: config.clone(), builtin: Dictionary::builtin(), prh: None, variants: Variants::new() };
    p.check_site(&[PageInput { source: "page.md", text, body_offset }]).pop().unwrap_or_default()
}
