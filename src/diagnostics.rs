//! One renderer for every user-facing error and warning.
//!
//! Every module reports problems as [`Diagnostic`]s: a file, a 1-based line and column, a message
//! and a hint. This module is the only place that turns them into text (for terminals, via
//! `annotate-snippets`, which aligns carets under full-width characters) or JSON (for editors).

use std::fmt;
use std::path::PathBuf;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How bad a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// A problem found in the user's site, with its location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in (as given, usually relative to the site root).
    pub file: Option<PathBuf>,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column in characters, 0 when unknown.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The code of the check that found it (proofreading rules: `kanji-run`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The text of the offending line, shown under the message.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Characters to underline from `column` (at least 1).
    #[serde(skip)]
    pub span_chars: usize,
}

impl Diagnostic {
    /// An error about the whole file (no line).
    pub fn error(file: impl Into<Option<PathBuf>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            code: None,
            source_line: None,
            span_chars: 1,
        }
    }

    /// A warning about the whole file (no line).
    pub fn warning(file: impl Into<Option<PathBuf>>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, message) }
    }

    /// Turns it into a warning.
    pub fn warn(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Points the diagnostic at `line`/`column` (1-based) of `text`, keeping the line for display.
    pub fn at(mut self, text: &str, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column.max(1);
        self.source_line = text.lines().nth(line.saturating_sub(1)).map(str::to_owned);
        self
    }

    /// Points the diagnostic at a byte offset of `text`.
    pub fn at_offset(self, text: &str, offset: usize) -> Self {
        let (line, column) = line_col(text, offset);
        self.at(text, line, column)
    }

    /// Underlines `n` characters starting at the column.
    pub fn span(mut self, n: usize) -> Self {
        self.span_chars = n.max(1);
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:column` as shown to people.
    pub fn location(&self) -> String {
        let mut s = self.file.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
        if self.line > 0 {
            s.push_str(&format!(":{}:{}", self.line, self.column.max(1)));
        }
        s
    }

    /// Renders for a terminal (`color`) or plain text.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = self.file.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
        let mut title = level.primary_title(self.message.as_str());
        if let Some(code) = &self.code {
            title = title.id(code.as_str());
        }
        let mut group = Group::with_title(title);
        match &self.source_line {
            Some(src) if self.line > 0 => {
                let start = char_to_byte(src, self.column.saturating_sub(1));
                let end = char_to_byte(src, self.column.saturating_sub(1) + self.span_chars);
                let end = end.max(start);
                group = group.element(
                    Snippet::source(src.as_str())
                        .line_start(self.line)
                        .path(path)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                );
            }
            _ if !path.is_empty() => {
                group = group.element(annotate_snippets::Origin::path(self.location()));
            }
            _ => {}
        }
        let mut report: Vec<Group> = vec![group];
        if let Some(h) = &self.hint {
            report.push(Group::with_title(Level::HELP.secondary_title(h.as_str())));
        }
        renderer.render(&report)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location();
        if loc.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", loc, self.message)
        }
    }
}

/// All the diagnostics of one build, errors first-class.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    /// True when at least one is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }
    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Error).count()
    }
    /// Sorts by file, line, column so output is deterministic.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message)));
        self.0.dedup();
    }
    /// Renders all of them for a terminal.
    pub fn render(&self, color: bool) -> String {
        self.0.iter().map(|d| d.render(color)).collect::<Vec<_>>().join("\n\n")
    }
    /// JSON for editors and CI annotations.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.0).unwrap_or_else(|_| "[]".into())
    }

    /// GitHub Actions workflow commands: one `::warning file=…,line=…,col=…::message` line each,
    /// shown as annotations on the pull request.
    pub fn to_github(&self) -> String {
        // Workflow-command escaping: `%`, CR and LF everywhere; `:` and `,` in properties too.
        let data = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
        let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
        let mut out = String::new();
        for d in &self.0 {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut props = Vec::new();
            if let Some(f) = &d.file {
                props.push(format!("file={}", prop(&f.to_string_lossy().replace('\\', "/"))));
            }
            if d.line > 0 {
                props.push(format!("line={},col={}", d.line, d.column.max(1)));
            }
            if let Some(code) = &d.code {
                props.push(format!("title={}", prop(code)));
            }
            let mut msg = d.message.clone();
            if let Some(h) = &d.hint {
                msg = format!("{msg}\nhelp: {h}");
            }
            out.push_str(&format!("::{level} {}::{}\n", props.join(","), data(&msg)));
        }
        out
    }

    /// reviewdog's Diagnostic Format (rdjson). Columns are 1-based UTF-8 byte counts there.
    pub fn to_rdjson(&self) -> String {
        let diagnostics: Vec<serde_json::Value> = self
            .0
            .iter()
            .map(|d| {
                let col =
                    d.source_line.as_deref().map_or(d.column, |l| char_to_byte(l, d.column.saturating_sub(1)) + 1);
                let end = d
                    .source_line
                    .as_deref()
                    .map_or(col, |l| char_to_byte(l, d.column.saturating_sub(1) + d.span_chars) + 1);
                let mut v = serde_json::json!({
                    "message": d.message,
                    "severity": match d.severity { Severity::Error => "ERROR", Severity::Warning => "WARNING" },
                    "location": { "path": d.file.as_ref().map(|f| f.to_string_lossy().replace('\\', "/")) }
                });
                if d.line > 0 {
                    v["location"]["range"] = serde_json::json!({
                        "start": { "line": d.line, "column": col },
                        "end": { "line": d.line, "column": end }
                    });
                }
                if let Some(c) = &d.code {
                    v["code"] = serde_json::json!({ "value": c });
                }
                v
            })
            .collect();
        let doc = serde_json::json!({ "source": { "name": "tebiki" }, "diagnostics": diagnostics });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// Whether messages on standard error get colour: a terminal, and `NO_COLOR` unset or empty.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

/// Levenshtein distance over characters, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidates closest to `wanted`, best first, at most `n`, only reasonably close ones.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let limit = (wanted.chars().count() / 2).max(3);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(wanted, c), c))
        .filter(|(d, c)| *d <= limit || c.contains(wanted) || wanted.contains(c))
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "一行目\n二行目のリンク";
        let off = text.find("リンク").unwrap();
        assert_eq!(line_col(text, off), (2, 5));
    }

    #[test]
    fn rendered_error_shows_location_line_and_hint() {
        let text = "title: x\ntitel: y\n";
        let d = Diagnostic::error(Some(PathBuf::from("site.yaml")), "unknown key `titel`")
            .at(text, 2, 1)
            .span(5)
            .hint("did you mean `title`?");
        let out = d.render(false);
        assert!(out.contains("site.yaml:2:1"), "{out}");
        assert!(out.contains("titel: y"), "{out}");
        assert!(out.contains("^^^^^"), "{out}");
        assert!(out.contains("did you mean `title`?"), "{out}");
    }

    #[test]
    fn github_and_rdjson_formats_escape_and_locate() {
        let text = "一行目\nＡＢＣ, 50%\n";
        let mut d = Diagnostic::warning(Some(PathBuf::from("content/a,b.md")), "full-width `ＡＢＣ`\nnext")
            .at_offset(text, text.find("ＡＢＣ").unwrap())
            .span(3)
            .hint("write `ABC`");
        d.code = Some("fullwidth-ascii".into());
        let all = Diagnostics(vec![d]);
        assert_eq!(
            all.to_github(),
            "::warning file=content/a%2Cb.md,line=2,col=1,title=fullwidth-ascii::full-width `ＡＢＣ`%0Anext%0Ahelp: write `ABC`\n"
        );
        let rd: serde_json::Value = serde_json::from_str(&all.to_rdjson()).unwrap();
        let first = &rd["diagnostics"][0];
        assert_eq!(first["code"]["value"], "fullwidth-ascii");
        assert_eq!(first["location"]["range"]["start"]["column"], 1);
        assert_eq!(first["location"]["range"]["end"]["column"], 10);
    }

    #[test]
    fn closest_suggests_near_names_only() {
        assert_eq!(closest("titel", ["title", "theme", "author"], 2), vec!["title"]);
        assert!(closest("zzzzzzzz", ["title"], 2).is_empty());
    }
}
