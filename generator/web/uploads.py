"""Uploaded files: recognised by content, never by name; refused quickly when hostile.

A workbook is accepted for reading only when it is a real .xlsx (a zip with the parts Excel
writes), not encrypted, not macro-enabled, and small once unpacked: the sheet XML is what
openpyxl reads into memory, so a sheet of a million rows or a zip bomb is refused before
openpyxl sees it. What is inside the cells is then checked by the library, exactly as
`keputusan validate` does (formulas, merged cells, every value by its cell).
"""

from __future__ import annotations

import hashlib
import re
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

from ..errors import DataError, Problem
from ..messages import Place, problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted .xlsx and old .xls
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
MAX_PARTS = 2000
MAX_UNPACKED = 80 * 1024 * 1024  # all parts together, unpacked
MAX_SHEET_XML = 25 * 1024 * 1024  # one sheet's XML, unpacked
MAX_RATIO = 250  # unpacked / packed, per part: ordinary workbooks stay far below
MAX_ROWS = 20_000
MAX_COLUMNS = 200
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')


@dataclass
class Refusal:
    """Why a file was refused: stored problems (library codes or this app's `upload.*` codes)."""

    problems: list[dict[str, Any]] = field(default_factory=list)

    def add(self, code: str, **params: Any) -> None:
        self.problems.append({"code": code, "params": [[k, v] for k, v in params.items()], "place": None})


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


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
    """Refusal with its reasons, or an empty one when the file may be read as a workbook."""
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
            parts = book.infolist()
            names = {p.filename for p in parts}
            if len(parts) > MAX_PARTS:
                refusal.add("upload.too_complex", name=label)
                return refusal
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                refusal.add("upload.not_xlsx", name=label)
                return refusal
            if "xl/vbaProject.bin" in names:
                refusal.add("upload.macros", name=label)
                return refusal
            total = sum(p.file_size for p in parts)
            if total > MAX_UNPACKED or any(p.file_size > MAX_RATIO * max(p.compress_size, 1024) for p in parts):
                refusal.add("upload.too_big_unpacked", name=label)
                return refusal
            for part in parts:
                if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", part.filename):
                    continue
                if part.file_size > MAX_SHEET_XML:
                    refusal.add("upload.sheet_too_big", name=label)
                    return refusal
                with book.open(part) as sheet:
                    head = sheet.read(4096)
                match = _DIMENSION.search(head)
                if match and match.group(4):
                    rows, columns = int(match.group(4)), _column_number(match.group(3).decode())
                    if rows > MAX_ROWS or columns > MAX_COLUMNS:
                        refusal.add("upload.sheet_too_big", name=label)
                        return refusal
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        refusal.add("upload.not_xlsx", name=label)
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
