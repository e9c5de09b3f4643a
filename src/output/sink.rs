//! Where a build's output files go: the staging folder for `build`, memory for `serve` and
//! `check`. The render and search stages hand each file to a [`Sink`] as soon as it exists and
//! never know which one it is.

use std::sync::Mutex;

use super::{OutputFile, Staging};
use crate::diagnostics::Diagnostic;

/// Receives output files, from many threads at once.
pub(crate) trait Sink: Sync {
    /// Takes one file. An error (a disk that is full) stops the build.
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic>;

    /// Takes many files at once: what a sink that keeps files in memory can take in one step.
    fn put_many(&self, files: Vec<OutputFile>) -> Result<(), Diagnostic> {
        files.into_iter().try_for_each(|f| self.put(f))
    }

    /// Makes the folders of these output paths before their files arrive, where that matters.
    fn prepare(&mut self, _paths: &mut dyn Iterator<Item = &str>) -> Result<(), Diagnostic> {
        Ok(())
    }

    /// The paths received more than once so far, sorted, each once.
    fn duplicates(&self) -> Vec<String>;

    /// Whether the files' bytes are kept (false for `check`, which needs none made).
    fn keeps_bytes(&self) -> bool {
        true
    }

    /// What a previous build wrote at `path`, where the sink can tell.
    fn previous_file(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }
}

/// Keeps every file in memory (`serve` answers from it; `check` only counts it).
#[derive(Default)]
pub(crate) struct Memory {
    files: Mutex<Vec<OutputFile>>,
    /// Keep only the paths: `check` needs no bytes.
    discard: bool,
}

impl Memory {
    /// A sink that keeps paths but drops the bytes.
    pub(crate) fn discarding() -> Self {
        Memory { discard: true, ..Memory::default() }
    }

    /// The files received, sorted by path.
    pub(crate) fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Memory {
    fn put(&self, mut file: OutputFile) -> Result<(), Diagnostic> {
        if self.discard {
            file.data = bytes::Bytes::new();
        }
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    }

    fn put_many(&self, mut files: Vec<OutputFile>) -> Result<(), Diagnostic> {
        if self.discard {
            files.iter_mut().for_each(|f| f.data = bytes::Bytes::new());
        }
        self.files.lock().unwrap_or_else(|e| e.into_inner()).append(&mut files);
        Ok(())
    }

    fn keeps_bytes(&self) -> bool {
        !self.discard
    }

    fn duplicates(&self) -> Vec<String> {
        // Sorted in place: `into_files` then finds them in order.
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        duplicates(files.iter().map(|f| &f.path))
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.write(&file)
    }

    fn prepare(&mut self, paths: &mut dyn Iterator<Item = &str>) -> Result<(), Diagnostic> {
        self.make_dirs(paths)
    }

    fn duplicates(&self) -> Vec<String> {
        duplicates(self.written().iter())
    }

    fn previous_file(&self, path: &str) -> Option<Vec<u8>> {
        Staging::previous_file(self, path)
    }
}

/// The paths that follow an equal one in `sorted`, each once.
fn duplicates<'a>(sorted: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last: Option<&String> = None;
    for path in sorted {
        if last == Some(path) && out.last() != Some(path) {
            out.push(path.clone());
        }
        last = Some(path);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_taken_together_are_kept_like_files_taken_one_by_one() {
        let file = |path: &str| OutputFile { path: path.into(), data: bytes::Bytes::from_static(b"x") };
        for sink in [Memory::default(), Memory::discarding()] {
            sink.put(file("b.html")).unwrap();
            sink.put_many(vec![file("c.html"), file("a.html")]).unwrap();
            let kept = sink.keeps_bytes();
            let files = sink.into_files();
            assert_eq!(files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["a.html", "b.html", "c.html"]);
            assert!(files.iter().all(|f| f.data.is_empty() != kept), "bytes kept only by a keeping sink");
        }
    }

    #[test]
    fn a_memory_sink_names_each_path_received_twice_once() {
        let sink = Memory::default();
        for path in ["b.html", "a.html", "b.html", "c.html", "b.html", "a.html"] {
            sink.put(OutputFile { path: path.into(), data: bytes::Bytes::new() }).unwrap();
        }
        assert_eq!(sink.duplicates(), ["a.html", "b.html"]);
        let paths: Vec<String> = sink.into_files().into_iter().map(|f| f.path).collect();
        assert_eq!(paths, ["a.html", "a.html", "b.html", "b.html", "b.html", "c.html"]);
    }
}
