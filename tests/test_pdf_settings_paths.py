"""PdfSettings reach the PDF backend from every entry point: hyoka.read(pdf=…), ingest (in this
process and in worker processes) and the CLI's --pdf-setting.

The probe is a one-page PDF whose /MediaBox is a name: PDFium reads it, pdfminer can't. So the
default settings read it (a document, judged not a report: its text is English), and
``engine=pdfplumber`` — if it arrived — makes it a failures row with pdfminer's reason."""

from __future__ import annotations

import pytest
from pdf_builder import one_page_pdf
from typer.testing import CliRunner

import hyoka
from hyoka.extractors.pdf import PdfSettings, reasons
from hyoka.pipeline.cli import EXIT_NONE_READ, EXIT_USAGE, app
from hyoka.pipeline.executors import run_files
from hyoka.pipeline.ingest import IngestSettings, ingest_to_store

PLUMBER = PdfSettings(engine="pdfplumber")


@pytest.fixture
def probe(tmp_path, monkeypatch):
    monkeypatch.delenv("HYOKA_PDF_ENGINE", raising=False)
    path = tmp_path / "in" / "box.pdf"
    path.parent.mkdir()
    path.write_bytes(one_page_pdf(["Hello world"], mediabox=b"/Letter"))
    return path


def test_hyoka_read_takes_pdf_settings(probe):
    ds = hyoka.read(probe, audit=False)
    assert ds.failures.empty and list(ds.documents.status) == ["not_a_report"]
    ds = hyoka.read(probe, audit=False, pdf=hyoka.PdfSettings(engine="pdfplumber"))
    assert ds.documents.empty
    assert list(ds.failures.reason) == [reasons.PAGE_SIZE]
    with pytest.raises(TypeError, match="pdf must be a hyoka.PdfSettings, not dict"):
        hyoka.read(probe, pdf={"engine": "pdfplumber"})


def test_ingest_to_store_takes_pdf_settings_in_this_process(probe, tmp_path):
    run = ingest_to_store([probe], tmp_path / "out", IngestSettings(pdf=PLUMBER))
    assert [(f.status, f.failure.reason) for f in run.files] == [("failed", reasons.PAGE_SIZE)]
    run = ingest_to_store([probe], tmp_path / "out2", IngestSettings())
    assert [f.status for f in run.files] == ["read"]


def test_ingest_to_store_sends_pdf_settings_to_worker_processes(probe, tmp_path):
    other = probe.with_name("box2.pdf")
    other.write_bytes(probe.read_bytes().replace(b"Hello world", b"Hello again"))

    def pool(paths, limits, **asked):
        return run_files(paths, limits=limits, jobs=2, **asked)

    run = ingest_to_store([probe.parent], tmp_path / "out", IngestSettings(pdf=PLUMBER), executor=pool)
    assert sorted((f.status, f.failure.reason) for f in run.files) == [("failed", reasons.PAGE_SIZE)] * 2


def test_cli_pdf_setting(probe, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(probe), "--out", str(tmp_path / "a"), "--pdf-setting", "engine=pdfplumber"])
    assert res.exit_code == EXIT_NONE_READ
    assert f"{reasons.PAGE_SIZE}" in res.output
    res = runner.invoke(app, ["ingest", str(probe), "--out", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["ingest", str(probe), "--out", str(tmp_path / "c"), "--pdf-setting", "engin=pdfium"])
    assert res.exit_code == EXIT_USAGE
    assert "hyoka ingest: unknown PDF setting 'engin' (known: cjk_gap," in res.output
    assert "Traceback" not in res.output


def test_pdf_settings_from_strings():
    settings = PdfSettings.from_strings(["engine=pdfplumber", "latin_gap=0.3", "dedupe_min_pairs=4",
                                         "table_settings.snap_tolerance=3", "table_settings.vertical_strategy=lines"])
    assert settings == PdfSettings(engine="pdfplumber", latin_gap=0.3, dedupe_min_pairs=4,
                                   table_settings={"snap_tolerance": 3, "vertical_strategy": "lines"})
    for bad, message in [
        (["latin_gap=wide"], "PDF setting latin_gap=wide: latin_gap must be a number"),
        (["dedupe_min_pairs=2.5"], "PDF setting dedupe_min_pairs=2.5: dedupe_min_pairs must be a whole number"),
        (["engine"], "PDF setting 'engine': expected KEY=VALUE, e.g. engine=pdfplumber"),
        (["engine=mupdf"], "PdfSettings.engine must be one of pdfium, pdfplumber or None, not 'mupdf'"),
        (["table_settings.snap=3"], "PdfSettings.table_settings: unknown pdfplumber table setting(s) snap (known:"),
    ]:
        with pytest.raises(ValueError) as err:
            PdfSettings.from_strings(bad)
        assert str(err.value).startswith(message)
