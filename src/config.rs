//! `site.yaml` → [`Config`]. Unknown keys are errors with a suggestion, because a misspelt key
//! silently ignored is the most common configuration bug.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;

/// The keys `site.yaml` accepts.
pub const KNOWN_KEYS: &[&str] = &["title", "description", "base_url", "language", "theme", "author", "cards", "extra"];

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
    /// Share cards (`og:image`): on/off, font, logo, background, colours.
    #[serde(default)]
    pub cards: crate::cards::CardsConfig,
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
                        "site.yaml must be a mapping of keys to values",
                    )
                    .at(text, 1, 1)
                    .hint("write one `key: value` per line, e.g. `title: 転職エージェントの手引き`"));
                }
            }
        }
        let mut cfg: Config = crate::yaml::parse(shown, text, text, 1, KNOWN_KEYS)?;
        cfg.base_url = normalize_base_url(&cfg.base_url).map_err(|hint| {
            let line = text.lines().position(|l| l.trim_start().starts_with("base_url")).map_or(1, |i| i + 1);
            Diagnostic::error(Some(shown.to_path_buf()), format!("invalid base_url `{}`", cfg.base_url))
                .at(text, line, 1)
                .hint(hint)
        })?;
        if cfg.title.trim().is_empty() {
            return Err(Diagnostic::error(Some(shown.to_path_buf()), "`title` must not be empty")
                .at(text, 1, 1)
                .hint("give the site a title, e.g. `title: 転職エージェントの手引き`"));
        }
        Ok(cfg)
    }

    /// The path part of `base_url`, starting and ending with `/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }
}

/// Makes `base_url` end with `/` and checks it is either an absolute http(s) URL or a path.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let ok_abs = url.starts_with("https://") || url.starts_with("http://");
    if !(ok_abs || url.starts_with('/')) {
        return Err("use an absolute URL (`https://example.org/guide/`) or a path (`/guide/`)".into());
    }
    if url.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
        return Err("the base URL must not contain spaces, quotes, `?` or `#`".into());
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
