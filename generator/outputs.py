"""The one owner of what a build leaves in an output folder: its manifest, and whether a file
there is still the tool's own.

Every folder a build writes into gets a `manifest.json` listing each output file with its
SHA-256 and size. A file is *ours and unchanged* when the manifest lists it with the SHA-256
it has now; only such a file may be replaced. Anything else at a path the tool wants to write
— a signed PDF, a hand-edited DOCX, a file of the user's own — is kept, and the build stops
with the reason (`refusal`). Manifest entries are plain file names inside the folder: an entry
naming a path elsewhere (`../x`, `/etc/x`, `a/b`) is ignored, so a crafted manifest cannot make
the tool touch, move or trust a file outside its folder.

`fingerprint` is the one answer to "would a rebuild change anything": revisions and the batch
both decide "unchanged" with it (and with `Manifest.changed`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, atomic, sweep
from .content import content_hash, file_sha256
from .errors import OutputError, OutputLocked
from .messages import Message, message

if TYPE_CHECKING:
    from .model import Case

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


def plain_name(name: object) -> bool:
    """Whether `name` names a file directly inside a folder: no folder part, not '.' or '..'."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
        and not os.path.isabs(name)
    )


@dataclass(frozen=True)
class Entry:
    """One output as the manifest lists it."""

    file: str  # a plain name inside the manifest's folder
    sha256: str
    size: int | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "sha256": self.sha256}
        if self.size is not None:
            data["size"] = self.size
        return data


@dataclass
class Manifest:
    """`folder/manifest.json`, read once: the outputs it lists (`entries`, by file name) and
    what else it says (`meta`: tool, version, case, number, inputs, templates)."""

    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    found: bool = False  # a readable manifest was there

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of `folder`; empty (found=False) when there is none or it is unreadable."""
        folder = Path(folder)
        manifest = cls(folder)
        try:
            data = json.loads(manifest.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return manifest
        if not isinstance(data, dict):
            return manifest
        outputs = data.get("outputs")
        manifest.found = isinstance(outputs, list)
        manifest.meta = {k: v for k, v in data.items() if k != "outputs"}
        for item in outputs if isinstance(outputs, list) else []:
            entry = _entry(item)
            if entry is None:
                log.warning("%s: entry %.200r ignored: not a plain file name with a SHA-256", manifest.path, item)
                continue
            manifest.entries[entry.file] = entry
        return manifest

    def is_ours(self, name: str) -> bool:
        """Whether `name` in the folder is a file this manifest lists, with the same SHA-256."""
        entry = self.entries.get(name)
        if entry is None:
            return False
        return _unchanged(self.folder / name, entry)

    def missing(self) -> list[Path]:
        """Listed outputs that are gone."""
        return [self.folder / n for n in self.entries if not os.path.lexists(self.folder / n)]

    def changed(self) -> list[Path]:
        """Listed outputs that are there but no longer what the tool wrote (signed, edited, replaced)."""
        return [
            self.folder / n
            for n, e in self.entries.items()
            if os.path.lexists(self.folder / n) and not _unchanged(self.folder / n, e)
        ]

    def unchanged(self) -> list[Path]:
        """Listed outputs that are there as the tool wrote them."""
        return [self.folder / n for n, e in self.entries.items() if _unchanged(self.folder / n, e)]

    def kept(self, names: Iterable[str]) -> list[Path]:
        """Of the files the tool is about to write as `names`, those already there and not ours."""
        return [self.folder / n for n in names if os.path.lexists(self.folder / n) and not self.is_ours(n)]

    def record(self, paths: Iterable[Path]) -> None:
        """List these files (just written into the folder) as outputs."""
        for path in paths:
            self.entries[path.name] = Entry(path.name, file_sha256(path), path.stat().st_size)

    def write(self, case: Case, templates: Path) -> Path:
        """Write the manifest (once, when a build into the folder is complete): every output
        listed that is still there, the inputs and templates it was built from."""
        outputs = [self.entries[n].as_json() for n in sorted(self.entries) if (self.folder / n).exists()]
        data = {
            "tool": "keputusan",
            "version": __version__,
            "case": case.name,
            "number": case.decree.nomor_lengkap,
            "outputs": outputs,
            "inputs": [{"file": str(p), "sha256": file_sha256(p)} for p in case.sources],
            "templates": [{"file": p.name, "sha256": file_sha256(p)} for p in sorted(Path(templates).glob("*.docx"))],
        }
        atomic.write_json(self.path, data)
        log.debug("%s: %d outputs listed", self.path, len(outputs))
        return self.path


def _entry(item: object) -> Entry | None:
    if not isinstance(item, dict):
        return None
    name, digest, size = item.get("file"), item.get("sha256"), item.get("size")
    if not plain_name(name) or not isinstance(digest, str):
        return None
    assert isinstance(name, str)
    return Entry(name, digest, size if isinstance(size, int) and not isinstance(size, bool) else None)


def _unchanged(path: Path, entry: Entry) -> bool:
    """A regular file (not a link) with the entry's SHA-256 (its size compared first: cheaper)."""
    try:
        info = path.lstat()
        if not path.is_file() or path.is_symlink():
            return False
        if entry.size is not None and info.st_size != entry.size:
            return False
        return file_sha256(path) == entry.sha256
    except OSError:
        return False


# ---------------------------------------------------------------- refusing to overwrite


def _signed(path: Path) -> bool:
    if path.suffix != ".pdf" or not path.is_file():
        return False
    from .signing import is_signed as signed  # pyHanko: only when a PDF is in the way

    return signed(path)


def why_kept(path: Path) -> Message:
    """Why an existing file is not overwritten, for messages: signed, or changed/not ours."""
    if _signed(path):
        return message("output.kept_signed", path=path)
    return message("output.kept_changed", path=path)


def refusal(paths: Iterable[Path], advice: Message) -> OutputError:
    """The error for files kept at paths a build wanted, each with its reason, and what to do."""
    reasons = [why_kept(p) for p in paths]
    log.info("not overwriting %s", "; ".join(map(str, reasons)))
    return OutputError("output.refused", files=reasons, advice=advice)


def refuse_signed(paths: Iterable[Path], advice: Message | None = None) -> None:
    """Stop at once when a signed PDF is at one of `paths` (before any work is done)."""
    signed = [p for p in paths if _signed(p)]
    if signed:
        raise refusal(signed, advice or message("output.advice.move"))


def check_overwrites(manifest: Manifest, names: Iterable[str]) -> None:
    """Stop when writing `names` into the manifest's folder would replace anything not ours."""
    kept = manifest.kept(names)
    if kept:
        raise refusal(kept, message("output.advice.move"))


def check_free(folder: Path, names: Iterable[str], advice: Message | None = None) -> None:
    """Stop when a path that is to become a link (`folder/name`) holds a file or folder of its own."""
    kept = [folder / n for n in names if os.path.lexists(folder / n) and not (folder / n).is_symlink()]
    if kept:
        raise refusal(kept, advice or message("output.advice.move_then_build"))


# ---------------------------------------------------------------- folders


@contextmanager
def output_folder(path: Path, *, lock: bool = False) -> Iterator[Path]:
    """mkdir -p `path`; if the block fails, remove again the folders this created (a failed
    first build leaves no empty folders behind).

    `lock`: hold `path/.lock` for the block, waiting for another build of the same folder to
    finish first (`folder_lock`): two builds of unchanged data make one revision, not two."""
    created = []
    probe = path
    while not probe.exists():
        created.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    try:
        if lock:
            with folder_lock(path, wait=LOCK_WAIT):
                yield path
        else:
            yield path
    except BaseException:
        for folder in created:  # innermost first
            try:
                folder.rmdir()
            except OSError:
                break
        raise


LOCK_FILE = ".lock"
LOCK_WAIT = 30 * 60.0  # seconds a build waits for another build of the same case (builds time out sooner)


@contextmanager
def folder_lock(folder: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold FOLDER/.lock (fcntl) for the block; the holder owns the folder's work files, and
    sweeps what a killed run left there (`sweep.output_folder`).

    `wait` None: refuse at once when another process holds it (OutputLocked: a second batch on
    the same folder); else wait up to `wait` seconds for it (builds of one case take turns).
    The file is removed when let go, still held, so no folder keeps it: whoever waited on it
    finds it gone and locks the file there is now (or makes it)."""
    path = folder / LOCK_FILE
    deadline = time.monotonic() + (wait or 0)
    waited = False
    while True:
        folder.mkdir(parents=True, exist_ok=True)  # again after a wait: a failed first build removes it
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = re.fullmatch(r"pid (\d+), since (\S+)", handle.read().strip())
            handle.close()
            if wait is None:
                if holder is None:
                    raise OutputLocked("output.locked_unknown", folder=folder) from None
                raise OutputLocked("output.locked", folder=folder, pid=holder.group(1), since=holder.group(2)) from None
            if time.monotonic() > deadline:
                raise OutputLocked(
                    "output.lock_timeout",
                    folder=folder,
                    pid=holder.group(1) if holder else "?",
                    since=holder.group(2) if holder else "?",
                    seconds=f"{wait:.0f}",
                ) from None
            if not waited:
                log.info("%s: waiting for another build of it to finish (%s)", folder, holder and holder.group(0))
                waited = True
            time.sleep(0.2)
            continue
        if _same_file(handle, path):
            break
        handle.close()  # let go and removed while we waited: lock the one there now
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {dt.datetime.now().isoformat(timespec='seconds')}\n")
        handle.flush()
        sweep.output_folder(folder, before=time.time())
        yield
    finally:
        path.unlink(missing_ok=True)  # while still held: no one else can have locked this file
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _same_file(handle, path: Path) -> bool:
    try:
        return os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


# ---------------------------------------------------------------- would a rebuild change anything


def fingerprint(content: dict[str, Any], templates: Path) -> str:
    """What decides whether a rebuild would change anything: the printed content (what staff
    typed, `content.content_hash`), the templates (names and SHA-256) and the tool's version.
    The variants are compared beside it: a build is unchanged when the revision with this
    fingerprint has at least the variants asked for."""
    digest = hashlib.sha256()
    digest.update(f"keputusan {__version__}\n".encode())
    digest.update(content_hash(content).encode())
    for template in sorted(Path(templates).glob("*.docx")):
        digest.update(template.name.encode() + b"\0" + file_sha256(template).encode())
    return digest.hexdigest()
