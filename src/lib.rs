//! tebiki (手引き): a static-site generator for Japanese guides.
//!
//! The public API is what the command line uses: [`build()`] (write the site), [`check_site`]
//! (verify without writing), [`check_external`] (ask every external link, over the network),
//! [`build_site`] / [`build_site_cached`] (build in memory, as
//! `serve` does), [`serve()`], [`init`] and [`new_page`], their options, and the
//! [`Diagnostic`] type every message is made of. The pipeline itself is in `build/`; see
//! `docs/dev/architecture.md` for the module map.

// Diagnostics are rich (message, hint, source line) and only built on the error path.
#![allow(clippy::result_large_err)]

mod build;
mod cards;
mod config;
mod content;
mod dates;
mod diagnostics;
mod external;
mod feed;
mod images;
mod lang;
mod link;
mod markdown;
mod output;
mod progress;
mod proofread;
mod refresh;
mod render;
mod scaffold;
mod search;
mod seo;
mod serve;
mod source;
mod templates;
mod text;
mod web;
mod wide;
mod yaml;

pub use build::{build, build_site, build_site_cached, check_site, BuildCache, BuildOptions, BuildReport, BuiltSite};
pub use diagnostics::{stderr_color, Diagnostic, Diagnostics, Severity};
pub use external::{check_external, ExternalOptions, ExternalReport};
pub use lang::{pick, tr, Lang, Msg};

/// Chooses the language of messages for this process (the command line does, once).
pub fn set_lang(lang: Lang) {
    lang::set(lang);
}
pub use output::OutputFile;
pub use proofread::check::{finish as finish_check, CheckOutcome};
pub use proofread::{Finding, PageFindings, SiteFindings};
pub use scaffold::{init, new_page, today};
pub use serve::{run as serve, ServeOptions};

/// Whether tebiki tunes the allocator and asks ext4 to spread new folders: on unless
/// `TEBIKI_NO_TUNING` is set (to a non-empty value), so the benchmark harness can measure what
/// the tuning is worth. It changes where and how fast files are made, never what is written.
pub fn tuning_enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("TEBIKI_NO_TUNING").is_none_or(|v| v.is_empty()))
}

/// Internals for the benchmarks, fuzz targets and property tests in this repository. Not a
/// stable API: anything here may change in any release.
#[doc(hidden)]
pub mod internals {
    pub use crate::content::front_matter;
    pub use crate::markdown::{render as render_markdown, PageInput, Rendered, SiteMap, RESERVED_IDS};
    pub use crate::output::is_safe_relative;
    pub use crate::proofread::{PageInput as ProofreadPage, ProofreadConfig, Proofreader, RULES};
    pub use crate::search::{file_name, page_index, read_rows, shard_of, tokens};
    pub use crate::source::decode_text;
}
