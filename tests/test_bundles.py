"""Zip bundles: members read as documents (bundle.zip!/folder/name), their names decoded as the zip says,
one nested level, and hostile bundles (path traversal, bombs, too many members, damage) refused with
one line each while the rest of the batch is read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hyoka
from hyoka.extractors import backend_for, bundles, supported_extensions
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.limits import Limits
from hyoka.pipeline.cli import app
from hyoka.pipeline.ingest import collect_inputs, hash_file, ingest, read_file

CORPUS = Path(__file__).parent / "corpus"
PAGES = Path(__file__).parent / "fixtures" / "html"
OYABE = CORPUS / "oyabe_sogokeikaku_seika_shihyo_2003.md"        # 65 indicator values
KURIYAMA = CORPUS / "kuriyama_seisaku_hyoka_2019.md"             # 32 score summaries
IBARAKI_PAGE = PAGES / "ibaraki_kanko_shinko.sjis.htm"           # 18 values, 1 score summary


class _CP932Name(zipfile.ZipInfo):
    """A member name written in CP932 without the UTF-8 flag, as Explorer on Japanese Windows does."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp932"), self.flag_bits


def _bundle(path: Path, extra=()) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(KURIYAMA, "栗山町/施策評価結果.md")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        info = _CP932Name("小矢部市/成果指標.md")
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, OYABE.read_bytes())
        z.write(IBARAKI_PAGE, "茨城県/観光振興.htm")  # non-ASCII: zipfile sets the UTF-8 flag
        z.writestr("過去分.zip", inner.getvalue())
        z.writestr("__MACOSX/小矢部市/._成果指標.md", b"\x00\x05\x16\x07")  # a macOS resource fork: skipped
        z.writestr("readme.xyz", b"not a report")  # unsupported: skipped, as in a folder
        for name, data in extra:
            z.writestr(name, data)
    return path


def test_members_are_documents_with_bundle_paths(tmp_path):
    bundle = _bundle(tmp_path / "r5.zip")
    names = [(i.flag_bits & 0x800, bundles.member_name(i)) for i in zipfile.ZipFile(bundle).infolist()]
    assert (0, "小矢部市/成果指標.md") in names and (0x800, "茨城県/観光振興.htm") in names
    ds = hyoka.read([bundle])
    assert ds.failures.empty
    assert sorted(ds.documents["source_path"]) == sorted(
        f"{bundle.resolve()}!/{m}" for m in ("過去分.zip!/栗山町/施策評価結果.md", "小矢部市/成果指標.md", "茨城県/観光振興.htm"))
    # the same values as the files read on their own
    alone = hyoka.read([OYABE, KURIYAMA, IBARAKI_PAGE])
    assert len(ds.indicator_values) == len(alone.indicator_values) == 65 + 18
    assert len(ds.score_summaries) == len(alone.score_summaries) == 32 + 1
    assert sorted(ds.documents["doc_id"]) == sorted(alone.documents["doc_id"])  # the content hash of the member
    refs = set(ds.indicator_values["src_file"])
    assert refs == {"成果指標.md", "観光振興.htm"}


def test_cp932_name_without_flag_and_utf8_name_decode():
    raw = zipfile.ZipInfo("x")
    raw.orig_filename = "小矢部市/成果指標.md".encode("cp932").decode("cp437")
    assert bundles.member_name(raw) == "小矢部市/成果指標.md"
    mac = zipfile.ZipInfo("x")  # macOS Archive Utility: UTF-8 bytes, no flag
    mac.orig_filename = "施策評価.pdf".encode("utf-8").decode("cp437")
    assert bundles.member_name(mac) == "施策評価.pdf"


def test_hostile_members_are_one_line_each_and_the_rest_is_read(tmp_path):
    bomb = b"\x00" * (24 * 2**20)  # deflates ~1000:1
    bundle = _bundle(tmp_path / "bad.zip", extra=[("../../etc/passwd.md", b"x"), ("/abs.md", b"x"),
                                                  ("C:/win.md", b"x"), ("bomb.md", bomb)])
    ds = hyoka.read([bundle])
    reasons = dict(zip(ds.failures["source_path"].str.split("!/", n=1).str[1], ds.failures["reason"]))
    assert set(reasons) == {"../../etc/passwd.md", "/abs.md", "C:/win.md", "bomb.md"}
    assert reasons["../../etc/passwd.md"] == "member name leads out of the zip (path traversal); not read"
    assert "a zip bomb" in reasons["bomb.md"] and "1,0" in reasons["bomb.md"]  # ~1,0xx times
    assert dict(zip(ds.failures["source_path"].str.split("!/", n=1).str[1], ds.failures["stage"]))["bomb.md"] == "limit"
    assert all("\n" not in r for r in reasons.values())
    assert len(ds.documents) == 3 and len(ds.indicator_values) == 83


def test_a_bomb_of_many_small_members_is_refused_as_a_whole(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n in range(12):  # each under the 10 MB part rule; together 96 MB at ~1000:1
            z.writestr(f"{n}.md", b"\x00" * (8 * 2**20))
    inputs, failures = collect_inputs([path])
    assert inputs == [] and len(failures) == 1
    failure = failures[0][1]
    assert failure.stage == "limit" and failure.reason.startswith("zip bundle not opened: a zip whose members unpack to 96 MB")


def test_member_limit_and_nested_depth(tmp_path):
    path = tmp_path / "n.zip"
    with zipfile.ZipFile(path, "w") as z:
        for n in range(5):
            z.writestr(f"{n}.md", b"# x")
    _inputs, failures = collect_inputs([path], Limits(max_bundle_members=3))
    assert [f.reason for _s, f in failures] == [
        "zip bundle not opened: a zip of 5 members, over the limit of 3 (max_bundle_members)"]
    # a zip in a zip in a zip: one line, the bundle's other members read
    deepest, middle = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(deepest, "w") as z:
        z.writestr("a.md", b"# a")
    with zipfile.ZipFile(middle, "w") as z:
        z.writestr("deep.zip", deepest.getvalue())
        z.writestr("b.md", b"# b")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("middle.zip", middle.getvalue())
    inputs, failures = collect_inputs([outer])
    assert [i.shown for i in inputs] == [f"{outer}!/middle.zip!/b.md"]
    assert [(s, f.reason) for s, f in failures] == [
        (f"{outer}!/middle.zip!/deep.zip", "a zip inside a zip inside a zip; bundles are opened one level deep")]


def test_damaged_and_fake_bundles_are_one_line(tmp_path):
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"PK\x03\x04 this is not really a zip")
    inputs, failures = collect_inputs([fake])
    assert inputs == [] and failures[0][1].reason.startswith("zip bundle not opened: not a readable zip archive")
    # a member whose compressed bytes are damaged after listing: a failures row for it, no traceback
    path = tmp_path / "dmg.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.md", "施策評価 " * 5000)
    data = bytearray(path.read_bytes())
    data[60:90] = b"\xff" * 30
    path.write_bytes(bytes(data))
    ds = hyoka.read([path])
    assert len(ds.failures) == 1 and "\n" not in ds.failures["reason"][0]
    assert ds.failures["reason"][0].startswith(("the zip member is damaged", "not a readable zip"))


def test_member_paths_read_and_hash_on_their_own(tmp_path):
    bundle = _bundle(tmp_path / "r5.zip")
    member = Path(f"{bundle.resolve()}!/小矢部市/成果指標.md")
    assert hash_file(member) == hash_file(OYABE)
    doc, failure = read_file(member)
    assert failure is None and doc.source_path == str(member) and len(doc.measures) == 13
    doc, failure = read_file(Path(f"{bundle.resolve()}!/missing.md"))
    assert doc is None and failure.reason.startswith("no such member in the zip")


def test_zip_is_a_registered_format_and_folders_find_bundles(tmp_path):
    assert ".zip" in supported_extensions()
    with pytest.raises(ExtractionError):
        backend_for(Path("a.zip")).read(Path("a.zip"))
    folder = tmp_path / "reports"
    folder.mkdir()
    _bundle(folder / "r5.zip")
    assert len(ingest([folder]).documents) == 3


def test_cli_ingest_reads_a_bundle_into_the_store(tmp_path):
    bundle = _bundle(tmp_path / "r5.zip", extra=[("../x.md", b"x")])
    res = CliRunner().invoke(app, ["ingest", str(bundle), "--out", str(tmp_path / "out")])
    assert res.exit_code == 3, res.output  # EXIT_SOME_FAILED: the refused member
    assert "3 read, 1 failed" in res.output
    assert "r5.zip!/../x.md: member name leads out of the zip (path traversal); not read" in res.output
    assert "✓ r5.zip!/小矢部市/成果指標.md  小矢部市" in res.output
    assert "Traceback" not in res.output
    again = CliRunner().invoke(app, ["ingest", str(bundle), "--out", str(tmp_path / "out")])
    assert "3 unchanged" in again.output  # members hashed as they unpack: nothing read twice
