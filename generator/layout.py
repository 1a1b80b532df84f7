"""Settle the lampiran's pagination: which table rows LibreOffice puts at the top of a page.

A merged cell that crosses a page break shows its text on the first page only, so the area and
kegiatan of a group that continues on a new page must be printed again there. Where the breaks
fall is known only after LibreOffice has laid the table out. Every lampiran row carries an
invisible bookmark that the PDF export turns into a named destination (render.ROW_ANCHOR), so
every conversion of a lampiran tells which row opens each page, without printing anything.

A lampiran is rendered with a guess of its page starts, converted, and checked: when the rows
that open pages are the guessed ones, that conversion is the result; otherwise it is rendered
again with the measured starts (two passes from no guess, in practice). The guess for the
salinan is the asli's result; across the offices of a batch, whose plans are mostly identical,
a `LayoutCache` keyed by the table's structure and by where the table starts below the heading
(`table_top`, measured on a one-row rendering) supplies it. A wrong guess costs one more pass,
never a wrong page: every result is checked against its own PDF.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from dataclasses import replace
from pathlib import Path

from .bundle import read as read_pdf
from .errors import LayoutError
from .model import Area, Case, Kegiatan, RencanaAksi
from .render import render_lampiran

ANCHOR_RE = re.compile(r"^/?kptbaris(\d{4})$")
MAX_PASSES = 5


def row_pages(pdf: Path) -> dict[int, int]:
    """Table row (0-based) -> page (0-based) it starts on, from the PDF's named destinations."""
    reader = read_pdf(pdf)
    pages = {}
    for name, destination in reader.named_destinations.items():
        match = ANCHOR_RE.match(str(name))
        if match:
            pages[int(match.group(1))] = reader.get_destination_page_number(destination)
    return pages


def rows_opening_pages(pdf: Path) -> frozenset[int]:
    """Table rows (0-based) that are the first row on a page, except row 0 on the first page."""
    pages = row_pages(pdf)
    if not pages:
        raise LayoutError(f"{pdf.name}: the lampiran's rows carry no page anchors; the template's "
                          "table rows or LibreOffice's bookmark export may have been lost")
    return frozenset(row for row, page in pages.items()
                     if row > 0 and row - 1 in pages and page != pages[row - 1])


def lay_out_lampiran(case: Case, variant: str, docx: Path, pdf: Path, converter, templates: Path, *,
                     first_page_number: int = 1, guess: frozenset[int] = frozenset()) -> tuple[frozenset[int], int]:
    """Render and convert the lampiran until its page starts are the ones it was rendered with.

    Leaves the final DOCX and PDF at `docx` and `pdf`; returns the settled page starts and the
    number of conversions it took.
    """
    starts = frozenset(guess)
    for attempt in range(1, MAX_PASSES + 1):
        render_lampiran(case, variant, docx, first_page_number=first_page_number, page_starts=starts,
                        templates=templates)
        converter.convert(docx, pdf)
        measured = rows_opening_pages(pdf)
        if measured == starts:
            return starts, attempt
        starts = measured
    raise LayoutError(f"the lampiran's page breaks did not settle after {MAX_PASSES} passes; "
                      "a row may be taller than a page")


def table_top(case: Case, converter, work: Path, templates: Path) -> float:
    """Where the table's first row starts on the lampiran's first page (PDF points).

    The heading above the table (office name, number, subject, title) wraps to a number of
    lines that differs from office to office; with the table's content, this position decides
    every page break. Measured on a one-row rendering of the lampiran: a short conversion.
    """
    first = case.plan.areas[0]
    kegiatan = first.kegiatan[0]
    one_row = RencanaAksi((Area(first.nama, (Kegiatan(kegiatan.nama, kegiatan.sub_kegiatan[:1]),)),))
    docx, pdf = work / "lampiran-kepala.docx", work / "lampiran-kepala.pdf"
    render_lampiran(replace(case, plan=one_row), "asli", docx, templates=templates)
    converter.convert(docx, pdf)
    reader = read_pdf(pdf)
    for name, destination in reader.named_destinations.items():
        if ANCHOR_RE.match(str(name)):
            return round(float(destination.top), 1)
    raise LayoutError(f"{pdf.name}: the lampiran's first row carries no page anchor")


def cache_key(case: Case, templates: Path, top: float | None = None) -> str:
    """Which tables are likely to break alike: same row structure (areas, kegiatan, sub-kegiatan
    counts), profile, template, and table start. Texts are left out on purpose: the offices of
    a batch reword a row or carry their own name in one, which seldom moves a break; when it
    does, the check in `lay_out_lampiran` catches it and costs one more pass."""
    digest = hashlib.sha256()
    shape = [[len(k.sub_kegiatan) for k in area.kegiatan] for area in case.plan.areas]
    digest.update(json.dumps(shape).encode())
    digest.update(case.decree.profil.model_dump_json().encode())
    try:
        digest.update((templates / "lampiran.docx").read_bytes())
    except OSError:
        pass  # rendering reports the missing template
    digest.update(f"top={top}".encode())
    return digest.hexdigest()


class LayoutCache:
    """Settled page starts of lampiran tables, by `cache_key`, shared by the threads of a batch.

    Only a guess: `lay_out_lampiran` checks it. While one thread settles a key, others asking
    for the same key wait for its result instead of measuring the same table again.
    """

    def __init__(self, known: dict[str, list[list[int]]] | None = None):
        self._seen: dict[str, Counter] = {}
        for key, layouts in (known or {}).items():
            self._seen[key] = Counter(tuple(sorted(s)) for s in layouts)
        self._pending: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def begin(self, key: str) -> tuple[frozenset[int], bool]:
        """(guess, owner): the most common settled starts for `key`; owner=True when this caller
        must settle the key and report with `finish` (the guess is then empty)."""
        while True:
            with self._lock:
                seen = self._seen.get(key)
                if seen:
                    return frozenset(seen.most_common(1)[0][0]), False
                event = self._pending.get(key)
                if event is None:
                    self._pending[key] = threading.Event()
                    return frozenset(), True
            event.wait()

    def finish(self, key: str, starts: frozenset[int] | None) -> None:
        """Record settled starts for `key` (None: settling failed) and wake the waiters."""
        with self._lock:
            if starts is not None:
                self._seen.setdefault(key, Counter())[tuple(sorted(starts))] += 1
            event = self._pending.pop(key, None)
        if event is not None:
            event.set()

    def record(self, key: str, starts: frozenset[int]) -> None:
        with self._lock:
            self._seen.setdefault(key, Counter())[tuple(sorted(starts))] += 1

    def to_json(self) -> dict[str, list[list[int]]]:
        with self._lock:
            return {key: [list(s) for s, _ in seen.most_common(3)] for key, seen in self._seen.items()}
