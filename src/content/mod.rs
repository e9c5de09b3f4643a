//! The content model: pages with their front matter, URLs and place in the reading order.

pub mod front_matter;
pub mod load;
mod sections;
pub(crate) mod statics;

use ahash::AHashMap as HashMap;

use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::tr;
pub use front_matter::FrontMatter;
pub use load::{AssetFile, ContentFiles, PageFile};

/// One Markdown page with its metadata (the body is parsed later).
#[derive(Debug, Clone)]
pub struct Page {
    /// Source path relative to `content/`: `risks.md`.
    pub source: String,
    /// Path shown in diagnostics: `content/risks.md`.
    pub shown: PathBuf,
    /// The whole file text (LF, no BOM), kept for diagnostics.
    pub text: std::sync::Arc<str>,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
    /// Parsed front matter.
    pub fm: std::sync::Arc<FrontMatter>,
    /// URL path relative to the base path: `""` for home, `risks/`.
    pub path: String,
    /// Output file relative to the output folder: `risks/index.html`.
    pub output: String,
}

impl Page {
    /// The source folder relative to `content/`, ending with `/` (or empty).
    pub fn source_dir(&self) -> &str {
        match self.source.rfind('/') {
            Some(i) => &self.source[..=i],
            None => "",
        }
    }
    /// Whether this is a folder's `_index.md`.
    pub fn is_index(&self) -> bool {
        self.source == "_index.md" || self.source.ends_with("/_index.md")
    }
}

/// All pages in reading order, with the tree that orders them.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Pages in reading order (depth-first: a page, then its children). Index 0 is home.
    pub pages: Vec<Page>,
    /// Parent of each page (None for home).
    pub parent: Vec<Option<usize>>,
    /// Children of each page, in order.
    pub children: Vec<Vec<usize>>,
    /// Depth of each page in the tree (home 0, its children 1...).
    pub depth: Vec<usize>,
    /// Page index by source path.
    pub by_source: HashMap<String, usize>,
    /// Non-Markdown files.
    pub assets: Vec<AssetFile>,
    /// Pages left out because their front matter is broken: (source, URL path).
    pub broken: Vec<(String, String)>,
    /// Drafts left out of the build (no `--drafts`): (source, URL path).
    pub drafts: Vec<(String, String)>,
}

/// Front matter parsed by earlier builds, by file, reused while the file's text is the very
/// same (shared) text: `serve` parses only the files that changed.
///
/// It also keeps the last build's [`Content`] (handed back with [`ParseCache::keep`]): when the
/// watcher's files keep their front matter, only page bodies changed, and [`ParseCache::patch`]
/// reuses the pages, URLs and reading order instead of working them out for every page again.
#[derive(Debug, Default)]
pub struct ParseCache {
    parsed: HashMap<String, (Arc<str>, Parsed)>,
    last: Option<LastContent>,
}

impl ParseCache {
    /// Keeps a finished build's content for the next build.
    pub fn keep(&mut self, content: Content) {
        if let Some(last) = &mut self.last {
            last.content = Some(content);
        }
    }

    /// The last build's content with these files' new texts, when they are all files it had
    /// and their front matter is the same: an edit to page bodies only (most edits) then costs
    /// the files that changed, not a pass over every page. None when the content must be built
    /// again ([`build_content`]), which then finds the front matter parsed here.
    pub(crate) fn patch(&mut self, changed: Vec<PageFile>, drafts: bool) -> Option<Content> {
        let last = self.last.as_mut().filter(|l| l.drafts == drafts && l.content.is_some())?;
        let mut updates = Vec::with_capacity(changed.len());
        for f in changed {
            let i = last.files.iter().position(|(rel, _, _)| *rel == f.rel)?;
            match front_matter::parse(&f.shown, &f.text) {
                // The same front matter keeps its shared copy: later stages compare it by identity.
                Ok((fm, split)) if *last.files[i].1 == fm => updates.push((i, split.body_offset, f)),
                other => {
                    let parsed: Parsed = other.map(|(fm, split)| (Arc::new(fm), split.body_offset));
                    self.parsed.insert(f.rel, (f.text, parsed));
                    return None;
                }
            }
        }
        let content = last.content.as_mut()?;
        for (i, body_offset, f) in updates {
            let (_, fm, page) = &last.files[i];
            let parsed: Parsed = Ok((Arc::clone(fm), body_offset));
            if let Some(j) = *page {
                let page = &mut content.pages[j];
                page.text = Arc::clone(&f.text);
                page.body_offset = body_offset;
            }
            self.parsed.insert(f.rel, (f.text, parsed));
        }
        last.content.take()
    }
}

/// What the last content was made from, and the content once the build hands it back.
#[derive(Debug)]
struct LastContent {
    drafts: bool,
    /// Each file in walk order: its path, front matter, and its page's index (None for a draft).
    files: Vec<(String, Arc<FrontMatter>, Option<usize>)>,
    content: Option<Content>,
}

/// A file's front matter and where its body starts, or why it could not be parsed.
type Parsed = Result<(Arc<FrontMatter>, usize), Diagnostic>;

/// Whether two parse results are the very same front matter (not merely equal ones).
fn same_parsed(a: &Parsed, b: &Parsed) -> bool {
    matches!((a, b), (Ok((x, i)), Ok((y, j))) if Arc::ptr_eq(x, y) && i == j)
}

/// Turns loaded files into pages: front matter, URLs, duplicates, order.
///
/// Drafts are dropped unless `drafts` is set. All errors are collected. Pages whose front
/// matter is broken are left out of the returned content (so the rest can still be checked)
/// and listed in `Content::broken` so links to them are not reported as broken too.
///
/// `cache` (serve) is reused and refreshed when given.
pub fn build_content(files: ContentFiles, drafts: bool, mut cache: Option<&mut ParseCache>) -> (Content, Diagnostics) {
    let mut errors = Diagnostics::default();
    let mut pages = Vec::with_capacity(files.pages.len());
    let mut broken = Vec::new();
    let mut broken_sources = Vec::new();
    let mut left_out = Vec::new();
    let has_home = files.pages.iter().any(|f| f.rel == "_index.md");
    let (parsed, remembered) = parse_front_matter(files.pages, cache.as_deref_mut());
    for (result, f) in parsed {
        match result {
            Ok((fm, body_offset)) => {
                if fm.draft && !drafts {
                    left_out.push((url_of(&f.rel, fm.slug.as_deref()).0, f.rel));
                    continue;
                }
                let (path, output) = url_of(&f.rel, fm.slug.as_deref());
                pages.push(Page { source: f.rel, shown: f.shown, text: f.text, body_offset, fm, path, output });
            }
            Err(d) => {
                errors.push(d);
                broken.push(url_of(&f.rel, None).0);
                broken_sources.push(f.rel);
            }
        }
    }
    check_outputs(&pages, &files.assets, has_home, &mut errors);
    if !pages.iter().any(|p| p.source == "_index.md") {
        let broken = broken_sources.into_iter().zip(broken).collect();
        return (Content { broken, ..Content::default() }, errors);
    }
    let automatic =
        sections::missing(&pages, |s| broken_sources.iter().chain(left_out.iter().map(|(_, s)| s)).any(|b| b == s));
    let automatic_sources: Vec<String> = automatic.iter().map(|p| p.source.clone()).collect();
    pages.extend(automatic);
    let broken = broken_sources.into_iter().zip(broken).collect();
    let mut content = order(pages, files.assets);
    sections::fill(&mut content, &automatic_sources);
    content.broken = broken;
    content.drafts = left_out.into_iter().map(|(path, source)| (source, path)).collect();
    if let Some(c) = cache {
        // Remembered only when every file parsed and nothing collided: the content to reuse
        // must be one a build can succeed with.
        c.last = errors.0.is_empty().then(|| LastContent {
            drafts,
            files: remembered
                .into_iter()
                .map(|(rel, fm)| {
                    let page = content.by_source.get(&rel).copied();
                    (rel, fm, page)
                })
                .collect(),
            content: None,
        });
    }
    (content, errors)
}

/// Each page's front matter by source, as `serve`'s cache remembers it.
type Remembered = Vec<(String, Arc<FrontMatter>)>;

/// Each page's front matter, parsed in parallel (YAML is a noticeable cost on large sites), or
/// taken from `cache` where the text is the same; with a cache, also what it remembers of each
/// page that parsed.
fn parse_front_matter(files: Vec<PageFile>, cache: Option<&mut ParseCache>) -> (Vec<(Parsed, PageFile)>, Remembered) {
    let known = cache.as_deref();
    let parsed: Vec<(Parsed, PageFile)> = files
        .into_par_iter()
        .map(|f| {
            let hit = known.and_then(|c| c.parsed.get(&f.rel)).filter(|(t, _)| Arc::ptr_eq(t, &f.text));
            let result = match hit {
                Some((_, r)) => r.clone(),
                None => front_matter::parse(&f.shown, &f.text).map(|(fm, sp)| (Arc::new(fm), sp.body_offset)),
            };
            (result, f)
        })
        .collect();
    let Some(c) = cache else { return (parsed, Vec::new()) };
    crate::refresh::refresh(
        &mut c.parsed,
        parsed.iter().map(|(r, f)| (&f.rel, (&f.text, r))),
        |(text, old), (new_text, new)| Arc::ptr_eq(text, new_text) && same_parsed(old, new),
        |(text, r)| (Arc::clone(text), r.clone()),
    );
    let remembered =
        parsed.iter().filter_map(|(r, f)| Some((f.rel.clone(), Arc::clone(&r.as_ref().ok()?.0)))).collect();
    (parsed, remembered)
}

/// Two files, or a file and a slug, must not claim the same output; the home page must exist.
fn check_outputs(pages: &[Page], assets: &[AssetFile], has_home: bool, errors: &mut Diagnostics) {
    let mut seen: HashMap<&str, &Page> = HashMap::new();
    for p in pages {
        if let Some(other) = seen.insert(p.output.as_str(), p) {
            errors.push(
                Diagnostic::error(
                    Some(p.shown.clone()),
                    tr(
                        format!("duplicate URL `/{}`: `{}` already uses it", p.path, other.shown.display()),
                        format!("URL `/{}` が重複しています：`{}` がすでに使っています", p.path, other.shown.display()),
                    ),
                )
                .code("duplicate-url")
                .hint(tr(
                    "rename one of the files or give one a different `slug`",
                    "どちらかのファイル名を変えるか、別の `slug` を付けてください",
                )),
            );
        }
    }
    let asset_outputs: Vec<&AssetFile> = assets.iter().filter(|a| seen.contains_key(a.rel.as_str())).collect();
    for a in asset_outputs {
        errors.push(
            Diagnostic::error(
                Some(PathBuf::from(format!("content/{}", a.rel))),
                tr(
                    format!("file `{}` has the same output path as a page", a.rel),
                    format!("ファイル `{}` の出力先がページと同じです", a.rel),
                ),
            )
            .code("output-collision")
            .hint(tr("rename the file or the page", "ファイルかページの名前を変えてください")),
        );
    }
    if !has_home {
        errors.push(
            Diagnostic::error(
                Some(PathBuf::from("content/_index.md")),
                tr("the home page is missing", "トップページがありません"),
            )
            .code("home-missing")
            .hint(tr(
                "create `content/_index.md` with a front matter `title`",
                "フロントマターに `title` を書いた `content/_index.md` を作ってください",
            )),
        );
    }
}

/// `a/b.md` → (`a/b/`, `a/b/index.html`); `a/_index.md` → (`a/`, `a/index.html`).
pub fn url_of(rel: &str, slug: Option<&str>) -> (String, String) {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let path = if stem == "_index" {
        String::new()
    } else if let Some(dir) = stem.strip_suffix("/_index") {
        format!("{dir}/")
    } else {
        let (dir, name) = match stem.rfind('/') {
            Some(i) => (&stem[..=i], &stem[i + 1..]),
            None => ("", stem),
        };
        format!("{dir}{}/", slug.unwrap_or(name))
    };
    let output = format!("{path}index.html");
    (path, output)
}

/// Builds the tree (parent = nearest ancestor folder's `_index.md`) and the depth-first order.
fn order(pages: Vec<Page>, assets: Vec<AssetFile>) -> Content {
    let index_of_dir: HashMap<String, usize> =
        pages.iter().enumerate().filter(|(_, p)| p.is_index()).map(|(i, p)| (p.source_dir().to_string(), i)).collect();
    let n = pages.len();
    let mut parent = vec![None; n];
    for (i, p) in pages.iter().enumerate() {
        if p.source == "_index.md" {
            continue;
        }
        // Start from the page's own folder (or the folder above, for an _index.md).
        let mut dir = p.source_dir().to_string();
        if p.is_index() {
            dir = parent_dir(&dir);
        }
        loop {
            if let Some(&j) = index_of_dir.get(&dir) {
                if j != i {
                    parent[i] = Some(j);
                    break;
                }
            }
            if dir.is_empty() {
                break;
            }
            dir = parent_dir(&dir);
        }
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, p) in parent.iter().enumerate() {
        if let Some(p) = p {
            children[*p].push(i);
        }
    }
    let key =
        |i: &usize| (pages[*i].fm.weight.unwrap_or(i64::MAX), pages[*i].fm.title.clone(), pages[*i].source.clone());
    for c in &mut children {
        c.sort_by_cached_key(key);
    }
    // Depth-first from home.
    let home = pages.iter().position(|p| p.source == "_index.md").unwrap_or(0);
    let mut seq = Vec::with_capacity(n);
    let mut depth_old = vec![0usize; n];
    let mut stack = vec![(home, 0usize)];
    while let Some((i, d)) = stack.pop() {
        seq.push(i);
        depth_old[i] = d;
        for &c in children[i].iter().rev() {
            stack.push((c, d + 1));
        }
    }
    let mut new_index = vec![usize::MAX; n];
    for (new, &old) in seq.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Page>> = pages.into_iter().map(Some).collect();
    let pages: Vec<Page> = seq.iter().filter_map(|&old| slots[old].take()).collect();
    let parent = seq.iter().map(|&old| parent[old].map(|p| new_index[p])).collect();
    let children = seq.iter().map(|&old| children[old].iter().map(|&c| new_index[c]).collect()).collect();
    let depth = seq.iter().map(|&old| depth_old[old]).collect();
    let by_source = pages.iter().enumerate().map(|(i, p)| (p.source.clone(), i)).collect();
    Content { pages, parent, children, depth, by_source, assets, broken: Vec::new(), drafts: Vec::new() }
}

fn parent_dir(dir: &str) -> String {
    let t = dir.trim_end_matches('/');
    match t.rfind('/') {
        Some(i) => t[..=i].to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, fm: &str) -> PageFile {
        PageFile {
            rel: rel.into(),
            shown: PathBuf::from(format!("content/{rel}")),
            text: format!("---\n{fm}\n---\n本文\n").into(),
        }
    }

    #[test]
    fn urls_are_pretty_and_slug_replaces_last_segment() {
        assert_eq!(url_of("_index.md", None), ("".into(), "index.html".into()));
        assert_eq!(url_of("risks.md", None), ("risks/".into(), "risks/index.html".into()));
        assert_eq!(url_of("a/_index.md", None), ("a/".into(), "a/index.html".into()));
        assert_eq!(url_of("a/b.md", Some("c")), ("a/c/".into(), "a/c/index.html".into()));
    }

    #[test]
    fn reading_order_follows_weight_depth_first() {
        let files = ContentFiles {
            pages: vec![
                file("_index.md", "title: ホーム"),
                file("b.md", "title: B\nweight: 1"),
                file("a/_index.md", "title: A\nweight: 2"),
                file("a/x.md", "title: X"),
                file("c.md", "title: C\nweight: 3"),
            ],
            ..Default::default()
        };
        let (c, e) = build_content(files, false, None);
        assert!(e.0.is_empty());
        let order: Vec<&str> = c.pages.iter().map(|p| p.fm.title.as_str()).collect();
        assert_eq!(order, ["ホーム", "B", "A", "X", "C"]);
        assert_eq!(c.parent[3], Some(2));
        assert_eq!(c.depth[3], 2);
    }

    #[test]
    fn duplicate_urls_from_slug_are_errors() {
        let files = ContentFiles {
            pages: vec![
                file("_index.md", "title: H"),
                file("risks.md", "title: R"),
                file("z.md", "title: Z\nslug: risks"),
            ],
            ..Default::default()
        };
        let (_, e) = build_content(files, false, None);
        assert!(e.0[0].message.contains("duplicate URL `/risks/`"), "{}", e);
    }

    #[test]
    fn drafts_are_left_out_unless_asked() {
        let files = || ContentFiles {
            pages: vec![file("_index.md", "title: H"), file("d.md", "title: D\ndraft: true")],
            ..Default::default()
        };
        assert_eq!(build_content(files(), false, None).0.pages.len(), 1);
        assert_eq!(build_content(files(), true, None).0.pages.len(), 2);
    }
}
