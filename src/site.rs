//! The build pipeline, shared by `build`, `check` and `serve`:
//! load → parse (Markdown, in parallel) → link (graph and checks) → render (Tera) → files.

use ahash::AHashMap as HashMap;
use std::hash::Hash;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::cache::refresh;
use crate::config::Config;
use crate::content::{self, load};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::link;
use crate::markdown::{self, PageInput, Rendered, SiteMap};
use crate::output::{self, OutputFile};
use crate::render::{self, RenderInput};
use crate::{search, seo, templates};

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
    /// Print each stage's wall time to standard error (`build --timings`).
    pub timings: bool,
    /// Show a progress line on standard error when the build takes more than a second.
    pub progress: bool,
}

impl BuildOptions {
    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// A site built in memory.
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
}

/// What a previous build computed, so the next one redoes only what changed (used by `serve`).
///
/// A page's Markdown is parsed again only when its text or the set of pages and files it can
/// link to changed; it is rendered again only when its own inputs changed: its body, the
/// titles/URLs/descriptions/order of the site (shown in the sidebar, pager, breadcrumbs), its
/// backlinks or related pages, the config or the theme. The result is byte-identical to a full
/// build (tested).
pub struct BuildCache {
    /// A one-off build (the CLI) keeps nothing, so it pays for no hashing or copies.
    enabled: bool,
    /// Leave the search index to be assembled on demand ([`BuiltSite::search`]).
    defer_search: bool,
    markdown: HashMap<String, (u64, Arc<Rendered>)>,
    files: load::ReadCache,
    front_matter: content::ParseCache,
    /// Hash of each page's text, by file, while its text is the same shared text.
    text_hashes: HashMap<String, (Arc<str>, u64)>,
    pages: HashMap<String, (u64, bytes::Bytes)>,
    search: HashMap<String, (u64, search::PageIndex)>,
}

impl Default for BuildCache {
    fn default() -> Self {
        BuildCache {
            enabled: true,
            defer_search: false,
            files: load::ReadCache::default(),
            front_matter: content::ParseCache::default(),
            text_hashes: HashMap::new(),
            markdown: HashMap::new(),
            pages: HashMap::new(),
            search: HashMap::new(),
        }
    }
}

impl BuildCache {
    /// A cache that remembers nothing (for one-off builds).
    pub fn disabled() -> Self {
        BuildCache { enabled: false, ..BuildCache::default() }
    }

    /// Tells the next build that these paths (absolute, from a file watcher) changed; reported
    /// for every batch, they spare the build a walk of `content/`. Without it, a build walks.
    pub fn changed(&mut self, paths: &[PathBuf]) {
        self.files.changed(paths);
    }

    /// Tells the next build that the watcher may have missed changes: it walks `content/`.
    pub fn lost_track(&mut self) {
        self.files.lost_track();
    }

    /// A cache whose builds return the search index unassembled (for `serve`).
    pub fn deferring_search() -> Self {
        BuildCache { defer_search: true, ..BuildCache::default() }
    }
}

fn hash_of<T: Hash + ?Sized>(x: &T) -> u64 {
    // Fixed seeds: stable within a process, which is all the cache needs; much faster than SipHash.
    ahash::RandomState::with_seeds(1, 2, 3, 4).hash_one(x)
}

/// Builds the whole site in memory. Errors from every stage that could run are reported together.
pub fn build_site(opts: &BuildOptions) -> Result<BuiltSite, Diagnostics> {
    build_site_cached(opts, &mut BuildCache::disabled())
}

/// [`build_site`], reusing and refreshing `cache`.
pub fn build_site_cached(opts: &BuildOptions, cache: &mut BuildCache) -> Result<BuiltSite, Diagnostics> {
    build_inner(opts, cache, None).map(|(site, _)| site)
}

/// The pipeline. With `out_dir`, every file is written to a staging folder as soon as it exists
/// (the returned site keeps only paths), which the caller commits; without it, the site stays
/// in memory. Any error drops the staging folder and leaves the previous output untouched.
fn build_inner(
    opts: &BuildOptions,
    cache: &mut BuildCache,
    out_dir: Option<&std::path::Path>,
) -> Result<(BuiltSite, Option<output::Staging>), Diagnostics> {
    let root = &opts.root;
    let mut stage = Stages::new(opts.timings);
    let progress = crate::progress::Progress::start(opts.progress);
    let mut config = Config::load(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = crate::config::normalize_base_url(url)
            .map_err(|hint| Diagnostic::error(None, format!("invalid --base-url `{url}`")).hint(hint))?;
    }
    let base_path = config.base_path();
    let files = load::load_content_cached(root, cache.enabled.then_some(&mut cache.files))?;
    stage.done("read content");
    let mut warnings = Diagnostics(files.warnings.clone());
    let assets: Vec<(String, Vec<u8>)> = read_assets(&files.assets)?;
    let (mut content, mut errors) =
        content::build_content_cached(files, opts.drafts, cache.enabled.then_some(&mut cache.front_matter));
    stage.done("front matter, order");
    let theme = templates::load_theme(root, &config.theme, &base_path);
    stage.done("assets, theme");

    let mut map = SiteMap { base_path: base_path.clone(), ..Default::default() };
    let known = content.pages.iter().map(|p| (&p.source, &p.path)).chain(content.broken.iter().map(|(s, p)| (s, p)));
    for (source, path) in known {
        map.page_by_source.insert(source.clone(), path.clone());
        map.source_by_path.insert(path.clone(), source.clone());
    }
    for (rel, bytes) in &assets {
        map.assets.insert(rel.clone());
        if let Some(size) = crate::images::size(rel, bytes) {
            map.image_sizes.insert(rel.clone(), size);
        }
    }
    let map_key = {
        // Pages in reading order and broken ones in file order: deterministic without sorting
        // (a changed order only makes the key more conservative).
        let pages: Vec<_> = content
            .pages
            .iter()
            .map(|p| (&p.source, &p.path))
            .chain(content.broken.iter().map(|(s, p)| (s, p)))
            .collect();
        let mut sizes: Vec<_> = map.image_sizes.iter().collect();
        sizes.sort();
        let mut assets: Vec<_> = map.assets.iter().collect();
        assets.sort();
        hash_of(&(&base_path, pages, sizes, assets))
    };
    let caching = cache.enabled;
    let md_keys: Vec<u64> = if caching {
        let known = &cache.text_hashes;
        let text_hashes: Vec<u64> = content
            .pages
            .par_iter()
            .map(|p| match known.get(&p.source).filter(|(t, _)| Arc::ptr_eq(t, &p.text)) {
                Some((_, h)) => *h,
                None => hash_of(&*p.text),
            })
            .collect();
        refresh(
            &mut cache.text_hashes,
            content.pages.iter().zip(&text_hashes).map(|(p, h)| (&p.source, (&p.text, *h))),
            |(text, old), (new_text, h)| old == h && Arc::ptr_eq(text, new_text),
            |(text, h)| (Arc::clone(text), h),
        );
        text_hashes.iter().map(|h| hash_of(&(map_key, h))).collect()
    } else {
        vec![0; content.pages.len()]
    };
    progress.stage("markdown", content.pages.len());
    let urls = render::page_urls(&base_path, &content);
    let render_page = |p: &content::Page| {
        let input = PageInput { source: &p.source, shown: &p.shown, text: &p.text, body_offset: p.body_offset };
        markdown::render(&input, &map)
    };
    // A one-off build tokenizes each run of pages for search as soon as its Markdown is
    // rendered, then drops the sections' text (see search::RunIndex).
    let mut index_runs: Vec<search::RunIndex> = Vec::new();
    let mut rendered: Vec<Arc<Rendered>> = if !caching && config.search {
        let runs: Vec<(Vec<Arc<Rendered>>, search::RunIndex)> = search::page_runs(content.pages.len())
            .into_par_iter()
            .map(|run| {
                let mut pages: Vec<Rendered> = content.pages[run.clone()]
                    .iter()
                    .map(|p| {
                        progress.tick();
                        render_page(p)
                    })
                    .collect();
                let shown: Vec<(&str, &str, &Rendered)> = run
                    .clone()
                    .zip(&pages)
                    .map(|(i, r)| (content.pages[i].fm.title.as_str(), urls[i].as_str(), r))
                    .collect();
                let index = search::RunIndex::new(&shown);
                drop(shown);
                for s in pages.iter_mut().flat_map(|r| r.sections.iter_mut()) {
                    s.text = String::new();
                }
                (pages.into_iter().map(Arc::new).collect(), index)
            })
            .collect();
        let mut all = Vec::with_capacity(content.pages.len());
        for (pages, index) in runs {
            all.extend(pages);
            index_runs.push(index);
        }
        all
    } else {
        content
            .pages
            .par_iter()
            .zip(&md_keys)
            .map(|(p, key)| {
                progress.tick();
                match cache.markdown.get(&p.source) {
                    Some((k, r)) if caching && k == key => Arc::clone(r),
                    _ => Arc::new(render_page(p)),
                }
            })
            .collect()
    };
    let parsed = content
        .pages
        .iter()
        .zip(&md_keys)
        .filter(|(p, key)| !caching || cache.markdown.get(&p.source).is_none_or(|(k, _)| k != *key))
        .count();
    for r in &rendered {
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors.push(d.clone()),
                Severity::Warning => warnings.push(d.clone()),
            }
        }
    }
    stage.done("markdown");
    let (graph, link_diags) = link::link(&content, &rendered);
    stage.done("link and verify");
    for d in link_diags.0 {
        match d.severity {
            Severity::Error => errors.push(d),
            Severity::Warning => warnings.push(d),
        }
    }
    let theme = match theme {
        Ok(t) => Some(t),
        Err(d) => {
            errors.0.extend(d.0);
            None
        }
    };
    let Some(theme) = theme.filter(|_| !errors.has_errors()) else {
        errors.sort();
        return Err(errors);
    };
    // Everything every page shows about the others, plus config and theme. Each page's share is
    // hashed on its own, in parallel: hashed as one value on one thread, it was 9% of `serve`'s
    // CPU on a 10,000-page site.
    let fingerprints: Vec<u64> = if caching {
        let shares: Vec<u64> = content
            .pages
            .par_iter()
            .zip(&rendered)
            .map(|(p, r)| {
                hash_of(&(
                    &p.fm.title,
                    &p.path,
                    &p.fm.description,
                    &r.summary,
                    p.fm.draft,
                    p.fm.date.as_ref(),
                    p.fm.updated.as_ref(),
                ))
            })
            .collect();
        let shape = hash_of(&(format!("{config:?}"), theme.fingerprint, opts.serve, shares, &content.parent));
        (0..content.pages.len())
            .map(|i| hash_of(&(shape, md_keys[i], &graph.backlinks[i], &graph.related[i])))
            .collect()
    } else {
        Vec::new()
    };
    let reuse: Vec<Option<&bytes::Bytes>> = content
        .pages
        .iter()
        .zip(&fingerprints)
        .map(|(p, fp)| cache.pages.get(&p.output).filter(|(f, _)| f == fp).map(|(_, b)| b))
        .collect();
    let rerendered = content.pages.len() - reuse.iter().filter(|r| r.is_some()).count();
    let input = RenderInput {
        config: &config,
        content: &content,
        rendered: &rendered,
        graph: &graph,
        theme: &theme,
        urls: &urls,
        reuse: &reuse,
        sink: None,
        serve: opts.serve,
        progress: Some(&progress),
    };
    progress.stage("render", content.pages.len());
    // Everything is verified: only now start writing (so a site with errors touches nothing).
    let mut staging = out_dir.map(output::Staging::begin).transpose()?;
    if let Some(st) = &mut staging {
        st.make_dirs(content.pages.iter().map(|p| p.output.as_str()))?;
    }
    let input = RenderInput { sink: staging.as_ref(), ..input };
    let mut out = render::render_site(&input)?;
    stage.done("render and write pages");
    // Files from here on are not written yet (render_site wrote its own to the sink).
    let first_unwritten = out.len();
    if caching {
        // Refresh the cache with this build's results.
        refresh(
            &mut cache.markdown,
            content.pages.iter().zip(&md_keys).zip(&rendered).map(|((p, k), r)| (&p.source, (*k, r))),
            |(old_k, old), (k, r)| old_k == k && Arc::ptr_eq(old, r),
            |(k, r)| (k, Arc::clone(r)),
        );
        // render_site returns the pages first, in order.
        refresh(
            &mut cache.pages,
            content
                .pages
                .iter()
                .zip(&fingerprints)
                .zip(&out)
                .filter(|((p, _), f)| f.path == p.output)
                .map(|((p, fp), f)| (&p.output, (*fp, &f.data))),
            // The same bytes: a reused page's are a clone of the cached ones.
            |(old_fp, old), (fp, data)| old_fp == fp && crate::cache::shares(old, data),
            |(fp, data)| (fp, data.clone()),
        );
    }
    if !caching {
        // A one-off build needs neither the page sources nor their HTML any more. Given back to
        // the allocator, the search stage reuses them instead of touching new pages (page
        // faults are a tenth of a large build's CPU time).
        for r in &mut rendered {
            if let Some(r) = Arc::get_mut(r) {
                r.html = String::new();
            }
        }
        for p in &mut content.pages {
            p.text = Arc::from("");
        }
    }
    let mut deferred = None;
    if !config.search {
        // No index and no search box.
    } else if caching {
        // Tokenize only pages whose text, title or URL changed.
        let titles: Vec<&str> = content.pages.iter().map(|p| p.fm.title.as_str()).collect();
        let keys: Vec<u64> = (0..content.pages.len()).map(|i| hash_of(&(md_keys[i], titles[i], &urls[i]))).collect();
        let per_page: Vec<search::PageIndex> = (0..content.pages.len())
            .into_par_iter()
            .map(|i| match cache.search.get(&content.pages[i].source) {
                Some((k, idx)) if *k == keys[i] => idx.clone(),
                _ => search::page_index(titles[i], &urls[i], &rendered[i]),
            })
            .collect();
        refresh(
            &mut cache.search,
            content.pages.iter().zip(keys).zip(&per_page).map(|((p, k), idx)| (&p.source, (k, idx))),
            |(old_k, old), (k, idx)| old_k == k && old.shares(idx),
            |(k, idx)| (k, idx.clone()),
        );
        if cache.defer_search {
            deferred = Some(search::Deferred::new(per_page));
        } else {
            out.extend(search::assemble(&per_page));
        }
    } else {
        // Tokenized with the Markdown above.
        out.extend(search::finish_runs(index_runs));
    }
    stage.done("search index");
    if let Some(xml) = seo::sitemap(&config, &content, &urls) {
        out.push(OutputFile { path: "sitemap.xml".into(), data: xml.into() });
    }
    out.push(OutputFile { path: "robots.txt".into(), data: seo::robots(&config).into() });
    let pages = content.pages.len();
    let n_assets = assets.len() + theme.assets.len();
    out.extend(theme.assets.iter().map(|(p, d)| OutputFile { path: p.clone(), data: d.clone().into() }));
    out.extend(assets.into_iter().map(|(path, data)| OutputFile { path, data: data.into() }));
    if let Some(st) = &mut staging {
        // Pages are already written; the rest (index, assets, sitemap) goes now.
        let rest = out.split_off(first_unwritten);
        st.make_dirs(rest.iter().map(|f| f.path.as_str()))?;
        let st = &*st;
        let rest = rest.into_par_iter().map(|f| render::emit(Some(st), f)).collect::<Result<Vec<_>, _>>()?;
        out.extend(rest);
    }
    stage.done("write the rest");
    out.sort_by(|a, b| a.path.cmp(&b.path));
    for w in out.windows(2) {
        if w[0].path == w[1].path {
            // Name the page's own file when a page collides (`content/print.md` against the
            // print page), not its output path `content/print/index.html`, which does not exist
            // (found by the `site` fuzz target, kept in tests/fuzz_regressions.rs).
            let file = content
                .pages
                .iter()
                .find(|p| p.output == w[0].path)
                .map_or_else(|| PathBuf::from(format!("content/{}", w[0].path)), |p| p.shown.clone());
            errors.push(
                Diagnostic::error(Some(file), format!("two outputs have the same path `{}`", w[0].path))
                    .hint("a content file collides with a page or a theme asset; rename it"),
            );
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    if caching {
        cache.front_matter.keep(content);
    } else {
        // A one-off build ends here: freeing the site's half a million allocations took 60 ms
        // of one core at 10,000 pages, after the last file was written. A thread frees them
        // while the caller swaps the output in; a process that exits first just stops it.
        let parts = (content, rendered, graph, map, urls, theme);
        std::thread::spawn(move || drop(parts));
    }
    warnings.sort();
    Ok((
        BuiltSite { files: out, pages, assets: n_assets, warnings, parsed, rendered: rerendered, search: deferred },
        staging,
    ))
}

/// Wall time per stage, printed by `build --timings`.
struct Stages(Option<(Instant, Option<f64>)>);

impl Stages {
    fn new(on: bool) -> Self {
        Stages(on.then(|| (Instant::now(), cpu_seconds())))
    }

    /// Prints the time since the previous stage ended, how many cores it kept busy on average
    /// (a stage well under the core count has serial work or waits), and the memory in use and
    /// at its peak.
    fn done(&mut self, name: &str) {
        if let Some((t, cpu)) = self.0 {
            let wall = t.elapsed().as_secs_f64();
            let now = cpu_seconds();
            let cores = match (cpu, now) {
                (Some(a), Some(b)) if wall > 0.0 => format!("  {:4.1} cores", (b - a) / wall),
                _ => String::new(),
            };
            eprintln!("{name:>24}: {:8.1} ms{cores}{}", wall * 1e3, memory());
            self.0 = Some((Instant::now(), cpu_seconds()));
        }
    }
}

/// CPU time (user and system) of the whole process so far, in seconds; None where unknown.
fn cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        // SAFETY: getrusage writes one rusage struct through a pointer valid for the call.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
            return None;
        }
        let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
        Some(secs(u.ru_utime) + secs(u.ru_stime))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// `  rss … MB, peak … MB` from `/proc/self/status`; empty where there is no such file.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mb = |key: &str| {
        let line = status.lines().find(|l| l.starts_with(key))?;
        let kb: u64 = line[key.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kb / 1024)
    };
    match (mb("VmRSS:"), mb("VmHWM:")) {
        (Some(rss), Some(peak)) => format!("   rss {rss:5} MB, peak {peak:5} MB"),
        _ => String::new(),
    }
}

fn read_assets(files: &[content::AssetFile]) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let results: Vec<Result<(String, Vec<u8>), Diagnostic>> = files
        .par_iter()
        .filter(|a| a.abs.exists()) // deleted since the folder was listed: gone, not an error
        .map(|a| {
            std::fs::read(&a.abs).map(|b| (a.rel.clone(), b)).map_err(|e| {
                Diagnostic::error(Some(PathBuf::from(format!("content/{}", a.rel))), format!("cannot read file: {e}"))
                    .hint("make the file readable or remove it")
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
}

/// Builds the site and replaces the output folder atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let out_dir = opts.output_dir();
    output::check_output_dir(&opts.root, &out_dir)?;
    let (site, staging) = build_inner(opts, &mut BuildCache::disabled(), Some(&out_dir))?;
    if let Some(staging) = staging {
        let mut stage = Stages::new(opts.timings);
        staging.commit(site.files.iter().map(|f| f.path.as_str()))?;
        stage.done("prune, swap in");
    }
    Ok(BuildReport {
        pages: site.pages,
        assets: site.assets,
        millis: start.elapsed().as_millis(),
        warnings: site.warnings,
        output: out_dir,
    })
}
