"""Background jobs: builds and batches, run by one worker process on a warm LibreOffice pool.

The queue is huey's, stored in SQLite in the data folder, so queued jobs survive a restart;
what staff see (status, progress, result, problems) is the `Job` row. The worker (`python -m
generator.web.worker`, started by `keputusan serve`) starts its `ConverterPool` once and keeps it
between jobs, so a build started from the page pays no LibreOffice start-up. A job is
idempotent: running a finished job again does nothing, and a job interrupted by a restart is
queued again when the worker starts. Two builds of one case never run at once: the database
allows one unfinished job per case, and the job holds a file lock on the case while it runs.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from filelock import FileLock, Timeout
from huey import SqliteHuey

from .. import atomic
from ..converter import ConversionStats, Converter
from ..errors import ConversionError, DataError, KeputusanError
from ..layout import LayoutCache
from ..messages import LANGS, error_text, web_text
from ..render import VARIANTS
from .models import Case, Job
from .problems import serialise

log = logging.getLogger(__name__)

huey = SqliteHuey("keputusan", filename=str(settings.DATA_DIR / "jobs.sqlite3"), results=False, store_none=False)

LOCK_TIMEOUT = 900.0  # seconds a job waits for another one holding its case


class _WarmPool:
    """The worker's one ConverterPool, started on first use and kept for the next jobs."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pool: Any = None

    def get(self):
        with self.lock:
            if self.pool is None or self.pool.closed:
                from ..warm import ConverterPool

                self.pool = ConverterPool(settings.POOL_SIZE)
                self.pool.start()
            return self.pool

    def close(self) -> None:
        with self.lock:
            if self.pool is not None:
                self.pool.close()
                self.pool = None


_warm = _WarmPool()
LAYOUT_FILE = settings.DATA_DIR / "layout-cache.json"


def _load_layouts() -> LayoutCache:
    """Settled lampiran page breaks, kept between builds and restarts (they are only guesses:
    every conversion checks its own breaks)."""
    try:
        return LayoutCache(json.loads(LAYOUT_FILE.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        return LayoutCache()


_layouts = _load_layouts()
pool = _warm.get


@huey.on_startup()
def _warm_up() -> None:
    pool()  # LibreOffice starts now, not when the first staff member clicks Build


@huey.on_shutdown()
def close_pool() -> None:
    _warm.close()


def error_texts(exc: BaseException) -> dict[str, str]:
    """An error as staff read it, in both languages: the library's one renderer, as the CLI says it."""
    return {lang: error_text(exc, lang) for lang in LANGS}


class _Progress:
    """A converter (`converter.Converter`) that reports each document it converts to the job's row;
    the worker's pool does the converting, and stays open when the job is done."""

    def __init__(self, converter: Converter, job: Job, first_step: int, last_step: int):
        self.converter = converter
        self.job = job
        self.step = first_step
        self.last = last_step

    @property
    def stats(self) -> ConversionStats:
        return self.converter.stats

    def close(self) -> None:
        """Nothing: the pool is the worker's, kept for the next job."""

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def convert(self, src: Path, dst: Path) -> Path:
        name = Path(src).name
        document = "lampiran" if "-lampiran" in name else "keputusan"
        variant = "salinan" if "-salinan-" in name else "asli"
        _update(self.job, step=f"step.{document}.{variant}", done_steps=min(self.step, self.last))
        result = self.converter.convert(src, dst)
        self.step += 1
        return result


def _update(job: Job, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))


def enqueue(job: Job) -> None:
    run_job(job.pk)


@huey.task()
def run_job(job_id: int) -> None:
    close_old_connections()
    try:
        job = Job.objects.select_related("case").filter(pk=job_id).first()
        if job is None or not job.active:
            return  # done already (a duplicate from a requeue), or deleted
        _update(job, status=Job.RUNNING, started_at=timezone.now(), step="step.waiting")
        case = job.case
        lock = FileLock(str(case.case_out) + ".lock", timeout=LOCK_TIMEOUT)
        try:
            with lock:
                if job.kind == Job.BATCH:
                    _run_batch(job, case)
                else:
                    _run_build(job, case)
        except Timeout:
            _fail(job, {lang: web_text("job.busy", lang) for lang in LANGS})
    except DataError as exc:
        _fail(job, {"problems": serialise(exc.problems)})
    except KeputusanError as exc:
        _fail(job, error_texts(exc))
    except Exception as exc:
        log.exception("job %s failed", job_id)
        _fail(job, error_texts(exc))
    finally:
        close_old_connections()


def _fail(job: Job, error: dict) -> None:
    _update(job, status=Job.FAILED, error=error, finished_at=timezone.now(), step="")


def _run_build(job: Job, case: Case) -> None:
    from .. import template_files
    from ..load import load_case
    from ..pipeline import build_revision
    from .previews import ensure_thumbnails

    started = time.monotonic()
    conversions = 2 * len(VARIANTS)  # a decree and a lampiran per variant (more if page breaks move)
    _update(job, step="step.checking", done_steps=0, total_steps=1 + conversions)
    loaded = load_case(case.case_dir)
    converter = _Progress(pool(), job, 1, conversions)
    # as pipeline.build, plus the worker's layout cache: a rebuild whose plan table did not
    # change finds its page breaks at the first conversion
    templates = template_files.for_case(loaded)
    result = build_revision(
        loaded, case.case_out, VARIANTS, converter=converter, templates=templates, layout_cache=_layouts
    )
    Case.objects.filter(pk=case.pk).update(nomor=loaded.decree.nomor_lengkap[:200])
    atomic.write_json(LAYOUT_FILE, _layouts.to_json())
    _update(
        job,
        status=Job.DONE,
        step="",
        finished_at=timezone.now(),
        revision=result.revision,
        unchanged=result.unchanged,
        result={"pages": result.pages, "seconds": round(time.monotonic() - started, 2)},
    )
    # the bundles are ready to download; the thumbnails follow (the revision page waits for them)
    rev_dir = case.case_out / result.revision
    for variant in VARIANTS:
        try:
            ensure_thumbnails(
                rev_dir / f"{case.name}-{variant}.pdf", case.folder("previews") / result.revision / variant
            )
        except ConversionError:
            log.exception("thumbnails of %s %s", case.name, result.revision)


def _run_batch(job: Job, case: Case) -> None:
    from ..batch import run_batch
    from ..offices import read_batch

    batch = read_batch(case.case_dir)
    outside = [o.kode for o in batch.offices if not case.office.covers(o.kode)]
    if outside:
        _fail(job, {"outside": outside})
        return
    converter = pool()

    def progress(done: int, total: int, office) -> None:
        _update(job, step="step.batch", done_steps=done, total_steps=max(total, 1))

    result = run_batch(
        case.case_dir, case.folder("batches"), jobs=converter.size, converter=converter, progress=progress
    )
    rows = []
    for office in result.offices:
        errors: dict[str, str] = {}
        if office.exception is not None:
            errors = error_texts(office.exception)
        elif office.error:
            errors = {lang: office.error for lang in LANGS}
        rows.append(
            {
                "kode": office.kode,
                "kantor": office.kantor,
                "folder": office.folder,
                "status": office.status,
                "pages": office.pages,
                "revision": office.revision,
                "seconds": round(office.seconds, 1),
                "error": errors,
            }
        )
    _update(
        job,
        status=Job.DONE,
        step="",
        finished_at=timezone.now(),
        result={"offices": rows, "seconds": round(result.seconds, 1)},
    )


def requeue_unfinished() -> int:
    """Queue again every job that was queued or running when the server stopped."""
    jobs = list(Job.objects.filter(status__in=Job.ACTIVE).order_by("created_at"))
    for job in jobs:
        if job.status == Job.RUNNING:
            _update(job, status=Job.QUEUED, step="", done_steps=0)
        enqueue(job)
    return len(jobs)
