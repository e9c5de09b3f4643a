//! Rendering: builds each page's template context (see docs/themes.md) and runs Tera, pages
//! in parallel. Data shared by all pages (`site`, `assets`) is converted to template values once.

mod nav;
mod print;
pub(crate) mod redirect;
pub(crate) mod strings;

use crate::config::Config;
use crate::content::Content;
use crate::diagnostics::Diagnostics;
use crate::link::Graph;
use crate::markdown::{Rendered, TocEntry};
use crate::output::sink::Sink;
use crate::output::OutputFile;
use crate::templates::{tera_diagnostic, Theme};
pub(crate) use nav::nav_fingerprint;
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
    /// Each page's `og:image` and share links.
    pub cards: &'a crate::cards::Stage,
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
    /// Absolute URL of `atom.xml`, empty without a feed.
    feed_url: String,
    extra: &'a serde_yaml::Mapping,
    serve: bool,
    /// Interface strings in the site's language ([`strings`]).
    strings: std::collections::BTreeMap<String, String>,
    date_style: crate::dates::DateStyle,
    text_spacing_trim: Option<crate::config::TextSpacingTrim>,
}

/// A link to another page as templates see it.
#[derive(Serialize, Clone)]
pub struct LinkCtx<'a> {
    title: &'a str,
    /// `title` as HTML with `<wbr>` between its phrases ([`Shared::title_html`]).
    title_html: &'a str,
    url: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct PageCtx<'a> {
    title: &'a str,
    title_html: &'a str,
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
    image: Option<&'a crate::cards::ImageCtx>,
    share: Option<crate::cards::ShareCtx>,
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

/// What every page's context shares: converted to template values once, and each page's
/// description made when a rendered page first shows it (`serve` usually renders one page of
/// thousands).
struct Shared<'a> {
    input: &'a RenderInput<'a>,
    site: Value,
    assets: Value,
    descriptions: Vec<std::sync::OnceLock<String>>,
    /// Each page's title with `<wbr>` between its phrases, split when a rendered page first
    /// shows it: a title appears on its own page, its neighbours' pagers, its children's
    /// breadcrumbs, sidebars and cards, and splitting it for each was a measurable share of a
    /// large build. Made anew for each render, so a changed title is split again in `serve`.
    titles_html: Vec<std::sync::OnceLock<String>>,
    /// Each sidebar entry as a template value and as markup, made when first shown: a value
    /// clones by reference, and sidebars repeat the same entries on every page.
    nav_cache: NavCache,
}

impl<'a> Shared<'a> {
    fn new(input: &'a RenderInput<'a>) -> Self {
        let cfg = input.config;
        let base_path = cfg.base_path();
        let site = Value::from_serializable(&SiteCtx {
            title: &cfg.title,
            description: &cfg.description,
            author: &cfg.author,
            language: &cfg.language,
            base_url: &cfg.base_url,
            base_path: base_path.clone(),
            absolute_url: crate::seo::absolute(cfg, &base_path),
            home_url: base_path.clone(),
            search: cfg.search,
            feed_url: crate::feed::url(cfg, input.content),
            print_url: if has_print(input) { format!("{base_path}print/") } else { String::new() },
            extra: &cfg.extra,
            serve: input.serve,
            strings: strings::for_site(&cfg.language, &cfg.strings),
            date_style: cfg.date_style,
            text_spacing_trim: cfg.text_spacing_trim,
        });
        let pages = input.content.pages.len();
        Shared {
            input,
            site,
            assets: Value::from_serializable(&input.theme.asset_urls),
            descriptions: (0..pages).map(|_| std::sync::OnceLock::new()).collect(),
            titles_html: (0..pages).map(|_| std::sync::OnceLock::new()).collect(),
            nav_cache: NavCache::new(pages),
        }
    }

    fn description(&self, i: usize) -> &str {
        self.descriptions[i].get_or_init(|| {
            let p = &self.input.content.pages[i];
            p.fm.description.clone().unwrap_or_else(|| describe(&self.input.rendered[i].summary))
        })
    }

    /// Page `i`'s title as HTML with `<wbr>` between its phrases, split once per render.
    fn title_html(&self, i: usize) -> &str {
        self.titles_html[i].get_or_init(|| crate::text::phrase::phrases_html(&self.input.content.pages[i].fm.title))
    }

    fn link(&self, i: usize) -> LinkCtx<'_> {
        let p = &self.input.content.pages[i];
        LinkCtx {
            title: &p.fm.title,
            title_html: self.title_html(i),
            url: &self.input.urls[i],
            description: self.description(i),
        }
    }

    fn context(&self, page: &PageCtx, current: usize, nav_cache: &NavCache) -> Result<Context, Diagnostics> {
        let theme = self.input.theme;
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site.clone());
        ctx.insert_value("assets", self.assets.clone());
        insert_nav(
            &mut ctx,
            &nav_for(self.input.content, self.input.urls, current, &|i| self.title_html(i)),
            nav_cache,
            &theme.tera,
            &self.site,
        )
        .map_err(|e| Diagnostics::from(tera_diagnostic(&e, &theme.sources)))?;
        ctx.insert("page", page);
        Ok(ctx)
    }

    /// Page `i`: its last HTML when nothing it shows changed, or its template rendered.
    fn page(&self, i: usize, sink: &dyn Sink) -> Result<(), Diagnostics> {
        let (input, p) = (self.input, &self.input.content.pages[i]);
        let r = &input.rendered[i];
        let mut breadcrumb = Vec::new();
        let mut a = input.content.parent[i];
        while let Some(j) = a {
            breadcrumb.push(self.link(j));
            a = input.content.parent[j];
        }
        breadcrumb.reverse();
        let url = input.urls[i].as_str();
        let crumbs: Vec<(&str, &str)> =
            breadcrumb.iter().map(|l| (l.title, l.url)).chain(std::iter::once((p.fm.title.as_str(), url))).collect();
        let dates = (p.fm.date.as_deref().unwrap_or(""), p.fm.updated.as_deref().unwrap_or(""));
        let graph = input.graph;
        let permalink = crate::seo::absolute(input.config, url);
        // Made here, for the pages rendered: `serve` (always on an absolute local URL) renders
        // few pages per rebuild.
        let share = (!permalink.is_empty()).then(|| crate::cards::ShareCtx::new(&permalink, &p.fm.title));
        let page = PageCtx {
            title: &p.fm.title,
            title_html: self.title_html(i),
            description: self.description(i),
            url,
            permalink,
            source: &p.source,
            content: &r.html,
            toc: &r.toc,
            reading_minutes: reading_minutes(r),
            char_count: r.char_count,
            date: dates.0,
            updated: dates.1,
            draft: p.fm.draft,
            is_home: i == 0,
            json_ld: crate::seo::json_ld(input.config, &crumbs, self.description(i), dates, i == 0),
            breadcrumb,
            prev: graph.prev[i].map(|j| self.link(j)),
            next: graph.next[i].map(|j| self.link(j)),
            related: graph.related[i].iter().map(|&j| self.link(j)).collect(),
            backlinks: graph.backlinks[i].iter().map(|&j| self.link(j)).collect(),
            extra: &p.fm.extra,
            image: input.cards.images.get(i).and_then(Option::as_ref),
            share,
        };
        let ctx = self.context(&page, i, &self.nav_cache)?;
        let template = if i == 0 { "index.html" } else { "page.html" };
        // Rendered straight into bytes: Tera's `render` would check the whole page is UTF-8
        // again, which is a measurable share of a large build.
        let mut html = Vec::with_capacity(r.html.len() + 16 * 1024);
        let theme = input.theme;
        theme.tera.render_to(template, &ctx, &mut html).map_err(|e| tera_diagnostic(&e, &theme.sources))?;
        sink.put(OutputFile { path: p.output.clone(), data: html.into() }).map_err(Diagnostics::from)
    }

    /// `404.html`: served for missing paths at any depth, so it only uses absolute URLs.
    fn not_found(&self, sink: &dyn Sink) -> Result<(), Diagnostics> {
        let input = self.input;
        let url = format!("{}404.html", input.config.base_path());
        let words = strings::for_site(&input.config.language, &input.config.strings);
        let page = PageCtx {
            title: &words["not_found_title"],
            title_html: &crate::text::phrase::phrases_html(&words["not_found_title"]),
            description: &words["not_found_description"],
            url: &url,
            permalink: crate::seo::absolute(input.config, &url),
            source: "",
            content: "",
            toc: &[],
            reading_minutes: 1,
            char_count: 0,
            date: "",
            updated: "",
            draft: false,
            is_home: false,
            breadcrumb: if input.content.pages.is_empty() { vec![] } else { vec![self.link(0)] },
            prev: None,
            next: None,
            related: vec![],
            backlinks: vec![],
            extra: &input.config.extra,
            json_ld: String::new(),
            image: None,
            share: None,
        };
        let ctx = self.context(&page, usize::MAX, &NavCache::new(0))?;
        let html = input.theme.tera.render("404.html", &ctx).map_err(|e| tera_diagnostic(&e, &input.theme.sources))?;
        sink.put(OutputFile { path: "404.html".into(), data: html.into() }).map_err(Diagnostics::from)
    }
}

/// Renders every page plus `404.html` (and the print page), handing each to `sink` as soon as
/// it is rendered. Pages render in parallel.
pub(crate) fn render_site(input: &RenderInput, sink: &dyn Sink) -> Result<(), Diagnostics> {
    let shared = Shared::new(input);
    // The last build's pages where they still stand (`serve`): handed on together, without
    // taking turns at the sink for each.
    let reused = input
        .reuse
        .iter()
        .zip(&input.content.pages)
        .filter_map(|(bytes, p)| bytes.map(|b| OutputFile { path: p.output.clone(), data: b.clone() }));
    sink.put_many(reused.collect()).map_err(Diagnostics::from)?;
    let results: Vec<Result<(), Diagnostics>> = (0..input.content.pages.len())
        .into_par_iter()
        .filter(|&i| !matches!(input.reuse.get(i), Some(Some(_))))
        .map(|i| {
            if let Some(progress) = input.progress {
                progress.tick();
            }
            shared.page(i, sink)
        })
        .collect();
    let mut errors = Diagnostics::default();
    let print = has_print(input).then(|| render_print(&shared).and_then(|f| sink.put(f)).map_err(Diagnostics::from));
    let rest = [Some(shared.not_found(sink)), print];
    for d in results.into_iter().chain(rest.into_iter().flatten()).filter_map(Result::err) {
        errors.0.extend(d.0);
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
    fn a_title_is_split_once_per_build_wherever_it_is_shown() {
        // A title no other test uses: the split counter is shared by the whole test process.
        let title = "一度だけ文節に分けられる章のタイトル";
        let tmp = tempfile::tempdir().unwrap();
        let files = [
            ("site.yaml", "title: テスト\n".to_string()),
            ("content/_index.md", "---\ntitle: ホーム\n---\n本文。\n".to_string()),
            ("content/a.md", "---\ntitle: 前の章\n---\n本文。\n".to_string()),
            ("content/b/_index.md", format!("---\ntitle: {title}\n---\n本文。\n")),
            ("content/b/child.md", "---\ntitle: 子の章\n---\n本文。\n".to_string()),
            ("content/c.md", "---\ntitle: 後の章\nrelated: [b/_index.md]\n---\n本文。\n".to_string()),
        ];
        for (path, text) in files {
            let path = tmp.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let opts = crate::BuildOptions { root: tmp.path().to_path_buf(), ..Default::default() };
        let site = crate::build_site(&opts).unwrap_or_else(|d| panic!("{d:?}"));
        let split = crate::text::phrase::phrases_html(title);
        assert!(split.contains("<wbr>"), "{split}");
        let html = |path: &str| {
            let f = site.files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}"));
            String::from_utf8(f.data.to_vec()).unwrap()
        };
        // Its own h1 and breadcrumb, the home page's chapter list, every sidebar, a child's
        // breadcrumb, the neighbours' pagers, a related card and the print page.
        let shown = |path: &str| html(path).matches(split.as_str()).count();
        assert_eq!(shown("b/index.html"), 3, "h1, breadcrumb, sidebar");
        assert!(shown("index.html") >= 2, "chapter list and sidebar");
        assert!(shown("b/child/index.html") >= 2, "breadcrumb and sidebar");
        assert!(shown("c/index.html") >= 2, "related card and sidebar");
        assert!(shown("print/index.html") >= 1);
        // The assertions above split it once more for comparison.
        assert_eq!(crate::text::phrase::tests::splits_of(title), 2, "split once by the build");
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
