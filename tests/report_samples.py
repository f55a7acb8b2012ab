"""Real inputs for the HTML report tests: the seed reports + 大船渡市's workbook, read once per run.

`compare_sample()` builds a `hyoka compare --format json`-shaped object from those tables the
simple way, independently of pipeline/compare.py: a small keyword table gives each measure a
theme, achievement is actual ÷ target (capped at 1) of a measure's latest year with both, or the
目標's stated score ÷ 100 where the report prints one, and directions are counted as printed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs"
SAMPLE_FILES = (  # one rendering of each report: 武蔵野市 twice (2022 and 2025)
    "musashino_2ki_progress_summary.txt", "musashino_3ki_evaluation_sheets_r7.txt",
    "nishitokyo_masterplan2_overview.md", "akiruno_progress_summary_r7.txt", "akishima_plan_report_r5.txt",
    "ofunato_jimujigyo_hyoka_r7.xlsx",
)
MUNICIPALITIES = ("武蔵野市", "西東京市", "あきる野市", "昭島市", "大船渡市")

# first match wins: 事業承継相談 is 事業承継, not 経営支援's 相談
THEME_WORDS = (
    ("事業承継", ("事業承継", "承継")),
    ("創業・起業", ("創業", "起業", "開業", "スタートアップ")),
    ("観光", ("観光", "宿泊", "交流人口")),
    ("農林水産業", ("農", "漁", "水産", "魚市場", "林業", "森林", "畜産")),
    ("工業・ものづくり", ("工業", "ものづくり", "製造", "技術", "工場")),
    ("デジタル・DX", ("デジタル", "DX", "情報化", "キャッシュレス", "カード")),
    ("商業・商店街", ("商店街", "商業", "空き店舗", "買物", "消費", "店舗", "マルシェ", "まちゼミ", "小売")),
    ("雇用・人材", ("雇用", "人材", "就労", "就職", "働き方", "担い手", "面接", "福利厚生")),
    ("産学官連携", ("産学", "大学", "連携", "マッチング", "交流会")),
    ("魅力発信・ブランド", ("ブランド", "魅力", "発信", "PR", "プロモーション")),
    ("経営支援・金融", ("経営", "融資", "資金", "利子", "金融", "相談", "マル経")),
    ("環境・エネルギー", ("環境", "エネルギー", "省エネ", "廃棄物", "脱炭素", "騒音", "ごみ")),
    ("まちづくり・地域", ("まちづくり", "地域", "住宅", "道路", "防犯", "安全", "都市", "公園", "交通", "防災")),
)
THEMES = (
    "創業・起業", "事業承継", "商業・商店街", "観光", "農林水産業", "工業・ものづくり", "デジタル・DX", "雇用・人材",
    "産学官連携", "魅力発信・ブランド", "経営支援・金融", "環境・エネルギー", "まちづくり・地域", "その他",
)


def theme_of(*texts) -> str:
    for text in texts:
        if not isinstance(text, str):
            continue
        for theme, words in THEME_WORDS:
            if any(w in text for w in words):
                return theme
    return "その他"


@lru_cache(maxsize=1)
def seed_dataset():
    import hyoka

    return hyoka.read([SAMPLES / name for name in SAMPLE_FILES])


@lru_cache(maxsize=1)
def seed_findings() -> tuple:
    from hyoka.pipeline.audit import audit_tables
    from hyoka.pipeline.rules import RuleSet

    return tuple(audit_tables(seed_dataset().tables, RuleSet()))


def _num(x):
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def compare_sample() -> dict:
    ds = seed_dataset()
    docs = ds.documents.set_index("doc_id")
    stated = {}  # (doc_id, 目標 name) → stated score ÷ max
    for s in ds.score_summaries.to_dict("records"):
        score, top = _num(s.get("stated_score")), _num(s.get("max_score")) or 100.0
        if score is not None and s.get("scope_name"):
            stated[s["doc_id"], s["scope_name"]] = min(1.0, score / top)
    latest = {}  # (doc_id, measure_key) → achievement of the latest year with target and actual
    n_ind = {}
    iv = ds.indicator_values
    for (doc_id, key), g in iv.groupby(["doc_id", "measure_key"]):
        n_ind[doc_id, key] = g["indicator"].nunique()
        both = g[g["target"].notna() & g["actual"].notna()]
        both = both[[(_num(t) or 0) > 0 for t in both["target"]]]
        if len(both):
            row = both.sort_values("fiscal_year").iloc[-1]
            latest[doc_id, key] = min(1.0, _num(row["actual"]) / _num(row["target"]))
    measures = []
    for m in ds.measures.to_dict("records"):
        doc = docs.loc[m["doc_id"]]
        achievement = latest.get((m["doc_id"], m["key"]), stated.get((m["doc_id"], m.get("h1_name"))))
        fy = doc["fiscal_year"]
        measures.append({
            "municipality": doc["municipality"], "doc_id": m["doc_id"], "name": m["name"],
            "theme": theme_of(m["name"], m.get("h2_name"), m.get("h1_name")),
            "achievement": achievement, "direction": m["direction"] if isinstance(m["direction"], str) else None,
            "fiscal_year": None if _num(fy) is None else int(fy),
            "_indicators": n_ind.get((m["doc_id"], m["key"]), 0),
        })
    cells = {}
    for m in measures:
        c = cells.setdefault((m["municipality"], m["theme"]), {
            "municipality": m["municipality"], "theme": m["theme"], "n_measures": 0, "n_indicators": 0,
            "graded": [], "directions": {}})
        c["n_measures"] += 1
        c["n_indicators"] += m.pop("_indicators")
        if m["achievement"] is not None:
            c["graded"].append(m["achievement"])
        if m["direction"]:
            c["directions"][m["direction"]] = c["directions"].get(m["direction"], 0) + 1
    for c in cells.values():
        graded = c.pop("graded")
        c["achievement"] = sum(graded) / len(graded) if graded else None
    return {"municipalities": list(MUNICIPALITIES), "themes": list(THEMES), "cells": list(cells.values()),
            "measures": measures}


# --- a small DOM for asserting on the pages (stdlib only) ------------------------------------------

from html.parser import HTMLParser  # noqa: E402

_VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: "Node | None"):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        out = []
        for c in self.children:
            if isinstance(c, Node):
                if ((tag is None or c.tag == tag) and (cls is None or cls in c.classes)
                        and all(c.attrs.get(k) == v for k, v in attrs.items())):
                    out.append(c)
                out.extend(c.find_all(tag, cls, **attrs))
        return out

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node":
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]

    def ancestors(self) -> list["Node"]:
        node, out = self.parent, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in _VOID:
            self.cur = node

    def handle_endtag(self, tag):
        node = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"</{tag}> closes nothing"
        self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse_html(page: str) -> Node:
    b = _Builder()
    b.feed(page)
    b.close()
    assert b.cur is b.root, f"<{b.cur.tag}> left open"
    return b.root
