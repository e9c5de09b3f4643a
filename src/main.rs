//! The `tebiki` command: parses the command line, calls the library, prints diagnostics and
//! sets the exit code (0 success, 1 user error, 2 bad usage).

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command, Format, LangArg};
use tebiki::{pick, BuildOptions, Diagnostics, Lang};

fn report(d: &Diagnostics) {
    if !d.0.is_empty() {
        eprintln!("{}", d.render(tebiki::stderr_color()));
    }
}

/// Like [`report`], with many warnings of one kind summed up in a line (`check` lists them all).
fn report_brief(d: &Diagnostics) {
    if !d.0.is_empty() {
        eprintln!("{}", d.render_brief(tebiki::stderr_color()));
    }
}

/// `--lang`, else the locale; only what tebiki prints depends on it, never what it writes.
fn choose_lang(arg: Option<LangArg>) {
    let lang = match arg {
        Some(LangArg::Ja) => Lang::Ja,
        Some(LangArg::En) => Lang::En,
        None => Lang::from_locale(|k| std::env::var(k).ok()),
    };
    tebiki::set_lang(lang);
}

/// "s" after a count other than one, for the English lines.
fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
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

/// What `--fix` and `--baseline` did, one line each, in the language of the messages.
fn proofread_notes(outcome: &tebiki::CheckOutcome, fix: bool, baseline: Option<&std::path::Path>) -> Vec<String> {
    let mut notes = Vec::new();
    let (n, files) = outcome.fixed;
    if fix {
        notes.push(pick(
            format!("Fixed {n} proofreading finding{} in {files} file{}.", plural(n), plural(files)),
            format!("校正の指摘 {n} 件を {files} 個のファイルで直しました。"),
        ));
    }
    if let (Some(n), Some(path)) = (outcome.recorded, baseline) {
        let path = path.display();
        notes.push(pick(
            format!("Recorded {n} proofreading finding{} in {path}.", plural(n)),
            format!("校正の指摘 {n} 件を {path} に記録しました。"),
        ));
    }
    let hidden = outcome.hidden;
    if hidden > 0 {
        notes.push(pick(
            format!("{hidden} proofreading finding{} hidden by the baseline.", plural(hidden)),
            format!("校正の指摘 {hidden} 件は、ベースラインに記録済みのため表示していません。"),
        ));
    }
    notes
}

fn check(args: CheckArgs) -> ExitCode {
    let CheckArgs { root, format, drafts, fix, baseline, external, timeout } = args;
    let opts = BuildOptions { root: root.clone(), drafts, ..Default::default() };
    let (mut diags, mut ok, found) = match tebiki::check_site(&opts) {
        Ok((warnings, found)) => (warnings, true, found),
        Err(d) => (d, false, Default::default()),
    };
    let mut notes = Vec::new();
    match tebiki::finish_check(&root, &found, fix, baseline.as_deref()) {
        Ok(outcome) => {
            ok &= !outcome.has_errors();
            notes.extend(proofread_notes(&outcome, fix, baseline.as_deref()));
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
                eprintln!(
                    "{}",
                    pick(
                        format!("No errors ({w} warning{}).", plural(w)),
                        format!("エラーはありません（警告 {w} 件）。")
                    )
                );
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `tebiki build`: builds, then says what it made or why it failed.
fn build(mut opts: BuildOptions, quiet: bool) -> ExitCode {
    // The progress line is for people watching a terminal, and never mixed with timings.
    opts.progress = !quiet && !opts.timings && std::io::stderr().is_terminal();
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
                report_brief(&r.warnings);
                let (p, a, ms) = (r.pages, r.assets, r.millis);
                eprintln!(
                    "{}",
                    pick(
                        format!("Built {p} pages and {a} assets in {ms} ms"),
                        format!("{p} ページと {a} 個のファイルをビルドしました（{ms} ms）"),
                    )
                );
            }
            ExitCode::SUCCESS
        }
        Err(d) => {
            report(&d);
            let n = d.error_count();
            // Only an output that exists can have been left as it was.
            let kept = opts.output_dir().is_dir();
            eprintln!(
                "{}",
                match kept {
                    true => pick(
                        format!("Build failed with {n} error{}; the previous output was left as it was.", plural(n)),
                        format!("ビルドに失敗しました（エラー {n} 件）。前回の出力はそのまま残しています。"),
                    ),
                    false => pick(
                        format!("Build failed with {n} error{}.", plural(n)),
                        format!("ビルドに失敗しました（エラー {n} 件）。"),
                    ),
                }
            );
            ExitCode::from(1)
        }
    }
}

/// `tebiki init`: a new site in `dir`, and what to run next.
fn init(dir: &std::path::Path, theme_copy: bool) -> ExitCode {
    let files = match tebiki::init(dir, theme_copy) {
        Ok(files) => files,
        Err(d) => {
            report(&d);
            return ExitCode::from(1);
        }
    };
    for f in &files {
        eprintln!("{}", pick(format!("  created {}", f.display()), format!("  作成しました：{}", f.display())));
    }
    let cd = if dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
    eprintln!(
        "{}",
        pick(
            format!("\nNext: {cd}tebiki serve   (preview with live reload)\n      tebiki new page.md --title 題名   (add a page)"),
            format!("\n次は：{cd}tebiki serve   （プレビュー。保存すると自動で再読み込みします）\n      tebiki new page.md --title 題名   （ページを追加）"),
        )
    );
    ExitCode::SUCCESS
}

/// `tebiki new`: a draft page, and where `serve` shows it.
fn new_page(root: &std::path::Path, path: &str, title: Option<&str>) -> ExitCode {
    match tebiki::new_page(root, path, title, &tebiki::today()) {
        Ok(p) => {
            let (path, w, url) = (p.path.display(), p.weight, p.url);
            eprintln!(
                "{}",
                pick(
                    format!("Created {path} (weight {w}) as a draft: `tebiki serve` shows it at /{url}; remove `draft: true` to publish it"),
                    format!("{path} を下書きとして作成しました（weight {w}）。`tebiki serve` では /{url} に表示されます。公開するには `draft: true` の行を消してください"),
                )
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            report(&Diagnostics::from(d));
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    if tebiki::tuning_enabled() {
        tune_allocator();
    }
    let cli = Cli::parse();
    choose_lang(cli.lang);
    match cli.command {
        Command::Build { root, output, base_url, drafts, quiet, timings, force } => {
            build(BuildOptions { root, output, base_url, drafts, serve: false, timings, progress: false, force }, quiet)
        }
        Command::Check { root, format, drafts, fix, baseline, external, timeout } => {
            check(CheckArgs { root, format, drafts, fix, baseline, external, timeout })
        }
        Command::Init { dir, theme_copy } => init(&dir, theme_copy),
        Command::New { path, title, root } => new_page(&root, &path, title.as_deref()),
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
