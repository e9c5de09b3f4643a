//! Proofreading measured on a fixture of planted problems and clean natural sentences
//! (tests/fixtures/proofread/: expected.yaml names the rule of every planted line).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use tebiki::internals::{ProofreadConfig, ProofreadPage as PageInput, Proofreader, RULES};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/proofread")
}

/// (source relative to content/, text, body offset) of every page of the fixture.
fn pages(root: &Path) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root.join("content")).sort_by_file_name() {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let body = text[4..].find("\n---\n").map_or(0, |i| i + 4 + 5);
            let source = e.path().strip_prefix(root.join("content")).unwrap().to_string_lossy().replace('\\', "/");
            out.push((source, text, body));
        }
    }
    out
}

fn config(root: &Path) -> ProofreadConfig {
    let site: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("site.yaml")).unwrap()).unwrap();
    serde_yaml::from_value(site["proofread"].clone()).unwrap()
}

/// (file, line, rule) of every finding.
fn found(root: &Path) -> Vec<(String, usize, String)> {
    let pages = pages(root);
    let p = Proofreader::new(root, &config(root)).unwrap();
    let inputs: Vec<PageInput> =
        pages.iter().map(|(s, t, b)| PageInput { source: s, text: t, body_offset: *b }).collect();
    let findings = p.check_site(&inputs);
    let mut out = Vec::new();
    for ((source, text, _), fs) in pages.iter().zip(findings) {
        for f in fs {
            let line = text[..f.start].matches('\n').count() + 1;
            out.push((source.clone(), line, f.rule.to_string()));
        }
    }
    out
}

#[test]
fn planted_problems_are_found_and_clean_sentences_pass() {
    let root = fixture();
    let expected: BTreeMap<String, BTreeMap<usize, Vec<String>>> =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("expected.yaml")).unwrap()).unwrap();
    let expected: BTreeSet<(String, usize, String)> = expected
        .into_iter()
        .flat_map(|(file, lines)| {
            lines.into_iter().flat_map(move |(l, rules)| {
                let file = file.clone();
                rules.into_iter().map(move |r| (file.clone(), l, r))
            })
        })
        .collect();
    let found: BTreeSet<_> = found(&root).into_iter().collect();

    // Every rule is planted at least three times.
    for r in RULES {
        let n = expected.iter().filter(|e| e.2 == r.code).count();
        assert!(n >= 3, "rule {} is planted {n} times", r.code);
    }
    assert!(expected.len() >= 40);

    let hits = expected.intersection(&found).count();
    let missed: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    let recall = hits as f64 / expected.len() as f64;
    let false_rate = extra.len() as f64 / found.len().max(1) as f64;
    let clean = std::fs::read_to_string(root.join("content/clean.md")).unwrap();
    let clean_sentences = clean.lines().filter(|l| l.ends_with('。')).count();
    let clean_hits: BTreeSet<usize> = found.iter().filter(|f| f.0 == "clean.md").map(|f| f.1).collect();
    eprintln!(
        "planted {}, found {hits} (recall {:.1}%); {} unexpected of {} findings ({:.1}%); clean sentences {clean_sentences}, flagged {}",
        expected.len(),
        recall * 100.0,
        extra.len(),
        found.len(),
        false_rate * 100.0,
        clean_hits.len()
    );
    for e in &extra {
        eprintln!("unexpected: {e:?}");
    }
    assert!(clean_sentences >= 40);
    assert!(recall >= 0.9, "recall {recall:.3}; missed {missed:#?}");
    assert!(false_rate <= 0.05, "false positives {false_rate:.3}: {extra:#?}");
    assert!(clean_hits.len() as f64 / clean_sentences as f64 <= 0.05, "clean sentences flagged: {extra:#?}");
}

/// Runs `tebiki ARGS --root ROOT` in an English locale (messages follow `--lang` or the locale).
fn tebiki(root: &Path, args: &[&str]) -> std::process::Output {
    common::tebiki().args(args).arg("--root").arg(root).output().unwrap()
}

fn codes(json: &[u8]) -> Vec<String> {
    let v: Vec<serde_json::Value> = serde_json::from_slice(json).unwrap();
    // Every diagnostic has a code; the site's own warnings (a page nobody links to, share cards
    // without an absolute base_url) are not proofreading findings.
    let site_warning = |c: &str| matches!(c, "orphan" | "warning");
    v.iter().filter_map(|d| d["code"].as_str().filter(|c| !site_warning(c)).map(str::to_owned)).collect()
}

#[test]
fn fix_changes_only_the_fixed_bytes_and_keeps_code_crlf_and_bom() {
    let page = "\u{feff}---\r\ntitle: 直す\r\n---\r\n\r\nＰＤＦとｶﾅ、ユーザです?\r\n\r\n```\r\nＰＤＦ ｶﾅ ユーザ?\r\n```\r\n\r\n`ＡＢＣ`と[ﾘﾝｸ先](https://example.jp/ﾘﾝｸ)、手段(電話)。\r\n";
    let want = "\u{feff}---\r\ntitle: 直す\r\n---\r\n\r\nPDFとカナ、ユーザーです？\r\n\r\n```\r\nＰＤＦ ｶﾅ ユーザ?\r\n```\r\n\r\n`ＡＢＣ`と[リンク先](https://example.jp/ﾘﾝｸ)、手段（電話）。\r\n";
    let (_tmp, root) = common::site(&[("content/fix.md", page)]);
    let out = tebiki(&root, &["check", "--fix"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fixed 6 proofreading findings in 1 file."));
    assert_eq!(std::fs::read(root.join("content/fix.md")).unwrap(), want.as_bytes());
    let names: Vec<_> = std::fs::read_dir(root.join("content")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
    // A second run finds nothing left to fix.
    let again = tebiki(&root, &["check", "--fix", "--format", "json"]);
    assert!(codes(&again.stdout).is_empty(), "{}", String::from_utf8_lossy(&again.stdout));
}

#[test]
fn a_baseline_hides_recorded_findings_and_shows_new_ones() {
    let (_tmp, root) = common::site(&[("content/a.md", "---\ntitle: a\n---\n\nＡＢＣの話です。\n")]);
    let base = root.join("baseline.json");
    let first = tebiki(&root, &["check", "--baseline", base.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&first.stderr).contains("Recorded 1 proofreading finding"));
    std::fs::write(root.join("content/a.md"), "---\ntitle: a\n---\n\n前置きです。\n\nＡＢＣの話です。ｶﾅです。\n")
        .unwrap();
    let second = tebiki(&root, &["check", "--baseline", base.to_str().unwrap(), "--format", "json"]);
    assert_eq!(codes(&second.stdout), ["halfwidth-kana"]);
}

#[test]
fn formats_severities_and_settings_reach_the_command_line() {
    let yaml = "title: t\nproofread:\n  rules:\n    kanji-run: { severity: error }\n";
    let page = "---\ntitle: a\n---\n\n次回面接日程調整依頼書です。ＡＢＣです。\n";
    let (_tmp, root) = common::site(&[("site.yaml", yaml), ("content/a.md", page)]);
    let gh = tebiki(&root, &["check", "--format", "github"]);
    assert_eq!(gh.status.code(), Some(1), "an error-level finding fails check");
    let gh = String::from_utf8(gh.stdout).unwrap();
    assert!(gh.contains("::error file=content/a.md,line=5,col=1,title=kanji-run::"), "{gh}");
    assert!(gh.contains("::warning file=content/a.md,line=5,col=15,title=fullwidth-ascii::"), "{gh}");
    let build = Command::cargo_bin("tebiki").unwrap().arg("build").arg("--root").arg(&root).output().unwrap();
    assert_eq!(build.status.code(), Some(1));
    assert!(!root.join("public").exists(), "a failed build writes nothing");
    std::fs::write(root.join("site.yaml"), "title: t\nproofread:\n  rules:\n    kanji-run: false\n").unwrap();
    let build = Command::cargo_bin("tebiki")
        .unwrap()
        .arg("build")
        .arg("--root")
        .arg(&root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(build.status.success());
    // Without a rule set to `error`, `build` does not proofread: warnings are `check`'s.
    let err = String::from_utf8(build.stderr).unwrap();
    assert!(!err.contains("fullwidth-ascii") && !err.contains("kanji-run"), "{err}");
    let checked = tebiki(&root, &["check"]);
    let err = String::from_utf8_lossy(&checked.stderr);
    assert!(err.contains("fullwidth-ascii") && !err.contains("kanji-run"), "{err}");
    std::fs::write(root.join("site.yaml"), "title: t\nproofread:\n  rules:\n    kanji-runs: false\n").unwrap();
    let bad = tebiki(&root, &["check"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean `kanji-run`?"));
}

#[test]
fn the_guide_has_no_findings_but_its_two_mixed_notations() {
    let (_tmp, root) = common::guide();
    let out = tebiki(&root, &["check", "--format", "json"]);
    let mut found = codes(&out.stdout);
    found.sort();
    assert!(found.iter().all(|c| c == "mixed-notation"), "{found:?}");
}

#[test]
fn check_finds_what_the_library_finds_from_its_own_parse() {
    // `check` proofreads each page from the Markdown stage's parse; the library parses the
    // page itself. Both must find the same on the whole fixture.
    let root = fixture();
    let out = tebiki(&root, &["check", "--format", "json"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let rules: BTreeSet<&str> = RULES.iter().map(|r| r.code).collect();
    let mut from_check: Vec<(String, usize, String)> = v
        .iter()
        .filter(|d| rules.contains(d["code"].as_str().unwrap_or_default()))
        .map(|d| {
            let file = d["file"].as_str().unwrap().trim_start_matches("content/").to_owned();
            (file, d["line"].as_u64().unwrap() as usize, d["code"].as_str().unwrap().to_owned())
        })
        .collect();
    let mut from_library = found(&root);
    from_check.sort();
    from_library.sort();
    assert!(from_library.len() >= 48, "{}", from_library.len());
    assert_eq!(from_check, from_library);
}

#[test]
fn findings_hints_and_notes_follow_the_language_of_the_command_line() {
    let page = "---\ntitle: a\n---\n\nＡＢＣの話です。\n";
    let (_tmp, root) = common::site(&[("content/a.md", page)]);
    let ja = tebiki(&root, &["check", "--lang", "ja"]);
    let ja = String::from_utf8_lossy(&ja.stderr);
    assert!(ja.contains("全角の英数字「ＡＢＣ」"), "{ja}");
    assert!(ja.contains("「ABC」と書いてください"), "{ja}");
    assert!(!ja.contains("full-width"), "{ja}");
    let en = tebiki(&root, &["check", "--lang", "en"]);
    let en = String::from_utf8_lossy(&en.stderr);
    assert!(en.contains("full-width letters or digits `ＡＢＣ`"), "{en}");
    assert!(en.contains("write `ABC`"), "{en}");
    assert!(!en.contains("全角の英数字"), "{en}");
    // Tools read one stable code, whatever the language.
    let json = tebiki(&root, &["check", "--lang", "ja", "--format", "json"]);
    assert_eq!(codes(&json.stdout), ["fullwidth-ascii"]);
    let base = root.join("baseline.json");
    let recorded = tebiki(&root, &["check", "--lang", "ja", "--baseline", base.to_str().unwrap()]);
    let recorded = String::from_utf8_lossy(&recorded.stderr);
    assert!(recorded.contains("校正の指摘 1 件を") && recorded.contains("に記録しました。"), "{recorded}");
    let fixed = tebiki(&root, &["check", "--lang", "ja", "--fix"]);
    let fixed = String::from_utf8_lossy(&fixed.stderr);
    assert!(fixed.contains("校正の指摘 1 件を 1 個のファイルで直しました。"), "{fixed}");
}
