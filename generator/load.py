"""Read a case folder into a validated `Case`, reporting every problem with its place.

YAML problems name the file, the key path and its line; workbook problems name the file,
sheet and cell. Nothing is rendered until the whole case is valid.
"""
from __future__ import annotations

import difflib
import zipfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import DataError, Problem
from .model import MAX_TEXT, Area, Case, Decree, Kegiatan, RencanaAksi, SubKegiatan

DECREE_FILE = "keputusan.yaml"
PLAN_SHEET = "Rencana Aksi"
PLAN_HEADERS = (["Area Perubahan", "Kegiatan", "Sub Kegiatan", "Indikator Keberhasilan"]
                + [str(m) for m in range(1, 13)] + ["Keterangan"])
MONTH_MARKS = {"x", "v", "✓", "√", "1"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted (password-protected) xlsx and old .xls files


def load_case(case_dir: str | Path) -> Case:
    """Load and validate a case folder; raises DataError listing every problem found."""
    case_dir = Path(case_dir)
    decree_path = case_dir / DECREE_FILE
    if not case_dir.is_dir():
        raise DataError([Problem(str(case_dir), "is not a folder",
                                 "give the path of a case folder such as data/kpu-ntb-2022")])
    if not decree_path.is_file():
        raise DataError([Problem(str(decree_path), "file not found",
                                 f"a case folder must contain {DECREE_FILE}")])
    raw, lines = read_yaml(decree_path)
    problems: list[Problem] = []
    try:
        decree = Decree.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, decree_path, lines))
        decree = None
    if decree is not None:
        for part in decree.missing_number_parts():
            problems.append(Problem(yaml_place(decree_path, ("nomor",), lines),
                                    f"the number format needs {{{part}}} but nomor.{part} is not given",
                                    f"add nomor.{part}, or remove {{{part}}} from nomor.format"))

    mengingat: tuple[str, ...] = ()
    plan = RencanaAksi(())
    sources = [decree_path]
    if isinstance(raw, dict):
        # Read the library and plan even when the decree has problems, so one run reports all.
        library_ref = raw.get("dasar_hukum", Decree.model_fields["dasar_hukum"].default)
        plan_ref = raw.get("rencana_aksi", Decree.model_fields["rencana_aksi"].default)
        if isinstance(library_ref, str):
            library_path = (case_dir / library_ref)
            mengingat = _resolve_mengingat(raw.get("mengingat"), library_path, decree_path, lines, problems)
            sources.append(library_path)
        if isinstance(plan_ref, str):
            plan_path = case_dir / plan_ref
            plan = read_plan(plan_path, problems)
            sources.append(plan_path)
    if problems:
        raise DataError(problems)
    assert decree is not None
    return Case(name=case_dir.resolve().name, directory=case_dir, decree=decree,
                mengingat=mengingat, plan=plan, sources=tuple(p.resolve() for p in sources))


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
        raise DataError([Problem(str(path), "is not UTF-8 text", "save it as UTF-8")]) from None
    except OSError as exc:
        raise DataError([Problem(str(path), f"cannot be read ({exc.strerror})")]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark else str(path)
        raise DataError([Problem(where, f"is not valid YAML ({getattr(exc, 'problem', exc)})",
                                 "check indentation and quoting on that line")]) from None
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


def yaml_place(path: Path, loc: tuple, lines: dict[tuple, int]) -> str:
    """'keputusan.yaml, key nomor.format (line 9)' — the nearest known line for a key path."""
    key = ".".join(str(part) if not isinstance(part, int) else f"[{part + 1}]" for part in loc)
    key = key.replace(".[", "[")
    probe = tuple(loc)
    while probe and probe not in lines:
        probe = probe[:-1]
    line = lines.get(probe)
    where = f"{path}, key {key}" if key else str(path)
    return f"{where} (line {line})" if line else where


def _pydantic_problems(exc: ValidationError, path: Path, lines: dict[tuple, int]) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
        kind = err["type"]
        if kind == "extra_forbidden":
            parent = _known_keys(loc[:-1])
            guess = difflib.get_close_matches(str(loc[-1]), parent, n=1)
            fix = f"did you mean '{guess[0]}'?" if guess else "remove it, or see docs/data-format.md for the keys"
            problems.append(Problem(yaml_place(path, loc, lines), f"unknown key '{loc[-1]}'", fix))
        elif kind == "missing":
            problems.append(Problem(yaml_place(path, loc, lines), "required value is missing",
                                    "add it (see docs/data-format.md)"))
        else:
            message = err["msg"].removeprefix("Value error, ")
            problems.append(Problem(yaml_place(path, loc, lines), message, _fix_for(kind, loc)))
    return problems


def _known_keys(loc: tuple) -> list[str]:
    model: Any = Decree
    for part in loc:
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = field.annotation
    return list(getattr(model, "model_fields", {}))


def _fix_for(kind: str, loc: tuple) -> str:
    if kind.startswith("date"):
        return "write the date as YYYY-MM-DD, e.g. 2022-01-17"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "kode_wilayah":
        return "the Kemendagri region code: 2 digits for a province, 4 for a kabupaten/kota, in quotes"
    if kind == "string_too_long":
        return "shorten it; a clause that long is usually a paste gone wrong"
    if kind == "literal_error":
        return "use one of the values listed"
    return ""


def _resolve_mengingat(keys: Any, library_path: Path, decree_path: Path,
                       lines: dict[tuple, int], problems: list[Problem]) -> tuple[str, ...]:
    if not library_path.is_file():
        problems.append(Problem(yaml_place(decree_path, ("dasar_hukum",), lines),
                                f"library of legal bases {library_path} not found",
                                "point dasar_hukum at the dasar-hukum.yaml file"))
        return ()
    try:
        library, library_lines = read_yaml(library_path)
    except DataError as exc:
        problems.extend(exc.problems)
        return ()
    if not isinstance(library, dict):
        problems.append(Problem(str(library_path), "must be a mapping of key: citation"))
        return ()
    for key, text in library.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(yaml_place(library_path, (key,), library_lines),
                                    "citation is empty or not text", "write the full citation"))
        elif len(text) > MAX_TEXT:
            problems.append(Problem(yaml_place(library_path, (key,), library_lines),
                                    f"citation is {len(text)} characters long (at most {MAX_TEXT})"))
    if not isinstance(keys, list):
        return ()  # the decree's own validation reports it
    texts = []
    for i, key in enumerate(keys):
        if not isinstance(key, str) or key not in library:
            guess = difflib.get_close_matches(str(key), [str(k) for k in library], n=1)
            fix = f"did you mean '{guess[0]}'?" if guess else f"add it to {library_path.name} or fix the key"
            problems.append(Problem(yaml_place(decree_path, ("mengingat", i), lines),
                                    f"'{key}' is not in {library_path.name}", fix))
        elif isinstance(library[key], str):
            texts.append(library[key].strip().rstrip(";"))
    return tuple(texts)


# ---------------------------------------------------------------- the plan workbook

def read_plan(path: Path, problems: list[Problem]) -> RencanaAksi:
    """Read the plan sheet; append every problem (by cell) to `problems`."""
    import openpyxl  # imported here: only the plan needs it, and it is slow to import

    if not path.is_file():
        problems.append(Problem(str(path), "plan workbook not found",
                                "point rencana_aksi in keputusan.yaml at the .xlsx file"))
        return RencanaAksi(())
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == OLE_MAGIC:
        problems.append(Problem(str(path), "is password-protected or an old .xls file",
                                "remove the password / save it as .xlsx (Excel Workbook)"))
        return RencanaAksi(())
    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        problems.append(Problem(str(path), f"is not an .xlsx workbook ({type(exc).__name__})",
                                "save the plan as an Excel workbook (.xlsx)"))
        return RencanaAksi(())
    if PLAN_SHEET not in book.sheetnames:
        guess = difflib.get_close_matches(PLAN_SHEET, book.sheetnames, n=1, cutoff=0.4)
        fix = f"rename sheet '{guess[0]}' to '{PLAN_SHEET}'" if guess else f"add a sheet named '{PLAN_SHEET}'"
        problems.append(Problem(str(path), f"has no sheet '{PLAN_SHEET}' (it has: {', '.join(book.sheetnames)})", fix))
        return RencanaAksi(())
    return plan_from_sheet(book[PLAN_SHEET], f"{path}, sheet '{PLAN_SHEET}'", problems)


def plan_from_sheet(sheet: Any, where: str, problems: list[Problem],
                    headers: tuple[str, ...] | list[str] = PLAN_HEADERS, first_row: int = 1) -> RencanaAksi:
    """Build the plan from an openpyxl sheet whose header row is `first_row`."""
    from openpyxl.utils import get_column_letter

    start = len(problems)
    for merged in sheet.merged_cells.ranges:
        problems.append(Problem(f"{where}, cells {merged.coord}", "merged cells in the plan sheet",
                                "unmerge them and type the value in the first row; blank cells below "
                                "mean 'same as above'"))
    for col, expected in enumerate(headers, start=1):
        cell = sheet.cell(row=first_row, column=col)
        value = "" if cell.value is None else str(cell.value).strip()
        if value != expected:
            problems.append(Problem(f"{where}, cell {cell.coordinate}",
                                    f"header is '{value}', expected '{expected}'",
                                    "restore the column headers exactly as in docs/data-format.md"))
    extra_col = sheet.cell(row=first_row, column=len(headers) + 1)
    if extra_col.value not in (None, ""):
        problems.append(Problem(f"{where}, cell {extra_col.coordinate}",
                                f"unknown column '{extra_col.value}'", "remove the column"))
    if len(problems) > start:
        return RencanaAksi(())

    rows: list[tuple[int, list[Any]]] = []
    for r in range(first_row + 1, sheet.max_row + 1):
        values = [sheet.cell(row=r, column=c).value for c in range(1, len(headers) + 2)]
        rows.append((r, values))
    # Trailing empty rows are normal in a sheet; empty rows between data are a mistake.
    while rows and all(v in (None, "") for v in rows[-1][1]):
        rows.pop()
    if not rows:
        problems.append(Problem(where, "has no plan rows", "add one row per sub-kegiatan below the headers"))
        return RencanaAksi(())

    areas: list[tuple[str, list[tuple[str, list[SubKegiatan]]]]] = []
    seen_areas: dict[str, int] = {}
    current_area: str | None = None
    current_kegiatan: str | None = None
    for r, values in rows:
        here = f"{where}, row {r}"
        if all(v in (None, "") for v in values):
            problems.append(Problem(here, "empty row between plan rows", "delete the empty row"))
            continue
        texts: list[str] = []
        row_ok = True
        for c, value in enumerate(values, start=1):
            coord = f"{get_column_letter(c)}{r}"
            cell = sheet.cell(row=r, column=c)
            if cell.data_type == "f":
                problems.append(Problem(f"{where}, cell {coord}", f"holds a formula ({value})",
                                        "type the text itself, not a formula"))
                row_ok = False
                texts.append("")
                continue
            if c == len(headers) + 1:
                if value not in (None, ""):
                    problems.append(Problem(f"{where}, cell {coord}", "value outside the plan's columns",
                                            "move it into the Keterangan column or delete it"))
                continue
            text = "" if value is None else str(value).strip()
            if len(text) > MAX_TEXT:
                problems.append(Problem(f"{where}, cell {coord}",
                                        f"text is {len(text)} characters long (at most {MAX_TEXT})",
                                        "shorten it; a cell that long is usually a paste gone wrong"))
                row_ok = False
            texts.append(text)
        area, kegiatan, sub, indikator = texts[0], texts[1], texts[2], texts[3]
        month_cells, keterangan = texts[4:16], texts[16]
        months = set()
        for m, mark in enumerate(month_cells, start=1):
            if mark == "":
                continue
            if mark.lower() in MONTH_MARKS:
                months.add(m)
            else:
                coord = f"{get_column_letter(4 + m)}{r}"
                problems.append(Problem(f"{where}, cell {coord}",
                                        f"month mark '{mark}' not understood",
                                        "write x to mark the month, or leave the cell blank"))
        if not sub:
            problems.append(Problem(f"{where}, cell C{r}", "Sub Kegiatan is empty",
                                    "type the sub-kegiatan (without its letter)"))
            row_ok = False
        if area:
            if area != current_area and area in seen_areas:
                problems.append(Problem(f"{where}, cell A{r}",
                                        f"area '{area}' already ended at row {seen_areas[area]}",
                                        "keep all rows of an area together"))
                row_ok = False
            if area != current_area:
                current_area, current_kegiatan = area, None
                areas.append((area, []))
        elif current_area is None:
            problems.append(Problem(f"{where}, cell A{r}", "Area Perubahan is missing on the first plan row",
                                    "type the area; blank cells below mean 'same as above'"))
            row_ok = False
        if kegiatan:
            if areas and kegiatan != current_kegiatan:
                names = [k for k, _ in areas[-1][1]]
                if kegiatan in names:
                    problems.append(Problem(f"{where}, cell B{r}",
                                            f"kegiatan '{kegiatan}' already ended earlier in this area",
                                            "keep all rows of a kegiatan together"))
                    row_ok = False
                current_kegiatan = kegiatan
                if areas:
                    areas[-1][1].append((kegiatan, []))
        elif current_kegiatan is None:
            problems.append(Problem(f"{where}, cell B{r}", "Kegiatan is missing for this sub-kegiatan",
                                    "type the kegiatan on the first row of each kegiatan"))
            row_ok = False
        if areas and areas[-1][1] and row_ok:
            subs = areas[-1][1][-1][1]
            if not subs and not indikator:
                problems.append(Problem(f"{where}, cell D{r}",
                                        "Indikator Keberhasilan is missing on the first row of a kegiatan",
                                        "type the indikator; blank cells below it mean it covers those rows"))
            subs.append(SubKegiatan(teks=sub, indikator=indikator or None, bulan=frozenset(months),
                                    keterangan=keterangan, source=here))
        seen_areas[area or current_area or ""] = r
    return RencanaAksi(tuple(Area(a, tuple(Kegiatan(k, tuple(s)) for k, s in kegiatan))
                             for a, kegiatan in areas))
