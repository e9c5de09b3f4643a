//! The build pipeline, shared by `build`, `check` and `serve`:
//! load → parse (Markdown, in parallel) → link (graph and checks) → render (Tera) → files.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, load};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::link;
use crate::markdown::{self, PageInput, Rendered, SiteMap};
use crate::output::{self, OutputFile};
use crate::render::{self, RenderInput};
use crate::templates;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root (holds `site.yaml` and `content/`).
    pub root: PathBuf,
    /// Output folder; `<root>/public` when None.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Include `draft: true` pages.
    pub drafts: bool,
    /// Rendering for `tebiki serve` (templates see `site.serve`).
    pub serve: bool,
}

impl BuildOptions {
    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// A site built in memory.
#[derive(Debug, Clone, Default)]
pub struct BuiltSite {
    /// Every output file, sorted by path.
    pub files: Vec<OutputFile>,
    /// Number of HTML pages from content.
    pub pages: usize,
    /// Number of other files.
    pub assets: usize,
    /// Warnings (the build succeeded).
    pub warnings: Diagnostics,
}

/// Builds the whole site in memory. Errors from every stage that could run are reported together.
pub fn build_site(opts: &BuildOptions) -> Result<BuiltSite, Diagnostics> {
    let root = &opts.root;
    let mut config = Config::load(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = crate::config::normalize_base_url(url)
            .map_err(|hint| Diagnostic::error(None, format!("invalid --base-url `{url}`")).hint(hint))?;
    }
    let base_path = config.base_path();
    let files = load::load_content(root)?;
    let mut warnings = Diagnostics(files.warnings.clone());
    let assets: Vec<(String, Vec<u8>)> = read_assets(&files.assets)?;
    let (content, mut errors) = content::build_content(files, opts.drafts);
    let theme = templates::load_theme(root, &config.theme, &base_path);

    let mut map = SiteMap { base_path: base_path.clone(), ..Default::default() };
    let known = content.pages.iter().map(|p| (&p.source, &p.path)).chain(content.broken.iter().map(|(s, p)| (s, p)));
    for (source, path) in known {
        map.page_by_source.insert(source.clone(), path.clone());
        map.source_by_path.insert(path.clone(), source.clone());
    }
    for (rel, bytes) in &assets {
        map.assets.insert(rel.clone());
        if let Some(size) = crate::images::size(rel, bytes) {
            map.image_sizes.insert(rel.clone(), size);
        }
    }
    let rendered: Vec<Rendered> = content
        .pages
        .par_iter()
        .map(|p| {
            let input = PageInput { source: &p.source, shown: &p.shown, text: &p.text, body_offset: p.body_offset };
            markdown::render(&input, &map)
        })
        .collect();
    for r in &rendered {
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors.push(d.clone()),
                Severity::Warning => warnings.push(d.clone()),
            }
        }
    }
    let (graph, link_errors) = link::link(&content, &rendered);
    errors.0.extend(link_errors.0);
    let theme = match theme {
        Ok(t) => Some(t),
        Err(d) => {
            errors.0.extend(d.0);
            None
        }
    };
    let Some(theme) = theme.filter(|_| !errors.has_errors()) else {
        errors.sort();
        return Err(errors);
    };
    let input = RenderInput {
        config: &config,
        content: &content,
        rendered: &rendered,
        graph: &graph,
        theme: &theme,
        serve: opts.serve,
    };
    let mut out = render::render_site(&input)?;
    let pages = content.pages.len();
    let n_assets = assets.len() + theme.assets.len();
    out.extend(theme.assets.iter().map(|(p, d)| OutputFile { path: p.clone(), data: d.clone() }));
    out.extend(assets.into_iter().map(|(path, data)| OutputFile { path, data }));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    for w in out.windows(2) {
        if w[0].path == w[1].path {
            errors.push(
                Diagnostic::error(
                    Some(PathBuf::from(format!("content/{}", w[0].path))),
                    format!("two outputs have the same path `{}`", w[0].path),
                )
                .hint("a content file collides with a page or a theme asset; rename it"),
            );
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    warnings.sort();
    Ok(BuiltSite { files: out, pages, assets: n_assets, warnings })
}

fn read_assets(files: &[content::AssetFile]) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let results: Vec<Result<(String, Vec<u8>), Diagnostic>> = files
        .par_iter()
        .map(|a| {
            std::fs::read(&a.abs).map(|b| (a.rel.clone(), b)).map_err(|e| {
                Diagnostic::error(Some(PathBuf::from(format!("content/{}", a.rel))), format!("cannot read file: {e}"))
                    .hint("make the file readable or remove it")
            })
        })
        .collect();
    let mut ok = Vec::with_capacity(results.len());
    let mut errors = Diagnostics::default();
    for r in results {
        match r {
            Ok(x) => ok.push(x),
            Err(d) => errors.push(d),
        }
    }
    if errors.0.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// What a finished `build` reports.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages written.
    pub pages: usize,
    /// Other files written.
    pub assets: usize,
    /// Wall time in milliseconds.
    pub millis: u128,
    /// Warnings.
    pub warnings: Diagnostics,
    /// Where the site went.
    pub output: PathBuf,
}

/// Builds the site and replaces the output folder atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let out_dir = opts.output_dir();
    output::check_output_dir(&opts.root, &out_dir)?;
    let site = build_site(opts)?;
    output::write_atomic(&out_dir, &site.files)?;
    Ok(BuildReport {
        pages: site.pages,
        assets: site.assets,
        millis: start.elapsed().as_millis(),
        warnings: site.warnings,
        output: out_dir,
    })
}
