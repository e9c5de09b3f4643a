//! A whole site built from fuzz-generated files in a temporary folder, in memory
//! (`build_site` writes nothing). Paths are confined to `content/` and `site.yaml`; the build
//! must return Ok or located diagnostics, never panic, and every output path must be safe.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    config: Config,
    files: Vec<(Name, Text)>,
}

/// `site.yaml`: mostly valid (so builds get past it), sometimes arbitrary.
#[derive(Debug, Arbitrary)]
enum Config {
    Default,
    Base(u8),
    Raw(String),
}

/// A file's text: arbitrary, or valid front matter (title plus fuzzed YAML lines) and a fuzzed
/// body, so most inputs reach Markdown, linking and the templates.
#[derive(Debug, Arbitrary)]
enum Text {
    Raw(String),
    Page { title: String, yaml: String, body: String },
}

impl Text {
    fn render(&self) -> String {
        match self {
            Text::Raw(s) => s.clone(),
            Text::Page { title, yaml, body } => {
                let title = if title.trim().is_empty() || title.contains(['\n', '"', '\\']) { "題" } else { title };
                format!("---\ntitle: \"{title}\"\n{yaml}\n---\n{body}")
            }
        }
    }
}

/// A file name under `content/` built from a small alphabet of segments, so files can find each
/// other through links (`a.md`, `b/_index.md`, `画像.svg`...).
#[derive(Debug, Arbitrary)]
struct Name {
    dirs: Vec<u8>,
    stem: u8,
    ext: u8,
}

const SEGMENTS: &[&str] = &["a", "b", "_index", "手順", "リスク", "x y", "index", "print", "assets", "search"];
const EXTS: &[&str] = &["md", "md", "md", "svg", "png", "txt"];

impl Name {
    fn path(&self) -> String {
        let mut p = String::from("content/");
        for d in self.dirs.iter().take(2) {
            p.push_str(SEGMENTS[*d as usize % SEGMENTS.len()]);
            p.push('/');
        }
        p.push_str(SEGMENTS[self.stem as usize % SEGMENTS.len()]);
        p.push('.');
        p.push_str(EXTS[self.ext as usize % EXTS.len()]);
        p
    }
}

fuzz_target!(|input: Input| {
    if input.files.len() > 8 {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    let yaml = match &input.config {
        Config::Default => "title: ファズ\n".to_string(),
        Config::Base(b) => {
            let base = ["/", "/guide/", "https://example.org/docs/", "/日本語/"][*b as usize % 4];
            format!("title: ファズ\nbase_url: {base}\n")
        }
        Config::Raw(s) => s.clone(),
    };
    std::fs::write(root.join("site.yaml"), yaml).unwrap();
    // A home page, so most inputs get past "the home page is missing"; a fuzzed
    // `content/_index.md` replaces it.
    std::fs::write(root.join("content/_index.md"), "---\ntitle: ホーム\n---\n本文。\n").unwrap();
    for (name, text) in &input.files {
        let p = root.join(name.path());
        // Names repeat: the last one wins.
        if std::fs::create_dir_all(p.parent().unwrap()).is_ok() {
            let _ = std::fs::write(&p, text.render());
        }
    }
    let opts = tebiki::BuildOptions { root: root.clone(), ..Default::default() };
    let result = tebiki::build_site(&opts);
    if std::env::var_os("TEBIKI_FUZZ_STATS").is_some() {
        // How deep the corpus gets: `TEBIKI_FUZZ_STATS=1 site -runs=0 corpus/site 2>&1 | grep ^outcome`
        match &result {
            Ok(s) => eprintln!("outcome ok pages={}", s.pages),
            Err(d) => eprintln!("outcome err {}", d.0.first().map_or("", |e| e.message.as_str())),
        }
    }
    match result {
        Ok(site) => {
            for f in &site.files {
                assert!(tebiki::internals::is_safe_relative(&f.path), "unsafe output path {:?}", f.path);
            }
            for w in site.files.windows(2) {
                assert!(w[0].path < w[1].path, "outputs not sorted/unique: {:?}", w[0].path);
            }
        }
        Err(d) => {
            assert!(d.has_errors());
            let _ = d.render(false);
        }
    }
});
