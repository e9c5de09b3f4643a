//! Making and removing folder trees of the output: a few sections at a time on several threads,
//! with ext4 placement hints for new folders.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::staging::MARKER;

/// `Ok(())` for an error that says the thing is already gone (or, below a file, cannot be).
pub(super) fn not_found_ok(e: io::Error) -> io::Result<()> {
    if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) {
        Ok(())
    } else {
        Err(e)
    }
}

/// The entries of a walk (links not followed), skipping those deleted while it ran: someone
/// else removing them is no error for a walk that lists what is there to update or remove.
pub(super) fn still_there(walk: walkdir::WalkDir) -> impl Iterator<Item = io::Result<walkdir::DirEntry>> {
    walk.follow_links(false).into_iter().filter_map(|entry| match entry {
        Ok(e) => Some(Ok(e)),
        Err(e) if e.io_error().is_some_and(|io| io.kind() == io::ErrorKind::NotFound) => None,
        Err(e) => Some(Err(io::Error::other(e))),
    })
}

/// Lists a kept staging folder (relative `/`-separated paths, is a folder; a folder before what
/// it holds), removing on the way what tebiki never writes there: symbolic links and special
/// files. Writing through a link, a rebuild could change files outside the output folder.
///
/// Each top folder is listed by one of [`DIR_THREADS`] threads: listing is mostly time in the
/// kernel, which several threads overlap.
pub(super) fn survey(dir: &Path) -> io::Result<Vec<(String, bool)>> {
    let mut top: Vec<PathBuf> = fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<io::Result<_>>()?;
    top.sort_unstable();
    let lists = crate::wide::map(&top, DIR_THREADS.min(top.len()), |t| survey_tree(dir, t));
    let mut found = Vec::new();
    for list in lists {
        found.extend(list?);
    }
    Ok(found)
}

/// [`survey`] of one top entry `top` of `dir`.
pub(super) fn survey_tree(dir: &Path, top: &Path) -> io::Result<Vec<(String, bool)>> {
    let mut found = Vec::new();
    for entry in still_there(walkdir::WalkDir::new(top)) {
        let entry = entry?;
        let kind = entry.file_type();
        let rel = entry.path().strip_prefix(dir).ok().and_then(Path::to_str).map(|r| r.replace('\\', "/"));
        match rel {
            Some(rel) if kind.is_dir() || kind.is_file() => {
                if rel != MARKER {
                    found.push((rel, kind.is_dir()));
                }
            }
            _ if kind.is_dir() => fs::remove_dir_all(entry.path()).or_else(not_found_ok)?,
            _ => fs::remove_file(entry.path()).or_else(not_found_ok)?,
        }
    }
    Ok(found)
}

/// Removes a folder tree, a few sections at a time ([`per_section`]): a delete waits for the
/// disk as often as it works, so more threads than cores help (figures: docs/dev/performance.md).
///
/// Files already gone (someone else deleted them) count as deleted. tebiki's marker file goes
/// last, so an interrupted removal never leaves a staging folder tebiki no longer recognises.
pub(super) fn remove_tree(dir: &Path) -> io::Result<()> {
    let marker = dir.join(MARKER);
    // (path below `dir`, is a folder), sorted: a folder before what it holds.
    let mut entries: Vec<(PathBuf, bool)> = Vec::new();
    for entry in still_there(walkdir::WalkDir::new(dir).min_depth(1)) {
        let entry = entry?;
        if entry.path() != marker {
            let is_dir = entry.file_type().is_dir();
            entries.push((entry.into_path(), is_dir));
        }
    }
    entries.sort_unstable();
    fn section<'p>(p: &'p Path, dir: &Path) -> Option<Component<'p>> {
        p.strip_prefix(dir).ok().and_then(|r| r.components().next())
    }
    per_section(
        &entries,
        |a, b| section(&a.0, dir) == section(&b.0, dir),
        |entries| {
            // Files, then folders deepest first (the section's own folder last).
            for (p, _) in entries.iter().filter(|(_, is_dir)| !is_dir) {
                fs::remove_file(p).or_else(not_found_ok)?;
            }
            let mut folders: Vec<&Path> =
                entries.iter().filter(|(_, is_dir)| *is_dir).map(|(p, _)| p.as_path()).collect();
            folders.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
            folders.into_iter().try_for_each(|p| fs::remove_dir(p).or_else(not_found_ok))
        },
    )?;
    fs::remove_file(&marker).or_else(not_found_ok)?;
    fs::remove_dir(dir).or_else(not_found_ok)
}

/// Runs `f` on each run of `items` in one section of the site (`same_section` of neighbours),
/// on up to [`DIR_THREADS`] threads ([`crate::wide`]), each taking whole sections. Returns the
/// first error (in the order of the sections).
///
/// Why whole sections: making or removing entries side by side in one folder contends for the
/// folder's lock; eight threads writing consecutive pages made builds slower, not faster.
pub(super) fn per_section<T: Sync, E: Send>(
    items: &[T],
    same_section: impl Fn(&T, &T) -> bool,
    f: impl Fn(&[T]) -> Result<(), E> + Sync,
) -> Result<(), E> {
    let sections: Vec<&[T]> = items.chunk_by(same_section).collect();
    let threads = if items.len() < 256 { 1 } else { DIR_THREADS.min(sections.len()) };
    if threads <= 1 {
        return sections.into_iter().try_for_each(f);
    }
    crate::wide::map(&sections, threads, |section| f(section)).into_iter().collect()
}

/// Threads making or removing folders ([`per_section`]).
pub(super) const DIR_THREADS: usize = 8;

/// How many new folders in a row share a block group: one in this many is spread (below).
pub(super) const SPREAD_EVERY: usize = 8;

/// `create_dir_all` that spreads about one new folder in [`SPREAD_EVERY`] over the disk (one
/// call in that many; for pages every call makes a folder); the others follow it into its block
/// group. A `busy` folder (one that will hold [`SPREAD_EVERY`] files or more, like those of
/// the search index) is always spread: sharing a group with the next ones, its files would pile
/// up there, and ext4 scans past every recently deleted inode of a group each time it creates
/// one (see [`set_spread`]).
///
/// Tries `mkdir` first: each page has a folder of its own, so asking whether it exists first
/// would be one more system call per page. Another thread creating the same folder at the same
/// time is fine.
pub(super) fn create_dirs(dir: &Path, busy: bool) -> io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CREATED: AtomicUsize = AtomicUsize::new(0);
    let spread = spreads(CREATED.fetch_add(1, Ordering::Relaxed), busy);
    let mkdir = || {
        // Giving the hint costs three system calls: not for a folder that is already there.
        let hinted = spread && !dir.is_dir() && dir.parent().is_some_and(|p| set_spread(p, true));
        let made = fs::create_dir(dir);
        if let (true, Some(parent)) = (hinted, dir.parent()) {
            set_spread(parent, false);
        }
        match made {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
            other => other,
        }
    };
    match mkdir() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => match dir.parent() {
            Some(parent) if parent != dir => {
                create_dirs(parent, false)?;
                mkdir()
            }
            _ => Err(e),
        },
        other => other,
    }
}

/// Whether the `n`th call of [`create_dirs`] spreads its folder: one in [`SPREAD_EVERY`], and
/// every busy one.
pub(super) fn spreads(n: usize, busy: bool) -> bool {
    busy || n.is_multiple_of(SPREAD_EVERY)
}

/// Asks ext4 to place this folder's next subfolders anywhere on the disk (the Orlov allocator's
/// "top directory" hint, `chattr +T`) instead of next to their parent, or withdraws the hint.
/// Returns whether the flag changed (so a caller only withdraws a hint it gave).
///
/// Why: ext4 without a journal does not reuse an inode freed in the last few minutes, and scans
/// past every such inode of a block group each time it creates a file there. A rebuild deletes
/// the previous output (tens of thousands of inodes) and creates the new one in the same
/// groups, so creating files became quadratic in the number of pages. Spread, each group
/// gets a handful (figures: docs/dev/performance.md).
///
/// Why not every folder: a spread folder costs a look at every block group of the disk. ext4
/// places an unhinted folder in the group where its parent last placed one, so one spread
/// folder in [`SPREAD_EVERY`] takes the others with it: an eighth of the search for groups of
/// 16 inodes. Elsewhere (other file systems, other systems) the request fails or does nothing,
/// which is fine. `TEBIKI_NO_TUNING=1` turns the hint off (see [`crate::tuning_enabled`]).
pub(super) fn set_spread(dir: &Path, on: bool) -> bool {
    if !crate::tuning_enabled() {
        return false;
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        const FS_TOPDIR_FL: libc::c_int = 0x0002_0000;
        let Ok(f) = fs::File::open(dir) else { return false };
        let mut flags: libc::c_int = 0;
        // SAFETY: both ioctls read or write one int through a pointer valid for the call, on a
        // descriptor that stays open for it.
        unsafe {
            if libc::ioctl(f.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut flags) != 0 || (flags & FS_TOPDIR_FL != 0) == on {
                return false;
            }
            let flags = if on { flags | FS_TOPDIR_FL } else { flags & !FS_TOPDIR_FL };
            libc::ioctl(f.as_raw_fd(), libc::FS_IOC_SETFLAGS, &flags) == 0
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (dir, on);
        false
    }
}
