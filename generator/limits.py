"""How much the tool reads, and the checks that hold those limits before any parser runs.

Every limit is far above any real decree (the NTB sample has 83 plan rows, a 6 KB YAML file and
a 60 KB workbook) and low enough that reading what is within it takes seconds and a few hundred
MB at most. A file beyond one is refused with exit 2, its place and the fix (docs/limits.md),
before openpyxl or PyYAML sees it, so a zip bomb, a sheet of a million rows or a YAML file of
nested aliases cannot make the tool hang or eat the machine's memory.

The workbook check reads only the zip's directory and streams each sheet's XML once, counting
rows and cells and stopping at the first limit passed (a sheet's own `<dimension>` may lie).
The web application runs the same check on every upload (`web.uploads`).
"""

from __future__ import annotations

import posixpath
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException

from .errors import DataError, Problem
from .messages import Place, problem

MB = 1024 * 1024

# ---- workbooks (keputusan.xlsx, rencana-aksi.xlsx, uploads)
MAX_WORKBOOK_BYTES = 50 * MB  # the file itself
MAX_PARTS = 2000  # files inside the zip
MAX_UNPACKED = 80 * MB  # all parts together, unpacked
MAX_PART_RATIO = 250  # unpacked / packed size of a part: ordinary workbooks stay below 30
MAX_SHEET_XML = 25 * MB  # one sheet's XML, unpacked
MAX_SHEET_ROWS = 20_000  # the last row a sheet uses (formatted empty rows count)
MAX_SHEET_COLUMNS = 200  # the last column a sheet uses
MAX_SHEET_CELLS = 400_000  # cells a sheet stores (every formatted cell counts)
MAX_PLAN_ROWS = 1_000  # rows of the plan: the real decree has 83; LibreOffice lays out 1,000 in ~30 s, 2,000 in ~115 s

# ---- YAML files (keputusan.yaml, dasar-hukum.yaml, daftar-kantor.yaml, kantor.yaml)
MAX_YAML_BYTES = 2 * MB
MAX_YAML_NODES = 250_000  # values and keys, each alias counted as the whole value it repeats
MAX_YAML_DEPTH = 50  # levels of nesting: a decree needs 4

# ---- a batch
MAX_OFFICES = 1_000  # offices of one batch: Indonesia has 553 KPU offices in all

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def regular_file(path: Path, label: str | None = None) -> Problem | None:
    """None when `path` is a regular file (links followed); else the problem to report: a FIFO
    or a device (/dev/zero) would block or never end when read."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # missing or unreadable: the reader reports it in its own words
    if stat.S_ISREG(mode):
        return None
    return problem("file.not_regular", Place(label or str(path)))


def read_bytes(path: Path, limit: int, label: str | None = None) -> bytes:
    """The bytes of `path`, at most `limit`; DataError when it is larger or not a regular file."""
    place = Place(label or str(path))
    bad = regular_file(path, label)
    if bad is not None:
        raise DataError([bad])
    with path.open("rb") as fh:  # read with a bound: the size stat reports can change meanwhile
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise DataError([problem("file.too_large", place, max_mb=_mb(limit))])
    return data


def _mb(size: int) -> str:
    return f"{size / MB:.0f}" if size >= 10 * MB else f"{size / MB:.1f}".removesuffix(".0")


# ---------------------------------------------------------------- workbooks


@dataclass(frozen=True)
class SheetExtent:
    """How far a sheet's XML reaches: its last row and column, and how many cells it stores."""

    rows: int
    columns: int
    cells: int


def check_workbook(path: Path, label: str | None = None) -> list[Problem]:
    """The problems that forbid reading `path` as a workbook at all ([] when it may be read):
    too large a file, too many parts, too large unpacked, a part packed like a zip bomb, a
    sheet whose XML, rows, columns or cells pass the limits. Not a zip: [] (openpyxl says so
    in its own words, as for any damaged file)."""
    file = label or str(path)
    bad = regular_file(path, file)
    if bad is not None:
        return [bad]
    try:
        if path.stat().st_size > MAX_WORKBOOK_BYTES:
            return [problem("workbook.too_large", Place(file), max_mb=_mb(MAX_WORKBOOK_BYTES))]
        with zipfile.ZipFile(path) as book:
            return _check_archive(book, file)
    except (ParseError, DefusedXmlException) as exc:  # a DTD or entities in the XML: not Excel's
        return [problem("workbook.not_xlsx", Place(file), detail=type(exc).__name__)]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, zlib.error):
        return []  # not a readable zip: openpyxl says so, as for any damaged file


def _check_archive(book: zipfile.ZipFile, file: str) -> list[Problem]:
    parts = book.infolist()
    if len(parts) > MAX_PARTS:
        return [problem("workbook.too_many_parts", Place(file), parts=len(parts), max=MAX_PARTS)]
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED:
        return [problem("workbook.too_big_unpacked", Place(file), size_mb=_mb(unpacked), max_mb=_mb(MAX_UNPACKED))]
    for part in parts:
        if part.file_size > MAX_PART_RATIO * max(part.compress_size, 1024):
            return [problem("workbook.packed_oddly", Place(file), part=part.filename[:100])]
    names = {p.filename for p in parts}
    problems = []
    for sheet, part_name in _sheet_parts(book, names):
        place = Place(file, sheet)
        info = book.getinfo(part_name)
        if info.file_size > MAX_SHEET_XML:
            problems.append(problem("sheet.xml_too_big", place, size_mb=_mb(info.file_size), max_mb=_mb(MAX_SHEET_XML)))
            continue
        too_far = _sheet_problem(book, part_name, place)
        if too_far is not None:
            problems.append(too_far)
    return problems


def _sheet_parts(book: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """(sheet name, its XML part) of each worksheet, as xl/workbook.xml and its relationships
    name them; a part that is not in the zip is left to openpyxl to report."""
    from defusedxml.ElementTree import fromstring

    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return []
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if book.getinfo(name).file_size > MAX_SHEET_XML:
            return []  # the zip's size limits hold it; openpyxl reports what is wrong with it
    workbook = fromstring(book.read("xl/workbook.xml"))
    rels = fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.iter(f"{{{_RELS}}}Relationship"):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = part
    found = []
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        part = targets.get(sheet.get(f"{{{_DOC_RELS}}}id"))
        if part in names:
            found.append((sheet.get("name") or part, part))
    return found


def sheet_extent(book: zipfile.ZipFile, part: str, stop: SheetExtent | None = None) -> SheetExtent:
    """Stream the sheet XML `part` once (defusedxml: no DTD, no entities) and measure it, the
    cells that merged ranges cover included; stop as soon as any measure passes `stop` (then
    the extent returned is only as far as read)."""
    from defusedxml.ElementTree import iterparse

    rows = columns = cells = row = column = 0
    with book.open(part) as stream:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    number = element.get("r")
                    row = int(number) if number and number.isdigit() else row + 1
                    rows = max(rows, row)
                    column = 0
                elif tag == "c":
                    cells += 1
                    column, at_row = _cell_ref(element.get("r"), column + 1, row)
                    columns, rows = max(columns, column), max(rows, at_row)
                elif tag == "mergeCell":  # openpyxl makes a cell object for every cell a merge covers
                    first, _, last = (element.get("ref") or "").partition(":")
                    (left, top), (right, bottom) = _cell_ref(first, 1, 1), _cell_ref(last or first, 1, 1)
                    cells += (abs(right - left) + 1) * (abs(bottom - top) + 1)
                    columns, rows = max(columns, left, right), max(rows, top, bottom)
                if stop and (rows > stop.rows or columns > stop.columns or cells > stop.cells):
                    break
            elif tag in ("row", "mergeCell"):
                element.clear()  # keep memory flat: nothing of it is needed once counted
    return SheetExtent(rows, columns, cells)


def _cell_ref(ref: str | None, column: int, row: int) -> tuple[int, int]:
    """(column, row) numbers of a cell reference (`Q12` -> (17, 12)); the given ones for what
    it lacks (a cell without a reference follows the one before it)."""
    if not ref:
        return column, row
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number or column, int(digits) if digits else row


def _sheet_problem(book: zipfile.ZipFile, part: str, place: Place) -> Problem | None:
    limit = SheetExtent(MAX_SHEET_ROWS, MAX_SHEET_COLUMNS, MAX_SHEET_CELLS)
    try:
        extent = sheet_extent(book, part, stop=limit)
    except (ParseError, DefusedXmlException) as exc:  # broken XML, or a DTD or entities in it
        return problem("workbook.not_xlsx", Place(place.file), detail=f"{place.sheet}: {type(exc).__name__}")
    if extent.rows > limit.rows:
        return problem("sheet.too_many_rows", place, rows=extent.rows, max=limit.rows)
    if extent.columns > limit.columns:
        return problem("sheet.too_many_columns", place, columns=extent.columns, max=limit.columns)
    if extent.cells > limit.cells:
        return problem("sheet.too_many_cells", place, cells=extent.cells, max=limit.cells)
    return None
