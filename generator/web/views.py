"""The pages staff use. Every view but login and the language switch needs a logged-in user
(LoginRequiredMiddleware); every case is looked up through `access`, so another office's case
is a 404; every action that changes something is a POST with Django's CSRF check."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from ..errors import DataError, KeputusanError
from ..messages import Lang, error_text, say, web_text
from ..model import MAX_LAMPIRAN
from ..render import VARIANTS
from ..revisions import lampiran_docx_suffix
from . import access, audit, paths, problems, uploads
from .forms import FileForm, NewCaseForm
from .models import AuditEvent, Case, Job, SignedCopy, Upload

log = logging.getLogger(__name__)

WORKBOOK = "keputusan.xlsx"
# what a revision offers for download: URL part -> file name after the case name
REVISION_FILES = {
    f"{variant}{suffix}": f"{variant}{suffix}"
    for variant in VARIANTS
    # a decree of several lampiran has a Word file for each (-lampiran-1.docx ...)
    for suffix in (".pdf", "-keputusan.docx", "-lampiran.docx", ".signing.json")
    + tuple(lampiran_docx_suffix(i, MAX_LAMPIRAN) for i in range(MAX_LAMPIRAN))
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _lang(request: HttpRequest) -> Lang:
    return "en" if getattr(request, "lang", "id") == "en" else "id"


def _download(path: Path, filename: str) -> FileResponse:
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- login, language


class LoginView(auth_views.LoginView):
    template_name = "keputusan_web/login.html"
    redirect_authenticated_user = True


login_view = login_not_required(LoginView.as_view())


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    lang = request.POST.get("lang", "id")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if lang in ("id", "en"):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 86400, samesite="Lax")
    return response


# ---------------------------------------------------------------- cases


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = access.visible_cases(request.user)
    form = NewCaseForm(cases=cases, lang=_lang(request))
    return render(
        request,
        "keputusan_web/case_list.html",
        {
            "cases": cases.prefetch_related("jobs"),
            "form": form,
            "office": access.office_of(request.user),
        },
    )


@require_POST
def case_new(request: HttpRequest) -> HttpResponse:
    office = access.office_of(request.user)
    if office is None:
        raise Http404
    cases = access.visible_cases(request.user)
    form = NewCaseForm(request.POST, cases=cases, lang=_lang(request))
    if not form.is_valid():
        code = "new.invalid" if "title" in form.errors else "new.invalid_lampiran"
        messages.error(request, web_text(code, _lang(request)))
        return redirect("cases")
    source: Case | None = form.cleaned_data["source"]
    case = None
    for _ in range(20):  # two requests at once may pick the same number: the unique name decides
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    office=office,
                    name=_next_name(office.kode),
                    title=form.cleaned_data["title"],
                    created_by=request.user,
                )
            break
        except IntegrityError:
            continue
    if case is None:
        raise RuntimeError("no free case name")
    from ..cases import init_case

    try:
        case.case_dir.parent.mkdir(parents=True, exist_ok=True)
        if source is not None:  # its lampiran are the source's
            init_case(case.case_dir, source.case_dir)
        else:
            init_case(case.case_dir, lampiran=form.cleaned_data["lampiran"])
    except KeputusanError:
        log.exception("init of %s failed", case.name)
        case.delete()
        messages.error(request, web_text("new.failed", _lang(request)))
        return redirect("cases")
    if source is not None:  # a copy of a clean case: clean too
        Case.objects.filter(pk=case.pk).update(
            workbook_clean=True, nomor=source.nomor, offices_listed=source.offices_listed
        )
    audit.record(request, AuditEvent.CASE_CREATED, case=case, source=source.name if source else None)
    messages.success(request, web_text("new.done", _lang(request)))
    return redirect("case", pk=case.pk)


def _batch_counts(job: Job | None) -> dict[str, int]:
    rows = (job.result or {}).get("offices", []) if job is not None else []
    counts = {"n": len(rows), "built": 0, "unchanged": 0, "failed": 0}
    for row in rows:
        if row.get("status") in counts:
            counts[row["status"]] += 1
    return counts


def _next_name(kode: str) -> str:
    """keputusan-<kode>-<n>: the next number of this office, past every case in the database and
    every folder on disk (a deleted case's files are never reused for a new one)."""
    taken = [int(n.rsplit("-", 1)[1]) for n in Case.objects.filter(office_id=kode).values_list("name", flat=True)]
    root = paths.office_root(kode)
    for area in ("cases", "outputs", "uploads"):
        if (root / area).is_dir():
            taken += [int(p.name.rsplit("-", 1)[1]) for p in (root / area).iterdir() if paths.CASE_NAME.match(p.name)]
    return f"keputusan-{kode}-{max(taken, default=0) + 1:04d}"


def _revisions(case: Case) -> list[dict]:
    from ..revisions import list_revisions

    builders = {
        j.revision: j for j in case.jobs.filter(kind=Job.BUILD, status=Job.DONE, unchanged=False).select_related("user")
    }
    rows = []
    for rev in reversed(list_revisions(case.case_out)):
        info = rev.info()
        job = builders.get(rev.name)
        rows.append(
            {
                "name": rev.name,
                "made": (info.get("dibuat") or "")[:16].replace("T", " "),
                "nomor": info.get("nomor", ""),
                "user": job.user.get_username() if job and job.user else "",
                "pages": (job.result or {}).get("pages", {}) if job else {},
            }
        )
    return rows


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for(request.user, pk)
    lang = _lang(request)
    last_upload = case.uploads.first()
    upload_rows = problems.render(last_upload.problems, lang, last_upload.original_name) if last_upload else []
    jobs = list(case.jobs.select_related("user")[:10])
    active = next((j for j in jobs if j.active), None)
    last_build = next((j for j in jobs if j.kind == Job.BUILD and not j.active), None)
    last_batch = next((j for j in jobs if j.kind == Job.BATCH and not j.active), None)
    revisions = _revisions(case)
    return render(
        request,
        "keputusan_web/case_detail.html",
        {
            "case": case,
            "last_upload": last_upload,
            "upload_rows": upload_rows,
            "upload_form": FileForm(label=web_text("upload.label", lang), accept=".xlsx"),
            "active": active,
            "last_build": last_build,
            "build_problems": problems.render(last_build.error.get("problems", []), lang, WORKBOOK)
            if last_build
            else [],
            "last_batch": last_batch,
            "batch_problems": problems.render(last_batch.error.get("problems", []), lang, WORKBOOK)
            if last_batch
            else [],
            "revisions": revisions,
            "may_batch": access.may_run_batch(request.user, case),
            "upload_mb": settings.UPLOAD_LIMIT // (1024 * 1024),
            "batch_counts": _batch_counts(last_batch),
        },
    )


@require_GET
def workbook_download(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for(request.user, pk)
    audit.record(request, AuditEvent.DOWNLOAD, case=case, file=WORKBOOK)
    return _download(case.case_dir / WORKBOOK, f"{case.name}.xlsx")


def _display_name(raw: str) -> str:
    """The user's file name, only ever shown: no folders, no control characters, not too long."""
    name = os.path.basename(raw.replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:120] or "workbook.xlsx"


@require_POST
def workbook_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for(request.user, pk)
    lang = _lang(request)
    form = FileForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        _refused_upload(request, case, "upload", "upload.too_large", mb=settings.UPLOAD_LIMIT // (1024 * 1024))
        return redirect(reverse("case", args=[case.pk]) + "#unggah")
    if not form.is_valid():
        messages.error(request, web_text("upload.choose_file", lang))
        return redirect(reverse("case", args=[case.pk]) + "#unggah")
    incoming = form.cleaned_data["file"]
    label = _display_name(incoming.name)
    saved = uploads.save_upload(incoming.chunks(), case.folder("uploads"), ".xlsx", settings.UPLOAD_LIMIT)
    if saved is None:
        _refused_upload(request, case, label, "upload.too_large", mb=settings.UPLOAD_LIMIT // (1024 * 1024))
        return redirect(reverse("case", args=[case.pk]) + "#unggah")
    path, size, digest = saved
    upload = Upload(case=case, user=request.user, original_name=label, stored_name=path.name, size=size, sha256=digest)
    refusal = uploads.check_workbook(path, label)
    if refusal.problems:
        upload.status, upload.problems = Upload.REFUSED, refusal.problems
    else:
        parsed, found = uploads.validate_workbook(path, case.name, settings.DATA_DIR / "tmp")
        if found:
            upload.status, upload.problems = Upload.PROBLEMS, problems.serialise(found)
        else:
            _install_workbook(path, case.case_dir)
            upload.status = Upload.OK
            Case.objects.filter(pk=case.pk).update(
                workbook_clean=True, nomor=parsed.decree.nomor_lengkap[:200], offices_listed=len(parsed.offices)
            )
    upload.save()
    audit.record(
        request,
        AuditEvent.UPLOAD,
        case=case,
        file=label,
        sha256=digest,
        status=upload.status,
        problems=len(upload.problems),
    )
    return redirect(reverse("case", args=[case.pk]) + "#unggah")


def _refused_upload(request, case: Case, label: str, code: str, **params) -> None:
    refusal = uploads.Refusal()
    refusal.add(code, name=label, **params)
    Upload.objects.create(
        case=case, user=request.user, original_name=label, status=Upload.REFUSED, problems=refusal.problems
    )
    audit.record(request, AuditEvent.UPLOAD, case=case, file=label, status=Upload.REFUSED, reason=code)


def _install_workbook(path: Path, case_dir: Path) -> None:
    """The clean upload becomes the case's workbook: written beside it, then renamed over it."""
    case_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".keputusan-", suffix=".xlsx", dir=case_dir)
    os.close(fd)
    try:
        shutil.copyfile(path, tmp)
        os.replace(tmp, case_dir / WORKBOOK)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- jobs


def _start_job(request: HttpRequest, case: Case, kind: str) -> Job | None:
    from .jobs import enqueue

    try:
        with transaction.atomic():
            job = Job.objects.create(case=case, kind=kind, user=request.user)
    except IntegrityError:  # one is queued or running already: that one will do
        messages.info(request, web_text("job.already", _lang(request)))
        return None
    enqueue(job)
    audit.record(request, AuditEvent.BUILD if kind == Job.BUILD else AuditEvent.BATCH, case=case, job=job.pk)
    return job


@require_POST
def build_start(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for(request.user, pk)
    if not case.workbook_clean:
        messages.error(request, web_text("build.not_clean", _lang(request)))
    else:
        _start_job(request, case, Job.BUILD)
    return redirect(reverse("case", args=[case.pk]) + "#bangun")


@require_POST
def batch_start(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for(request.user, pk)
    if not access.may_run_batch(request.user, case):
        raise Http404
    if not case.workbook_clean or not case.offices_listed:
        messages.error(request, web_text("batch.no_offices", _lang(request)))
    else:
        _start_job(request, case, Job.BATCH)
    return redirect(reverse("case", args=[case.pk]) + "#batch")


@require_GET
def job_status(request: HttpRequest, pk: int, job_id: int) -> JsonResponse:
    case = access.case_for(request.user, pk)
    job = case.jobs.filter(pk=job_id).first()
    if job is None:
        raise Http404
    lang = _lang(request)
    return JsonResponse(
        {
            "status": job.status,
            "active": job.active,
            "percent": job.percent,
            "step": web_text(job.step, lang) if job.step else web_text(f"job.status.{job.status}", lang),
            "seconds": (job.result or {}).get("seconds"),
        }
    )


# ---------------------------------------------------------------- revisions


def _revision(case: Case, rev: str):
    from ..revisions import list_revisions

    try:
        paths.revision_part(rev)
    except ValueError:
        raise Http404 from None
    for found in list_revisions(case.case_out):
        if found.name == rev:
            return found
    raise Http404


@require_GET
def revision_detail(request: HttpRequest, pk: int, rev: str) -> HttpResponse:
    from .previews import ensure_thumbnails

    case = access.case_for(request.user, pk)
    revision = _revision(case, rev)
    lang = _lang(request)
    variants = []
    for variant in VARIANTS:
        pdf = revision.path / f"{case.name}-{variant}.pdf"
        if not pdf.is_file():
            continue
        try:
            count = ensure_thumbnails(pdf, case.folder("previews") / rev / variant)
        except KeputusanError:
            log.exception("previews of %s %s", case.name, rev)
            count = 0
        variants.append({"name": variant, "pages": list(range(1, count + 1))})
    info = revision.info()
    return render(
        request,
        "keputusan_web/revision.html",
        {
            "case": case,
            "rev": rev,
            "info": info,
            "made": (info.get("dibuat") or "")[:16].replace("T", " "),
            "variants": variants,
            "files": [
                (key, f"{case.name}-{name}")
                for key, name in REVISION_FILES.items()
                if (revision.path / f"{case.name}-{name}").is_file()
            ],
            "signed": case.signed.filter(revision=rev).select_related("user"),
            "signed_form": FileForm(label=web_text("signed.label", lang), accept=".pdf,application/pdf"),
        },
    )


@require_GET
def revision_image(request: HttpRequest, pk: int, rev: str, variant: str, kind: str, page: int) -> HttpResponse:
    from .previews import page_image

    case = access.case_for(request.user, pk)
    revision = _revision(case, rev)
    if variant not in VARIANTS or kind not in ("thumb", "page"):
        raise Http404
    folder = case.folder("previews") / rev / variant
    if kind == "thumb":
        image: Path | None = folder / f"thumb-{page:03d}.png"
    else:
        try:
            image = page_image(revision.path / f"{case.name}-{variant}.pdf", folder, page)
        except KeputusanError:
            log.exception("page image of %s %s", case.name, rev)
            image = None
    if image is None or not image.is_file():
        raise Http404
    response = FileResponse(image.open("rb"), content_type="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def revision_file(request: HttpRequest, pk: int, rev: str, what: str) -> HttpResponse:
    case = access.case_for(request.user, pk)
    revision = _revision(case, rev)
    if what not in REVISION_FILES:
        raise Http404
    name = f"{case.name}-{REVISION_FILES[what]}"
    audit.record(request, AuditEvent.DOWNLOAD, case=case, revision=rev, file=name)
    return _download(revision.path / name, name)


@require_POST
def signed_upload(request: HttpRequest, pk: int, rev: str) -> HttpResponse:
    from ..signing import verify

    case = access.case_for(request.user, pk)
    revision = _revision(case, rev)
    lang = _lang(request)
    back = redirect(reverse("revision", args=[case.pk, rev]) + "#ttd")
    form = FileForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False) or not form.is_valid():
        messages.error(request, web_text("signed.choose_file", lang, mb=settings.UPLOAD_LIMIT // (1024 * 1024)))
        return back
    incoming = form.cleaned_data["file"]
    label = _display_name(incoming.name)
    folder = case.folder("signed") / rev
    saved = uploads.save_upload(incoming.chunks(), folder, ".pdf", settings.UPLOAD_LIMIT)
    if saved is None:
        messages.error(request, web_text("signed.choose_file", lang, mb=settings.UPLOAD_LIMIT // (1024 * 1024)))
        return back
    path, size, digest = saved

    def refuse(code: str) -> HttpResponse:
        path.unlink(missing_ok=True)
        messages.error(request, web_text(code, lang, name=label, rev=rev))
        audit.record(request, AuditEvent.SIGNED_UPLOAD, case=case, revision=rev, file=label, status=code)
        return back

    if not uploads.looks_like_pdf(path):
        return refuse("signed.not_pdf")
    variant = _signed_variant(path, revision.path, case.name)
    if variant is None:
        return refuse("signed.not_this_revision")
    try:
        report = verify(path, [Path(p) for p in settings.TRUST_ROOTS])
    except KeputusanError:
        return refuse("signed.unreadable")
    if not report.signatures:
        return refuse("signed.no_signature")
    stored = {
        "signatures": [{k: v for k, v in dataclasses.asdict(s).items()} | {"ok": s.ok} for s in report.signatures],
        "empty_fields": report.empty_fields,
        "trust_given": report.trust_given,
        "sha256": digest,
        "size": size,
    }
    SignedCopy.objects.create(
        case=case,
        revision=rev,
        variant=variant,
        user=request.user,
        original_name=label,
        stored_name=path.name,
        ok=report.ok,
        report=stored,
    )
    audit.record(request, AuditEvent.SIGNED_UPLOAD, case=case, revision=rev, file=label, ok=report.ok, sha256=digest)
    if report.ok:
        messages.success(request, web_text("signed.ok", lang, name=label, variant=variant))
    else:
        messages.error(request, web_text("signed.failed", lang, name=label))
    return back


def _signed_variant(signed: Path, rev_dir: Path, case_name: str) -> str | None:
    """The variant whose bundle the signed file starts with, byte for byte: a signature is an
    incremental update, so a copy signed from this revision begins with its exact bytes."""
    size = signed.stat().st_size
    for variant in VARIANTS:
        bundle = rev_dir / f"{case_name}-{variant}.pdf"
        if not bundle.is_file() or bundle.stat().st_size >= size:
            continue
        with bundle.open("rb") as a, signed.open("rb") as b:
            while True:
                chunk = a.read(1 << 20)
                if not chunk:
                    return variant
                if b.read(len(chunk)) != chunk:
                    break
    return None


@require_GET
def signed_download(request: HttpRequest, pk: int, signed_id: int) -> HttpResponse:
    case = access.case_for(request.user, pk)
    copy = case.signed.filter(pk=signed_id).first()
    if copy is None:
        raise Http404
    path = case.folder("signed") / paths.revision_part(copy.revision) / copy.stored_name
    name = f"{case.name}-{copy.variant}-{copy.revision}-ttd.pdf"
    audit.record(request, AuditEvent.DOWNLOAD, case=case, revision=copy.revision, file=name)
    return _download(path, name)


# ---------------------------------------------------------------- daftar perubahan


def _shorten(text: str, context: int = 12) -> str:
    """Long unchanged stretches between changed words, shortened as the CLI does."""
    words = text.split()
    return text if len(words) <= 2 * context else " ".join(words[:context]) + " … " + " ".join(words[-context:])


def _change_rows(comparison, lang: Lang) -> list[dict]:
    from ..diff import SECTIONS, describe

    sections = []
    for key in SECTIONS:
        items = []
        for change in comparison.changes:
            if change.section != key:
                continue
            collected: list[tuple[str, str]] = []

            def collect(words, collected=collected) -> str:
                collected.extend(words)
                return "\x00"

            before, _, after = describe(change, lang, words=collect).partition("\x00")
            items.append(
                {
                    "before": before,
                    "words": [(op, _shorten(text) if op == "=" else text) for op, text in collected],
                    "after": after,
                }
            )
        if items:
            sections.append({"title": say(f"diff.section.{key}", lang), "items": items})
    return sections


@require_GET
def changes(request: HttpRequest, pk: int) -> HttpResponse:
    from ..diff import compare_revisions, write_pdf
    from ..revisions import list_revisions

    case = access.case_for(request.user, pk)
    lang = _lang(request)
    names = [r.name for r in list_revisions(case.case_out)]
    old = request.GET.get("dari") or (names[-2] if len(names) >= 2 else "")
    new = request.GET.get("ke") or (names[-1] if names else "")
    context: dict = {"case": case, "names": names, "old": old, "new": new}
    if old not in names or new not in names:
        context["problem_rows"] = [] if len(names) < 2 else None
        return render(request, "keputusan_web/changes.html", context)
    try:
        comparison = compare_revisions(case.case_out, old, new)
    except DataError as exc:
        context["problem_rows"] = problems.render(problems.serialise(exc.problems), lang)
        return render(request, "keputusan_web/changes.html", context)
    if request.GET.get("pdf") == "1":
        target = case.folder("diffs") / f"daftar-perubahan-{old}-{new}-{lang}.pdf"
        if not target.is_file():
            try:
                write_pdf(comparison, target, lang)
            except KeputusanError as exc:
                messages.error(request, error_text(exc, lang))
                return redirect(reverse("changes", args=[case.pk]) + f"?dari={old}&ke={new}")
        name = f"{case.name}-daftar-perubahan-{old}-{new}.pdf"
        audit.record(request, AuditEvent.DOWNLOAD, case=case, file=name)
        return _download(target, name)
    context.update(
        comparison=comparison,
        sections=_change_rows(comparison, lang),
        count=len(comparison.changes),
    )
    return render(request, "keputusan_web/changes.html", context)


# ---------------------------------------------------------------- batch


@require_GET
def batch_file(request: HttpRequest, pk: int, job_id: int, kode: str, variant: str) -> HttpResponse:
    case = access.case_for(request.user, pk)
    if not access.may_run_batch(request.user, case) or variant not in VARIANTS:
        raise Http404
    job = case.jobs.filter(pk=job_id, kind=Job.BATCH, status=Job.DONE).first()
    if job is None:
        raise Http404
    row = next((r for r in job.result.get("offices", []) if r.get("kode") == kode), None)
    if row is None or not paths.CASE_NAME.match(case.name):
        raise Http404
    folder_name = str(row.get("folder", ""))
    root = case.folder("batches")
    office_dir = root / folder_name
    if Path(folder_name).name != folder_name or not office_dir.is_dir():
        raise Http404
    name = f"{folder_name}-{variant}.pdf"
    audit.record(request, AuditEvent.DOWNLOAD, case=case, file=name, office=kode)
    return _download(office_dir / name, name)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403.html", status=403)
