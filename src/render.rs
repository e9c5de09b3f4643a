//! Rendering: builds each page's template context (see docs/templates.md) and runs Tera, pages
//! in parallel. Data shared by all pages (`site`, `assets`) is converted to template values once.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::Content;
use crate::diagnostics::Diagnostics;
use crate::link::Graph;
use std::sync::Arc;

use crate::markdown::{Rendered, TocEntry};
use crate::output::sink::Sink;
use crate::output::OutputFile;
use crate::templates::{tera_diagnostic, Theme};

/// Everything the renderer reads.
pub struct RenderInput<'a> {
    /// Site configuration (base URL already final).
    pub config: &'a Config,
    /// Pages in reading order.
    pub content: &'a Content,
    /// Rendered bodies, indexed like pages.
    pub rendered: &'a [Arc<Rendered>],
    /// Prev/next, related, backlinks.
    pub graph: &'a Graph,
    /// Templates and assets.
    pub theme: &'a Theme,
    /// Page URLs (with base path), indexed like pages.
    pub urls: &'a [String],
    /// Output of pages whose inputs did not change since the last build (None: render).
    pub reuse: &'a [Option<&'a bytes::Bytes>],
    /// Rendering for `tebiki serve`.
    pub serve: bool,
    /// Counts rendered pages for the progress line.
    pub progress: Option<&'a crate::progress::Progress>,
}

/// Every page's URL path, base path included.
pub fn page_urls(base_path: &str, content: &Content) -> Vec<String> {
    content.pages.iter().map(|p| format!("{base_path}{}", crate::web::url::encode_path(&p.path))).collect()
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    author: &'a str,
    language: &'a str,
    base_url: &'a str,
    base_path: String,
    absolute_url: String,
    home_url: String,
    print_url: String,
    search: bool,
    extra: &'a serde_yaml::Mapping,
    serve: bool,
}

/// A link to another page as templates see it.
#[derive(Serialize, Clone)]
pub struct LinkCtx<'a> {
    title: &'a str,
    url: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct PageCtx<'a> {
    title: &'a str,
    description: &'a str,
    url: &'a str,
    permalink: String,
    source: &'a str,
    content: &'a str,
    toc: &'a [TocEntry],
    reading_minutes: usize,
    char_count: usize,
    date: &'a str,
    updated: &'a str,
    draft: bool,
    is_home: bool,
    breadcrumb: Vec<LinkCtx<'a>>,
    prev: Option<LinkCtx<'a>>,
    next: Option<LinkCtx<'a>>,
    related: Vec<LinkCtx<'a>>,
    backlinks: Vec<LinkCtx<'a>>,
    extra: &'a serde_yaml::Mapping,
    json_ld: String,
}

#[derive(Serialize)]
struct NavEntry<'a> {
    /// The page this entry links to (None: a gap).
    #[serde(skip)]
    page: Option<usize>,
    title: &'a str,
    url: &'a str,
    depth: usize,
    current: bool,
    ancestor: bool,
    draft: bool,
    gap: bool,
}

/// Longest list of siblings the sidebar shows in full; longer ones show a window.
const NAV_WINDOW: usize = 20;

/// Reading time: Japanese at ~500 characters a minute, Latin text at ~200 words a minute.
pub fn reading_minutes(r: &Rendered) -> usize {
    let minutes = r.cjk_count as f64 / 500.0 + r.word_count as f64 / 200.0;
    (minutes.ceil() as usize).max(1)
}

/// The first paragraph, cut at a sentence end near 120 characters.
pub fn describe(summary: &str) -> String {
    const LIMIT: usize = 120;
    let chars: Vec<char> = summary.split_whitespace().collect::<Vec<_>>().join(" ").chars().collect();
    if chars.len() <= LIMIT {
        return chars.into_iter().collect();
    }
    let ends = ['。', '！', '？', '!', '?'];
    if let Some(pos) = chars[..LIMIT].iter().rposition(|c| ends.contains(c)).filter(|p| *p >= 40) {
        return chars[..=pos].iter().collect();
    }
    let cut_at = chars[..LIMIT - 1].iter().rposition(|c| *c == '、').filter(|p| *p >= 60).map_or(LIMIT - 1, |p| p);
    let mut s: String = chars[..cut_at].iter().collect();
    s.push('…');
    s
}

/// Renders every page plus `404.html` (and the print page), handing each to `sink` as soon as
/// it is rendered.
pub(crate) fn render_site(input: &RenderInput, sink: &dyn Sink) -> Result<(), Diagnostics> {
    let cfg = input.config;
    let content = input.content;
    let base_path = cfg.base_path();
    let site_ctx_value = Value::from_serializable(&SiteCtx {
        title: &cfg.title,
        description: &cfg.description,
        author: &cfg.author,
        language: &cfg.language,
        base_url: &cfg.base_url,
        base_path: base_path.clone(),
        absolute_url: crate::seo::absolute(cfg, &base_path),
        home_url: base_path.clone(),
        search: cfg.search,
        print_url: if has_print(input) { format!("{base_path}print/") } else { String::new() },
        extra: &cfg.extra,
        serve: input.serve,
    });
    let site = site_ctx_value.clone();
    let assets = Value::from_serializable(&input.theme.asset_urls);
    let assets_value = assets.clone();
    let urls = input.urls;
    // Computed when a rendered page shows them: `serve` usually renders one page of thousands.
    let descriptions: Vec<std::sync::OnceLock<String>> =
        (0..content.pages.len()).map(|_| std::sync::OnceLock::new()).collect();
    let description = |i: usize| -> &str {
        descriptions[i].get_or_init(|| {
            content.pages[i].fm.description.clone().unwrap_or_else(|| describe(&input.rendered[i].summary))
        })
    };
    // Each sidebar entry as a template value and as markup, made when first shown (a value
    // clones by reference): the sidebars of 10,000 pages list about 450,000 entries. Converted
    // anew for each page, the rendering stage took 310–370 ms at 10,000 pages; shared, 255–295.
    let nav_cache = NavCache::new(content.pages.len());
    let link = |i: usize| LinkCtx { title: &content.pages[i].fm.title, url: &urls[i], description: description(i) };
    let absolute = |url: &str| crate::seo::absolute(cfg, url);

    let results: Vec<Result<(), Diagnostics>> = (0..content.pages.len())
        .into_par_iter()
        .map(|i| {
            let p = &content.pages[i];
            if let Some(progress) = input.progress {
                progress.tick();
            }
            if let Some(Some(bytes)) = input.reuse.get(i) {
                return sink
                    .put(OutputFile { path: p.output.clone(), data: (*bytes).clone() })
                    .map_err(Diagnostics::from);
            }
            let r = &input.rendered[i];
            let mut breadcrumb = Vec::new();
            let mut a = content.parent[i];
            while let Some(j) = a {
                breadcrumb.push(link(j));
                a = content.parent[j];
            }
            breadcrumb.reverse();
            let crumbs: Vec<(&str, &str)> = breadcrumb
                .iter()
                .map(|l| (l.title, l.url))
                .chain(std::iter::once((p.fm.title.as_str(), urls[i].as_str())))
                .collect();
            let dates = (p.fm.date.as_deref().unwrap_or(""), p.fm.updated.as_deref().unwrap_or(""));
            let json_ld = crate::seo::json_ld(cfg, &crumbs, description(i), dates, i == 0);
            let page = PageCtx {
                title: &p.fm.title,
                description: description(i),
                url: &urls[i],
                permalink: absolute(&urls[i]),
                source: &p.source,
                content: &r.html,
                toc: &r.toc,
                reading_minutes: reading_minutes(r),
                char_count: r.char_count,
                date: p.fm.date.as_deref().unwrap_or(""),
                updated: p.fm.updated.as_deref().unwrap_or(""),
                draft: p.fm.draft,
                is_home: i == 0,
                breadcrumb,
                prev: input.graph.prev[i].map(link),
                next: input.graph.next[i].map(link),
                related: input.graph.related[i].iter().map(|&j| link(j)).collect(),
                backlinks: input.graph.backlinks[i].iter().map(|&j| link(j)).collect(),
                extra: &p.fm.extra,
                json_ld,
            };
            let mut ctx = Context::new();
            ctx.insert_value("site", site.clone());
            ctx.insert_value("assets", assets.clone());
            insert_nav(&mut ctx, &nav_for(content, urls, i), &nav_cache, &input.theme.tera)
                .map_err(|e| Diagnostics::from(tera_diagnostic(&e, &input.theme.sources)))?;
            ctx.insert("page", &page);
            let template = if i == 0 { "index.html" } else { "page.html" };
            // Rendered straight into bytes: Tera's `render` would check the whole page is UTF-8
            // again, which is a measurable share of a large build.
            let mut html = Vec::with_capacity(r.html.len() + 16 * 1024);
            input
                .theme
                .tera
                .render_to(template, &ctx, &mut html)
                .map_err(|e| Diagnostics::from(tera_diagnostic(&e, &input.theme.sources)))
                .and_then(|()| {
                    sink.put(OutputFile { path: p.output.clone(), data: html.into() }).map_err(Diagnostics::from)
                })
        })
        .collect();

    let mut errors = Diagnostics::default();
    for d in results.into_iter().filter_map(Result::err) {
        errors.0.extend(d.0);
    }
    // 404.html: served for missing paths at any depth, so it only uses absolute URLs.
    let not_found_url = format!("{base_path}404.html");
    let page = PageCtx {
        title: "ページが見つかりません",
        description: "お探しのページは見つかりませんでした。",
        url: &not_found_url,
        permalink: absolute(&not_found_url),
        source: "",
        content: "",
        toc: &[],
        reading_minutes: 1,
        char_count: 0,
        date: "",
        updated: "",
        draft: false,
        is_home: false,
        breadcrumb: if content.pages.is_empty() { vec![] } else { vec![link(0)] },
        prev: None,
        next: None,
        related: vec![],
        backlinks: vec![],
        extra: &cfg.extra,
        json_ld: String::new(),
    };
    let mut ctx = Context::new();
    ctx.insert_value("site", site);
    ctx.insert_value("assets", assets);
    ctx.insert("page", &page);
    let rendered_404 = insert_nav(&mut ctx, &nav_for(content, urls, usize::MAX), &NavCache::new(0), &input.theme.tera)
        .and_then(|()| input.theme.tera.render("404.html", &ctx));
    match rendered_404 {
        Ok(html) => {
            if let Err(d) = sink.put(OutputFile { path: "404.html".into(), data: html.into() }) {
                errors.push(d);
            }
        }
        Err(e) => errors.push(tera_diagnostic(&e, &input.theme.sources)),
    }
    if has_print(input) {
        match render_print(input, urls, &site_ctx_value, &assets_value) {
            Ok(f) => {
                if let Err(d) = sink.put(f) {
                    errors.push(d);
                }
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.has_errors() {
        errors.sort();
        return Err(errors);
    }
    Ok(())
}

/// Sites larger than this get no `/print/` page: one page of every page would be hundreds of
/// megabytes, which no reader prints.
pub const PRINT_MAX_PAGES: usize = 1000;

fn has_print(input: &RenderInput) -> bool {
    input.content.pages.len() <= PRINT_MAX_PAGES && input.theme.tera.contains_template("print.html")
}

#[derive(Serialize)]
struct PrintPage<'a> {
    title: &'a str,
    url: &'a str,
    anchor: String,
    content: String,
    depth: usize,
}

/// The in-page anchor of a page's section on `/print/`: `risks`, `guide--one`, home `index`.
pub fn print_anchor(path: &str) -> String {
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        "index".to_string()
    } else {
        t.replace('/', "--")
    }
}

/// `/print/`: every page in reading order, ids prefixed per page and links between pages
/// turned into in-page links, so the single page works offline and as a PDF.
fn render_print(
    input: &RenderInput,
    urls: &[String],
    site: &Value,
    assets: &Value,
) -> Result<OutputFile, crate::diagnostics::Diagnostic> {
    let content = input.content;
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
            PrintPage { title: &p.fm.title, url: &urls[i], anchor, content: html, depth: content.depth[i] }
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert_value("site", site.clone());
    ctx.insert_value("assets", assets.clone());
    insert_nav(&mut ctx, &nav_for(content, urls, usize::MAX), &NavCache::new(0), &input.theme.tera)
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
fn prefix_ids(html: &str, anchor: &str, anchor_by_url: &std::collections::HashMap<String, String>) -> String {
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

/// The sidebar for page `current`: home, the top level, and the children of each ancestor
/// (and of the page itself). Long sibling lists show a window around the current branch, so
/// the sidebar's size does not grow with the number of pages.
fn nav_for<'a>(content: &'a Content, urls: &'a [String], current: usize) -> Vec<NavEntry<'a>> {
    let mut chain = Vec::new();
    let mut a = (current < content.pages.len()).then_some(current);
    while let Some(j) = a {
        chain.push(j);
        a = content.parent[j];
    }
    let mut out = Vec::new();
    if content.pages.is_empty() {
        return out;
    }
    let entry = |i: usize, depth: usize, gap: bool| NavEntry {
        page: (!gap).then_some(i),
        title: if gap { "" } else { &content.pages[i].fm.title },
        url: if gap { "" } else { &urls[i] },
        depth,
        current: !gap && i == current,
        ancestor: !gap && i != current && chain.contains(&i),
        draft: !gap && content.pages[i].fm.draft,
        gap,
    };
    out.push(entry(0, 0, false));
    push_level(content, &chain, 0, 0, &mut out, &entry);
    out
}

/// A sidebar entry shared by the pages that list it: its template value, and its markup
/// (`None` if rendering it failed; the page that needs it renders it again for the error).
type SharedNavEntry = (Value, Option<String>);

/// Sidebar entries made once per build and shared by every page that lists them ([`nav_value`]).
/// An entry is the same on all those pages, whatever the page, unless it is the page itself.
struct NavCache {
    /// By page: the entry of a page that is neither the current page nor one of its ancestors.
    plain: Vec<std::sync::OnceLock<SharedNavEntry>>,
    /// By page: its entry on the pages below it.
    ancestor: Vec<std::sync::OnceLock<SharedNavEntry>>,
    /// By depth: the gap standing for the pages a long list leaves out (a gap deeper than
    /// [`NAV_GAP_DEPTHS`] is rendered on each page that shows it).
    gap: Vec<std::sync::OnceLock<SharedNavEntry>>,
}

impl NavCache {
    /// An empty cache for `pages` pages (0: nothing is shared, for a one-off page).
    fn new(pages: usize) -> Self {
        let cells = |n: usize| (0..n).map(|_| std::sync::OnceLock::new()).collect();
        NavCache { plain: cells(pages), ancestor: cells(pages), gap: cells(if pages > 0 { NAV_GAP_DEPTHS } else { 0 }) }
    }

    /// The cell an entry is shared in; `None` for the current page's own entry.
    fn cell(&self, e: &NavEntry) -> Option<&std::sync::OnceLock<SharedNavEntry>> {
        match e.page {
            None => self.gap.get(e.depth),
            Some(_) if e.current => None,
            Some(k) if e.ancestor => self.ancestor.get(k),
            Some(k) => self.plain.get(k),
        }
    }
}

/// The sidebar as a template value (`nav`) and as markup (`nav_html`: each entry rendered with
/// `partials/sidebar_item.html`, one per line). Every entry but the current page's own comes
/// from `cache`, made once.
///
/// Why the markup: looping over the 40 entries of each page in Tera was 40% of the rendering
/// stage at 10,000 pages (120 of 300 ms); joined here, the shared entries cost nothing per page.
fn nav_value(nav: &[NavEntry], cache: &NavCache, tera: &tera::Tera) -> Result<(Value, String), tera::Error> {
    let item = |e: &NavEntry| {
        let mut ctx = Context::new();
        ctx.insert("entry", e);
        tera.render(SIDEBAR_ITEM, &ctx)
    };
    let mut html = String::with_capacity(nav.len() * 160);
    let mut entries = Vec::with_capacity(nav.len());
    for e in nav {
        html.push('\n');
        match cache.cell(e) {
            Some(cell) => {
                let (value, markup) = cell.get_or_init(|| (Value::from_serializable(e), item(e).ok()));
                match markup {
                    Some(m) => html.push_str(m),
                    None => html.push_str(&item(e)?),
                }
                entries.push(value.clone());
            }
            None => {
                html.push_str(&item(e)?);
                entries.push(Value::from_serializable(e));
            }
        }
    }
    Ok((Value::from(entries), html))
}

/// Puts the sidebar into `ctx` as `nav` and `nav_html` ([`nav_value`]).
fn insert_nav(ctx: &mut Context, nav: &[NavEntry], cache: &NavCache, tera: &tera::Tera) -> Result<(), tera::Error> {
    let (value, html) = nav_value(nav, cache, tera)?;
    ctx.insert_value("nav", value);
    ctx.insert("nav_html", &html);
    Ok(())
}

/// Depths of the sidebar whose gap entries [`NavCache`] shares.
const NAV_GAP_DEPTHS: usize = 32;

/// The template of one sidebar entry ([`nav_value`]).
const SIDEBAR_ITEM: &str = "partials/sidebar_item.html";

/// Appends the children of `parent` (windowed), expanding the one on the current branch.
fn push_level<'a>(
    content: &Content,
    chain: &[usize],
    parent: usize,
    depth: usize,
    out: &mut Vec<NavEntry<'a>>,
    entry: &dyn Fn(usize, usize, bool) -> NavEntry<'a>,
) {
    let kids = &content.children[parent];
    let (start, end) = if kids.len() <= NAV_WINDOW {
        (0, kids.len())
    } else {
        let focus = kids.iter().position(|k| chain.contains(k)).unwrap_or(0);
        let start = focus.saturating_sub(NAV_WINDOW / 2).min(kids.len() - NAV_WINDOW);
        (start, start + NAV_WINDOW)
    };
    if start > 0 {
        out.push(entry(0, depth, true));
    }
    for &k in &kids[start..end] {
        out.push(entry(k, depth, false));
        if chain.contains(&k) {
            push_level(content, chain, k, depth + 1, out, entry);
        }
    }
    if end < kids.len() {
        out.push(entry(0, depth, true));
    }
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

    #[test]
    fn description_cuts_at_a_japanese_sentence_end() {
        let first = "あ".repeat(70) + "。";
        let long = format!("{first}{}", "い".repeat(100));
        assert_eq!(describe(&long), first);
        assert_eq!(describe("短い説明。"), "短い説明。");
        let no_end = "う".repeat(200);
        let d = describe(&no_end);
        assert_eq!(d.chars().count(), 120);
        assert!(d.ends_with('…'));
    }
}
