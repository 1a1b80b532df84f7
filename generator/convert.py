"""The one place that runs LibreOffice: DOCX -> PDF, headless, each run in its own profile.

Every run has a timeout, a private profile directory (two processes sharing one profile hand
jobs to each other or exit 1 silently), and a check that the PDF exists and is a PDF. The PDF
appears at its destination only when complete (written beside it, then renamed). When a
conversion fails, what LibreOffice printed is kept (`keep_log`, in `log_folder()`), since its
profile and work folder are removed, and the error's `log_path` names the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from . import atomic
from .converter import ConversionStats
from .errors import ConversionError, ConversionTimeout, ConverterMissing

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0
# PDF/A-2b: every font embedded, XMP claim written (measured to work with LibreOffice 7.4).
# Word bookmarks become named destinations: layout.py reads on which page each lampiran row
# landed from them (bundle.merge drops them from the bundle).
PDF_EXPORT = {
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
}


def find_soffice() -> str:
    """Path of the soffice binary; raises ConverterMissing with the fix when there is none."""
    for name in (os.environ.get("KEPUTUSAN_SOFFICE"), "soffice", "libreoffice"):
        if name and (path := shutil.which(name)):
            return path
    raise ConverterMissing("conversion.no_soffice")


class SofficeConverter:
    """Cold conversion: one fresh `soffice --headless --convert-to pdf` per document.

    Implements `converter.Converter`. `log_folder`: where the output of a failed LibreOffice is
    kept (default `log_folder()`)."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, soffice: str | None = None, log_folder: Path | None = None):
        self.timeout = timeout
        self.soffice = soffice or find_soffice()
        self.log_folder = log_folder
        self.stats = ConversionStats()

    def __enter__(self) -> SofficeConverter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to stop: every conversion's LibreOffice has exited (or been killed) by then."""

    def convert(self, src: Path, dst: Path) -> Path:
        src, dst = Path(src), Path(dst)
        if not src.is_file():
            raise ConversionError("conversion.no_source", path=src)
        dst.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self.stats.add(starts=1)
        with tempfile.TemporaryDirectory(prefix="keputusan-lo-") as work:
            work_dir = Path(work)
            profile = work_dir / "profile"
            outdir = work_dir / "out"
            outdir.mkdir()
            filter_spec = "pdf:writer_pdf_Export:" + json.dumps(PDF_EXPORT, separators=(",", ":"))
            cmd = [
                self.soffice,
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--nodefault",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                filter_spec,
                "--outdir",
                str(outdir),
                str(src.resolve()),
            ]
            env = dict(os.environ, HOME=str(work_dir))  # LibreOffice writes under $HOME too
            try:
                done = run(cmd, timeout=self.timeout, env=env, what=src.name, log_folder=self.log_folder)
                produced = outdir / (src.stem + ".pdf")
                try:
                    check_pdf(produced, src)
                except ConversionError as exc:
                    kept = keep_log(_run_log(cmd, 0, done.stdout, done.stderr), src.name, self.log_folder)
                    raise exc.again(log_path=kept) from None
            except ConversionError:
                self.stats.add(failed_attempts=1, convert_seconds=time.monotonic() - started)
                raise
            finally:
                remove_leftovers(ipc_leftovers(profile))  # left only when it had to be killed
            with atomic.replacing(dst) as tmp:
                shutil.move(str(produced), tmp)
        seconds = time.monotonic() - started
        self.stats.add(conversions=1, convert_seconds=seconds)
        log.debug("converted %s in %.2f s (cold LibreOffice, pid %s)", src.name, seconds, done.pid)
        return dst


@dataclass(frozen=True)
class Finished:
    """A LibreOffice run that exited 0: its process id and what it printed."""

    pid: int
    stdout: bytes
    stderr: bytes


def run(cmd: list[str], *, timeout: float, env: dict[str, str], what: str, log_folder: Path | None = None) -> Finished:
    """Run LibreOffice in its own process group, so a timeout kills it and every child. When it
    fails or times out, its output is kept (`keep_log`) and the error names the file."""
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    except OSError as exc:
        raise ConverterMissing("conversion.cannot_start", program=cmd[0], detail=exc.strerror or str(exc)) from None
    log.debug("LibreOffice pid %d converts %s", proc.pid, what)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        out, err = _kill_group(proc)
        kept = keep_log(_run_log(cmd, None, out, err), what, log_folder)
        log.warning(
            "LibreOffice pid %d did not convert %s within %g s: killed; log kept in %s", proc.pid, what, timeout, kept
        )
        raise ConversionTimeout("conversion.timeout", document=what, seconds=f"{timeout:g}", log_path=kept) from None
    if proc.returncode != 0:
        detail = (err or out).decode(errors="replace").strip().splitlines()
        detail = [line for line in detail if "javaldx" not in line]  # harmless, printed every run
        kept = keep_log(_run_log(cmd, proc.returncode, out, err), what, log_folder)
        log.warning("LibreOffice pid %d failed on %s (exit %d); log kept in %s", proc.pid, what, proc.returncode, kept)
        raise ConversionError(
            "conversion.failed", document=what, code=proc.returncode, detail=detail[-1] if detail else "", log_path=kept
        )
    return Finished(proc.pid, out, err)


def kill_group(pgid: int, timeout: float = 5.0) -> None:
    """SIGKILL every process of the process group `pgid` and return once none of them is alive
    (a killed process is still running for a moment, and its children are reaped by init, not
    by us: without the wait, a LibreOffice could outlive the pool that "stopped" it)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return
        if not _live_members(pgid) or time.monotonic() > deadline:
            return
        time.sleep(0.01)


def _live_members(pgid: int) -> bool:
    """Whether a process of group `pgid` is alive (not a zombie), from /proc."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return False
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def _kill_group(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    """Kill the process group; return what it had printed."""
    kill_group(proc.pid)
    try:
        return proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # a child outside the group holds the pipes open
        proc.kill()
        proc.wait()
        return b"", b""


def _run_log(cmd: list[str], code: int | None, out: bytes | None, err: bytes | None) -> str:
    status = "killed at its time limit" if code is None else f"exit {code}"
    return (
        f"command: {' '.join(cmd)}\n{status}\n"
        f"--- standard output\n{(out or b'').decode(errors='replace')}\n"
        f"--- standard error\n{(err or b'').decode(errors='replace')}\n"
    )


LOG_FOLDER_PREFIX = "keputusan-logs"


def log_folder() -> Path:
    """Where the logs of failed LibreOffice runs are kept: $TMPDIR/keputusan-logs-<uid>/, a
    folder of this user's only (another user's, or a link planted there, is not used)."""
    folder = Path(tempfile.gettempdir()) / f"{LOG_FOLDER_PREFIX}-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
            return folder
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix=f"{LOG_FOLDER_PREFIX}-"))


def keep_log(text: str, what: str, folder: Path | None = None) -> Path | None:
    """Write the log of a failed conversion of `what` to a file of its own in `folder` (default
    `log_folder()`), named by time and document; None when it cannot be written."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(what).stem)[:80] or "document"
    try:
        target = Path(folder) if folder is not None else log_folder()
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{dt.datetime.now():%Y%m%d-%H%M%S}-{stem}-{uuid.uuid4().hex[:6]}.log"
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        log.warning("could not keep LibreOffice's log of %s: %s", what, exc)
        return None
    return path


def check_pdf(produced: Path, src: Path) -> None:
    """LibreOffice can exit 0 without writing anything: trust only a real, non-empty PDF."""
    if not produced.is_file():
        raise ConversionError("conversion.no_pdf", document=src.name)
    with produced.open("rb") as fh:
        head = fh.read(5)
    if produced.stat().st_size < 200 or head != b"%PDF-":
        raise ConversionError("conversion.broken_pdf", document=src.name)


def ipc_leftovers(profile: Path, pipe: str | None = None) -> list[Path]:
    """The sockets a killed LibreOffice leaves in /tmp: its single-instance pipe (named by the MD5
    of its profile URL in UTF-16, in hex without leading zeros) and its UNO pipe. A LibreOffice
    that exits normally removes them; one that is killed cannot."""
    uid = os.getuid()
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le")).digest()
    names = [f"OSL_PIPE_{uid}_SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)]
    if pipe:
        names.append(f"OSL_PIPE_{uid}_{pipe}")
    return [Path(folder) / name for folder in ("/tmp", "/var/tmp") for name in names]


def remove_leftovers(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:
            pass


def start_listener(
    profile: Path, pipe: str, *, soffice: str | None = None, log_file: IO[bytes] | None = None
) -> subprocess.Popen:
    """Start a long-lived LibreOffice that takes UNO connections on the named pipe `pipe`.

    Used by the warm converters (warm.py). It gets its own profile (`profile`, a folder of its
    own) and $HOME, and its own process group (the group id is the returned process's pid), so
    that killing the group stops it and every child. The pipe name is unique to the process,
    so no port can be taken by another program or answered by another LibreOffice.
    """
    cmd = [
        soffice or find_soffice(),
        "--headless",
        "--invisible",
        "--nocrashreport",
        "--nodefault",
        "--nologo",
        "--nofirststartwizard",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]
    env = dict(os.environ, HOME=str(profile.parent))
    out: IO[bytes] | int = log_file if log_file is not None else subprocess.DEVNULL
    try:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env, process_group=0)
    except OSError as exc:
        raise ConverterMissing("conversion.cannot_start", program=cmd[0], detail=exc.strerror or str(exc)) from None
