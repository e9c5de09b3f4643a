//! `check --fix`: the mechanical fixes (width, punctuation, dictionary words) written back into
//! the Markdown files. Only the bytes of each fix change: line ends, a BOM, code and URLs stay
//! exactly as they were, and each file is replaced atomically.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::Edit;
use crate::diagnostics::Diagnostic;

/// `text` with `edits` applied; an edit overlapping an earlier one is left out.
pub fn apply(text: &str, edits: &[Edit]) -> (String, usize) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut applied = 0;
    for e in sorted {
        if e.range.start < at || e.range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.replacement);
        at = e.range.end;
        applied += 1;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// Moves `edits` of the loaded text (no BOM, LF line ends) onto the file's own text.
fn onto_raw(raw: &str, edits: &[Edit]) -> Vec<Edit> {
    let bom = if raw.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    // Loaded offsets at which a CR of a CRLF was dropped.
    let mut dropped = Vec::new();
    let bytes = raw.as_bytes();
    for (i, _) in raw.match_indices('\r') {
        if bytes.get(i + 1) == Some(&b'\n') {
            dropped.push(i - bom - dropped.len());
        }
    }
    let map = |n: usize| bom + n + dropped.partition_point(|&p| p < n);
    edits
        .iter()
        .map(|e| Edit { range: map(e.range.start)..map(e.range.end), replacement: e.replacement.clone() })
        .collect()
}

fn io_error(shown: &Path, what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Some(shown.to_path_buf()), format!("cannot {what}: {e}"))
        .hint("the file was left as it was; check the folder is writable and has free space")
}

/// Replaces the file at `path` with `bytes`: written beside it, then renamed over it, so the
/// file is either the old one or the new one, never half written.
pub fn write_atomic(path: &Path, shown: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = path.with_file_name(format!(".{name}.tebiki-{}.tmp", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Ok(meta) = fs::metadata(path) {
            fs::set_permissions(&temp, meta.permissions())?;
        }
        fs::rename(&temp, path)
    })();
    written.map_err(|e| {
        if temp.exists() {
            // Only the temporary file this function made is removed.
            let _ = fs::remove_file(&temp);
        }
        io_error(shown, "write the fixed file", &e)
    })
}

/// Applies `edits` (offsets of `loaded`, the file's text as tebiki loaded it) to the file at
/// `path`; returns how many were applied. A file changed since it was loaded is left alone.
pub fn fix_file(path: &Path, shown: &Path, loaded: &str, edits: &[Edit]) -> Result<usize, Diagnostic> {
    if edits.is_empty() {
        return Ok(0);
    }
    let bytes = fs::read(path).map_err(|e| io_error(shown, "read the file to fix it", &e))?;
    let raw = String::from_utf8(bytes)
        .map_err(|_| Diagnostic::error(Some(shown.to_path_buf()), "file is not valid UTF-8"))?;
    let normalized = raw.strip_prefix('\u{feff}').unwrap_or(&raw).replace("\r\n", "\n").replace('\r', "\n");
    if normalized != loaded {
        return Err(Diagnostic::error(Some(shown.to_path_buf()), "the file changed while it was being checked")
            .hint("run `tebiki check --fix` again"));
    }
    let (fixed, n) = apply(&raw, &onto_raw(&raw, edits));
    if n > 0 {
        write_atomic(path, shown, fixed.as_bytes())?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, find: &str, with: &str) -> Edit {
        let s = text.find(find).unwrap();
        Edit { range: s..s + find.len(), replacement: with.into() }
    }

    #[test]
    fn edits_land_on_crlf_and_bom_files_unchanged_elsewhere() {
        let raw = "\u{feff}---\r\ntitle: t\r\n---\r\nＡＢＣと\rｶﾅ\r\n";
        let loaded = "---\ntitle: t\n---\nＡＢＣと\nｶﾅ\n";
        let edits = [edit(loaded, "ＡＢＣ", "ABC"), edit(loaded, "ｶﾅ", "カナ")];
        let (fixed, n) = apply(raw, &onto_raw(raw, &edits));
        assert_eq!(n, 2);
        assert_eq!(fixed, "\u{feff}---\r\ntitle: t\r\n---\r\nABCと\rカナ\r\n");
    }

    #[test]
    fn overlapping_edits_keep_the_first() {
        let t = "abcdef";
        let (out, n) = apply(t, &[edit(t, "bcd", "X"), edit(t, "cd", "Y"), edit(t, "f", "Z")]);
        assert_eq!((out.as_str(), n), ("aXeZ", 2));
    }
}
