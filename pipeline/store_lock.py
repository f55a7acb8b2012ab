"""One writer per store, on Windows, macOS and Linux: an OS lock on `OUT/.hyoka/lock` through
the filelock package (flock on POSIX, msvcrt.locking on Windows). The OS releases it when the
process ends however it ends (kill -9 included), so a dead writer never blocks the next one.
Where neither exists (a platform without fcntl or msvcrt), filelock falls back to a lock file
that is created exclusively; that one can outlive a killed process, so its message says which
file to remove."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

from hyoka.pipeline.store_layout import StoreBusy


class WriterLock:
    """Held from `acquire` to `release`; `timeout` seconds to wait for another writer (0: fail at once)."""

    def __init__(self, path: Path, out: Path, timeout: float = 0.0) -> None:
        with warnings.catch_warnings():
            # filelock warns when only its lock-file fallback exists; the message below says what to do
            warnings.simplefilter("ignore")
            import filelock

            self._lock = filelock.FileLock(str(path), timeout=timeout)
        self._soft = isinstance(self._lock, filelock.SoftFileLock)
        self._timeout = filelock.Timeout
        self.path, self.out, self.timeout = path, out, timeout

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        try:
            self._lock.acquire(timeout=self.timeout, poll_interval=min(0.2, max(0.01, self.timeout / 10)))
        except self._timeout:
            waited = f" after waiting {self.timeout:g} s" if self.timeout and time.monotonic() >= deadline else ""
            stale = f"; if no hyoka is running, remove {self.path}" if self._soft else ""
            raise StoreBusy(f"{self.out}: another hyoka is writing to this store{waited} "
                            f"(try again later, or give --lock-timeout SECONDS to wait{stale})") from None

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
