//! tebiki (手引き): a static-site generator for Japanese guides.
//!
//! The pipeline: [`content`] loads pages → [`markdown`] renders bodies → [`link`] builds the
//! site graph and verifies links → [`render`] runs the theme's templates → [`output`] writes the
//! files atomically. [`site`] strings them together for every command.

// Diagnostics are rich (message, hint, source line) and only built on the error path.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod images;
pub mod link;
pub mod markdown;
pub mod output;
pub mod progress;
mod refresh;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod seo;
pub mod serve;
mod source;
pub mod templates;
mod text;
mod web;
mod wide;
mod yaml;

pub use build::{build, build_site, build_site_cached, check_site, BuildCache, BuildOptions, BuildReport, BuiltSite};
pub use diagnostics::{stderr_color, Diagnostic, Diagnostics, Severity};
