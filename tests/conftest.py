"""Shared fixtures. The NTB sample is built once per test session (it takes a few seconds of
real LibreOffice) and shared read-only by the end-to-end tests."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["sign_fixtures"]  # the throw-away certificate and a signed bundle
NTB_CASE = ROOT / "data" / "kpu-ntb-2022"


@pytest.fixture(scope="session")
def ntb_build(tmp_path_factory):
    """The NTB 2022 case built by the real pipeline: a BuildResult with both variants."""
    from generator.pipeline import build

    out = tmp_path_factory.mktemp("ntb-build")
    return build(NTB_CASE, out)


def laid_out_pdf(document, pdf: Path) -> Path:
    """`layout.lay_out_lampiran`'s document at `pdf` (where its last whole conversion is): a
    document spliced from several conversions (page_reuse) is written there as one PDF."""
    from pypdf import PdfWriter

    from generator.bundle import Spliced, append

    if isinstance(document, Spliced):
        writer = PdfWriter()
        append(writer, document)
        with open(pdf, "wb") as out:
            writer.write(out)
    return pdf


def pdf_text(pdf: Path, *, first: int | None = None, last: int | None = None) -> str:
    """Text in reading order (pdftotext -raw keeps table cells in order)."""
    cmd = ["pdftotext", "-raw"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run(cmd + [str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def body_text(pdf: Path) -> str:
    """Text without the page-number lines, so that clauses running over a page break read whole."""
    return "\n".join(line for line in pdf_text(pdf).splitlines() if not re.fullmatch(r"- \d+ -", line.strip()))


def pages_text(pdf: Path) -> list[str]:
    """One string per page."""
    return pdf_text(pdf).split("\f")[:-1]


def squash(text: str) -> str:
    """Remove all whitespace: words wrapped in narrow cells split across lines."""
    return "".join(text.split())


@pytest.fixture
def case_copy(tmp_path):
    """A writable copy of the NTB case (with the shared legal-bases library beside it)."""
    dest = tmp_path / "data"
    shutil.copytree(NTB_CASE, dest / NTB_CASE.name)
    shutil.copy(NTB_CASE.parent / "dasar-hukum.yaml", dest / "dasar-hukum.yaml")
    return dest / NTB_CASE.name


# ---------------------------------------------------------------- the web application


@pytest.fixture(scope="session")
def web_app(tmp_path_factory):
    """Django set up in this process on a private data folder and SQLite database, migrated."""
    import os

    data = tmp_path_factory.mktemp("web-data")
    os.environ["KEPUTUSAN_DATA"] = str(data)
    os.environ.pop("DATABASE_URL", None)
    from generator.web.bootstrap import configure, migrate

    configure(data)
    migrate()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    return data


@pytest.fixture
def web_db(web_app):
    """Each test's changes to the database are rolled back after it (as Django's TestCase does)."""
    from django.db import transaction

    with transaction.atomic():
        yield web_app
        transaction.set_rollback(True)


def ntb_workbook_case(dest: Path, with_offices: bool = False) -> Path:
    """The NTB sample as one workbook (the form staff upload), optionally with the kabupaten/kota
    offices of data/kpu-ntb-2022-kabkota in its Kantor sheet. Returns the .xlsx path."""
    import dataclasses

    import yaml

    from generator.cases import write_workbook_case
    from generator.load import load_case
    from generator.model import KantorBatch
    from generator.workbook_writer import WorkbookContent

    case = load_case(NTB_CASE)
    if with_offices:
        listed = yaml.safe_load((ROOT / "data" / "kpu-ntb-2022-kabkota" / "kantor.yaml").read_text(encoding="utf-8"))
        fields = set(KantorBatch.model_fields)  # plan changes per office have no column in the sheet
        offices = tuple(
            KantorBatch.model_validate({k: v for k, v in entry.items() if k in fields}) for entry in listed["kantor"]
        )
        case = dataclasses.replace(case, offices=offices)
    return write_workbook_case(WorkbookContent.from_case(case), dest)


def decree_cell(label: str, column: str = "B") -> str:
    """The cell of `label`'s row (its first) in the Keputusan sheet of the NTB case as one
    workbook: tests name cells by their label, so rows added to the sheet do not move them."""
    return f"{column}{_decree_rows()[label]}"


@functools.cache
def _decree_rows() -> dict[str, int]:
    from generator.load import load_case
    from generator.workbook_writer import WorkbookContent, build_workbook

    sheet = build_workbook(WorkbookContent.from_case(load_case(NTB_CASE)))["Keputusan"]
    rows: dict[str, int] = {}
    for r in range(2, sheet.max_row + 1):
        rows.setdefault(sheet.cell(row=r, column=1).value, r)
    return rows
