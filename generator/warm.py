"""Warm converters: long-lived LibreOffice processes that convert one document after another.

A cold `soffice --convert-to pdf` spends about 1.3 s starting LibreOffice for a conversion that
takes 0.1-0.5 s once it runs. A `ConverterPool` keeps N LibreOffice processes running, each
started by `convert.start_listener` (its own profile, its own UNO pipe, its own process group)
and driven over UNO by a small helper process (`uno_helper.py`, run on a Python that has the
UNO bridge: Debian's python3-uno serves /usr/bin/python3). One LibreOffice converts one document
at a time, so N processes convert N documents at once; callers are threads of this process and
simply block in `convert` until a process is free.

Faults: a conversion that takes longer than `timeout`, a process that dies, a failure report or
a "done" without a real PDF kills that process (its whole group) and retries the conversion on
a fresh one, up to `retries` more times. After `recycle_after` conversions a process is
replaced (LibreOffice's memory grows over long runs). `close()` — run by `with` also on
exceptions and Ctrl-C — kills every process and removes the profiles; each helper also kills
its LibreOffice as soon as this process's pipe closes, so nothing survives even a killed parent.

The pool implements `converter.Converter`, as `convert.SofficeConverter` does: `convert(src, dst)
-> dst`, the PDF appearing at `dst` only when complete. What each LibreOffice and its helper
print goes to a log file per process start; when a conversion fails for good, the logs of its
attempts are kept (`convert.keep_log`) and the error's `log_path` names the file.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import select
import shutil
import subprocess
import sys
import threading
import time
import uuid
import weakref
from pathlib import Path

from . import sweep
from .convert import (
    DEFAULT_TIMEOUT,
    PDF_EXPORT,
    check_pdf,
    find_soffice,
    ipc_leftovers,
    keep_log,
    kill_group,
    remove_leftovers,
    start_listener,
)
from .converter import ConversionStats
from .errors import ConversionError, ConversionTimeout, ConverterMissing
from .messages import message

log = logging.getLogger(__name__)

HELPER = Path(__file__).with_name("uno_helper.py")
DEFAULT_RECYCLE = 200  # conversions before a process is replaced
LOG_KEPT = 64 * 1024  # of a failed attempt's log, the last bytes kept
START_TIMEOUT = 60.0  # seconds for a fresh LibreOffice to accept its UNO connection
SYSTEM_PYTHON = "/usr/bin/python3"


def default_jobs() -> int:
    """Number of warm processes by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


_uno_python: dict[str, bool] = {}


def find_uno_python() -> str:
    """A Python that can `import uno`: $KEPUTUSAN_UNO_PYTHON, this one, or Debian's /usr/bin/python3."""
    configured = os.environ.get("KEPUTUSAN_UNO_PYTHON")
    if configured:
        return configured
    for candidate in (sys.executable, SYSTEM_PYTHON):
        if candidate not in _uno_python:
            probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('uno') is None)"
            try:
                ok = (
                    subprocess.run(
                        [candidate, "-I", "-c", probe], check=False, capture_output=True, timeout=30
                    ).returncode
                    == 0
                )
            except (OSError, subprocess.SubprocessError):
                ok = False
            _uno_python[candidate] = ok
        if _uno_python[candidate]:
            return candidate
    raise ConverterMissing("conversion.no_uno")


class _Fault(Exception):
    """The process must be replaced; carries the error to raise if no retry succeeds."""

    def __init__(self, error: ConversionError):
        super().__init__(error.code)
        self.error = error


class _Worker:
    """One LibreOffice listener and the helper that drives it."""

    def __init__(self, pool: ConverterPool, root: Path, index: int):
        self.pool = pool
        self.index = index
        self.dir = root / f"worker-{index}"
        self.dir.mkdir()
        self.lock = threading.Lock()  # guards the process handles (start/kill may race with close)
        self.office: subprocess.Popen | None = None
        self.helper: subprocess.Popen | None = None
        self.buffer = b""
        self.count = 0
        self.generation = 0
        self.profile: Path | None = None
        self.pipe: str | None = None
        self.log_path: Path | None = None  # what this start's LibreOffice and helper print

    @property
    def office_pid(self) -> int | None:
        office = self.office
        return office.pid if office is not None else None

    @property
    def running(self) -> bool:
        helper = self.helper
        return helper is not None and helper.poll() is None

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in (self.office, self.helper) if p is not None]

    def start(self) -> None:
        """Start a fresh LibreOffice (fresh profile) and wait until its helper is connected."""
        self.kill()
        started = time.monotonic()
        with self.lock:
            if self.pool.closed:
                raise ConversionError("conversion.pool_closed")
            self.generation += 1
            self.count = 0
            self.buffer = b""
            run = self.dir / f"run-{self.generation}"
            run.mkdir()
            self.profile = run / "profile"
            self.pipe = pipe = f"keputusan-{os.getpid()}-{self.index}-{uuid.uuid4().hex[:12]}"
            if self.log_path is not None:
                self.log_path.unlink(missing_ok=True)  # the previous start's: read by now if needed
            self.log_path = self.dir / f"libreoffice-{self.generation}.log"
            log_file = self.log_path.open("ab")
            try:
                self.office = start_listener(self.profile, pipe, soffice=self.pool.soffice, log_file=log_file)
                try:
                    # same process group as its LibreOffice: one kill stops both
                    # what the helper removes if this process dies without closing the pool
                    leftovers = [
                        str(run),
                        *map(str, ipc_leftovers(self.profile, pipe)),
                        str(self.log_path),
                        f"rmdir:{self.dir}",
                        f"rmdir:{self.pool.root}",
                    ]
                    self.helper = subprocess.Popen(
                        [
                            self.pool.uno_python,
                            "-I",
                            str(self.pool.helper),
                            pipe,
                            str(self.pool.start_timeout),
                            *leftovers,
                        ],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=log_file,
                        bufsize=0,
                        process_group=self.office.pid,
                        cwd=str(run),
                    )
                except OSError as exc:
                    raise ConverterMissing(
                        "conversion.cannot_start_helper", program=self.pool.uno_python, detail=exc.strerror or str(exc)
                    ) from None
            finally:
                log_file.close()
        self.pool.stats.add(starts=1)
        log.debug("worker %d: starting LibreOffice pid %d (start %d)", self.index, self.office.pid, self.generation)
        office = self.office
        try:
            reply = self._read(self.pool.start_timeout + 5, watch=office)
        except _Fault as fault:
            code = office.poll() if office is not None else None
            self.kill()
            if code is not None:
                raise ConversionError("conversion.start_exit", code=code, detail=self._log_tail()) from None
            if isinstance(fault.error, ConversionTimeout):
                raise ConversionError(
                    "conversion.start_timeout", seconds=f"{self.pool.start_timeout:g}", detail=self._log_tail()
                ) from None
            raise ConversionError("conversion.start_stopped", detail=self._log_tail()) from None
        finally:
            self.pool.stats.add(start_seconds=time.monotonic() - started)
        if not reply.get("ready"):
            self.kill()
            tail = self._log_tail()
            raise ConverterMissing(
                "conversion.start_failed", detail=f"{reply.get('error')}" + (f" ({tail})" if tail else "")
            )
        if not str(reply.get("user", "")).startswith(self.profile.as_uri()):
            self.kill()  # whoever answered is not the LibreOffice we started
            raise ConversionError("conversion.other_profile", detail=str(reply.get("user")))
        log.info(
            "worker %d: LibreOffice pid %d ready in %.1f s (start %d)",
            self.index,
            office.pid,
            time.monotonic() - started,
            self.generation,
        )

    def convert(self, src: Path, out: Path | None, timeout: float, bookmark_prefix: str | None = None) -> dict:
        """Convert on this process (`out` None: load only); the helper's reply: the seconds
        LibreOffice took and, with `bookmark_prefix`, the pages of those bookmarks."""
        request: dict = {"src": str(src.resolve()), "dst": str(out.resolve()) if out else None, "filter": PDF_EXPORT}
        if bookmark_prefix:
            request["bookmark_pages"] = bookmark_prefix
        started = time.monotonic()
        try:
            try:
                stdin = self.helper.stdin if self.helper is not None else None
                if stdin is None:
                    raise BrokenPipeError
                stdin.write((json.dumps(request) + "\n").encode())
            except (BrokenPipeError, OSError, AttributeError):
                raise _Fault(ConversionError("conversion.stopped_before", document=src.name)) from None
            try:
                reply = self._read(timeout)
            except _Fault as fault:
                if isinstance(fault.error, ConversionTimeout):
                    raise _Fault(
                        ConversionTimeout("conversion.timeout", document=src.name, seconds=f"{timeout:g}")
                    ) from None
                raise _Fault(ConversionError("conversion.stopped_during", document=src.name)) from None
        finally:
            self.pool.stats.add(convert_seconds=time.monotonic() - started)
        if not reply.get("ok"):
            raise _Fault(ConversionError("conversion.helper_failed", document=src.name, detail=str(reply.get("error"))))
        return reply

    def _read(self, timeout: float, watch: subprocess.Popen | None = None) -> dict:
        """Next JSON line from the helper; _Fault on timeout, when the helper is gone, or when
        `watch` (LibreOffice while it starts) exits."""
        deadline = time.monotonic() + timeout
        helper = self.helper
        if helper is None or helper.stdout is None:
            raise _Fault(ConversionError("conversion.not_running"))
        fd = helper.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Fault(ConversionTimeout("conversion.no_answer"))
            try:
                ready, _, _ = select.select([fd], [], [], min(left, 0.1) if watch else left)
                chunk = os.read(fd, 65536) if ready else None
            except (OSError, ValueError):  # closed under us by kill()
                chunk = b""
            if chunk is None and watch is not None and watch.poll() is not None:
                chunk = b""
            if chunk == b"":
                raise _Fault(ConversionError("conversion.stopped"))
            if chunk:
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            return json.loads(line)
        except ValueError:
            raise _Fault(ConversionError("conversion.bad_reply", detail=repr(line[:200]))) from None

    def kill(self) -> None:
        """Stop LibreOffice and its helper (the whole process group) and drop the profile."""
        with self.lock:
            office, helper, profile, pipe = self.office, self.helper, self.profile, self.pipe
            self.office = self.helper = self.profile = self.pipe = None
        if office is None:
            return
        log.debug("worker %d: stopping LibreOffice pid %d (start %d)", self.index, office.pid, self.generation)
        kill_group(office.pid)
        for proc in (helper, office):
            if proc is None:
                continue
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:
                        pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if profile is not None:
            shutil.rmtree(profile.parent, ignore_errors=True)
            remove_leftovers(ipc_leftovers(profile, pipe))

    def _log_text(self) -> str:
        if self.log_path is None:
            return ""
        try:
            with self.log_path.open("rb") as fh:
                fh.seek(max(0, self.log_path.stat().st_size - LOG_KEPT))
                return fh.read().decode(errors="replace")
        except OSError:
            return ""

    def _log_tail(self) -> str:
        lines = [line for line in self._log_text().splitlines() if line.strip() and "javaldx" not in line]
        return lines[-1].strip() if lines else ""

    def attempt_log(self, src: Path, attempt: int, attempts: int, pid: int | None, error: ConversionError) -> str:
        """What to keep of a failed attempt: which process, what went wrong, what it printed."""
        printed = self._log_text().strip() or "(nothing)"
        process = f"LibreOffice pid {pid}" if pid is not None else "LibreOffice not running"
        return (
            f"=== {src.name}: attempt {attempt} of {attempts}, worker {self.index}, {process}, "
            f"start {self.generation}, {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
            f"error: {error}\n"
            f"--- what LibreOffice and its UNO helper printed\n{printed}\n"
        )


_open_pools: weakref.WeakSet[ConverterPool] = weakref.WeakSet()


@atexit.register
def _close_open_pools() -> None:
    for pool in list(_open_pools):
        pool.close()


class ConverterPool:
    """N warm LibreOffice processes behind one `convert(src, dst)`; use it as a context manager.

    Processes start in the background as soon as the pool is entered, so rendering can go on
    meanwhile; the first `convert` waits for a process that is ready.
    """

    def __init__(
        self,
        size: int | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        recycle_after: int = DEFAULT_RECYCLE,
        retries: int = 1,
        start_timeout: float = START_TIMEOUT,
        soffice: str | None = None,
        uno_python: str | None = None,
        helper: Path = HELPER,
        log_folder: Path | None = None,
    ):
        if size is not None and size < 1:
            raise ValueError("a converter pool needs at least one process")
        self.size = size or default_jobs()
        self.timeout = timeout
        self.recycle_after = max(1, recycle_after)
        self.retries = max(0, retries)
        self.start_timeout = start_timeout
        self.soffice = soffice or find_soffice()
        self._uno_python = uno_python
        self.helper = Path(helper)
        self.log_folder = log_folder  # where the logs of failed conversions are kept (None: convert.log_folder())
        self.stats = ConversionStats()
        self.closed = False
        self.root: Path | None = None
        self._workers: list[_Worker] = []
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._broken: ConverterMissing | None = None
        self._started_at: float | None = None

    # -- lifecycle

    def __enter__(self) -> ConverterPool:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        if self.root is not None:
            return
        self.uno_python = self._uno_python or find_uno_python()
        sweep.pools(before=time.time())  # the folders, processes and sockets of killed runs' pools
        self.root = root = sweep.new_pool_folder()
        self._started_at = time.monotonic()
        _open_pools.add(self)
        self._workers = [_Worker(self, root, i) for i in range(self.size)]
        for worker in self._workers:
            threading.Thread(
                target=self._boot, args=(worker,), daemon=True, name=f"keputusan-boot-{worker.index}"
            ).start()

    def _boot(self, worker: _Worker) -> None:
        try:
            worker.start()
        except ConverterMissing as exc:
            self._broken = exc
        except ConversionError:
            pass  # the first convert() on this worker starts it again and reports
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every process. Safe to call twice, and from another thread than the converters."""
        if self.closed:
            return
        self.closed = True
        for worker in self._workers:
            worker.kill()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
        _open_pools.discard(self)

    @property
    def pids(self) -> list[int]:
        """Process ids of the running LibreOffice processes and helpers (for tests and monitoring)."""
        return [pid for worker in self._workers for pid in worker.pids]

    # -- converting

    def convert(self, src: Path, dst: Path) -> Path:
        """Convert `src` (.docx) to PDF at `dst`; retried on a fresh process when one fails."""
        self._run(Path(src), Path(dst))
        return Path(dst)

    def bookmark_pages(self, src: Path, prefix: str, dst: Path | None = None) -> dict[str, int]:
        """The page (1-based) on which LibreOffice lays out each bookmark of `src` whose name
        starts with `prefix`, read from the loaded document; with `dst`, its PDF is exported
        there too, from the same load. The primitive for settling the lampiran's page breaks
        inside LibreOffice (the row bookmarks, render.ROW_ANCHOR); the pipeline does not use it
        yet. Reading the 83 rows of the NTB lampiran costs about 0.2 CPU-s, about what its PDF
        export costs (UNO's bookmark anchors are slow to get): it pays when it saves a load, not
        an export. Retried on a fresh process as `convert` is."""
        return self._run(Path(src), Path(dst) if dst is not None else None, prefix)

    def _run(self, src: Path, dst: Path | None, bookmark_prefix: str | None = None) -> dict[str, int]:
        if not src.is_file():
            raise ConversionError("conversion.no_source", path=src)
        if self.root is None:
            self.start()
        part = None
        if dst is not None:
            dst.parent.mkdir(parents=True, exist_ok=True)
            part = dst.with_name(f".{dst.name}.{uuid.uuid4().hex[:8]}.part")
        error: ConversionError | None = None
        attempts = self.retries + 1
        kept: list[str] = []  # the logs of the failed attempts
        for attempt in range(1, attempts + 1):
            worker = self._idle.get()
            try:
                if self.closed:
                    raise ConversionError("conversion.pool_closed")
                if self._broken is not None:
                    raise self._broken
                if not worker.running:
                    worker.start()
                started = time.monotonic()
                reply = worker.convert(src, part, self.timeout, bookmark_prefix)
                office_seconds = float(reply.get("seconds") or 0.0)
                pages = reply.get("bookmark_pages") if bookmark_prefix else {}
                if not isinstance(pages, dict):
                    raise _Fault(ConversionError("conversion.bad_reply", detail=repr(reply)[:200]))
                if part is not None and dst is not None:
                    try:
                        check_pdf(part, src)
                    except ConversionError as exc:
                        raise _Fault(exc) from None
                    os.replace(part, dst)
                worker.count += 1
                self.stats.add(conversions=1)
                log.debug(
                    "converted %s in %.2f s (LibreOffice %.2f s) on pid %s, worker %d",
                    src.name,
                    time.monotonic() - started,
                    office_seconds,
                    worker.office_pid,
                    worker.index,
                )
                if worker.count >= self.recycle_after:
                    log.info(
                        "worker %d: LibreOffice pid %s replaced after %d conversions",
                        worker.index,
                        worker.office_pid,
                        worker.count,
                    )
                    worker.kill()  # replaced by the next convert() that takes this worker
                    self.stats.add(recycles=1)
                return {str(name): int(page) for name, page in pages.items()}
            except _Fault as fault:
                pid = worker.office_pid
                worker.kill()
                self.stats.add(failed_attempts=1)
                error = fault.error
                kept.append(worker.attempt_log(src, attempt, attempts, pid, error))
                log.warning(
                    "%s: attempt %d of %d failed on LibreOffice pid %s, worker %d (%s)%s",
                    src.name,
                    attempt,
                    attempts,
                    pid,
                    worker.index,
                    error,
                    "; retrying on a fresh LibreOffice" if attempt < attempts else "",
                )
            except ConverterMissing as exc:
                self._broken = exc
                raise
            except ConversionError as exc:  # could not (re)start the process
                cause = message(exc.code, **exc.params)
                error = ConversionError("conversion.restart_failed", document=src.name, cause=cause, detail=exc.detail)
                kept.append(worker.attempt_log(src, attempt, attempts, None, error))
                log.warning("%s: attempt %d of %d: %s", src.name, attempt, attempts, error)
            finally:
                if part is not None:
                    part.unlink(missing_ok=True)
                self._idle.put(worker)
        assert error is not None
        log_path = keep_log("\n".join(kept), src.name, self.log_folder) if kept else None
        log.error("%s: %s (tried %d times); LibreOffice's log kept in %s", src.name, error, attempts, log_path)
        raise error.again(log_path=log_path, attempts=attempts)
