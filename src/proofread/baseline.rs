//! `check --baseline FILE`: the findings a site already has, recorded once, so that only new
//! ones are reported afterwards. A finding is known by its file, rule, the text found and a hash
//! of the text around it, not by its line: editing another paragraph does not make old findings
//! new.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Finding;
use crate::diagnostics::Diagnostic;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Key {
    /// The page, `/`-separated as shown: `content/risks.md`.
    pub file: String,
    /// The rule code.
    pub rule: String,
    /// The text found.
    pub text: String,
    /// Hash of the text around it (hexadecimal).
    pub context: String,
}

impl Key {
    /// The key of `finding` in the page shown as `file`.
    pub fn of(file: &Path, finding: &Finding) -> Key {
        Key {
            file: file.to_string_lossy().replace('\\', "/"),
            rule: finding.rule.to_owned(),
            text: finding.matched.clone(),
            context: format!("{:016x}", finding.context),
        }
    }
}

/// The baseline file's contents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version (1).
    pub version: u32,
    /// Recorded findings, sorted.
    pub findings: Vec<Key>,
}

impl Baseline {
    /// A baseline of these findings.
    pub fn record<'a>(found: impl Iterator<Item = (&'a Path, &'a Finding)>) -> Baseline {
        let mut findings: Vec<Key> = found.map(|(p, f)| Key::of(p, f)).collect();
        findings.sort_by(|a, b| (&a.file, &a.rule, &a.text, &a.context).cmp(&(&b.file, &b.rule, &b.text, &b.context)));
        Baseline { version: 1, findings }
    }

    /// Reads the baseline at `path`; None when there is no such file yet.
    pub fn load(path: &Path) -> Result<Option<Baseline>, Diagnostic> {
        if !path.exists() {
            return Ok(None);
        }
        let text = crate::source::read_text(path, path)?;
        serde_json::from_str(&text).map(Some).map_err(|e| {
            Diagnostic::error(Some(path.to_path_buf()), format!("the baseline file cannot be read: {e}"))
                .at(&text, e.line().max(1), e.column().max(1))
                .hint("it is written by `tebiki check --baseline`; delete it to record a new one")
        })
    }

    /// Writes the baseline to `path` (atomically).
    pub fn save(&self, path: &Path) -> Result<(), Diagnostic> {
        let json = serde_json::to_string_pretty(self).unwrap_or_default() + "\n";
        super::fix::write_atomic(path, path, json.as_bytes())
    }

    /// Which of `found` are new: each recorded key hides as many findings as it was recorded.
    pub fn is_new<'a>(&self, found: impl Iterator<Item = (&'a Path, &'a Finding)>) -> Vec<bool> {
        let mut left: HashMap<&Key, usize> = HashMap::new();
        for k in &self.findings {
            *left.entry(k).or_default() += 1;
        }
        found
            .map(|(p, f)| match left.get_mut(&Key::of(p, f)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proofread::{check_text, ProofreadConfig};

    #[test]
    fn recorded_findings_survive_edits_elsewhere_and_new_ones_show() {
        let cfg = ProofreadConfig::default();
        let page = Path::new("content/a.md");
        let before = "ＡＢＣの話です。\n\n別の段落です。\n";
        let base = Baseline::record(check_text(before, 0, &cfg).iter().map(|f| (page, f)));
        assert_eq!(base.findings.len(), 1);
        let after = "新しい段落です。\n\nＡＢＣの話です。\n\n別の段落です。ＸＹＺです。\n";
        let found = check_text(after, 0, &cfg);
        let new = base.is_new(found.iter().map(|f| (page, f)));
        let new_texts: Vec<&str> =
            found.iter().zip(&new).filter(|(_, n)| **n).map(|(f, _)| f.matched.as_str()).collect();
        assert_eq!(new_texts, ["ＸＹＺ"]);
    }

    #[test]
    fn a_baseline_round_trips_through_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        assert_eq!(Baseline::load(&path).unwrap(), None);
        let cfg = ProofreadConfig::default();
        let found = check_text("ｶﾅです。\n", 0, &cfg);
        let b = Baseline::record(found.iter().map(|f| (Path::new("a.md"), f)));
        b.save(&path).unwrap();
        assert_eq!(Baseline::load(&path).unwrap(), Some(b));
        std::fs::write(&path, "{ nope").unwrap();
        assert!(Baseline::load(&path).unwrap_err().message.contains("baseline"));
    }
}
