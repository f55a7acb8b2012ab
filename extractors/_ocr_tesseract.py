"""Tesseract, called as a program: one page image in, its characters with boxes and confidences out.

No Python binding: the `tesseract` binary (Debian's ``tesseract-ocr`` with ``tesseract-ocr-jpn``)
is run with ``hocr_char_boxes=1``, which writes every recognised character with its own box
(``x_bboxes``) and confidence (``x_conf``, 0–100) into the hOCR file; that is parsed here with a
regular expression (the file is Tesseract's own, one ``ocrx_cinfo`` span per character). Each
character also gets the box of the line Tesseract put it on, so the PDF backend can group
characters into lines by their line's top and bottom rather than by the glyph's ink (「ー」 or
「、」 are a sliver of a box).

Tesseract runs with ``OMP_THREAD_LIMIT=1``: its OpenMP threads spin on a loaded machine (twice
the CPU time for the same page); pages are the unit of parallelism, not threads inside a page.
"""

from __future__ import annotations

import dataclasses
import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

BINARY = "tesseract"
LANGUAGES = ("jpn",)  # jpn reads digits and Latin letters too; with eng added, 人 came out as A and 年度 as FB
APT_PACKAGES = "tesseract-ocr tesseract-ocr-jpn"
DOUBTED = 50.0  # the confidence given to a character Tesseract read two ways at once
PAGE_TIMEOUT = 300.0  # seconds for one page, the whole recognition


@dataclass(frozen=True)
class Tesseract:
    """What is installed: the binary's path and version and its languages (None: not found)."""

    path: str | None
    version: str | None
    languages: tuple[str, ...]
    problem: str | None  # why OCR can't run here, naming what to install; None when it can

    @property
    def usable(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class OcrChar:
    """One recognised character, in pixels of the page image (top-left origin)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float  # Tesseract's confidence in the character, 0–100
    line_top: float  # the box of the line it was read on
    line_bottom: float


@lru_cache(maxsize=1)
def find() -> Tesseract:
    """The Tesseract on this machine, checked once per process."""
    path = shutil.which(BINARY)
    if path is None:
        return Tesseract(None, None, (), f"the tesseract program is not installed (apt install {APT_PACKAGES})")
    try:
        version = _run([path, "--version"], 20).splitlines()[0].split()[-1]
        listed = _run([path, "--list-langs"], 20).splitlines()[1:]
    except (OSError, subprocess.SubprocessError, IndexError) as exc:
        return Tesseract(path, None, (), f"tesseract at {path} does not run ({type(exc).__name__})")
    languages = tuple(sorted(lang.strip() for lang in listed if lang.strip()))
    if "jpn" not in languages:
        return Tesseract(path, version, languages,
                         f"tesseract {version} has no Japanese model (apt install tesseract-ocr-jpn)")
    return Tesseract(path, version, languages, None)


def _run(cmd: list[str], timeout: float) -> str:
    done = subprocess.run(cmd, capture_output=True, timeout=timeout, env=_env(), check=True)
    # --version prints to stdout in 5.x, stderr in 4.x
    return (done.stdout or done.stderr).decode("utf-8", "replace")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def recognise(image: Any, psm: int = 11, timeout: float = PAGE_TIMEOUT) -> list[OcrChar]:
    """The characters Tesseract reads on `image` (a PIL image). psm 11 ("sparse text") finds text
    anywhere on the page in no particular order, which suits tables: the order is rebuilt from
    the boxes. Raises RuntimeError with one line when Tesseract fails or runs out of time."""
    tess = find()
    if not tess.usable:
        raise RuntimeError(tess.problem)
    langs = "+".join(lang for lang in LANGUAGES if lang in tess.languages)
    dpi = int(round(image.info.get("dpi", (300, 300))[0]))
    with tempfile.TemporaryDirectory(prefix="hyoka-ocr-") as tmp:
        src, out = Path(tmp) / "page.png", Path(tmp) / "page"
        image.save(src, dpi=(dpi, dpi))
        return parse_hocr(_run_hocr(tess.path, src, out, langs, psm, dpi, timeout, "on one page", ""))


def _run_hocr(program: str, src: Path, out: Path, langs: str, psm: int, dpi: int, timeout: float,
              what: str, where: str) -> str:
    """Tesseract on `src` (an image, or a list of image files read as one document's pages) → its hOCR
    text with character boxes. RuntimeError, one line, when it times out or fails."""
    cmd = [program, str(src), str(out), "-l", langs, "--psm", str(psm), "--dpi", str(dpi),
           "-c", "hocr_char_boxes=1", "hocr"]
    try:
        subprocess.run(cmd, capture_output=True, timeout=timeout, env=_env(), check=True)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"tesseract took longer than {timeout:g} s {what}") from None
    except subprocess.CalledProcessError as exc:
        last = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"tesseract failed{where} (exit {exc.returncode}): {last[0][:200]}") from None
    return out.with_suffix(".hocr").read_text(encoding="utf-8")


def recognise_many(images: list[Any], psm: int = 6, timeout: float = PAGE_TIMEOUT) -> list[list[OcrChar]]:
    """The characters on each of `images` (small crops), in one run of Tesseract (its model loaded
    once): Tesseract reads a list of image files as the pages of one document."""
    tess = find()
    if not tess.usable:
        raise RuntimeError(tess.problem)
    if not images:
        return []
    langs = "+".join(lang for lang in LANGUAGES if lang in tess.languages)
    dpi = int(round(images[0].info.get("dpi", (300, 300))[0]))
    with tempfile.TemporaryDirectory(prefix="hyoka-ocr-") as tmp:
        names = []
        for k, image in enumerate(images):
            names.append(str(Path(tmp) / f"crop{k:05d}.png"))
            image.save(names[-1], dpi=(dpi, dpi))
        listing, out = Path(tmp) / "crops.txt", Path(tmp) / "crops"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        text = _run_hocr(tess.path, listing, out, langs, psm, dpi, timeout, f"on {len(images)} crops", " on crops")
    pages = re.split(r"<div class='ocr_page'", text)[1:]
    return [parse_hocr(page) for page in pages] if len(pages) == len(images) else [[] for _ in images]


_WORD = re.compile(r"<span class='ocrx_word'")
_LINE = re.compile(r"<span class='ocr_(?:line|caption|textfloat|header)'[^>]*title=\"bbox (\d+) (\d+) (\d+) (\d+)")
_CHAR = re.compile(r"<span class='ocrx_cinfo' title='x_bboxes (-?\d+) (-?\d+) (-?\d+) (-?\d+); x_conf ([\d.]+)'>"
                   r"([^<]*)</span>")


def parse_hocr(text: str) -> list[OcrChar]:
    """The characters of a Tesseract hOCR file written with hocr_char_boxes=1, each with its line's box."""
    chars: list[OcrChar] = []
    marks = sorted([(m.start(), "line", m) for m in _LINE.finditer(text)]
                   + [(m.start(), "word", m) for m in _WORD.finditer(text)]
                   + [(m.start(), "char", m) for m in _CHAR.finditer(text)], key=lambda t: t[0])
    line_top = line_bottom = None
    word: list[OcrChar] = []
    for _pos, kind, m in marks:
        if kind in ("line", "word"):
            chars.extend(_close_gaps(word))
            word = []
            if kind == "line":
                line_top, line_bottom = float(m.group(2)), float(m.group(4))
            continue
        ch = html.unescape(m.group(6))
        if not ch.strip():
            continue
        x0, top, x1, bottom = (float(m.group(k)) for k in range(1, 5))
        # the line's box, grown to the character's (a line of one 「A」 can be given a sliver of a box)
        lt = top if line_top is None else min(line_top, top)
        lb = bottom if line_bottom is None else max(line_bottom, bottom)
        word.append(OcrChar(text=ch, x0=x0, top=top, x1=x1, bottom=bottom, conf=float(m.group(5)),
                            line_top=lt, line_bottom=lb))
    chars.extend(_close_gaps(word))
    return _without_slivers(chars)


def _without_slivers(chars: list[OcrChar]) -> list[OcrChar]:
    """A character read twice across two words, once on a sliver of its ink (「10人人」 at 200 dpi:
    a 「人」 a quarter as wide as tall beside the real one): the sliver is dropped, the other doubted."""
    out: list[OcrChar] = []
    for c in chars:
        prev = out[-1] if out else None
        if (prev is not None and prev.text == c.text and prev.line_top == c.line_top
                and abs(c.x0 - prev.x1) < 0.5 * (c.bottom - c.top)):
            thin = [x for x in (prev, c) if x.x1 - x.x0 < 0.4 * (x.bottom - x.top)]
            if len(thin) == 1 and not c.text.isascii():
                kept = c if thin[0] is prev else prev
                out[-1] = dataclasses.replace(kept, conf=min(kept.conf, DOUBTED))
                continue
        out.append(c)
    return out


PUNCTUATION = set(",.、。，．・:：;；'\"")


def _close_gaps(word: list[OcrChar]) -> list[OcrChar]:
    """The characters of one word, each box reaching to the next one's: boxes are the ink, and
    the gap between two digits' ink («3» «1») is not a space — Tesseract said one word.

    Two punctuation marks on top of each other (「28,.000」: Tesseract read one mark as both 「,」
    and 「.」), or one character read twice on the same ink (「6人人」), are one: the surer reading is kept, with a confidence below UNSURE-level (``DOUBTED``)
    so that the value is flagged, not trusted."""
    kept: list[OcrChar] = []
    for c in word:
        prev = kept[-1] if kept else None
        overlap = min(c.x1, prev.x1) - max(c.x0, prev.x0) if prev is not None else 0.0
        if prev is not None and ((c.text in PUNCTUATION and prev.text in PUNCTUATION and overlap > 0)
                                 # the same character twice on one glyph (「6人人」 at 200 dpi)
                                 or (c.text == prev.text
                                     and overlap > 0.5 * min(c.x1 - c.x0, prev.x1 - prev.x0))):
            best = prev if prev.conf >= c.conf else c
            kept[-1] = dataclasses.replace(best, conf=min(best.conf, DOUBTED))
            continue
        kept.append(c)
    for k, c in enumerate(kept):
        after = "".join(x.text for x in kept[k + 1:k + 5])
        if c.text == "." and k and kept[k - 1].text.isdigit() and re.fullmatch(r"\d{3}(?:\D.*)?", after):
            # Tesseract tells 「,」 from 「.」 badly at 9 pt; between digits with three after it is far more
            # often a thousands separator in these reports — taken as 「,」 and doubted, so the value is flagged
            kept[k] = dataclasses.replace(c, text=",", conf=min(c.conf, DOUBTED))
    out = []
    for a, b in zip(kept, kept[1:]):
        out.append(dataclasses.replace(a, x1=b.x0) if b.x0 > a.x1 else a)
    return out + kept[-1:]
