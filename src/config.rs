//! `site.yaml` → [`Config`]. Unknown keys are errors with a suggestion, because a misspelt key
//! silently ignored is the most common configuration bug.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::lang::{tr, Msg};

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
    /// Write `atom.xml` when `base_url` is absolute (default true).
    #[serde(default = "default_true")]
    pub feed: bool,
    /// How dates are shown: `western` (2026年11月24日, the default) or `wareki` (令和8年11月24日).
    #[serde(default)]
    pub date_style: crate::dates::DateStyle,
    /// CSS `text-spacing-trim` for the whole site (`trim-start` unless set): `space-all` turns
    /// off the trimming of full-width punctuation, for fonts on Windows that set it badly.
    #[serde(default)]
    pub text_spacing_trim: Option<TextSpacingTrim>,
    /// Share cards (`og:image`): on/off, font, logo, background, colours.
    #[serde(default)]
    pub cards: crate::cards::CardsConfig,
    /// Free-form values for themes (`site.extra` in templates).
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
    /// Japanese proofreading rules (docs/proofreading.md).
    #[serde(default)]
    pub proofread: crate::proofread::ProofreadConfig,
}

/// The values of CSS `text-spacing-trim` a site may choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextSpacingTrim {
    /// The browser's default.
    Normal,
    /// No trimming: every full-width punctuation mark keeps its full width.
    SpaceAll,
    /// Trim between punctuation marks, not at the start of a line.
    SpaceFirst,
    /// Also trim opening brackets at the start of a line (the theme's default).
    TrimStart,
    /// Also trim at both ends of a line.
    TrimBoth,
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
        if !path.exists() {
            let dir = if root.as_os_str().is_empty() { Path::new(".") } else { root };
            return Err(Diagnostic::error(None, format!("no site.yaml in {}", dir.display()))
                .hint("run `tebiki init` here to start a guide, or pass `--root` with the guide's folder"));
        }
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
        let mut cfg: Config = crate::yaml::parse(shown, text, text, 1)?;
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
        cfg.proofread.validate(shown, text)?;
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
    let Some(bad) = cfg.warnings.keys().find(|k| !crate::diagnostics::WARNING_CODES.contains(&k.as_str())) else {
        return Ok(());
    };
    let message = tr(format!("unknown warning kind `{bad}`"), format!("`{bad}` という種類の警告はありません"));
    let all = crate::diagnostics::WARNING_CODES.join("`, `");
    let list = tr(format!("the kinds are `{all}`"), format!("警告の種類は `{all}` です"));
    Err(unknown_key(shown, text, ("warnings", bad), crate::diagnostics::WARNING_CODES, message, list)
        .code("unknown-warning-kind"))
}

/// A misspelt key under `strings:` would silently change nothing: it is an error instead.
fn check_string_keys(shown: &Path, text: &str, cfg: &Config) -> Result<(), Diagnostic> {
    let known: Vec<&str> = crate::render::strings::keys().collect();
    let Some(bad) = cfg.strings.keys().find(|k| !known.contains(&k.as_str())) else { return Ok(()) };
    let message = tr(format!("unknown interface string `{bad}`"), format!("`{bad}` という表示文字列はありません"));
    let all = known.join("`, `");
    let list = tr(format!("the keys are `{all}`"), format!("使えるキーは `{all}` です"));
    Err(unknown_key(shown, text, ("strings", bad), &known, message, list).code("unknown-string"))
}

/// An error at key `bad` of mapping `section` (`orphn:` in block style or `{ orphn: false }` in
/// flow style), suggesting the nearest of `known`, or listing them all (`list`).
fn unknown_key(
    shown: &Path,
    text: &str,
    (section, bad): (&str, &str),
    known: &[&str],
    message: Msg,
    list: Msg,
) -> Diagnostic {
    let key = format!("{bad}:");
    let (line, col) = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| !l.starts_with(section))
        .find_map(|(i, l)| l.find(&key).map(|b| (i + 1, l[..b].chars().count() + 1)))
        .unwrap_or((1, 1));
    let d = Diagnostic::error(Some(shown.to_path_buf()), message).at(text, line, col).span(bad.chars().count());
    match crate::diagnostics::closest(bad, known.iter().copied(), 1).first() {
        Some(s) => d.hint(tr(format!("did you mean `{s}`?"), format!("`{s}` のことですか？"))),
        None => d.hint(list),
    }
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
    fn every_field_of_config_is_a_known_key() {
        let e = Config::parse(Path::new("site.yaml"), "title: 手引き\nserch: false\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean `search`?"));
        assert!(Config::parse(Path::new("site.yaml"), "title: 手引き\nsearch: false\n").is_ok());
    }

    #[test]
    fn config_that_is_not_a_mapping_is_an_error() {
        let e = Config::parse(Path::new("site.yaml"), "- a\n- b\n").unwrap_err();
        assert!(e.message.contains("mapping"));
    }
}
