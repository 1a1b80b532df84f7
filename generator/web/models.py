"""What the application keeps in its database. The decrees themselves (workbooks, revisions,
PDFs) stay in the data folder, laid out by `paths`; the database says who owns what."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from . import paths

kode_validator = RegexValidator(r"^\d{2}(\d{2})?$", "2 digits (province) or 4 digits (kabupaten/kota)")


class Office(models.Model):
    """A KPU office, by its Kemendagri region code: 52 (a province), 5201 (a kabupaten/kota)."""

    kode = models.CharField("kode wilayah", max_length=4, primary_key=True, validators=[kode_validator])
    nama = models.CharField("nama kantor", max_length=200)

    class Meta:
        ordering = ["kode"]
        verbose_name = "kantor"
        verbose_name_plural = "kantor"

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    @property
    def is_province(self) -> bool:
        return len(self.kode) == 2

    def covers(self, kode: str) -> bool:
        """A province covers itself and its kabupaten/kota; any other office only itself."""
        return kode == self.kode or (self.is_province and len(kode) == 4 and kode.startswith(self.kode))


class Profile(models.Model):
    STAFF, PROVINCE = "staf", "provinsi"
    ROLES = [(STAFF, "staf kantor"), (PROVINCE, "provinsi (boleh menjalankan batch)")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="members", verbose_name="kantor")
    role = models.CharField("peran", max_length=10, choices=ROLES, default=STAFF)

    class Meta:
        verbose_name = "profil"
        verbose_name_plural = "profil"

    def __str__(self) -> str:
        return f"{self.user} ({self.office_id}, {self.role})"


class Case(models.Model):
    """One decree being prepared by one office: its workbook, its builds and revisions."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="cases")
    name = models.CharField(max_length=40, unique=True, editable=False)  # folder and file names
    title = models.CharField("judul", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    workbook_clean = models.BooleanField(default=False)  # the case folder's workbook passes validation
    nomor = models.CharField(max_length=200, blank=True)  # the decree number, once the workbook is clean
    offices_listed = models.PositiveIntegerField(default=0)  # offices in its Kantor sheet (a batch)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "keputusan"
        verbose_name_plural = "keputusan"

    def __str__(self) -> str:
        return self.title

    def folder(self, area: str) -> Path:
        return paths.case_area(self.office_id, area, self.name)

    @property
    def case_dir(self) -> Path:
        return self.folder("cases")

    @property
    def case_out(self) -> Path:
        return self.folder("outputs")


class Upload(models.Model):
    OK, PROBLEMS, REFUSED = "ok", "masalah", "ditolak"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="uploads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    original_name = models.CharField(max_length=200)  # shown only, never a path
    stored_name = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10)
    problems = models.JSONField(default=list)  # serialised Problems (see problems.py)

    class Meta:
        ordering = ["-at"]


class Job(models.Model):
    """A build or a batch, run by the job worker. At most one unfinished job per case."""

    BUILD, BATCH = "build", "batch"
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    ACTIVE = (QUEUED, RUNNING)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=10, choices=[(BUILD, BUILD), (BATCH, BATCH)])
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=10, default=QUEUED)
    step = models.CharField(max_length=40, blank=True)  # a code of the catalogue's web. section: what it is doing now
    done_steps = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    revision = models.CharField(max_length=20, blank=True)
    unchanged = models.BooleanField(default=False)
    result = models.JSONField(default=dict)  # pages; a batch's rows
    error = models.JSONField(default=dict)  # {"problems": [...]} or {"id": text, "en": text}

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # two builds of one case never run at once, whichever web process enqueues them
            models.UniqueConstraint(
                fields=["case"], condition=Q(status__in=("queued", "running")), name="one_active_job_per_case"
            )
        ]

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status == self.DONE:
            return 100
        return min(99, round(100 * self.done_steps / max(1, self.total_steps)))


class SignedCopy(models.Model):
    """A signed PDF uploaded back, kept beside the revision whose bundle it signs."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signed")
    revision = models.CharField(max_length=20)
    variant = models.CharField(max_length=10)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    original_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=64)
    ok = models.BooleanField(default=False)
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]


class AuditEvent(models.Model):
    LOGIN, LOGIN_FAILED, LOGOUT, LOCKED = "login", "login_failed", "logout", "locked_out"
    CASE_CREATED, UPLOAD, BUILD, BATCH, DOWNLOAD, SIGNED_UPLOAD = (
        "case_created",
        "upload",
        "build",
        "batch",
        "download",
        "signed_upload",
    )

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    office = models.CharField(max_length=4, blank=True)
    action = models.CharField(max_length=20, db_index=True)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    detail = models.JSONField(default=dict)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "catatan audit"
        verbose_name_plural = "catatan audit"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"
