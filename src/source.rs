//! Reading the author's source files (pages, `site.yaml`, templates): UTF-8 text with the BOM
//! stripped and line ends normalized, and which file names are editors' temporary files.

use std::fs;
use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::lang::tr;

/// Name of the content folder inside the site root.
pub(crate) const CONTENT_DIR: &str = "content";

/// Editor swap/backup/temporary files that are never content (also ignored by `serve`'s watcher).
pub(crate) fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.contains("jb_tmp___")
        || name.contains("jb_old___")
        || name == "4913"
}

/// Reads a UTF-8 text file, strips a BOM and normalizes CRLF to LF.
///
/// Invalid UTF-8 is an error located at the first bad byte.
pub(crate) fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let mut file = fs::File::open(path).map_err(|e| cannot_read(shown, &e))?;
    let len = file.metadata().map_err(|e| cannot_read(shown, &e))?.len();
    read_open(&mut file, len, shown)
}

/// [`read_text`] of a file already open, `len` bytes long when it was opened.
pub(crate) fn read_open(file: &mut fs::File, len: u64, shown: &Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    // Two reads for the usual file: all of it, then the end. (std's `read_to_end` would ask
    // the file its size again, or without that, read in growing steps from 8 KB.)
    let mut bytes = vec![0; usize::try_from(len).unwrap_or(0).saturating_add(1)];
    let mut filled = 0;
    loop {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(cannot_read(shown, &e)),
        }
        if filled == bytes.len() {
            // The file grew since it was opened: the rest in std's steps.
            file.read_to_end(&mut bytes).map_err(|e| cannot_read(shown, &e))?;
            filled = bytes.len();
            break;
        }
    }
    bytes.truncate(filled);
    decode_text(bytes, shown)
}

/// The error for a file that cannot be opened or read, with a hint for the usual causes.
pub(crate) fn cannot_read(shown: &Path, e: &std::io::Error) -> Diagnostic {
    let hint = match e.kind() {
        std::io::ErrorKind::NotFound => tr("check the file exists", "ファイルがあるか確かめてください"),
        std::io::ErrorKind::PermissionDenied => {
            tr("make the file readable (chmod +r)", "ファイルを読めるようにしてください（chmod +r）")
        }
        _ => tr("check the file can be read", "ファイルを読めるか確かめてください"),
    };
    Diagnostic::error(
        Some(shown.to_path_buf()),
        tr(format!("cannot read file: {e}"), format!("ファイルを読めません：{e}")),
    )
    .code("cannot-read")
    .hint(hint)
}

/// Decodes file bytes as UTF-8 text (as `read_text` does).
pub fn decode_text(bytes: Vec<u8>, shown: &Path) -> Result<String, Diagnostic> {
    // std's check walks Japanese text byte by byte; the SIMD check is much faster
    // (figures: docs/dev/performance.md). The slow one runs only to locate an error.
    let text = if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: the bytes were just checked to be valid UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    } else {
        String::from_utf8(bytes)
    };
    let text = text.map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let lossy = String::from_utf8_lossy(bytes);
        let (line, col) = crate::diagnostics::line_col(&prefix, prefix.len());
        Diagnostic::error(
            Some(shown.to_path_buf()),
            tr(
                format!("file is not valid UTF-8 (byte {valid})"),
                format!("ファイルが UTF-8 ではありません（{valid} バイト目）"),
            ),
        )
        .code("not-utf8")
        .at(&lossy, line, col)
        .hint(tr(
            "save the file as UTF-8 (Shift_JIS and EUC-JP are not supported)",
            "ファイルを UTF-8 で保存してください（Shift_JIS と EUC-JP には対応していません）",
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    Ok(if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_grew_or_shrank_since_it_was_opened_is_read_whole() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("a.md");
        let text = "あいう".repeat(5000);
        fs::write(&p, &text).unwrap();
        for len in [0, 10, text.len() as u64 - 1, text.len() as u64, text.len() as u64 + 100] {
            let mut f = fs::File::open(&p).unwrap();
            assert_eq!(read_open(&mut f, len, Path::new("a.md")).unwrap(), text, "length told: {len}");
        }
    }

    #[test]
    fn bom_and_crlf_are_normalized() {
        let t = decode_text("\u{feff}---\r\ntitle: a\r\n---\r\n".as_bytes().to_vec(), Path::new("a.md")).unwrap();
        assert_eq!(t, "---\ntitle: a\n---\n");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let mut b = "一行目\nab".as_bytes().to_vec();
        b.push(0xff);
        let e = decode_text(b, Path::new("a.md")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.contains("UTF-8"));
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for n in [".a.md.swp", "a.md~", "#a.md#", "4913", "a.md.tmp", "a.md___jb_tmp___", ".#a.md"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("risks.md"));
    }
}
