"""Build a case: load → render → convert → bundle, for each variant, as a revision of DIR/<case>/.

    build          the entry point: load and validate the case, then build_revision
    build_revision one revision folder (revisions.py keeps the folders): nothing new when the
                   newest revision already is this build, else build_case into a new one
    build_case     the files of one build in a folder: DOCX, PDF bundles, signing.json, manifest

Everything is produced in a private work folder and moved into place only when the whole build
succeeded, so a failure leaves nothing half-written. A file already in the output folder is
replaced only if it is this tool's own, unchanged output (outputs.py decides); anything else — a
hand-edited or signed PDF — is kept and the build stops with a message.

Data flows one way: pipeline → revisions → outputs; nothing here is imported back.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from . import bundle, fields, layout, numbering, pdfa, revisions, template_files
from .content import case_content
from .converter import Converter
from .load import load_case
from .model import Case
from .outputs import Manifest, check_overwrites, fingerprint, output_folder, refuse_signed
from .render import DEFAULT_TEMPLATES, VARIANTS, Variant, render_keputusan, render_lampiran
from .warm import ConverterPool

log = logging.getLogger(__name__)


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
    converter: Converter | None = None,
    templates: Path | None = None,
) -> BuildResult:
    """Build `variants` of the case in `case_dir` as a revision of `out_root/<case>/`: a new
    `rev-NNN/` folder when anything changed, with `latest` and `<case>-<variant>.pdf` linked to
    it (see revisions.py). The case is validated first: bad data writes nothing.

    `templates`: a folder of the office's own Word templates; without it the case's own
    (profil.templat, relative to the case folder), else the tool's."""
    case = load_case(case_dir)
    templates = template_files.for_case(case, templates)
    return build_revision(case, Path(out_root) / case.name, variants, converter=converter, templates=templates)


def build_revision(
    case: Case,
    case_out: Path,
    variants: tuple[Variant, ...] = VARIANTS,
    *,
    converter: Converter | None = None,
    templates: Path = DEFAULT_TEMPLATES,
    force: bool = False,
    layout_cache: layout.LayoutCache | None = None,
) -> BuildResult:
    """Build `case` into a new revision folder of `case_out` unless the newest one already is this
    build (`revisions.current`; or `force`); point `latest` and the stable paths at it. Returns
    the BuildResult with `revision` and `unchanged` set, its paths the stable links."""
    case_out = Path(case_out)
    # locked: builds of one case take turns (the second finds the first's revision unchanged),
    # and the holder sweeps the work folders a killed build left (sweep.output_folder)
    with output_folder(case_out, lock=True):
        revisions.adopt_old_layout(case_out)
        content = case_content(case)
        print_fp = fingerprint(content, templates)
        newest = None if force else revisions.current(case_out, print_fp, variants)
        if newest is not None:
            log.info("%s: nothing changed since %s", case.name, newest.name)
            return _unchanged(case, case_out, newest, variants)
        revisions.check_stable_paths(case_out, case.name, variants, len(case.lampiran))
        work = revisions.work_folder(case_out)
        try:
            result = build_case(
                case, work, variants, converter=converter, templates=templates, layout_cache=layout_cache
            )
            revisions.write_snapshot(case, content, work)
            rev = revisions.commit(case_out, work, revisions.info_of(case, content, variants, print_fp))
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    # The stable paths (links into `latest`), as `build` has always promised them.
    result.out_dir = case_out
    result.bundles = {v: case_out / p.name for v, p in result.bundles.items()}
    result.files = [case_out / p.name for p in result.files]
    result.revision, result.unchanged, result.revision_dir = rev.name, False, rev.path
    return result


def _unchanged(case: Case, case_out: Path, rev: revisions.Revision, variants: tuple[Variant, ...]) -> BuildResult:
    result = BuildResult(case=case, out_dir=case_out, revision=rev.name, unchanged=True, revision_dir=rev.path)
    for variant in variants:
        pdf = case_out / f"{case.name}-{variant}.pdf"
        result.bundles[variant] = pdf
        result.pages[variant] = bundle.page_count(pdf) if pdf.is_file() else 0
    result.files = sorted(case_out / p.name for p in rev.path.iterdir() if p.is_file())
    return result


def build_case(
    case: Case,
    out_dir: Path,
    variants: tuple[Variant, ...] = VARIANTS,
    *,
    converter: Converter | None = None,
    templates: Path = DEFAULT_TEMPLATES,
    layout_cache: layout.LayoutCache | None = None,
) -> BuildResult:
    """Build `variants` of an already loaded case into `out_dir` (e.g. a revision's work folder).

    Without a `converter`, one warm LibreOffice is started for this build and stopped after it
    (a build converts 5 documents: one warm process is twice as fast as a cold start for each).
    `layout_cache` shares settled lampiran page breaks between builds of the same table.
    """
    # a signed bundle is never touched: refuse before any work, not after it
    refuse_signed([out_dir / f"{case.name}-{v}.pdf" for v in variants])
    if converter is None:
        with ConverterPool(1) as pool:
            return build_case(case, out_dir, variants, converter=pool, templates=templates, layout_cache=layout_cache)
    started = time.monotonic()
    log.info("%s: building %s into %s", case.name, ", ".join(variants), out_dir)
    result = BuildResult(case=case, out_dir=out_dir)
    with output_folder(out_dir), tempfile.TemporaryDirectory(prefix=".build-", dir=out_dir) as tmp:
        manifest = Manifest.read(out_dir)
        produced = _produce(case, variants, converter, templates, Path(tmp), result, layout_cache)
        check_overwrites(manifest, [name for name, _ in produced])
        for name, path in produced:
            os.replace(path, out_dir / name)
            result.files.append(out_dir / name)
        result.bundles = {v: out_dir / p.name for v, p in result.bundles.items()}
        manifest.record(result.files)
        manifest.write(case, templates)
    pages = ", ".join(f"{variant} {count} pages" for variant, count in result.pages.items())
    log.info("%s: built in %.1f s (%s)", case.name, time.monotonic() - started, pages)
    return result


def _produce(
    case: Case,
    variants: tuple[Variant, ...],
    converter: Converter,
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
        log.debug("%s: rendered %s", case.name, docx.name)
        decrees[variant] = docx, bundle.read(converter.convert(docx, work / f"{stem}-keputusan.pdf"))
    specs = case.lampiran
    # each table's first variant: the second starts from its page starts and takes its pages
    converted: dict[int, layout.Converted] = {}
    for variant in variants:
        stem = f"{case.name}-{variant}"
        keputusan_docx, keputusan_pdf = decrees[variant]
        decree_pages = len(keputusan_pdf.pages)
        parts: list[tuple[str, Path | PdfReader | bundle.Spliced]] = [("Keputusan", keputusan_pdf)]
        lampiran_pages: list[tuple[int, int]] = []
        lampiran_docx: list[Path] = []
        last_page = decree_pages
        result.layout_passes[variant] = 0
        for index in range(len(specs)):
            first = last_page + 1 if decree.profil.nomor_halaman_lampiran == "lanjut" else 1
            docx = work / f"{stem}{revisions.lampiran_docx_suffix(index, len(specs))}"
            reader, passes = _lampiran(case, variant, index, docx, converter, templates, first, converted, layout_cache)
            result.layout_passes[variant] += passes
            lampiran_pages.append((last_page + 1, last_page + len(reader.pages)))
            last_page += len(reader.pages)
            parts.append((numbering.lampiran_name(index, len(specs)), reader))
            lampiran_docx.append(docx)
        meta = pdfa.DocMeta(
            title=f"Keputusan {decree.nama_penerbit} Nomor {decree.nomor_lengkap} tentang {decree.tentang}",
            author=decree.kantor.nama,
            subject=decree.tentang,
            created=numbering.build_time(decree.ditetapkan.tanggal),
        )
        pdf = bundle.merge(
            parts,
            work / f"{stem}.pdf",
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            created=meta.created,
        )
        result.bundles[variant] = pdf
        result.pages[variant] = last_page
        log.debug("%s: merged %s (%d pages)", case.name, pdf.name, result.pages[variant])
        # signature fields go in last, after merging: nothing may change the file once signed
        _, signing_json = fields.prepare(
            case, variant, pdf, decree_pages, result.pages[variant], meta, lampiran_pages=lampiran_pages
        )
        log.debug("%s: signature fields placed in %s", case.name, pdf.name)
        produced += [
            (pdf.name, pdf),
            (signing_json.name, signing_json),
            (keputusan_docx.name, keputusan_docx),
        ] + [(docx.name, docx) for docx in lampiran_docx]
    return produced


def _needs_layout(case: Case, index: int) -> bool:
    """A table must know where its pages break: the labels of groups merged down are printed
    again at the top of each page, and the closing block must not go to a page of its own
    without rows, which for a table longer than a page takes an explicit break (layout.py).
    Prose keeps its last paragraphs with the block by itself."""
    return case.lampiran[index].jenis in ("tabel", "anggota")


def _lampiran(
    case: Case,
    variant: Variant,
    index: int,
    docx: Path,
    converter: Converter,
    templates: Path,
    first_page: int,
    converted: dict[int, layout.Converted],
    layout_cache: layout.LayoutCache | None,
) -> tuple[PdfReader | bundle.Spliced, int]:
    """Render and convert the lampiran at `index`; its PDF opened, and the conversions it took.

    The first variant converted is kept in `converted`: the second is rendered with its page
    starts and takes its pages but the last from it (page_reuse.py)."""
    pdf = docx.with_suffix(".pdf")
    if not _needs_layout(case, index):
        render_lampiran(case, variant, docx, lampiran=index, first_page_number=first_page, templates=templates)
        return bundle.read(converter.convert(docx, pdf)), 1
    key, rows = "", []
    if layout_cache is not None:
        key, rows = layout.cache_key(case, templates, index), layout.row_signatures(case, index)
    owner = False
    earlier = converted.get(index)
    guess: layout.Pagination | frozenset[int] | None = earlier.pagination if earlier is not None else None
    if guess is None:
        guess, owner = layout_cache.begin(key, rows) if layout_cache is not None else (frozenset(), False)
    starts: frozenset[int] | None = None
    try:
        pagination, passes, reader = layout.lay_out_lampiran(
            case,
            variant,
            docx,
            pdf,
            converter,
            templates,
            lampiran=index,
            first_page_number=first_page,
            guess=guess,
            earlier=earlier,
        )
        starts = pagination.starts
    finally:
        if owner and layout_cache is not None:  # other offices with the same table wait for this result
            layout_cache.finish(key, rows, starts)
    if layout_cache is not None and not owner and passes > 1:
        layout_cache.record(key, rows, pagination.starts)  # the guess was wrong: remember this layout too
    log.debug("%s: page breaks of %s settled after %d conversion(s)", case.name, docx.name, passes)
    if earlier is None:
        converted[index] = layout.Converted(docx, reader, pagination, first_page)
    return reader, passes
