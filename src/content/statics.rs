//! `static/` at the site root: files copied to the output root as they are (`CNAME`,
//! `.nojekyll`, `robots.txt`, `favicon.ico`, `.well-known/...`).

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::is_ignored_name;

/// The folder's name inside the site root.
pub(crate) const STATIC_DIR: &str = "static";

/// Whether a name under `static/` is an editor's swap, backup or temporary file. Dot files are
/// kept (`.nojekyll`, `.well-known`): there they are the point, not an editor's leftovers.
pub(crate) fn is_skipped(name: &str) -> bool {
    is_ignored_name(name.trim_start_matches('.'))
}

/// Every file of `<root>/static` as (path relative to it, `/`-separated; bytes), sorted.
/// No folder, no files.
pub(crate) fn load(root: &Path) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let dir = root.join(STATIC_DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let mut errors = Diagnostics::default();
    let walk = WalkDir::new(&dir).min_depth(1).follow_links(true).sort_by_file_name();
    for entry in walk.into_iter().filter_entry(|e| !is_skipped(&e.file_name().to_string_lossy())) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().map_or_else(|| PathBuf::from(STATIC_DIR), |p| shown(root, p));
                errors.push(
                    Diagnostic::error(Some(at), format!("cannot read: {e}")).hint("make it readable or remove it"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel) = entry.path().strip_prefix(&dir).ok().and_then(Path::to_str).map(|r| r.replace('\\', "/"))
        else {
            errors.push(
                Diagnostic::error(Some(shown(root, entry.path())), "the file name is not valid UTF-8")
                    .hint("rename the file"),
            );
            continue;
        };
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push((rel, bytes)),
            Err(e) => errors.push(
                Diagnostic::error(Some(shown(root, entry.path())), format!("cannot read file: {e}"))
                    .hint("make the file readable or remove it"),
            ),
        }
    }
    if errors.0.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

fn shown(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_files_are_kept_and_editor_leftovers_skipped() {
        assert!(!is_skipped(".nojekyll"));
        assert!(!is_skipped(".well-known"));
        assert!(!is_skipped("CNAME"));
        assert!(is_skipped(".robots.txt.swp"));
        assert!(is_skipped("robots.txt~"));
        assert!(is_skipped(".#robots.txt"));
    }
}
