//! `tebiki init` and `tebiki new`: starting a guide and adding pages, never overwriting a file.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::tr;

/// The files `init` writes: (path inside the new site, contents).
const STARTER: &[(&str, &[u8])] = &[
    ("site.yaml", include_bytes!("site.yaml")),
    ("content/_index.md", include_bytes!("_index.md")),
    ("content/getting-started.md", include_bytes!("getting-started.md")),
    ("content/images/example.svg", include_bytes!("example.svg")),
];

/// Creates a new site in `dir`; with `theme_copy`, also writes the default theme to customise.
/// Refuses (and writes nothing) if any file it would write already exists.
pub fn init(dir: &Path, theme_copy: bool) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut files: Vec<(PathBuf, &[u8])> = STARTER.iter().map(|(p, b)| (dir.join(p), *b)).collect();
    if theme_copy {
        files.extend(crate::templates::DEFAULT_THEME.iter().map(|(p, b)| (dir.join("themes/default").join(p), *b)));
    }
    let existing: Vec<Diagnostic> = files
        .iter()
        .filter(|(p, _)| p.exists())
        .map(|(p, _)| {
            Diagnostic::error(
                Some(p.clone()),
                tr(
                    "already exists; tebiki init never overwrites files",
                    "すでにあります。tebiki init はファイルを上書きしません",
                ),
            )
            .code("already-exists")
            .hint(tr(
                "run `tebiki init` in an empty folder, or move the file away",
                "空のフォルダで `tebiki init` を実行するか、そのファイルを移動してください",
            ))
        })
        .collect();
    if !existing.is_empty() {
        return Err(Diagnostics(existing));
    }
    for (path, bytes) in &files {
        write_new(path, bytes)?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let err = |e: std::io::Error| {
        Diagnostic::error(Some(path.to_path_buf()), tr(format!("cannot write: {e}"), format!("書き込めません：{e}")))
            .code("cannot-write")
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(err)?;
    }
    // create_new: fail instead of clobbering a file that appeared meanwhile.
    use std::io::Write;
    let mut f = fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(err)?;
    f.write_all(bytes).map_err(err)
}

/// What `new` created.
#[derive(Debug)]
pub struct NewPage {
    /// The file written.
    pub path: PathBuf,
    /// Its URL path relative to the base path.
    pub url: String,
    /// The weight given (after the last sibling).
    pub weight: i64,
}

/// Adds a page at `rel` (relative to `content/`, `.md` added if missing) with front matter.
pub fn new_page(root: &Path, rel: &str, title: Option<&str>, today: &str) -> Result<NewPage, Diagnostic> {
    let mut rel = rel.trim_start_matches("./").trim_start_matches("content/").to_string();
    if !rel.ends_with(".md") {
        rel.push_str(".md");
    }
    if !crate::output::is_safe_relative(&rel) {
        return Err(Diagnostic::error(
            Some(PathBuf::from(&rel)),
            tr("the page path must stay inside content/", "ページのパスは content/ の中にしてください"),
        )
        .code("path-outside-content")
        .hint(tr("give a path like `guide/step-1.md`", "`guide/step-1.md` のようなパスを指定してください")));
    }
    let path = root.join(crate::source::CONTENT_DIR).join(&rel);
    if path.exists() {
        return Err(Diagnostic::error(
            Some(PathBuf::from("content").join(&rel)),
            tr("already exists", "すでにあります"),
        )
        .code("already-exists")
        .hint(tr(
            "choose another name; tebiki new never overwrites a page",
            "別の名前にしてください。tebiki new はページを上書きしません",
        )));
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let weight = last_weight(&dir) + 1;
    let stem = Path::new(&rel).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let title = title.map(str::to_owned).unwrap_or(stem);
    let yaml_title = serde_json::to_string(&title).unwrap_or_else(|_| format!("{title:?}"));
    // A draft until the author removes the line: `build` leaves it out and no warning asks for
    // links to a page that is still being written.
    let text = format!(
        "---\ntitle: {yaml_title}\nweight: {weight}\ndate: {today}\ndraft: true\n---\n\nここに本文を書きます。\n"
    );
    write_new(&path, text.as_bytes())?;
    let (url, _) = crate::content::url_of(&rel, None);
    Ok(NewPage { path: PathBuf::from("content").join(&rel), url, weight })
}

/// The largest `weight` among the Markdown files directly in `dir` (0 if none).
fn last_weight(dir: &Path) -> i64 {
    let Ok(rd) = fs::read_dir(dir) else { return 0 };
    rd.flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| fs::read_to_string(e.path()).ok())
        .filter_map(|t| {
            let sp = crate::content::front_matter::split(Path::new(""), &t).ok()?;
            sp.yaml.lines().find_map(|l| l.strip_prefix("weight:").and_then(|w| w.trim().parse::<i64>().ok()))
        })
        .max()
        .unwrap_or(0)
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_416), "2025-11-24");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }

    #[test]
    fn init_builds_at_once_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("guide");
        init(&site, false).unwrap();
        assert!(!site.join("themes").exists());
        let opts = crate::BuildOptions { root: site.clone(), ..Default::default() };
        crate::build(&opts).unwrap_or_else(|d| panic!("{}", d.render(false)));
        let before = fs::read(site.join("site.yaml")).unwrap();
        let e = init(&site, false).unwrap_err();
        assert_eq!(e.0.len(), STARTER.len());
        assert_eq!(fs::read(site.join("site.yaml")).unwrap(), before);
    }

    #[test]
    fn new_page_gets_front_matter_after_the_last_weight() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), false).unwrap();
        let p = new_page(dir.path(), "content/next.md", Some("次のページ"), "2026-11-24").unwrap();
        assert_eq!(p.weight, 2);
        assert_eq!(p.url, "next/");
        let text = fs::read_to_string(dir.path().join("content/next.md")).unwrap();
        assert!(
            text.starts_with("---\ntitle: \"次のページ\"\nweight: 2\ndate: 2026-11-24\ndraft: true\n---\n"),
            "{text}"
        );
        assert!(new_page(dir.path(), "next.md", None, "2026-11-24").is_err());
        assert!(new_page(dir.path(), "../escape.md", None, "2026-11-24").is_err());
    }
}
