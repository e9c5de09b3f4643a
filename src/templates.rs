//! Themes: the default theme embedded in the binary, a site's `themes/<name>/` overriding it file
//! by file, Tera set up once per build, and static assets named by content hash.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use tera::{ErrorKind, Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::tr;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a theme file came from, for error messages.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Contents.
    pub bytes: Vec<u8>,
    /// Path shown in diagnostics.
    pub shown: PathBuf,
}

/// A loaded theme: compiled templates and hashed static assets.
pub struct Theme {
    /// Compiled templates.
    pub tera: Tera,
    /// Template sources, by template name, for locating render errors.
    pub sources: HashMap<String, (PathBuf, String)>,
    /// Static files: (output path under the output folder, bytes).
    pub assets: Vec<(String, Vec<u8>)>,
    /// Static file name → URL (with base path and hash).
    pub asset_urls: BTreeMap<String, String>,
    /// Changes whenever any theme file changes (for incremental rebuilds).
    pub fingerprint: u64,
}

/// Collects the theme's files: embedded defaults, then the site's theme folder on top.
pub fn theme_files(root: &Path, name: &str) -> Result<BTreeMap<String, ThemeFile>, Diagnostic> {
    let mut files: BTreeMap<String, ThemeFile> = DEFAULT_THEME
        .iter()
        .map(|(p, b)| {
            (p.to_string(), ThemeFile { bytes: b.to_vec(), shown: PathBuf::from(format!("<built-in theme>/{p}")) })
        })
        .collect();
    let dir = root.join("themes").join(name);
    if !dir.is_dir() {
        if name == "default" {
            return Ok(files);
        }
        let available: Vec<String> = std::fs::read_dir(root.join("themes"))
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let hint = if available.is_empty() {
            tr(
                "remove `theme:` to use the built-in default theme, or create themes/<name>/",
                "組み込みの default テーマを使うには `theme:` の行を消してください。または themes/<名前>/ を作ります",
            )
        } else {
            let list = available.join(", ");
            tr(
                format!("available themes: default (built in), {list}"),
                format!("使えるテーマ：default（組み込み）、{list}"),
            )
        };
        return Err(Diagnostic::error(
            Some(PathBuf::from("site.yaml")),
            tr(format!("theme `{name}` not found in themes/"), format!("テーマ `{name}` が themes/ にありません")),
        )
        .code("theme-not-found")
        .hint(hint));
    }
    for entry in walkdir::WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let name_str = entry.file_name().to_string_lossy();
        if crate::source::is_ignored_name(&name_str) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&dir) else { continue };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let shown = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
        let bytes = std::fs::read(entry.path()).map_err(|e| {
            Diagnostic::error(
                Some(shown.clone()),
                tr(format!("cannot read theme file: {e}"), format!("テーマのファイルを読めません：{e}")),
            )
            .code("cannot-read")
        })?;
        files.insert(rel, ThemeFile { bytes, shown });
    }
    Ok(files)
}

/// Loads and compiles a theme; `base_path` prefixes asset URLs.
pub fn load_theme(root: &Path, name: &str, base_path: &str) -> Result<Theme, Diagnostics> {
    let files = theme_files(root, name)?;
    let fingerprint = files.iter().fold(fnv1a(base_path.as_bytes()), |h, (p, f)| {
        h.rotate_left(5) ^ fnv1a(p.as_bytes()) ^ fnv1a(&f.bytes).rotate_left(17)
    });
    let mut sources = HashMap::new();
    let mut errors = Diagnostics::default();
    let mut templates: Vec<(String, String)> = Vec::new();
    let mut assets = Vec::new();
    let mut asset_urls = BTreeMap::new();
    for (rel, f) in &files {
        if let Some(tpl) = rel.strip_prefix("templates/") {
            match crate::source::decode_text(f.bytes.clone(), &f.shown) {
                Ok(text) => {
                    sources.insert(tpl.to_string(), (f.shown.clone(), text.clone()));
                    templates.push((tpl.to_string(), text));
                }
                Err(d) => errors.push(d),
            }
        } else if let Some(name) = rel.strip_prefix("static/") {
            let hashed = hashed_name(name, &f.bytes);
            asset_urls.insert(name.to_string(), format!("{base_path}assets/{hashed}"));
            assets.push((format!("assets/{hashed}"), f.bytes.clone()));
        }
    }
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.register_filter("safe", safe);
    tera.register_filter("phrases", phrases);
    tera.register_filter("japanese_date", japanese_date);
    if let Err(e) = tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        errors.push(tera_diagnostic(&e, &sources));
        return Err(errors);
    }
    for required in ["page.html", "index.html", "404.html"] {
        if !tera.contains_template(required) {
            errors.push(
                Diagnostic::error(
                    Some(PathBuf::from(format!("themes/{name}/templates/{required}"))),
                    tr("required template is missing", "必要なテンプレートがありません"),
                )
                .code("template-missing")
                .hint(tr(
                    "every theme needs page.html, index.html and 404.html (the built-in theme has them)",
                    "テーマには page.html、index.html、404.html が必要です（組み込みのテーマにはあります）",
                )),
            );
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(Theme { tera, sources, assets, asset_urls, fingerprint })
}

/// Tera's `safe`, without copying a string it marks: Tera's own makes a new copy, and
/// `{{ page.content | safe }}` is a page's whole article. Anything
/// else is printed to a string and marked, as Tera's does.
fn safe(value: Value, _: Kwargs, _: &State) -> Value {
    if value.is_string() {
        value.mark_safe()
    } else {
        Value::safe_string(&value.to_string())
    }
}

/// `{{ page.title | phrases }}`: plain text as HTML with `<wbr>` between its phrases (see
/// [`crate::text::phrase`]), marked safe. A value already marked safe is HTML and is left as it
/// is, so nothing is escaped twice.
fn phrases(value: Value, _: Kwargs, _: &State) -> Value {
    match value.as_str() {
        Some(text) if !value.is_safe() => Value::safe_string(&crate::text::phrase::phrases_html(text)),
        _ => value,
    }
}

/// `{{ date | japanese_date(style=site.date_style) }}`: `YYYY-MM-DD` as 2026年11月24日, or
/// 令和8年11月24日 with `style="wareki"`. Anything else is printed as it is.
fn japanese_date(value: &str, kwargs: Kwargs, _: &State) -> String {
    let style = match kwargs.get::<&str>("style") {
        Ok(Some("wareki")) => crate::dates::DateStyle::Wareki,
        _ => crate::dates::DateStyle::Western,
    };
    crate::dates::japanese_date(value, style).unwrap_or_else(|| value.to_string())
}

/// `style.css` → `style.1a2b3c4d5e.css`.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let h = format!("{:016x}", fnv1a(bytes));
    let h = &h[..10];
    match name.rfind('.') {
        Some(i) if !name[..i].ends_with('/') && i > 0 => format!("{}.{h}{}", &name[..i], &name[i..]),
        _ => format!("{name}.{h}"),
    }
}

/// FNV-1a: a fast, stable content hash for cache-busting names (not for security).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Turns a Tera error into a located diagnostic (template file, line, column).
pub fn tera_diagnostic(e: &tera::Error, sources: &HashMap<String, (PathBuf, String)>) -> Diagnostic {
    let report = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    if let Some(r) = report {
        let (shown, text) =
            sources.get(r.filename()).cloned().unwrap_or_else(|| (PathBuf::from(r.filename()), String::new()));
        let span = r.span();
        let mut d = Diagnostic::error(
            Some(shown),
            tr(format!("template error: {}", r.message()), format!("テンプレートのエラー：{}", r.message())),
        )
        .code("template-error");
        if !text.is_empty() && span.start_line > 0 {
            let len = if span.end_line == span.start_line { span.end_col.saturating_sub(span.start_col) } else { 1 };
            // Tera columns count bytes from 0; ours count characters from 1.
            let line_text = text.lines().nth(span.start_line - 1).unwrap_or("");
            let col = line_text.get(..span.start_col).map_or(span.start_col, |s| s.chars().count()) + 1;
            let len_chars = line_text.get(span.start_col..span.start_col + len).map_or(len, |s| s.chars().count());
            d = d.at(&text, span.start_line, col).span(len_chars);
        }
        let hint = if r.message().contains("not found in context") || r.message().contains("undefined") {
            tr(
                "the variable does not exist here; see docs/themes.md for the variables each template receives",
                "この変数はここでは使えません。各テンプレートで使える変数は docs/themes.md を見てください",
            )
        } else {
            tr(
                "see the Tera 2 documentation for the template syntax",
                "テンプレートの書き方は Tera 2 の説明書を見てください",
            )
        };
        return d.hint(hint);
    }
    let msg = match e.kind() {
        ErrorKind::CircularInclude { tpl, include_chain } => {
            format!("template `{tpl}` includes itself: {}", include_chain.join(" → "))
        }
        ErrorKind::CircularExtend { tpl, inheritance_chain } => {
            format!("template `{tpl}` extends itself: {}", inheritance_chain.join(" → "))
        }
        ErrorKind::MissingParent { current, parent } => {
            format!("template `{current}` extends `{parent}`, which does not exist")
        }
        ErrorKind::TemplateNotFound(t) => format!("template `{t}` not found"),
        _ => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(inner) = src {
                s.push_str(&format!(": {inner}"));
                src = inner.source();
            }
            s
        }
    };
    let file = match e.kind() {
        ErrorKind::CircularInclude { tpl, .. } | ErrorKind::CircularExtend { tpl, .. } => {
            sources.get(tpl).map(|(p, _)| p.clone())
        }
        ErrorKind::MissingParent { current, .. } => sources.get(current).map(|(p, _)| p.clone()),
        _ => None,
    };
    Diagnostic::error(file, msg)
        .code("template-error")
        .hint(tr("check the theme's templates", "テーマのテンプレートを確かめてください"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_prints_what_teras_own_safe_prints() {
        let template =
            "{{ s | safe }}|{{ s }}|{{ n | safe }}|{{ list | safe }}|{{ map | safe }}|{{ s | safe | upper }}";
        let mut ctx = tera::Context::new();
        ctx.insert("s", "<b>見出し</b> & \"引用\"");
        ctx.insert("n", &5);
        ctx.insert("list", &[1, 2]);
        ctx.insert("map", &std::collections::BTreeMap::from([("k", "<v>")]));
        let render = |ours: bool| {
            let mut tera = Tera::new();
            tera.autoescape_on(vec![".html"]);
            if ours {
                tera.register_filter("safe", safe);
            }
            tera.add_raw_template("t.html", template).expect("template parses");
            tera.render("t.html", &ctx).expect("template renders")
        };
        let ours = render(true);
        assert_eq!(ours, render(false));
        assert!(ours.starts_with("<b>見出し</b> & \"引用\"|&lt;b&gt;"), "{ours}");
    }

    #[test]
    fn embedded_theme_matches_the_theme_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = DEFAULT_THEME.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(embedded, on_disk);
        assert!(embedded.iter().any(|p| p == "templates/page.html"));
    }

    #[test]
    fn asset_names_carry_a_content_hash() {
        let a = hashed_name("style.css", b"body{}");
        let b = hashed_name("style.css", b"body{color:red}");
        assert!(a.starts_with("style.") && a.ends_with(".css"));
        assert_ne!(a, b);
        assert_eq!(a, hashed_name("style.css", b"body{}"));
    }
}
