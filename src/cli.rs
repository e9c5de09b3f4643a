//! Command-line types (clap derive). Only parsing lives here.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// tebiki (手引き): build a Japanese guide into a fast, cross-linked static site.
#[derive(Debug, Parser)]
#[command(name = "tebiki", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: public/).
    #[command(
        after_help = "Examples:\n  tebiki build\n  tebiki build --base-url https://example.org/guide/\n  tebiki build --root my-guide --output /tmp/site --drafts"
    )]
    Build {
        /// Site folder (holds site.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: <root>/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Public URL of the site; overrides base_url in site.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Verify everything a build verifies, without writing anything.
    #[command(after_help = "Examples:\n  tebiki check\n  tebiki check --format json")]
    Check {
        /// Site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output format of the diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
}

/// Diagnostic output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For editors and CI.
    Json,
}
