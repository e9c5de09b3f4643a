//! Walks `content/` and reads files: Markdown pages as normalized text, everything else as assets.

use ahash::AHashMap as HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::tr;
use crate::source::{cannot_read, is_ignored_name, read_open, read_text, CONTENT_DIR};

/// A Markdown file read from `content/`.
#[derive(Debug, Clone)]
pub struct PageFile {
    /// Path relative to `content/`, with `/` separators: `risks.md`, `a/_index.md`.
    pub rel: String,
    /// Path shown in diagnostics: `content/risks.md`.
    pub shown: PathBuf,
    /// Text with the BOM removed and CRLF turned into LF (shared with `serve`'s read cache).
    pub text: Arc<str>,
}

/// A non-Markdown file, copied beside its page.
#[derive(Debug, Clone)]
pub struct AssetFile {
    /// Path relative to `content/`, with `/` separators.
    pub rel: String,
    /// Where to read it from.
    pub abs: PathBuf,
}

/// Everything under `content/`.
#[derive(Debug, Default, Clone)]
pub struct ContentFiles {
    /// Markdown pages, sorted by path.
    pub pages: Vec<PageFile>,
    /// Other files, sorted by path.
    pub assets: Vec<AssetFile>,
    /// Things skipped that the author should know about.
    pub warnings: Vec<Diagnostic>,
}

/// What tells a file's contents changed without reading it: size, inode, modification time and
/// change time. Every write sets the change time, which no tool can set back (an editor or
/// `cp -p` can restore the modification time, not that).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp([i64; 6]);

impl Stamp {
    fn of(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp([
                meta.size() as i64,
                meta.ino() as i64,
                meta.mtime(),
                meta.mtime_nsec(),
                meta.ctime(),
                meta.ctime_nsec(),
            ])
        }
        #[cfg(not(unix))]
        {
            let nanos = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i64);
            Stamp([meta.len() as i64, nanos, 0, 0, 0, 0])
        }
    }
}

/// Page texts from earlier loads, reused while a file's `Stamp` is unchanged: `serve` then
/// reads only the files that changed, not the whole site, on every rebuild.
///
/// It also keeps the last walk's list of files. When the caller names every path changed since
/// the last load ([`ReadCache::changed`], from `serve`'s watcher) and none of them adds, removes
/// or replaces a file, the next load skips the walk and looks only at those paths: on a
/// large site walking and stat-ing every file would be most of a rebuild.
#[derive(Debug, Default)]
pub struct ReadCache {
    listing: Option<Listing>,
    pending: Pending,
}

/// What is known about changes since the last load.
#[derive(Debug, Default)]
enum Pending {
    /// Nothing: the next load walks (a cache nobody reports changes to, or the state right
    /// after a load).
    #[default]
    Unknown,
    /// These paths, and nothing else, changed.
    Paths(Vec<PathBuf>),
    /// The reporter lost track: the next load walks, whatever is reported until then.
    Walk,
    /// A reread found every reported change: the listing is current.
    Current,
}

impl ReadCache {
    /// Tells the next load that these paths (absolute) changed. Called for every batch of
    /// changes: paths add up until a load looks at them (a build can fail before it reads
    /// content). Without any call since the last load, the next one walks `content/` again.
    pub fn changed(&mut self, paths: &[PathBuf]) {
        match &mut self.pending {
            Pending::Unknown => self.pending = Pending::Paths(paths.to_vec()),
            Pending::Paths(known) => known.extend_from_slice(paths),
            Pending::Walk => {}
            Pending::Current => self.pending = Pending::Paths(paths.to_vec()),
        }
    }

    /// Tells the next load that changes may have been missed, so it must walk `content/`.
    pub fn lost_track(&mut self) {
        self.pending = Pending::Walk;
    }

    /// Reads again the pages the reported changes touched, when they need no walk: the pages
    /// whose text changed, or None when the next load must walk. After `Some` the listing is
    /// current: a load takes its files without a walk, or the caller, having used the pages,
    /// says so with [`ReadCache::loaded`].
    pub(crate) fn reread(&mut self, root: &Path) -> Option<Vec<PageFile>> {
        let changed = match std::mem::take(&mut self.pending) {
            Pending::Paths(paths) => paths,
            Pending::Unknown | Pending::Walk | Pending::Current => return None,
        };
        let recheck = pages_to_recheck(self.listing.as_ref()?, &root.join(CONTENT_DIR), &changed)?;
        let reread = reload_listed(self, &recheck)?;
        self.pending = Pending::Current;
        Some(reread)
    }

    /// The files a reread left current are loaded: the next load walks unless told of changes.
    pub(crate) fn loaded(&mut self) {
        self.pending = Pending::Unknown;
    }

    /// What the last walk had to say about files it skipped.
    pub(crate) fn warnings(&self) -> &[Diagnostic] {
        self.listing.as_ref().map_or(&[], |l| &l.warnings)
    }

    /// Every file of the last load, as a load hands them on (sharing the texts).
    pub(crate) fn files(&self) -> Option<ContentFiles> {
        let listing = self.listing.as_ref()?;
        let pages = listing.pages.iter().map(Listed::page_file).collect();
        Some(ContentFiles { pages, assets: listing.assets.clone(), warnings: listing.warnings.clone() })
    }
}

/// What a walk of `content/` found.
#[derive(Debug, Clone, Default)]
struct Listing {
    pages: Vec<Listed>,
    assets: Vec<AssetFile>,
    warnings: Vec<Diagnostic>,
}

/// A Markdown file found by the walk, and what its last read gave.
#[derive(Debug, Clone)]
struct Listed {
    rel: String,
    shown: PathBuf,
    /// The file to read (a symlink's target).
    abs: PathBuf,
    /// Whether the walk found a symlink: its target can change without an event in `content/`.
    link: bool,
    /// The file's stamp and text when it was last read.
    read: (Stamp, Arc<str>),
}

/// More changed paths than this and a walk is cheaper than checking each against the listing.
const MAX_CHECKED_CHANGES: usize = 16;

/// Which listed pages to look at again, or None when the changes need a new walk: a path that
/// appeared, disappeared, or stopped being a plain file.
fn pages_to_recheck(listing: &Listing, dir: &Path, changed: &[PathBuf]) -> Option<Vec<usize>> {
    if changed.len() > MAX_CHECKED_CHANGES {
        return None;
    }
    let mut recheck: Vec<usize> = (0..listing.pages.len()).filter(|&i| listing.pages[i].link).collect();
    for path in changed {
        let Ok(rel) = path.strip_prefix(dir) else { continue }; // site.yaml, themes/
        let rel = rel.to_str()?.replace('\\', "/");
        if rel.is_empty() {
            return None; // content/ itself
        }
        if rel.split('/').any(is_ignored_name) {
            continue; // the walk skips it too
        }
        let meta = fs::symlink_metadata(path);
        let plain_file = meta.as_ref().is_ok_and(|m| m.file_type().is_file());
        if let Some(i) = listing.pages.iter().position(|p| p.rel == rel) {
            if !plain_file || listing.pages[i].link {
                return None;
            }
            recheck.push(i);
        } else if listing.assets.iter().any(|a| a.rel == rel) {
            if !plain_file {
                return None; // assets are read on every build; only their presence matters
            }
        } else if meta.is_ok() {
            return None; // a new file or folder
        } else {
            // Gone and never listed (a temporary file), unless it was a folder of listed files.
            let prefix = format!("{rel}/");
            let listed = |r: &str| r.starts_with(&prefix);
            if listing.pages.iter().any(|p| listed(&p.rel)) || listing.assets.iter().any(|a| listed(&a.rel)) {
                return None;
            }
        }
    }
    Some(recheck)
}

/// Threads reading at once. A file not in the page cache waits for the disk, not the CPU, so
/// one thread per core would leave the disk mostly idle (figures: docs/dev/performance.md).
const IO_THREADS: usize = 16;

/// `items.iter().map(f)` in order, on [`IO_THREADS`] threads ([`crate::wide`]), whether the
/// page cache holds the files or not.
///
/// Why always: a host can evict files from the page cache at any time, so a build may find a
/// scattered share of its pages evicted; a probe of the first pages misses that, and each
/// evicted page would stall one of rayon's few threads. With nothing evicted these threads
/// cost about the same (figures: docs/dev/performance.md).
///
/// A small site is read on rayon's threads: starting the extra threads would cost it more
/// than it saves.
fn map_io<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < SMALL_SITE {
        return items.par_iter().map(f).collect();
    }
    crate::wide::map(items, IO_THREADS, f)
}

/// Fewer files than this are read on rayon's threads ([`map_io`]).
const SMALL_SITE: usize = 64;

/// Reads every file of `<root>/content`, reusing (and refreshing) `cache` when given (serve).
pub fn load_content(root: &Path, mut cache: Option<&mut ReadCache>) -> Result<ContentFiles, Diagnostics> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        if let Some(c) = cache.as_deref_mut() {
            c.listing = None;
        }
        return Err(Diagnostic::error(
            Some(PathBuf::from(CONTENT_DIR)),
            tr("the content folder is missing", "content フォルダがありません"),
        )
        .code("content-missing")
        .hint(tr(
            "create `content/_index.md` with a front matter `title`, or run `tebiki init`",
            "フロントマターに `title` を書いた `content/_index.md` を作るか、`tebiki init` を実行してください",
        ))
        .into());
    }
    if let Some(c) = cache.as_deref_mut() {
        if !matches!(c.pending, Pending::Current) {
            c.reread(root);
        }
        if matches!(c.pending, Pending::Current) {
            c.loaded();
            if let Some(files) = c.files() {
                return Ok(files);
            }
        }
    }
    let mut out = ContentFiles::default();
    let mut errors = Diagnostics::default();
    let to_read = walk(root, &dir, &mut out, &mut errors);
    let read = read_pages(&to_read, cache.as_deref());
    let mut listed = Vec::with_capacity(read.len());
    for result in read.into_iter().flatten() {
        match result {
            Ok(entry) => {
                out.pages.push(entry.page_file());
                listed.push(entry);
            }
            Err(d) => errors.push(d),
        }
    }
    if let Some(c) = cache {
        // A load with errors is not a listing to trust: the next one walks again.
        c.listing = errors.0.is_empty().then(|| Listing {
            pages: listed,
            assets: out.assets.clone(),
            warnings: out.warnings.clone(),
        });
    }
    if errors.0.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A Markdown file to read: (path relative to `content/`, path shown, path to read, is a link).
type ToRead = (String, PathBuf, PathBuf, bool);

/// Walks `content/` in file-name order: other files go straight to `out.assets`, Markdown files
/// are returned to be read. Symlinks are followed only to files inside the site.
fn walk(root: &Path, dir: &Path, out: &mut ContentFiles, errors: &mut Diagnostics) -> Vec<ToRead> {
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    let mut to_read: Vec<ToRead> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| shown(root, p)).unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                errors.push(
                    Diagnostic::error(Some(path), tr(format!("cannot read: {e}"), format!("読めません：{e}")))
                        .code("cannot-read"),
                );
                continue;
            }
        };
        let path = entry.path();
        let Ok(rel_path) = path.strip_prefix(dir) else { continue };
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            errors.push(
                Diagnostic::error(
                    Some(shown(root, path)),
                    tr("file name is not valid UTF-8", "ファイル名が UTF-8 ではありません"),
                )
                .code("not-utf8")
                .hint(tr("rename the file using UTF-8 characters", "UTF-8 の文字でファイル名を付け直してください")),
            );
            continue;
        };
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        let abs = if ft.is_symlink() {
            let Some(target) = followed(root, path, &mut out.warnings) else { continue };
            target
        } else {
            path.to_path_buf()
        };
        if rel.ends_with(".md") {
            to_read.push((rel, shown(root, path), abs, ft.is_symlink()));
        } else {
            out.assets.push(AssetFile { rel, abs });
        }
    }
    to_read
}

/// The file a symlink in `content/` stands for: followed only when it stays inside the site,
/// and never into a folder (a folder link could loop back on itself). Otherwise None, with a
/// warning saying why it was skipped.
fn followed(root: &Path, path: &Path, warnings: &mut Vec<Diagnostic>) -> Option<PathBuf> {
    let (en, ja, hint_en, hint_ja) = match symlink_target_inside(root, path) {
        Some(t) if t.is_file() => return Some(t),
        Some(_) => (
            "symlink to a folder skipped",
            "フォルダへのシンボリックリンクを読み飛ばしました",
            "tebiki does not follow folder symlinks; copy or move the folder into content/",
            "tebiki はフォルダへのシンボリックリンクをたどりません。フォルダを content/ にコピーするか移動してください",
        ),
        None => (
            "symlink skipped: it is broken or points outside the site",
            "シンボリックリンクを読み飛ばしました：リンク切れか、サイトの外を指しています",
            "only symlinks to files inside the site folder are followed",
            "たどるのはサイトのフォルダ内のファイルへのシンボリックリンクだけです",
        ),
    };
    warnings.push(
        Diagnostic::warning(Some(shown(root, path)), tr(en, ja)).code("symlink-skipped").hint(tr(hint_en, hint_ja)),
    );
    None
}

/// Reads the pages in parallel, results in walk order; a page whose stamp is the same as at
/// the last load keeps the text read then. `None` for a file deleted since the walk.
fn read_pages(to_read: &[ToRead], cache: Option<&ReadCache>) -> Vec<Option<Result<Listed, Diagnostic>>> {
    // What the last load read, by file.
    let known: HashMap<&Path, &(Stamp, Arc<str>)> = cache
        .and_then(|c| c.listing.as_ref())
        .map(|l| l.pages.iter().map(|p| (p.abs.as_path(), &p.read)).collect())
        .unwrap_or_default();
    // Reading is most of the cost on large sites: in parallel, results kept in walk order.
    map_io(to_read, |(rel, shown, abs, link)| {
        // A file deleted between listing and reading (a bulk delete during `serve`) is gone,
        // not an error. Opened once: its stamp comes from the open file, not from one more
        // lookup of its path (one system call fewer per page).
        let mut file = match fs::File::open(abs) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => return Some(Err(cannot_read(shown, &e))),
        };
        let meta = file.metadata().ok()?;
        let stamp = Stamp::of(&meta);
        let text = match known.get(abs.as_path()).filter(|(s, _)| *s == stamp) {
            Some((_, text)) => Ok(Arc::clone(text)),
            None => read_open(&mut file, meta.len(), shown).map(Arc::from),
        };
        Some(text.map(|text| Listed {
            rel: rel.clone(),
            shown: shown.clone(),
            abs: abs.clone(),
            link: *link,
            read: (stamp, text),
        }))
    })
}

/// The last listing with `recheck` stat-ed (and read, when changed) again; None when one of
/// them cannot be, so that a walk reports it properly.
fn reload_listed(cache: &mut ReadCache, recheck: &[usize]) -> Option<Vec<PageFile>> {
    let listing = cache.listing.as_mut()?;
    let mut reread = Vec::new();
    for &i in recheck {
        let p = &mut listing.pages[i];
        let stamp = Stamp::of(&fs::metadata(&p.abs).ok()?);
        if p.read.0 != stamp {
            p.read = (stamp, read_text(&p.abs, &p.shown).ok()?.into());
            reread.push(p.page_file());
        }
    }
    Some(reread)
}

impl Listed {
    /// The page as a load hands it on (sharing the text).
    fn page_file(&self) -> PageFile {
        PageFile { rel: self.rel.clone(), shown: self.shown.clone(), text: Arc::clone(&self.read.1) }
    }
}

fn symlink_target_inside(root: &Path, link: &Path) -> Option<PathBuf> {
    let target = fs::canonicalize(link).ok()?;
    let root = fs::canonicalize(root).ok()?;
    target.starts_with(&root).then_some(target)
}

fn shown(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_read_on_more_threads_than_cores_and_keep_their_order() {
        // Each item waits like a read from an evicted file; they are spread over IO_THREADS
        // threads rather than queued behind rayon's one per core.
        let threads = std::sync::Mutex::new(std::collections::HashSet::new());
        let items: Vec<usize> = (0..400).collect();
        let out = map_io(&items, |&i| {
            threads.lock().unwrap().insert(std::thread::current().id());
            std::thread::sleep(std::time::Duration::from_micros(200));
            i * 2
        });
        assert_eq!(out, (0..400).map(|i| i * 2).collect::<Vec<_>>());
        let used = threads.lock().unwrap().len();
        assert!(used > rayon::current_num_threads() + 1, "only {used} threads read");
    }
}
