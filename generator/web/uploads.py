"""Uploaded files: recognised by content, never by name; refused quickly when hostile.

A workbook is accepted for reading only when it is a real .xlsx (a zip with the parts Excel
writes), not encrypted, not macro-enabled, and within the library's limits (`limits`: small
once unpacked, sheets of at most 20,000 rows), so a sheet of a million rows or a zip bomb is
refused before openpyxl sees it. What is inside the cells is then checked by the library, exactly as
`keputusan validate` does (formulas, merged cells, every value by its cell).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .. import limits
from ..errors import DataError, Problem
from ..messages import Place, problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted .xlsx and old .xls
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"


@dataclass
class Refusal:
    """Why a file was refused: stored problems (library codes or this app's `upload.*` codes)."""

    problems: list[dict[str, Any]] = field(default_factory=list)

    def add(self, code: str, **params: Any) -> None:
        self.problems.append({"code": code, "params": [[k, v] for k, v in params.items()], "place": None})


def save_upload(chunks: Iterable[bytes], folder: Path, suffix: str, limit: int) -> tuple[Path, int, str] | None:
    """Write an uploaded file under a random name in `folder`; None if it exceeds `limit` bytes
    (nothing is kept then). Returns (path, size, sha256)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}{suffix}"
    part = folder / f".{name}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with part.open("xb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise _TooLarge
                digest.update(chunk)
                out.write(chunk)
        target = folder / name
        part.rename(target)
        return target, size, digest.hexdigest()
    except _TooLarge:
        return None
    finally:
        part.unlink(missing_ok=True)


class _TooLarge(Exception):
    pass


def check_workbook(path: Path, label: str) -> Refusal:
    """Refusal with its reasons, or an empty one when the file may be read as a workbook.

    What is an upload's own (its first bytes, the parts Excel writes, no macros) is checked
    here; the limits on size, parts and sheets are the library's (`limits.check_workbook`, as
    `keputusan validate` applies them), so both refuse the same files with the same words."""
    refusal = Refusal()
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(OLE_MAGIC):
        refusal.problems.append(_library_problem("workbook.encrypted", label))
        return refusal
    if not magic.startswith(ZIP_MAGIC):
        refusal.add("upload.not_xlsx", name=label)
        return refusal
    try:
        with zipfile.ZipFile(path) as book:
            names = set(book.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        refusal.add("upload.not_xlsx", name=label)
        return refusal
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        refusal.add("upload.not_xlsx", name=label)
        return refusal
    if "xl/vbaProject.bin" in names:
        refusal.add("upload.macros", name=label)
        return refusal
    limits_passed = limits.check_workbook(path, label)
    if limits_passed:
        from .problems import serialise

        refusal.problems.extend(serialise(limits_passed))
    return refusal


def _library_problem(code: str, label: str) -> dict[str, Any]:
    from .problems import serialise

    return serialise([problem(code, Place(label))])[0]


def validate_workbook(path: Path, case_name: str, scratch: Path) -> tuple[Any, list[Problem]]:
    """Read `path` as the case `case_name` with the library: (Case, []) or (None, problems).

    The workbook is read from a private copy named as the case folder expects it, so the
    problems are exactly those `keputusan validate` reports for it."""
    from ..load import load_case

    scratch.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="check-", dir=scratch))
    try:
        case_dir = work / case_name
        case_dir.mkdir()
        shutil.copyfile(path, case_dir / "keputusan.xlsx")
        try:
            return load_case(case_dir), []
        except DataError as exc:
            return None, exc.problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def looks_like_pdf(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(1024).lstrip(b"\r\n\t ").startswith(PDF_MAGIC)


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stops storing a request body larger than the upload limit
    (the CSRF check parses the body before any view runs, so a check in the view would come
    after the whole file was written to disk) and marks the request, so the view can say why
    the file is missing."""

    total = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.total = 0

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.total > settings.UPLOAD_LIMIT:
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
