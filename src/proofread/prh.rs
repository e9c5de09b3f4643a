//! prh dictionaries (`prh.yml`): the format Japanese teams already keep their 表記ゆれ rules in.
//!
//! ```yaml
//! version: 1
//! imports: [common.yml]
//! rules:
//!   - expected: ユーザー
//!     pattern: ユーザ        # text, a list of texts, or a regular expression between slashes
//!   - expected: JavaScript    # no pattern: any capitalisation of the expected text
//!   - expected: サーバー$1
//!     pattern: /サーバ([^ー]|$)/
//! ```
//!
//! `options` and `specs` are accepted and ignored; `$1` in `expected` refers to a group.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml::Value;

use super::dictionary::{Entry, Matcher};
use crate::diagnostics::Diagnostic;

#[derive(Deserialize)]
struct PrhFile {
    #[serde(default)]
    imports: Option<Value>,
    #[serde(default)]
    rules: Vec<PrhRule>,
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<Value>,
}

#[derive(Deserialize)]
struct PrhRule {
    expected: String,
    #[serde(default)]
    pattern: Option<Value>,
    #[serde(default)]
    patterns: Option<Value>,
}

fn texts(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Sequence(items) => items.iter().map(|i| i.as_str().map(str::to_owned)).collect(),
        _ => None,
    }
}

/// Where `needle` first appears in `text`, as a diagnostic location.
fn locate(d: Diagnostic, text: &str, needle: &str) -> Diagnostic {
    match text.find(needle) {
        Some(off) => d.at_offset(text, off).span(needle.chars().count()),
        None => d,
    }
}

/// A JavaScript-style `/source/flags` as a regular expression.
fn regex(pattern: &str) -> Option<Result<fancy_regex::Regex, fancy_regex::Error>> {
    let body = pattern.strip_prefix('/')?;
    let end = body.rfind('/')?;
    let (source, flags) = (&body[..end], &body[end + 1..]);
    if !flags.chars().all(|f| "gimsuy".contains(f)) {
        return None;
    }
    let inline: String = flags.chars().filter(|f| "ims".contains(*f)).collect();
    let full = if inline.is_empty() { source.to_owned() } else { format!("(?{inline}){source}") };
    Some(fancy_regex::Regex::new(&full))
}

fn matcher(pattern: &str, shown: &Path, text: &str) -> Result<Matcher, Diagnostic> {
    match regex(pattern) {
        None => Ok(Matcher::Literal(pattern.to_owned())),
        Some(Ok(re)) => Ok(Matcher::Regex(re)),
        Some(Err(e)) => Err(locate(
            Diagnostic::error(Some(shown.to_path_buf()), format!("the pattern `{pattern}` is not a valid regular expression")),
            text,
            pattern,
        )
        .hint(format!("{e}; patterns between slashes are regular expressions: escape `(`, `[` and `.` with `\\` to match them as text"))),
    }
}

/// Reads the rules of the prh file `path` (shown as `shown`), following `imports`.
pub(crate) fn load(path: &Path, shown: &Path) -> Result<Vec<Entry>, Diagnostic> {
    load_depth(path, shown, 0)
}

fn load_depth(path: &Path, shown: &Path, depth: usize) -> Result<Vec<Entry>, Diagnostic> {
    let text = crate::source::read_text(path, shown)?;
    let mut entries = Vec::new();
    let file: PrhFile = crate::yaml::parse(shown, &text, &text, 1)?;
    if let Some(imports) = &file.imports {
        let Some(list) = texts(imports) else {
            return Err(locate(
                Diagnostic::error(Some(shown.to_path_buf()), "`imports` must be a file name or a list of them"),
                &text,
                "imports",
            )
            .hint("e.g. `imports: [common.yml]`, relative to this file"));
        };
        if depth >= 4 {
            return Err(locate(
                Diagnostic::error(Some(shown.to_path_buf()), "prh files import each other too deeply"),
                &text,
                "imports",
            )
            .hint("an imported file imports the file that imports it, or the chain is longer than 4 files"));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let shown_dir = shown.parent().unwrap_or(Path::new(""));
        for name in list {
            entries.extend(load_depth(&dir.join(&name), &shown_dir.join(&name), depth + 1)?);
        }
    }
    entries.extend(parse_rules(file.rules, shown, &text)?);
    Ok(entries)
}

/// Parses prh text (for the built-in dictionary and tests).
pub(crate) fn parse(text: &str, shown: &Path) -> Result<Vec<Entry>, Diagnostic> {
    let file: PrhFile = crate::yaml::parse(shown, text, text, 1)?;
    parse_rules(file.rules, shown, text)
}

fn parse_rules(rules: Vec<PrhRule>, shown: &Path, text: &str) -> Result<Vec<Entry>, Diagnostic> {
    let mut entries = Vec::new();
    for rule in rules {
        let given: Vec<&Value> = rule.pattern.iter().chain(rule.patterns.iter()).collect();
        let mut patterns = Vec::new();
        for v in given {
            let Some(list) = texts(v) else {
                return Err(locate(
                    Diagnostic::error(
                        Some(shown.to_path_buf()),
                        format!("the pattern of `{}` must be text or a list of texts", rule.expected),
                    ),
                    text,
                    &rule.expected,
                )
                .hint("e.g. `pattern: ユーザ` or `pattern: [ユーザ, ﾕｰｻﾞ]`"));
            };
            patterns.extend(list);
        }
        if patterns.is_empty() {
            // prh's rule without a pattern: the expected text in any capitalisation.
            let re = fancy_regex::Regex::new(&format!("(?i){}", fancy_regex::escape(&rule.expected)));
            if let Ok(re) = re {
                entries.push(Entry { expected: rule.expected.clone(), matcher: Matcher::Regex(re) });
            }
            continue;
        }
        for p in patterns {
            entries.push(Entry { expected: rule.expected.clone(), matcher: matcher(&p, shown, text)? });
        }
    }
    Ok(entries)
}

/// The prh file of a site: `configured` (relative to the root), else `prh.yml` when it exists.
pub(crate) fn site_file(root: &Path, configured: Option<&Path>) -> Option<(PathBuf, PathBuf)> {
    match configured {
        Some(p) => Some((root.join(p), p.to_path_buf())),
        None => {
            let p = root.join("prh.yml");
            p.is_file().then(|| (p, PathBuf::from("prh.yml")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_lists_regexes_and_expected_only_rules() {
        let text = "version: 1\nrules:\n  - expected: ユーザー\n    pattern: ユーザ\n  - expected: サーバー\n    patterns: [サーバ, ｻｰﾊﾞ]\n  - expected: 問い合わせ$1\n    pattern: /問合せ(る)?/\n  - expected: JavaScript\n    specs: [{from: javascript, to: JavaScript}]\n";
        let e = parse(text, Path::new("prh.yml")).unwrap();
        assert_eq!(e.len(), 5);
        assert!(matches!(&e[0].matcher, Matcher::Literal(p) if p == "ユーザ"));
        assert!(matches!(e[3].matcher, Matcher::Regex(_)));
    }

    #[test]
    fn a_broken_regex_names_the_line() {
        let text = "rules:\n  - expected: x\n    pattern: /a(b/\n";
        let d = parse(text, Path::new("prh.yml")).unwrap_err();
        assert_eq!(d.line, 3);
        assert!(d.message.contains("/a(b/"), "{}", d.message);
        let d = parse("rules:\n  - expected: x\n    pattern: {a: 1}\n", Path::new("prh.yml")).unwrap_err();
        assert!(d.message.contains("must be text"), "{}", d.message);
    }
}
