//! Resolving the links authors write (`remedies.md#謝罪する`, `images/a.svg`, `/risks/`) to
//! the URLs of the built site.

use ahash::{AHashMap as HashMap, AHashSet as HashSet};

use super::anchors::slugify;
use crate::web::url::{encode_path, percent_decode};

/// What the Markdown pass needs to know about the whole site to rewrite links.
#[derive(Debug, Default, Clone)]
pub struct SiteMap {
    /// Base path, starting and ending with `/`.
    pub base_path: String,
    /// Page URL path (relative to base) by source path.
    pub page_by_source: HashMap<String, String>,
    /// Source path by page URL path.
    pub source_by_path: HashMap<String, String>,
    /// Asset paths relative to `content/`.
    pub assets: HashSet<String>,
    /// Intrinsic sizes of images, by asset path.
    pub image_sizes: HashMap<String, (u32, u32)>,
    /// Source paths of every `draft: true` page, built or not.
    pub drafts: HashSet<String>,
    /// Drafts the build leaves out: source path by URL path and by source path.
    pub left_out: HashMap<String, String>,
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Not ours: `https:`, `mailto:`, protocol-relative.
    External,
    /// A page (by source path) with an optional fragment as written.
    Page {
        /// Source path of the target page.
        source: String,
        /// Fragment without `#`, percent-decoded.
        fragment: Option<String>,
    },
    /// A file under `content/`.
    Asset(String),
    /// Nothing matches; the resolved path (for suggestions).
    Broken(String),
}

impl SiteMap {
    /// Resolves `dest` as written on the page with source `from`.
    pub fn resolve(&self, from: &str, dest: &str) -> Target {
        if is_external(dest) {
            return Target::External;
        }
        let (path_q, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(percent_decode(f))),
            None => (dest, None),
        };
        let path = percent_decode(path_q.split('?').next().unwrap_or(""));
        if path.is_empty() {
            return Target::Page { source: from.to_string(), fragment };
        }
        let rel = if let Some(abs) = path.strip_prefix('/') {
            let base = self.base_path.trim_start_matches('/');
            abs.strip_prefix(base).filter(|_| !base.is_empty()).unwrap_or(abs).to_string()
        } else {
            let dir = match from.rfind('/') {
                Some(i) => &from[..=i],
                None => "",
            };
            match normalize(&format!("{dir}{path}")) {
                Some(p) => p,
                None => return Target::Broken(path),
            }
        };
        if rel.ends_with(".md") {
            return if self.page_by_source.contains_key(&rel) {
                Target::Page { source: rel, fragment }
            } else {
                Target::Broken(rel)
            };
        }
        if self.assets.contains(&rel) {
            return Target::Asset(rel);
        }
        let as_dir = if rel.is_empty() || rel.ends_with('/') { rel.clone() } else { format!("{rel}/") };
        let as_dir = as_dir.strip_suffix("index.html/").map(str::to_owned).unwrap_or(as_dir);
        if let Some(src) = self.source_by_path.get(&as_dir) {
            return Target::Page { source: src.clone(), fragment };
        }
        Target::Broken(rel)
    }

    /// The source of the left-out draft a broken link resolved to (`wip.md`, `wip/`), if any.
    pub fn left_out_draft(&self, resolved: &str) -> Option<&str> {
        let as_dir = format!("{}/", resolved.trim_end_matches('/'));
        self.left_out.get(resolved).or_else(|| self.left_out.get(&as_dir)).map(String::as_str)
    }

    /// The URL to write for a resolved page link.
    pub fn page_url(&self, source: &str, id: Option<&str>) -> String {
        let path = self.page_by_source.get(source).map(String::as_str).unwrap_or("");
        let mut url = format!("{}{}", self.base_path, encode_path(path));
        if let Some(id) = id {
            url.push('#');
            url.push_str(id);
        }
        url
    }

    /// The URL of an asset.
    pub fn asset_url(&self, rel: &str) -> String {
        format!("{}{}", self.base_path, encode_path(rel))
    }
}

/// The id a fragment refers to, normalized like heading ids.
pub fn fragment_id(fragment: &str) -> String {
    slugify(fragment)
}

/// `https:`, `mailto:`, `//host`: anything with a scheme.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// Resolves `.` and `..`; None when it climbs above the content root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut s = parts.join("/");
    if path.ends_with('/') && !s.is_empty() {
        s.push('/');
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> SiteMap {
        let mut m = SiteMap { base_path: "/guide/".into(), ..Default::default() };
        for (s, p) in [("_index.md", ""), ("remedies.md", "remedies/"), ("a/b.md", "a/b/")] {
            m.page_by_source.insert(s.into(), p.into());
            m.source_by_path.insert(p.into(), s.into());
        }
        m.assets.insert("images/x.svg".into());
        m
    }

    #[test]
    fn relative_markdown_links_resolve_to_pages() {
        let m = map();
        assert_eq!(
            m.resolve("risks.md", "remedies.md#%E8%AC%9D%E7%BD%AA"),
            Target::Page { source: "remedies.md".into(), fragment: Some("謝罪".into()) }
        );
        assert_eq!(
            m.resolve("a/b.md", "../remedies.md"),
            Target::Page { source: "remedies.md".into(), fragment: None }
        );
        assert_eq!(m.resolve("a/b.md", "../images/x.svg"), Target::Asset("images/x.svg".into()));
        assert_eq!(
            m.resolve("x.md", "/guide/remedies/"),
            Target::Page { source: "remedies.md".into(), fragment: None }
        );
        assert_eq!(m.resolve("x.md", "#frag"), Target::Page { source: "x.md".into(), fragment: Some("frag".into()) });
        assert_eq!(m.resolve("x.md", "https://example.org"), Target::External);
        assert_eq!(m.resolve("x.md", "mailto:a@b"), Target::External);
        assert!(matches!(m.resolve("x.md", "nope.md"), Target::Broken(_)));
        assert!(matches!(m.resolve("x.md", "../../etc/passwd"), Target::Broken(_)));
    }

    #[test]
    fn page_urls_carry_the_base_path() {
        let m = map();
        assert_eq!(m.page_url("remedies.md", Some("謝罪")), "/guide/remedies/#謝罪");
        assert_eq!(m.page_url("_index.md", None), "/guide/");
        assert_eq!(m.asset_url("images/x.svg"), "/guide/images/x.svg");
    }
}
