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
/// heap grows by what each allocation needs, one `mprotect` call each time: 31,000 calls in a
/// 10,000-page build, with the address space lock they take. With this, 70. Memory is mapped
/// ahead, not touched, so it costs no RSS until used (under strict overcommit accounting,
/// `vm.overcommit_memory=2`, it does count against the commit limit).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    choose_lang(cli.lang);
    match cli.command {
        Command::Build { root, output, base_url, drafts, quiet, timings } => {
            // The progress line is for people watching a terminal, and never mixed with timings.
            let progress = !quiet && !timings && std::io::stderr().is_terminal();
            let opts = BuildOptions { root, output, base_url, drafts, serve: false, timings, progress };
            match tebiki::build(&opts) {
                Ok(r) => {
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
                    eprintln!(
                        "{}",
                        pick(
                            format!(
                                "Build failed with {n} error{}; the previous output was left as it was.",
                                plural(n)
                            ),
                            format!("ビルドに失敗しました（エラー {n} 件）。前回の出力はそのまま残しています。"),
                        )
                    );
                    ExitCode::from(1)
                }
            }
        }
        Command::Check { root, format, drafts } => {
            let opts = BuildOptions { root, drafts, ..Default::default() };
            let (diags, ok) = match tebiki::check_site(&opts) {
                Ok(warnings) => (warnings, true),
                Err(d) => (d, false),
            };
            match format {
                Format::Json => println!("{}", diags.to_json()),
                Format::Text => {
                    report(&diags);
                    if ok {
                        let n = diags.0.len();
                        eprintln!(
                            "{}",
                            pick(
                                format!("No errors ({n} warning{}).", plural(n)),
                                format!("エラーはありません（警告 {n} 件）。")
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
        Command::Init { dir, theme_copy } => match tebiki::init(&dir, theme_copy) {
            Ok(files) => {
                for f in &files {
                    eprintln!(
                        "{}",
                        pick(format!("  created {}", f.display()), format!("  作成しました：{}", f.display()))
                    );
                }
                let cd =
                    if dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
                eprintln!(
                    "{}",
                    pick(
                        format!("\nNext: {cd}tebiki serve   (preview with live reload)\n      tebiki new page.md --title 題名   (add a page)"),
                        format!("\n次は：{cd}tebiki serve   （プレビュー。保存すると自動で再読み込みします）\n      tebiki new page.md --title 題名   （ページを追加）"),
                    )
                );
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
