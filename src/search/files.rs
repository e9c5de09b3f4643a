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

/// A document chunk, written compactly: a section of the same page as the row before it gives
/// only its id and heading, or one string when they are the same (the usual case for Japanese
/// headings), because a page's rows share its URL and title. That makes rows a fifth of their
/// full size, so a chunk holds more rows for the same download and a site needs fewer files.
struct Chunk<'a>(&'a [&'a DocRow]);

impl Serialize for Chunk<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        let mut prev: Option<(&str, &str)> = None;
        for (url, title, heading) in self.0.iter().copied() {
            let (page, id) = url.split_once('#').map_or((url.as_str(), None), |(p, i)| (p, Some(i)));
            let here = Some((page, title.as_str()));
            match id.filter(|_| prev == here) {
                Some(id) if id == heading => seq.serialize_element(heading)?,
                Some(id) => seq.serialize_element(&(id, heading))?,
                None => seq.serialize_element(&(url, title, heading))?,
            }
            prev = here;
        }
        seq.end()
    }
}

/// The rows of a document chunk as the build wrote them compactly (what search.js reads), for
/// tests and tools.
pub fn read_rows(chunk: &[u8]) -> Result<Vec<DocRow>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Row {
        Same(String),
        Section(String, String),
        Full(String, String, String),
    }
    let mut page = String::new();
    let mut title = String::new();
    let rows: Vec<Row> = serde_json::from_slice(chunk)?;
    Ok(rows
        .into_iter()
        .map(|row| match row {
            Row::Same(heading) => (format!("{page}#{heading}"), title.clone(), heading),
            Row::Section(id, heading) => (format!("{page}#{id}"), title.clone(), heading),
            Row::Full(url, t, heading) => {
                page = url.split_once('#').map_or(&*url, |(p, _)| p).to_string();
                title = t.clone();
                (url, t, heading)
            }
        })
        .collect())
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
    // Tokens in many sections (転職 in a big corpus) get a bitmap file of their own, so a shard
    // holding them does not become megabytes.
    let mut big: Vec<(String, Vec<u8>, Marked)> = Vec::new();
    let mut small: Vec<(String, Vec<u32>)> = Vec::new();
    for (key, m) in merge_tokens(maps, total_docs) {
        match m {
            Merged::Bitmap(bits, strong) => big.push((key, bits, strong)),
            Merged::Ids(ids) => small.push((key, ids)),
        }
    }
    big.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Shards small enough that a query's few of them download cheaply; small sites get one
    // shard.
    let small_entries: usize = small.iter().map(|(_, ids)| ids.len()).sum();
    let shards = (small_entries / 8_000 + 1).next_power_of_two().min(4096);
    let mut files = Vec::with_capacity(shards + big.len() + total_docs / DOC_CHUNK + 2);
    let meta = Meta { version: 4, shards, chunk: DOC_CHUNK, docs: total_docs };
    files.push(OutputFile {
        path: "search/meta.json".into(),
        data: serde_json::to_vec(&meta).unwrap_or_default().into(),
    });
    files.extend(shard_files(small, &mut big, shards));
    files.extend(bitmap_files(big));
    files.extend(doc_files(docs));
    files
}

/// Each token's postings from every run, merged, in no particular order.
fn merge_tokens(maps: Vec<Postings>, total_docs: usize) -> Vec<(String, Merged)> {
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
    by_token.into_par_iter().map(|(key, parts)| (key.into_owned(), merge(&parts, total_docs))).collect()
}

/// The shard files: each token of `small` with its list, each of `big` (whose keys are taken)
/// with the name of its bitmap file, sorted by token within a shard.
fn shard_files(
    small: Vec<(String, Vec<u32>)>,
    big: &mut [(String, Vec<u8>, Marked)],
    shards: usize,
) -> Vec<OutputFile> {
    let mut shard_lists: Vec<Vec<(String, Entry)>> = (0..shards).map(|_| Vec::new()).collect();
    for (key, mut ids) in small {
        let n = shard_of(&key, shards);
        delta_encode_packed(&mut ids);
        shard_lists[n].push((key, Entry::Deltas(ids)));
    }
    for (n, (key, _, _)) in big.iter_mut().enumerate() {
        shard_lists[shard_of(key, shards)].push((std::mem::take(key), Entry::Bitmap(file_name("t", n, "bin"))));
    }
    shard_lists
        .into_par_iter()
        .enumerate()
        .map(|(n, mut list)| {
            list.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            OutputFile {
                path: format!("search/{}", file_name("s", n, "json")),
                data: serde_json::to_vec(&Shard(list)).unwrap_or_default().into(),
            }
        })
        .collect()
}

/// The bitmap files of the tokens in many sections, in the order of `big`.
fn bitmap_files(big: Vec<(String, Vec<u8>, Marked)>) -> Vec<OutputFile> {
    big.into_par_iter()
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
        .collect()
}

/// The document rows, `DOC_CHUNK` to a file.
fn doc_files(docs: &[&DocRow]) -> Vec<OutputFile> {
    docs.par_chunks(DOC_CHUNK)
        .enumerate()
        .map(|(n, chunk)| OutputFile {
            path: format!("search/{}", file_name("d", n, "json")),
            data: serde_json::to_vec(&Chunk(chunk)).unwrap_or_default().into(),
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(url: &str, title: &str, heading: &str) -> DocRow {
        (url.to_string(), title.to_string(), heading.to_string())
    }

    #[test]
    fn compact_rows_read_back_as_written_and_shorten_sections_of_one_page() {
        let rows = vec![
            // A chunk may start in the middle of a page: the first row is always whole.
            row("/a/#謝罪する", "対処法", "謝罪する"),
            row("/a/#連絡の仕方", "対処法", "連絡の仕方"),
            // An id that is not the heading (an explicit id): id and heading.
            row("/a/#mail", "対処法", "メールの例"),
            row("/b/", "まとめ", ""),
            row("/b/#次の一歩", "まとめ", "次の一歩"),
            // Same title, other page: whole again.
            row("/c/#次の一歩", "まとめ", "次の一歩"),
        ];
        let refs: Vec<&DocRow> = rows.iter().collect();
        let json = serde_json::to_vec(&Chunk(&refs)).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value[1], "連絡の仕方");
        assert_eq!(value[2], serde_json::json!(["mail", "メールの例"]));
        assert_eq!(value[5], serde_json::json!(["/c/#次の一歩", "まとめ", "次の一歩"]));
        assert_eq!(read_rows(&json).unwrap(), rows);
    }
}
