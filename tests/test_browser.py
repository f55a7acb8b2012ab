"""The HTML pages in a real headless browser: loaded without errors, charts drawn, nothing fetched.

Uses playwright (the `dev` extra) driving the system's chromium (Debian: `apt-get install chromium`;
playwright's own browser download is not used). Skipped, with the reason, where either is missing.
Set HYOKA_CHROMIUM to use another chromium/chrome binary. The pages name Japanese fonts; Debian's
fonts-noto-cjk gives chromium "Noto Sans CJK JP" (the page heights below are measured with it).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import re

from report_samples import MUNICIPALITIES, SAMPLE_FILES, SAMPLES, compare_sample, seed_findings

from hyoka.pipeline.report_html import achievement_colour, render_audit, render_audit_for, render_compare

JAPANESE = re.compile(r"[ぁ-んァ-ヶ一-龠]")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")


def _chromium() -> str | None:
    chosen = os.environ.get("HYOKA_CHROMIUM")
    candidates = [chosen] if chosen else [shutil.which("chromium"), shutil.which("chromium-browser"),
                                          shutil.which("google-chrome"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).is_file() and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    if exe is None:
        pytest.skip(f"HYOKA_CHROMIUM={os.environ['HYOKA_CHROMIUM']} is not an executable file"
                    if os.environ.get("HYOKA_CHROMIUM") else
                    "no chromium installed (Debian: apt-get install chromium; or set HYOKA_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        except Exception as exc:  # a chromium that cannot start here (missing libraries, no /dev/shm …)
            pytest.skip(f"chromium at {exe} does not start: {str(exc).splitlines()[0]}")
        yield b
        b.close()


def _open(browser, path: Path):
    """Load the file; return (page, errors, requests) with every request but the file itself refused."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"requestfailed: {r.url}"))

    def route(r):
        requests.append(r.request.url)
        if r.request.url == path.as_uri():
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, requests


_SVG_SIZES = """() => Array.from(document.querySelectorAll('svg')).map(s => {
  const r = s.getBoundingClientRect();
  const drawn = Array.from(s.querySelectorAll('rect,circle,polyline')).filter(e => {
    const b = e.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length;
  return {cls: s.getAttribute('class'), label: s.getAttribute('aria-label'), w: r.width, h: r.height, drawn};
})"""


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_compare_page_in_chromium(browser, tmp_path):
    path = tmp_path / "compare.html"
    sample = compare_sample()
    path.write_text(render_compare(sample), encoding="utf-8")
    page, errors, requests = _open(browser, path)
    try:
        assert errors == []
        assert requests == [path.as_uri()]  # nothing but the file itself
        assert page.evaluate("document.documentElement.lang") == "ja"
        svgs = page.evaluate(_SVG_SIZES)
        bars = [s for s in svgs if "bars" in s["cls"]]
        assert [s["label"] for s in bars] == [f"{c}: テーマ別の施策数と達成度" for c in MUNICIPALITIES]
        for s in svgs:
            assert s["w"] > 100 and s["h"] > 10 and s["drawn"] > 0, s
        stacks = {s["label"] for s in svgs if "stack" in s["cls"]}
        assert stacks == {"武蔵野市: 方向性", "昭島市: 方向性", "大船渡市: 方向性"}
        # the heat map's colours are applied (inline styles are allowed by the page's policy)
        cell = page.locator("table.heat tbody tr", has_text="武蔵野市").locator("td").nth(6)  # デジタル・DX
        assert cell.inner_text().startswith("73%")
        assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == _rgb(achievement_colour(0.73))
        # details are folded, and open on a click: a city's list shows its themes with counts, folded too
        ofunato = page.locator("details.city-list", has_text="大船渡市 の施策一覧")
        assert not ofunato.locator("table").first.is_visible()
        ofunato.locator("summary").first.click()
        themes = ofunato.locator("details.theme-list")
        assert themes.count() >= 5 and not ofunato.locator("table").first.is_visible()
        assert _height(page) < 9_000  # 407 事業 open, still folded by theme
        themes.first.locator("summary").click()
        shown = themes.first.locator("tbody tr")
        n = int(re.search(r"（(\d+) 件）", themes.first.locator("summary").inner_text()).group(1))
        assert shown.count() == n and shown.first.is_visible()
        # the number the list says is the number the card says
        card = page.locator("article.city", has_text="大船渡市").locator("b.n-measures").inner_text()
        assert f"大船渡市 の施策一覧（{card} 件）" == ofunato.locator("summary").first.inner_text()
    finally:
        page.close()


def _height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


_YEAR_WITH_SEPARATOR = re.compile(r"(?<![\d,.])(?:1,9\d\d|2,0\d\d)(?![\d,])")  # 2,024 (2,164 may be a count)
_ENGLISH = re.compile(r"[A-Za-z]{3,}")


def test_compare_page_opens_short_with_its_lists_folded(browser, tmp_path):
    path = tmp_path / "compare.html"
    path.write_text(render_compare(compare_sample()), encoding="utf-8")
    page, errors, _requests = _open(browser, path)
    try:
        assert errors == []
        # was 81,000 px with every 事業 of 大船渡市 listed; folded with counts, the page opens short
        assert _height(page) < 6_000, _height(page)
        text = page.inner_text("body")
        assert _YEAR_WITH_SEPARATOR.findall(text) == []
        assert "大船渡市 の施策一覧（407 件）" in text and "昭島市 の施策一覧（47 件）" in text
        assert page.locator("#count-definition").is_visible()
    finally:
        page.close()


def test_audit_page_in_japanese_with_links_to_the_printed_rows(browser, tmp_path):
    path = tmp_path / "audit.html"
    path.write_text(render_audit_for(list(seed_findings()), {n: str(SAMPLES / n) for n in SAMPLE_FILES}),
                    encoding="utf-8")
    page, errors, requests = _open(browser, path)
    try:
        assert errors == [] and requests == [path.as_uri()]
        assert _height(page) < 12_000, _height(page)
        text = page.evaluate("document.body.textContent")
        assert _YEAR_WITH_SEPARATOR.findall(text) == []
        messages = page.locator("td.msg").evaluate_all("els => els.map(e => e.textContent)")  # folded ones too
        assert len(messages) > 50
        for m in messages:  # the report's own words (「…」) may hold Latin letters; the sentences do not
            outside = re.sub(r"「[^「」]*」", "", m)
            assert JAPANESE.search(m) and not [w for w in _ENGLISH.findall(outside) if w not in ("KPI",)], m
        heads = page.locator("#documents h4").evaluate_all("els => els.map(e => e.textContent)")
        assert heads and all(JAPANESE.search(h) and not _ENGLISH.search(h) for h in heads)
        # a finding's place is a link to the printed row, which the source view shows (its fold opened)
        row = page.locator("#documents tr.warning", has_text="ありえない和暦年").first
        if not row.count():
            row = page.locator("#documents tr.warning").first
        link = row.locator("a.place")
        target = link.get_attribute("href")
        assert not page.locator(target).is_visible()  # in the folded source view
        link.click()
        assert page.evaluate("location.hash") == target
        assert page.locator(target).is_visible()
        assert "空き店舗活用補助" in page.locator(target).inner_text()
        assert "空き店舗活用補助" in row.locator("td.quote").inner_text()  # quoted beside the finding too
    finally:
        page.close()


def test_audit_page_in_chromium(browser, tmp_path):
    path = tmp_path / "audit.html"
    path.write_text(render_audit(list(seed_findings())), encoding="utf-8")
    page, errors, requests = _open(browser, path)
    try:
        assert errors == [] and requests == [path.as_uri()]
        svgs = page.evaluate(_SVG_SIZES)
        assert len(svgs) == 6  # one status bar per document
        for s in svgs:
            assert s["w"] > 100 and s["h"] > 10 and s["drawn"] > 0, s
        assert page.locator("tr.warning").first.is_visible()
        assert page.locator("tr.consistent").count() > 0
        assert not page.locator("tr.consistent").first.is_visible()  # folded
        # the anchor in the summary leads to the document's section
        link = page.locator("#headline a", has_text="akishima_plan_report_r5.txt").first
        link.click()
        assert page.evaluate("location.hash") == link.get_attribute("href")
        assert page.locator(link.get_attribute("href") + " h3").inner_text() == "akishima_plan_report_r5.txt"
    finally:
        page.close()


def test_the_harness_sees_a_fetch_and_an_error(browser, tmp_path):
    # the two checks above would pass on a page that failed silently; this one shows they can fail
    path = tmp_path / "bad.html"
    path.write_text("<!doctype html><html lang='ja'><body><img src='https://example.invalid/x.png'>"
                    "<script>undefined_function()</script></body></html>", encoding="utf-8")
    page, errors, requests = _open(browser, path)
    try:
        assert "https://example.invalid/x.png" in requests
        assert any(e.startswith("pageerror:") and "undefined_function" in e for e in errors)
    finally:
        page.close()
