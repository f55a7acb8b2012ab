"""Format backends that misbehave on purpose, for tests/test_executors.py.

Not a test module: run_files(imports=["executor_fakes"]) has each worker import it (tests/ is on
sys.path under pytest, and the pool's workers inherit sys.path), which registers these backends
there as extractors/ discovers every FormatBackend subclass.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from hyoka.extractors.base import FormatBackend, SourceText


class SpinBackend(FormatBackend):
    """A reader caught in a loop: spins in Python (so an in-process watchdog can interrupt it),
    giving up by itself after 30 s so a broken limit cannot hang the suite."""

    name = "test-spin"
    extensions = (".hyokaspin",)

    def read(self, path: Path, limits=None) -> SourceText:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pass
        raise AssertionError("the wall-time limit did not stop this file")


class HogBackend(FormatBackend):
    """A reader whose memory grows without end (10 MB written every 10 ms, up to 3 GB)."""

    name = "test-hog"
    extensions = (".hyokahog",)

    def read(self, path: Path, limits=None) -> SourceText:
        held = []
        for _ in range(300):
            held.append(b"x" * (10 * 1024 * 1024))  # written, so resident (not lazily mapped zeros)
            time.sleep(0.01)
        raise AssertionError("the memory limit did not stop this file")


class KillBackend(FormatBackend):
    """A reader whose process dies mid-file (as in a segfault or the OOM killer)."""

    name = "test-kill"
    extensions = (".hyokakill",)

    def read(self, path: Path, limits=None) -> SourceText:
        os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(30)
        raise AssertionError("unreachable")


class ProbeBackend(FormatBackend):
    """A reader that reports, as its failure reason, what the process reading it looks like:
    its pid and how many objects its garbage collector has frozen."""

    name = "test-probe"
    extensions = (".hyokaprobe",)

    def read(self, path: Path, limits=None) -> SourceText:
        import gc

        from hyoka.extractors.base import ExtractionError

        raise ExtractionError(f"pid {os.getpid()} frozen {gc.get_freeze_count()}")
