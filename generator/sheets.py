"""Reading workbooks staff filled in: open one, find its sheets, read a table, read the plan.

Both forms of a case hold the plan in a workbook sheet (`keputusan.xlsx`, or the YAML form's
`rencana-aksi.xlsx`), and the workbook form holds more tables (Mengingat, Kantor). What can go
wrong in any of them is checked here once, and named by its cell (`file, Sheet!D14`): a missing,
encrypted or damaged file, a renamed sheet, changed headers, merged cells, formulas, empty rows
between data, values outside the table's columns, pasted texts too long to be one cell.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import limits, printable
from .errors import Problem
from .messages import Place, problem
from .model import MAX_TEXT, Area, BarisTabel, Kegiatan, Kolom, RencanaAksi, SubKegiatan, Tabel
from .schema import PLAN_HEADERS
from .validation import short

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted (password-protected) xlsx and old .xls files
MONTH_MARKS = {"x", "v", "✓", "√", "1"}
_UNKNOWN = "\0formula@"  # stands for a formula cell's value in the plan reader: no text typed can be it
EXTRA_COLUMNS = 50  # columns read beyond a table's own: a whole formatted row is not data


def open_workbook(path: Path, problems: list[Problem], missing_code: str = "workbook.not_found") -> Any:
    """openpyxl workbook of `path`, or None with the problem (missing, encrypted, not a workbook)."""
    import openpyxl  # imported here: only workbooks need it, and it is slow to import

    if not path.exists():
        problems.append(problem(missing_code, Place(str(path))))
        return None
    refused = limits.check_workbook(path)  # a FIFO, a zip bomb, a sheet of a million rows: before openpyxl
    if refused:
        problems.extend(refused)
        return None
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == OLE_MAGIC:
        problems.append(problem("workbook.encrypted", Place(str(path))))
        return None
    try:
        with warnings.catch_warnings():
            # openpyxl warns on stderr of what it drops or cannot read (data validation
            # extensions, a date serial out of range): staff would see a library's file path
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors of many kinds: not a usable .xlsx
        problems.append(problem("workbook.not_xlsx", Place(str(path)), detail=type(exc).__name__))
        return None


def find_sheet(book: Any, path: Path, name: str, problems: list[Problem]) -> Any:
    """The sheet `name`, or None with a problem that suggests the sheet it was probably renamed to."""
    if name in book.sheetnames:
        return book[name]
    sheets = ", ".join(book.sheetnames)
    guess = difflib.get_close_matches(name, book.sheetnames, n=1, cutoff=0.4)
    if guess:
        problems.append(problem("sheet.renamed", Place(str(path)), sheet=name, sheets=sheets, guess=guess[0]))
    else:
        problems.append(problem("sheet.missing", Place(str(path)), sheet=name, sheets=sheets))
    return None


def cell_text(value: Any) -> str:
    """A cell's value as staff read it: 19 for 19.0, a date without midnight, stripped."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return "" if value is None else str(value).strip()


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def check_header(sheet: Any, file: str, headers: tuple[str, ...], problems: list[Problem]) -> bool:
    """Row 1 holds exactly `headers` and no cell of the sheet is merged; False with the problems."""
    start = len(problems)
    problems.extend(
        problem("cells.merged", Place(file, sheet.title, merged.coord)) for merged in sheet.merged_cells.ranges
    )
    for col, expected in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col)
        value = cell_text(cell.value)
        if value != expected:
            problems.append(
                problem(
                    "header.wrong", Place(file, sheet.title, cell.coordinate), value=short(value), expected=expected
                )
            )
    return len(problems) == start


@dataclass(frozen=True)
class TableRow:
    """One data row of a table, after its cells were checked (every problem is reported)."""

    number: int  # the row's number in the sheet
    values: tuple[Any, ...]  # the values of the table's columns, as openpyxl read them
    formula: bool  # a cell of the table's columns holds a formula: what it stands for is unknown
    unusable: bool  # a cell cannot be used as it is (a formula, a text too long)
    stray: bool  # a value outside the table's columns
    formulas: frozenset[int] = frozenset()  # 0-based columns of the table holding a formula

    @property
    def ok(self) -> bool:
        return not (self.unusable or self.stray)


def read_table(
    sheet: Any,
    file: str,
    headers: tuple[str, ...],
    problems: list[Problem],
    guess_headers: bool = True,
    limit: tuple[int, str] | None = None,
    font: str = printable.DEFAULT_FONT,
) -> Iterator[TableRow] | None:
    """The data rows of a simple table whose headers are row 1; None when its headers are wrong,
    or when it has more data rows than `limit` = (most rows, the code of that problem). Every
    text of the table's columns must be printable with `font` (`printable`).

    Trailing empty rows are normal in a sheet and skipped; an empty row between data rows is a
    mistake (reported, and left out). Each cell's problem is reported once, when its row is
    read: a reader that checks each row as it comes reports every problem in row order."""
    at = lambda coord: Place(file, sheet.title, coord)  # noqa: E731
    ok = check_header(sheet, file, headers, problems)
    for col in range(len(headers) + 1, sheet.max_column + 1):
        cell = sheet.cell(row=1, column=col)
        if blank(cell.value):
            continue
        guess = difflib.get_close_matches(cell_text(cell.value), headers, n=1) if guess_headers else []
        if guess:
            problems.append(
                problem("column.unknown_guess", at(cell.coordinate), value=short(cell.value), guess=guess[0])
            )
        else:
            problems.append(problem("column.unknown", at(cell.coordinate), value=short(cell.value)))
        ok = False
    if not ok:
        return None
    width = min(max(sheet.max_column, len(headers)), len(headers) + EXTRA_COLUMNS)
    last = _last_data_row(sheet, width)
    if limit is not None and last - 1 > limit[0]:
        problems.append(problem(limit[1], Place(file, sheet.title), n=last - 1, max=limit[0]))
        return None
    rows = [(r, [sheet.cell(row=r, column=c) for c in range(1, width + 1)]) for r in range(2, last + 1)]
    return _checked_rows(rows, at, len(headers), problems, font)


def _last_data_row(sheet: Any, width: int) -> int:
    """The last row with a value in the first `width` columns (1 when none): rows below it are
    empty, if formatted, and are not read (openpyxl would make every cell asked for)."""
    cells = getattr(sheet, "_cells", None)  # openpyxl's cells that exist, by (row, column)
    if cells is None:
        return sheet.max_row
    return max((r for (r, c), cell in cells.items() if c <= width and not blank(cell.value)), default=1)


def _checked_rows(
    rows: list[tuple[int, list[Any]]], at: Callable[[str], Place], columns: int, problems: list[Problem], font: str
) -> Iterator[TableRow]:
    last = letter(columns)
    for r, cells in rows:
        if all(blank(c.value) for c in cells):
            problems.append(problem("row.empty", at(f"A{r}:{last}{r}")))
            continue
        formula = unusable = stray = False
        formulas = set()
        for cell in cells:
            inside = cell.column <= columns
            if cell.data_type == "f":
                problems.append(problem("cell.formula", at(cell.coordinate), formula=short(cell.value)))
                formula, unusable = formula or inside, True
                if inside:
                    formulas.add(cell.column - 1)
            elif not inside and not blank(cell.value):
                problems.append(problem("cell.outside", at(cell.coordinate)))
                stray = True
            elif isinstance(cell.value, str) and len(cell.value.strip()) > MAX_TEXT:
                problems.append(
                    problem("cell.too_long", at(cell.coordinate), length=len(cell.value.strip()), max=MAX_TEXT)
                )
                unusable = True
            elif inside and isinstance(cell.value, str):
                unprintable = printable.problem_of(cell.value.strip(), font)
                if unprintable is not None:
                    problems.append(problem(unprintable[0], at(cell.coordinate), **unprintable[1]))
                    unusable = True
        values = tuple(c.value for c in cells[:columns])
        yield TableRow(r, values, formula=formula, unusable=unusable, stray=stray, formulas=frozenset(formulas))


def plan_from_sheet(sheet: Any, where: str, problems: list[Problem], font: str = printable.DEFAULT_FONT) -> RencanaAksi:
    """Build the plan from the plan sheet of either form; append every problem, by cell.

    `where` is the workbook's path as shown to the user; places are `where, Sheet!D14`.
    `font`: the case's font, which must print every text (`printable`).
    """
    title = sheet.title
    at = lambda coord: Place(where, title, coord)  # noqa: E731
    last_col = letter(len(PLAN_HEADERS))
    # the month headers 1..12 would be offered as the guess for any unknown column holding a number
    table = read_table(
        sheet,
        where,
        PLAN_HEADERS,
        problems,
        guess_headers=False,
        limit=(limits.MAX_PLAN_ROWS, "plan.too_many_rows"),
        font=font,
    )
    if table is None:
        return RencanaAksi(())
    first = next(table, None)
    if first is None:
        problems.append(problem("plan.no_rows", Place(where, title)))
        return RencanaAksi(())

    areas: list[tuple[str, list[tuple[str, list[SubKegiatan]]]]] = []
    seen_areas: dict[str, int] = {}
    current_area: str | None = None
    current_kegiatan: str | None = None
    kegiatan_rows = 0
    for row in itertools.chain([first], table):  # each row checked as read: its problems in row order
        r = row.number
        row_ok = not row.unusable  # a value outside the columns is reported, and the row still read
        # A formula cell is reported once (`read_table`). What it stands for is unknown, so the
        # row is not kept, but it still counts as written: an area or kegiatan given by a
        # formula goes on under the rows below it, whose blanks mean "same as above", and
        # nothing else is said of that cell (no follow-on "missing" for every row after it).
        texts = [
            _UNKNOWN + f"{r}:{c}" if c in row.formulas else "" if value is None else str(value).strip()
            for c, value in enumerate(row.values)
        ]
        area, kegiatan, sub, indikator = texts[0], texts[1], texts[2], texts[3]
        month_cells, keterangan = texts[4:16], texts[16]
        months = set()
        for m, mark in enumerate(month_cells, start=1):
            if mark == "" or mark.startswith(_UNKNOWN):
                continue
            if mark.lower() in MONTH_MARKS:
                months.add(m)
            else:
                problems.append(problem("month.mark", at(f"{letter(4 + m)}{r}"), mark=short(mark)))
        if not sub:
            problems.append(problem("plan.sub_empty", at(f"C{r}")))
            row_ok = False
        if area:
            if area != current_area and area in seen_areas:
                problems.append(problem("plan.area_returns", at(f"A{r}"), area=area, row=seen_areas[area]))
                row_ok = False
            if area != current_area:
                current_area, current_kegiatan = area, None
                areas.append((area, []))
        elif current_area is None:
            problems.append(problem("plan.area_missing", at(f"A{r}")))
            row_ok = False
        if kegiatan:
            if areas and kegiatan != current_kegiatan:
                names = [k for k, _ in areas[-1][1]]
                if kegiatan in names:
                    problems.append(problem("plan.kegiatan_returns", at(f"B{r}"), kegiatan=kegiatan))
                    row_ok = False
                current_kegiatan = kegiatan
                kegiatan_rows = 0
                if areas:
                    areas[-1][1].append((kegiatan, []))
        elif current_kegiatan is None:
            problems.append(problem("plan.kegiatan_missing", at(f"B{r}")))
            row_ok = False
        seen_areas[area or current_area or ""] = r
        if not (areas and areas[-1][1]):
            continue
        kegiatan_rows += 1  # rows of the kegiatan so far, kept or not: its first one gives the indikator
        if kegiatan_rows == 1 and not indikator:
            problems.append(problem("plan.indikator_missing", at(f"D{r}")))
        if row_ok:
            subs = areas[-1][1][-1][1]
            subs.append(
                SubKegiatan(
                    teks=sub,
                    indikator=indikator or None,
                    bulan=frozenset(months),
                    keterangan=keterangan,
                    source=f"{title}!A{r}:{last_col}{r}",
                )
            )
    return RencanaAksi(tuple(Area(a, tuple(Kegiatan(k, tuple(s)) for k, s in kegiatan)) for a, kegiatan in areas))


def table_from_sheet(
    sheet: Any, where: str, columns: tuple[Kolom, ...], problems: list[Problem], font: str = printable.DEFAULT_FONT
) -> Tabel:
    """The rows of a table lampiran whose columns the case declares; every problem by cell.

    Row 1 holds the columns' sheet headers (`Kolom.sheet_headers`), in order. A kelompok
    (group) cell left blank continues the group above; groups nest in the order they are
    declared, so a group's first row under a new parent group must name it, and a group that
    ended does not come back under the same parent. A butir (item) is required; period marks
    are `x` (or v, ✓, 1). Groups are kept as typed on the row that opens them and blank on the
    rows that continue them."""
    title = sheet.title
    at = lambda coord: Place(where, title, coord)  # noqa: E731
    slots = [(column, header) for column in columns for header in column.sheet_headers]
    headers = tuple(header for _, header in slots)
    last_col = letter(len(headers))
    table = read_table(
        sheet,
        where,
        headers,
        problems,
        guess_headers=False,
        limit=(limits.MAX_PLAN_ROWS, "tabel.too_many_rows"),
        font=font,
    )
    if table is None:
        return Tabel(())
    group_slots = [i for i, (column, _) in enumerate(slots) if column.jenis == "kelompok"]
    current: dict[int, str | None] = dict.fromkeys(group_slots)
    ended: dict[int, set[str]] = {i: set() for i in group_slots}  # groups ended under the current parent
    rows: list[BarisTabel] = []
    any_row = False
    for row in table:
        any_row = True
        r = row.number
        keep = not row.unusable
        texts = [
            _UNKNOWN if c in row.formulas else cell_text(value) for c, value in enumerate(row.values[: len(slots)])
        ]
        values = list(texts)
        parent_started = False
        for i in group_slots:
            text = texts[i]
            if text == _UNKNOWN:  # a formula: reported; the group it stood for goes on below
                parent_started = True
                current[i] = _UNKNOWN
                values[i] = ""
                continue
            if text and (parent_started or text != current[i]):
                if text in ended[i] and not parent_started:
                    problems.append(problem("tabel.group_returns", at(f"{letter(i + 1)}{r}"), value=short(text)))
                    keep = False
                previous = current[i]
                if previous is not None:
                    ended[i].add(previous)
                if parent_started:
                    ended[i] = set()
                current[i] = text
                parent_started = True
            elif text:
                values[i] = ""  # the same group as above, typed again
            elif parent_started or current[i] is None:
                problems.append(problem("tabel.group_missing", at(f"{letter(i + 1)}{r}"), column=headers[i]))
                keep = False
                current[i] = _UNKNOWN  # said once: the rows below, blank, go on in the same unknown group
                parent_started = True
        for i, (column, header) in enumerate(slots):
            text = texts[i]
            if text == _UNKNOWN:
                values[i] = ""
                continue
            if column.jenis == "butir" and not text:
                problems.append(problem("tabel.item_empty", at(f"{letter(i + 1)}{r}"), column=header))
                keep = False
            elif column.marks and text:
                if text.lower() in MONTH_MARKS:
                    values[i] = "x"
                else:
                    problems.append(problem("tabel.mark", at(f"{letter(i + 1)}{r}"), mark=short(text)))
                    keep = False
        if keep:
            rows.append(BarisTabel(tuple(values), source=f"{title}!A{r}:{last_col}{r}"))
    if not any_row:
        problems.append(problem("tabel.no_rows", Place(where, title)))
    return Tabel(tuple(rows))


def list_from_sheet(
    sheet: Any,
    where: str,
    headers: tuple[str, ...],
    problems: list[Problem],
    font: str = printable.DEFAULT_FONT,
    limit: tuple[int, str] | None = None,
) -> list[tuple[int, tuple[Any, ...]]]:
    """The usable rows of a simple table (headers in row 1) as (row number, values); the values
    of cells are converted by the caller, which validates them with a model."""
    table = read_table(sheet, where, headers, problems, font=font, limit=limit)
    if table is None:
        return []
    return [(row.number, row.values) for row in table if row.ok]
