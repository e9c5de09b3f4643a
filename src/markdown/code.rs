//! Code blocks: the fence's info string (language, file name, marked lines) and the block's HTML.
//!
//! Writers bring three ways of naming a file from Zenn, Qiita and other generators:
//! `rust:src/main.rs`, `js title="app.js"` and `js [app.js]`. The language is what comes
//! before the first colon, so a file name may hold colons; it never reaches the language class.
//! `{2,4-5}` after the language marks lines.

use std::ops::RangeInclusive;

use pulldown_cmark::{CodeBlockKind, CowStr, Event};

use super::{attr_value, collect_text, highlight, Ev, Renderer};
use crate::web::escape::escape;

impl<'a> Renderer<'_, '_, 'a> {
    /// A code block, taken whole: highlighted, with its file name. Returns the next index.
    pub(super) fn code_block(&mut self, events: &[Ev<'a>], i: usize, kind: &CodeBlockKind) -> usize {
        let (text, end) = collect_text(events, i);
        let info = match kind {
            CodeBlockKind::Fenced(info) => parse_info(info),
            CodeBlockKind::Indented => FenceInfo::default(),
        };
        if let Some(bad) = &info.bad_lines {
            let d = self
                .diag_at(events[i].1.clone(), format!("the lines to highlight, `{bad}`, are not line numbers"))
                .hint("list line numbers and ranges, e.g. ```rust {2,4-5}");
            self.res.diagnostics.push(d.warn());
        }
        // Code counts for reading time and search, as it did as text.
        self.note_text(&text);
        self.emit(Event::Html(CowStr::from(block_html(&info, &text))));
        end + 1
    }
}

/// What a fence's info string says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FenceInfo {
    /// The language (`rust`), possibly empty.
    pub lang: String,
    /// The file name shown above the block.
    pub file: Option<String>,
    /// Lines to mark, 1-based.
    pub marked: Vec<RangeInclusive<usize>>,
    /// The `{…}` text when it could not be read as line numbers.
    pub bad_lines: Option<String>,
}

/// Reads an info string: `rust:src/main.rs {2,4-5}`, `js title="app.js"`, `ts [app.ts]`.
pub(crate) fn parse_info(info: &str) -> FenceInfo {
    let info = info.trim();
    let first = info.split_whitespace().next().unwrap_or("");
    let mut out = FenceInfo::default();
    if !(first.starts_with('{') || first.starts_with('[') || first.contains('=')) {
        let (lang, file) = first.split_once(':').unwrap_or((first, ""));
        // `rust{2}`: the braces may follow the language without a space.
        let lang = lang.split('{').next().unwrap_or("");
        out.lang = lang.to_string();
        out.file = (!file.is_empty()).then(|| file.split('{').next().unwrap_or(file).to_string());
    }
    if let Some(title) = attr_value(info, "title").filter(|t| !t.is_empty()) {
        out.file = Some(title);
    } else if let Some(name) = between(info, '[', ']').filter(|n| !n.trim().is_empty()) {
        out.file = Some(name.trim().to_string());
    }
    // Quoted titles may hold braces; look for line numbers outside them.
    let unquoted = match info.find("title=\"") {
        Some(i) => &info[..i],
        None => info,
    };
    if let Some(spec) = between(unquoted, '{', '}') {
        match parse_lines(spec) {
            Some(r) => out.marked = r,
            None => out.bad_lines = Some(format!("{{{spec}}}")),
        }
    }
    out
}

fn between(s: &str, open: char, close: char) -> Option<&str> {
    let start = s.find(open)? + open.len_utf8();
    let len = s[start..].find(close)?;
    Some(&s[start..start + len])
}

/// `2,4-5` → [2..=2, 4..=5]; None when anything is not a line number or a range of them.
fn parse_lines(spec: &str) -> Option<Vec<RangeInclusive<usize>>> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let (a, b): (usize, usize) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        if a == 0 || b < a {
            return None;
        }
        out.push(a..=b);
    }
    (!out.is_empty()).then_some(out)
}

/// The HTML of a code block (the theme's script adds its copy button).
pub(crate) fn block_html(info: &FenceInfo, code: &str) -> String {
    let lang = info.lang.as_str();
    let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape(lang)) };
    let inner = highlight::code_html(lang, code, &info.marked);
    let highlighted = if highlight::knows(lang) { " highlighted" } else { "" };
    let mut html = String::with_capacity(inner.len() + 160);
    html.push_str(&format!("<div class=\"code-block{highlighted}\">"));
    if let Some(file) = &info.file {
        html.push_str(&format!(
            "<div class=\"code-file\"><span class=\"visually-hidden\">ファイル名：</span>{}</div>",
            escape(file)
        ));
    }
    html.push_str(&format!("<pre><code{class}>"));
    html.push_str(&inner);
    html.push_str("</code></pre></div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(lang: &str, file: Option<&str>, marked: Vec<RangeInclusive<usize>>) -> FenceInfo {
        FenceInfo { lang: lang.into(), file: file.map(Into::into), marked, bad_lines: None }
    }

    #[test]
    fn file_names_in_three_forms() {
        assert_eq!(parse_info("rust:src/main.rs"), info("rust", Some("src/main.rs"), vec![]));
        assert_eq!(parse_info("js title=\"app.js\""), info("js", Some("app.js"), vec![]));
        assert_eq!(parse_info("ts [src/app.ts]"), info("ts", Some("src/app.ts"), vec![]));
        assert_eq!(parse_info("python"), info("python", None, vec![]));
    }

    #[test]
    fn the_language_is_what_comes_before_the_first_colon() {
        assert_eq!(parse_info("yaml:config/a:b.yml"), info("yaml", Some("config/a:b.yml"), vec![]));
        assert_eq!(parse_info("sh:C:\\tools\\run.sh"), info("sh", Some("C:\\tools\\run.sh"), vec![]));
        assert_eq!(parse_info(":only-a-file.txt"), info("", Some("only-a-file.txt"), vec![]));
    }

    #[test]
    fn marked_lines_with_and_without_a_file() {
        assert_eq!(parse_info("rust {2,4-5}"), info("rust", None, vec![2..=2, 4..=5]));
        assert_eq!(parse_info("rust:main.rs {3}"), info("rust", Some("main.rs"), vec![3..=3]));
        assert_eq!(parse_info("js{1} title=\"a {b}.js\""), info("js", Some("a {b}.js"), vec![1..=1]));
        let bad = parse_info("rust {2-x}");
        assert_eq!((bad.marked.len(), bad.bad_lines.as_deref()), (0, Some("{2-x}")));
        assert_eq!(parse_info("rust {5-2}").bad_lines.as_deref(), Some("{5-2}"));
    }

    #[test]
    fn the_block_names_its_file_and_keeps_the_language_class_clean() {
        let html = block_html(&parse_info("rust:src/main.rs"), "fn main() {}\n");
        assert!(html.contains("<div class=\"code-file\">"), "{html}");
        assert!(html.contains("src/main.rs</div><pre><code class=\"language-rust\">"), "{html}");
        let plain = block_html(&parse_info(""), "<b>\n");
        assert_eq!(plain, "<div class=\"code-block\"><pre><code>&lt;b&gt;\n</code></pre></div>\n");
    }
}
