"""`hyoka info` and the on-demand NLP loader."""

from __future__ import annotations

import importlib.util

import pytest
from typer.testing import CliRunner

from hyoka.pipeline import nlp
from hyoka.pipeline.cli import app


def test_info_lists_layouts_formats_and_presets():
    res = CliRunner().invoke(app, ["info"])
    assert res.exit_code == 0
    for name in ("musashino_evaluation_sheets", "akiruno_progress_summary", "akishima_plan_report",
                 "musashino_progress_summary", "nishitokyo_masterplan_overview", ".txt",
                 "preset-grades-achievement"):
        assert name in res.output


def test_info_names_the_pdf_engine(monkeypatch):
    """Which engine reads PDFs here, with PDFium's version; $HYOKA_PDF_ENGINE switches it."""
    import json

    import pypdfium2

    res = CliRunner().invoke(app, ["info", "--json"])
    pdf = next(f for f in json.loads(res.output)["formats"] if f["name"] == "pdf")
    assert pdf["reader"].startswith("engine pdfium (PDFium ")
    assert f"pypdfium2 {pypdfium2.PYPDFIUM_INFO}" in pdf["reader"]
    monkeypatch.setenv("HYOKA_PDF_ENGINE", "pdfplumber")
    res = CliRunner().invoke(app, ["info"])
    assert "pdf: .pdf — engine pdfplumber (pdfminer for every page; $HYOKA_PDF_ENGINE)" in res.output
    monkeypatch.setenv("HYOKA_PDF_ENGINE", "mupdf")
    res = CliRunner().invoke(app, ["info"])
    assert res.exit_code == 0 and "unknown PDF engine 'mupdf'" in res.output


def test_nlp_prefers_the_best_installed(monkeypatch):
    installed = {"spacy", "ja_ginza", "sudachipy"}
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object() if name in installed else None)
    assert nlp.available() == ["ja_ginza", "blank:ja"]
    installed.discard("ja_ginza")
    assert nlp.available() == ["blank:ja"]


def test_nlp_says_how_to_install_when_nothing_is(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match=r'pip install "hyoka\[nlp\]"'):
        nlp.load_japanese()


def test_chunks_respect_the_tokenizer_limit():
    text = ("産業振興課と商工会議所が連携した。\n" * 3000) + "長" * 30000
    parts = nlp.chunks(text, max_bytes=40_000)
    assert all(len(p.encode("utf-8")) <= 40_000 for p in parts)
    assert "".join(parts) == text
