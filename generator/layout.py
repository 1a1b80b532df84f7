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

Labelling a row at a page top changes the heights around it, so the measured starts do not
always settle: a long label makes the row taller and pushes it off the page, where it loses
its label and fits again (the last page starts at row 101, then 102, then 101 ...). When the
passes go round in a cycle, or do not settle within a few passes, the first row where the
rendered and the measured starts disagree is put on a new page by an explicit break
(`Pagination.forced`, render.py cuts the table there): the pages before it are as measured,
and that row opens its page whatever the labels do. The rest of the table is settled the same
way, each fixed break further down, so every valid case settles.

A pass converts only what it may change: the pages above the first row it renders differently
from the pass before (a label, a fixed break) are the same XML, hence the same pages, and are
taken over from that pass; the document is converted from the row that opened the page above
that change (page_reuse.py checks the two documents agree up to it). The salinan's lampiran,
rendered with the asli's settled starts, differs only in its closing block, so only its last
page is converted.

A row taller than a page cannot open one: LibreOffice splits it wherever the page ends. Texts
that tall are cut in pieces beforehand (render.PIECE_SHARE, textfit.py); should a row still be
split (`rows_split_by_pages`), the pieces are made smaller, and only a text that no piece can
hold (a single word longer than a page of its column) is reported, by its cell.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from . import page_reuse
from .bundle import Spliced, splice
from .bundle import read as read_pdf
from .converter import Converter
from .errors import LayoutError
from .model import Case, RencanaAksi
from .render import (
    PIECE_SHARE,
    Variant,
    declared_table_rows,
    lampiran_table_rows,
    render_lampiran,
    table_rows_of,
)
from .schema import WORKBOOK_FILE

log = logging.getLogger(__name__)

ANCHOR_RE = re.compile(r"^/?kptbaris(\d{4})$")
MAX_PASSES = 60  # a bound no settling reaches: each alternating page takes about three passes
MAX_TRIES = 4  # rows tried for one page's start before the earliest of them is fixed
MIN_PIECE_SHARE = 0.1  # pieces of a text are made smaller down to this share of a page
SAME_TOP_PT = 3.0  # rows whose tops differ by less are at the same height (a forced break adds 1 pt)


@dataclass(frozen=True)
class Pagination:
    """Where the pages of the lampiran's table start: `starts`, the rows (0-based) that open a
    page and are labelled there; `forced`, those of them put there by an explicit page break."""

    starts: frozenset[int] = frozenset()
    forced: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Converted:
    """A lampiran converted: its DOCX, its PDF opened, its page starts, and the number printed
    on its first page; a later conversion of it may take its pages over (page_reuse.py)."""

    docx: Path
    reader: PdfReader | Spliced
    pagination: Pagination  # the starts it was rendered with (settled: the same but for a table without labels)
    first_page_number: int


def _destinations(document: PdfReader | Spliced) -> dict[int, tuple[int, float]]:
    """Table row -> (page it starts on, 0-based; the top of its first line, in points)."""
    found: dict[int, tuple[int, float]] = {}
    if isinstance(document, Spliced):  # each run's rows, on the pages the run is put at
        offset = 0
        for part, start, stop in document.runs:
            for row, (at, top) in _destinations(part).items():
                if start <= at < stop:
                    found[row] = (offset + at - start, top)
            offset += stop - start
        return found
    for name, destination in document.named_destinations.items():
        match = ANCHOR_RE.match(str(name))
        page = document.get_destination_page_number(destination) if match else None
        if match and page is not None:
            found[int(match.group(1))] = (page, float(destination.top or 0.0))
    return found


def row_pages(pdf: Path | PdfReader | Spliced) -> dict[int, int]:
    """Table row (0-based) -> page (0-based) it starts on, from the PDF's named destinations."""
    reader = read_pdf(pdf) if isinstance(pdf, Path) else pdf
    return {row: page for row, (page, _) in _destinations(reader).items()}


def rows_opening_pages(pdf: Path | PdfReader | Spliced, name: str = "the lampiran") -> frozenset[int]:
    """Table rows (0-based) that are the first row on a page, except row 0 on the first page."""
    pages = row_pages(pdf)
    if not pages:
        raise LayoutError("layout.no_anchors", document=name)
    return _opening(pages)


def _opening(pages: dict[int, int]) -> frozenset[int]:
    """Of rows by their page, those that are the first row on a page (row 0 aside)."""
    return frozenset(row for row, page in pages.items() if row > 0 and row - 1 in pages and page != pages[row - 1])


def rows_split_by_pages(pdf: Path | PdfReader | Spliced) -> list[int]:
    """Table rows that go on over a page break: LibreOffice splits a row taller than a page
    where the page ends, so the next page opens inside it, with none of its labels.

    Seen from the row anchors: a page of the table on which no row starts, or whose first row
    starts lower than the rows that open other pages (under the rest of the row before)."""
    reader = read_pdf(pdf) if isinstance(pdf, Path) else pdf
    rows = _destinations(reader)
    if not rows:
        return []
    first_on: dict[int, tuple[int, float]] = {}  # page -> (its first row, that row's top)
    for row, (page, top) in sorted(rows.items()):
        first_on.setdefault(page, (row, top))
    first_page, last_page = rows[min(rows)][0], max(page for page, _ in rows.values())
    later = [first_on[page][1] for page in first_on if page > first_page]
    opening_top = max(later, default=0.0)  # where a row that opens a page starts
    split = []
    for page in range(first_page + 1, last_page + 1):
        if page not in first_on:
            split.append(max(row for row, (p, _) in rows.items() if p < page))
        elif first_on[page][1] < opening_top - SAME_TOP_PT and first_on[page][0] > 0:
            split.append(first_on[page][0] - 1)
    return sorted(set(split))


def closing_alone(pdf: Path | PdfReader | Spliced) -> bool:
    """The lampiran's last page holds none of its table's rows: the enactment and signature
    block after the table went to a page of its own (the block is one unsplittable row, the
    document's last)."""
    reader = read_pdf(pdf) if isinstance(pdf, Path) else pdf
    pages = row_pages(reader)
    return bool(pages) and len(reader.pages) - 1 not in pages.values()


def labelled(case: Case, lampiran: int = 0) -> bool:
    """Whether the table prints anything by where its pages start: the labels of its groups
    (the monthly plan's area and kegiatan, a declared table's kelompok columns)."""
    spec = case.lampiran[lampiran]
    return spec.is_plan or any(column.jenis == "kelompok" for column in spec.columns)


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
    guess: Pagination | frozenset[int] = frozenset(),
    earlier: Converted | None = None,
) -> tuple[Pagination, int, PdfReader | Spliced]:
    """Render and convert the lampiran until its page starts are the ones it was rendered with.

    Leaves the final DOCX at `docx`; returns the settled pagination, the number of conversions
    it took, and the document: the PDF opened, or pages spliced from several conversions
    (`pdf` holds the last whole one). A pass converts only from the page above the first row
    it renders differently from the pass before, the pages above taken over from that pass
    (page_reuse.py); the first pass, from `earlier`, the other variant of this lampiran settled
    with the starts guessed, whose pages are the same but the last.
    """
    pagination = guess if isinstance(guess, Pagination) else Pagination(frozenset(guess))
    share = PIECE_SHARE
    tried: Tried = {}  # see _following
    disagreeing = 0  # the first row where the last pass's starts disagreed
    by_labels = labelled(case, lampiran)
    # the layout before the table's last row was put on the closing block's page (see below),
    # and whether that has been tried: once per size of pieces
    before_closing: Pagination | None = None
    closing_tried = False
    conversions = 0
    # the conversion the next pass may take its first pages from: the other variant's, then
    # this variant's last pass (its DOCX set aside before the next is rendered)
    previous = earlier if earlier is not None and earlier.first_page_number == first_page_number else None
    set_aside: list[Path] = []
    try:
        for attempt in range(1, MAX_PASSES + 1):
            render_lampiran(
                case,
                variant,
                docx,
                lampiran=lampiran,
                first_page_number=first_page_number,
                page_starts=pagination.starts,
                page_breaks=pagination.forced,
                piece_share=share,
                templates=templates,
            )
            rendered = pagination
            reader: PdfReader | Spliced | None = None
            if previous is not None:
                reader, tail_converted = _convert_from(previous, docx, rendered, converter)
                conversions += tail_converted
            if reader is None:
                converter.convert(docx, pdf)
                conversions += 1
                reader = read_pdf(pdf)
            measured = rows_opening_pages(reader, pdf.name)
            if not by_labels:  # nothing printed depends on the starts: every pass is consistent
                pagination = Pagination(measured | pagination.forced, pagination.forced)
            if measured == pagination.starts:
                split = rows_split_by_pages(reader)
                if not split:
                    closing = _keep_closing_with_rows(reader, pagination, before_closing, closing_tried)
                    if closing is None:
                        return pagination, conversions, reader
                    before_closing, closing_tried = (pagination if not closing_tried else None), True
                    pagination = closing
                    previous = _set_aside(docx, attempt, reader, rendered, first_page_number, set_aside)
                    continue
                if share / 2 < MIN_PIECE_SHARE:
                    raise LayoutError("layout.row_too_tall", row=_where(case, templates, share, split[0], lampiran))
                # smaller pieces: other rows, so the breaks are found again
                share, pagination, tried = share / 2, Pagination(), {}
                before_closing, closing_tried = None, False
                previous = None  # every row may be cut anew: nothing to take over
                log.info("%s: a row is split by a page break; cutting texts into pieces of %.2f page", docx.name, share)
                continue
            disagreeing = min(pagination.starts ^ measured)
            pagination = _following(pagination, measured, tried)
            previous = _set_aside(docx, attempt, reader, rendered, first_page_number, set_aside)
    finally:
        for path in set_aside:
            path.unlink(missing_ok=True)
    raise LayoutError(
        "layout.not_settled", passes=MAX_PASSES, row=_where(case, templates, share, disagreeing, lampiran)
    )


def _set_aside(
    docx: Path,
    attempt: int,
    reader: PdfReader | Spliced,
    rendered: Pagination,
    first_page_number: int,
    kept: list[Path],
) -> Converted:
    """This pass's DOCX moved out of the way of the next render, as the next pass's `previous`."""
    aside = docx.with_name(f"{docx.stem}-{attempt}{docx.suffix}")
    docx.replace(aside)
    kept.append(aside)
    return Converted(aside, reader, rendered, first_page_number)


MAX_CUTS_TRIED = 2  # rows tried as the start of a tail before converting the whole document


def _convert_from(
    previous: Converted, docx: Path, rendered: Pagination, converter: Converter
) -> tuple[Spliced | None, bool]:
    """`docx` converted from a row on, the pages above it taken from `previous`: the row that
    opened a page there and below which nothing differs in what was rendered, and that page_reuse
    finds the two documents the same up to (the salinan after its asli: the last page; a pass
    after one whose breaks were wrong further down: the pages above the first change).
    (None, whether a tail was converted) when no row can be taken over or its PDF is not as
    expected, and the whole document is converted."""
    changed = (previous.pagination.starts ^ rendered.starts) | (previous.pagination.forced ^ rendered.forced)
    pages = row_pages(previous.reader)
    opening = sorted((row for row in _opening(pages) if not changed or row < min(changed)), reverse=True)
    tail_docx = docx.with_name(f"{docx.stem}-akhir{docx.suffix}")
    for row in opening[:MAX_CUTS_TRIED]:
        page = pages[row]
        if page_reuse.tail_document(previous.docx, docx, row, previous.first_page_number + page, tail_docx):
            break
    else:
        return None, False
    tail = read_pdf(converter.convert(tail_docx, tail_docx.with_suffix(".pdf")))
    in_tail = row_pages(tail)
    if min(in_tail, default=None) != row or in_tail[row] != 0:
        log.debug(
            "%s: converted from table row %d, the row does not open the first page; converting it whole", docx.name, row
        )
        return None, True
    log.debug("%s: pages 1-%d taken over, converted from table row %d on", docx.name, page, row)
    return splice(previous.reader, page, tail), True


def _keep_closing_with_rows(
    reader: PdfReader | Spliced, settled: Pagination, before: Pagination | None, tried: bool
) -> Pagination | None:
    """What to render so that the closing block does not stand alone on the last page, or None
    when the settled layout is the result.

    render.py keeps the table's last row with the block (keep with next), which LibreOffice
    honours only for a table that fits on one page. So when the block went to a page of its
    own, the last row is put on a new page by an explicit break: the pages above stay as they
    are, and that page holds the row (labelled, with the header rows) and the block. Should
    they still not fit together (a row nearly a page tall), the layout from before is taken
    again, a page shorter than the one with the row alone."""
    if not closing_alone(reader):
        return None
    last = max(row_pages(reader))
    if not tried and last > 0 and last not in settled.starts:
        log.debug("the closing block stands alone: table row %d opens its page by an explicit break", last)
        return Pagination(settled.starts | {last}, settled.forced | {last})
    if before is not None:
        log.debug("the last row and the closing block do not fit on one page: left as they were")
        return before
    return None


Tried = dict[tuple[int, ...], dict[int, frozenset[int]]]


def _following(rendered: Pagination, measured: frozenset[int], tried: Tried) -> Pagination:
    """What to render after a pass that did not settle.

    The pages agree up to the first page whose start differs: the pass labelled row `labelled`
    there, LibreOffice began that page at row `chosen`. `tried` keeps, by the starts of the
    pages above, what was measured for each row labelled there. Normally the next pass labels
    where LibreOffice broke. When the choices go round (labelled 101, it chose 102; labelled
    102, it chose 101), the earliest of them is fixed: that row opens the page by an explicit
    break, so the page above holds what it held when that row was labelled (it fitted there,
    or LibreOffice broke before it). Below it, the starts of the pass in which LibreOffice began
    that page at that row itself, if one did; breaks fixed lower down before, and starts that
    were only there because of them, are dropped: the pages above them have changed.
    """
    ours, theirs = sorted(rendered.starts), sorted(measured)
    page = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
    above = tuple(theirs[:page])
    labelled = ours[page] if page < len(ours) else None
    chosen = theirs[page] if page < len(theirs) else None
    first = min(row for row in (labelled, chosen) if row is not None)
    kept = frozenset(row for row in rendered.forced if row < first)
    if labelled is not None and chosen is not None:
        choices = tried.setdefault(above, {})
        choices[labelled] = measured
        cycle, row = [labelled], chosen
        while row in choices and row not in cycle:
            cycle.append(row)
            row = sorted(choices[row])[page]
        if row in cycle or len(choices) >= MAX_TRIES:
            fixed = min(cycle) if row in cycle else min(choices)
            log.debug("page breaks alternate at table row %d: it opens a page by an explicit break", fixed)
            chose_it = [m for m in choices.values() if sorted(m)[page] == fixed]
            return _with_starts(above, fixed, chose_it[0] if chose_it else measured, rendered, kept | {fixed})
    return _with_starts(above, first if chosen == first else None, measured, rendered, kept)


def _with_starts(
    above: tuple[int, ...], row: int | None, measured: frozenset[int], rendered: Pagination, forced: frozenset[int]
) -> Pagination:
    """The pages above, `row` opening the next, then the starts of `measured` below it."""
    top = row if row is not None else (above[-1] if above else 0)
    below = {r for r in measured if r > top and r not in rendered.forced}
    return Pagination(frozenset(above) | ({row} if row is not None else set()) | below | forced, forced)


def _where(case: Case, templates: Path, share: float, row: int, lampiran: int = 0) -> str:
    """The row that table row `row` of the lampiran at `lampiran` prints, as staff find it: the
    workbook and its cells."""
    if case.lampiran[lampiran].is_plan:
        rows = lampiran_table_rows(case, piece_share=share, templates=templates, lampiran=lampiran)
        source = rows[row]["source"] if 0 <= row < len(rows) else ""
    else:
        printed = declared_table_rows(case, lampiran, piece_share=share, templates=templates)
        source = printed[row]["source"] if 0 <= row < len(printed) else ""
    if "!" in source:
        book = WORKBOOK_FILE if case.form == "workbook" else case.lampiran[lampiran].data_file()
        return f"{book}, {source}"
    return source or str(row + 1)


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
        shape += [[bool(v) for v in row.values] for row in table_rows_of(case, lampiran)]
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
    return ["\x1f".join(row.values) for row in table_rows_of(case, lampiran)]


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
