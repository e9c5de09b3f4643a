//! Watching the site for changes.
//!
//! Directories only, never single files: editors that save by writing a temporary file and
//! renaming it over the original silence a per-file watch. `content/`, `themes/` and `static/` are watched
//! recursively (new sub-folders are picked up by notify), the root non-recursively for
//! `site.yaml` and for `content/` or `themes/` appearing later. The output folder and `target/`
//! are never watched, so a build can never trigger itself. Events pass through
//! `notify-debouncer-full` (a burst becomes one batch) and [`triage`], which keeps only paths
//! that can change the site.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer_opt, DebounceEventResult, Debouncer, FileIdCache, NoCache, RecommendedCache,
};

use crate::source::is_ignored_name;

/// Quiet time before a burst of events is handed on: long enough for an editor's save (a
/// temporary file written and renamed), short because every save waits for it. Longer bursts
/// are gathered by the build loop.
const DEBOUNCE: Duration = Duration::from_millis(6);
/// How often the debouncer looks for quiet events: at most this much more waiting.
const DEBOUNCE_TICK: Duration = Duration::from_millis(2);
/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(300);
/// The folders below the root that feed the build.
const WATCHED_DIRS: [&str; 3] = ["content", "themes", "static"];

/// A message for the build thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// These paths (absolute) changed.
    Changed(Vec<PathBuf>),
    /// The watcher lost track (overflow, error): rebuild everything.
    Rescan(String),
    /// The server is stopping.
    Stop,
}

/// Triggers received together, turned into one rebuild.
#[derive(Debug, Default)]
pub struct Batch {
    /// Changed paths in arrival order, without repeats.
    pub paths: Vec<PathBuf>,
    /// Why a full rescan was asked for, if one was.
    pub rescan: Option<String>,
    /// Stop instead of building.
    pub stop: bool,
    seen: HashSet<PathBuf>,
}

impl Batch {
    /// Merges one more trigger in.
    pub fn add(&mut self, t: Trigger) {
        match t {
            Trigger::Changed(paths) => {
                for p in paths {
                    if self.seen.insert(p.clone()) {
                        self.paths.push(p);
                    }
                }
            }
            Trigger::Rescan(why) => self.rescan = Some(why),
            Trigger::Stop => self.stop = true,
        }
    }

    /// `content/risks.md changed`, `content/a.md (+3 more) changed`, or the rescan reason.
    pub fn describe(&self, root: &Path) -> String {
        match (self.paths.first(), &self.rescan) {
            (_, Some(why)) => format!("a full rescan ({why})"),
            (Some(first), None) => {
                let first = first.strip_prefix(root).unwrap_or(first).display().to_string();
                match self.paths.len() - 1 {
                    0 => format!("{first} changed"),
                    n => format!("{first} (+{n} more) changed"),
                }
            }
            (None, None) => "a change".to_string(),
        }
    }
}

/// Whether a path can change the site: inside `content/`, `themes/` or `static/`, or `site.yaml`, and no
/// part of it an editor's swap, backup or temporary file (the same rule the loader uses).
pub fn is_relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => parts.push(n.to_string_lossy()),
            _ => return false,
        }
    }
    match parts.first().map(|s| s.as_ref()) {
        Some("site.yaml") => parts.len() == 1,
        Some("static") => !parts.iter().any(|p| crate::content::statics::is_skipped(p)),
        Some(dir) if WATCHED_DIRS.contains(&dir) => !parts.iter().any(|p| is_ignored_name(p)),
        _ => false,
    }
}

/// Turns one debounced batch into a trigger, or nothing when no event matters.
pub fn triage(root: &Path, result: DebounceEventResult) -> Option<Trigger> {
    let events = match result {
        Ok(events) => events,
        Err(errors) => {
            let why = errors.first().map_or_else(|| "watcher error".to_string(), |e| format!("watcher error: {e}"));
            return Some(Trigger::Rescan(why));
        }
    };
    let mut paths = Vec::new();
    for e in &events {
        if e.need_rescan() {
            return Some(Trigger::Rescan("the watcher dropped events".into()));
        }
        // Reads (including the build's own) are not changes.
        if matches!(e.kind, EventKind::Access(_)) {
            continue;
        }
        paths.extend(e.paths.iter().filter(|p| is_relevant(root, p)).cloned());
    }
    (!paths.is_empty()).then_some(Trigger::Changed(paths))
}

/// What [`Watcher`] needs from a debouncer, so the native and polling ones share one code path.
trait DirWatch: Send {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()>;
    fn unwatch(&mut self, path: &Path) -> notify::Result<()>;
}

impl<T: notify::Watcher + Send, C: FileIdCache + Send> DirWatch for Debouncer<T, C> {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        Debouncer::watch(self, path, mode)
    }
    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        Debouncer::unwatch(self, path)
    }
}

/// A folder being watched, and which folder it was (a delete-and-recreate needs a new watch).
struct Watched {
    path: PathBuf,
    identity: Option<(u64, u64)>,
}

/// What [`Watcher::sync`] did.
pub struct Synced {
    /// Problems to show as warnings.
    pub problems: Vec<String>,
    /// Whether a folder started or stopped being watched (changes in it may have been missed).
    pub rewatched: bool,
}

/// The site's watcher. Dropping it stops watching.
pub struct Watcher {
    inner: Box<dyn DirWatch>,
    root: PathBuf,
    watched: Vec<Watched>,
}

impl Watcher {
    /// Watches `root` (canonical) and sends triggers to `tx`; `poll` for file systems without events.
    pub fn new(root: &Path, poll: bool, tx: Sender<Trigger>) -> notify::Result<Self> {
        let handler_root = root.to_path_buf();
        let handler = move |result: DebounceEventResult| {
            if let Some(t) = triage(&handler_root, result) {
                let _ = tx.send(t);
            }
        };
        let mut inner: Box<dyn DirWatch> = if poll {
            // notify compares mtimes in whole seconds; hashing contents also catches a second
            // save within the same second (the site's files are small).
            let config = notify::Config::default().with_poll_interval(POLL_INTERVAL).with_compare_contents(true);
            Box::new(new_debouncer_opt::<_, PollWatcher, NoCache>(
                DEBOUNCE,
                Some(DEBOUNCE_TICK),
                handler,
                NoCache::new(),
                config,
            )?)
        } else {
            Box::new(new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
                DEBOUNCE,
                Some(DEBOUNCE_TICK),
                handler,
                RecommendedCache::new(),
                notify::Config::default(),
            )?)
        };
        inner.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = Watcher { inner, root: root.to_path_buf(), watched: Vec::new() };
        let synced = w.sync();
        if let Some(p) = synced.problems.into_iter().next() {
            return Err(notify::Error::generic(&p));
        }
        Ok(w)
    }

    /// Watches `content/` and `themes/` if they exist and are not watched yet (created after
    /// start, or deleted and created again).
    pub fn sync(&mut self) -> Synced {
        let mut problems = Vec::new();
        let mut rewatched = false;
        for name in WATCHED_DIRS {
            let path = self.root.join(name);
            let identity = if path.is_dir() { Some(dir_identity(&path)) } else { None };
            let pos = self.watched.iter().position(|w| w.path == path);
            match (identity, pos) {
                (Some(id), Some(i)) if self.watched[i].identity == id => {}
                (Some(id), pos) => {
                    if let Some(i) = pos {
                        let _ = self.inner.unwatch(&path);
                        self.watched.remove(i);
                    }
                    rewatched = true;
                    match self.inner.watch(&path, RecursiveMode::Recursive) {
                        Ok(()) => self.watched.push(Watched { path, identity: id }),
                        Err(e) => problems.push(format!("cannot watch {name}/: {e}")),
                    }
                }
                (None, Some(i)) => {
                    let _ = self.inner.unwatch(&path);
                    self.watched.remove(i);
                    rewatched = true;
                }
                (None, None) => {}
            }
        }
        Synced { problems, rewatched }
    }
}

#[cfg(unix)]
fn dir_identity(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn dir_identity(_p: &Path) -> Option<(u64, u64)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RemoveKind, RenameMode};
    use notify_debouncer_full::notify::Event;
    use notify_debouncer_full::DebouncedEvent;
    use std::time::Instant;

    fn root() -> PathBuf {
        PathBuf::from("/site")
    }

    fn ev(kind: EventKind, paths: &[&str]) -> DebouncedEvent {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(root().join(p));
        }
        DebouncedEvent::new(e, Instant::now())
    }

    #[test]
    fn content_themes_static_and_site_yaml_are_relevant() {
        for p in [
            "content/risks.md",
            "content/新しい/ページ.md",
            "content",
            "themes/default/static/style.css",
            "site.yaml",
            "static/CNAME",
            "static/.nojekyll",
        ] {
            assert!(is_relevant(&root(), &root().join(p)), "{p}");
        }
    }

    #[test]
    fn editor_files_output_and_outside_paths_are_ignored() {
        for p in [
            "content/.x.md.swp",
            "content/.x.md.swx",
            "content/4913",
            "content/x~",
            "content/#x.md#",
            "content/.#x.md",
            "content/x.md.tmp",
            "content/x.md___jb_tmp___",
            "content/.git/index",
            "public/index.html",
            ".public.tebiki-staging/index.html",
            "target/debug/tebiki",
            "README.md",
            "site.yaml/x",
            "site.yaml.swp",
            "static/.CNAME.swp",
        ] {
            assert!(!is_relevant(&root(), &root().join(p)), "{p}");
        }
        assert!(!is_relevant(&root(), Path::new("/elsewhere/content/a.md")));
        assert!(!is_relevant(&root(), &root()));
    }

    #[test]
    fn vim_style_save_keeps_only_the_real_file() {
        let events = vec![
            ev(EventKind::Create(CreateKind::File), &["content/4913"]),
            ev(EventKind::Remove(RemoveKind::File), &["content/4913"]),
            ev(EventKind::Modify(ModifyKind::Name(RenameMode::Both)), &["content/x.md", "content/x.md~"]),
            ev(EventKind::Create(CreateKind::File), &["content/x.md"]),
            ev(EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any)), &["content/.x.md.swp"]),
        ];
        assert_eq!(
            triage(&root(), Ok(events)),
            Some(Trigger::Changed(vec![root().join("content/x.md"), root().join("content/x.md")]))
        );
    }

    #[test]
    fn only_ignored_or_access_events_trigger_nothing() {
        let events = vec![
            ev(EventKind::Modify(ModifyKind::Any), &["public/index.html"]),
            ev(EventKind::Access(notify::event::AccessKind::Any), &["content/x.md"]),
            ev(EventKind::Create(CreateKind::File), &["content/x~"]),
        ];
        assert_eq!(triage(&root(), Ok(events)), None);
    }

    #[test]
    fn errors_and_rescans_rebuild_everything() {
        assert!(matches!(triage(&root(), Err(vec![notify::Error::generic("overflow")])), Some(Trigger::Rescan(_))));
        let mut e = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        e.paths.clear();
        assert!(matches!(triage(&root(), Ok(vec![DebouncedEvent::new(e, Instant::now())])), Some(Trigger::Rescan(_))));
    }

    #[test]
    fn batch_dedups_and_describes() {
        let mut b = Batch::default();
        b.add(Trigger::Changed(vec![root().join("content/a.md"), root().join("content/b.md")]));
        b.add(Trigger::Changed(vec![root().join("content/a.md"), root().join("site.yaml")]));
        assert_eq!(b.paths.len(), 3);
        assert_eq!(b.describe(&root()), "content/a.md (+2 more) changed");
        let mut one = Batch::default();
        one.add(Trigger::Changed(vec![root().join("content/risks.md")]));
        assert_eq!(one.describe(&root()), "content/risks.md changed");
        one.add(Trigger::Stop);
        assert!(one.stop);
    }

    #[test]
    fn watcher_sees_atomic_saves_new_folders_and_late_content() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut w = Watcher::new(&root, false, tx).unwrap();
        let wait_for = |want: &Path| {
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Trigger::Changed(paths)) = rx.recv_timeout(Duration::from_millis(100)) {
                    if paths.iter().any(|p| p == want) {
                        return;
                    }
                }
            }
            panic!("no event for {}", want.display());
        };
        // content/ appears after start: the root watch sees it, sync() adds the recursive watch.
        std::fs::create_dir(root.join("content")).unwrap();
        wait_for(&root.join("content"));
        assert!(w.sync().problems.is_empty());
        // Atomic save: write a temp file and rename it over the page.
        std::fs::write(root.join("content/.a.md.tmp"), "x").unwrap();
        std::fs::rename(root.join("content/.a.md.tmp"), root.join("content/a.md")).unwrap();
        wait_for(&root.join("content/a.md"));
        // A new folder and a file in it.
        std::fs::create_dir(root.join("content/新しい")).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(root.join("content/新しい/b.md"), "x").unwrap();
        wait_for(&root.join("content/新しい/b.md"));
        // Output folder writes are never reported.
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/index.html"), "x").unwrap();
        std::thread::sleep(Duration::from_millis(150));
        while let Ok(t) = rx.try_recv() {
            if let Trigger::Changed(paths) = t {
                assert!(paths.iter().all(|p| !p.starts_with(root.join("public"))), "{paths:?}");
            }
        }
    }
}
