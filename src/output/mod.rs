//! Output: the set of files a build produces, and writing them atomically.
//!
//! The whole site is written into a staging folder beside the output folder, then swapped into
//! place with one `rename` (Linux: `renameat2(RENAME_EXCHANGE)`), so a failed or killed build
//! leaves the previous output exactly as it was. The previous output stays in the staging folder
//! for the next build to update ([`Staging`]). Nothing outside the output folder and tebiki's own
//! staging folder is ever touched.

mod claim;
pub(crate) mod sink;
mod staging;
mod tree;

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::lang::tr;
pub use claim::{claim, OUTPUT_MARKER, OUTPUT_MARKER_TEXT};
pub use staging::Staging;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output folder, `/`-separated: `risks/index.html`.
    pub path: String,
    /// Contents (cheap to clone: unchanged pages are shared between `serve`'s rebuilds).
    pub data: bytes::Bytes,
}

/// Whether an output path stays inside the output folder (no `..`, no absolute part).
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty() && !path.contains('\\') && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
}

/// Absolute form of a path that may not exist yet.
fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = fs::canonicalize(p) {
        return c;
    }
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => absolute(parent).join(name),
        _ => abs,
    }
}

/// Refuses output folders whose replacement would destroy the site itself.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let out_abs = absolute(out);
    let refuse = |why: &str| {
        Err(Diagnostic::error(
            Some(out.to_path_buf()),
            format!("refusing to use `{}` as the output folder: {why}", out.display()),
        )
        .code("bad-output-folder")
        .hint(tr(
            "choose a separate folder, e.g. `--output public`",
            "別のフォルダを指定してください（例：`--output public`）",
        )))
    };
    if root.starts_with(&out_abs) {
        return refuse("it is the site folder or contains it");
    }
    for inside in ["content", "themes"] {
        if out_abs.starts_with(root.join(inside)) {
            return refuse(&format!("it is inside {inside}/"));
        }
    }
    if out_abs.join("content").is_dir() || out_abs.join("site.yaml").is_file() {
        return refuse("it contains a site (content/ or site.yaml)");
    }
    Ok(())
}
