#!/usr/bin/env python3
"""Appends code blocks to every page of a corpus made by gen_corpus.py, to measure highlighting.

    python3 benches/harness/gen_corpus.py --pages 10000 --out /tmp/tebiki-bench/10000
    python3 benches/harness/add_code_blocks.py /tmp/tebiki-bench/10000/tebiki/content

Each leaf page gets three fenced blocks: a Rust function that differs on every page (always
highlighted), a shell session and a YAML file that are the same on every page (highlighted once,
then taken from the cache), about 1 KB in all. Idempotent: a page that has them is left alone.
Standard library only.
"""

import pathlib
import sys

MARK = "<!-- code blocks for the highlighting benchmark -->"

SHARED = """
```shell
cargo install --path .
tebiki build --base-url https://example.org/guide/
```

```yaml:site.yaml
title: 転職エージェントの手引き
base_url: https://example.org/guide/
language: ja
```
"""


def rust_block(n: int) -> str:
    return f"""
```rust:src/page_{n}.rs {{2,4-5}}
/// Page {n}: counts the lines that mention an agent.
fn count_{n}(lines: &[&str]) -> usize {{
    let needle = "エージェント";
    lines.iter().filter(|l| l.contains(needle)).count() + {n}
}}
```
"""


def main() -> None:
    content = pathlib.Path(sys.argv[1])
    pages = sorted(p for p in content.rglob("*.md") if p.name != "_index.md")
    for n, page in enumerate(pages):
        text = page.read_text(encoding="utf-8")
        if MARK in text:
            continue
        page.write_text(f"{text.rstrip()}\n\n{MARK}\n{rust_block(n)}{SHARED}", encoding="utf-8")
    print(f"added code blocks to {len(pages)} pages")


if __name__ == "__main__":
    main()
