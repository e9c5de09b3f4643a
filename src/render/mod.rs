//! Rendering: builds each page's template context (see docs/themes.md) and runs Tera, pages
//! in parallel. Data shared by all pages (`site`, `assets`) is converted to template values once.

mod nav;
mod print;

use crate::config::Config;
use crate::content::Content;
use crate::diagnostics::Diagnostics;
use crate::link::Graph;
use crate::markdown::{Rendered, TocEntry};
use crate::output::sink::Sink;
use crate::output::OutputFile;
use crate::templates::{tera_diagnostic, Theme};
use nav::{insert_nav, nav_for, NavCache};
use print::{has_print, render_print};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;
use tera::{Context, Value};

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

#[cfg(test)]
mod tests {
    use super::*;

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
