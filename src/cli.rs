//! Command-line types (clap derive). Only parsing lives here.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// tebiki (手引き): build a Japanese guide into a fast, cross-linked static site.
#[derive(Debug, Parser)]
#[command(name = "tebiki", version, about, propagate_version = true)]
pub struct Cli {
    /// Language of messages: `ja` or `en` (default: from LC_ALL, LC_MESSAGES or LANG).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Languages for `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// 日本語
    Ja,
    /// English
    En,
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
        /// Print how long each stage of the build took (to standard error).
        #[arg(long)]
        timings: bool,
        /// Replace an output folder that holds files tebiki did not write (they are removed).
        #[arg(long)]
        force: bool,
    },
    /// Verify everything a build verifies, without writing anything.
    #[command(
        after_help = "Examples:\n  tebiki check\n  tebiki check --format json\n  tebiki check --format github   # annotations in GitHub Actions\n  tebiki check --fix             # rewrite full-width ASCII, half-width kana, punctuation, dictionary words\n  tebiki check --baseline proofread-baseline.json   # record today's proofreading findings, then show only new ones\n  tebiki check --external        # also ask every http(s) link (uses the network)"
    )]
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
        /// Also check every external (http/https) link over the network. Links that worked are
        /// remembered for 7 days in .tebiki/external-links.json.
        #[arg(long)]
        external: bool,
        /// Seconds to wait for each external link to answer.
        #[arg(long, default_value_t = 10, requires = "external", value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
        /// Apply the mechanical proofreading fixes to the Markdown files.
        #[arg(long)]
        fix: bool,
        /// Proofreading baseline: recorded when FILE does not exist; afterwards only findings
        /// not in it are reported.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Preview the site with live reload: builds in memory (never touches public/), rebuilds on
    /// every change, and shows build errors in the browser. Always includes drafts.
    #[command(
        after_help = "Examples:\n  tebiki serve\n  tebiki serve --port 8080 --open\n  tebiki serve --root my-guide --poll   # network drives, WSL, Docker mounts\n  tebiki serve --bind 0.0.0.0          # visible to other machines on the network"
    )]
    Serve {
        /// Site folder (holds site.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but loopback makes the preview visible on the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Print how long each stage of every rebuild took (to standard error).
        #[arg(long)]
        timings: bool,
        /// Poll for changes instead of file-system events (for file systems without them).
        #[arg(long)]
        poll: bool,
    },
    /// Start a new guide: site.yaml, a home page and an example page (never overwrites).
    #[command(
        after_help = "Examples:\n  tebiki init my-guide\n  tebiki init --theme-copy   # also write themes/default/ to customise"
    )]
    Init {
        /// Folder to create the guide in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also write the built-in theme to themes/default/ for customising.
        #[arg(long)]
        theme_copy: bool,
    },
    /// Add a page with its front matter filled in.
    #[command(after_help = "Examples:\n  tebiki new remedies.md --title 対処法\n  tebiki new guide/step-1.md")]
    New {
        /// Path of the page, relative to content/ (`.md` is added if missing).
        path: String,
        /// Page title (default: the file name).
        #[arg(long)]
        title: Option<String>,
        /// Site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Print shell completions.
    #[command(
        after_help = "Examples:\n  tebiki completions bash > ~/.local/share/bash-completion/completions/tebiki\n  tebiki completions zsh > ~/.zfunc/_tebiki"
    )]
    Completions {
        /// The shell.
        shell: Shell,
    },
}

/// Shells for `tebiki completions`.
pub use clap_complete::Shell;

/// Diagnostic output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For editors and CI.
    Json,
    /// GitHub Actions annotations (`::warning file=…,line=…::…`).
    Github,
    /// reviewdog's diagnostic format.
    Rdjson,
}
