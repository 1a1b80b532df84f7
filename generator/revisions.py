"""Revisions: every build of a case that changed something goes into a folder of its own.

    DIR/<case>/rev-001/          one build: bundles, DOCX, manifest.json, revisi.json, masukan/
    DIR/<case>/rev-002/
    DIR/<case>/latest -> rev-002 the newest revision (a relative symlink, switched atomically)
    DIR/<case>/<case>-asli.pdf -> latest/<case>-asli.pdf    (and every other file of the newest
                                 revision: the paths `build` has always promised stay valid)

A revision is never changed once made. A rebuild whose content (what staff typed, see
`content`), templates, tool version and variants are those of the newest revision, with its
files intact, makes no new revision. Each revision keeps a snapshot of its input in
`masukan/` (`data.json`, the canonical content `diff` compares, and copies of the input files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .content import canonical_json, case_content, content_hash
from .content import file_sha256 as _sha256
from .errors import DataError, OutputError
from .messages import Place, problem
from .model import Case
from .render import DEFAULT_TEMPLATES, VARIANTS, Variant

LATEST = "latest"
REVISION_FILE = "revisi.json"
SNAPSHOT_DIR = "masukan"
SNAPSHOT_FILE = "data.json"
MANIFEST = "manifest.json"
_REV = re.compile(r"^rev-(\d{3,})$")


@dataclass(frozen=True)
class Revision:
    number: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def info(self) -> dict[str, Any]:
        try:
            return json.loads((self.path / REVISION_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def snapshot(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.path / SNAPSHOT_DIR / SNAPSHOT_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def rev_name(number: int) -> str:
    return f"rev-{number:03d}"


def list_revisions(case_out: Path) -> list[Revision]:
    """The revisions in `case_out`, oldest first."""
    if not case_out.is_dir():
        return []
    found = []
    for child in case_out.iterdir():
        match = _REV.match(child.name)
        if match and child.is_dir() and not child.is_symlink():
            found.append(Revision(int(match.group(1)), child))
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


def fingerprint(content: dict[str, Any], templates: Path) -> str:
    """What decides whether a rebuild would change anything: content, templates, tool version."""
    digest = hashlib.sha256()
    digest.update(f"keputusan {__version__}\n".encode())
    digest.update(content_hash(content).encode())
    for template in sorted(Path(templates).glob("*.docx")):
        digest.update(template.name.encode() + b"\0" + _sha256(template).encode())
    return digest.hexdigest()


def _state(rev: Revision) -> tuple[list[Path], list[Path]]:
    """(missing, changed) outputs of a revision: what its manifest lists and is gone, or is
    there but no longer what the tool wrote (signed or edited in place)."""
    try:
        manifest = json.loads((rev.path / MANIFEST).read_text(encoding="utf-8"))
        outputs = [rev.path / o["file"] for o in manifest["outputs"]]
        digests = [o["sha256"] for o in manifest["outputs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return [rev.path / MANIFEST], []
    missing = [p for p in outputs if not p.is_file()]
    changed = [p for p, d in zip(outputs, digests) if p.is_file() and _sha256(p) != d]
    return missing, changed


def build_revision(
    case: Case,
    case_out: Path,
    variants: tuple[Variant, ...] = VARIANTS,
    *,
    converter=None,
    templates: Path = DEFAULT_TEMPLATES,
    force: bool = False,
    **build_options,
):
    """Build `case` into a new revision folder of `case_out` unless the newest one already is this
    build (or `force`); point `latest` and the stable paths at it. Returns pipeline.BuildResult,
    with `revision` and `unchanged` set. `build_options` go to `pipeline.build_case`."""
    from .pipeline import output_folder

    case_out = Path(case_out)
    with output_folder(case_out):
        return _build_revision(case, case_out, variants, converter, templates, force, build_options)


def _build_revision(
    case: Case,
    case_out: Path,
    variants,
    converter,
    templates: Path,
    force: bool = False,
    build_options: dict | None = None,
):
    from .pipeline import BuildResult, build_case

    _adopt_old_layout(case_out)
    content = case_content(case)
    print_fp = fingerprint(content, templates)
    revisions = list_revisions(case_out)
    newest = revisions[-1] if revisions else None
    if newest is not None and not force:
        info = newest.info()
        missing, changed = _state(newest)
        if info.get("sidik") == print_fp and set(variants) <= set(info.get("varian", ())) and not missing:
            if changed:
                # Same data as the newest revision, whose files were signed or edited in place:
                # nothing to rebuild, and the stable paths stay on the changed files.
                from .pipeline import why_kept

                listing = "; ".join(f"{case_out / p.name}: {why_kept(p)}" for p in changed)
                raise OutputError(
                    f"not overwriting {listing}; the data has not changed since {newest.name}, "
                    "so there is nothing to rebuild; move the file away to build afresh"
                )
            _link_latest(case_out, newest)
            result = BuildResult(case=case, out_dir=case_out)
            result.revision, result.unchanged, result.revision_dir = newest.name, True, newest.path
            for variant in variants:
                pdf = case_out / f"{case.name}-{variant}.pdf"
                result.bundles[variant] = pdf
                result.pages[variant] = _pages(pdf)
            result.files = sorted(case_out / p.name for p in newest.path.iterdir() if p.is_file())
            return result
    _check_stable_paths(case_out, case.name, variants)

    work = _work_folder(case_out)
    try:
        result = build_case(case, work, variants, converter=converter, templates=templates, **(build_options or {}))
        _write_snapshot(case, content, work / SNAPSHOT_DIR)
        info = {
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
        final = _claim_number(case_out, work, info)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    rev = Revision(int(_REV.match(final.name).group(1)), final)
    _link_latest(case_out, rev)
    # The stable paths (links into `latest`), as `build` has always promised them.
    result.out_dir = case_out
    result.bundles = {v: case_out / p.name for v, p in result.bundles.items()}
    result.files = [case_out / p.name for p in result.files]
    result.revision, result.unchanged, result.revision_dir = rev.name, False, final
    return result


def _work_folder(case_out: Path) -> Path:
    """A private folder beside the revisions, with the permissions of a normal folder."""
    work = Path(tempfile.mkdtemp(prefix=".rev-", dir=case_out))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(work, 0o777 & ~umask)
    return work


def _pages(pdf: Path) -> int:
    from .bundle import page_count

    return page_count(pdf) if pdf.is_file() else 0


def _write_snapshot(case: Case, content: dict[str, Any], folder: Path) -> None:
    folder.mkdir()
    (folder / SNAPSHOT_FILE).write_text(canonical_json(content) + "\n", encoding="utf-8")
    for source in case.sources:
        if source.is_file() and not (folder / source.name).exists():
            shutil.copy2(source, folder / source.name)


def _claim_number(case_out: Path, work: Path, info: dict[str, Any]) -> Path:
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
            return target
        except OSError:
            if not target.exists():
                raise
    raise OutputError(f"{case_out}: could not claim a revision number")


def _symlink_atomic(target: str, link: Path) -> None:
    tmp = link.with_name(f".{link.name}.link")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _link_latest(case_out: Path, rev: Revision) -> None:
    """`latest` -> rev, and a stable link for each file of it; stale links removed."""
    _symlink_atomic(rev.name, case_out / LATEST)
    names = {p.name for p in rev.path.iterdir() if p.is_file() and not p.name.startswith(".")}
    for name in sorted(names):
        link = case_out / name
        if link.exists() and not link.is_symlink():
            continue  # someone's own file: never replaced (checked before building, too)
        _symlink_atomic(f"{LATEST}/{name}", link)
    for child in case_out.iterdir():
        if (
            child.is_symlink()
            and child.name != LATEST
            and os.readlink(child).startswith(f"{LATEST}/")
            and child.name not in names
        ):
            child.unlink()


def _check_stable_paths(case_out: Path, name: str, variants) -> None:
    """The paths the newest revision will be linked at must be free or links already."""
    wanted = [MANIFEST] + [
        f"{name}-{v}{suffix}"
        for v in variants
        for suffix in (".pdf", ".signing.json", "-keputusan.docx", "-lampiran.docx")
    ]
    kept = [case_out / n for n in wanted if (case_out / n).exists() and not (case_out / n).is_symlink()]
    if kept:
        from .pipeline import why_kept

        raise OutputError(
            "not overwriting " + "; ".join(f"{p}: {why_kept(p)}" for p in kept) + "; move it away, then build again"
        )


def _adopt_old_layout(case_out: Path) -> None:
    """Outputs of a build made before revisions (files directly in DIR/<case>/, listed unchanged
    in its manifest) move into a revision of their own, so they are kept and linked like any."""
    manifest_path = case_out / MANIFEST
    if not manifest_path.is_file() or manifest_path.is_symlink():
        return
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        outputs = [
            o
            for o in manifest.get("outputs", [])
            if (case_out / o["file"]).is_file()
            and not (case_out / o["file"]).is_symlink()
            and _sha256(case_out / o["file"]) == o["sha256"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if not outputs:
        return
    work = _work_folder(case_out)
    for o in outputs:
        os.replace(case_out / o["file"], work / o["file"])
    os.replace(manifest_path, work / MANIFEST)
    _claim_number(
        case_out,
        work,
        {
            "kasus": manifest.get("case"),
            "nomor": manifest.get("number"),
            "versi": manifest.get("version"),
            "lama": True,
            "catatan": "hasil build sebelum ada revisi; tanpa salinan data masukan",
        },
    )
