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
a `LayoutCache` keyed by the table's structure supplies it, or carries over the breaks of
another office's table row by row. A wrong guess costs one more pass,
never a wrong page: every result is checked against its own PDF.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from pathlib import Path

from pypdf import PdfReader

from .bundle import read as read_pdf
from .converter import Converter
from .errors import LayoutError
from .model import Case, RencanaAksi
from .render import Variant, render_lampiran

ANCHOR_RE = re.compile(r"^/?kptbaris(\d{4})$")
MAX_PASSES = 5


def row_pages(pdf: Path | PdfReader) -> dict[int, int]:
    """Table row (0-based) -> page (0-based) it starts on, from the PDF's named destinations."""
    reader = pdf if isinstance(pdf, PdfReader) else read_pdf(pdf)
    pages = {}
    for name, destination in reader.named_destinations.items():
        match = ANCHOR_RE.match(str(name))
        page = reader.get_destination_page_number(destination) if match else None
        if match and page is not None:
            pages[int(match.group(1))] = page
    return pages


def rows_opening_pages(pdf: Path | PdfReader, name: str = "the lampiran") -> frozenset[int]:
    """Table rows (0-based) that are the first row on a page, except row 0 on the first page."""
    pages = row_pages(pdf)
    if not pages:
        raise LayoutError("layout.no_anchors", document=name)
    return frozenset(row for row, page in pages.items() if row > 0 and row - 1 in pages and page != pages[row - 1])


def lay_out_lampiran(
    case: Case,
    variant: Variant,
    docx: Path,
    pdf: Path,
    converter: Converter,
    templates: Path,
    *,
    lampiran: int = 0,
    first_page_number: int = 1,
    guess: frozenset[int] = frozenset(),
) -> tuple[frozenset[int], int, PdfReader]:
    """Render and convert the lampiran until its page starts are the ones it was rendered with.

    Leaves the final DOCX and PDF at `docx` and `pdf`; returns the settled page starts, the
    number of conversions it took, and the PDF opened.
    """
    starts = frozenset(guess)
    for attempt in range(1, MAX_PASSES + 1):
        render_lampiran(
            case,
            variant,
            docx,
            lampiran=lampiran,
            first_page_number=first_page_number,
            page_starts=starts,
            templates=templates,
        )
        converter.convert(docx, pdf)
        reader = read_pdf(pdf)
        measured = rows_opening_pages(reader, pdf.name)
        if measured == starts:
            return starts, attempt, reader
        starts = measured
    raise LayoutError("layout.not_settled", passes=MAX_PASSES)


def cache_key(case: Case, templates: Path, lampiran: int = 0) -> str:
    """Which tables are likely to break alike: same row structure (areas, kegiatan, sub-kegiatan
    counts, or the groups of a declared table), profile and template. Texts are left out on
    purpose: the offices of a batch carry their own name in the heading and in a row, or reword
    a row, which seldom moves a break; when it does, the check in `lay_out_lampiran` catches it
    and costs one more pass."""
    digest = hashlib.sha256()
    table = case.tables[lampiran]
    if isinstance(table, RencanaAksi):
        shape: list = [[len(k.sub_kegiatan) for k in area.kegiatan] for area in table.areas]
    else:  # which groups each row opens, and the columns: the position and the look
        spec = case.lampiran[lampiran]
        shape = [lampiran, spec.model_dump(mode="json", include={"bentuk", "kolom", "nomor_kolom", "orientasi"})]
        shape += [[bool(v) for v in row.values] for row in getattr(table, "rows", ())]
    digest.update(json.dumps(shape).encode())
    digest.update(case.decree.profil.model_dump_json().encode())
    try:
        digest.update((templates / "lampiran.docx").read_bytes())
    except OSError:
        pass  # rendering reports the missing template
    return digest.hexdigest()


def row_signatures(case: Case, lampiran: int = 0) -> list[str]:
    """One text per lampiran row that names it across offices: its kegiatan and sub-kegiatan
    (a declared table's row: its texts)."""
    table = case.tables[lampiran]
    if isinstance(table, RencanaAksi):
        return [f"{k.nama}\x1f{sub.teks}" for a in table.areas for k in a.kegiatan for sub in k.sub_kegiatan]
    return ["\x1f".join(row.values) for row in getattr(table, "rows", ())]


class LayoutCache:
    """Settled page starts of lampiran tables, shared by the threads of a batch; only guesses,
    since `lay_out_lampiran` checks every one against the PDF it produces.

    The guess for a table is, in order: the layout most often settled for its `cache_key`;
    else the layout settled last for another table, carried over row by row (rows named by
    `row_signatures`, so an office that adds or drops a row still gets the other breaks); else
    none. While one thread settles a key, others
    asking for the same key wait for it, and until the batch has settled its first layout,
    everyone waits for that one: an empty guess costs a second pass for sure.
    """

    MAX_LAYOUTS = 64  # carried-over candidates kept (most recent)

    def __init__(self, known: dict | None = None):
        self._seen: dict[str, Counter] = {}
        self._layouts: list[tuple[str, ...]] = []  # settled layouts: the rows that open pages
        known = known or {}
        for key, layouts in (known.get("exact") or {}).items():
            self._seen[key] = Counter(tuple(sorted(s)) for s in layouts)
        for starts in known.get("layouts") or []:
            self._layouts.append(tuple(starts))
        self._pending: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def begin(self, key: str, rows: list[str]) -> tuple[frozenset[int], bool]:
        """(guess, owner): owner=True when this caller settles `key` and must call `finish`."""
        while True:
            with self._lock:
                seen = self._seen.get(key)
                if seen:
                    return frozenset(seen.most_common(1)[0][0]), False
                event = self._pending.get(key)
                if event is None and not self._layouts and self._pending:
                    event = next(iter(self._pending.values()))  # the batch's first layout
                if event is None:
                    self._pending[key] = threading.Event()
                    return self._carried_over(rows), True
            event.wait()

    def _carried_over(self, rows: list[str]) -> frozenset[int]:
        if not self._layouts:
            return frozenset()
        index: dict[str, int] = {}
        for i, signature in enumerate(rows):
            index.setdefault(signature, i)
        return frozenset(index[s] for s in self._layouts[-1] if index.get(s, 0) > 0)

    def finish(self, key: str, rows: list[str], starts: frozenset[int] | None) -> None:
        """Record settled starts for `key` (None: settling failed) and wake the waiters."""
        if starts is not None:
            self.record(key, rows, starts)
        with self._lock:
            event = self._pending.pop(key, None)
        if event is not None:
            event.set()

    def record(self, key: str, rows: list[str], starts: frozenset[int]) -> None:
        with self._lock:
            self._seen.setdefault(key, Counter())[tuple(sorted(starts))] += 1
            layout = tuple(rows[i] for i in sorted(starts) if i < len(rows))
            if layout in self._layouts:
                self._layouts.remove(layout)
            self._layouts.append(layout)
            del self._layouts[: -self.MAX_LAYOUTS]

    def to_json(self) -> dict:
        with self._lock:
            return {
                "exact": {key: [list(s) for s, _ in seen.most_common(3)] for key, seen in self._seen.items()},
                "layouts": [list(starts) for starts in self._layouts],
            }
