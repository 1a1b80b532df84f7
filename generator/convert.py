"""The one place that runs LibreOffice: DOCX -> PDF, headless, each run in its own profile.

Every run has a timeout, a private profile directory (two processes sharing one profile hand
jobs to each other or exit 1 silently), and a check that the PDF exists and is a PDF. The PDF
appears at its destination only when complete (written beside it, then renamed). When a
conversion fails, what LibreOffice printed is kept (`keep_log`, in `log_folder()`), since its
profile and work folder are removed, and the error's `log_path` names the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import glob
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
import threading
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
            seed_profile(profile, self.soffice, min(self.timeout, PREPARE_TIMEOUT))
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
            env = libreoffice_env(work_dir)
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


# A fifth of LibreOffice's CPU in a lampiran's conversion goes to glibc's malloc and free (the
# items of a table of 1500 cells); with jemalloc the same conversion costs about 20 % less CPU.
# Used when Debian's libjemalloc2 is installed; $KEPUTUSAN_JEMALLOC names another library, or
# is empty (or 0) to leave LibreOffice on glibc's malloc.
JEMALLOC_GLOBS = ("/usr/lib/*-linux-gnu/libjemalloc.so.2", "/usr/lib64/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2")


@functools.cache
def _installed_jemalloc() -> str | None:
    for pattern in JEMALLOC_GLOBS:
        for path in sorted(glob.glob(pattern)):
            if os.path.isfile(path):
                return path
    return None


def jemalloc() -> str | None:
    """The jemalloc library LibreOffice runs with, or None (glibc's malloc)."""
    configured = os.environ.get("KEPUTUSAN_JEMALLOC")
    if configured is not None:
        return configured if configured not in ("", "0") and os.path.isfile(configured) else None
    return _installed_jemalloc()


def libreoffice_env(home: Path) -> dict[str, str]:
    """The environment of a LibreOffice process: $HOME its own folder (it writes there too), and
    jemalloc preloaded when there is one (`jemalloc`)."""
    env = dict(os.environ, HOME=str(home))
    library = jemalloc()
    if library:
        env["LD_PRELOAD"] = " ".join(filter(None, (env.get("LD_PRELOAD", ""), library)))
    return env


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
PROFILE_FOLDER_PREFIX = "keputusan-lo-profile"


def _own_folder(prefix: str, *, private: bool = False) -> Path | None:
    """$TMPDIR/<prefix>-<uid>/, created if need be; None when that name is taken by something
    that is not a folder of this user's (another user's, or a link planted there), or, with
    `private`, when others may write into it."""
    folder = Path(tempfile.gettempdir()) / f"{prefix}-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        shared = private and info.st_mode & 0o022
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not shared:
            return folder
    except OSError:
        pass
    return None


def log_folder() -> Path:
    """Where the logs of failed LibreOffice runs are kept: $TMPDIR/keputusan-logs-<uid>/, a
    folder of this user's only (another user's, or a link planted there, is not used)."""
    return _own_folder(LOG_FOLDER_PREFIX) or Path(tempfile.mkdtemp(prefix=f"{LOG_FOLDER_PREFIX}-"))


# ---------------------------------------------------------------- a prepared profile

# LibreOffice runs its graphics self-tests (about 1 CPU-s, 70 % of a start) whenever the
# profile's last version is older than its own, and a headless LibreOffice never records it; a
# profile LibreOffice has never seen also costs a restart. So a profile is prepared once (by
# LibreOffice itself, `--terminate_after_init`, with the version recorded), kept per user and
# LibreOffice installation, and each process gets a copy of it: 0.2 CPU-s a start, not 1.5.
PREPARE_TIMEOUT = 30.0
_REGISTRY = "registrymodifications.xcu"
_LAST_VERSION_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">\
<value>{version}</value></prop></item>
</oor:items>
"""
_prepare_lock = threading.Lock()
_unpreparable: set[str] = set()  # installations whose preparation failed in this process


def product_version(soffice: str) -> str | None:
    """ "7.4" for LibreOffice 7.4.x: the `ProductKey` of program/bootstraprc beside the binary."""
    try:
        text = (Path(os.path.realpath(soffice)).parent / "bootstraprc").read_text(errors="replace")
    except OSError:
        return None
    match = re.search(r"^ProductKey=.*?(\d+)\.(\d+)", text, re.MULTILINE)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def _installation_key(soffice: str) -> str:
    """Names one LibreOffice installation: its binary, and the version files an upgrade rewrites."""
    real = Path(os.path.realpath(soffice))
    digest = hashlib.sha256(str(real).encode())
    for path in (real, real.parent / "bootstraprc", real.parent / "versionrc"):
        try:
            info = path.stat()
            digest.update(f"{path.name}:{info.st_size}:{info.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"{path.name}:-".encode())
    return digest.hexdigest()[:20]


def prepared_profile(soffice: str, timeout: float = PREPARE_TIMEOUT) -> Path | None:
    """The prepared profile of this LibreOffice (made now if there is none yet), to be copied
    (`seed_profile`); None when it cannot be made (the caller starts from an empty profile)."""
    key = _installation_key(soffice)
    if key in _unpreparable:
        return None
    with _prepare_lock:  # one preparation at a time in this process; others wait and copy it
        folder = _own_folder(PROFILE_FOLDER_PREFIX, private=True)
        if folder is None:
            return None
        ready = folder / key / "profile"
        if (ready / "user" / _REGISTRY).is_file():
            return ready
        for stale in folder.glob(".prepare-*"):  # of a preparation killed on the way
            try:
                if stale.stat().st_mtime < time.time() - 600:
                    shutil.rmtree(stale, ignore_errors=True)
            except OSError:
                pass
        work = Path(tempfile.mkdtemp(prefix=".prepare-", dir=folder))
        try:
            profile = work / "profile"
            version = product_version(soffice)
            if version:
                (profile / "user").mkdir(parents=True)
                (profile / "user" / _REGISTRY).write_text(_LAST_VERSION_XCU.format(version=version), encoding="utf-8")
            cmd = [
                soffice,
                "--headless",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "--terminate_after_init",
                f"-env:UserInstallation={profile.as_uri()}",
            ]
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=libreoffice_env(work),
                start_new_session=True,
            )
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                code = None
            kill_group(proc.pid)  # whatever it left running
            proc.wait()
            remove_leftovers(ipc_leftovers(profile))
            registry = profile / "user" / _REGISTRY
            recorded = registry.is_file() and (
                not version or "ooSetupLastVersion" in registry.read_text(errors="replace")
            )
            if code != 0 or not recorded:
                log.info(
                    "could not prepare a LibreOffice profile with %s (exit %s): each process makes its own",
                    soffice,
                    code,
                )
                _unpreparable.add(key)
                return None
            (profile / ".lock").unlink(missing_ok=True)
            try:
                work.rename(folder / key)
            except OSError:
                if (ready / "user" / _REGISTRY).is_file():
                    return ready  # another process prepared it meanwhile
                shutil.rmtree(folder / key, ignore_errors=True)  # a damaged one (its registry gone)
                work.rename(folder / key)
            log.debug("prepared a LibreOffice profile in %s", ready)
            return ready
        except OSError as exc:
            log.info("could not prepare a LibreOffice profile in %s: %s", folder, exc)
            _unpreparable.add(key)
            return None
        finally:
            shutil.rmtree(work, ignore_errors=True)


def seed_profile(profile: Path, soffice: str, timeout: float = PREPARE_TIMEOUT) -> None:
    """Fill the new, private profile folder `profile` with a copy of the prepared one (nothing
    when there is none: LibreOffice then makes its own, more slowly)."""
    prepared = prepared_profile(soffice, timeout)
    if prepared is None:
        return
    try:
        shutil.copytree(prepared, profile, symlinks=True)
    except OSError as exc:  # e.g. removed meanwhile by a cleaner of the temporary folder
        log.info("could not copy the prepared LibreOffice profile: %s", exc)
        shutil.rmtree(profile, ignore_errors=True)


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
    soffice = soffice or find_soffice()
    seed_profile(profile, soffice)
    cmd = [
        soffice,
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
    env = libreoffice_env(profile.parent)
    out: IO[bytes] | int = log_file if log_file is not None else subprocess.DEVNULL
    try:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env, process_group=0)
    except OSError as exc:
        raise ConverterMissing("conversion.cannot_start", program=cmd[0], detail=exc.strerror or str(exc)) from None
