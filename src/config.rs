//! `site.yaml` → [`Config`]. Unknown keys are errors with a suggestion, because a misspelt key
//! silently ignored is the most common configuration bug.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::lang::{tr, Msg};

/// The keys `site.yaml` accepts.
pub const KNOWN_KEYS: &[&str] =
    &["title", "description", "base_url", "language", "theme", "author", "warnings", "strings", "extra"];

/// Site configuration as written in `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in every page's header and `<title>`.
    pub title: String,
    /// One-sentence description for search engines and the home page.
    #[serde(default)]
    pub description: String,
    /// Where the site is published, e.g. `https://example.org/guide/` or `/guide/`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Content language for `<html lang>`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Theme folder name under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Author shown in the footer and metadata.
    #[serde(default)]
    pub author: String,
    /// Build the search index and show the search box (default true).
    #[serde(default = "default_true")]
    pub search: bool,
    /// Warning kinds turned on or off by code (`warnings: { orphan: false }`); all are on by
    /// default.
    #[serde(default)]
    pub warnings: std::collections::BTreeMap<String, bool>,
    /// The site's own wording of the theme's interface strings (`strings: { menu: 一覧 }`).
    #[serde(default)]
    pub strings: std::collections::BTreeMap<String, String>,
    /// Free-form values for themes (`site.extra` in templates).
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
}

fn default_base_url() -> String {
    "/".into()
}
fn default_true() -> bool {
    true
}
fn default_language() -> String {
    "ja".into()
}
fn default_theme() -> String {
    "default".into()
}

/// The config file's name inside the site root.
pub const CONFIG_FILE: &str = "site.yaml";

impl Config {
    /// Reads and validates `<root>/site.yaml`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let shown = PathBuf::from(CONFIG_FILE);
        let text = crate::source::read_text(&path, &shown)?;
        Self::parse(&shown, &text)
    }

    /// Parses config text; `shown` is the name used in diagnostics.
    pub fn parse(shown: &Path, text: &str) -> Result<Config, Diagnostic> {
        let trimmed = text.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('{') {
            // A document that is a scalar or a list is a common mistake; say so plainly.
            if let Ok(v) = serde_yaml::from_str::<serde_yaml::Value>(text) {
                if !v.is_mapping() {
                    return Err(Diagnostic::error(
                        Some(shown.to_path_buf()),
                        tr(
                            "site.yaml must be a mapping of keys to values",
                            "site.yaml には `キー: 値` の組を書いてください",
                        ),
                    )
                    .code("config-not-mapping")
                    .at(text, 1, 1)
                    .hint(tr(
                        "write one `key: value` per line, e.g. `title: 転職エージェントの手引き`",
                        "一行に一つ `キー: 値` を書きます（例：`title: 転職エージェントの手引き`）",
                    )));
                }
            }
        }
        let mut cfg: Config = crate::yaml::parse(shown, text, text, 1, KNOWN_KEYS)?;
        cfg.base_url = normalize_base_url(&cfg.base_url).map_err(|hint| {
            let line = text.lines().position(|l| l.trim_start().starts_with("base_url")).map_or(1, |i| i + 1);
            let url = &cfg.base_url;
            Diagnostic::error(
                Some(shown.to_path_buf()),
                tr(format!("invalid base_url `{url}`"), format!("base_url `{url}` は使えません")),
            )
            .code("invalid-base-url")
            .at(text, line, 1)
            .hint(hint)
        })?;
        check_warning_codes(shown, text, &cfg)?;
        check_string_keys(shown, text, &cfg)?;
        if cfg.title.trim().is_empty() {
            return Err(Diagnostic::error(
                Some(shown.to_path_buf()),
                tr("`title` must not be empty", "`title` が空です"),
            )
            .code("empty-title")
            .at(text, 1, 1)
            .hint(tr(
                "give the site a title, e.g. `title: 転職エージェントの手引き`",
                "サイトの題名を書いてください（例：`title: 転職エージェントの手引き`）",
            )));
        }
        Ok(cfg)
    }

    /// Whether warnings of kind `code` are reported.
    pub fn warns(&self, code: &str) -> bool {
        self.warnings.get(code).copied().unwrap_or(true)
    }

    /// The path part of `base_url`, starting and ending with `/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }
}

/// A misspelt kind under `warnings:` would silently turn nothing off: it is an error instead.
fn check_warning_codes(shown: &Path, text: &str, cfg: &Config) -> Result<(), Diagnostic> {
    use crate::diagnostics::{closest, WARNING_CODES};
    let Some(bad) = cfg.warnings.keys().find(|k| !WARNING_CODES.contains(&k.as_str())) else { return Ok(()) };
    // The key as written, `orphn:` (block style) or `{ orphn: false }` (flow style).
    let key = format!("{bad}:");
    let (line, col) = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| !l.starts_with("warnings"))
        .find_map(|(i, l)| l.find(&key).map(|b| (i + 1, l[..b].chars().count() + 1)))
        .unwrap_or((1, 1));
    let d = Diagnostic::error(
        Some(shown.to_path_buf()),
        tr(format!("unknown warning kind `{bad}`"), format!("`{bad}` という種類の警告はありません")),
    )
    .code("unknown-warning-kind")
    .at(text, line, col)
    .span(bad.chars().count());
    let all = WARNING_CODES.join("`, `");
    Err(match closest(bad, WARNING_CODES.iter().copied(), 1).first() {
        Some(s) => d.hint(tr(format!("did you mean `{s}`?"), format!("`{s}` のことですか？"))),
        None => d.hint(tr(format!("the kinds are `{all}`"), format!("警告の種類は `{all}` です"))),
    })
}

/// A misspelt key under `strings:` would silently change nothing: it is an error instead.
fn check_string_keys(shown: &Path, text: &str, cfg: &Config) -> Result<(), Diagnostic> {
    let known: Vec<&str> = crate::render::strings::keys().collect();
    let Some(bad) = cfg.strings.keys().find(|k| !known.contains(&k.as_str())) else { return Ok(()) };
    let key = format!("{bad}:");
    let (line, col) = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| !l.starts_with("strings"))
        .find_map(|(i, l)| l.find(&key).map(|b| (i + 1, l[..b].chars().count() + 1)))
        .unwrap_or((1, 1));
    let d = Diagnostic::error(
        Some(shown.to_path_buf()),
        tr(format!("unknown interface string `{bad}`"), format!("`{bad}` という表示文字列はありません")),
    )
    .code("unknown-string")
    .at(text, line, col)
    .span(bad.chars().count());
    let all = known.join("`, `");
    Err(match crate::diagnostics::closest(bad, known.iter().copied(), 1).first() {
        Some(s) => d.hint(tr(format!("did you mean `{s}`?"), format!("`{s}` のことですか？"))),
        None => d.hint(tr(format!("the keys are `{all}`"), format!("使えるキーは `{all}` です"))),
    })
}

/// Makes `base_url` end with `/` and checks it is either an absolute http(s) URL or a path.
pub fn normalize_base_url(url: &str) -> Result<String, Msg> {
    let url = url.trim();
    let ok_abs = url.starts_with("https://") || url.starts_with("http://");
    if !(ok_abs || url.starts_with('/')) {
        return Err(tr(
            "use an absolute URL (`https://example.org/guide/`) or a path (`/guide/`)",
            "絶対 URL（`https://example.org/guide/`）かパス（`/guide/`）で書いてください",
        ));
    }
    if url.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
        return Err(tr(
            "the base URL must not contain spaces, quotes, `?` or `#`",
            "base URL に空白、引用符、`?`、`#` は使えません",
        ));
    }
    let mut s = url.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

/// `https://host/a/b/` → `/a/b/`, `/a/` → `/a/`.
pub fn base_path_of(base_url: &str) -> String {
    let rest = base_url.strip_prefix("https://").or_else(|| base_url.strip_prefix("http://"));
    match rest {
        Some(r) => match r.find('/') {
            Some(i) => r[i..].to_string(),
            None => "/".into(),
        },
        None => base_url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_turn_kinds_off_and_misspelt_kinds_are_errors() {
        let cfg = Config::parse(Path::new("site.yaml"), "title: t\nwarnings: { orphan: false }\n").unwrap();
        assert!(!cfg.warns("orphan"));
        assert!(cfg.warns("heading-level-skipped"));
        let e = Config::parse(Path::new("site.yaml"), "title: t\nwarnings:\n  orphn: false\n").unwrap_err();
        assert_eq!(e.code, "unknown-warning-kind");
        assert_eq!((e.line, e.column), (3, 3));
        assert_eq!(e.hint.as_deref(), Some("did you mean `orphan`?"));
    }

    #[test]
    fn base_path_is_derived_from_absolute_and_relative_urls() {
        assert_eq!(base_path_of("https://example.org/guide/"), "/guide/");
        assert_eq!(base_path_of("https://example.org/"), "/");
        assert_eq!(base_path_of("/a/b/"), "/a/b/");
        assert_eq!(normalize_base_url("https://x.org/g").unwrap(), "https://x.org/g/");
        assert!(normalize_base_url("example.org").is_err());
    }

    #[test]
    fn unknown_config_key_is_an_error_with_suggestion() {
        let text = "title: 手引き\nauther: 私\n";
        let e = Config::parse(Path::new("site.yaml"), text).unwrap_err();
        assert_eq!(e.message, "unknown key `auther`");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.hint.unwrap().contains("`author`"));
    }

    #[test]
    fn config_that_is_not_a_mapping_is_an_error() {
        let e = Config::parse(Path::new("site.yaml"), "- a\n- b\n").unwrap_err();
        assert!(e.message.contains("mapping"));
    }
}
