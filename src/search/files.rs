//! The index's files under `search/`: meta, token shards, bitmaps, document chunks.

use super::*;
use crate::output::OutputFile;
use rayon::prelude::*;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::collections::HashMap;

/// A shard entry: the delta-encoded list of document ids, or the name of a bitmap file.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Entry {
    Deltas(Vec<u32>),
    Bitmap(String),
}

/// A shard, serialized as a JSON object in key order.
pub(super) struct Shard(Vec<(String, Entry)>);

impl Serialize for Shard {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// Merges the pages' shares (in reading order) into the index files.
pub(crate) fn assemble(per_page: &[PageIndex]) -> Vec<OutputFile> {
    let runs = runs_of(per_page.len(), |i| per_page[i].0.len() as u32);
    let maps: Vec<Postings> = runs.into_par_iter().map(|run| postings_of(&per_page[run.pages], run.docs)).collect();
    let docs: Vec<&DocRow> = per_page.iter().flat_map(|p| p.0.iter().map(|(row, _)| row)).collect();
    finish(maps, &docs)
}

/// The index files from the postings of consecutive runs and every document row.
pub(super) fn finish(maps: Vec<Postings>, docs: &[&DocRow]) -> Vec<OutputFile> {
    let total_docs = docs.len();
    // Each token's parts, in run order (the maps come in run order).
    let mut by_token: HashMap<Cow<'_, str>, Vec<(&Ids, u32)>, ahash::RandomState> = HashMap::default();
    for m in &maps {
        for (t, ids) in &m.cjk {
            by_token.entry(Cow::Owned(unpack(*t))).or_default().push((ids, m.docs.start));
        }
        for (w, ids) in &m.words {
            by_token.entry(Cow::Borrowed(&**w)).or_default().push((ids, m.docs.start));
        }
    }
    let merged: Vec<(String, Merged)> =
        by_token.into_par_iter().map(|(key, parts)| (key.into_owned(), merge(&parts, total_docs))).collect();
    drop(maps);
    // Tokens in many sections (転職 in a big corpus) get a bitmap file of their own, so a shard
    // holding them does not become megabytes.
    let mut big: Vec<(String, Vec<u8>, Marked)> = Vec::new();
    let mut small: Vec<(String, Marked)> = Vec::new();
    let mut small_entries = 0usize;
    for (key, m) in merged {
        match m {
            Merged::Bitmap(bits, strong) => big.push((key, bits, strong)),
            Merged::Ids(ids) => {
                small_entries += ids.len();
                small.push((key, ids));
            }
        }
    }
    big.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Shards small enough that a query's few of them download cheaply; small sites get one
    // shard.
    let shards = (small_entries / 8_000 + 1).next_power_of_two().min(4096);
    let mut shard_lists: Vec<Vec<(String, Entry)>> = (0..shards).map(|_| Vec::new()).collect();
    for (key, ids) in small {
        let n = shard_of(&key, shards);
        shard_lists[n].push((key, Entry::Deltas(delta_encode(ids))));
    }
    for (n, (key, _, _)) in big.iter_mut().enumerate() {
        shard_lists[shard_of(key, shards)].push((std::mem::take(key), Entry::Bitmap(file_name("t", n, "bin"))));
    }
    let mut files = Vec::with_capacity(shards + big.len() + total_docs / DOC_CHUNK + 2);
    let meta = Meta { version: 3, shards, chunk: DOC_CHUNK, docs: total_docs };
    files.push(OutputFile {
        path: "search/meta.json".into(),
        data: serde_json::to_vec(&meta).unwrap_or_default().into(),
    });
    let shard_files: Vec<OutputFile> = shard_lists
        .into_par_iter()
        .enumerate()
        .map(|(n, mut list)| {
            list.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            OutputFile {
                path: format!("search/{}", file_name("s", n, "json")),
                data: serde_json::to_vec(&Shard(list)).unwrap_or_default().into(),
            }
        })
        .collect();
    files.extend(shard_files);
    let bitmaps: Vec<OutputFile> = big
        .into_par_iter()
        .enumerate()
        .map(|(n, (_, mut bits, strong))| {
            // After the bitmap: the documents where the token is in a heading or title, delta
            // encoded with their marks, as LEB128 varints. They live here rather than in the
            // shard, so a query pays for them only when it needs this token.
            for v in delta_encode(strong) {
                push_varint(&mut bits, v);
            }
            OutputFile { path: format!("search/{}", file_name("t", n, "bin")), data: bits.into() }
        })
        .collect();
    files.extend(bitmaps);
    let chunks: Vec<OutputFile> = docs
        .par_chunks(DOC_CHUNK)
        .enumerate()
        .map(|(n, chunk)| OutputFile {
            path: format!("search/{}", file_name("d", n, "json")),
            data: serde_json::to_vec(chunk).unwrap_or_default().into(),
        })
        .collect();
    files.extend(chunks);
    files
}

/// Files per folder of the index.
pub(crate) const FOLDER_FILES: usize = 64;

/// Path under `search/` of file `n` of a kind (`s` shards, `t` bitmaps, `d` document chunks):
/// `d/3/200.json`. At most `FOLDER_FILES` files share a folder (search.js computes the same).
///
/// Why folders: a large site has thousands of index files, and some file systems (ext4 without
/// a journal) make creating many files in one folder quadratic right after the previous output
/// was deleted, because they scan past every recently freed inode of the folder's block group.
/// Small folders each land in their own group. It also keeps listings short for deploy tools.
pub fn file_name(kind: &str, n: usize, ext: &str) -> String {
    format!("{kind}/{}/{n}.{ext}", n / FOLDER_FILES)
}
