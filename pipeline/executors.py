"""Run the per-file work (read → tables → audit) on all cores, or on a Dask cluster.

    >>> for outcome in run_files(paths, limits=Limits(max_seconds=120)):
    ...     outcome.tables["measures"]         # this one document's rows, or {} if it failed

`process_file` does one file and never raises: whatever goes wrong becomes a `Failure`. The
runners only decide where it runs:

- ``jobs=1``: in this process, one file at a time. The wall-time and memory limits are checked by a
  watchdog thread that interrupts the Python code reading the file (a file stuck inside one C call is
  stopped when that call returns); a crash of the interpreter ends the batch.
- ``jobs>1``: a pebble process pool, fed the largest files first. A file over ``max_seconds`` has
  its worker killed, a worker whose resident memory passes ``max_memory_mb`` ends itself, and a
  worker that dies (segfault, kill -9) costs only the file it was reading: each becomes a failure
  and a fresh worker takes over.
- ``executor="dask"``: the same work on a dask.distributed cluster (``pip install 'hyoka[dask]'``).

Only `FileOutcome`s (paths, ids, DataFrames, failures) cross process boundaries, never Documents:
pickling a Document is slow and large.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import importlib.util
import logging
import multiprocessing
import os
import pkgutil
import sys
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TextIO

from hyoka.extractors.limits import DEFAULT_LIMITS, Limits
from hyoka.pipeline.ingest import Failure, FileOutcome, process_file

if TYPE_CHECKING:
    from hyoka.extractors.pdf import PdfSettings

__all__ = ["EXECUTORS", "FileOutcome", "RunnerError", "check_runner", "ProgressLine", "process_file", "progress_text", "run_files"]

EXECUTORS = ("local", "dask")

log = logging.getLogger(__name__)

OnOutcome = Callable[["FileOutcome", int, int], None]

# A pool worker whose resident memory passes max_memory_mb exits with this code (see _memory_guard);
# the parent turns that exit into a "limit" failure rather than a crash.
_MEMORY_EXIT = 86



# FileOutcome and process_file (read, build this document's rows, audit them; never raises for the
# file) are the ingest loop's own (pipeline/ingest.py): every runner here runs exactly that step.


def _bug_reason(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(tb[-1].filename).name}:{tb[-1].lineno})" if tb else ""
    message = " ".join(str(exc).split())  # one line
    return f"{type(exc).__name__}: {message}{where}" if message else f"{type(exc).__name__}{where}"


def _time_reason(limits: Limits) -> str:
    return f"took longer than {limits.max_seconds:g} s (max_seconds); stopped"


def _memory_reason(limits: Limits) -> str:
    return f"needed more than {limits.max_memory_mb:g} MB of memory (max_memory_mb); stopped"


# ---------------------------------------------------------------------------------------------
# memory


def _rss_bytes() -> int:
    """This process's resident memory now (Linux /proc; psutil elsewhere; else the peak)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil

        return psutil.Process().memory_info().rss
    except ImportError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


_POLL_SECONDS = 0.05
# files a worker reads before a fresh one replaces it: high, because each worker's memoized parsers
# (normalizers) warm up again from cold in a fresh one (50 cost ~8 % more CPU on the bench); the
# memory guard still ends a worker whose resident memory passes max_memory_mb
_TASKS_PER_WORKER = 400


def _memory_guard(max_memory_mb: float) -> None:
    """Pool worker initializer: a thread that ends this worker when its RSS passes the cap.
    A thread, not RLIMIT_AS: address space is not memory (pyarrow and glibc arenas reserve GBs)."""
    cap = max_memory_mb * 1024 * 1024

    def watch() -> None:
        while True:
            if _rss_bytes() > cap:
                os._exit(_MEMORY_EXIT)  # the parent reports the file this worker was reading
            time.sleep(_POLL_SECONDS)

    threading.Thread(target=watch, name="hyoka-memory-guard", daemon=True).start()


def _worker_init(max_memory_mb: float, imports: Sequence[str]) -> None:
    for name in imports:
        importlib.import_module(name)
    # what is loaded now (pandas, every backend, their module objects) lives as long as the worker:
    # frozen, it is out of the collector's sight, so a full collection walks only what the files
    # add (each walked ~110k objects again, 60 ms a time, ~8 % of a worker's CPU) and never writes
    # to the pages the worker shares with the forkserver. Not done in the caller's process (jobs=1):
    # what it holds is not ours to make permanent.
    gc.freeze()
    _memory_guard(max_memory_mb)


# ---------------------------------------------------------------------------------------------
# limits inside one process (jobs=1, and each Dask task)


class _LimitInterrupt(BaseException):
    """Raised into the reading thread by _Watchdog. A BaseException, so that a backend's
    `except Exception` cannot swallow it."""


class _TimeInterrupt(_LimitInterrupt):
    pass


class _MemoryInterrupt(_LimitInterrupt):
    pass


class _Watchdog:
    """Interrupts the thread that entered it when the file runs past max_seconds or (with
    `memory`) the process's RSS grows by more than max_memory_mb while it reads.

    PyThreadState_SetAsyncExc raises at the thread's next bytecode, so Python loops stop at
    once and a long C call stops when it returns; only a pool worker can be killed outright."""

    def __init__(self, limits: Limits, *, memory: bool) -> None:
        self.limits = limits
        self.memory = memory
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._fired = False

    def __enter__(self) -> "_Watchdog":
        self._target = threading.get_ident()
        self._start = time.monotonic()
        self._base_rss = _rss_bytes() if self.memory else 0
        self._thread = threading.Thread(target=self._watch, name="hyoka-watchdog", daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        cap = self.limits.max_memory_mb * 1024 * 1024
        while not self._stopped.wait(_POLL_SECONDS):
            hit: type[_LimitInterrupt] | None = None
            if time.monotonic() - self._start > self.limits.max_seconds:
                hit = _TimeInterrupt
            elif self.memory and _rss_bytes() - self._base_rss > cap:
                hit = _MemoryInterrupt
            if hit is not None:
                with self._lock:
                    if not self._stopped.is_set():
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._target), ctypes.py_object(hit))
                        self._fired = True
                return

    def __exit__(self, *exc_info) -> None:
        with self._lock:
            self._stopped.set()
            if self._fired:  # raised but not delivered yet (the file ended just then): withdraw it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._target), None)
        self._thread.join()


def _process_watched(path: Path, limits: Limits, memory: bool, imports: Sequence[str] = (),
                     read_anyway: bool = False, pdf: PdfSettings | None = None,
                     log_level: int | None = None) -> FileOutcome:
    """process_file under a _Watchdog: the jobs=1 runner and the task each Dask worker runs (with
    `log_level`: its log records kept on the outcome, see _logged)."""
    for name in imports:
        importlib.import_module(name)
    if log_level is not None:
        return _logged(_process_watched, log_level, path, limits, memory, imports, read_anyway, pdf)
    start = time.perf_counter()
    try:
        with _Watchdog(limits, memory=memory):
            return process_file(path, limits, read_anyway=read_anyway, pdf=pdf)
    except _LimitInterrupt as hit:
        reason = _time_reason(limits) if isinstance(hit, _TimeInterrupt) else _memory_reason(limits)
        log.info("%s: stopped by the watchdog: %s", Path(path).name, reason)
        return FileOutcome(str(path), None, {}, Failure(str(path), "limit", reason), time.perf_counter() - start)


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _logged(step: Callable[..., FileOutcome], log_level: int, *args, **kwargs) -> FileOutcome:
    """`step(*args, **kwargs)` in a worker process, its hyoka log records at `log_level` and above kept
    on the outcome: a worker's stderr is nobody's terminal, so run_files logs them in the parent."""
    logger, keep = logging.getLogger("hyoka"), _Keep()
    saved = logger.level, logger.propagate
    logger.setLevel(log_level)
    logger.propagate = False
    logger.addHandler(keep)
    try:
        outcome = step(*args, **kwargs)
    finally:
        logger.removeHandler(keep)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
    outcome.log = keep.records
    return outcome


def _process_logged(path: Path, limits: Limits, log_level: int, read_anyway: bool = False,
                    pdf: PdfSettings | None = None) -> FileOutcome:
    """The pool's task: process_file with its log records kept (_logged)."""
    return _logged(process_file, log_level, path, limits, read_anyway=read_anyway, pdf=pdf)


# ---------------------------------------------------------------------------------------------
# runners


class RunnerError(RuntimeError):
    """The runner itself can't work (Dask missing, the scheduler unreachable): one line, no file's fault."""


def check_runner(jobs: int | None, executor: str, scheduler: str | None,
                 option: Callable[[str], str] = str) -> int:
    """The runner settings checked before anything is read; the number of jobs (None: every core).
    ValueError, or ImportError for Dask without the extra, with one line; `option` spells a
    setting's name in it (the CLI's 「--executor」 for 「executor」)."""
    if executor not in EXECUTORS:
        raise ValueError(f"{option('executor')} must be one of {', '.join(EXECUTORS)}, not {executor!r}")
    if scheduler is not None and executor != "dask":
        raise ValueError(f"{option('scheduler')} needs {option('executor')} dask")
    if executor == "dask" and importlib.util.find_spec("distributed") is None:
        raise ImportError(f"{option('executor')} dask needs dask.distributed: pip install 'hyoka[dask]'")
    if jobs is None:
        jobs = os.cpu_count() or 1
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(f"{option('jobs')} must be a whole number ≥ 1, not {jobs!r}")
    return jobs


def run_files(
    paths: Sequence[Path],
    *,
    limits: Limits = DEFAULT_LIMITS,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    on_outcome: OnOutcome | None = None,
    imports: Sequence[str] = (),
    read_anyway: bool = False,
    pdf: PdfSettings | None = None,
) -> Iterator[FileOutcome]:
    """Yield one FileOutcome per path, in the order they finish (each names its path).

    jobs: worker processes (default: every core); 1 reads in this process. executor: "local" or
    "dask"; scheduler: a Dask scheduler address (tcp://host:8786), or None to start a LocalCluster
    of `jobs` workers. on_outcome(outcome, done, total) is called as each file finishes.
    imports: modules each worker imports first (e.g. one that defines an extra FormatBackend).
    read_anyway: read files the report gate judges not to be reports (pipeline/gate.py).
    pdf: the PDF backend's settings (extractors/pdf/settings.py), sent to every worker.
    """
    jobs = check_runner(jobs, executor, scheduler)
    for name in imports:  # here first: a worker that cannot import it would be restarted forever
        importlib.import_module(name)
    paths = [Path(p) for p in paths]
    if executor == "dask":
        outcomes = _run_dask(paths, limits, jobs, scheduler, imports, read_anyway, pdf, _log_level())
    elif jobs == 1 or not paths:
        outcomes = (_process_watched(p, limits, True, imports, read_anyway, pdf) for p in paths)
    else:
        outcomes = _run_pool(paths, limits, jobs, imports, read_anyway, pdf, _log_level())
    total = len(paths)
    for done, outcome in enumerate(outcomes, 1):
        for name, level, message in outcome.log:  # what a worker process logged reading it
            logging.getLogger(name).log(level, "%s", message)
        if on_outcome is not None:
            on_outcome(outcome, done, total)
        yield outcome


def _log_level() -> int:
    """The level hyoka's loggers log at here: what a worker keeps for this process to log."""
    return logging.getLogger("hyoka").getEffectiveLevel()


def _preload() -> list[str]:
    """Modules the forkserver imports once, so a new or replacement worker is a fork with pandas,
    every backend, every layout and the table builder and audit (which process_file imports on its
    first file) already loaded (~ms) instead of paying ~1.2 s of imports. "__main__" as well (the
    multiprocessing default, which setting a list replaces): otherwise every worker runs the
    parent's main script again (`hyoka` imports the whole CLI)."""
    from hyoka import extractors

    layouts = [f"hyoka.extractors.{m.name}" for m in pkgutil.iter_modules(extractors.__path__)]
    pdf_engines = ["hyoka.extractors.pdf.pdfium", "hyoka.extractors.pdf.pdfminer_chars"]  # imported on first use
    return ["__main__", "hyoka.pipeline.executors", *layouts, *pdf_engines, "pdfplumber", "docx", "openpyxl",
            "python_calamine",
            "hyoka.pipeline.tables", "hyoka.pipeline.audit", "hyoka.pipeline.nlp", "hyoka.pipeline.themes"]


def _mp_context():
    # forkserver: safe with the parent's threads (fork is not) and, with the preload, cheap per worker
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_preload())  # only takes effect before the forkserver's first start
        return ctx
    return multiprocessing.get_context("spawn")


def _run_pool(paths: list[Path], limits: Limits, jobs: int, imports: Sequence[str],
              read_anyway: bool = False, pdf: PdfSettings | None = None,
              log_level: int = logging.WARNING) -> Iterator[FileOutcome]:
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessExpired, ProcessPool

    pending: dict = {}  # future → (path, when submitted)
    todo = iter(_largest_first(paths))
    window = jobs * 2  # files queued ahead: keeps workers busy without holding every result
    # a worker is replaced after _TASKS_PER_WORKER files (a fork, cheap): what the allocator kept
    # from earlier files must not count against the one being read, and memory stays flat
    with ProcessPool(max_workers=jobs, max_tasks=_TASKS_PER_WORKER, initializer=_worker_init,
                     initargs=(limits.max_memory_mb, tuple(imports)), context=_mp_context()) as pool:

        def refill() -> None:
            for path in todo:
                future = pool.schedule(_process_logged, args=(path, limits, log_level),
                                       kwargs={"read_anyway": read_anyway, "pdf": pdf},
                                       timeout=limits.max_seconds)
                pending[future] = (path, time.perf_counter())
                if len(pending) >= window:
                    break

        try:
            refill()
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                done = [(future, *pending.pop(future)) for future in finished]
                # the next files are queued before the outcomes are handed on: the consumer may take
                # a while (the ingest loop writes a chunk), and the workers must not run dry meanwhile
                refill()
                for future, path, submitted in done:
                    try:
                        yield future.result()
                        continue
                    except FutureTimeout:
                        stage, reason = "limit", _time_reason(limits)
                    except ProcessExpired as exc:
                        if exc.exitcode == _MEMORY_EXIT:
                            stage, reason = "limit", _memory_reason(limits)
                        else:
                            stage, reason = "crash", f"the worker reading it died ({_exit_text(exc.exitcode)})"
                    except Exception as exc:  # e.g. a result that could not be sent back
                        stage, reason = "crash", f"the worker could not return it: {_bug_reason(exc)}"
                    log.info("%s: %s", Path(path).name, reason)
                    yield FileOutcome(str(path), None, {}, Failure(str(path), stage, reason),
                                      time.perf_counter() - submitted)
        finally:
            if pending:  # the consumer stopped early: don't wait for files nobody will read
                pool.stop()


def _largest_first(paths: list[Path]) -> list[Path]:
    """The order a pool reads `paths` in: the largest files first (a stable sort on the size). A batch
    that ends with one worker still reading a large file while the others have nothing left waits for
    it alone; small files last fill the gaps instead. The size is a rough guess at the work (a 2 MB
    workbook takes ~30 times as long as a 60 kB text), which is all this needs. A file that cannot be
    looked at goes last (it fails at once)."""

    def size(path: Path) -> int:
        try:
            return os.stat(path).st_size
        except OSError:
            return -1

    return sorted(paths, key=size, reverse=True)


def _exit_text(code: int | None) -> str:
    if code is None:
        return "no exit code"
    if code < 0:
        import signal

        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _run_dask(paths: list[Path], limits: Limits, jobs: int, scheduler: str | None,
              imports: Sequence[str], read_anyway: bool = False, pdf: PdfSettings | None = None,
              log_level: int = logging.WARNING) -> Iterator[FileOutcome]:
    try:
        import dask
        from distributed import Client, LocalCluster, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise RunnerError("executor 'dask' needs dask.distributed: pip install 'hyoka[dask]'") from None

    cluster = None
    if scheduler is None:
        # one thread per worker, so a worker's memory limit is one document's; a task that kills
        # its worker is not retried on another (allowed-failures 0): it costs that file only
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   memory_limit=f"{int(limits.max_memory_mb)}MiB", dashboard_address=None)
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler)
        except (OSError, ValueError, TimeoutError) as exc:  # a mistyped or unreachable address
            raise RunnerError(f"cannot reach the Dask scheduler at {scheduler}: {' '.join(str(exc).split())}") from None
        with client:
            # on shared workers several tasks share one process: the RSS check is the cluster's
            # memory_limit there, and each task checks its own wall time
            futures = client.map(_process_watched, paths, limits=limits, memory=False, imports=tuple(imports),
                                 read_anyway=read_anyway, pdf=pdf, log_level=log_level, pure=False)
            path_of = {future.key: path for future, path in zip(futures, paths)}
            completed = as_completed(futures)
            del futures  # as_completed lets go of each future once yielded: results don't pile up
            for future in completed:
                path = path_of[future.key]
                try:
                    outcome = future.result()
                except KilledWorker:
                    outcome = FileOutcome(str(path), None, {}, Failure(
                        str(path), "crash", "the Dask worker reading it died (KilledWorker; see the worker's log)"))
                except Exception as exc:  # a lost connection, a result that could not be sent, …
                    outcome = FileOutcome(str(path), None, {}, Failure(
                        str(path), "crash", f"the Dask worker reading it failed: {_bug_reason(exc)}"))
                future.release()
                yield outcome
    finally:
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------------------------
# progress


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def progress_text(done: int, total: int, elapsed: float) -> str:
    """"120/4000 docs · 3.1 docs/s · ETA 20m52s" (the time taken in place of the ETA once done)."""
    text = f"{done}/{total} docs"
    if done <= 0 or elapsed <= 0:
        return text
    rate = done / elapsed
    left = f"ETA {_duration((total - done) / rate)}" if done < total else _duration(elapsed)
    return f"{text} · {rate:.1f} docs/s · {left}"


class ProgressLine:
    """An on_outcome callback that keeps one line of progress_text on a terminal, and writes
    nothing when the stream is not one (piped, redirected, CI)."""

    def __init__(self, stream: TextIO | None = None, every: float = 0.1) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = every
        self._start = time.monotonic()
        self._last = 0.0
        self._width = 0

    def __call__(self, outcome: FileOutcome, done: int, total: int) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if done < total and now - self._last < self.every:
            return
        self._last = now
        text = progress_text(done, total, now - self._start)
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def close(self) -> None:
        if self.live and self._width:
            self.stream.write("\n")
            self.stream.flush()
