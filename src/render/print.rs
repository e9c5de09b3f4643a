//! The print page: every page of a small site on one page, ids prefixed so they stay unique.

use super::*;
use crate::output::OutputFile;
use crate::templates::tera_diagnostic;
use serde::Serialize;
use tera::Context;

/// Sites larger than this get no `/print/` page: one page of every page would be hundreds of
/// megabytes, which no reader prints.
pub(crate) const PRINT_MAX_PAGES: usize = 1000;

pub(super) fn has_print(input: &RenderInput) -> bool {
    input.content.pages.len() <= PRINT_MAX_PAGES && input.theme.tera.contains_template("print.html")
}

#[derive(Serialize)]
pub(super) struct PrintPage<'a> {
    title: &'a str,
    title_html: &'a str,
    url: &'a str,
    anchor: String,
    content: String,
    depth: usize,
}

/// The in-page anchor of a page's section on `/print/`: `risks`, `guide--one`, home `index`.
pub(crate) fn print_anchor(path: &str) -> String {
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        "index".to_string()
    } else {
        t.replace('/', "--")
    }
}

/// `/print/`: every page in reading order, ids prefixed per page and links between pages
/// turned into in-page links, so the single page works offline and as a PDF.
pub(super) fn render_print(shared: &Shared) -> Result<OutputFile, crate::diagnostics::Diagnostic> {
    let (input, site, assets) = (shared.input, &shared.site, &shared.assets);
    let (content, urls) = (input.content, input.urls);
    let base_path = input.config.base_path();
    let anchor_by_url: std::collections::HashMap<String, String> =
        content.pages.iter().map(|p| (format!("{base_path}{}", p.path), print_anchor(&p.path))).collect();
    let pages: Vec<PrintPage> = content
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let anchor = print_anchor(&p.path);
            let html = prefix_ids(&input.rendered[i].html, &anchor, &anchor_by_url);
            let title_html = shared.title_html(i);
            PrintPage { title: &p.fm.title, title_html, url: &urls[i], anchor, content: html, depth: content.depth[i] }
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert_value("site", site.clone());
    ctx.insert_value("assets", assets.clone());
    let nav = nav_for(content, urls, usize::MAX, &|i| shared.title_html(i));
    insert_nav(&mut ctx, &nav, &NavCache::new(0), &input.theme.tera, site)
        .map_err(|e| tera_diagnostic(&e, &input.theme.sources))?;
    ctx.insert("pages", &pages);
    input
        .theme
        .tera
        .render("print.html", &ctx)
        .map(|html| OutputFile { path: "print/index.html".into(), data: html.into() })
        .map_err(|e| tera_diagnostic(&e, &input.theme.sources))
}

/// Rewrites `id="x"` to `id="{anchor}--x"`, `href="#x"` likewise, and links to other pages of
/// the site into `#{their anchor}--x` (or `#{their anchor}`).
pub(super) fn prefix_ids(
    html: &str,
    anchor: &str,
    anchor_by_url: &std::collections::HashMap<String, String>,
) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    loop {
        let next_id = rest.find(" id=\"");
        let next_href = rest.find(" href=\"");
        let (pos, is_id) = match (next_id, next_href) {
            (Some(a), Some(b)) if a < b => (a, true),
            (Some(a), None) => (a, true),
            (_, Some(b)) => (b, false),
            (None, None) => break,
        };
        let attr_len = if is_id { 5 } else { 7 };
        out.push_str(&rest[..pos + attr_len]);
        rest = &rest[pos + attr_len..];
        let Some(end) = rest.find('"') else { break };
        let value = &rest[..end];
        if is_id {
            out.push_str(&format!("{anchor}--{value}"));
        } else if let Some(frag) = value.strip_prefix('#') {
            out.push_str(&format!("#{anchor}--{}", crate::web::url::percent_decode(frag)));
        } else {
            let (path, frag) = value.split_once('#').map_or((value, None), |(a, b)| (a, Some(b)));
            let decoded = crate::web::url::percent_decode(path);
            match anchor_by_url.get(&decoded) {
                Some(target) => match frag {
                    Some(f) => out.push_str(&format!("#{target}--{}", crate::web::url::percent_decode(f))),
                    None => out.push_str(&format!("#{target}")),
                },
                None => out.push_str(value),
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_ids_are_prefixed_and_page_links_become_in_page_links() {
        let mut m = std::collections::HashMap::new();
        m.insert("/remedies/".to_string(), "remedies".to_string());
        let html = r##"<h2 id="a">A <a href="#a">#</a></h2><a href="/remedies/#%E8%AC%9D">x</a><a href="/remedies/">y</a><a href="https://e.org/">z</a>"##;
        let out = prefix_ids(html, "risks", &m);
        assert_eq!(
            out,
            r##"<h2 id="risks--a">A <a href="#risks--a">#</a></h2><a href="#remedies--謝">x</a><a href="#remedies">y</a><a href="https://e.org/">z</a>"##
        );
        assert_eq!(print_anchor("guide/one/"), "guide--one");
        assert_eq!(print_anchor(""), "index");
    }
}
