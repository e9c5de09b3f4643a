//! Code highlighting at build time: `<span class="hl-…">` around each token, coloured by the
//! theme's CSS (light and dark follow its colour scheme), so readers run no JavaScript for it.
//!
//! Grammars are bat's Sublime syntaxes through `two-face` (syntect's own set lacks TOML and
//! TypeScript), matched by syntect's pure-Rust regex engine. Each line's spans are closed at
//! its end and opened again on the next line, so a line can be wrapped on its own (line
//! highlighting) and copying part of a block never copies half a tag.
//!
//! The same block (language, marked lines, code) is highlighted once per process: guides
//! repeat commands and snippets across pages, and `serve` renders a page again on every save.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex, OnceLock};

use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::web::escape::escape_into;

/// Class prefix of the token spans: the scope `keyword.control` gives `hl-keyword hl-control`.
const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlighted blocks kept at most; past it the cache starts over (a long `serve` session).
const CACHE_LIMIT: usize = 4096;

/// Lines to mark, 1-based (from `{2,4-5}` in the fence).
pub(crate) type Marked = [RangeInclusive<usize>];

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    // Loaded on the first block with a language: a site without code never pays for it.
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// The grammar for a fence's language (`rust`, `ts`, `yml`, `shell`...), or None when unknown
/// or plain text.
fn grammar(lang: &str) -> Option<&'static SyntaxReference> {
    let lower = lang.to_ascii_lowercase();
    let token = match lower.as_str() {
        "" | "text" | "txt" | "plain" | "plaintext" => return None,
        "shell" | "sh" | "zsh" | "console" | "shellsession" => "bash",
        "golang" => "go",
        "jsonc" | "json5" => "json",
        "javascript" | "mjs" | "cjs" => "js",
        "typescript" => "ts",
        "py" | "python3" => "python",
        "yml" => "yaml",
        "md" => "markdown",
        other => other,
    };
    let set = syntaxes();
    set.find_syntax_by_token(token).filter(|s| s.name != "Plain Text")
}

/// Whether `lang` names a language the highlighter knows.
pub(crate) fn knows(lang: &str) -> bool {
    grammar(lang).is_some()
}

/// The inside of `<code>` for a block: highlighted when the language is known, escaped text
/// otherwise; lines in `marked` wrapped in `<span class="hl-line">`.
pub(crate) fn code_html(lang: &str, code: &str, marked: &Marked) -> Arc<str> {
    type Cache = Mutex<HashMap<(String, String), Arc<str>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (format!("{lang}\u{0}{marked:?}"), code.to_string());
    if let Some(html) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Arc::clone(html);
    }
    let html: Arc<str> = Arc::from(render(lang, code, marked));
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= CACHE_LIMIT {
        map.clear();
    }
    map.insert(key, Arc::clone(&html));
    html
}

fn render(lang: &str, code: &str, marked: &Marked) -> String {
    let mut out = String::with_capacity(code.len() * 3);
    let mut tokens = grammar(lang).map(|g| (ParseState::new(g), ScopeStack::new()));
    for (n, line) in LinesWithEndings::from(code).enumerate() {
        let mark = marked.iter().any(|r| r.contains(&(n + 1)));
        if mark {
            out.push_str("<span class=\"hl-line\">");
        }
        let spans = tokens.as_mut().and_then(|(state, stack)| line_spans(line, state, stack));
        match spans {
            Some(html) => out.push_str(&html),
            None => {
                // Unknown language, or a grammar that failed on this line: the text as it is.
                tokens = None;
                escape_into(&mut out, line.trim_end_matches('\n'));
            }
        }
        if mark {
            out.push_str("</span>");
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// One line's tokens as spans, the scopes still open from earlier lines opened first and every
/// span closed at the end; the line's newline left out.
fn line_spans(line: &str, state: &mut ParseState, stack: &mut ScopeStack) -> Option<String> {
    let ops = state.parse_line(line, syntaxes()).ok()?;
    let mut html = String::with_capacity(line.len() * 4);
    for scope in stack.as_slice() {
        open_span(&mut html, *scope);
    }
    let (spans, _) = line_tokens_to_classed_spans(line, &ops, STYLE, stack).ok()?;
    // The newline is the one in the text (escaping adds none); it goes after the closed spans.
    match spans.rfind('\n') {
        Some(i) => {
            html.push_str(&spans[..i]);
            html.push_str(&spans[i + 1..]);
        }
        None => html.push_str(&spans),
    }
    for _ in stack.as_slice() {
        html.push_str("</span>");
    }
    Some(html)
}

fn open_span(html: &mut String, scope: Scope) {
    html.push_str("<span class=\"");
    for (i, atom) in scope.build_string().split('.').enumerate() {
        if i > 0 {
            html.push(' ');
        }
        html.push_str("hl-");
        html.push_str(atom);
    }
    html.push_str("\">");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text of the HTML with the tags taken out and entities decoded.
    fn text_of(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn every_listed_language_is_known() {
        for lang in [
            "rust",
            "js",
            "javascript",
            "ts",
            "typescript",
            "python",
            "py",
            "shell",
            "sh",
            "bash",
            "yaml",
            "yml",
            "toml",
            "json",
            "html",
            "css",
            "diff",
            "go",
            "java",
            "sql",
            "markdown",
            "md",
        ] {
            assert!(knows(lang), "{lang}");
        }
        assert!(!knows("text") && !knows("no-such-language") && !knows(""));
    }

    #[test]
    fn tokens_get_classes_and_the_text_is_kept() {
        let code = "fn main() {\n    let s = \"<&>\"; // 説明\n}\n";
        let html = code_html("rust", code, &[]);
        assert!(html.contains("<span class=\"hl-storage hl-type hl-function hl-rust\">fn</span>"), "{html}");
        assert!(html.contains("hl-comment"), "{html}");
        assert!(html.contains("&lt;&amp;&gt;"), "{html}");
        assert_eq!(text_of(&html), code);
    }

    #[test]
    fn every_line_closes_its_spans() {
        // A block comment spans lines: its span is closed and opened again.
        let html = code_html("rust", "/* 一\n二 */\nlet x = 1;\n", &[]);
        for line in html.lines() {
            assert_eq!(line.matches("<span").count(), line.matches("</span>").count(), "{line}");
        }
        assert!(html.lines().nth(1).unwrap().contains("hl-comment"), "{html}");
    }

    #[test]
    fn marked_lines_are_wrapped_in_known_and_unknown_languages() {
        for lang in ["python", "text"] {
            let html = code_html(lang, "a = 1\nb = 2\nc = 3\nd = 4\n", &[2..=2, 4..=4]);
            let marked: Vec<&str> = html.lines().filter(|l| l.starts_with("<span class=\"hl-line\">")).collect();
            assert_eq!(marked.len(), 2, "{html}");
            assert!(text_of(marked[0]) == "b = 2" && text_of(marked[1]) == "d = 4", "{html}");
        }
        assert_eq!(&*code_html("text", "<a>\n", &[]), "&lt;a&gt;\n");
    }
}
