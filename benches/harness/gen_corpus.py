#!/usr/bin/env python3
"""Deterministic generator of N-page Japanese corpora for the tebiki / Hugo benchmark.

    python3 benches/harness/gen_corpus.py --pages 1000 --out /tmp/tebiki-bench/1000 [--seed 20240501]

Writes the same pages twice:

    OUT/tebiki/site.yaml, OUT/tebiki/content/...   links are relative `.md` paths (tebiki checks them)
    OUT/hugo/hugo.toml, OUT/hugo/layouts/...,
    OUT/hugo/content/...                            links are site paths `/sNN/pNNNN/#anchor`

Layout: content/_index.md (home), content/sNN/_index.md (one section per 100 pages) and
content/sNN/pNNNN.md. Each page is about 14 KB of Markdown: prose assembled from a vocabulary of
job-hunting phrases, 3-6 `##` headings with some `###`, bullet and numbered lists, one table, bold,
and 2-4 cross-links to other pages (one to the next page, so none is orphaned), some with a `#anchor` of a heading that exists in the target.

Page i is generated from its own RNG seeded with (seed, i), so the text of a page does not depend on
N (only the choice of link targets does), and the same arguments always give identical bytes.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field

PAGES_PER_SECTION = 100
TARGET_BYTES = 11_700  # body budget per page; lands at ~14 KB of Markdown per page with front matter and lists

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

TOPICS = [
    "転職エージェント", "履歴書", "職務経歴書", "一次面接", "最終面接", "内定", "内定承諾", "内定辞退",
    "求人票", "年収交渉", "自己分析", "志望動機", "キャリアプラン", "退職手続き", "業務の引き継ぎ",
    "在職中の転職活動", "書類選考", "適性検査", "キャリア面談", "企業研究", "業界研究", "ポートフォリオ",
    "推薦状", "入社日の調整", "労働条件通知書", "有給休暇の消化", "試用期間", "リモートワーク", "副業",
    "資格取得", "スキルの棚卸し", "オファー面談", "リファレンスチェック", "退職届", "雇用契約書",
    "逆質問", "グループ面接", "オンライン面接", "応募書類", "スカウトメール", "転職サイト", "求人紹介",
    "選考スケジュール", "条件面の確認", "福利厚生", "評価制度", "昇給の仕組み", "配属先", "社風",
    "働き方の希望", "通勤時間", "残業時間", "自己PR", "職歴の空白期間", "退職理由", "転職理由",
]

PEOPLE = [
    "担当のエージェント", "キャリアアドバイザー", "採用担当者", "人事の担当者", "面接官", "現在の上司",
    "直属の上司", "同僚", "家族", "先輩", "転職経験のある友人", "応募先の企業", "紹介先の企業",
    "コンサルタント", "部署の責任者",
]

COMMS = ["連絡", "メール", "電話", "メッセージ", "問い合わせ", "日程調整の依頼", "確認の連絡", "面談の案内",
         "選考結果の通知", "求人の紹介"]

TIMEFRAMES = ["その日のうちに", "翌営業日までに", "できるだけ早く", "遅くとも二日以内に", "一週間以内に",
              "面接の前日までに", "決めた時点ですぐに", "なるべく午前中に", "忙しくても当日中に"]

OPENERS = ["", "", "", "まず、", "たとえば、", "一方で、", "実際には、", "そのうえで、", "多くの場合、",
           "とくに、", "また、", "さらに、", "ただし、", "なお、", "結果として、", "そのため、",
           "経験上、", "意外なことに、", "最初のうちは、", "慣れてくると、"]

ADJ_REASONS = ["後から修正するのが難しい", "選考の結果を大きく左右する", "相手との信頼関係に直結する",
               "準備の差がそのまま表れやすい", "見落としやすい", "人によって考え方が分かれる",
               "企業ごとに扱いが異なる", "早めに動くほど選択肢が広がる", "あいまいなままだと誤解を招きやすい",
               "一度決めると変えにくい"]

ACTIONS = ["整理して", "見直して", "書き出して", "確認して", "相談して", "共有して", "比較して", "準備して",
           "記録して", "練習して", "調べて", "話し合って"]

ACTIONS_DICT = ["整理する", "見直す", "書き出す", "確認する", "相談する", "共有する", "比較する",
                "準備する", "記録する", "練習する", "調べる", "伝える"]

RESULTS = [
    "面接で質問されたときにも落ち着いて答えられます",
    "条件のすれ違いを防ぎやすくなります",
    "選考が重なったときにも慌てずに済みます",
    "自分に合った求人を見極めやすくなります",
    "エージェントも企業に推薦しやすくなります",
    "後になって気まずい思いをせずに済みます",
    "入社後のギャップを小さくできます",
    "やり取りの行き違いが目に見えて減ります",
    "判断の軸がぶれにくくなります",
    "次の一手を早めに打てるようになります",
    "相手に誠実な印象を残せます",
    "不安の正体がはっきりしてきます",
]

ADVICE = [
    "早めに手を付けておくのが得策です",
    "一人で抱え込まずに相談しましょう",
    "迷ったら正直に状況を伝えるのが近道です",
    "期限をメモしておくと安心です",
    "ひな形を用意しておくと負担が減ります",
    "具体的な数字を添えると伝わりやすくなります",
    "結論から先に書くように意識しましょう",
    "必ず書面でも確認しておきましょう",
    "細かい点ほど先に聞いておくべきです",
    "比較表にまとめると判断しやすくなります",
]

FEELINGS = ["気まずさ", "面倒くささ", "不安", "焦り", "迷い", "申し訳なさ", "疲れ", "遠慮"]

NUMBERS = ["二", "三", "四", "五"]

EXAMPLES = [
    "たとえば、面接の日程を三つ候補に絞って返信するだけでも、やり取りの回数はぐっと減ります。",
    "ある人は、応募した企業と進み具合を一覧にしておいたことで、返信漏れがほとんどなくなったそうです。",
    "内定の返事を待ってもらう場合は、いつまでに答えるのかを自分から示すと、相手も予定を立てやすくなります。",
    "条件の交渉は、希望額だけでなく、その根拠となる経験や成果をあわせて伝えると通りやすくなります。",
    "退職の意思は、まず直属の上司に口頭で伝え、そのあとで退職届を提出するのが一般的な順序です。",
    "エージェントからの電話に出られなかったときは、折り返しの都合のよい時間をメールで伝えておくと親切です。",
    "職務経歴書は、応募する職種に合わせて実績の並べ方を変えるだけで、読み手の印象が大きく変わります。",
    "面接の逆質問では、入社後の働き方を具体的に思い描けるような質問を用意しておくとよいでしょう。",
    "複数のエージェントを使う場合は、同じ求人に二重で応募しないよう、紹介された企業名を控えておきます。",
    "オンライン面接の前には、カメラの位置や背景、音声の聞こえ方を一度確認しておくと落ち着いて臨めます。",
]

H2_HEADS = [
    "{t}の基本", "{t}で押さえたいポイント", "{t}の進め方", "{t}でよくある失敗", "{t}を見直すタイミング",
    "{t}についての考え方", "{t}の準備", "{t}と信頼関係", "{t}の注意点", "{t}を成功させるコツ",
    "{t}で迷ったとき", "{t}の流れ", "{t}の具体例", "{t}をめぐる誤解", "{t}の優先順位",
]

H3_HEADS = [
    "{t}の確認事項", "{t}の例文", "{t}を伝えるタイミング", "{t}の準備リスト", "{t}で気をつけること",
    "{t}の目安", "{t}の比較", "{t}を断る場合", "{t}が遅れた場合", "{t}のチェック項目",
]

TITLES = [
    "{t}で失敗しないための{n}つのポイント", "{t}の進め方と注意点", "はじめての{t}ガイド",
    "{t}をうまく進めるコツ", "{t}で後悔しないために", "{t}の基本と実践", "{t}で気をつけたいこと",
    "{t}を見直す{n}つの視点", "{t}のよくある疑問", "{t}と上手に付き合う方法",
]

SECTION_TITLES = [
    "応募の準備", "書類づくり", "面接対策", "エージェントとの付き合い方", "内定から入社まで", "退職の進め方",
    "条件交渉", "キャリアの考え方", "情報収集", "働き方の選択",
]

TABLE_HEADS = [
    ("項目", "目安", "ポイント"),
    ("段階", "期間", "やること"),
    ("場面", "連絡手段", "注意点"),
]

TABLE_CELLS = {
    "目安": ["一週間", "二週間", "一か月", "三日以内", "当日中", "二、三日", "一、二か月"],
    "期間": ["一週間", "二週間", "一か月", "二か月", "三か月", "半年"],
    "連絡手段": ["メール", "電話", "メッセージ", "オンライン面談", "書面"],
}


def slugify(text: str) -> str:
    """tebiki's heading id (src/markdown/anchors.rs): NFC, keep letters/digits/_/-, ASCII-lowercase,
    whitespace runs become `-`, other punctuation is dropped. Headings here use only kana, kanji,
    digits and Japanese punctuation, where Python's isalnum agrees with Rust's is_alphanumeric."""
    out: list[str] = []
    pending = False
    for c in unicodedata.normalize("NFC", text):
        if c.isalnum() or c in "_-ー々ゝゞヽヾ〆":
            if pending and out:
                out.append("-")
            pending = False
            out.append(c.lower() if c.isascii() else c)
        elif c.isspace():
            pending = True
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Page model
# ---------------------------------------------------------------------------------------------


@dataclass
class Page:
    index: int
    section: int
    title: str
    topic: str
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text), in order

    @property
    def sec(self) -> str:
        return f"s{self.section:02d}"

    @property
    def stem(self) -> str:
        return f"p{self.index:04d}" if self.index < 10_000 else f"p{self.index}"


def page_rng(seed: int, index: int, salt: int = 0) -> random.Random:
    return random.Random((seed * 1_000_003 + index) * 7 + salt)


def plan_page(seed: int, i: int) -> Page:
    """Title and headings of page i (needed by other pages' anchor links before any body exists)."""
    r = page_rng(seed, i)
    topic = TOPICS[r.randrange(len(TOPICS))]
    title = r.choice(TITLES).format(t=topic, n=r.choice(NUMBERS))
    page = Page(index=i, section=i // PAGES_PER_SECTION, title=title, topic=topic)
    n_h2 = r.randint(3, 6)
    seen: set[str] = set()
    for _ in range(n_h2):
        while True:
            t = topic if r.random() < 0.4 else r.choice(TOPICS)
            h = r.choice(H2_HEADS).format(t=t)
            if slugify(h) not in seen:
                break
        seen.add(slugify(h))
        page.headings.append((2, h))
        for _ in range(r.choice([0, 0, 1, 1, 2])):
            while True:
                h3 = r.choice(H3_HEADS).format(t=r.choice(TOPICS))
                if slugify(h3) not in seen:
                    break
            seen.add(slugify(h3))
            page.headings.append((3, h3))
    return page


# ---------------------------------------------------------------------------------------------
# Prose
# ---------------------------------------------------------------------------------------------


def bold(r: random.Random, s: str) -> str:
    return f"**{s}**" if r.random() < 0.12 else s


def sentence(r: random.Random, topic: str) -> str:
    t = topic if r.random() < 0.35 else r.choice(TOPICS)
    t2 = r.choice(TOPICS)
    o = r.choice(OPENERS)
    k = r.randrange(14)
    if k == 0:
        return f"{o}{bold(r, t)}を{r.choice(ACTIONS)}おくと、{r.choice(RESULTS)}。"
    if k == 1:
        return f"{o}{r.choice(PEOPLE)}に{t}について{r.choice(ACTIONS_DICT)}前に、{t2}を{r.choice(ACTIONS)}おくことをおすすめします。"
    if k == 2:
        return f"{o}{t}は{r.choice(ADJ_REASONS)}ので、{bold(r, r.choice(ADVICE))}。"
    if k == 3:
        return f"{o}{r.choice(PEOPLE)}からの{r.choice(COMMS)}には、{r.choice(TIMEFRAMES)}返信するよう心がけましょう。"
    if k == 4:
        return f"{o}{r.choice(FEELINGS)}から{r.choice(COMMS)}を後回しにすると、{t}にも影響が出ることがあります。"
    if k == 5:
        return f"{o}{t}と{t2}は切り離して考えがちですが、実際には深く結びついています。"
    if k == 6:
        return f"{o}{t}を{r.choice(ACTIONS_DICT)}ときは、{r.choice(NUMBERS)}つの観点に分けて考えると{r.choice(RESULTS)}。"
    if k == 7:
        return r.choice(EXAMPLES)
    if k == 8:
        return f"{o}{r.choice(PEOPLE)}も、{t}については{r.choice(ADJ_REASONS)}と感じているものです。"
    if k == 9:
        return f"{o}{t}の段階で{t2}まで見通しておけば、{r.choice(RESULTS)}。"
    if k == 10:
        return f"{o}{bold(r, t + 'で大切なのは')}、相手の立場に立って{r.choice(ACTIONS_DICT)}ことです。"
    if k == 11:
        return f"{o}{r.choice(TIMEFRAMES)}{r.choice(PEOPLE)}へ{r.choice(COMMS)}を入れておくだけで、{r.choice(RESULTS)}。"
    if k == 12:
        return f"{o}{t}に正解はありませんが、{r.choice(ADVICE)}。"
    return f"{o}{t}について{r.choice(PEOPLE)}と{r.choice(ACTIONS)}みると、{t2}の見え方も変わってきます。"


def paragraph(r: random.Random, topic: str, lo: int = 3, hi: int = 6) -> str:
    return "".join(sentence(r, topic) for _ in range(r.randint(lo, hi)))


def bullet_list(r: random.Random, topic: str) -> str:
    n = r.randint(3, 6)
    ordered = r.random() < 0.35
    items = []
    for k in range(n):
        t = r.choice(TOPICS)
        body = r.choice([
            f"{t}を{r.choice(ACTIONS)}おく",
            f"{r.choice(PEOPLE)}に{r.choice(COMMS)}を入れる",
            f"{t}の期限を手帳に書き込んでおく",
            f"{bold(r, t)}について{r.choice(ADVICE)}",
            f"{t}と{topic}の関係を{r.choice(ACTIONS_DICT)}",
        ])
        items.append(f"{k + 1}. {body}" if ordered else f"- {body}")
    return "\n".join(items)


def table(r: random.Random) -> str:
    head = r.choice(TABLE_HEADS)
    rows = [f"| {' | '.join(head)} |", "|" + "---|" * len(head)]
    for _ in range(r.randint(3, 5)):
        cells = [r.choice(TOPICS)]
        for h in head[1:]:
            if h in TABLE_CELLS:
                cells.append(r.choice(TABLE_CELLS[h]))
            else:
                cells.append(r.choice(ADVICE))
        rows.append(f"| {' | '.join(cells)} |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------


@dataclass
class Link:
    target: Page
    anchor: str | None  # heading text of the target, or None


def tebiki_href(src: Page, link: Link) -> str:
    path = f"{link.target.stem}.md" if link.target.section == src.section else f"../{link.target.sec}/{link.target.stem}.md"
    return path + (f"#{slugify(link.anchor)}" if link.anchor else "")


def hugo_href(src: Page, link: Link) -> str:
    # Site paths: Hugo does not verify links, and these are the URLs it actually publishes.
    return f"/{link.target.sec}/{link.target.stem}/" + (f"#{slugify(link.anchor)}" if link.anchor else "")


def pick_links(r: random.Random, page: Page, pages: list[Page]) -> list[Link]:
    n = len(pages)
    links: list[Link] = []
    if n < 2:
        return links
    # The first link goes to the next page (wrapping around), so that every page is linked from
    # somewhere, as in a real guide (tebiki warns about pages reachable only from the sidebar).
    nxt = pages[(page.index + 1) % n]
    links.append(Link(nxt, None))
    used = {page.index, nxt.index}
    for _ in range(min(r.randint(1, 3), n - len(used))):
        # Half the links stay in the section, the rest go anywhere.
        while True:
            if r.random() < 0.5:
                base = page.section * PAGES_PER_SECTION
                j = base + r.randrange(min(PAGES_PER_SECTION, n - base))
            else:
                j = r.randrange(n)
            if j not in used:
                break
        used.add(j)
        target = pages[j]
        anchor = r.choice(target.headings)[1] if r.random() < 0.5 else None
        links.append(Link(target, anchor))
    return links


def link_sentence(r: random.Random, label_link: Link, marker: str) -> str:
    t = label_link.target
    label = label_link.anchor if label_link.anchor else t.title
    forms = [
        f"詳しくは[{label}]({marker})を参照してください。",
        f"この点については[{label}]({marker})でも取り上げています。",
        f"あわせて[{label}]({marker})も読んでおくと理解が深まります。",
        f"関連する話題は[{label}]({marker})にまとめました。",
    ]
    return r.choice(forms)


# ---------------------------------------------------------------------------------------------
# Page bodies
# ---------------------------------------------------------------------------------------------

LINK_MARK = "\x00L{}\x00"


def page_body(seed: int, page: Page, pages: list[Page]) -> tuple[str, list[Link], str]:
    """Body with link placeholders, the links, and a description."""
    r = page_rng(seed, page.index, salt=1)
    links = pick_links(r, page, pages)
    topic = page.topic
    parts: list[str] = []
    parts.append(paragraph(r, topic, 3, 5))
    n_sections = sum(1 for lvl, _ in page.headings if lvl == 2)
    # Body budget split over headings so the page lands near TARGET_BYTES.
    per_heading = TARGET_BYTES / max(1, len(page.headings))
    table_at = r.randrange(n_sections)
    list_at = {r.randrange(len(page.headings)), r.randrange(len(page.headings))}
    # Spread links over the headings.
    link_at: dict[int, list[int]] = {}
    for k in range(1, len(links)):
        link_at.setdefault(r.randrange(len(page.headings)), []).append(k)
    h2_seen = -1
    for hi, (lvl, text) in enumerate(page.headings):
        parts.append(("## " if lvl == 2 else "### ") + text)
        if lvl == 2:
            h2_seen += 1
        size = 0
        pieces: list[str] = []
        while size < per_heading * 0.8:
            p = paragraph(r, topic)
            pieces.append(p)
            size += len(p.encode())
        if hi in link_at:
            for k in link_at[hi]:
                pos = r.randrange(len(pieces))
                pieces[pos] += link_sentence(r, links[k], LINK_MARK.format(k))
        if hi in list_at:
            pieces.insert(r.randrange(1, len(pieces) + 1), bullet_list(r, topic))
        if lvl == 2 and h2_seen == table_at:
            pieces.insert(r.randrange(1, len(pieces) + 1), table(r))
        parts.extend(pieces)
    if links:
        parts.append(f"次は[{links[0].target.title}]({LINK_MARK.format(0)})を読んでみましょう。")
    description = sentence(r, topic).replace("**", "")
    return "\n\n".join(parts) + "\n", links, description


def front_matter(title: str, weight: int, description: str, date: str) -> str:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return f"---\ntitle: {q(title)}\nweight: {weight}\ndescription: {q(description)}\ndate: {date}\n---\n\n"


def date_for(i: int) -> str:
    # 2020-01-01 plus i days, wrapping before 2023-11: always in the past, since Hugo silently
    # skips future-dated pages (buildFuture is also set, to be sure).
    import datetime

    return (datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 1400)).isoformat()


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


HUGO_TOML = """\
baseURL = "/"
languageCode = "ja"
defaultContentLanguage = "ja"
title = "転職活動の手引き（ベンチマーク用コーパス）"
hasCJKLanguage = true
buildFuture = true
buildExpired = true
buildDrafts = false
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
enableRobotsTXT = false
disableHugoGeneratorInject = true

[markup.goldmark.renderer]
unsafe = false
"""

HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="ja">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

HUGO_SINGLE = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<p><a href="{{ "/" | relURL }}">ホームへ戻る</a></p>
{{ end }}
"""

HUGO_LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
<p><a href="{{ "/" | relURL }}">ホームへ戻る</a></p>
{{ end }}
"""

TEBIKI_SITE = """\
# Generated by benches/harness/gen_corpus.py ({pages} pages, seed {seed}).
title: 転職活動の手引き（ベンチマーク用コーパス）
description: 転職活動の準備から面接、内定、退職までを扱う、ベンチマーク用に自動生成した {pages} ページの手引きです。
base_url: /
language: ja
author: tebiki ベンチマーク
"""


def generate(pages_n: int, out: str, seed: int) -> dict[str, int]:
    pages = [plan_page(seed, i) for i in range(pages_n)]
    n_sections = (pages_n + PAGES_PER_SECTION - 1) // PAGES_PER_SECTION
    for d in ("tebiki", "hugo"):
        shutil.rmtree(os.path.join(out, d), ignore_errors=True)
    tb = os.path.join(out, "tebiki")
    hg = os.path.join(out, "hugo")
    write(os.path.join(tb, "site.yaml"), TEBIKI_SITE.format(pages=pages_n, seed=seed))
    write(os.path.join(hg, "hugo.toml"), HUGO_TOML)
    write(os.path.join(hg, "layouts/_default/baseof.html"), HUGO_BASEOF)
    write(os.path.join(hg, "layouts/_default/single.html"), HUGO_SINGLE)
    write(os.path.join(hg, "layouts/_default/list.html"), HUGO_LIST)

    md_bytes = 0
    n_links = 0
    n_anchor_links = 0

    def emit(rel: str, text_tb: str, text_hg: str) -> None:
        nonlocal md_bytes
        write(os.path.join(tb, "content", rel), text_tb)
        write(os.path.join(hg, "content", rel), text_hg)
        md_bytes += len(text_tb.encode())

    # Home page: introduction and a table of the sections.
    r = page_rng(seed, -1)
    intro = paragraph(r, "転職エージェント", 4, 6)
    rows_tb = ["| 章 | 内容 |", "|---|---|"]
    rows_hg = list(rows_tb)
    for s in range(n_sections):
        name = SECTION_TITLES[s % len(SECTION_TITLES)] + f"（第{s + 1}章）"
        blurb = r.choice(ADVICE)
        rows_tb.append(f"| [{name}](s{s:02d}/_index.md) | {blurb} |")
        rows_hg.append(f"| [{name}](/s{s:02d}/) | {blurb} |")
    fm = front_matter("はじめに", 1, "ベンチマーク用に生成した転職活動の手引きのトップページです。", "2020-01-01")
    emit("_index.md", fm + intro + "\n\n## この手引きの構成\n\n" + "\n".join(rows_tb) + "\n",
         fm + intro + "\n\n## この手引きの構成\n\n" + "\n".join(rows_hg) + "\n")

    for s in range(n_sections):
        r = page_rng(seed, -2 - s)
        name = SECTION_TITLES[s % len(SECTION_TITLES)] + f"（第{s + 1}章）"
        first = pages[s * PAGES_PER_SECTION]
        body = paragraph(r, SECTION_TITLES[s % len(SECTION_TITLES)], 3, 5) + "\n\n" + paragraph(r, "転職エージェント", 3, 5)
        fm = front_matter(name, s + 1, f"{name}の概要です。", date_for(s))
        emit(f"s{s:02d}/_index.md",
             fm + body + f"\n\nまずは[{first.title}]({first.stem}.md)から読み始めてください。[トップページ](../_index.md)に戻って全体を見渡すこともできます。\n",
             fm + body + f"\n\nまずは[{first.title}](/s{s:02d}/{first.stem}/)から読み始めてください。[トップページ](/)に戻って全体を見渡すこともできます。\n")

    for page in pages:
        body, links, desc = page_body(seed, page, pages)
        n_links += len(links)
        n_anchor_links += sum(1 for l in links if l.anchor)
        body_tb = body
        body_hg = body
        for k, link in enumerate(links):
            body_tb = body_tb.replace(LINK_MARK.format(k), tebiki_href(page, link))
            body_hg = body_hg.replace(LINK_MARK.format(k), hugo_href(page, link))
        fm = front_matter(page.title, page.index % PAGES_PER_SECTION + 1, desc, date_for(page.index))
        emit(f"{page.sec}/{page.stem}.md", fm + body_tb, fm + body_hg)

    return {"pages": pages_n, "sections": n_sections, "markdown_bytes": md_bytes, "links": n_links,
            "anchor_links": n_anchor_links}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, required=True, help="number of leaf pages (plus section and home pages)")
    ap.add_argument("--out", required=True, help="output folder; gets tebiki/ and hugo/ inside")
    ap.add_argument("--seed", type=int, default=20240501)
    a = ap.parse_args()
    if a.pages < 1:
        ap.error("--pages must be at least 1")
    stats = generate(a.pages, a.out, a.seed)
    stats["seed"] = a.seed
    with open(os.path.join(a.out, "corpus.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f)
    print(f"gen_corpus: {stats['pages']} pages in {stats['sections']} sections, "
          f"{stats['markdown_bytes'] / 1e6:.1f} MB of Markdown, {stats['links']} cross-links "
          f"({stats['anchor_links']} with #anchor) -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
