"""What a killed run leaves behind, swept by the next one: only this tool's own work files, by
their names, and only when no live process owns them.

A run stopped by SIGKILL, a power cut or the out-of-memory killer cleans up nothing. Its
LibreOffice processes stop by themselves (each UNO helper watches its parent: `uno_helper`),
and what stays is swept later:

- in an output folder: `.rev-*` and `.build-*` work folders, `.NAME.XXXXXXXX.part` files and
  `.NAME.link` links being put in place. They belong to whoever holds the folder's lock
  (`outputs.folder_lock`): the holder sweeps what is older than itself (`output_folder`; a
  `.part` file only when ten minutes old, since `diff --pdf` writes one without the lock),
  and no other build can be at work there meanwhile;
- in the temporary folder: `keputusan-pool-<pid>-*`, a converter pool's profiles and logs,
  owned by the process <pid>. A pool that starts sweeps the folders of processes that are gone
  (or whose number now belongs to a process younger than the folder), after stopping any
  LibreOffice still running from them, and the sockets they left (`pools`).

Nothing else is touched: not a folder of another user, not a link, not a name of another shape.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import stat
import tempfile
import time
from pathlib import Path

from .convert import ipc_leftovers, remove_leftovers

log = logging.getLogger(__name__)

POOL_PREFIX = "keputusan-pool-"
_POOL = re.compile(rf"^{POOL_PREFIX}(\d+)-[A-Za-z0-9_]+$")
_WORK_FOLDER = re.compile(r"^\.(rev|build)-[A-Za-z0-9_]+$")  # revisions.work_folder, pipeline.build_case
_PART_FILE = re.compile(r"^\..+\.[0-9a-f]{8}\.part$")  # atomic.replacing, warm.ConverterPool.convert
_LINK = re.compile(r"^\..+\.link$")  # revisions._symlink_atomic
PART_AGE = 600.0  # a .part file may be another command's, written without the lock (diff --pdf)


def output_folder(folder: Path, before: float) -> list[Path]:
    """Remove this tool's work files in `folder` last changed before `before` (a time.time());
    call it holding the folder's lock. Returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if info.st_mtime >= before or info.st_uid != os.getuid():
            continue
        name = entry.name
        if _WORK_FOLDER.match(name) and stat.S_ISDIR(info.st_mode):
            shutil.rmtree(entry.path, ignore_errors=True)
        elif (_PART_FILE.match(name) and stat.S_ISREG(info.st_mode) and info.st_mtime < before - PART_AGE) or (
            _LINK.match(name) and stat.S_ISLNK(info.st_mode)
        ):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
        else:
            continue
        removed.append(Path(entry.path))
    if removed:
        log.info("%s: removed what an interrupted build left: %s", folder, ", ".join(p.name for p in removed))
    return removed


# ---------------------------------------------------------------- converter pools


def new_pool_folder() -> Path:
    """A private folder for a converter pool, named by this process (`keputusan-pool-<pid>-*`)."""
    return Path(tempfile.mkdtemp(prefix=f"{POOL_PREFIX}{os.getpid()}-"))


def pools(before: float) -> list[Path]:
    """Remove the pool folders (and their processes and sockets) of processes that are gone,
    made before `before` (a time.time()). Returns the folders removed."""
    removed: list[Path] = []
    root = Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        match = _POOL.match(entry.name)
        if not match:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mtime >= before:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or _alive_since(pid, info.st_mtime):
            continue
        folder = Path(entry.path)
        _stop_processes_of(folder)
        for profile in folder.glob("worker-*/run-*/profile"):
            remove_leftovers(ipc_leftovers(profile))
        remove_leftovers(_uno_pipes_of(pid))
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    if removed:
        log.info("removed the converter folders of runs that were killed: %s", ", ".join(map(str, removed)))
    return removed


def _alive_since(pid: int, made: float) -> bool:
    """Whether process `pid` is alive and older than `made`: then it may own a folder made then
    (a process that started later only got the same number)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's: not ours to judge
    started = _start_time(pid)
    return started is None or started <= made + 1


def _start_time(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), from /proc; None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as fh:
            boot = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _stop_processes_of(folder: Path) -> None:
    """SIGKILL this user's processes whose command line names `folder` (a LibreOffice or UNO
    helper of a killed pool that did not stop itself), and wait until they are gone."""
    needle = str(folder).encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            with open(os.path.join(entry.path, "cmdline"), "rb") as fh:
                if needle in fh.read():
                    found.append(int(entry.name))
        except OSError:
            continue
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    deadline = time.monotonic() + 5
    while found and time.monotonic() < deadline:
        found = [pid for pid in found if _running(pid)]
        time.sleep(0.05)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _uno_pipes_of(pid: int) -> list[Path]:
    """The UNO pipes of the pools of process `pid` (warm._Worker names them keputusan-<pid>-...)."""
    found = []
    for folder in ("/tmp", "/var/tmp"):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        prefix = f"OSL_PIPE_{os.getuid()}_keputusan-{pid}-"
        found += [Path(folder) / name for name in names if name.startswith(prefix)]
    return found
