//! The build pipeline, shared by `build`, `check` and `serve`:
//!
//! config → content → markdown → link and verify → (nothing is written before here) → render
//! pages → search index → sitemap and robots → assets → commit.
//!
//! [`run`] names the stages in order; each stage is a function below. `build` writes into a
//! staging folder that is swapped in at the end; `serve` and `check` keep the files in memory
//! ([`crate::output::sink`]). Everything incremental lives in [`cache`], behind an `Option`.

pub(crate) mod cache;
mod origins;
mod timings;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, load, Content};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::lang::tr;
use crate::link;
use crate::markdown::{self, PageInput, Rendered, SiteMap};
use crate::output::sink::{self, Sink};
use crate::output::{self, OutputFile};
use crate::progress::Progress;
use crate::proofread::Proofreader;
use crate::render::{self, RenderInput};
use crate::templates::{self, Theme};
use crate::{cards, search, seo};
pub use cache::BuildCache;
use timings::Timings;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root (holds `site.yaml` and `content/`).
    pub root: PathBuf,
    /// Output folder; `<root>/public` when None.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Include `draft: true` pages.
    pub drafts: bool,
    /// Rendering for `tebiki serve` (templates see `site.serve`).
    pub serve: bool,
    /// Print each stage's wall time to standard error (`--timings`).
    pub timings: bool,
    /// Show a progress line on standard error when the build takes more than a second.
    pub progress: bool,
    /// Take over an output folder that holds files tebiki did not write (`--force`).
    pub force: bool,
}

impl BuildOptions {
    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// A site built in memory (`serve`, `check` and tests).
#[derive(Debug, Clone, Default)]
pub struct BuiltSite {
    /// Every output file, sorted by path.
    pub files: Vec<OutputFile>,
    /// Number of HTML pages from content.
    pub pages: usize,
    /// Number of other files.
    pub assets: usize,
    /// Warnings (the build succeeded).
    pub warnings: Diagnostics,
    /// Pages whose Markdown was parsed (not taken from the cache).
    pub parsed: usize,
    /// Pages rendered (not taken from the cache).
    pub rendered: usize,
    /// The search index, when the cache defers it (`serve`): `files` then has no `search/` files.
    pub search: Option<search::Deferred>,
    /// Proofreading findings (not in `warnings`: `check` filters them by a baseline first).
    pub proofread: crate::proofread::SiteFindings,
    /// Share cards to draw on request (`serve`): `files` then has no `cards/` files.
    pub cards: Option<Arc<cards::Deferred>>,
}

/// What a finished `build` reports.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages written.
    pub pages: usize,
    /// Other files written.
    pub assets: usize,
    /// Wall time in milliseconds.
    pub millis: u128,
    /// Warnings.
    pub warnings: Diagnostics,
    /// Where the site went.
    pub output: PathBuf,
    /// What a taken-over output folder held (`--force`), now replaced: its top-level entries.
    pub replaced: Vec<String>,
}

/// Builds the site and replaces the output folder atomically. A failed build leaves the
/// previous output as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let out_dir = opts.output_dir();
    output::check_output_dir(&opts.root, &out_dir)?;
    let replaced = output::claim(&out_dir, opts.force)?;
    let mut staging = output::Staging::begin(&out_dir)?;
    let site = run(opts, None, &mut staging, false)?;
    let (errors, warnings): (Vec<_>, Vec<_>) =
        site.proofread.diagnostics(None).0.into_iter().partition(|d| d.severity == Severity::Error);
    if !errors.is_empty() {
        // Proofreading rules set to `error` fail the build: the staging folder is dropped.
        return Err(Diagnostics(errors));
    }
    let marker = OutputFile { path: output::OUTPUT_MARKER.into(), data: output::OUTPUT_MARKER_TEXT.as_bytes().into() };
    staging.write(&marker)?;
    let mut timings = Timings::new(opts.timings);
    staging.commit()?;
    timings.done("prune, swap in");
    Ok(BuildReport {
        pages: site.pages,
        assets: site.assets,
        millis: start.elapsed().as_millis(),
        warnings: Diagnostics(site.warnings.0.into_iter().chain(warnings).collect()),
        output: out_dir,
        replaced,
    })
}

/// Builds the whole site in memory. Errors from every stage that could run are reported together.
pub fn build_site(opts: &BuildOptions) -> Result<BuiltSite, Diagnostics> {
    let mut memory = sink::Memory::default();
    let site = run(opts, None, &mut memory, true)?;
    Ok(BuiltSite { files: memory.into_files(), ..site })
}

/// Everything a build checks, without keeping or writing a file (`tebiki check`): the warnings
/// and the proofreading findings, which the caller reports after `--fix` and `--baseline`.
pub fn check_site(opts: &BuildOptions) -> Result<(Diagnostics, crate::proofread::SiteFindings), Diagnostics> {
    run(opts, None, &mut sink::Memory::discarding(), true).map(|site| (site.warnings, site.proofread))
}

/// [`build_site`], reusing and refreshing `cache` (`serve`).
pub fn build_site_cached(opts: &BuildOptions, cache: &mut BuildCache) -> Result<BuiltSite, Diagnostics> {
    let mut memory = sink::Memory::default();
    let (mut site, kept) = run_cached(opts, Some(&mut *cache), &mut memory, true)?;
    site.files = memory.into_files();
    if let Some(k) = kept {
        cache.keep_pages(&k.content, &k.md_keys, &k.rendered, &k.fingerprints, &site.files);
        cache.front_matter.keep(k.content);
    }
    Ok(site)
}

/// The pipeline without a cache.
fn run(
    opts: &BuildOptions,
    cache: Option<&mut BuildCache>,
    sink: &mut dyn Sink,
    prose_warnings: bool,
) -> Result<BuiltSite, Diagnostics> {
    run_cached(opts, cache, sink, prose_warnings).map(|(site, _)| site)
}

/// What a cached build hands back for the cache to keep once the files are collected.
struct Kept {
    content: Content,
    md_keys: Vec<u64>,
    rendered: Vec<Arc<Rendered>>,
    fingerprints: Vec<u64>,
}

/// The pipeline, stage by stage. Errors from every stage that could run are reported together;
/// nothing reaches the sink before every page is verified.
/// `prose_warnings`: proofread every page (`check`, `serve`); without it only rules set to
/// `error` make proofreading run (`build`).
fn run_cached(
    opts: &BuildOptions,
    mut cache: Option<&mut BuildCache>,
    sink: &mut dyn Sink,
    prose_warnings: bool,
) -> Result<(BuiltSite, Option<Kept>), Diagnostics> {
    let mut t = Timings::new(opts.timings);
    let progress = Progress::start(opts.progress);
    let mut report = Report::default();
    let Inputs { config, mut content, assets, statics, theme } = read_inputs(opts, cache.as_deref_mut(), &mut report)?;
    t.done("read content");
    // `build` fails on proofreading errors only; warnings are for `check` and `serve`.
    let wanted = prose_warnings || config.proofread.has_error_rules();
    let proofreader = crate::proofread::for_build(&opts.root, &config.proofread, wanted)?;
    let map = site_map(&config, &content, &assets, cache.as_deref_mut());
    let md = render_markdown(&config, &content, &map, cache.as_deref_mut(), proofreader.as_ref(), &progress);
    report.collect(md.rendered.iter().flat_map(|r| r.diagnostics.iter().cloned()));
    t.done("markdown");
    let proofread = proofread_site(proofreader.as_ref(), &content, &md, cache.as_deref_mut());
    t.done("proofread");
    let (graph, link_diags) = link::link(&content, &md.rendered, cache.as_deref_mut().map(|c| &mut c.links));
    report.collect(link_diags.0);
    t.done("link and verify");
    let mut cards = share_cards(opts, &config, &content, &map, theme.as_ref().ok(), cache.as_deref(), &*sink);
    report.collect(std::mem::take(&mut cards.diagnostics));
    t.done("plan share cards");
    let theme = report.gate(theme)?;
    let pages =
        Pages { opts, config: &config, content: &content, md: &md, graph: &graph, theme: &theme, cards: &cards };
    let (rerendered, fingerprints) = render_pages(&pages, cache.as_deref_mut(), sink, &progress)?;
    t.done("render and write pages");
    let Markdown { md_keys, mut rendered, urls, index_runs, parsed } = md;
    if cache.is_none() {
        free_sources(&mut content, &mut rendered);
    }
    let deferred =
        write_search(&config, &content, &urls, &rendered, &md_keys, index_runs, cache.as_deref_mut(), &*sink)?;
    t.done("search index");
    let static_paths: Vec<String> = statics.iter().map(|(p, _)| p.clone()).collect();
    let n_assets = write_rest(&config, &content, &rendered, &urls, &theme, assets, statics, sink)?;
    t.done("write the rest");
    let cards = write_cards(cards.cards.take(), cache.is_some(), sink, &mut report)?;
    t.done("share cards");
    report.collisions(&content, &static_paths, &theme, &sink.duplicates());
    let warnings = report.finish(&config)?;
    let site = BuiltSite {
        files: Vec::new(),
        pages: content.pages.len(),
        assets: n_assets,
        warnings,
        parsed,
        rendered: rerendered,
        search: deferred,
        proofread,
        cards,
    };
    if cache.is_some() {
        return Ok((site, Some(Kept { content, md_keys, rendered, fingerprints })));
    }
    // A one-off build ends here: a thread frees the site's many allocations while the caller
    // swaps the output in; a process that exits first just stops it.
    let parts = (content, rendered, graph, map, urls, theme);
    std::thread::spawn(move || drop(parts));
    Ok((site, None))
}

/// What the build reads before anything is rendered.
struct Inputs {
    config: Config,
    content: Content,
    /// The files of `content/` that are not pages.
    assets: Vec<Asset>,
    /// The files of `static/`.
    statics: Vec<Asset>,
    /// The theme, or why it cannot be used (reported with the other errors at the gate).
    theme: Result<Theme, Diagnostics>,
}

/// `site.yaml`, `content/`, `static/` and the theme. A bad page or static file is reported in
/// `report` with the others; only what stops everything returns early.
fn read_inputs(
    opts: &BuildOptions,
    cache: Option<&mut BuildCache>,
    report: &mut Report,
) -> Result<Inputs, Diagnostics> {
    let config = load_config(opts)?;
    let (content, assets) = load_content(opts, cache, report)?;
    let statics = content::statics::load(&opts.root).unwrap_or_else(|e| {
        report.errors.0.extend(e.0);
        Vec::new()
    });
    let theme = templates::load_theme(&opts.root, &config.theme, &config.base_path());
    Ok(Inputs { config, content, assets, statics, theme })
}

/// The site's proofreading findings, from the reports the Markdown stage made.
fn proofread_site(
    proofreader: Option<&Proofreader>,
    content: &Content,
    md: &Markdown,
    cache: Option<&mut BuildCache>,
) -> crate::proofread::SiteFindings {
    let Some(p) = proofreader else { return Default::default() };
    let reports: Vec<_> = md.rendered.iter().map(|r| r.proofread.as_ref()).collect();
    crate::proofread::site_findings(p, content, &reports, cache.map(|c| &mut c.findings))
}

/// What the page stage renders from: everything verified, nothing written yet.
struct Pages<'a> {
    opts: &'a BuildOptions,
    config: &'a Config,
    content: &'a Content,
    md: &'a Markdown,
    graph: &'a link::Graph,
    theme: &'a Theme,
    cards: &'a cards::Stage,
}

/// Renders every page into `sink`, reusing the cache's pages whose fingerprint is the same.
/// Returns how many were rendered, and the fingerprints (empty without a cache).
fn render_pages(
    pages: &Pages<'_>,
    mut cache: Option<&mut BuildCache>,
    sink: &mut dyn Sink,
    progress: &Progress,
) -> Result<(usize, Vec<u64>), Diagnostics> {
    let Pages { opts, config, content, md, graph, theme, cards } = *pages;
    let fingerprints = match cache.as_deref_mut() {
        Some(c) => c.fingerprints(&render_key(opts, config, theme, cards, content, md), &md.md_keys, graph),
        None => Vec::new(),
    };
    let reuse = cache.map(|c| c.reusable(&fingerprints)).unwrap_or_default();
    let input = RenderInput {
        config,
        content,
        rendered: &md.rendered,
        graph,
        theme,
        urls: &md.urls,
        reuse: &reuse,
        serve: opts.serve,
        cards,
        progress: Some(progress),
    };
    progress.stage("render", content.pages.len());
    sink.prepare(&mut content.pages.iter().map(|p| p.output.as_str()))?;
    render::render_site(&input, &*sink)?;
    let rerendered = content.pages.len() - reuse.iter().filter(|r| r.is_some()).count();
    Ok((rerendered, fingerprints))
}

/// A file of `content/` that is not a page: (path relative to `content/`, bytes).
type Asset = (String, Vec<u8>);

/// `site.yaml`, with `--base-url` applied.
fn load_config(opts: &BuildOptions) -> Result<Config, Diagnostics> {
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = crate::config::normalize_base_url(url).map_err(|hint| {
            Diagnostic::error(
                None,
                tr(format!("invalid --base-url `{url}`"), format!("--base-url `{url}` は使えません")),
            )
            .code("invalid-base-url")
            .hint(hint)
        })?;
    }
    Ok(config)
}

/// Reads `content/`: pages with their front matter, in reading order, and every other file.
fn load_content(
    opts: &BuildOptions,
    mut cache: Option<&mut BuildCache>,
    report: &mut Report,
) -> Result<(Content, Vec<Asset>), Diagnostics> {
    if let Some(c) = cache.as_deref_mut() {
        if let Some(content) = patch_content(opts, c) {
            report.warnings.0.extend(c.files.warnings().iter().cloned());
            let assets = read_assets(&content.assets)?;
            return Ok((content, assets));
        }
    }
    let files = load::load_content(&opts.root, cache.as_deref_mut().map(|c| &mut c.files))?;
    report.warnings.0.extend(files.warnings.iter().cloned());
    let assets = read_assets(&files.assets)?;
    let (content, errors) = content::build_content(files, opts.drafts, cache.map(|c| &mut c.front_matter));
    report.errors.0.extend(errors.0);
    Ok((content, assets))
}

/// `serve`'s content after an edit to page bodies only: the last build's with the new texts.
fn patch_content(opts: &BuildOptions, cache: &mut BuildCache) -> Option<Content> {
    let changed = cache.files.reread(&opts.root)?;
    let content = cache.front_matter.patch(changed, opts.drafts)?;
    cache.files.loaded();
    Some(content)
}

/// Everything a page's links can resolve to; `serve` keeps the last one while its inputs are the
/// same.
fn site_map(config: &Config, content: &Content, assets: &[Asset], cache: Option<&mut BuildCache>) -> Arc<SiteMap> {
    match cache {
        Some(c) => c.site_map(cache::site_map_key(config, content, assets), || make_site_map(config, content, assets)),
        None => Arc::new(make_site_map(config, content, assets)),
    }
}

/// Pages by source and path, drafts, files and image sizes.
fn make_site_map(config: &Config, content: &Content, assets: &[Asset]) -> SiteMap {
    let mut map = SiteMap { base_path: config.base_path(), ..Default::default() };
    let known = content.pages.iter().map(|p| (&p.source, &p.path)).chain(content.broken.iter().map(|(s, p)| (s, p)));
    for (source, path) in known {
        map.page_by_source.insert(source.clone(), path.clone());
        map.source_by_path.insert(path.clone(), source.clone());
    }
    map.drafts = content.pages.iter().filter(|p| p.fm.draft).map(|p| p.source.clone()).collect();
    for (source, path) in &content.drafts {
        map.drafts.insert(source.clone());
        map.left_out.insert(source.clone(), source.clone());
        map.left_out.insert(path.clone(), source.clone());
    }
    for (rel, bytes) in assets {
        map.assets.insert(rel.clone());
        if let Some(size) = crate::images::size(rel, bytes) {
            map.image_sizes.insert(rel.clone(), size);
        }
    }
    map
}

/// Every page's Markdown rendered, with what the later stages need of it.
struct Markdown {
    rendered: Vec<Arc<Rendered>>,
    /// Each page's cache key (empty without a cache).
    md_keys: Vec<u64>,
    urls: Vec<String>,
    /// The search index of a one-off build, tokenized as the Markdown was rendered.
    index_runs: Vec<search::RunIndex>,
    /// Pages parsed (not taken from the cache).
    parsed: usize,
}

/// Renders every page's Markdown in parallel, reusing the cache's where the key is the same.
/// With a `proofreader`, each page parsed is also proofread from that parse.
fn render_markdown(
    config: &Config,
    content: &Content,
    map: &SiteMap,
    cache: Option<&mut BuildCache>,
    proofreader: Option<&Proofreader>,
    progress: &Progress,
) -> Markdown {
    progress.stage("markdown", content.pages.len());
    let urls = render::page_urls(&map.base_path, content);
    let render_page = |p: &content::Page| {
        progress.tick();
        let input = PageInput { source: &p.source, shown: &p.shown, text: &p.text, body_offset: p.body_offset };
        let Some(proofreader) = proofreader else { return markdown::render(&input, map) };
        let page = crate::proofread::PageInput { source: &p.source, text: &p.text, body_offset: p.body_offset };
        let mut report = None;
        let mut rendered =
            markdown::render_and_read(&input, map, |events| report = Some(proofreader.read_events(&page, events)));
        rendered.proofread = report;
        rendered
    };
    let Some(cache) = cache else {
        if !config.search {
            let rendered: Vec<_> = content.pages.par_iter().map(|p| Arc::new(render_page(p))).collect();
            let parsed = rendered.len();
            return Markdown { rendered, md_keys: Vec::new(), urls, index_runs: Vec::new(), parsed };
        }
        let (rendered, index_runs) = search::render_and_index(content, &urls, render_page);
        let parsed = rendered.len();
        return Markdown { rendered, md_keys: Vec::new(), urls, index_runs, parsed };
    };
    let md_keys = cache.markdown_keys(content);
    let cached: Vec<Option<Arc<Rendered>>> = md_keys.iter().enumerate().map(|(i, k)| cache.markdown(i, *k)).collect();
    let parsed = cached.iter().filter(|c| c.is_none()).count();
    let rendered =
        content.pages.par_iter().zip(cached).map(|(p, hit)| hit.unwrap_or_else(|| Arc::new(render_page(p)))).collect();
    Markdown { rendered, md_keys, urls, index_runs: Vec::new(), parsed }
}

/// Each page's `og:image` (its own or a share card) and share links; the cards are named here
/// and drawn by [`write_cards`]. Runs before the gate, so a bad `image:` is reported with the
/// other errors.
#[allow(clippy::too_many_arguments)]
fn share_cards(
    opts: &BuildOptions,
    config: &Config,
    content: &Content,
    map: &SiteMap,
    theme: Option<&Theme>,
    cache: Option<&BuildCache>,
    sink: &dyn Sink,
) -> cards::Stage {
    let pages: Vec<cards::PageIn> = content
        .pages
        .iter()
        .map(|p| cards::PageIn {
            title: &p.fm.title,
            image: p.fm.image.as_deref(),
            source: &p.source,
            shown: &p.shown,
            text: &p.text,
        })
        .collect();
    let css = theme.and_then(cards::theme_css);
    let drawn = cache.map(|c| c.cards.clone()).unwrap_or_default();
    // A sink that keeps no bytes is `check`'s: only it gives advice about publishing.
    cards::run(&opts.root, config, css, &pages, map, drawn, !sink.keeps_bytes())
}

/// Draws the share cards into the sink (`build`, taking back the ones a previous build left),
/// or hands them on to be drawn on request (`serve`). `check` draws none.
fn write_cards(
    cards: Option<Arc<cards::Deferred>>,
    serve: bool,
    sink: &mut dyn Sink,
    report: &mut Report,
) -> Result<Option<Arc<cards::Deferred>>, Diagnostics> {
    let Some(cards) = cards else { return Ok(None) };
    if serve {
        return Ok(Some(cards));
    }
    if sink.keeps_bytes() {
        let (files, warnings) = cards.files(|path| sink.previous_file(path));
        report.collect(warnings);
        sink.prepare(&mut files.iter().map(|f| f.path.as_str()))?;
        put_all(&*sink, files)?;
    }
    Ok(None)
}

fn render_key<'a>(
    opts: &BuildOptions,
    config: &'a Config,
    theme: &'a Theme,
    cards: &cards::Stage,
    content: &'a Content,
    md: &'a Markdown,
) -> cache::RenderKey<'a> {
    cache::RenderKey {
        config,
        theme,
        cards: cards.fingerprint,
        serve: opts.serve,
        content,
        rendered: &md.rendered,
        urls: &md.urls,
    }
}

/// A one-off build needs neither the page sources nor their HTML after rendering. Given back
/// to the allocator, the search stage reuses that memory instead of touching new pages.
fn free_sources(content: &mut Content, rendered: &mut [Arc<Rendered>]) {
    for r in rendered {
        if let Some(r) = Arc::get_mut(r) {
            r.html = String::new();
        }
    }
    for p in &mut content.pages {
        p.text = Arc::from("");
    }
}

/// The search index: written to the sink, or deferred for `serve` to assemble on demand.
#[allow(clippy::too_many_arguments)]
fn write_search(
    config: &Config,
    content: &Content,
    urls: &[String],
    rendered: &[Arc<Rendered>],
    md_keys: &[u64],
    index_runs: Vec<search::RunIndex>,
    cache: Option<&mut BuildCache>,
    sink: &dyn Sink,
) -> Result<Option<search::Deferred>, Diagnostics> {
    if !config.search {
        return Ok(None);
    }
    let files = match cache {
        None => search::finish_runs(index_runs),
        Some(cache) => {
            let per_page = cache.search_indexes(content, urls, rendered, md_keys);
            if cache.defer_search {
                return Ok(Some(search::Deferred::new(per_page)));
            }
            search::assemble(&per_page)
        }
    };
    put_all(sink, files)?;
    Ok(None)
}

/// The sitemap, robots.txt (unless `static/` has one), the Atom feed, the aliases' redirect
/// pages, the theme's assets, the content's other files and `static/`. Returns how many files
/// are not pages.
#[allow(clippy::too_many_arguments)]
fn write_rest(
    config: &Config,
    content: &Content,
    rendered: &[Arc<Rendered>],
    urls: &[String],
    theme: &Theme,
    assets: Vec<Asset>,
    statics: Vec<Asset>,
    sink: &mut dyn Sink,
) -> Result<usize, Diagnostics> {
    let mut out = Vec::new();
    if let Some(xml) = seo::sitemap(config, content, urls) {
        out.push(OutputFile { path: "sitemap.xml".into(), data: xml.into() });
    }
    if !statics.iter().any(|(p, _)| p == "robots.txt") {
        out.push(OutputFile { path: "robots.txt".into(), data: seo::robots(config).into() });
    }
    if let Some(xml) = crate::feed::atom(config, content, urls, rendered) {
        out.push(OutputFile { path: crate::feed::FEED_FILE.into(), data: xml.into() });
    }
    out.extend(render::redirect::redirects(config, content, urls));
    let n_assets = assets.len() + theme.assets.len() + statics.len();
    out.extend(theme.assets.iter().map(|(p, d)| OutputFile { path: p.clone(), data: d.clone().into() }));
    out.extend(assets.into_iter().chain(statics).map(|(path, data)| OutputFile { path, data: data.into() }));
    sink.prepare(&mut out.iter().map(|f| f.path.as_str()))?;
    put_all(&*sink, out)?;
    Ok(n_assets)
}

/// Hands files to the sink in parallel.
fn put_all(sink: &dyn Sink, files: Vec<OutputFile>) -> Result<(), Diagnostics> {
    files.into_par_iter().try_for_each(|f| sink.put(f)).map_err(Diagnostics::from)
}

fn read_assets(files: &[content::AssetFile]) -> Result<Vec<Asset>, Diagnostics> {
    let results: Vec<Result<Asset, Diagnostic>> = files
        .par_iter()
        .filter(|a| a.abs.exists()) // deleted since the folder was listed: gone, not an error
        .map(|a| {
            std::fs::read(&a.abs).map(|b| (a.rel.clone(), b)).map_err(|e| {
                Diagnostic::error(
                    Some(PathBuf::from(format!("content/{}", a.rel))),
                    tr(format!("cannot read file: {e}"), format!("ファイルを読めません：{e}")),
                )
                .code("cannot-read")
                .hint(tr("make the file readable or remove it", "ファイルを読めるようにするか、削除してください"))
            })
        })
        .collect();
    let mut ok = Vec::with_capacity(results.len());
    let mut errors = Diagnostics::default();
    for r in results {
        match r {
            Ok(x) => ok.push(x),
            Err(d) => errors.push(d),
        }
    }
    if errors.0.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// The build's diagnostics so far: errors stop it before anything is written, warnings are
/// reported with the result.
#[derive(Default)]
struct Report {
    errors: Diagnostics,
    warnings: Diagnostics,
}

impl Report {
    fn collect(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        for d in found {
            match d.severity {
                Severity::Error => self.errors.push(d),
                Severity::Warning => self.warnings.push(d),
            }
        }
    }

    /// Everything is verified: the build goes on to write only without errors (and with a theme).
    fn gate<T>(&mut self, theme: Result<T, Diagnostics>) -> Result<T, Diagnostics> {
        let theme = theme.map_err(|d| self.errors.0.extend(d.0)).ok();
        match theme.filter(|_| !self.errors.has_errors()) {
            Some(t) => Ok(t),
            None => {
                let mut errors = std::mem::take(&mut self.errors);
                errors.sort();
                Err(errors)
            }
        }
    }

    /// Two outputs with one path: names both sources (`static/risks/index.html` and
    /// `content/risks.md`), pointing at the first that is a file.
    fn collisions(&mut self, content: &Content, statics: &[String], theme: &Theme, dups: &[String]) {
        for path in dups {
            let found = origins::origins(path, content, statics, theme);
            let file = found.iter().find_map(|o| o.file.clone());
            let named: Vec<&str> = found.iter().map(|o| o.named.as_str()).collect();
            self.errors.push(
                Diagnostic::error(
                    file,
                    tr(
                        format!("two outputs have the same path `{path}`: {}", named.join(" and ")),
                        format!("二つの出力が同じパス `{path}` になります：{}", named.join("、")),
                    ),
                )
                .code("output-collision")
                .hint(tr(
                    "rename or remove one of them (a file in static/ cannot replace a page)",
                    "どちらかの名前を変えるか、消してください（static/ のファイルはページの代わりになりません）",
                )),
            );
        }
    }

    /// The errors, or else the warnings of the kinds `site.yaml` leaves on.
    fn finish(mut self, config: &Config) -> Result<Diagnostics, Diagnostics> {
        if self.errors.has_errors() {
            return Err(self.errors);
        }
        self.warnings.0.retain(|w| config.warns(w.code));
        self.warnings.sort();
        Ok(self.warnings)
    }
}
