//! The `tebiki` command: parses the command line, calls the library, prints diagnostics and
//! sets the exit code (0 success, 1 user error, 2 bad usage).

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command, Format};
use tebiki::{BuildOptions, Diagnostics};

fn report(d: &Diagnostics) {
    if !d.0.is_empty() {
        eprintln!("{}", d.render(tebiki::stderr_color()));
    }
}

/// Lets glibc's malloc grow each thread's heap in large steps. By default a worker thread's
/// heap grows by what each allocation needs, one `mprotect` call each time, each taking the
/// address space lock (figures: docs/dev/performance.md). Memory is mapped
/// ahead, not touched, so it costs no RSS until used (under strict overcommit accounting,
/// `vm.overcommit_memory=2`, it does count against the commit limit).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
    }
}

/// `tebiki check`: everything a build verifies, then the proofreading findings (fixed, or
/// filtered by a baseline, when asked).
/// What `tebiki check` was asked to do.
struct CheckArgs {
    root: std::path::PathBuf,
    format: Format,
    drafts: bool,
    fix: bool,
    baseline: Option<std::path::PathBuf>,
    external: bool,
    timeout: u64,
}

fn check(args: CheckArgs) -> ExitCode {
    let CheckArgs { root, format, drafts, fix, baseline, external, timeout } = args;
    let opts = BuildOptions { root: root.clone(), drafts, ..Default::default() };
    let (mut diags, mut ok, found) = match tebiki::check_site(&opts) {
        Ok((warnings, found)) => (warnings, true, found),
        Err(d) => (d, false, Default::default()),
    };
    let mut notes = Vec::new();
    match tebiki::finish_check(&root, &found, fix, baseline.as_deref(), tebiki::Lang::En) {
        Ok(outcome) => {
            ok &= !outcome.has_errors();
            let (n, files) = outcome.fixed;
            if fix {
                notes.push(format!("Fixed {n} proofreading finding{} in {files} file{}.", plural(n), plural(files)));
            }
            if let (Some(n), Some(path)) = (outcome.recorded, &baseline) {
                notes.push(format!("Recorded {n} proofreading finding{} in {}.", plural(n), path.display()));
            }
            if outcome.hidden > 0 {
                notes.push(format!(
                    "{} proofreading finding{} hidden by the baseline.",
                    outcome.hidden,
                    plural(outcome.hidden)
                ));
            }
            diags.0.extend(outcome.diagnostics.0);
        }
        Err(d) => {
            ok = false;
            diags.0.extend(d.0);
        }
    }
    if external {
        let ext =
            tebiki::ExternalOptions { timeout: std::time::Duration::from_secs(timeout), drafts, ..Default::default() };
        // An error here (content that cannot be read) was already reported above.
        if let Ok(r) = tebiki::check_external(&root, &ext) {
            notes.push(format!("Asked {} external links; {} worked recently and were not asked.", r.checked, r.cached));
            diags.0.extend(r.warnings.0);
            diags.sort();
        }
    }
    match format {
        Format::Json => println!("{}", diags.to_json()),
        Format::Github => print!("{}", diags.to_github()),
        Format::Rdjson => println!("{}", diags.to_rdjson()),
        Format::Text => {
            report(&diags);
            for n in &notes {
                eprintln!("{n}");
            }
            if ok {
                let w = diags.0.len();
                eprintln!("No errors ({w} warning{}).", plural(w));
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn main() -> ExitCode {
    if tebiki::tuning_enabled() {
        tune_allocator();
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, output, base_url, drafts, quiet, timings, force } => {
            // The progress line is for people watching a terminal, and never mixed with timings.
            let progress = !quiet && !timings && std::io::stderr().is_terminal();
            let opts = BuildOptions { root, output, base_url, drafts, serve: false, timings, progress, force };
            match tebiki::build(&opts) {
                Ok(r) => {
                    if !r.replaced.is_empty() {
                        eprintln!(
                            "Took over {} (--force): replaced what it held: {}",
                            r.output.display(),
                            r.replaced.join(", ")
                        );
                    }
                    if !quiet {
                        report(&r.warnings);
                        eprintln!("Built {} pages and {} assets in {} ms", r.pages, r.assets, r.millis);
                    }
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    report(&d);
                    // Only an output that exists can have been left as it was.
                    let kept = if opts.output_dir().is_dir() { "; the previous output was left as it was" } else { "" };
                    eprintln!(
                        "Build failed with {} error{}{kept}.",
                        d.error_count(),
                        if d.error_count() == 1 { "" } else { "s" }
                    );
                    ExitCode::from(1)
                }
            }
        }
        Command::Check { root, format, drafts, fix, baseline, external, timeout } => {
            check(CheckArgs { root, format, drafts, fix, baseline, external, timeout })
        }
        Command::Init { dir, theme_copy } => match tebiki::init(&dir, theme_copy) {
            Ok(files) => {
                for f in &files {
                    eprintln!("  created {}", f.display());
                }
                let cd =
                    if dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
                eprintln!("\nNext: {cd}tebiki serve   (preview with live reload)\n      tebiki new page.md --title 題名   (add a page)");
                ExitCode::SUCCESS
            }
            Err(d) => {
                report(&d);
                ExitCode::from(1)
            }
        },
        Command::New { path, title, root } => {
            match tebiki::new_page(&root, &path, title.as_deref(), &tebiki::today()) {
                Ok(p) => {
                    eprintln!("Created {} (weight {}); it will appear at /{}", p.path.display(), p.weight, p.url);
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    report(&Diagnostics::from(d));
                    ExitCode::from(1)
                }
            }
        }
        Command::Serve { root, port, bind, open, timings, poll } => {
            match tebiki::serve(tebiki::ServeOptions { root, port, bind, open, timings, poll }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(d) => {
                    report(&d);
                    ExitCode::from(1)
                }
            }
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "tebiki", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}
