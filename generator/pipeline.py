"""Build a case: load → render → convert → bundle, for each variant, into DIR/<case>/.

Everything is produced in a private work folder beside the output and moved into place only
when the whole build succeeded, so a failure leaves nothing half-written. A file already in
the output folder is replaced only if it is this tool's own, unchanged output (its SHA-256 is
in the previous manifest); anything else — a hand-edited or signed PDF — is kept and the build
stops with a message.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, atomic, bundle, fields, layout, numbering, pdfa, signing, template_files
from .content import file_sha256 as sha256
from .errors import OutputError
from .load import load_case
from .model import Case
from .render import DEFAULT_TEMPLATES, VARIANTS, Variant, render_keputusan
from .warm import ConverterPool

MANIFEST = "manifest.json"


@dataclass
class BuildResult:
    case: Case
    out_dir: Path
    bundles: dict[str, Path] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    revision: str = ""  # the revision folder built into (or found unchanged), e.g. "rev-002"
    unchanged: bool = False  # True: nothing changed since that revision, nothing was rebuilt
    revision_dir: Path | None = None  # DIR/<case>/rev-NNN (out_dir and bundles are the stable links)
    layout_passes: dict[str, int] = field(default_factory=dict)  # lampiran conversions per variant


def build(
    case_dir: str | Path,
    out_root: str | Path,
    variants: tuple[Variant, ...] = VARIANTS,
    *,
    converter=None,
    templates: Path = DEFAULT_TEMPLATES,
) -> BuildResult:
    """Build `variants` of the case in `case_dir` as a revision of `out_root/<case>/`: a new
    `rev-NNN/` folder when anything changed, with `latest` and `<case>-<variant>.pdf` linked to
    it (see revisions.py). The case is validated first: bad data writes nothing."""
    from .revisions import build_revision

    templates = template_files.checked(templates)
    case = load_case(case_dir)
    return build_revision(case, Path(out_root) / case.name, variants, converter=converter, templates=templates)


def build_case(
    case: Case,
    out_dir: Path,
    variants: tuple[Variant, ...] = VARIANTS,
    *,
    converter=None,
    templates: Path = DEFAULT_TEMPLATES,
    layout_cache: layout.LayoutCache | None = None,
) -> BuildResult:
    """Build `variants` of an already loaded case into `out_dir` (e.g. one office of a batch).

    Without a `converter`, one warm LibreOffice is started for this build and stopped after it
    (a build converts 5 documents: one warm process is twice as fast as a cold start for each).
    `layout_cache` shares settled lampiran page breaks between builds of the same table.
    """
    # a signed bundle is never touched: refuse before any work, not after it
    _refuse_signed([out_dir / f"{case.name}-{v}.pdf" for v in variants])
    if converter is None:
        with ConverterPool(1) as pool:
            return build_case(case, out_dir, variants, converter=pool, templates=templates, layout_cache=layout_cache)
    result = BuildResult(case=case, out_dir=out_dir)
    with output_folder(out_dir), tempfile.TemporaryDirectory(prefix=".build-", dir=out_dir) as tmp:
        work = Path(tmp)
        produced = _produce(case, variants, converter, templates, work, result, layout_cache)
        _check_overwrites(out_dir, [name for name, _ in produced])
        for name, path in produced:
            os.replace(path, out_dir / name)
            result.files.append(out_dir / name)
        result.bundles = {v: out_dir / p.name for v, p in result.bundles.items()}
        _write_manifest(case, out_dir, result.files, templates)
    return result


@contextmanager
def output_folder(path: Path):
    """mkdir -p `path`; if the block fails, remove again the folders this created (a failed
    first build leaves no empty folders behind)."""
    created = []
    probe = path
    while not probe.exists():
        created.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    try:
        yield path
    except BaseException:
        for folder in created:  # innermost first
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def _produce(
    case: Case,
    variants,
    converter,
    templates: Path,
    work: Path,
    result: BuildResult,
    layout_cache: layout.LayoutCache | None = None,
) -> list[tuple[str, Path]]:
    decree = case.decree
    produced: list[tuple[str, Path]] = []
    # the decrees first: they need no layout, so a batch converts them while another office's
    # lampiran settles the page breaks this one will reuse
    decrees = {}
    for variant in variants:
        stem = f"{case.name}-{variant}"
        docx = render_keputusan(case, variant, work / f"{stem}-keputusan.docx", templates)
        decrees[variant] = docx, bundle.read(converter.convert(docx, work / f"{stem}-keputusan.pdf"))
    key = rows = None
    if layout_cache is not None:
        key, rows = layout.cache_key(case, templates), layout.row_signatures(case)
    guess: frozenset[int] | None = None  # page starts of the lampiran: from the cache, then the asli
    for variant in variants:
        stem = f"{case.name}-{variant}"
        keputusan_docx, keputusan_pdf = decrees[variant]
        decree_pages = len(keputusan_pdf.pages)
        first = decree_pages + 1 if decree.profil.nomor_halaman_lampiran == "lanjut" else 1
        lampiran_docx = work / f"{stem}-lampiran.docx"
        owner = False
        if guess is None:
            guess, owner = layout_cache.begin(key, rows) if layout_cache is not None else (frozenset(), False)
        starts = None
        try:
            starts, passes, lampiran_pdf = layout.lay_out_lampiran(
                case,
                variant,
                lampiran_docx,
                work / f"{stem}-lampiran.pdf",
                converter,
                templates,
                first_page_number=first,
                guess=guess,
            )
        finally:
            if owner:  # other offices with the same table wait for this result
                layout_cache.finish(key, rows, starts)
        if layout_cache is not None and not owner and passes > 1:
            layout_cache.record(key, rows, starts)  # the guess was wrong: remember this layout too
        result.layout_passes[variant] = passes
        guess = starts
        meta = pdfa.DocMeta(
            title=f"Keputusan {decree.kantor.nama} Nomor {decree.nomor_lengkap} tentang {decree.tentang}",
            author=decree.kantor.nama,
            subject=decree.tentang,
            created=numbering.build_time(decree.ditetapkan.tanggal),
        )
        pdf = bundle.merge(
            [("Keputusan", keputusan_pdf), ("Lampiran", lampiran_pdf)],
            work / f"{stem}.pdf",
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            created=meta.created,
        )
        result.bundles[variant] = pdf
        result.pages[variant] = decree_pages + len(lampiran_pdf.pages)
        # signature fields go in last, after merging: nothing may change the file once signed
        _, signing_json = fields.prepare(case, variant, pdf, decree_pages, result.pages[variant], meta)
        produced += [
            (pdf.name, pdf),
            (signing_json.name, signing_json),
            (keputusan_docx.name, keputusan_docx),
            (lampiran_docx.name, lampiran_docx),
        ]
    return produced


def _previous_outputs(out_dir: Path) -> dict[str, str]:
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {entry["file"]: entry["sha256"] for entry in manifest.get("outputs", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _check_overwrites(out_dir: Path, names: list[str]) -> None:
    ours = _previous_outputs(out_dir)
    kept = []
    for name in names:
        target = out_dir / name
        _refuse_signed([target])
        if target.exists() and ours.get(name) != sha256(target):
            kept.append(target)
    if kept:
        listing = ", ".join(str(p) for p in kept)
        raise OutputError(
            f"not overwriting {listing}: changed since this tool wrote it (signed or edited?) "
            "or not written by it; move it away or choose another --out folder"
        )


def why_kept(path: Path) -> str:
    """Why an existing file is not overwritten, for messages: signed, or changed/not ours."""
    if path.suffix == ".pdf" and path.exists() and signing.is_signed(path):
        return "it is signed (it carries a digital signature) and a signed PDF is never touched"
    return "changed since this tool wrote it (edited?) or not written by it"


def _refuse_signed(paths: list[Path]) -> None:
    for target in paths:
        if target.suffix == ".pdf" and target.exists() and signing.is_signed(target):
            raise OutputError(
                f"not overwriting {target}: it is signed (it carries a digital signature) "
                "and a signed PDF is never touched; move it away or choose another --out folder"
            )


def _write_manifest(case: Case, out_dir: Path, outputs: list[Path], templates: Path) -> None:
    previous = _manifest_entries(out_dir)
    for path in outputs:
        previous[path.name] = {"file": path.name, "sha256": sha256(path), "size": path.stat().st_size}
    template_files = sorted(templates.glob("*.docx"))
    manifest = {
        "tool": "keputusan",
        "version": __version__,
        "case": case.name,
        "number": case.decree.nomor_lengkap,
        "outputs": [previous[name] for name in sorted(previous)],
        "inputs": [{"file": str(p), "sha256": sha256(p)} for p in case.sources],
        "templates": [{"file": p.name, "sha256": sha256(p)} for p in template_files],
    }
    atomic.write_json(out_dir / MANIFEST, manifest)


def _manifest_entries(out_dir: Path) -> dict[str, dict]:
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {e["file"]: e for e in manifest.get("outputs", []) if (out_dir / e["file"]).exists()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
