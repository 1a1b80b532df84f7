"""Convert only the pages that differ: a lampiran whose first pages are the same as those of
a conversion made before is converted from a table row on, and those pages are taken over.

Two cases (layout.py): the salinan's lampiran, rendered with the asli's settled page starts,
differs from it only in the closing block on the last page; a layout pass differs from the pass
before only from the first row it labels or breaks differently. Everything LibreOffice lays out
before a row that opened a page is then the same XML in both documents, so those pages come out
the same. `tail_document` checks that (the document XML up to the end of that row, and every
other part of the package, byte for byte) and writes the *tail*: the document with everything
before that row taken out, the table's header rows kept, and its page number continuing where
the row's page is. The salinan's tail is its last page: a seventh of the cost of converting the
whole lampiran (1 page, not 10), pixel for pixel the page of the whole (tests/test_page_reuse.py).

Whatever could make a page of the tail depend on what was taken out is not reused (False):
other sections, fields other than the page number (a page count, a cross-reference),
different odd and even pages, a merged cell that runs into the tail from above. layout.py
checks that the tail's first page opens with the row, and puts the result through the same
checks as a whole conversion.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from .render import ROW_ANCHOR

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
_PAGE_FIELD = re.compile(r"^\s*PAGE(\s+\\\*\s*\w+)*\s*$", re.IGNORECASE)  # "PAGE", "PAGE \* Arabic"
_UNSAFE_SETTINGS = (b"<w:evenAndOddHeaders", b"<w:mirrorMargins", b"<w:bookFoldPrinting")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def tail_document(earlier: Path, later: Path, row: int, page_number: int, out: Path) -> bool:
    """Write to `out` the part of `later` from table row `row` on, its first page numbered
    `page_number`, when `earlier` and `later` are the same up to that row and in it; False
    (nothing written) when they are not, or when the pages of the tail could differ from those
    of the whole document."""
    with zipfile.ZipFile(earlier) as first, zipfile.ZipFile(later) as second:
        names = second.namelist()
        if sorted(first.namelist()) != sorted(names) or DOCUMENT not in names:
            return False
        parts = {name: second.read(name) for name in names}
        for name in names:
            if name != DOCUMENT and first.read(name) != parts[name]:
                return False
        if not _same_through_row(first.read(DOCUMENT), parts[DOCUMENT], row):
            return False
    if any(flag in parts.get("word/settings.xml", b"") for flag in _UNSAFE_SETTINGS):
        return False
    if not all(_fields_are_page_numbers(parts[name]) for name in names if name.endswith(".xml")):
        return False
    tail = _tail(parts[DOCUMENT], row, page_number)
    if tail is None:
        return False
    parts[DOCUMENT] = tail
    # stored, not deflated: the file lives for one conversion
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for name in names:
            target.writestr(name, parts[name])
    return True


def _same_through_row(first: bytes, second: bytes, row: int) -> bool:
    """Whether both document XMLs are the same bytes up to the end of the table row holding
    the anchor of `row` (both written by the same renderer: the same elements are the same
    bytes). A row holding a table of its own is not compared this way (False)."""
    ends = []
    for xml in (first, second):
        span = _row_span(xml, row)
        if span is None:
            return False
        inside = xml[span[0] : span[1]]
        if _opened(inside) or b"</w:tbl>" in inside:
            return False
        ends.append(span[1])
    return ends[0] == ends[1] and first[: ends[0]] == second[: ends[1]]


def _row_span(xml: bytes, row: int) -> tuple[int, int] | None:
    """(start of the <w:tr>, start of its </w:tr>) of the table row holding the anchor of
    `row`, or None."""
    mark = xml.find(b'w:name="' + ROW_ANCHOR.format(row).encode() + b'"')
    if mark < 0:
        return None
    start = max(xml.rfind(b"<w:tr>", 0, mark), xml.rfind(b"<w:tr ", 0, mark))
    end = xml.find(b"</w:tr>", mark)
    return (start, end) if start >= 0 and end >= 0 else None


def _fields_are_page_numbers(xml: bytes) -> bool:
    """Whether every field in the part only prints the page number: a page count or a
    reference to something taken out would print differently in the tail."""
    if b"instrText" not in xml and b"fldSimple" not in xml:
        return True
    root = etree.fromstring(xml)
    codes = [el.text or "" for el in root.iter(_w("instrText"))]
    codes += [el.get(_w("instr"), "") for el in root.iter(_w("fldSimple"))]
    return all(_PAGE_FIELD.match(code) for code in codes)


def _tail(xml: bytes, row: int, page_number: int) -> bytes | None:
    """The document XML cut to start at the table row holding the anchor of `row`, or None.

    Cut as bytes, not as a tree (a parse, 80 removals and a serialisation cost 25 ms, this
    1 ms): the renderer writes the table at the body's top level, its rows one after another,
    no table inside a row, one section at the end, which is checked on the way."""
    span, body = _row_span(xml, row), xml.find(b"<w:body>")
    if span is None or body < 0:
        return None
    row_start, row_end = span
    body += len(b"<w:body>")
    table = max(xml.rfind(b"<w:tbl>", 0, row_start), xml.rfind(b"<w:tbl ", 0, row_start))
    if table < body:
        return None
    above, rows = xml[body:table], xml[table:row_start]
    # the row's table is a top-level one (every table above it closed) holding no other
    if _opened(above) != above.count(b"</w:tbl>") or _opened(rows[1:]) or b"</w:tbl>" in rows:
        return None
    # one section: the tail's page is laid out in the section the whole document ends with
    if xml.count(b"<w:sectPr") != 1:
        return None
    # a merged cell that starts above would start afresh in the tail
    if any(b'w:val="restart"' not in merge for merge in _VMERGE.findall(xml, row_start, row_end)):
        return None
    kept = [xml[:body]]
    # an explicit break (render._break_pages_before) opens the page with its 1-pt paragraph
    if above.endswith(b"</w:p>"):
        paragraph = above[max(above.rfind(b"<w:p>"), above.rfind(b"<w:p ")) :]
        if b"<w:pageBreakBefore/>" in paragraph and b"<w:t" not in paragraph:
            kept.append(paragraph)
    first_row = min(i for i in (rows.find(b"<w:tr>"), rows.find(b"<w:tr "), len(rows)) if i >= 0)
    kept.append(rows[:first_row])  # the table's properties and grid
    for match in _ROW.finditer(rows, first_row):  # the header rows, which every page repeats
        header = match.group(0)
        if b"<w:tblHeader" not in header.split(b"</w:trPr>", 1)[0]:
            break
        kept.append(header)
    rest = xml[row_start:]
    section = rest.find(b"<w:sectPr")
    head, sect = rest[:section], rest[section:]
    if not _PAGE_START.search(sect):
        return None  # render._page_setup always writes one; without it the insertion point is unknown
    sect = _TITLE_PAGE.sub(b"", sect)  # the row's page is not the section's first: the usual header
    sect = _PAGE_START.sub(b'\\g<1>w:start="' + str(page_number).encode() + b'"', sect, count=1)
    return b"".join(kept) + head + sect


_ROW = re.compile(rb"<w:tr[ >].*?</w:tr>", re.DOTALL)
_VMERGE = re.compile(rb"<w:vMerge\b[^>]*>")
_TITLE_PAGE = re.compile(rb"<w:titlePg\b[^>]*/>")
_PAGE_START = re.compile(rb'(<w:pgNumType\b[^>]*?)w:start="\d+"')


def _opened(xml: bytes) -> int:
    return xml.count(b"<w:tbl>") + xml.count(b"<w:tbl ")
