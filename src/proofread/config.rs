//! The `proofread:` section of `site.yaml`: every rule on or off, its severity and threshold,
//! and overrides for folders of `content/`.
//!
//! ```yaml
//! proofread:
//!   rules:
//!     sentence-length: { max: 120 }
//!     kanji-run: { severity: error }
//!     ja-latin-space: true
//!     doubled-particle: false
//!   overrides:
//!     - path: faq/
//!       rules: { sentence-length: false }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::rules::{Rule, RULES};
use crate::diagnostics::{closest, Diagnostic, Severity};

/// The `proofread:` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofreadConfig {
    /// Run the checks at all (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Settings by rule code.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSetting>,
    /// Settings for pages under a folder of `content/`; later entries win.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// The prh dictionary, relative to the site folder (default: `prh.yml` when it exists).
    #[serde(default)]
    pub prh: Option<PathBuf>,
}

impl Default for ProofreadConfig {
    fn default() -> Self {
        ProofreadConfig { enabled: true, rules: BTreeMap::new(), overrides: Vec::new(), prh: None }
    }
}

fn yes() -> bool {
    true
}

impl ProofreadConfig {
    /// Whether any rule is set to `error` anywhere: only then does `build` proofread, since a
    /// warning there would only repeat what `check` and `serve` show.
    pub fn has_error_rules(&self) -> bool {
        let error = |rules: &BTreeMap<String, RuleSetting>| rules.values().any(|r| r.severity == Some(Severity::Error));
        error(&self.rules) || self.overrides.iter().any(|o| error(&o.rules))
    }
}

/// Settings for the pages under one folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// A folder (or file) relative to `content/`: `faq/`.
    pub path: String,
    /// Settings by rule code.
    pub rules: BTreeMap<String, RuleSetting>,
}

/// `true`/`false`, or a mapping with any of `enabled`, `severity`, `max`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSetting {
    /// On or off.
    pub enabled: Option<bool>,
    /// `warning` or `error`.
    pub severity: Option<Severity>,
    /// The rule's threshold.
    pub max: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleOptions {
    enabled: Option<bool>,
    severity: Option<SeverityName>,
    max: Option<usize>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum SeverityName {
    Warning,
    Error,
}

impl<'de> Deserialize<'de> for RuleSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RuleSetting;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("true, false, or a mapping with `enabled`, `severity` and `max`")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RuleSetting, E> {
                Ok(RuleSetting { enabled: Some(v), ..Default::default() })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RuleSetting, A::Error> {
                let o = RuleOptions::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let severity = o.severity.map(|s| match s {
                    SeverityName::Warning => Severity::Warning,
                    SeverityName::Error => Severity::Error,
                });
                Ok(RuleSetting { enabled: o.enabled, severity, max: o.max })
            }
        }
        d.deserialize_any(V)
    }
}

/// How one rule runs on one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Effective {
    pub enabled: bool,
    pub severity: Severity,
    pub max: usize,
}

/// Every rule's settings for one page, indexed like [`RULES`].
#[derive(Debug, Clone)]
pub(crate) struct RuleSet(pub Vec<Effective>);

impl RuleSet {
    pub fn get(&self, rule: Rule) -> Effective {
        self.0[rule as usize]
    }
    pub fn on(&self, rule: Rule) -> bool {
        self.0[rule as usize].enabled
    }
}

fn apply(set: &mut RuleSet, rules: &BTreeMap<String, RuleSetting>) {
    for (code, s) in rules {
        if let Some(i) = RULES.iter().position(|r| r.code == code) {
            let e = &mut set.0[i];
            e.enabled = s.enabled.unwrap_or(e.enabled || s.severity.is_some() || s.max.is_some());
            e.severity = s.severity.unwrap_or(e.severity);
            e.max = s.max.unwrap_or(e.max);
        }
    }
}

impl ProofreadConfig {
    /// The settings for the page at `source` (relative to `content/`).
    pub(crate) fn rules_for(&self, source: &str) -> RuleSet {
        let mut set = RuleSet(
            RULES
                .iter()
                .map(|r| Effective { enabled: r.default_on, severity: Severity::Warning, max: r.default_max })
                .collect(),
        );
        apply(&mut set, &self.rules);
        for o in &self.overrides {
            let folder = o.path.trim_start_matches("./").trim_start_matches('/');
            let dir = folder.trim_end_matches('/');
            if source == dir || source.starts_with(&format!("{dir}/")) || dir.is_empty() {
                apply(&mut set, &o.rules);
            }
        }
        set
    }

    /// Rejects unknown rule codes, with the closest known one as a hint. `text` is site.yaml's.
    pub fn validate(&self, shown: &Path, text: &str) -> Result<(), Diagnostic> {
        let names = self.rules.keys().chain(self.overrides.iter().flat_map(|o| o.rules.keys()));
        for name in names {
            if RULES.iter().any(|r| r.code == name) {
                continue;
            }
            let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
            let mut d = Diagnostic::error(Some(shown.to_path_buf()), format!("unknown proofreading rule `{name}`"));
            if let Some(off) = text.find(&format!("{name}:")) {
                d = d.at_offset(text, off).span(name.chars().count());
            }
            let hint = match closest(name, codes.iter().copied(), 1).first() {
                Some(c) => format!("did you mean `{c}`? Rules: {}", codes.join(", ")),
                None => format!("rules: {}", codes.join(", ")),
            };
            return Err(d.hint(hint));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> ProofreadConfig {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn defaults_settings_and_folder_overrides() {
        let c = parse(
            "rules:\n  kanji-run: { max: 9, severity: error }\n  ja-latin-space: true\n  doubled-particle: false\noverrides:\n  - path: faq/\n    rules: { kanji-run: false }\n",
        );
        let top = c.rules_for("risks.md");
        assert_eq!(top.get(Rule::KanjiRun), Effective { enabled: true, severity: Severity::Error, max: 9 });
        assert!(top.on(Rule::JaLatinSpace) && !top.on(Rule::DoubledParticle));
        assert!(top.on(Rule::SentenceLength) && top.get(Rule::SentenceLength).max == 100);
        assert!(!c.rules_for("faq/one.md").on(Rule::KanjiRun));
        assert!(c.rules_for("faqs.md").on(Rule::KanjiRun));
        assert!(!ProofreadConfig::default().rules_for("a.md").on(Rule::JaLatinSpace));
    }

    #[test]
    fn unknown_rules_and_bad_values_are_explained() {
        let c = parse("rules:\n  kanji-runs: false\n");
        let text = "title: t\nproofread:\n  rules:\n    kanji-runs: false\n";
        let e = c.validate(Path::new("site.yaml"), text).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (4, "unknown proofreading rule `kanji-runs`"));
        assert!(e.hint.unwrap().contains("`kanji-run`"));
        let bad = serde_yaml::from_str::<ProofreadConfig>("rules:\n  kanji-run: 3\n").unwrap_err().to_string();
        assert!(bad.contains("true, false, or a mapping"), "{bad}");
        let sev = serde_yaml::from_str::<ProofreadConfig>("rules:\n  kanji-run: { severity: fatal }\n").unwrap_err();
        assert!(sev.to_string().contains("`warning`"), "{sev}");
    }
}
