"""Read a case folder into a validated `Case`, reporting every problem with its place.

A case comes in one of two forms, detected from the folder: `keputusan.yaml` (with the plan in
its own workbook and the legal bases in a shared library), or one workbook `keputusan.xlsx`
that holds everything staff type (read by `workbook`). Both give the same `Case`.

YAML problems name the file, the key path and its line; workbook problems name the file and
the cell as `Sheet!D14`. Every problem carries a message code (`messages`), so it can be shown
in Indonesian or English. Nothing is rendered until the whole case is valid.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import DataError, Problem
from .messages import Place, problem
from .model import MAX_TEXT, Area, Case, Decree, Kegiatan, RencanaAksi, SubKegiatan

DECREE_FILE = "keputusan.yaml"
WORKBOOK_FILE = "keputusan.xlsx"
PLAN_SHEET = "Rencana Aksi"
PLAN_HEADERS = (
    ["Area Perubahan", "Kegiatan", "Sub Kegiatan", "Indikator Keberhasilan"]
    + [str(m) for m in range(1, 13)]
    + ["Keterangan"]
)
MONTH_MARKS = {"x", "v", "✓", "√", "1"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted (password-protected) xlsx and old .xls files


def case_form(case_dir: str | Path) -> str:
    """'workbook' or 'yaml': which form the case folder holds; DataError if neither or both."""
    case_dir = Path(case_dir)
    if not case_dir.is_dir():
        raise DataError([problem("case.not_folder", Place(str(case_dir)))])
    has_book = (case_dir / WORKBOOK_FILE).is_file()
    has_yaml = (case_dir / DECREE_FILE).is_file()
    if has_book and has_yaml:
        raise DataError([problem("case.both_forms", Place(str(case_dir)))])
    if not has_book and not has_yaml:
        raise DataError([problem("case.no_data", Place(str(case_dir)), dir=str(case_dir))])
    return "workbook" if has_book else "yaml"


def load_case(case_dir: str | Path) -> Case:
    """Load and validate a case folder (either form); raises DataError listing every problem found."""
    case_dir = Path(case_dir)
    if case_form(case_dir) == "workbook":
        from .workbook import load_workbook_case

        return load_workbook_case(case_dir)
    return load_yaml_case(case_dir)


def load_yaml_case(case_dir: Path) -> Case:
    """The YAML form: keputusan.yaml, the plan workbook it names and the library of legal bases."""
    decree_path = case_dir / DECREE_FILE
    raw, lines = read_yaml(decree_path)
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise DataError([problem("yaml.not_mapping", Place(str(decree_path)))])
    placer = lambda loc: _yaml_place(decree_path, loc, lines)  # noqa: E731
    try:
        decree = Decree.model_validate(raw)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, placer))
        decree = None
    if decree is not None:
        for part in decree.missing_number_parts():
            problems.append(problem("nomor.part_missing", placer(("nomor",)), part=part, label=f"nomor.{part}"))

    mengingat: tuple[str, ...] = ()
    plan = RencanaAksi(())
    sources = [decree_path]
    # Read the library and plan even when the decree has problems, so one run reports all.
    library_ref = raw.get("dasar_hukum", Decree.model_fields["dasar_hukum"].default)
    plan_ref = raw.get("rencana_aksi", Decree.model_fields["rencana_aksi"].default)
    if isinstance(library_ref, str):
        library_path = case_dir / library_ref
        mengingat = _resolve_mengingat(raw.get("mengingat"), library_path, decree_path, lines, problems)
        sources.append(library_path)
    if isinstance(plan_ref, str):
        plan_path = case_dir / plan_ref
        plan = read_plan(plan_path, problems)
        sources.append(plan_path)
    offices = ()
    offices_path = case_dir / OFFICES_FILE
    if offices_path.is_file():
        offices = read_offices_yaml(offices_path, problems)
        sources.append(offices_path)
    if problems:
        raise DataError(problems)
    assert decree is not None
    return Case(
        name=case_dir.resolve().name,
        directory=case_dir,
        decree=decree,
        mengingat=mengingat,
        plan=plan,
        sources=tuple(p.resolve() for p in sources),
        offices=offices,
        form="yaml",
    )


OFFICES_FILE = "daftar-kantor.yaml"


def read_offices_yaml(path: Path, problems: list[Problem]) -> tuple:
    """daftar-kantor.yaml: `kantor:` a list of offices of a batch (model.KantorBatch)."""
    from .model import KantorBatch

    try:
        raw, lines = read_yaml(path)
    except DataError as exc:
        problems.extend(exc.problems)
        return ()
    items = raw.get("kantor") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        problems.append(problem("list.expected", _yaml_place(path, ("kantor",), lines)))
        return ()
    offices, seen = [], {}
    for i, item in enumerate(items):
        placer = lambda loc, i=i: _yaml_place(path, ("kantor", i) + tuple(loc), lines)  # noqa: E731
        try:
            office = KantorBatch.model_validate(item)
        except ValidationError as exc:
            problems.extend(pydantic_problems(exc, placer, KantorBatch))
            continue
        if office.kode_wilayah in seen:
            problems.append(
                problem(
                    "kantor.duplicate",
                    placer(("kode_wilayah",)),
                    kode=office.kode_wilayah,
                    first=seen[office.kode_wilayah],
                )
            )
        else:
            seen[office.kode_wilayah] = lines.get(("kantor", i, "kode_wilayah"), i + 1)
            offices.append(office)
    return tuple(offices)


# ---------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: pydantic parses them and names an impossible date
    (2022-02-30) by its key, where PyYAML would crash while reading."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> tuple[Any, dict[tuple, int]]:
    """Parse a YAML file; return the data and a map from key path to 1-based line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError([problem("file.not_utf8", Place(str(path)))]) from None
    except OSError as exc:
        raise DataError([problem("file.unreadable", Place(str(path)), reason=exc.strerror)]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = Place(str(path), line=mark.line + 1 if mark else None)
        raise DataError([problem("yaml.syntax", place, detail=getattr(exc, "problem", None) or str(exc))]) from None
    lines: dict[tuple, int] = {}
    _index_lines(node, (), lines)
    return data, lines


def _index_lines(node: Any, path: tuple, lines: dict[tuple, int]) -> None:
    if node is None:
        return
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            lines[child] = key.start_mark.line + 1
            _index_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _index_lines(value, path + (i,), lines)


def _yaml_place(path: Path, loc: tuple, lines: dict[tuple, int]) -> Place:
    key = ".".join(str(part) if not isinstance(part, int) else f"[{part + 1}]" for part in loc)
    key = key.replace(".[", "[")
    probe = tuple(loc)
    while probe and probe not in lines:
        probe = probe[:-1]
    return Place(str(path), key=key or None, line=lines.get(probe))


def yaml_place(path: Path, loc: tuple, lines: dict[tuple, int]) -> str:
    """'keputusan.yaml, key nomor.format (line 9)' — the nearest known line for a key path."""
    return _yaml_place(path, loc, lines).render("en")


_UNION_TAGS = {"int", "str", "float", "date", "bool", "none"}


def pydantic_problems(exc: ValidationError, placer: Callable[[tuple], Place], model: Any = Decree) -> list[Problem]:
    """Turn pydantic's errors into coded problems; `placer` maps a field path to its Place."""
    problems, seen = [], set()
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        while loc and isinstance(loc[-1], str) and loc[-1] in _UNION_TAGS and len(loc) > 1:
            loc = loc[:-1]  # `int | str` fields report one error per member: report the field once
        if loc in seen:
            continue
        seen.add(loc)
        problems.append(_pydantic_problem(err, loc, placer(loc), model))
    return problems


def _pydantic_problem(err: dict, loc: tuple, place: Place, model: Any) -> Problem:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    field_name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        guess = difflib.get_close_matches(field_name, _known_keys(model, loc[:-1]), n=1)
        if guess:
            return problem("key.unknown", place, key=field_name, guess=guess[0])
        return problem("key.unknown_noguess", place, key=field_name)
    if kind == "missing":
        return problem("value.missing", place)
    if kind in ("nomor.malformed", "nomor.unknown_part", "nomor.no_urut", "item.empty", "item.too_long"):
        params = {k: v for k, v in ctx.items() if k != "detail"} if kind == "nomor.malformed" else dict(ctx)
        return problem(kind, place, **params)
    if kind == "string_too_long":
        return problem("text.too_long", place, length=len(str(value)), max=ctx.get("max_length"))
    if kind in ("string_too_short", "too_short"):
        return problem("value.empty", place, min=ctx.get("min_length", 1))
    if kind == "too_long":
        return problem("value.too_many", place, max=ctx.get("max_length"))
    if kind.startswith("date"):
        return problem("date.invalid", place, value=_short(value))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return problem("number.not_int", place, value=_short(value))
    if kind.startswith("float"):
        return problem("number.not_number", place, value=_short(value))
    if kind in ("greater_than_equal", "greater_than"):
        return problem("number.too_small", place, value=value, min=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return problem("number.too_large", place, value=value, max=ctx.get("le", ctx.get("lt")))
    if kind == "literal_error":
        return problem("value.choice", place, value=_short(value), choices=ctx.get("expected", ""))
    if kind == "string_pattern_mismatch" and field_name == "kode_wilayah":
        return problem("kode_wilayah.pattern", place, value=_short(value))
    if kind == "string_pattern_mismatch" and field_name in ("nip", "pengesah_nip"):
        return problem("nip.pattern", place, value=_short(value))
    if kind == "string_type":
        return problem("text.expected", place, got=_short(value))
    if kind == "list_type":
        return problem("list.expected", place)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return problem("mapping.expected", place)
    return problem("value.invalid", place, detail=err.get("msg", kind))


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _known_keys(model: Any, loc: tuple) -> list[str]:
    for part in loc:
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = field.annotation
    return list(getattr(model, "model_fields", {}))


def _resolve_mengingat(
    keys: Any, library_path: Path, decree_path: Path, lines: dict[tuple, int], problems: list[Problem]
) -> tuple[str, ...]:
    if not library_path.is_file():
        problems.append(
            problem("library.missing", _yaml_place(decree_path, ("dasar_hukum",), lines), path=str(library_path))
        )
        return ()
    try:
        library, library_lines = read_yaml(library_path)
    except DataError as exc:
        problems.extend(exc.problems)
        return ()
    if not isinstance(library, dict):
        problems.append(problem("yaml.not_mapping", Place(str(library_path))))
        return ()
    for key, text in library.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(problem("library.citation_empty", _yaml_place(library_path, (key,), library_lines)))
        elif len(text) > MAX_TEXT:
            problems.append(
                problem(
                    "text.too_long", _yaml_place(library_path, (key,), library_lines), length=len(text), max=MAX_TEXT
                )
            )
    if not isinstance(keys, list):
        return ()  # the decree's own validation reports it
    texts = []
    for i, key in enumerate(keys):
        if not isinstance(key, str) or key not in library:
            place = _yaml_place(decree_path, ("mengingat", i), lines)
            guess = difflib.get_close_matches(str(key), [str(k) for k in library], n=1)
            if guess:
                problems.append(problem("mengingat.unknown", place, key=key, library=library_path.name, guess=guess[0]))
            else:
                problems.append(problem("mengingat.unknown_noguess", place, key=key, library=library_path.name))
        elif isinstance(library[key], str):
            texts.append(library[key].strip().rstrip(";"))
    return tuple(texts)


# ---------------------------------------------------------------- the plan workbook


def open_workbook(path: Path, problems: list[Problem], missing_code: str = "workbook.not_found"):
    """openpyxl workbook of `path`, or None with the problem (missing, encrypted, not a workbook)."""
    import openpyxl  # imported here: only workbooks need it, and it is slow to import

    if not path.is_file():
        problems.append(problem(missing_code, Place(str(path))))
        return None
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == OLE_MAGIC:
        problems.append(problem("workbook.encrypted", Place(str(path))))
        return None
    try:
        return openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # zip, XML and openpyxl errors of many kinds: it is not a usable .xlsx
        problems.append(problem("workbook.not_xlsx", Place(str(path)), detail=type(exc).__name__))
        return None


def find_sheet(book: Any, path: Path, name: str, problems: list[Problem]):
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


def read_plan(path: Path, problems: list[Problem]) -> RencanaAksi:
    """Read the plan sheet of the YAML form's plan workbook; append every problem (by cell)."""
    book = open_workbook(path, problems)
    if book is None:
        return RencanaAksi(())
    sheet = find_sheet(book, path, PLAN_SHEET, problems)
    if sheet is None:
        return RencanaAksi(())
    return plan_from_sheet(sheet, str(path), problems)


def merged_problems(sheet: Any, file: str) -> list[Problem]:
    return [problem("cells.merged", Place(file, sheet.title, merged.coord)) for merged in sheet.merged_cells.ranges]


def plan_from_sheet(
    sheet: Any,
    where: str,
    problems: list[Problem],
    headers: tuple[str, ...] | list[str] = PLAN_HEADERS,
    first_row: int = 1,
) -> RencanaAksi:
    """Build the plan from an openpyxl sheet whose header row is `first_row`.

    `where` is the workbook's path as shown to the user; places are `where, Sheet!D14`.
    """
    from openpyxl.utils import get_column_letter

    title = sheet.title
    at = lambda coord: Place(where, title, coord)  # noqa: E731
    last_col = get_column_letter(len(headers))
    start = len(problems)
    problems.extend(merged_problems(sheet, where))
    for col, expected in enumerate(headers, start=1):
        cell = sheet.cell(row=first_row, column=col)
        value = "" if cell.value is None else str(cell.value).strip()
        if value != expected:
            problems.append(problem("header.wrong", at(cell.coordinate), value=value, expected=expected))
    for col in range(len(headers) + 1, max(sheet.max_column, len(headers)) + 1):
        extra = sheet.cell(row=first_row, column=col)
        if extra.value not in (None, ""):
            problems.append(problem("column.unknown", at(extra.coordinate), value=extra.value))
    if len(problems) > start:
        return RencanaAksi(())

    width = min(max(sheet.max_column, len(headers) + 1), len(headers) + 50)  # a whole formatted row is not data
    rows: list[tuple[int, list[Any]]] = []
    for r in range(first_row + 1, sheet.max_row + 1):
        values = [sheet.cell(row=r, column=c).value for c in range(1, width + 1)]
        rows.append((r, values))
    # Trailing empty rows are normal in a sheet; empty rows between data are a mistake.
    while rows and all(v in (None, "") for v in rows[-1][1]):
        rows.pop()
    if not rows:
        problems.append(problem("plan.no_rows", Place(where, title)))
        return RencanaAksi(())

    areas: list[tuple[str, list[tuple[str, list[SubKegiatan]]]]] = []
    seen_areas: dict[str, int] = {}
    current_area: str | None = None
    current_kegiatan: str | None = None
    for r, values in rows:
        if all(v in (None, "") for v in values):
            problems.append(problem("row.empty", at(f"A{r}:{last_col}{r}")))
            continue
        texts: list[str] = []
        row_ok = True
        for c, value in enumerate(values, start=1):
            coord = f"{get_column_letter(c)}{r}"
            cell = sheet.cell(row=r, column=c)
            if cell.data_type == "f":
                problems.append(problem("cell.formula", at(coord), formula=_formula_text(value)))
                row_ok = False
                texts.append("")
                continue
            if c > len(headers):
                if value not in (None, ""):
                    problems.append(problem("cell.outside", at(coord)))
                continue
            text = "" if value is None else str(value).strip()
            if len(text) > MAX_TEXT:
                problems.append(problem("cell.too_long", at(coord), length=len(text), max=MAX_TEXT))
                row_ok = False
            texts.append(text)
        if len(texts) < len(headers) or any(
            sheet.cell(row=r, column=c).data_type == "f" for c in range(1, len(headers) + 1)
        ):
            continue  # a formula is reported above; what it stands for is unknown, so check no more
        area, kegiatan, sub, indikator = texts[0], texts[1], texts[2], texts[3]
        month_cells, keterangan = texts[4:16], texts[16]
        months = set()
        for m, mark in enumerate(month_cells, start=1):
            if mark == "":
                continue
            if mark.lower() in MONTH_MARKS:
                months.add(m)
            else:
                problems.append(problem("month.mark", at(f"{get_column_letter(4 + m)}{r}"), mark=_short(mark)))
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
                if areas:
                    areas[-1][1].append((kegiatan, []))
        elif current_kegiatan is None:
            problems.append(problem("plan.kegiatan_missing", at(f"B{r}")))
            row_ok = False
        if areas and areas[-1][1] and row_ok:
            subs = areas[-1][1][-1][1]
            if not subs and not indikator:
                problems.append(problem("plan.indikator_missing", at(f"D{r}")))
            subs.append(
                SubKegiatan(
                    teks=sub,
                    indikator=indikator or None,
                    bulan=frozenset(months),
                    keterangan=keterangan,
                    source=f"{title}!A{r}:{last_col}{r}",
                )
            )
        seen_areas[area or current_area or ""] = r
    return RencanaAksi(tuple(Area(a, tuple(Kegiatan(k, tuple(s)) for k, s in kegiatan)) for a, kegiatan in areas))


def _formula_text(value: Any) -> str:
    text = getattr(value, "text", value)  # array formulas are objects with .text
    return _short(text)
