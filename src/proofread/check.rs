//! What `tebiki check` does with a site's findings: apply the fixes (`--fix`), hide the ones a
//! baseline recorded (`--baseline`), and hand back the rest as diagnostics.

use std::path::Path;

use super::baseline::Baseline;
use super::{fix, SiteFindings};
use crate::diagnostics::{Diagnostics, Severity};

/// The result of [`finish`].
#[derive(Debug, Default)]
pub struct CheckOutcome {
    /// The findings left to report.
    pub diagnostics: Diagnostics,
    /// Findings fixed, and the number of files the fixes were written to.
    pub fixed: (usize, usize),
    /// Findings recorded in a new baseline file.
    pub recorded: Option<usize>,
    /// Findings hidden by the baseline.
    pub hidden: usize,
}

impl CheckOutcome {
    /// Whether a finding left to report is configured as an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.0.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Applies `--fix` and `--baseline` to the findings of the site at `root`.
pub fn finish(
    root: &Path,
    found: &SiteFindings,
    apply_fixes: bool,
    baseline: Option<&Path>,
) -> Result<CheckOutcome, Diagnostics> {
    let mut out = CheckOutcome::default();
    let mut left = found.clone();
    if apply_fixes {
        let mut problems = Diagnostics::default();
        for page in &mut left.pages {
            let page = std::sync::Arc::make_mut(page);
            let edits: Vec<super::Edit> = page.findings.iter().flat_map(|f| f.edits.iter().cloned()).collect();
            match fix::fix_file(&root.join(&page.shown), &page.shown, &page.text, &edits) {
                Ok(0) => {}
                Ok(_) => {
                    out.fixed.0 += page.findings.iter().filter(|f| !f.edits.is_empty()).count();
                    out.fixed.1 += 1;
                    page.findings.retain(|f| f.edits.is_empty());
                }
                Err(d) => problems.push(d),
            }
        }
        if !problems.0.is_empty() {
            return Err(problems);
        }
    }
    let Some(path) = baseline else {
        out.diagnostics = left.diagnostics(None);
        return Ok(out);
    };
    match Baseline::load(path)? {
        None => {
            let b = Baseline::record(left.iter());
            b.save(path)?;
            out.recorded = Some(b.findings.len());
        }
        Some(b) => {
            let keep = b.is_new(left.iter());
            out.hidden = keep.iter().filter(|k| !**k).count();
            out.diagnostics = left.diagnostics(Some(&keep));
        }
    }
    Ok(out)
}
