//! Criterion micro-benchmarks of the hot stages of a build, for finding what to optimize and
//! checking that a change helped: Markdown rendering, search tokenizing, front matter, a whole
//! in-memory build of the guide, and `serve`'s rebuild after one page's body changed.
//!
//! Run with `cargo bench --bench stages` (or `-- rebuild` for one group). The rebuild group uses a
//! generated 1,000-page site; `STAGES_SITE=DIR` measures that site instead (copied first), e.g.
//! the 10,000-page corpus at `/tmp/tebiki-bench/10000/tebiki` from `benches/harness/run.sh`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tebiki::internals as search;
use tebiki::internals::{PageInput, SiteMap};
use tebiki::{BuildCache, BuildOptions};

/// A long page from the guide: Japanese prose, headings, lists, links.
fn guide_page() -> (String, usize) {
    let text = std::fs::read_to_string(common::repo().join("content/risks.md")).expect("content/risks.md");
    let (_, split) =
        tebiki::internals::front_matter::parse(Path::new("content/risks.md"), &text).expect("front matter");
    let offset = split.body_offset;
    (text, offset)
}

fn site_map() -> SiteMap {
    SiteMap { base_path: "/".into(), ..SiteMap::default() }
}

fn page_stages(c: &mut Criterion) {
    let (text, body_offset) = guide_page();
    let input = PageInput { source: "risks.md", shown: Path::new("content/risks.md"), text: &text, body_offset };
    let map = site_map();
    c.bench_function("markdown/render_guide_page", |b| b.iter(|| tebiki::internals::render_markdown(&input, &map)));
    let rendered = tebiki::internals::render_markdown(&input, &map);
    c.bench_function("search/page_index_guide_page", |b| {
        b.iter(|| search::page_index("転職エージェントをバックレるリスク", "/risks/", &rendered))
    });
    let body = &text[body_offset..];
    c.bench_function("search/tokens_guide_page", |b| b.iter(|| search::tokens(body)));
    c.bench_function("front_matter/parse_guide_page", |b| {
        b.iter(|| tebiki::internals::front_matter::parse(Path::new("content/risks.md"), &text).ok().map(|(fm, _)| fm))
    });
}

fn guide_build(c: &mut Criterion) {
    let (_dir, root) = common::guide();
    let opts = BuildOptions { root, ..BuildOptions::default() };
    c.bench_function("build/guide_in_memory", |b| b.iter(|| tebiki::build_site(&opts).expect("guide builds")));
}

/// `serve`'s rebuild: one page's body changes, the watcher names it, the cache redoes the rest.
fn rebuild(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    let (name, page) = match std::env::var_os("STAGES_SITE") {
        Some(site) => {
            let site = PathBuf::from(site);
            common::copy_dir(&site.join("content"), &root.join("content"));
            std::fs::copy(site.join("site.yaml"), root.join("site.yaml")).expect("site.yaml");
            (format!("rebuild/one_edit_{}", site.display()), middle_page(&root))
        }
        None => {
            common::generate_site(&root, 10, 99);
            ("rebuild/one_edit_1000_pages".to_string(), root.join("content/sec3/p042.md"))
        }
    };
    let original = std::fs::read_to_string(&page).expect("page to edit");
    let opts = BuildOptions { root: root.clone(), drafts: true, serve: true, ..BuildOptions::default() };
    let mut cache = BuildCache::deferring_search();
    tebiki::build_site_cached(&opts, &mut cache).expect("site builds");
    let mut n = 0u64;
    let mut group = c.benchmark_group("rebuild");
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    group.bench_function(name.trim_start_matches("rebuild/"), |b| {
        b.iter_batched(
            || {
                n += 1;
                common::atomic_save(
                    &root,
                    page.strip_prefix(&root).unwrap().to_str().unwrap(),
                    &format!("{original}\n編集{n}\n"),
                );
            },
            |()| {
                cache.changed(std::slice::from_ref(&page));
                let site = tebiki::build_site_cached(&opts, &mut cache).expect("site rebuilds");
                assert_eq!(site.rendered, 1, "only the edited page is rendered again");
                site
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// The middle non-index page of a site, by path.
fn middle_page(root: &Path) -> PathBuf {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md"))
        .collect();
    pages.sort();
    pages.swap_remove(pages.len() / 2)
}

criterion_group!(benches, page_stages, guide_build, rebuild);
criterion_main!(benches);
