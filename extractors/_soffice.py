"""The system programs that read legacy and OpenDocument word-processor files: LibreOffice
(`soffice --headless --convert-to docx`) and antiword (.doc as plain text).

Neither is a Python package: they are found on PATH (and LibreOffice's usual install folders)
and are optional — `hyoka info` says which are here. Debian/Ubuntu:

    apt install libreoffice-writer-nogui   # .doc and .odt (converted to DOCX, then read as DOCX)
    apt install antiword                   # .doc as text only, when LibreOffice isn't installed

A conversion runs in a temporary folder of its own, with a LibreOffice profile of its own (two
workers converting at once would otherwise share one and one of them fail), stopped — the whole
process group — when it runs past the document's `max_seconds` or when the reading thread is
interrupted (the ingest loop's per-file time limit).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

from hyoka.extractors.base import ExtractionError
from hyoka.extractors.limits import LimitExceeded, Limits

INSTALL_LIBREOFFICE = "apt install libreoffice-writer-nogui (Debian/Ubuntu), or LibreOffice from libreoffice.org"
INSTALL_ANTIWORD = "apt install antiword"
_CANDIDATES = (
    "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)


def soffice_path() -> str | None:
    """LibreOffice's `soffice` (or `libreoffice`) program, or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((c for c in _CANDIDATES if os.path.isfile(c)), None)


def antiword_path() -> str | None:
    return shutil.which("antiword")


def _run(cmd: list[str], seconds: float, cwd: Path, what: str) -> subprocess.CompletedProcess:
    """Run `cmd` in its own process group; kill the group past `seconds` or on any interruption."""
    env = {**os.environ, "HOME": str(cwd)}  # LibreOffice writes under $HOME even with its own profile
    kwargs = {"start_new_session": True} if os.name == "posix" else {}
    # a worker killed by the pool (its per-file time limit) runs no `finally`: coreutils' timeout
    # kills the program's whole process group by itself a little after the limit
    guard = shutil.which("timeout") if os.name == "posix" else None
    if guard:
        cmd = [guard, "-s", "KILL", f"{seconds + 5:.0f}", *cmd]
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)
    try:
        out, err = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise LimitExceeded("max_seconds", f"{what} took longer than {seconds:g} s (max_seconds); stopped") from None
    finally:
        if proc.poll() is None:
            _kill(proc)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill(proc: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
    with contextlib.suppress(Exception):
        proc.wait(timeout=5)


@contextlib.contextmanager
def converted(path: Path, target: str, limits: Limits) -> Iterator[Path]:
    """`path` converted by LibreOffice to `target` ("docx"), in a temporary folder removed afterwards.
    ExtractionError naming what to install when LibreOffice is missing, or why the conversion failed."""
    soffice = soffice_path()
    if soffice is None:
        raise ExtractionError(f"reading {path.suffix.lower()} needs LibreOffice: {INSTALL_LIBREOFFICE}")
    with tempfile.TemporaryDirectory(prefix="hyoka-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / ("in" + path.suffix.lower())  # a plain name: LibreOffice mis-parses some
        shutil.copyfile(path, source)
        profile = (folder / "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", target, "--outdir", str(folder / "out"), str(source)]
        done = _run(cmd, limits.max_seconds, folder, f"LibreOffice converting {path.name}")
        result = folder / "out" / f"in.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            said = " ".join((done.stderr or done.stdout or b"").decode("utf-8", "replace").split())[:200]
            raise ExtractionError(f"LibreOffice could not convert the file to {target.upper()}"
                                  + (f" ({said})" if said else f" (exit status {done.returncode})"))
        yield result


def antiword_text(path: Path, limits: Limits) -> str:
    """A .doc's text by antiword (UTF-8), or ExtractionError."""
    antiword = antiword_path()
    if antiword is None:
        raise ExtractionError(f"reading .doc needs LibreOffice ({INSTALL_LIBREOFFICE}) or, for its text "
                              f"only, antiword ({INSTALL_ANTIWORD})")
    with tempfile.TemporaryDirectory(prefix="hyoka-antiword-") as tmp:
        done = _run([antiword, "-m", "UTF-8.txt", "-w", "0", str(path)], limits.max_seconds, Path(tmp),
                    f"antiword reading {path.name}")
    text = (done.stdout or b"").decode("utf-8", "replace")
    if done.returncode != 0 or not text.strip():
        said = " ".join((done.stderr or b"").decode("utf-8", "replace").split())[:200]
        raise ExtractionError(f"antiword could not read the file ({said or f'exit status {done.returncode}'})")
    return text
