//! The staging folder: a new output written beside the old one and swapped in with one rename.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::tree::{create_dirs, not_found_ok, per_section, remove_tree, set_spread, survey, SPREAD_EVERY};
use super::{absolute, is_safe_relative, OutputFile};
use crate::diagnostics::Diagnostic;
use crate::lang::tr;

/// A hidden file or folder of tebiki's beside output folder `out`: `.public.tebiki-KIND`.
fn beside(out: &Path, kind: &str) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.tebiki-{kind}"))
}

fn staging_path(out: &Path) -> PathBuf {
    beside(out, "staging")
}

pub(super) const MARKER: &str = ".tebiki-staging";

fn io_err(path: &Path, what: &str, e: io::Error) -> Diagnostic {
    let hint = match e.raw_os_error() {
        Some(28) => "the disk is full; free some space and build again (the previous output is intact)",
        Some(13) | Some(1) => "check the permissions of the output folder",
        _ => "the previous output is intact; fix the problem and build again",
    };
    Diagnostic::error(Some(path.to_path_buf()), format!("cannot {what}: {e}")).code("cannot-write").hint(hint)
}

/// A new output being written beside the old one. Files can be written from many threads as
/// soon as they are rendered (so the whole site never has to sit in memory); `commit` swaps it
/// into place, `abort` (or an error) leaves the previous output as it was.
///
/// The staging folder is the output of the build before last, kept by `commit`: a rebuild
/// updates it instead of making a new tree. A file whose bytes are already there is left alone,
/// so a rebuild makes no folders, writes only what changed and deletes only what went away.
/// Making every page folder anew and deleting the old ones was a large share of a rebuild.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    previous: Option<PathBuf>,
    /// What a kept staging folder held when the build began (relative, `/`-separated, is a
    /// folder); `commit` removes what this build did not write. `None` for a new folder.
    kept: Option<Vec<(String, bool)>>,
    /// Folders made by [`Staging::make_dirs`] (relative, `/`-separated): writes skip making them.
    made: HashSet<String>,
    /// Every file written (relative, `/`-separated): `commit` removes what a kept folder held
    /// besides these, and the build checks no two outputs share a path.
    written: Mutex<Vec<String>>,
    /// Set by `commit`; otherwise dropping the staging removes it (an error unwinding a build).
    done: bool,
    /// The lock of the output ([`lock_output`]), held until the swap is done.
    _lock: Option<fs::File>,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            // A failed build leaves only the output folder: its disk space may be the problem.
            let _ = remove_tree(&self.dir);
        }
    }
}

impl Staging {
    /// Prepares the staging folder for output folder `out`, reusing the one the last build kept.
    pub fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        let out = absolute(out);
        let staging = staging_path(&out);
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent).map_err(|e| io_err(parent, "create the output's parent folder", e))?;
        }
        let lock = lock_output(&out);
        let mut kept = None;
        if fs::symlink_metadata(&staging).is_ok() {
            // Kept by the last build, or left over from a killed one. Only touch it if it is
            // really ours: it carries the marker, or is a complete site tebiki wrote (a build
            // killed between removing the marker and the swap leaves exactly that).
            // An empty folder is a build killed between making the folder and marking it:
            // there is nothing in it to lose.
            let empty = fs::read_dir(&staging).is_ok_and(|mut d| d.next().is_none());
            let ours = staging.is_dir()
                && !staging.is_symlink()
                && (empty
                    || staging.join(MARKER).is_file()
                    || (staging.join("404.html").is_file() && staging.join("assets").is_dir()));
            if !ours {
                return Err(Diagnostic::error(
                    Some(staging.clone()),
                    tr(
                        "a folder with tebiki's staging name exists and is not tebiki's",
                        "tebiki の作業用フォルダと同じ名前のフォルダがありますが、tebiki が作ったものではありません",
                    ),
                )
                .code("staging-not-ours")
                .hint(tr("move or delete it by hand", "手で移動するか削除してください")));
            }
            kept = Some(survey(&staging).map_err(|e| io_err(&staging, "read the kept staging folder", e))?);
        }
        if out.exists() && !out.is_dir() {
            return Err(Diagnostic::error(
                Some(out.clone()),
                tr("the output path exists and is not a folder", "出力先がフォルダではなくファイルです"),
            )
            .code("output-not-folder")
            .hint(tr(
                "remove the file or choose another --output",
                "そのファイルを消すか、別の --output を指定してください",
            )));
        }
        if kept.is_none() {
            fs::create_dir_all(&staging).map_err(|e| io_err(&staging, "create the staging folder", e))?;
        }
        fs::write(staging.join(MARKER), b"").map_err(|e| io_err(&staging, "write to the staging folder", e))?;
        if kept.is_none() {
            // The top folders of the site (sections, assets, search) are each spread.
            set_spread(&staging, true);
        }
        let previous = out.is_dir().then(|| out.clone());
        Ok(Staging {
            dir: staging,
            out,
            previous,
            kept,
            made: HashSet::new(),
            written: Mutex::new(Vec::new()),
            done: false,
            _lock: lock,
        })
    }

    /// Makes the folders of the files at `paths` (output paths) before they are written, a few
    /// sections at a time (`per_section`).
    ///
    /// Why ahead and wide: making a folder can wait for the disk, as ext4 reads the bitmaps and
    /// inode table of each block group it puts a spread folder in (`set_spread`). Made here,
    /// such waits overlap and the rendering threads never meet them.
    pub fn make_dirs<'p>(&mut self, paths: impl Iterator<Item = &'p str>) -> Result<(), Diagnostic> {
        let mut files: Vec<&str> =
            paths.filter(|p| is_safe_relative(p)).filter_map(|p| p.rsplit_once('/').map(|(d, _)| d)).collect();
        files.sort_unstable();
        // Each folder with how many files go into it.
        let dirs: Vec<(&str, usize)> = files.chunk_by(|a, b| a == b).map(|run| (run[0], run.len())).collect();
        let top = |d: &str| d.split('/').next().unwrap_or(d).len();
        let made = per_section(
            &dirs,
            |(a, _), (b, _)| a[..top(a)] == b[..top(b)],
            |section| section.iter().try_for_each(|&(d, n)| self.make_dir(d, n >= SPREAD_EVERY)),
        );
        made?;
        self.made.extend(dirs.into_iter().map(|(d, _)| d.to_string()));
        Ok(())
    }

    /// Makes folder `rel` of the staging folder (`busy`: many files will go into it, so it is
    /// spread on its own, see [`create_dirs`]). In a kept one, a file where a folder must go
    /// (a page that became a section) is removed first.
    fn make_dir(&self, rel: &str, busy: bool) -> Result<(), Diagnostic> {
        let dir = self.dir.join(rel);
        let made = create_dirs(&dir, busy);
        if made.is_err() && self.kept.is_some() {
            let mut at = self.dir.clone();
            for part in rel.split('/') {
                at.push(part);
                if fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                    fs::remove_file(&at).map_err(|e| io_err(&at, "remove a stale file", e))?;
                }
            }
            return create_dirs(&dir, busy).map_err(|e| io_err(&dir, "create a folder", e));
        }
        made.map_err(|e| io_err(&dir, "create a folder", e))
    }

    /// The bytes a previous build left at output path `path`, in the live output or the kept
    /// staging folder: for files whose name says what they hold (share cards), which a build
    /// takes back instead of making again.
    pub fn previous_file(&self, path: &str) -> Option<Vec<u8>> {
        let kept = self.kept.is_some().then_some(&self.dir);
        is_safe_relative(path).then(|| self.previous.iter().chain(kept).find_map(|d| fs::read(d.join(path)).ok()))?
    }

    /// Writes one file. In a kept staging folder, a file that already has these bytes is left
    /// alone. Otherwise, a file whose bytes equal the previous output's is hard-linked: the
    /// data is not written again, and deleting the previous output later frees no blocks.
    ///
    /// Files are replaced, never written into: a kept file may share its inode with the
    /// previous output (a hard link), which must stay as it is until the swap.
    pub fn write(&self, f: &OutputFile) -> Result<(), Diagnostic> {
        if !is_safe_relative(&f.path) {
            return Err(Diagnostic::error(
                None,
                tr(
                    format!("refusing to write `{}` outside the output folder", f.path),
                    format!("出力フォルダの外には書き込めません：`{}`", f.path),
                ),
            )
            .code("write-outside-output"));
        }
        self.written.lock().unwrap_or_else(|e| e.into_inner()).push(f.path.clone());
        let dest = self.dir.join(&f.path);
        if self.kept.is_some() {
            match holds(&dest, &f.data) {
                Held::Same => return Ok(()),
                Held::Missing => {}
                Held::Other { is_dir } => {
                    let gone = if is_dir { fs::remove_dir_all(&dest) } else { fs::remove_file(&dest) };
                    gone.or_else(not_found_ok).map_err(|e| io_err(&dest, "replace", e))?;
                }
            }
        }
        let made = f.path.rsplit_once('/').is_none_or(|(d, _)| self.made.contains(d));
        if let Some((dir, _)) = f.path.rsplit_once('/').filter(|_| !made) {
            self.make_dir(dir, false)?;
        }
        if let Some(prev) = self.previous.as_ref().map(|p| p.join(&f.path)) {
            let same = fs::metadata(&prev).is_ok_and(|m| m.is_file() && m.len() == f.data.len() as u64)
                && fs::read(&prev).is_ok_and(|old| old == f.data);
            if same && fs::hard_link(&prev, &dest).is_ok() {
                return Ok(());
            }
        }
        fs::write(&dest, &f.data).map_err(|e| io_err(&dest, "write", e))
    }

    /// The paths of every file written so far, sorted.
    pub(crate) fn written(&self) -> Vec<String> {
        let mut paths = self.written.lock().unwrap_or_else(|e| e.into_inner()).clone();
        paths.sort_unstable();
        paths
    }

    /// Puts the new output (the files written) in place in one step, and keeps the previous one
    /// as the next build's staging folder.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        let written = self.written();
        let result = self.prune(written.iter().map(String::as_str)).and_then(|()| self.swap_in());
        if result.is_ok() {
            self.done = true;
        }
        result
    }

    /// Removes from a kept staging folder what it held before and this build did not write.
    fn prune<'p>(&self, written: impl Iterator<Item = &'p str>) -> Result<(), Diagnostic> {
        let Some(kept) = &self.kept else { return Ok(()) };
        let files: HashSet<&str> = written.collect();
        let mut dirs: HashSet<&str> = HashSet::new();
        for f in &files {
            let mut rest = *f;
            while let Some((d, _)) = rest.rsplit_once('/') {
                if !dirs.insert(d) {
                    break;
                }
                rest = d;
            }
        }
        // Files first, then folders deepest first (`kept` lists a folder before what it holds).
        for (p, _) in
            kept.iter().filter(|(p, is_dir)| !is_dir && !files.contains(p.as_str()) && !dirs.contains(p.as_str()))
        {
            let path = self.dir.join(p);
            fs::remove_file(&path).or_else(not_found_ok).map_err(|e| io_err(&path, "remove a stale file", e))?;
        }
        for (p, _) in
            kept.iter().rev().filter(|(p, is_dir)| *is_dir && !files.contains(p.as_str()) && !dirs.contains(p.as_str()))
        {
            let path = self.dir.join(p);
            fs::remove_dir_all(&path).or_else(not_found_ok).map_err(|e| io_err(&path, "remove a stale folder", e))?;
        }
        Ok(())
    }

    fn swap_in(&self) -> Result<(), Diagnostic> {
        let (staging, out) = (&self.dir, &self.out);
        let _ = fs::remove_file(staging.join(MARKER));
        if out.exists() {
            swap(staging, out).map_err(|e| io_err(out, "replace the output folder", e))?;
            // `staging` now holds the previous output: the next build's staging folder.
            let _ = fs::write(staging.join(MARKER), b"");
        } else {
            fs::rename(staging, out).map_err(|e| io_err(out, "move the new output into place", e))?;
        }
        Ok(())
    }
}

/// Waits for, then holds, an exclusive lock (`flock`) on the lock file of output `out`
/// (`.public.tebiki-lock` beside `public/`), so that two builds into the same output take turns:
/// each writes into the one staging folder and swaps it with the output. Builds into other
/// outputs of the same folder do not wait for each other. The file stays (removing a lock file
/// lets a third build lock a new one while the second holds the old). Where the file cannot be
/// made or locked, the build goes on without the lock.
fn lock_output(out: &Path) -> Option<fs::File> {
    let path = beside(out, "lock");
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).ok()?;
        // SAFETY: flock on a descriptor that stays open for the call; it blocks until granted.
        let locked = loop {
            match unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } {
                0 => break true,
                _ if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => continue,
                _ => break false,
            }
        };
        locked.then_some(file)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// What a kept staging folder has at one path.
enum Held {
    Missing,
    Same,
    Other { is_dir: bool },
}

/// Whether `path` is a regular file holding exactly `data`. Symbolic links are not followed.
fn holds(path: &Path, data: &[u8]) -> Held {
    use std::io::Read;
    let mut open = fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = match open.open(path) {
        Ok(f) => f,
        // Not a folder: a file stands where one of the path's folders goes ([`Staging::make_dir`]).
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => return Held::Missing,
        // A symbolic link (ELOOP), or something unreadable: replace it.
        Err(_) => return Held::Other { is_dir: false },
    };
    let Ok(meta) = file.metadata() else { return Held::Other { is_dir: false } };
    if !meta.is_file() {
        return Held::Other { is_dir: meta.is_dir() };
    }
    if meta.len() != data.len() as u64 {
        return Held::Other { is_dir: false };
    }
    // One buffer per writing thread, read into without zeroing: a rebuild compares every
    // file of the site, and a fresh zeroed buffer each time was a page-sized memset and a
    // trip through the allocator per file.
    thread_local! {
        static OLD: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let same = OLD.with_borrow_mut(|old| {
        if old.len() < data.len() {
            old.resize(data.len(), 0);
        }
        let old = &mut old[..data.len()];
        file.read_exact(old).is_ok() && old == data
    });
    if same {
        Held::Same
    } else {
        Held::Other { is_dir: false }
    }
}

/// Exchanges two folders in one step where the OS can; otherwise two renames.
fn swap(new: &Path, out: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(new.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        let b = CString::new(out.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
        let r =
            unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
        if r == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if !matches!(err.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
            return Err(err);
        }
    }
    // Fallback: move the old output aside, move the new one in, then the caller deletes the old.
    let aside = new.with_extension("old");
    fs::rename(out, &aside)?;
    if let Err(e) = fs::rename(new, out) {
        let _ = fs::rename(&aside, out);
        return Err(e);
    }
    fs::rename(&aside, new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::check_output_dir;
    use crate::output::tree::spreads;

    /// Writes `files` as the new content of `out`, replacing the old content atomically.
    fn write_atomic(out: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
        let staging = Staging::begin(out)?;
        if let Err(d) = files.iter().try_for_each(|f| staging.write(f)) {
            drop(staging);
            return Err(d);
        }
        staging.commit()
    }

    #[test]
    fn busy_folders_are_always_spread_and_others_one_in_eight() {
        let quiet: Vec<usize> = (0..32).filter(|&n| spreads(n, false)).collect();
        assert_eq!(quiet, [0, 8, 16, 24]);
        assert!((0..32).all(|n| spreads(n, true)));
    }

    #[test]
    fn unsafe_paths_are_recognised() {
        assert!(is_safe_relative("risks/index.html"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/passwd"));
        assert!(!is_safe_relative("a/../../x"));
        assert!(!is_safe_relative(""));
    }

    fn file(p: &str, d: &str) -> OutputFile {
        OutputFile { path: p.into(), data: d.as_bytes().to_vec().into() }
    }

    /// Every file below `dir` (relative path, contents), the marker left out.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file() && e.file_name() != MARKER)
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_str().unwrap().to_string();
                (rel, fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(p, d)| (p.to_string(), d.to_string())).collect()
    }

    #[test]
    fn a_build_does_not_wait_for_one_into_another_output_of_the_same_folder() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_output(&dir.path().join("other")).expect("lock");
        let out = dir.path().join("public");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(write_atomic(&out, &[file("index.html", "one")]).is_ok()));
        let done = rx.recv_timeout(std::time::Duration::from_secs(20));
        drop(held);
        assert_eq!(done, Ok(true), "the build into public/ waited for the lock of other/");
    }

    #[test]
    fn a_build_replaces_the_output_and_keeps_the_previous_one_as_the_next_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&out, &[file("index.html", "one"), file("old/index.html", "x")]).unwrap();
        let names = || {
            let mut n: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
            n.sort();
            n
        };
        assert_eq!(names(), [".public.tebiki-lock", "public"], "a first build has no previous output to keep");
        write_atomic(&out, &[file("index.html", "two")]).unwrap();
        assert_eq!(tree(&out), pairs(&[("index.html", "two")]));
        assert_eq!(names(), [".public.tebiki-lock", ".public.tebiki-staging", "public"]);
        let kept = staging_path(&absolute(&out));
        assert!(kept.join(MARKER).is_file(), "the kept folder carries the marker");
        assert_eq!(tree(&kept), pairs(&[("index.html", "one"), ("old/index.html", "x")]));
        // The third build updates the kept folder: what it no longer has goes.
        write_atomic(&out, &[file("index.html", "three"), file("new/a.css", "c")]).unwrap();
        assert_eq!(tree(&out), pairs(&[("index.html", "three"), ("new/a.css", "c")]));
        assert!(!out.join("old").exists() && !out.join(MARKER).exists());
        assert_eq!(tree(&kept), pairs(&[("index.html", "two")]));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_back_to_the_bytes_of_the_build_before_last_is_not_written_again() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let ino = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        write_atomic(&out, &[file("a.html", "X")]).unwrap();
        let first = ino("a.html");
        write_atomic(&out, &[file("a.html", "Y")]).unwrap();
        // Dated in the past: writing the file again, even in place, would date it now.
        let past = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        let kept = staging_path(&absolute(&out)).join("a.html");
        fs::File::options().write(true).open(&kept).unwrap().set_modified(past).unwrap();
        write_atomic(&out, &[file("a.html", "X")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "X");
        assert_eq!(ino("a.html"), first, "the kept file already had these bytes");
        assert_eq!(fs::metadata(out.join("a.html")).unwrap().modified().unwrap(), past, "written again");
    }

    #[test]
    fn a_file_holds_data_only_with_every_byte_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.html");
        let held = |data: &[u8]| matches!(holds(&path, data), Held::Same);
        fs::write(&path, "abcdefghij").unwrap();
        assert!(held(b"abcdefghij"));
        // The thread's buffer now holds ten bytes: a shorter file is still read whole.
        fs::write(&path, "abd").unwrap();
        assert!(!held(b"abc"), "same length, one byte different");
        assert!(held(b"abd"));
        assert!(!held(b"ab"), "a longer file");
        assert!(!held(b"abdx"), "a shorter file");
        assert!(matches!(holds(&dir.path().join("none"), b""), Held::Missing));
        assert!(matches!(holds(dir.path(), b""), Held::Other { is_dir: true }));
    }

    #[test]
    fn a_kept_file_shared_with_the_output_is_replaced_not_written_into() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&out, &[file("a.html", "same")]).unwrap();
        // Hard-linked: the kept folder and the output now share the file.
        write_atomic(&out, &[file("a.html", "same")]).unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging.write(&file("a.html", "changed")).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "same", "the output changed before the swap");
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "changed");
    }

    #[test]
    fn a_kept_file_where_a_folder_goes_and_a_kept_folder_where_a_file_goes_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&out, &[file("a", "page"), file("b/index.html", "folder")]).unwrap();
        write_atomic(&out, &[file("index.html", "in between")]).unwrap();
        write_atomic(&out, &[file("a/index.html", "now a folder"), file("b", "now a file")]).unwrap();
        assert_eq!(tree(&out), pairs(&[("a/index.html", "now a folder"), ("b", "now a file")]));
    }

    #[cfg(unix)]
    #[test]
    fn links_in_the_kept_folder_are_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let outside = dir.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("index.html"), "theirs").unwrap();
        fs::write(outside.join("f.html"), "same").unwrap();
        write_atomic(&out, &[file("index.html", "one")]).unwrap();
        write_atomic(&out, &[file("index.html", "two")]).unwrap();
        let kept = staging_path(&absolute(&out));
        std::os::unix::fs::symlink(&outside, kept.join("s")).unwrap();
        std::os::unix::fs::symlink(outside.join("f.html"), kept.join("f.html")).unwrap();
        write_atomic(&out, &[file("s/index.html", "ours"), file("f.html", "same")]).unwrap();
        assert_eq!(tree(&out), pairs(&[("f.html", "same"), ("s/index.html", "ours")]));
        assert!(!fs::symlink_metadata(out.join("s")).unwrap().is_symlink());
        assert!(!fs::symlink_metadata(out.join("f.html")).unwrap().is_symlink());
        assert_eq!(tree(&outside), pairs(&[("f.html", "same"), ("index.html", "theirs")]));
    }

    #[test]
    fn two_builds_into_one_output_at_once_take_turns() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let site = |tag: &str| -> Vec<OutputFile> {
            (0..60).map(|i| file(&format!("s{}/p{i}/index.html", i % 6), &format!("{tag}{i}"))).collect()
        };
        std::thread::scope(|s| {
            for tag in ["a", "b"] {
                let (out, files) = (&out, site(tag));
                s.spawn(move || {
                    for _ in 0..40 {
                        write_atomic(out, &files).unwrap();
                    }
                });
            }
        });
        let built = tree(&out);
        assert_eq!(built.len(), 60);
        let tag = &built[0].1[..1];
        assert!(built.iter().all(|(_, d)| d.starts_with(tag)), "a mix of both builds: {built:?}");
        let kept = tree(&staging_path(&absolute(&out)));
        assert_eq!(kept.len(), 60, "the kept folder is one whole build");
    }

    #[test]
    fn a_folder_with_the_staging_name_that_is_not_tebikis_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let theirs = dir.path().join(".public.tebiki-staging");
        fs::create_dir_all(&theirs).unwrap();
        fs::write(theirs.join("notes.txt"), "mine").unwrap();
        let e = write_atomic(&out, &[file("index.html", "x")]).unwrap_err();
        assert!(e.message.contains("not tebiki's"), "{}", e.message);
        assert_eq!(fs::read_to_string(theirs.join("notes.txt")).unwrap(), "mine");
        assert!(!out.exists());
    }

    #[test]
    fn an_empty_staging_folder_left_by_a_killed_build_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(dir.path().join(".public.tebiki-staging")).unwrap();
        write_atomic(&out, &[file("index.html", "x")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "x");
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_not_rewritten() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let f = |p: &str, d: &str| OutputFile { path: p.into(), data: d.as_bytes().to_vec().into() };
        write_atomic(&out, &[f("same.html", "same"), f("changed.html", "old")]).unwrap();
        let ino = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        let (same, changed) = (ino("same.html"), ino("changed.html"));
        write_atomic(&out, &[f("same.html", "same"), f("changed.html", "new")]).unwrap();
        assert_eq!(ino("same.html"), same, "identical bytes keep their inode");
        assert_ne!(ino("changed.html"), changed);
        assert_eq!(fs::read_to_string(out.join("changed.html")).unwrap(), "new");
    }

    #[test]
    fn folders_are_made_ahead_by_section_and_the_files_written_into_them() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // Enough folders to use the threads: 40 sections of 10 pages.
        let paths: Vec<String> =
            (0..400).map(|i| format!("s{:02}/p{i:03}/index.html", i / 10)).chain(["index.html".to_string()]).collect();
        let mut staging = Staging::begin(&out).unwrap();
        staging.make_dirs(paths.iter().map(|p| p.as_str())).unwrap();
        for p in &paths[..400] {
            let folder = staging.dir.join(p.trim_end_matches("/index.html"));
            assert!(folder.is_dir(), "{} was not made ahead", folder.display());
        }
        assert!(staging.made.contains("s39/p399"));
        for p in &paths {
            staging.write(&OutputFile { path: p.clone(), data: p.as_bytes().to_vec().into() }).unwrap();
        }
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("s07/p071/index.html")).unwrap(), "s07/p071/index.html");
        assert_eq!(fs::read_dir(&out).unwrap().count(), 41);
    }

    #[test]
    fn removing_a_tree_tolerates_files_already_gone_and_drops_the_marker_last() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("tree");
        fs::create_dir_all(t.join("a/b")).unwrap();
        fs::write(t.join(MARKER), b"").unwrap();
        fs::write(t.join("a/b/x.html"), b"x").unwrap();
        remove_tree(&t).unwrap();
        assert!(!t.exists());
        assert!(remove_tree(&t).is_ok(), "an already removed tree is fine");
    }

    #[test]
    fn a_large_tree_is_removed_section_by_section_on_several_threads() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("tree");
        for i in 0..300 {
            let page = t.join(format!("s{:02}/p{i:03}", i / 10));
            fs::create_dir_all(&page).unwrap();
            fs::write(page.join("index.html"), b"x").unwrap();
        }
        fs::create_dir_all(t.join("search/s/0")).unwrap();
        fs::write(t.join("search/s/0/0.json"), b"{}").unwrap();
        fs::write(t.join("index.html"), b"x").unwrap();
        fs::write(t.join(MARKER), b"").unwrap();
        remove_tree(&t).unwrap();
        assert!(!t.exists());
        assert!(dir.path().exists(), "the parent stays");
    }

    #[test]
    fn failed_write_keeps_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let f = |p: &str| OutputFile { path: p.into(), data: b"x".to_vec().into() };
        write_atomic(&out, &[f("index.html")]).unwrap();
        write_atomic(&out, &[f("index.html")]).unwrap();
        assert!(staging_path(&absolute(&out)).is_dir());
        let e = write_atomic(&out, &[f("a.html"), f("../escape.html")]).unwrap_err();
        assert!(e.message.contains("outside the output folder"));
        assert!(out.join("index.html").exists());
        assert!(!out.join("a.html").exists());
        assert!(!dir.path().join("escape.html").exists());
        // The staging folder goes too: its disk space may be what made the build fail.
        let mut left: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        left.sort();
        assert_eq!(left, [".public.tebiki-lock", "public"]);
    }

    #[test]
    fn output_folder_cannot_be_the_site_or_inside_content() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content/out")).is_err());
        assert!(check_output_dir(root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }
}
