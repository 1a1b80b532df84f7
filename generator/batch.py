"""Batch: every office of a batch folder, built on a pool of warm converters. Scheduling only.

What each office's case is comes from `offices`; building one office is
`pipeline.build_revision`; conversions are `warm.ConverterPool`. An office is unchanged when
`revisions.current` says so — the same fingerprint (`outputs.fingerprint`) and outputs ours and
unchanged, as `keputusan build` decides — and is then not rebuilt. `DIR/.batch-state.json` only
caches each office's fingerprint, keyed by a hash of its inputs and of the tool's code, so that
a batch with nothing changed needs to load no case. This module runs the offices on threads of
this process against N warm LibreOffice processes, reports progress to the caller from the
calling thread, keeps going when one office fails, and writes `DIR/batch-report.json`.
`DIR/.lock` keeps a second batch out of a folder being written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, atomic, revisions, template_files
from .errors import BatchIncomplete, DataError, KeputusanError, OutputError
from .messages import Place, problem
from .offices import Batch, Office, read_batch
from .outputs import folder_lock  # DIR/.lock: the one lock helper of output folders

if TYPE_CHECKING:
    from .converter import Converter
    from .layout import LayoutCache

log = logging.getLogger(__name__)

STATE_FILE = ".batch-state.json"
REPORT_FILE = "batch-report.json"
STATE_VERSION = 2  # 2: per office the fingerprint cached (1 kept its own digests of the outputs)

BUILT, UNCHANGED, FAILED = "built", "unchanged", "failed"


@dataclass
class OfficeResult:
    kode: str
    kantor: str  # the region, e.g. "Kabupaten Lombok Barat"
    folder: str
    status: str = FAILED  # built | unchanged | failed
    pages: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    exit_code: int | None = None  # of the error, as `keputusan build` would exit
    bundles: list[str] = field(default_factory=list)
    layout_passes: dict[str, int] = field(default_factory=dict)  # lampiran conversions per variant
    revision: str = ""  # the office's revision folder, e.g. rev-002
    exception: Exception | None = field(default=None, repr=False)  # why it failed (not reported)
    fingerprint: str = field(default="", repr=False)  # of its revision (outputs.fingerprint; not reported)


@dataclass
class BatchResult:
    batch: str
    out_dir: Path
    offices: list[OfficeResult]
    seconds: float
    jobs: int
    converter: dict[str, Any] | None  # the converter's statistics, when anything was converted
    report: Path

    @property
    def failed(self) -> list[OfficeResult]:
        return [r for r in self.offices if r.status == FAILED]

    def count(self, status: str) -> int:
        return sum(1 for r in self.offices if r.status == status)


Progress = Callable[[int, int, "OfficeResult | None"], None]


def run_batch(
    batch_dir: str | Path,
    out_dir: str | Path,
    *,
    jobs: int | None = None,
    only: Iterable[str] = (),
    force: bool = False,
    progress: Progress | None = None,
    converter: Converter | None = None,
    timeout: float | None = None,
    recycle_after: int | None = None,
    templates: Path | None = None,
) -> BatchResult:
    """Build the offices of `batch_dir` into `out_dir/<code>-<slug>/`; never raises for one office.

    `converter`: an already started converter to use (tests inject faulty ones); by default a
    `ConverterPool` of `jobs` processes runs for the duration of the batch. `progress(done,
    total, result)` is called from this thread: once with result None at the start, then once
    per office. `templates`: a folder of the office's own Word templates, which wins over the
    base case's profil.templat. Raises DataError (bad batch file or templates), OutputLocked
    (another batch on `out_dir`).
    """
    started = time.monotonic()
    batch = read_batch(batch_dir)
    # --templates, else the base case's own (profil.templat), else the tool's
    templates = template_files.checked(templates or batch.templates_setting())
    selected = _select(batch, list(only))
    out_dir = Path(out_dir)
    from .warm import default_jobs

    jobs = jobs or default_jobs()
    created = not out_dir.exists()
    try:
        with folder_lock(out_dir):
            return _run_locked(
                batch,
                selected,
                out_dir,
                jobs,
                force,
                progress,
                converter,
                timeout,
                recycle_after,
                templates,
                started,
                list(only),
            )
    except DataError:  # the base case itself is wrong: nothing was built, leave nothing behind
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise


def _run_locked(
    batch: Batch,
    selected: list[Office],
    out_dir: Path,
    jobs: int,
    force: bool,
    progress: Progress | None,
    converter: Converter | None,
    timeout: float | None,
    recycle_after: int | None,
    templates: Path,
    started: float,
    only: list[str],
) -> BatchResult:
    state = _read_state(out_dir)
    offices_state: dict[str, Any] = state.setdefault("offices", {})
    tool = _tool_digest(templates)
    shared = batch.shared_digest()
    inputs = {o.kode: _inputs_digest(tool, shared, o) for o in selected}

    results: dict[str, OfficeResult] = {}
    to_build: list[Office] = []
    for office in selected:
        decided = None if force else _decide(batch, office, out_dir, offices_state, inputs[office.kode], templates)
        if decided is None:
            to_build.append(office)
        else:
            results[office.kode] = decided
    log.info(
        "batch %s: %d offices, %d to build, %d unchanged, %d refused",
        batch.name,
        len(selected),
        len(to_build),
        sum(1 for r in results.values() if r.status == UNCHANGED),
        sum(1 for r in results.values() if r.status == FAILED),
    )
    total = len(selected)
    if progress:
        progress(0, total, None)
        for done, decided in enumerate(results.values(), start=1):
            progress(done, total, decided)

    stats = None
    try:
        if to_build:
            stats = _build_all(
                batch,
                to_build,
                out_dir,
                jobs,
                converter,
                timeout,
                recycle_after,
                templates,
                state,
                inputs,
                results,
                lambda r: progress and progress(len(results), total, r),
                force,
            )
    except DataError:
        raise  # nothing built: no state or report to write
    except BaseException:
        _finish(batch, selected, results, out_dir, state, started, jobs, stats, only, force)
        raise
    return _finish(batch, selected, results, out_dir, state, started, jobs, stats, only, force)


def _finish(
    batch: Batch,
    selected: list[Office],
    results: dict[str, OfficeResult],
    out_dir: Path,
    state: dict[str, Any],
    started: float,
    jobs: int,
    stats: dict[str, Any] | None,
    only: list[str],
    force: bool,
) -> BatchResult:
    """Write the state (what is up to date) and the report, also after an interruption."""
    _write_json(out_dir / STATE_FILE, state)
    ordered = [results[o.kode] for o in selected if o.kode in results]
    result = BatchResult(
        batch=batch.name,
        out_dir=out_dir,
        offices=ordered,
        seconds=time.monotonic() - started,
        jobs=jobs,
        converter=stats,
        report=out_dir / REPORT_FILE,
    )
    _write_report(result, batch, only=only, force=force, interrupted=len(ordered) < len(selected))
    return result


def raise_for_failures(result: BatchResult) -> None:
    """BatchIncomplete when any office failed (for callers that want an exception)."""
    if result.failed:
        raise BatchIncomplete(
            "batch.incomplete",
            failed=len(result.failed),
            n=len(result.offices),
            codes=", ".join(r.kode for r in result.failed),
            report=result.report,
        )


# ---------------------------------------------------------------- building


def _build_all(
    batch: Batch,
    to_build: list[Office],
    out_dir: Path,
    jobs: int,
    converter: Converter | None,
    timeout: float | None,
    recycle_after: int | None,
    templates: Path,
    state: dict[str, Any],
    inputs: dict[str, str],
    results: dict[str, OfficeResult],
    on_result: Callable[[OfficeResult], object],
    force: bool = False,
) -> dict[str, Any]:
    from .convert import DEFAULT_TIMEOUT
    from .layout import LayoutCache
    from .warm import DEFAULT_RECYCLE, ConverterPool

    jobs = min(jobs, len(to_build))
    pool: ConverterPool | None = None
    if converter is None:  # starts booting LibreOffice now, while the base case is read
        pool = ConverterPool(jobs, timeout=timeout or DEFAULT_TIMEOUT, recycle_after=recycle_after or DEFAULT_RECYCLE)
        pool.start()
        converter = pool
    cache = LayoutCache(state.get("layout"))
    try:
        batch.base()  # the base case itself wrong (DataError): no office can be built
        # More offices in progress than LibreOffice processes: while one office renders or
        # merges (Python), or waits for the page breaks another office is settling, the
        # processes convert other offices' documents.
        with ThreadPoolExecutor(max_workers=max(4, 3 * jobs), thread_name_prefix="keputusan-office") as ex:
            pending: dict[Future[OfficeResult], Office] = {
                ex.submit(_build_office, batch, office, out_dir, converter, templates, cache, force): office
                for office in to_build
            }
            try:
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        office = pending.pop(future)
                        result = future.result()
                        results[office.kode] = result
                        if result.status != FAILED:
                            _remember(state["offices"], office, inputs[office.kode], result)
                        else:
                            state["offices"].pop(office.kode, None)
                        on_result(result)
            except BaseException:  # Ctrl-C or a bug here: stop quickly, leave nothing running
                for future in pending:
                    future.cancel()
                if pool is not None:
                    pool.close()  # running conversions fail now instead of finishing
                raise
        state["layout"] = cache.to_json()
    finally:
        if pool is not None:
            pool.close()
    processes = converter.size if isinstance(converter, ConverterPool) else jobs
    return {"processes": processes, **converter.stats.as_dict()}


def _build_office(
    batch: Batch,
    office: Office,
    out_dir: Path,
    converter: Converter,
    templates: Path,
    cache: LayoutCache,
    force: bool,
) -> OfficeResult:
    from .offices import office_case
    from .pipeline import build_revision

    result = OfficeResult(kode=office.kode, kantor=office.wilayah, folder=office.folder)
    started = time.monotonic()
    folder = out_dir / office.folder
    existed = folder.exists()
    try:
        case = office_case(batch, office)
        # a revision of its own, as `keputusan build` makes: DIR/<code>-<name>/rev-NNN, linked
        built = build_revision(case, folder, converter=converter, templates=templates, force=force, layout_cache=cache)
        result.status = UNCHANGED if built.unchanged else BUILT
        result.revision = built.revision
        result.pages = dict(built.pages)
        result.bundles = [p.name for p in built.bundles.values()]
        result.layout_passes = dict(built.layout_passes)
        if built.revision_dir is not None:
            result.fingerprint = str(revisions.read_info(built.revision_dir).get("sidik", ""))
    except KeputusanError as exc:
        result.error, result.exit_code, result.exception = str(exc), exc.exit_code, exc
    except Exception as exc:  # a bug must not take the other offices down; it is reported
        log.exception("office %s: internal error", office.kode)
        result.error, result.exit_code, result.exception = f"internal error: {type(exc).__name__}: {exc}", 1, exc
    finally:
        result.seconds = round(time.monotonic() - started, 2)
        if result.status != BUILT and not existed:
            try:
                folder.rmdir()  # nothing was written: leave no empty folder
            except OSError:
                pass
    log.info(
        "office %s: %s%s in %.1f s%s",
        office.kode,
        result.status,
        f" {result.revision}" if result.revision else "",
        result.seconds,
        f" ({result.error})" if result.error else "",
    )
    return result


# ---------------------------------------------------------------- what to rebuild


def _tool_digest(templates: Path) -> str:
    """The tool's version, its code and the templates: what the cached fingerprints depend on
    besides the inputs (new code may read the same inputs differently)."""
    digest = hashlib.sha256(f"keputusan {__version__}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")) + sorted(templates.glob("*.docx")):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _inputs_digest(tool: str, shared: str, office: Office) -> str:
    """The key of an office's cached fingerprint: the tool, the shared inputs, its own entry."""
    entry = json.dumps(office.raw, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{tool}\n{shared}\n{entry}".encode()).hexdigest()


def _decide(
    batch: Batch, office: Office, out_dir: Path, offices_state: dict[str, Any], inputs: str, templates: Path
) -> OfficeResult | None:
    """The office's result when nothing needs building: UNCHANGED (its newest revision is
    current) or FAILED (it is, but one of its files was signed or edited: nothing may be
    overwritten). None: build it."""
    folder = out_dir / office.folder
    cached = offices_state.get(office.kode)
    if not (isinstance(cached, dict) and cached.get("inputs") == inputs and cached.get("folder") == office.folder):
        cached = None  # its inputs or the tool changed since: the fingerprint is computed afresh
    if cached is not None:
        print_fp, variants = str(cached.get("fingerprint")), list(cached.get("variants") or ())
    elif not revisions.list_revisions(folder):
        return None  # never built here (or built before revisions: the build adopts it)
    else:
        from .content import case_content
        from .offices import office_case
        from .outputs import fingerprint
        from .render import VARIANTS

        batch.base()  # the base case itself wrong (DataError): nothing can be built, exit 2
        try:
            case = office_case(batch, office)
        except KeputusanError:
            return None  # the build reports it, with the office's place
        print_fp, variants = fingerprint(case_content(case), templates), list(VARIANTS)
    result = OfficeResult(kode=office.kode, kantor=office.wilayah, folder=office.folder)
    try:
        rev = revisions.current(folder, print_fp, variants) if variants else None
    except OutputError as exc:
        offices_state.pop(office.kode, None)
        result.error, result.exit_code, result.exception = str(exc), exc.exit_code, exc
        log.info("office %s: refused: %s", office.kode, exc)
        return result
    if rev is None:
        return None
    result.status, result.revision = UNCHANGED, rev.name
    result.bundles = [f"{office.folder}-{v}.pdf" for v in variants]
    if cached is not None and cached.get("revision") == rev.name and isinstance(cached.get("pages"), dict):
        result.pages = dict(cached["pages"])
    else:
        from .bundle import page_count

        result.pages = {v: page_count(folder / f"{office.folder}-{v}.pdf") for v in variants}
    result.fingerprint = print_fp
    _remember(offices_state, office, inputs, result)
    log.debug("office %s: unchanged since %s", office.kode, rev.name)
    return result


def _remember(offices_state: dict[str, Any], office: Office, inputs: str, result: OfficeResult) -> None:
    """Cache what a later batch needs to find the office unchanged without loading its case."""
    offices_state[office.kode] = {
        "inputs": inputs,
        "fingerprint": result.fingerprint,
        "variants": list(result.pages),
        "folder": office.folder,
        "revision": result.revision,
        "pages": result.pages,
        "bundles": result.bundles,
    }


def _select(batch: Batch, only: list[str]) -> list[Office]:
    if not only:
        return list(batch.offices)
    known = {o.kode for o in batch.offices}
    unknown = [code for code in only if code not in known]
    if unknown:
        import difflib

        problems = []
        for code in unknown:
            guess = difflib.get_close_matches(code, sorted(known), n=1)
            place = Place(f"--only {code}")
            if guess:
                problems.append(problem("office.only_unknown", place, kode=code, file=str(batch.file), guess=guess[0]))
            else:
                codes = ", ".join(o.kode for o in batch.offices)
                problems.append(
                    problem("office.only_unknown_noguess", place, kode=code, file=str(batch.file), codes=codes)
                )
        raise DataError(problems)
    return [o for o in batch.offices if o.kode in set(only)]


# ---------------------------------------------------------------- files


def _read_state(out_dir: Path) -> dict:
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
        if state.get("version") == STATE_VERSION and isinstance(state.get("offices"), dict):
            return state
    except (OSError, ValueError, AttributeError):
        pass
    return {"version": STATE_VERSION, "offices": {}}


def _write_json(path: Path, data) -> None:
    atomic.write_json(path, data)


def _write_report(result: BatchResult, batch: Batch, *, only: list[str], force: bool, interrupted: bool) -> None:
    offices = []
    for r in result.offices:
        entry = {f.name: getattr(r, f.name) for f in fields(r) if f.name not in ("exception", "fingerprint")}
        offices.append(entry)
    _write_json(
        result.report,
        {
            "tool": "keputusan",
            "version": __version__,
            "batch": str(batch.directory),
            "finished": dt.datetime.now().isoformat(timespec="seconds"),
            "seconds": round(result.seconds, 2),
            "jobs": result.jobs,
            "only": only,
            "force": force,
            "interrupted": interrupted,
            "summary": {status: result.count(status) for status in (BUILT, UNCHANGED, FAILED)},
            "converter": result.converter,
            "offices": offices,
        },
    )
