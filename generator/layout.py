"""Settle the lampiran's pagination: which table rows LibreOffice puts at the top of a page.

A merged cell that crosses a page break shows its text on the first page only, so the
area and kegiatan of a group that continues on a new page must be printed again there. Where
the breaks fall is known only after LibreOffice has laid the table out: render with a tiny row
marker in each row, convert, read which row opens each page, restart the merged groups there,
and repeat until the breaks no longer move (two passes in practice).
"""
from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from .errors import LayoutError
from .model import Case
from .render import render_lampiran

MARKER_RE = re.compile(r"@@R(\d{3})@@")
MAX_PASSES = 5


def rows_opening_pages(pdf: Path) -> frozenset[int]:
    """Table rows (0-based) that are the first row on a page, except row 0 on the first page."""
    starts = set()
    for page in PdfReader(str(pdf)).pages:
        found = MARKER_RE.findall(page.extract_text() or "")
        if found:
            starts.add(min(int(n) for n in found))
    starts.discard(0)
    return frozenset(starts)


def settle_page_starts(case: Case, converter, work_dir: Path, templates: Path) -> frozenset[int]:
    """Rows that open a lampiran page once repeated labels are in place."""
    starts: frozenset[int] = frozenset()
    for attempt in range(1, MAX_PASSES + 1):
        docx = work_dir / f"lampiran-ukur-{attempt}.docx"
        pdf = docx.with_suffix(".pdf")
        render_lampiran(case, "asli", docx, page_starts=starts, markers=True, templates=templates)
        converter.convert(docx, pdf)
        measured = rows_opening_pages(pdf)
        if measured == starts:
            return starts
        starts = measured
    raise LayoutError(f"the lampiran's page breaks did not settle after {MAX_PASSES} passes; "
                      "a row may be taller than a page")
