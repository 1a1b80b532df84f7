"""Revisions: every build of a case that changed something goes into a folder of its own.

    DIR/<case>/rev-001/          one build: bundles, DOCX, manifest.json, revisi.json, masukan/
    DIR/<case>/rev-002/
    DIR/<case>/latest -> rev-002 the newest revision (a relative symlink, switched atomically)
    DIR/<case>/<case>-asli.pdf -> latest/<case>-asli.pdf    (and every other file of the newest
                                 revision: the paths `build` has always promised stay valid)

A revision is never changed once made. A rebuild whose fingerprint (`outputs.fingerprint`:
content, templates, tool version) is the newest revision's, asking for variants it has, with its
files ours and unchanged (`outputs.Manifest`), makes no new revision (`current`). Each revision
keeps a snapshot of its input in `masukan/` (`data.json`, the canonical content `diff`
compares, and copies of the input files).

This module keeps the folders; making a revision's files is `pipeline.build_revision`'s.
It imports nothing of the pipeline, so the batch can ask `current` without loading it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .content import canonical_json, content_hash
from .errors import DataError, OutputError
from .messages import Place, message, problem
from .outputs import MANIFEST, Manifest, check_free, refusal

if TYPE_CHECKING:
    from .model import Case

log = logging.getLogger(__name__)

LATEST = "latest"
REVISION_FILE = "revisi.json"
SNAPSHOT_DIR = "masukan"
SNAPSHOT_FILE = "data.json"
OUTPUT_SUFFIXES = (".pdf", ".signing.json", "-keputusan.docx", "-lampiran.docx")  # per variant, one lampiran


def lampiran_docx_suffix(index: int, count: int) -> str:
    """The Word file of the index-th lampiran (0-based) of `count`: -lampiran.docx when it is the
    only one, else -lampiran-1.docx, -lampiran-2.docx ..."""
    return "-lampiran.docx" if count == 1 else f"-lampiran-{index + 1}.docx"


def output_suffixes(lampiran: int = 1) -> tuple[str, ...]:
    """The files a build makes per variant, for a decree with `lampiran` lampiran."""
    return OUTPUT_SUFFIXES[:3] + tuple(lampiran_docx_suffix(i, lampiran) for i in range(lampiran))


_REV = re.compile(r"^rev-(\d{3,})$")


@dataclass(frozen=True)
class Revision:
    number: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def info(self) -> dict[str, Any]:
        return read_info(self.path)

    def snapshot(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.path / SNAPSHOT_DIR / SNAPSHOT_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def read_info(rev_dir: Path) -> dict[str, Any]:
    """`revisi.json` of a revision folder: its case, number, variants, fingerprint (`sidik`)...; {} when unreadable."""
    try:
        info = json.loads((rev_dir / REVISION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def rev_name(number: int) -> str:
    return f"rev-{number:03d}"


def list_revisions(case_out: Path) -> list[Revision]:
    """The revisions in `case_out`, oldest first."""
    try:
        entries = list(os.scandir(case_out))
    except OSError:  # no such folder (nothing built yet), or not a folder
        return []
    found = []
    for entry in entries:
        match = _REV.match(entry.name)
        if match and entry.is_dir(follow_symlinks=False):
            found.append(Revision(int(match.group(1)), Path(entry.path)))
    return sorted(found, key=lambda r: r.number)


def find_revision(case_out: Path, ref: str) -> Revision:
    """A revision by name (rev-002), number (2, 002) or 'latest'; DataError naming the ones there are."""
    revisions = list_revisions(case_out)
    ref = ref.strip()
    if ref in (LATEST, "terbaru") and revisions:
        return revisions[-1]
    match = re.fullmatch(r"(?:rev-)?(\d+)", ref)
    for rev in revisions:
        if match and rev.number == int(match.group(1)):
            return rev
    raise DataError(
        [problem("revision.unknown", Place(str(case_out)), ref=ref, known=", ".join(r.name for r in revisions) or "-")]
    )


def current(case_out: Path, print_fp: str, variants: Iterable[str]) -> Revision | None:
    """The newest revision of `case_out` when it already is this build, with `latest` and the
    stable links pointed at it; None when a build is needed.

    It is this build when its fingerprint is `print_fp`, it has every variant asked for, and
    every output its manifest lists is there. When one of them was signed or edited in place,
    there is nothing to rebuild and nothing may be overwritten: OutputError, exit 4, naming it.
    """
    revisions = list_revisions(case_out)
    if not revisions:
        return None
    newest = revisions[-1]
    info = newest.info()
    if info.get("sidik") != print_fp or not set(variants) <= set(info.get("varian") or ()):
        log.debug("%s: %s has another fingerprint or fewer variants", case_out, newest.name)
        return None
    manifest = Manifest.read(newest.path)
    if not manifest.found or manifest.missing():
        log.debug("%s: %s has outputs missing", case_out, newest.name)
        return None
    changed = manifest.changed()
    if changed:
        # Same data as the newest revision, whose files were signed or edited in place: nothing
        # to rebuild, and the stable paths stay on the changed files.
        raise refusal([case_out / p.name for p in changed], message("output.advice.unchanged", rev=newest.name))
    link_latest(case_out, newest)
    log.debug("%s: unchanged since %s", case_out, newest.name)
    return newest


def info_of(case: Case, content: dict[str, Any], variants: Iterable[str], print_fp: str) -> dict[str, Any]:
    """What `revisi.json` says of a new revision."""
    return {
        "kasus": case.name,
        "sumber": str(case.directory),
        "bentuk": case.form,
        "nomor": case.decree.nomor_lengkap,
        "dibuat": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "versi": __version__,
        "varian": list(variants),
        "sidik": print_fp,  # fingerprint: content, templates and tool version
        "isi_sha256": content_hash(content),
    }


def work_folder(case_out: Path) -> Path:
    """A private folder beside the revisions, with the permissions of a normal folder."""
    work = Path(tempfile.mkdtemp(prefix=".rev-", dir=case_out))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(work, 0o777 & ~umask)
    return work


def write_snapshot(case: Case, content: dict[str, Any], work: Path) -> None:
    """`masukan/` of a revision being made: the canonical content and copies of the input files."""
    folder = work / SNAPSHOT_DIR
    folder.mkdir()
    (folder / SNAPSHOT_FILE).write_text(canonical_json(content) + "\n", encoding="utf-8")
    for source in case.sources:
        if source.is_file() and not (folder / source.name).exists():
            shutil.copy2(source, folder / source.name)


def commit(case_out: Path, work: Path, info: dict[str, Any]) -> Revision:
    """Make the finished work folder the newest revision and point `latest` and the stable links at it."""
    rev = _claim_number(case_out, work, info)
    link_latest(case_out, rev)
    log.info("%s: new revision %s", case_out, rev.name)
    return rev


def _claim_number(case_out: Path, work: Path, info: dict[str, Any]) -> Revision:
    """Rename the finished work folder to the next free rev-NNN (a rename onto an existing,
    non-empty revision fails, so two builds at once can never share a number)."""
    for _ in range(1000):
        revisions = list_revisions(case_out)
        number = (revisions[-1].number + 1) if revisions else 1
        info["revisi"] = number
        (work / REVISION_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        target = case_out / rev_name(number)
        try:
            os.rename(work, target)
            return Revision(number, target)
        except OSError:
            if not target.exists():
                raise
    raise OutputError("output.no_revision_number", folder=case_out)


def _symlink_atomic(target: str, link: Path) -> None:
    if link.is_symlink() and os.readlink(link) == target:
        return  # already right
    tmp = link.with_name(f".{link.name}.link")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def link_latest(case_out: Path, rev: Revision) -> None:
    """`latest` -> rev, and a stable link for each file of it; stale links removed."""
    _symlink_atomic(rev.name, case_out / LATEST)
    names = {e.name for e in os.scandir(rev.path) if e.is_file() and not e.name.startswith(".")}
    links = {e.name: os.readlink(e.path) for e in os.scandir(case_out) if e.is_symlink()}
    for name in sorted(names):
        if links.get(name) == f"{LATEST}/{name}":
            continue  # already right: an unchanged rebuild writes nothing
        if os.path.lexists(case_out / name) and name not in links:
            continue  # someone's own file: never replaced (checked before building, too)
        _symlink_atomic(f"{LATEST}/{name}", case_out / name)
    for name, target in links.items():
        if name != LATEST and target.startswith(f"{LATEST}/") and name not in names:
            (case_out / name).unlink()


def check_stable_paths(case_out: Path, name: str, variants: Iterable[str], lampiran: int = 1) -> None:
    """The paths the newest revision will be linked at must be free or links already."""
    suffixes = output_suffixes(lampiran)
    check_free(case_out, [MANIFEST] + [f"{name}-{v}{suffix}" for v in variants for suffix in suffixes])


def adopt_old_layout(case_out: Path) -> Revision | None:
    """Outputs of a build made before revisions (files directly in DIR/<case>/, listed unchanged
    in its manifest) move into a revision of their own, so they are kept and linked like any.
    Only plain names inside `case_out` are moved (`outputs.Manifest` ignores any other entry)."""
    manifest_path = case_out / MANIFEST
    if not manifest_path.is_file() or manifest_path.is_symlink():
        return None
    manifest = Manifest.read(case_out)
    outputs = manifest.unchanged()
    if not outputs:
        return None
    work = work_folder(case_out)
    for path in outputs:
        os.replace(path, work / path.name)
    os.replace(manifest_path, work / MANIFEST)
    rev = _claim_number(
        case_out,
        work,
        {
            "kasus": manifest.meta.get("case"),
            "nomor": manifest.meta.get("number"),
            "versi": manifest.meta.get("version"),
            "lama": True,
            "catatan": "hasil build sebelum ada revisi; tanpa salinan data masukan",
        },
    )
    log.info("%s: outputs of a build before revisions kept as %s", case_out, rev.name)
    return rev
