//! One renderer for every user-facing error and warning.
//!
//! Every module reports problems as [`Diagnostic`]s: a file, a 1-based line and column, a message
//! and a hint. This module is the only place that turns them into text (for terminals, via
//! `annotate-snippets`, which aligns carets under full-width characters) or JSON (for editors).

use std::fmt;
use std::path::PathBuf;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::lang::{self, Lang, Msg};

/// The codes of every warning, the kinds `warnings:` in `site.yaml` can turn off.
pub const WARNING_CODES: &[&str] = &[
    "orphan",
    "heading-level-skipped",
    "unpaired-emphasis",
    "missing-alt-text",
    "duplicate-footnote",
    "symlink-skipped",
];

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
    /// What kind of problem, in kebab-case (`link-not-found`): stable, for tools and for
    /// `warnings:` in `site.yaml`; listed in `docs/commands.md`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in (as given, usually relative to the site root).
    pub file: Option<PathBuf>,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column in characters, 0 when unknown.
    pub column: usize,
    /// What is wrong, in English (JSON carries this one).
    pub message: String,
    /// How to fix it, in English.
    pub hint: Option<String>,
    /// What is wrong, in Japanese, when written.
    #[serde(skip)]
    pub message_ja: Option<String>,
    /// How to fix it, in Japanese, when written.
    #[serde(skip)]
    pub hint_ja: Option<String>,
    /// The text of the offending line, shown under the message.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Characters to underline from `column` (at least 1).
    #[serde(skip)]
    pub span_chars: usize,
}

impl Diagnostic {
    /// An error about the whole file (no line). `message` is a [`Msg`]: `tr(en, ja)` for both
    /// languages, or a plain string for English only.
    pub fn error(file: impl Into<Option<PathBuf>>, message: impl Into<Msg>) -> Self {
        let message = message.into();
        Diagnostic {
            code: "error",
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.en,
            hint: None,
            message_ja: message.ja,
            hint_ja: None,
            source_line: None,
            span_chars: 1,
        }
    }

    /// A warning about the whole file (no line).
    pub fn warning(file: impl Into<Option<PathBuf>>, message: impl Into<Msg>) -> Self {
        Diagnostic { severity: Severity::Warning, code: "warning", ..Diagnostic::error(file, message) }
    }

    /// Names the kind of problem (kebab-case, stable once released).
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// The message in `lang` (English when it has no translation).
    pub fn message_in(&self, lang: Lang) -> &str {
        match (lang, &self.message_ja) {
            (Lang::Ja, Some(m)) => m,
            _ => &self.message,
        }
    }

    /// The hint in `lang` (English when it has no translation).
    pub fn hint_in(&self, lang: Lang) -> Option<&str> {
        match (lang, &self.hint_ja) {
            (Lang::Ja, Some(h)) => Some(h),
            _ => self.hint.as_deref(),
        }
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

    /// [`Diagnostic::at_offset`] for one of many diagnostics of a text, through its `lines`.
    pub fn at_offset_in(mut self, lines: &Lines<'_>, offset: usize) -> Self {
        let (line, column) = lines.line_col(offset);
        self.line = line;
        self.column = column;
        self.source_line = lines.line(line).map(str::to_owned);
        self
    }

    /// Underlines `n` characters starting at the column.
    pub fn span(mut self, n: usize) -> Self {
        self.span_chars = n.max(1);
        self
    }

    /// Adds a hint (a [`Msg`], like the message).
    pub fn hint(mut self, hint: impl Into<Msg>) -> Self {
        let hint = hint.into();
        self.hint = Some(hint.en);
        self.hint_ja = hint.ja;
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

    /// Renders for a terminal (`color`) or plain text, in the process's language.
    pub fn render(&self, color: bool) -> String {
        self.render_in(lang::current(), color)
    }

    /// Renders in `lang`.
    pub fn render_in(&self, lang: Lang, color: bool) -> String {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let level = level_of(self.severity, lang);
        let path = self.file.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
        let mut title = level.primary_title(self.message_in(lang));
        // Proofreading findings name their rule, as `tebiki check` documents them.
        if crate::proofread::RULES.iter().any(|r| r.code == self.code) {
            title = title.id(self.code);
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
        if let Some(h) = self.hint_in(lang) {
            report.push(Group::with_title(help_level(lang).secondary_title(h)));
        }
        renderer.render(&report)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location();
        if loc.is_empty() {
            write!(f, "{}", self.message_in(lang::current()))
        } else {
            write!(f, "{}: {}", loc, self.message_in(lang::current()))
        }
    }
}

/// The label of a severity (`error:`, `エラー:`).
fn level_of(severity: Severity, lang: Lang) -> Level<'static> {
    match (severity, lang) {
        (Severity::Error, Lang::En) => Level::ERROR,
        (Severity::Error, Lang::Ja) => Level::ERROR.with_name("エラー"),
        (Severity::Warning, Lang::En) => Level::WARNING,
        (Severity::Warning, Lang::Ja) => Level::WARNING.with_name("警告"),
    }
}

/// The label of a hint (`help:`, `ヒント:`).
fn help_level(lang: Lang) -> Level<'static> {
    match lang {
        Lang::En => Level::HELP,
        Lang::Ja => Level::HELP.with_name("ヒント"),
    }
}

/// Beyond this many warnings of one kind, `build` and `serve` print one line for the kind, and
/// `tebiki check` lists them: a screenful of one warning hides everything else.
pub const SHOWN_PER_KIND: usize = 20;

/// The `site.yaml` setting that turns a kind of warning off, for summary lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OffSwitch {
    /// `warnings: { code: false }`: link, orphan and other build warnings.
    Warnings,
    /// `proofread: { rules: { code: false } }`: proofreading rules.
    Proofread,
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
    /// Renders for a terminal like [`Diagnostics::render`], except that a kind with more than
    /// `SHOWN_PER_KIND` warnings becomes one summary line (errors are always all shown).
    pub fn render_brief(&self, color: bool) -> String {
        self.render_summarised(color, OffSwitch::Warnings)
    }

    /// [`Diagnostics::render_brief`], whose summary lines say how to turn a kind off with `off`.
    pub(crate) fn render_summarised(&self, color: bool, off: OffSwitch) -> String {
        let lang = lang::current();
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for d in self.0.iter().filter(|d| d.severity == Severity::Warning) {
            *counts.entry(d.code).or_default() += 1;
        }
        let many = |d: &Diagnostic| d.severity == Severity::Warning && counts[d.code] > SHOWN_PER_KIND;
        let mut parts: Vec<String> = self.0.iter().filter(|d| !many(d)).map(|d| d.render_in(lang, color)).collect();
        for (code, n) in counts.into_iter().filter(|(_, n)| *n > SHOWN_PER_KIND) {
            parts.push(summary(code, n, off, lang, color));
        }
        parts.join("\n\n")
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
            props.push(format!("title={}", prop(d.code)));
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
                v["code"] = serde_json::json!({ "value": d.code });
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

/// The one line that stands for `n` warnings of kind `code`.
fn summary(code: &str, n: usize, off: OffSwitch, lang: Lang, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let setting = match off {
        OffSwitch::Warnings => format!("warnings: {{ {code}: false }}"),
        OffSwitch::Proofread => format!("proofread: {{ rules: {{ {code}: false }} }}"),
    };
    let (title, help) = match lang {
        Lang::En => (
            format!("{n} `{code}` warnings, not listed here"),
            format!("run `tebiki check` to list them all, or turn the kind off with `{setting}` in site.yaml"),
        ),
        Lang::Ja => (
            format!("`{code}` の警告が {n} 件あります（ここでは一覧しません）"),
            format!("すべて見るには `tebiki check` を実行してください。不要なら site.yaml に `{setting}` と書くと出なくなります"),
        ),
    };
    let title = level_of(Severity::Warning, lang).primary_title(title);
    renderer.render(&[Group::with_title(title), Group::with_title(help_level(lang).secondary_title(help))])
}

/// Whether messages on standard error get colour: a terminal, and `NO_COLOR` unset or empty.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = char_floor(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, column_of(text, line_start, offset))
}

/// `offset`, or the start of the character it falls in, at most the end of `text`.
fn char_floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The 1-based character column of `offset` (a character boundary) on the line starting at
/// byte `line_start`.
fn column_of(text: &str, line_start: usize, offset: usize) -> usize {
    text[line_start..offset].chars().count() + 1
}

/// Where the lines of a text start, found once: the lines and columns of many offsets in one
/// file (a page's proofreading findings) without reading the file from its start for each.
pub struct Lines<'t> {
    text: &'t str,
    /// The byte where each line starts, the first at 0.
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    /// Indexes the lines of `text`.
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)).collect();
        Lines { text, starts }
    }

    /// [`line_col`] of `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = char_floor(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset);
        (line, column_of(self.text, self.starts[line - 1], offset))
    }

    /// The text of 1-based line `line` without its line ending, as [`str::lines`] gives it.
    pub fn line(&self, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        // `str::lines` gives no line after a final line break.
        if start == self.text.len() {
            return None;
        }
        let text = &self.text[start..];
        Some(match text.find('\n') {
            Some(end) => text[..end].strip_suffix('\r').unwrap_or(&text[..end]),
            None => text,
        })
    }
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
    use crate::lang::tr;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "一行目\n二行目のリンク";
        let off = text.find("リンク").unwrap();
        assert_eq!(line_col(text, off), (2, 5));
    }

    #[test]
    fn the_line_index_agrees_with_line_col_and_lines() {
        for text in ["", "\n", "一行目\r\n二行目のリンク\n\n四\r", "a\nb\n", "é\nü"] {
            let lines = Lines::new(text);
            for offset in 0..=text.len() + 1 {
                let (line, column) = line_col(text, offset);
                assert_eq!(lines.line_col(offset), (line, column), "{text:?} {offset}");
                let d = Diagnostic::warning(None, "x");
                assert_eq!(d.clone().at_offset_in(&lines, offset), d.at_offset(text, offset), "{text:?} {offset}");
            }
        }
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
    fn many_warnings_of_one_kind_become_one_line_and_errors_never_do() {
        let mut all = Diagnostics::default();
        for i in 0..=SHOWN_PER_KIND {
            all.push(Diagnostic::warning(Some(PathBuf::from(format!("p{i}.md"))), "lonely").code("orphan"));
            all.push(Diagnostic::error(Some(PathBuf::from(format!("e{i}.md"))), "broken").code("link-not-found"));
        }
        all.push(Diagnostic::warning(Some(PathBuf::from("h.md")), "skipped").code("heading-level-skipped"));
        let out = all.render_brief(false);
        assert!(!out.contains("lonely"), "{out}");
        assert!(out.contains(&format!("{} `orphan` warnings", SHOWN_PER_KIND + 1)), "{out}");
        assert!(out.contains("tebiki check"), "{out}");
        assert_eq!(out.matches("broken").count(), SHOWN_PER_KIND + 1);
        assert!(out.contains("skipped"));
        all.0.truncate(2 * SHOWN_PER_KIND);
        assert_eq!(all.render_brief(false).matches("lonely").count(), SHOWN_PER_KIND);
    }

    #[test]
    fn japanese_rendering_uses_the_japanese_text_and_labels() {
        let d = Diagnostic::error(Some(PathBuf::from("a.md")), tr("not found", "見つかりません"))
            .hint(tr("fix it", "直してください"));
        let out = d.render_in(Lang::Ja, false);
        assert!(out.contains("エラー: 見つかりません"), "{out}");
        assert!(out.contains("ヒント: 直してください"), "{out}");
        let out = d.render_in(Lang::En, false);
        assert!(out.contains("error: not found") && out.contains("help: fix it"), "{out}");
        let json = Diagnostics::from(d.code("link-not-found")).to_json();
        assert!(json.contains("\"code\": \"link-not-found\"") && json.contains("\"message\": \"not found\""), "{json}");
        assert!(!json.contains("見つかりません"), "{json}");
    }

    #[test]
    fn github_and_rdjson_formats_escape_and_locate() {
        let text = "一行目\nＡＢＣ, 50%\n";
        let mut d = Diagnostic::warning(Some(PathBuf::from("content/a,b.md")), "full-width `ＡＢＣ`\nnext")
            .at_offset(text, text.find("ＡＢＣ").unwrap())
            .span(3)
            .hint("write `ABC`");
        d.code = "fullwidth-ascii";
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
