//! Whose output folder is it: tebiki replaces only folders it wrote. Every output carries a
//! marker file ([`OUTPUT_MARKER`]) at its root; a folder that exists, is not empty and has no
//! marker holds someone else's files (a `CNAME`, notes), and swapping it away would lose them.

use std::fs;
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// The file at the root of every output tebiki writes. A dot file: static hosts do not list
/// it and nothing links to it; its text says what it is for anyone who finds it.
pub const OUTPUT_MARKER: &str = ".tebiki";

/// The marker's text.
pub const OUTPUT_MARKER_TEXT: &str = "This folder was written by tebiki. `tebiki build` replaces everything in it.\n";

/// Whether `out` may be replaced by a build: it does not exist, is empty, carries the marker,
/// or is an output tebiki wrote before the marker existed (`404.html` beside `assets/`).
/// Otherwise, without `force`, the build is refused; with `force`, the returned list names
/// what the output held (top-level entries, folders ending in `/`), which the build removes.
pub fn claim(out: &Path, force: bool) -> Result<Vec<String>, Diagnostic> {
    let Ok(entries) = fs::read_dir(out) else { return Ok(Vec::new()) };
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                format!("{name}/")
            } else {
                name
            }
        })
        .collect();
    let ours = out.join(OUTPUT_MARKER).is_file() || (out.join("404.html").is_file() && out.join("assets").is_dir());
    if found.is_empty() || ours {
        return Ok(Vec::new());
    }
    found.sort();
    if force {
        return Ok(found);
    }
    let shown: Vec<&str> = found.iter().take(5).map(String::as_str).collect();
    let more = if found.len() > 5 { format!(" and {} more", found.len() - 5) } else { String::new() };
    Err(Diagnostic::error(
        Some(out.to_path_buf()),
        format!(
            "the output folder `{}` holds files tebiki did not write ({}{more}); a build would delete them",
            out.display(),
            shown.join(", ")
        ),
    )
    .hint("choose another folder with `--output`, or pass `--force` to replace this folder and everything in it"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_folders_are_refused_and_ours_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert!(claim(&out, false).unwrap().is_empty(), "a missing folder is fine");
        fs::create_dir_all(&out).unwrap();
        assert!(claim(&out, false).unwrap().is_empty(), "an empty folder is fine");
        fs::write(out.join("CNAME"), "example.org").unwrap();
        fs::create_dir(out.join("notes")).unwrap();
        let e = claim(&out, false).unwrap_err();
        assert!(e.message.contains("CNAME, notes/"), "{}", e.message);
        assert_eq!(claim(&out, true).unwrap(), ["CNAME", "notes/"]);
        fs::write(out.join(OUTPUT_MARKER), OUTPUT_MARKER_TEXT).unwrap();
        assert!(claim(&out, false).unwrap().is_empty());
        fs::remove_file(out.join(OUTPUT_MARKER)).unwrap();
        fs::write(out.join("404.html"), "").unwrap();
        fs::create_dir(out.join("assets")).unwrap();
        assert!(claim(&out, false).unwrap().is_empty(), "an output from before the marker is ours");
    }
}
