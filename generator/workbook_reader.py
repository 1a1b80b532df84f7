"""Read the workbook form of a case, `keputusan.xlsx`, into the same `Case` the YAML form gives.

Sheets (their layout: `schema`): Keputusan (one labelled row per decree value), Mengingat (one
legal basis per row), Rencana Aksi (the plan: `sheets.plan_from_sheet`), Kantor (the offices of
a batch). Every problem is named by its cell, and the whole workbook is checked before anything
is reported.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import limits, numbering, printable
from .errors import DataError, Problem
from .messages import Place, problem
from .model import MAX_LAMPIRAN, PRESETS, PROSA_KINDS, Case, Decree, KantorBatch, LampiranSpec, RencanaAksi, TableData
from .schema import (
    ANGGOTA_HEADERS,
    ANGGOTA_KEYS,
    DECREE_FIELDS,
    DECREE_HEADERS,
    DECREE_SHEET,
    FIELD_BY_LABEL,
    FIELD_BY_PATH,
    KANTOR_COLUMNS,
    KANTOR_SHEET,
    KOLOM_COLUMNS,
    LAMPIRAN_COLUMNS,
    LAMPIRAN_SHEET,
    LISTS_SHEET,
    MENGINGAT_HEADERS,
    MENGINGAT_SHEET,
    PETUNJUK_SHEET,
    PLAN_SHEET,
    PROSA_HEADERS,
    REQUIRED_SHEETS,
    WORKBOOK_FILE,
    set_at,
    value_at,
)
from .sheets import (
    blank,
    cell_text,
    check_header,
    find_sheet,
    letter,
    list_from_sheet,
    open_workbook,
    plan_from_sheet,
    read_table,
    table_from_sheet,
)
from .validation import pydantic_problems, short


def load_workbook_case(case_dir: Path) -> Case:
    """The workbook form: keputusan.xlsx holds the decree, Mengingat, the plan and the offices."""
    path = case_dir / WORKBOOK_FILE
    problems: list[Problem] = []
    book = open_workbook(path, problems)
    if book is None:
        raise DataError(problems)
    sheets = {name: find_sheet(book, path, name, problems) for name in REQUIRED_SHEETS}
    file = str(path)

    raw: dict[str, Any] = {}
    places: dict[tuple, Place] = {}
    formulas: set[Place] = set()  # value cells holding a formula: reported once, nothing more said of them
    if sheets[DECREE_SHEET] is not None:
        raw, places, formulas = _read_decree_sheet(sheets[DECREE_SHEET], file, problems)
    font = printable.font_of(raw)  # every text must be printable with the case's font
    keys: list[str] = []
    texts: list[str] = []
    if sheets[MENGINGAT_SHEET] is not None:
        keys, texts = _read_mengingat_sheet(sheets[MENGINGAT_SHEET], file, problems, places, font)
    raw["mengingat"] = keys
    raw["dasar_hukum"] = WORKBOOK_FILE
    listed = LAMPIRAN_SHEET in book.sheetnames  # else a workbook from before the list: one plan sheet
    tables: list[TableData | None] = []
    headers: dict[Place, str] = {}  # the cells of the lampiran's sheets: the header of their column
    unread: set[Place] = set()  # rows of the Lampiran sheet whose lampiran's own sheet was not read
    if listed:
        raw["lampiran"], tables = _read_lampiran(book, path, problems, places, headers, unread, font)
    else:
        raw["rencana_aksi"] = WORKBOOK_FILE

    decree = None
    if sheets[DECREE_SHEET] is not None:
        sheet_place = Place(file, DECREE_SHEET)
        labels = {place: spec.label for spec in DECREE_FIELDS if (place := places.get(spec.path))}
        placer = lambda loc: _nearest(places, loc, sheet_place)  # noqa: E731
        try:
            decree = Decree.model_validate(raw, context=printable.context(font))
        except ValidationError as exc:
            for p in pydantic_problems(exc, placer):
                if p.place in formulas:
                    continue  # its value is a formula, reported as such: what it stands for is unknown
                if p.code == "lampiran.no_content" and p.place in unread:
                    continue  # its sheet is missing or refused, reported as such
                if p.code == "value.missing" and p.place == sheet_place:
                    continue  # its labelled row is gone: reported as label.missing already
                if p.code == "lampiran.both":
                    p = problem(p.code, places.get(("judul_lampiran",), p.place), key=_JUDUL_LAMPIRAN.label)
                elif p.code == "lampiran.none" and not listed:  # the plan's title, as before the list
                    judul = places.get(("judul_lampiran",))
                    p = problem("value.missing_label", judul, label=_JUDUL_LAMPIRAN.label) if judul else p
                if p.code == "value.missing" and p.place in labels:
                    p = problem("value.missing_label", p.place, label=labels[p.place])
                elif p.code == "value.missing" and p.place in headers:  # a cell of a lampiran's sheet
                    p = problem("cell.missing", p.place, column=headers[p.place])
                elif p.code == "date.invalid":
                    p = problem("date.invalid_cell", p.place, **dict(p.params))
                problems.append(p)
        if decree is not None:
            for part in decree.missing_number_parts():
                if part == "kode_wilayah":  # a national body has none: the format is what is wrong
                    problems.append(problem("nomor.no_region_code", placer(("nomor", "format")), label="Kode Wilayah"))
                    continue
                spec = FIELD_BY_PATH.get(("nomor", part))
                label = spec.label if spec else part
                problems.append(problem("nomor.part_missing", placer(("nomor", part)), part=part, label=label))

    if not listed:
        plan = RencanaAksi(())
        sheet = find_sheet(book, path, PLAN_SHEET, problems)
        if sheet is not None:
            plan = plan_from_sheet(sheet, file, problems, font)
        tables = [plan]
    offices: tuple[KantorBatch, ...] = ()
    if sheets[KANTOR_SHEET] is not None:
        offices = _read_kantor_sheet(sheets[KANTOR_SHEET], file, problems, font)
    if problems:
        raise DataError(problems)
    assert decree is not None
    return Case(
        name=case_dir.resolve().name,
        directory=case_dir,
        decree=decree,
        mengingat=tuple(texts),
        tables=tuple(tables),
        sources=(path.resolve(),),
        offices=offices,
        form="workbook",
    )


_JUDUL_LAMPIRAN = FIELD_BY_PATH[("judul_lampiran",)]


def _read_lampiran(
    book: Any,
    path: Path,
    problems: list[Problem],
    places: dict[tuple, Place],
    headers: dict[Place, str],
    unread: set[Place],
    font: str,
) -> tuple[list[dict], list[TableData | None]]:
    """The Lampiran sheet (one row per lampiran) and each lampiran's own sheet: the declarations
    as the model takes them (members and prose included), every value's cell in `places` (and
    its column's header in `headers`), and the rows of each table."""
    file = str(path)
    sheet = book[LAMPIRAN_SHEET]
    at = lambda coord: Place(file, LAMPIRAN_SHEET, coord)  # noqa: E731
    places[("lampiran",)] = Place(file, LAMPIRAN_SHEET)
    titles = tuple(header for header, _, _ in LAMPIRAN_COLUMNS)
    rows = list_from_sheet(sheet, file, titles, problems, font, limit=(MAX_LAMPIRAN, "lampiran.too_many"))
    specs: list[dict] = []
    tables: list[TableData | None] = []
    used: dict[str, int] = {}  # the sheets of the lampiran so far: which lampiran (1-based) has each
    for i, (r, values) in enumerate(rows):
        spec: dict[str, Any] = {}
        places[("lampiran", i)] = at(f"A{r}")
        for c, ((header, key, kind), value) in enumerate(zip(LAMPIRAN_COLUMNS, values), start=1):
            places[("lampiran", i, key)] = at(f"{letter(c)}{r}")
            headers[places[("lampiran", i, key)]] = header
            if not blank(value):
                spec[key] = _convert(kind, value)
        specs.append(spec)
        tables.append(None)
        jenis = spec.get("jenis", "tabel")
        spec_sheet = _sheet_of(spec, i)
        # the Kolom cell names a preset, or the sheet that declares the table's own columns
        kolom = spec.pop("kolom", None)
        places[("lampiran", i, "bentuk")] = places[("lampiran", i, "kolom")]
        readable = True
        if kolom is not None and (jenis != "tabel" or kolom in PRESETS):
            spec["bentuk"] = kolom
        elif kolom is not None and kolom in book.sheetnames:
            spec["kolom"] = _rows_as_dicts(
                book[kolom], file, KOLOM_COLUMNS, problems, places, headers, ("lampiran", i, "kolom"), font
            )
        elif kolom is not None:
            problems.append(
                problem(
                    "lampiran.kolom_unknown",
                    places[("lampiran", i, "kolom")],
                    value=short(kolom),
                    known=", ".join(PRESETS),
                    sheet=spec_sheet,
                )
            )
            readable = False
        sheet_cell = places[("lampiran", i, "sheet")]
        if spec_sheet.casefold() in used or spec_sheet.casefold() in _NOT_LAMPIRAN:
            if spec_sheet.casefold() in used:  # one sheet, one lampiran: its rows are not printed twice
                problems.append(
                    problem("lampiran.sheet_twice", sheet_cell, sheet=spec_sheet, n=used[spec_sheet.casefold()])
                )
            else:
                problems.append(problem("lampiran.sheet_reserved", sheet_cell, sheet=spec_sheet))
            unread.add(places[("lampiran", i)])  # its content, unread, is not said to be missing
            continue
        used[spec_sheet.casefold()] = i + 1
        content = book[spec_sheet] if spec_sheet in book.sheetnames else None
        if content is None:
            find_sheet(book, path, spec_sheet, problems)  # reported: missing, or renamed to ...
            unread.add(places[("lampiran", i)])
            continue
        if jenis == "anggota":
            members = tuple((header, key, "text") for header, key in zip(ANGGOTA_HEADERS, ANGGOTA_KEYS))
            prefix = ("lampiran", i, "anggota")
            spec["anggota"] = _rows_as_dicts(content, file, members, problems, places, headers, prefix, font)
        elif jenis == "prosa":
            spec["isi"] = _read_prose(content, file, problems, places, ("lampiran", i, "isi"), font)
        elif jenis == "tabel" and readable:
            try:  # its columns, to read its rows; what is wrong with it is reported with the decree
                titled = spec | {"judul": spec.get("judul") or "-"}  # a missing title is no reason not to read
                declared = LampiranSpec.model_validate(titled, context=printable.context(font))
            except ValidationError:
                continue
            if declared.is_plan:
                tables[i] = plan_from_sheet(content, file, problems, font)
            else:
                tables[i] = table_from_sheet(content, file, declared.columns, problems, font)
    return specs, tables


_NOT_LAMPIRAN = {
    name.casefold()
    for name in (DECREE_SHEET, MENGINGAT_SHEET, LAMPIRAN_SHEET, KANTOR_SHEET, PETUNJUK_SHEET, LISTS_SHEET)
}


def _sheet_of(spec: dict, index: int) -> str:
    sheet = spec.get("sheet")
    return sheet if isinstance(sheet, str) and sheet else f"Lampiran {numbering.roman(index + 1)}"


def _rows_as_dicts(
    sheet: Any,
    file: str,
    columns: tuple[tuple[str, str, str], ...],
    problems: list[Problem],
    places: dict[tuple, Place],
    headers: dict[Place, str],
    prefix: tuple,
    font: str,
) -> list[dict]:
    """A simple table's rows as dicts of the model's keys, each value's cell in `places` (and
    its column's header in `headers`)."""
    titles = tuple(header for header, _, _ in columns)
    places[prefix] = Place(file, sheet.title, "A2")
    out: list[dict] = []
    limit = (limits.MAX_PLAN_ROWS, "tabel.too_many_rows")
    for r, values in list_from_sheet(sheet, file, titles, problems, font, limit=limit):
        item: dict[str, Any] = {}
        places[prefix + (len(out),)] = Place(file, sheet.title, f"A{r}")
        for c, ((header, key, kind), value) in enumerate(zip(columns, values), start=1):
            places[prefix + (len(out), key)] = Place(file, sheet.title, f"{letter(c)}{r}")
            headers[places[prefix + (len(out), key)]] = header
            if not blank(value):
                item[key] = _convert(kind, value)
        out.append(item)
    return out


def _read_prose(sheet: Any, file: str, problems: list[Problem], places: dict, prefix: tuple, font: str) -> list[dict]:
    """Rows of Jenis (bab, bagian, subbagian, paragraf, butir) and Teks as blocks of prose: the
    butir of consecutive rows make one numbered list."""
    at = lambda coord: Place(file, sheet.title, coord)  # noqa: E731
    places[prefix] = at("A2")
    blocks: list[dict] = []
    for r, values in list_from_sheet(sheet, file, PROSA_HEADERS, problems, font):
        kind, text = cell_text(values[0]).casefold(), _convert("long", values[1]) if not blank(values[1]) else ""
        if kind not in PROSA_KINDS:
            problems.append(
                problem("prosa.kind_unknown", at(f"A{r}"), value=short(values[0]), kinds=", ".join(PROSA_KINDS))
            )
            continue
        if kind == "butir" and blocks and "butir" in blocks[-1]:
            places[prefix + (len(blocks) - 1, "butir", len(blocks[-1]["butir"]))] = at(f"B{r}")
            blocks[-1]["butir"].append(text)
            continue
        places[prefix + (len(blocks),)] = at(f"B{r}")
        places[prefix + (len(blocks), kind)] = at(f"B{r}")
        if kind == "butir":
            places[prefix + (len(blocks), kind, 0)] = at(f"B{r}")
        blocks.append({kind: [text] if kind == "butir" else text})
    return blocks


def _nearest(places: dict[tuple, Place], loc: tuple, default: Place) -> Place:
    probe = tuple(loc)
    while probe:
        if probe in places:
            return places[probe]
        probe = probe[:-1]
    return default


# ---------------------------------------------------------------- cell values


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_BULAN = {name.casefold(): i for i, name in enumerate(numbering.BULAN, start=1)}
_LONG_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$")


def cell_date(value: Any) -> Any:
    """A date from a date cell, or from text as staff write it (17/01/2022, 17 Januari 2022,
    2022-01-17); text that is no real date is returned as it is, for the validation to name."""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    match = _DMY.match(text) or _LONG_DATE.match(text)
    if match:
        day, month, year = match.groups()
        month_no = int(month) if month.isdigit() else _BULAN.get(month.casefold())
        try:
            return dt.date(int(year), month_no or 0, int(day))
        except (TypeError, ValueError):
            return text
    return text


def _convert(kind: str, value: Any) -> Any:
    """A cell's value as the model's field of `kind` (schema.SchemaField.kind) takes it."""
    if kind == "date":
        return cell_date(value)
    if kind == "yesno":
        if isinstance(value, bool):  # an Excel TRUE/FALSE cell
            return value
        text = cell_text(value).casefold()
        return {"ya": True, "y": True, "tidak": False, "t": False}.get(text, text)
    if kind in ("code",):
        return cell_text(value)
    if kind == "urut":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        text = cell_text(value)
        # 017 typed in a text cell is a code with its zero, not the number 17
        return int(text) if text.isdigit() and not (len(text) > 1 and text.startswith("0")) else text
    if kind in ("int", "number"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value) if kind == "int" and float(value).is_integer() else value
        return cell_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return cell_text(value)
    return cell_text(value) if not isinstance(value, str) else value.strip()


# ---------------------------------------------------------------- the sheets

_FORMULA = object()  # a value cell holding a formula: what it stands for is unknown


def _read_decree_sheet(sheet: Any, file: str, problems: list[Problem]) -> tuple[dict, dict[tuple, Place], set[Place]]:
    """The decree's values by field path, where each was typed, and the value cells that hold
    a formula (reported here; the loader says nothing more of them)."""
    at = lambda coord: Place(file, sheet.title, coord)  # noqa: E731
    if not check_header(sheet, file, DECREE_HEADERS, problems):
        return {}, {}, set()
    raw: dict[str, Any] = {}
    for spec in DECREE_FIELDS:  # every group present, so a blank value is reported at its own cell
        if len(spec.path) > 1:
            set_at(raw, spec.path[:-1] + ("_",), None)
            value_at(raw, spec.path[:-1]).pop("_")
    places: dict[tuple, Place] = {}
    first_row: dict[str, int] = {}
    lists: dict[tuple, list[tuple[int, Any]]] = {}
    formulas: set[Place] = set()
    label_formula = False  # a label given by a formula: which row it is, is unknown
    for r in range(2, sheet.max_row + 1):
        label_cell, value_cell = sheet.cell(row=r, column=1), sheet.cell(row=r, column=2)
        for cell in (label_cell, value_cell):
            if cell.data_type == "f":
                problems.append(problem("cell.formula", at(cell.coordinate), formula=short(cell.value)))
        if label_cell.data_type == "f":
            label_formula = True
            continue
        label = cell_text(label_cell.value)
        value = value_cell.value
        if value_cell.data_type == "f":
            formulas.add(at(f"B{r}"))
            value = _FORMULA
        if not label:
            if not blank(value):
                problems.append(problem("label.no_label", at(f"A{r}")))
            continue
        entry = FIELD_BY_LABEL.get(label.casefold())
        if entry is None:
            guess = difflib.get_close_matches(label, [s.label for s in DECREE_FIELDS], n=1, cutoff=0.6)
            if guess:
                problems.append(problem("label.unknown", at(f"A{r}"), label=short(label), guess=guess[0]))
            else:
                problems.append(problem("label.unknown_noguess", at(f"A{r}"), label=short(label)))
            continue
        if entry.kind == "list":
            lists.setdefault(entry.path, []).append((r, value))
            continue
        if entry.label in first_row:
            problems.append(problem("label.duplicate", at(f"A{r}"), label=entry.label, first=first_row[entry.label]))
            continue
        first_row[entry.label] = r
        places[entry.path] = at(f"B{r}")
        if not blank(value) and value is not _FORMULA:
            set_at(raw, entry.path, _convert(entry.kind, value))
    for path, items in lists.items():
        places[path] = at(f"B{items[0][0]}")
        kept: list[Any] = []
        for r, value in items:
            if blank(value) or value is _FORMULA:
                continue  # an empty item row is not an item (none at all is reported)
            places[path + (len(kept),)] = at(f"B{r}")
            kept.append(_convert("long", value))
        if kept or FIELD_BY_PATH[path].required:  # an optional list whose rows are all blank: not given
            set_at(raw, path, kept)
    for spec in DECREE_FIELDS:  # a required row that is gone: say which label to add back
        if spec.path not in places and spec.required:
            if not label_formula:  # else it may be the row whose label is a formula, reported already
                problems.append(problem("label.missing", Place(file, sheet.title), label=spec.label))
            places[spec.path] = Place(file, sheet.title)
    return raw, places, formulas


def _read_mengingat_sheet(
    sheet: Any, file: str, problems: list[Problem], places: dict[tuple, Place], font: str
) -> tuple[list[str], list[str]]:
    at = lambda coord: Place(file, sheet.title, coord)  # noqa: E731
    places[("mengingat",)] = at("A2")
    table = read_table(sheet, file, MENGINGAT_HEADERS, problems, font=font)
    if table is None:
        return [], []
    rows = list(table)  # every cell checked before the rows: cell problems come first
    keys: list[str] = []
    texts: list[str] = []
    used: dict[str, int] = {}
    for row in rows:
        if not row.ok:
            continue
        r = row.number
        text, key = cell_text(row.values[0]).rstrip(";").strip(), cell_text(row.values[1])
        if not text:
            problems.append(problem("mengingat.text_missing", at(f"A{r}")))
            continue
        if key and key in used:
            problems.append(problem("mengingat.duplicate_key", at(f"B{r}"), key=key, first=used[key]))
            continue
        places[("mengingat", len(keys))] = at(f"B{r}" if key else f"A{r}")
        keys.append(key or "")
        texts.append(text)
        if key:
            used[key] = r
    derived = citation_keys(texts, keys)
    return derived, texts


_KINDS = (
    ("undang-undang", "uu"),
    ("peraturan pemerintah pengganti undang-undang", "perppu"),
    ("peraturan pemerintah", "pp"),
    ("peraturan presiden", "perpres"),
    ("keputusan presiden", "keppres"),
    ("peraturan komisi pemilihan umum", "pkpu"),
    ("keputusan komisi pemilihan umum", "kepkpu"),
    ("peraturan menteri", "permen"),
    ("keputusan menteri", "kepmen"),
    ("peraturan daerah", "perda"),
)


def citation_key(text: str) -> str:
    """A short key for a citation: 'Undang-Undang Nomor 7 Tahun 2017 ...' -> 'uu-7-2017'."""
    lower = text.casefold()
    kind = next((abbr for name, abbr in _KINDS if lower.startswith(name)), "dasar")
    number = re.search(r"nomor\s*:?\s*(\d+)", lower)
    year = re.search(r"tahun\s+(\d{4})", lower) or re.search(r"/(\d{4})\b", lower)
    parts = [kind] + [m.group(1) for m in (number, year) if m]
    return "-".join(parts)


def citation_keys(texts: list[str], keys: list[str]) -> list[str]:
    """The given keys, with blank ones derived from their citations (made unique)."""
    out: list[str] = []
    taken = {k for k in keys if k}
    for text, key in zip(texts, keys):
        if not key:
            base = key = citation_key(text)
            n = 2
            while key in taken:
                key, n = f"{base}-{n}", n + 1
            taken.add(key)
        out.append(key)
    return out


def _read_kantor_sheet(sheet: Any, file: str, problems: list[Problem], font: str) -> tuple[KantorBatch, ...]:
    at = lambda coord: Place(file, sheet.title, coord)  # noqa: E731
    headers = tuple(column.label for column in KANTOR_COLUMNS)
    table = read_table(sheet, file, headers, problems, limit=(limits.MAX_OFFICES, "kantor.too_many"), font=font)
    if table is None:
        return ()
    rows = list(table)  # every cell checked before the rows: cell problems come first
    offices: list[KantorBatch] = []
    seen: dict[str, int] = {}
    for row in rows:
        if not row.ok:
            continue
        r = row.number
        data = {}
        for column, value in zip(KANTOR_COLUMNS, row.values):
            if not blank(value):
                data[column.path[0]] = _convert(column.kind, value)
        cells = {column.path[0]: f"{letter(c)}{r}" for c, column in enumerate(KANTOR_COLUMNS, start=1)}
        if "kode_wilayah" not in data:
            problems.append(problem("kantor.code_missing", at(cells["kode_wilayah"])))
            continue
        if "wilayah" not in data:
            problems.append(problem("kantor.name_missing", at(cells["wilayah"])))
            continue
        try:
            office = KantorBatch.model_validate(data, context=printable.context(font))
        except ValidationError as exc:
            row_place = lambda loc, cells=cells, r=r: at(cells.get(str(loc[0]), f"A{r}"))  # noqa: E731
            for p in pydantic_problems(exc, row_place, KantorBatch):
                problems.append(
                    problem("date.invalid_cell", p.place, **dict(p.params)) if p.code == "date.invalid" else p
                )
            continue
        if office.kode_wilayah in seen:
            problems.append(
                problem(
                    "kantor.duplicate",
                    at(cells["kode_wilayah"]),
                    kode=office.kode_wilayah,
                    first=seen[office.kode_wilayah],
                )
            )
            continue
        seen[office.kode_wilayah] = r
        offices.append(office)
    return tuple(offices)
