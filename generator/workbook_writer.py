"""Write the workbook form of a case, `keputusan.xlsx`, for staff to fill in Excel.

Sheets (their layout: `schema`):
  Keputusan     labelled rows (column A: Isian, B: Nilai, C: Petunjuk), one per decree value;
                Menimbang and Diktum take one row each per item (the label repeats)
  Mengingat     one legal basis per row: Dasar Hukum (the full citation), Kunci (optional short key)
  Rencana Aksi  the plan, exactly the columns of the YAML form's plan workbook
  Kantor        the offices of a batch (optional rows; blank cells inherit from Keputusan)
  Petunjuk      how to fill it in
  Daftar        (hidden) the lists the dropdowns offer

What staff get besides the values: dropdowns for choices, area names and month marks; data
validations with the bounds of the model's fields; date cells; text cells for codes (leading
zeros kept); frozen headers; widths that fit. `build_plan_workbook` writes the YAML form's plan
workbook with the same plan sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import atomic, numbering
from .content import decree_dict, office_dicts
from .model import (
    JENIS_KOLOM,
    JENIS_LAMPIRAN,
    PENOMORAN,
    PERIODS,
    PRESET_BULANAN,
    PRESETS,
    PROSA_KINDS,
    Case,
    JenisLampiran,
    Kolom,
    LampiranSpec,
    RencanaAksi,
    Tabel,
    TableData,
)
from .schema import (
    ANGGOTA_HEADERS,
    DATE_RANGE,
    DECREE_FIELDS,
    DECREE_HEADERS,
    DECREE_SHEET,
    KANTOR_COLUMNS,
    KANTOR_SHEET,
    KOLOM_COLUMNS,
    KOLOM_SHEET_PREFIX,
    LAMPIRAN_COLUMNS,
    LAMPIRAN_SHEET,
    LISTS_SHEET,
    MENGINGAT_HEADERS,
    MENGINGAT_SHEET,
    PETUNJUK_SHEET,
    PLAN_HEADERS,
    PLAN_SHEET,
    PROSA_HEADERS,
    YESNO,
    SchemaField,
    set_at,
    starter_values,
    value_at,
)
from .sheets import letter

# The eight areas of change of the Road Map Reformasi Birokrasi (the seed's wording), offered
# in the area dropdown; a case's own area names are added to the list.
STANDARD_AREAS = (
    "Manajemen Perubahan",
    "Penataan Peraturan Perundangan / Deregulasi Kebijakan",
    "Penataan Organisasi / Kelembagaan",
    "Penataan Tata Laksana",
    "Sistem Manajemen Sumber Daya Manusia",
    "Penguatan Akuntabilitas",
    "Penguatan Pengawasan",
    "Peningkatan Kualitas Pelayanan Publik",
)
STARTER_FORMAT = "{urut}/{klasifikasi}/{kode_wilayah}/{tahun}"  # the number format a new workbook offers
DATA_ROWS = 1000  # rows of the plan/offices sheets that get dropdowns and formats
# cells formatted as text ('@'), so that Excel keeps what staff type: 017 stays 017, not 17
TEXT_CELLS = ("code", "urut")


def starter_decree() -> dict[str, Any]:
    """The decree values of a new workbook: the model's defaults and a number format to start from."""
    decree = starter_values()
    set_at(decree, ("nomor", "format"), STARTER_FORMAT)
    return decree


# ---------------------------------------------------------------- the content to write


def starter_lampiran(kind: JenisLampiran = "tabel", kolom: str | None = PRESET_BULANAN) -> LampiranSpec:
    """A lampiran of a new workbook, its title still to be typed: a table (of a preset, or with
    columns to declare: `kolom` None), a member list or prose."""
    if kind != "tabel":
        return LampiranSpec.model_construct(judul="", jenis=kind)
    if kolom is None:  # the case's own columns: a start to change
        return LampiranSpec.model_construct(judul="", jenis="tabel", kolom=list(STARTER_COLUMNS))
    sheet = PLAN_SHEET if kolom == PRESET_BULANAN else None
    return LampiranSpec.model_construct(judul="", jenis="tabel", bentuk=kolom, sheet=sheet)


# the columns a table of its own starts with: a numbered group, a lettered item, a text, quarterly values
STARTER_COLUMNS = (
    Kolom(judul="NO", jenis="nomor", kelompok="Kegiatan", lebar=10),
    Kolom(judul="KEGIATAN", jenis="kelompok", nama="Kegiatan", penomoran="angka", lebar=60),
    Kolom(judul="URAIAN", jenis="butir", nama="Uraian", lebar=100),
    Kolom(judul="KETERANGAN", jenis="teks", nama="Keterangan", lebar=50),
    Kolom(judul="TARGET", jenis="periode", periode="triwulan", isi="nilai", nama="Target", lebar=15),
)


@dataclass
class WorkbookContent:
    """What a workbook holds, possibly incomplete (a starter case has blanks)."""

    decree: dict[str, Any] = field(default_factory=starter_decree)
    mengingat: list[tuple[str, str]] = field(default_factory=list)  # (key, citation)
    lampiran: list[LampiranSpec] = field(default_factory=lambda: [starter_lampiran()])
    tables: list[TableData | None] = field(default_factory=lambda: [RencanaAksi(())])  # by lampiran
    offices: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_case(cls, case: Case) -> WorkbookContent:
        decree = decree_dict(case)
        decree["ditetapkan"]["tanggal"] = case.decree.ditetapkan.tanggal
        for spec in DECREE_FIELDS:  # a setting left out of the content at its default still shows it
            if spec.default is not None and value_at(decree, spec.path) is None:
                set_at(decree, spec.path, spec.default)
        offices = office_dicts(case.offices)
        for office in offices:
            if "tanggal" in office:
                office["tanggal"] = dt.date.fromisoformat(office["tanggal"])
        return cls(
            decree=decree,
            mengingat=list(zip(case.decree.mengingat, case.mengingat)),
            lampiran=list(case.lampiran),
            tables=list(case.tables),
            offices=offices,
        )

    @property
    def plans(self) -> list[RencanaAksi]:
        return [t for t in self.tables if isinstance(t, RencanaAksi)]


# ---------------------------------------------------------------- writing


def write_workbook(content: WorkbookContent, path: Path) -> Path:
    """Write `keputusan.xlsx` atomically (beside `path`, then renamed)."""
    book = build_workbook(content)
    with atomic.replacing(path) as tmp:
        book.save(tmp)
    return path


def build_workbook(content: WorkbookContent) -> Any:
    """The openpyxl workbook of `content`, every sheet written."""
    from openpyxl import Workbook

    book = Workbook()
    decree_sheet = book.active
    decree_sheet.title = DECREE_SHEET
    _write_decree_sheet(decree_sheet, content.decree)
    _write_mengingat_sheet(book.create_sheet(MENGINGAT_SHEET), content.mengingat)
    list_sheet = book.create_sheet(LAMPIRAN_SHEET)
    names = sheet_names(content.lampiran, reserved=_RESERVED)
    kolom_cells: list[str | None] = []
    for index, (spec, table) in enumerate(zip(content.lampiran, content.tables)):
        kolom_cells.append(_write_lampiran_sheets(book, spec, table, names[index]))
    _write_lampiran_list(list_sheet, content.lampiran, names, kolom_cells)
    _write_kantor_sheet(book.create_sheet(KANTOR_SHEET), content.offices)
    _write_petunjuk_sheet(book.create_sheet(PETUNJUK_SHEET))
    _write_lists_sheet(book.create_sheet(LISTS_SHEET), content.plans)
    book.active = 0
    return book


_RESERVED = (DECREE_SHEET, MENGINGAT_SHEET, LAMPIRAN_SHEET, KANTOR_SHEET, PETUNJUK_SHEET, LISTS_SHEET)
_SHEET_NAME_MAX = 31  # Excel's limit


def sheet_names(specs: list[LampiranSpec], reserved: tuple[str, ...] = ()) -> list[str]:
    """The sheet of each lampiran's rows: its own name, unless another sheet has it (then
    'Lampiran I', 'Lampiran II' ... by its position)."""
    taken = {name.casefold() for name in reserved}
    names = []
    for index, spec in enumerate(specs):
        name = spec.sheet_name(index)
        if name.casefold() in taken or name.casefold().startswith(KOLOM_SHEET_PREFIX.casefold()):
            name = f"Lampiran {numbering.roman(index + 1)}"
        taken.add(name.casefold())
        names.append(name)
    return names


def _columns_sheet_name(sheet: str) -> str:
    return (KOLOM_SHEET_PREFIX + sheet)[:_SHEET_NAME_MAX]


def _write_lampiran_sheets(book: Any, spec: LampiranSpec, table: TableData | None, name: str) -> str | None:
    """The sheet of a lampiran's rows (and of its columns, when it declares them); what its
    Kolom cell says: the preset, or the sheet of its columns."""
    sheet = book.create_sheet(name)
    if spec.jenis == "anggota":
        _write_members_sheet(sheet, spec)
        return None
    if spec.jenis == "prosa":
        _write_prose_sheet(sheet, spec)
        return None
    if spec.is_plan:
        _write_plan_sheet(sheet, table if isinstance(table, RencanaAksi) else RencanaAksi(()))
        _add_plan_validations(sheet)
        return spec.preset
    _write_table_sheet(sheet, spec.columns, table if isinstance(table, Tabel) else Tabel(()))
    if spec.preset is not None:
        return spec.preset
    columns_sheet = _columns_sheet_name(name)
    _write_columns_sheet(book.create_sheet(columns_sheet), spec.columns)
    return columns_sheet


def build_plan_workbook(plan: RencanaAksi) -> Any:
    """The YAML form's plan workbook: the plan sheet with its dropdowns, and their lists."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = PLAN_SHEET
    _write_plan_sheet(book.active, plan)
    _add_plan_validations(book.active)
    _write_lists_sheet(book.create_sheet(LISTS_SHEET), [plan])
    return book


def build_tables_workbook(specs: list[LampiranSpec], tables: list[TableData | None], names: list[str]) -> Any:
    """The YAML form's workbook of the table lampiran: one sheet each, named `names[i]`."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for spec, table, name in zip(specs, tables, names):
        if spec.jenis != "tabel":
            continue
        sheet = book.create_sheet(name)
        if spec.is_plan:
            _write_plan_sheet(sheet, table if isinstance(table, RencanaAksi) else RencanaAksi(()))
            _add_plan_validations(sheet)
        else:
            _write_table_sheet(sheet, spec.columns, table if isinstance(table, Tabel) else Tabel(()))
    _write_lists_sheet(book.create_sheet(LISTS_SHEET), [t for t in tables if isinstance(t, RencanaAksi)])
    return book


def _style_header(sheet: Any, columns: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    for col in range(1, columns + 1):
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin)
    sheet.freeze_panes = "A2"


def _wrap(cell: Any) -> None:
    from openpyxl.styles import Alignment

    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _fit_widths(sheet: Any, minimum: dict[int, float] | None = None, maximum: float = 60) -> None:
    """Widths that fit: the longest value of each column (in characters), within bounds."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            longest = max(len(line) for line in str(cell.value).splitlines() or [""])
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for col, width in widths.items():
        low = (minimum or {}).get(col, 6)
        sheet.column_dimensions[get_column_letter(col)].width = max(low, min(width + 2, maximum))


def _excel_date(value: dt.date) -> float:
    from openpyxl.utils.datetime import to_excel

    return to_excel(dt.datetime(value.year, value.month, value.day))


def _validation(kind: str, **kwargs: Any) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(type=kind, allow_blank=True, showErrorMessage=True, showInputMessage=True, **kwargs)


def _date_check() -> dict[str, Any]:
    return {
        "type": "date",
        "operator": "between",
        "formula1": str(int(_excel_date(DATE_RANGE[0]))),
        "formula2": str(int(_excel_date(DATE_RANGE[1]))),
        "errorTitle": "Bukan tanggal",
        "error": "Tulis tanggal yang ada, mis. 17/01/2022.",
        "promptTitle": "Tanggal",
        "prompt": "Tulis tanggal, mis. 17/01/2022.",
    }


def _validation_of(check: dict[str, Any]) -> Any:
    kwargs = dict(check)
    return _validation(kwargs.pop("type"), **kwargs)


def _date_validation(cells: str) -> Any:
    dv = _validation_of(_date_check())
    dv.add(cells)
    return dv


def _check_of(spec: SchemaField) -> dict[str, Any] | None:
    """The data validation of a decree value's cell, from its field (None: the cell takes any text)."""
    if spec.kind == "date":
        return _date_check()
    if spec.kind in ("choice", "yesno"):
        return {
            "type": "list",
            "formula1": '"' + ",".join(spec.choices) + '"',
            "errorTitle": "Pilihan tidak dikenal",
            "error": "Pilih salah satu: " + ", ".join(spec.choices) + ".",
        }
    if spec.kind in ("int", "number") and spec.minimum is not None and spec.maximum is not None:
        low, high = f"{spec.minimum:g}", f"{spec.maximum:g}"
        return {
            "type": "whole" if spec.kind == "int" else "decimal",
            "operator": "between",
            "formula1": low,
            "formula2": high,
            "errorTitle": spec.label,
            "error": spec.error or f"Tulis angka {low} sampai {high}.",
        }
    return None


def _write_decree_sheet(sheet: Any, decree: dict[str, Any]) -> None:
    from openpyxl.styles import Font

    sheet.append(list(DECREE_HEADERS))
    _style_header(sheet, 3)
    sheet.freeze_panes = "B2"
    validations: dict[tuple, Any] = {}  # cells with the same check share one validation
    for spec in DECREE_FIELDS:
        if spec.path == ("judul_lampiran",):
            continue  # read from workbooks written before the Lampiran sheet; the title is there now
        value = value_at(decree, spec.path)
        values = (value or [None]) if spec.kind == "list" else [value]
        check = _check_of(spec)
        for item in values:
            r = sheet.max_row + 1
            sheet.cell(row=r, column=1, value=spec.label).font = Font(bold=True)
            cell = sheet.cell(row=r, column=2)
            if spec.kind == "date" and isinstance(item, str):
                item = dt.date.fromisoformat(item)
            _put(cell, item)
            hint = sheet.cell(row=r, column=3, value=spec.hint)
            hint.font = Font(italic=True, color="595959")
            _wrap(hint)
            _wrap(cell)
            if spec.kind in TEXT_CELLS:
                cell.number_format = "@"  # text: keeps leading zeros of codes, numbers and NIP
            elif spec.kind == "date":
                cell.number_format = "DD/MM/YYYY"
            if check is not None:
                key = tuple(sorted(check.items()))
                if key not in validations:
                    validations[key] = _validation_of(check)
                validations[key].add(cell.coordinate)
    for dv in validations.values():
        sheet.add_data_validation(dv)
    sheet.column_dimensions["A"].width = max(len(f.label) for f in DECREE_FIELDS) + 3
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["C"].width = 60


def _write_mengingat_sheet(sheet: Any, mengingat: list[tuple[str, str]]) -> None:
    sheet.append(list(MENGINGAT_HEADERS))
    _style_header(sheet, 2)
    for r, (key, text) in enumerate(mengingat, start=2):
        _put(sheet.cell(row=r, column=1), text)
        _put(sheet.cell(row=r, column=2), key)
        _wrap(sheet.cell(row=r, column=1))
    sheet.column_dimensions["A"].width = 100
    _fit_widths(sheet, maximum=30)
    sheet.column_dimensions["A"].width = 100


def _write_plan_sheet(sheet: Any, plan: RencanaAksi) -> None:
    """The plan, one row per sub-kegiatan; area and kegiatan only on their first row."""
    from openpyxl.styles import Alignment

    sheet.append(list(PLAN_HEADERS))
    _style_header(sheet, len(PLAN_HEADERS))
    for area in plan.areas:
        for k_index, kegiatan in enumerate(area.kegiatan):
            for s_index, sub in enumerate(kegiatan.sub_kegiatan):
                months = ["x" if m in sub.bulan else None for m in range(1, 13)]
                values = [
                    area.nama if k_index == 0 and s_index == 0 else None,
                    kegiatan.nama if s_index == 0 else None,
                    sub.teks,
                    sub.indikator,
                    *months,
                    sub.keterangan or None,
                ]
                r = sheet.max_row + 1
                for c, value in enumerate(values, start=1):
                    _put(sheet.cell(row=r, column=c), value)
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):  # data rows only: an empty plan stays empty
        for cell in row:
            if cell.column <= 4 or cell.column == 17:
                _wrap(cell)
            else:
                cell.alignment = Alignment(horizontal="center", vertical="top")
    for col_letter, width in zip("ABCD", (26, 30, 50, 40)):
        sheet.column_dimensions[col_letter].width = width
    for col in range(5, 17):
        sheet.column_dimensions[letter(col)].width = 4.5
    sheet.column_dimensions["Q"].width = 20


def _put(cell: Any, value: Any) -> None:
    """Set a cell to data as typed: text that starts with '=' stays text, not a formula; a
    yes/no setting as the word staff pick from its dropdown."""
    if isinstance(value, bool):
        value = YESNO[0] if value else YESNO[1]
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _add_plan_validations(sheet: Any) -> None:
    last = DATA_ROWS + 1
    areas = _validation(
        "list",
        formula1=f"={LISTS_SHEET}!$A$2:$A$60",
        errorStyle="warning",
        errorTitle="Area belum ada di daftar",
        error="Area ini tidak ada di daftar (sheet Daftar). Lanjutkan bila memang area baru.",
        promptTitle="Area Perubahan",
        prompt="Pilih area; kosongkan bila sama dengan baris di atas.",
    )
    areas.add(f"A2:A{last}")
    months = _validation(
        "list",
        formula1='"x"',
        errorTitle="Tanda bulan",
        error="Tulis x untuk menandai bulan pelaksanaan, atau kosongkan.",
        promptTitle="Bulan pelaksanaan",
        prompt="x = dilaksanakan pada bulan ini",
    )
    months.add(f"E2:P{last}")
    sheet.add_data_validation(areas)
    sheet.add_data_validation(months)


def _list_check(choices: tuple[str, ...], title: str, *, warning: bool = False, extra: str = "") -> Any:
    dv = _validation(
        "list",
        formula1='"' + ",".join(choices) + '"',
        errorTitle=title,
        error=f"Pilih salah satu: {', '.join(choices)}.{extra}",
    )
    if warning:
        dv.errorStyle = "warning"
    return dv


def _write_lampiran_list(
    sheet: Any, specs: list[LampiranSpec], names: list[str], kolom_cells: list[str | None]
) -> None:
    """One row per lampiran: its title, kind, columns (a preset or the sheet declaring them),
    the sheet of its rows, and its settings."""
    sheet.append([header for header, _, _ in LAMPIRAN_COLUMNS])
    _style_header(sheet, len(LAMPIRAN_COLUMNS))
    for spec, name, kolom in zip(specs, names, kolom_cells):
        values = {
            "judul": spec.judul or None,
            "jenis": spec.jenis,
            "kolom": kolom,
            "sheet": name,
            "nomor_kolom": spec.nomor_kolom,
            "diktum": spec.diktum,
            "orientasi": spec.orientasi,
        }
        r = sheet.max_row + 1
        for c, (_, key, _) in enumerate(LAMPIRAN_COLUMNS, start=1):
            _put(sheet.cell(row=r, column=c), values[key])
        _wrap(sheet.cell(row=r, column=1))
    last = 1 + 20
    checks = (
        ("B", _list_check(JENIS_LAMPIRAN, "Jenis lampiran")),
        (
            "C",
            _list_check(
                tuple(PRESETS),
                "Kolom tabel",
                warning=True,
                extra=" Atau tulis nama sheet yang berisi daftar kolomnya (mis. Kolom Lampiran II).",
            ),
        ),
        ("E", _list_check(YESNO, "Nomor kolom")),
        ("G", _list_check(("mendatar", "tegak"), "Orientasi halaman")),
    )
    for col, dv in checks:
        dv.add(f"{col}2:{col}{last}")
        sheet.add_data_validation(dv)
    diktum = _validation(
        "whole",
        operator="between",
        formula1="1",
        formula2="30",
        errorTitle="Diktum",
        error="Tulis nomor diktum, 1 sampai 30.",
    )
    diktum.add(f"F2:F{last}")
    sheet.add_data_validation(diktum)
    for col, width in zip("ABCDEFG", (60, 10, 24, 22, 13, 9, 12)):
        sheet.column_dimensions[col].width = width


def _write_table_sheet(sheet: Any, columns: tuple[Kolom, ...], table: Tabel) -> None:
    """The rows of a table of declared columns: one column per sheet header; a group only on
    the row that opens it; marks as x."""
    from openpyxl.styles import Alignment

    slots = [(column, header) for column in columns for header in column.sheet_headers]
    sheet.append([header for _, header in slots])
    _style_header(sheet, len(slots))
    for row in table.rows:
        r = sheet.max_row + 1
        for c, value in enumerate(row.values, start=1):
            _put(sheet.cell(row=r, column=c), value or None)
    for row_cells in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        for cell in row_cells:
            column = slots[cell.column - 1][0]
            if column.jenis == "periode":
                cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
            else:
                _wrap(cell)
    last = DATA_ROWS + 1
    for c, (column, header) in enumerate(slots, start=1):
        col = letter(c)
        narrow = column.jenis == "periode"
        sheet.column_dimensions[col].width = max(len(header) + 2, 8 if narrow else min(max(column.lebar, 12), 50))
        if column.marks:
            marks = _validation(
                "list",
                formula1='"x"',
                errorTitle="Tanda",
                error="Tulis x untuk menandai periode ini, atau kosongkan.",
            )
            marks.add(f"{col}2:{col}{last}")
            sheet.add_data_validation(marks)


def _write_columns_sheet(sheet: Any, columns: tuple[Kolom, ...]) -> None:
    """A table's columns, one row each (model.Kolom), with dropdowns for the kinds."""
    sheet.append([header for header, _, _ in KOLOM_COLUMNS])
    _style_header(sheet, len(KOLOM_COLUMNS))
    for column in columns:
        data = column.model_dump(mode="python")
        r = sheet.max_row + 1
        for c, (_, key, _) in enumerate(KOLOM_COLUMNS, start=1):
            _put(sheet.cell(row=r, column=c), data.get(key))
    last = 1 + 60
    for col, dv in (
        ("B", _list_check(JENIS_KOLOM, "Jenis kolom")),
        ("E", _list_check(PENOMORAN, "Penomoran")),
        ("G", _list_check(tuple(PERIODS), "Periode")),
        ("H", _list_check(("tanda", "nilai"), "Isi periode")),
    ):
        dv.add(f"{col}2:{col}{last}")
        sheet.add_data_validation(dv)
    width = _validation(
        "decimal",
        operator="between",
        formula1="3",
        formula2="300",
        errorTitle="Lebar",
        error="Tulis lebar dalam mm, 3 sampai 300.",
    )
    width.add(f"C2:C{last}")
    sheet.add_data_validation(width)
    for col, w in zip("ABCDEFGHI", (28, 11, 11, 24, 13, 22, 11, 9, 24)):
        sheet.column_dimensions[col].width = w


def _write_members_sheet(sheet: Any, spec: LampiranSpec) -> None:
    sheet.append(list(ANGGOTA_HEADERS))
    _style_header(sheet, len(ANGGOTA_HEADERS))
    for member in spec.anggota or ():
        r = sheet.max_row + 1
        for c, value in enumerate((member.nama, member.jabatan, member.kedudukan), start=1):
            _put(sheet.cell(row=r, column=c), value)
            _wrap(sheet.cell(row=r, column=c))
    for col, width in zip("ABC", (40, 50, 28)):
        sheet.column_dimensions[col].width = width


def _write_prose_sheet(sheet: Any, spec: LampiranSpec) -> None:
    """One row per heading, paragraph or list item (the items of one list on consecutive rows)."""
    sheet.append(list(PROSA_HEADERS))
    _style_header(sheet, len(PROSA_HEADERS))
    for block in spec.isi or ():
        kind = block.kind
        texts = (block.butir or []) if kind == "butir" else [getattr(block, kind)]
        for text in texts:
            r = sheet.max_row + 1
            _put(sheet.cell(row=r, column=1), kind)
            _put(sheet.cell(row=r, column=2), text)
            _wrap(sheet.cell(row=r, column=2))
    dv = _list_check(PROSA_KINDS, "Jenis")
    dv.add(f"A2:A{DATA_ROWS + 1}")
    sheet.add_data_validation(dv)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 110


def _write_kantor_sheet(sheet: Any, offices: list[dict[str, Any]]) -> None:
    sheet.append([column.label for column in KANTOR_COLUMNS])
    _style_header(sheet, len(KANTOR_COLUMNS))
    sheet.freeze_panes = "C2"
    for r, office in enumerate(offices, start=2):
        for c, column in enumerate(KANTOR_COLUMNS, start=1):
            _put(sheet.cell(row=r, column=c), office.get(column.path[0]))
    last = DATA_ROWS + 1
    for col, column in enumerate(KANTOR_COLUMNS, start=1):
        col_letter = letter(col)
        for r in range(2, last + 1):
            if column.kind in TEXT_CELLS:
                sheet[f"{col_letter}{r}"].number_format = "@"
            elif column.kind == "date":
                sheet[f"{col_letter}{r}"].number_format = "DD/MM/YYYY"
        if column.kind == "date":
            sheet.add_data_validation(_date_validation(f"{col_letter}2:{col_letter}{last}"))
    _fit_widths(
        sheet, minimum={c: len(column.label) + 2 for c, column in enumerate(KANTOR_COLUMNS, start=1)}, maximum=45
    )


def _write_lists_sheet(sheet: Any, plans: list[RencanaAksi]) -> None:
    sheet.append(["Area Perubahan", "Tanda Bulan"])
    areas = list(STANDARD_AREAS)
    for plan in plans:
        areas += [a.nama for a in plan.areas if a.nama not in areas]
    for i, area in enumerate(areas, start=2):
        sheet.cell(row=i, column=1, value=area)
    sheet.cell(row=2, column=2, value="x")
    sheet.column_dimensions["A"].width = max(len(a) for a in areas) + 2
    sheet.sheet_state = "hidden"


PETUNJUK = (
    "PETUNJUK PENGISIAN",
    "",
    "Workbook ini berisi semua yang diketik untuk satu keputusan. Isi, lalu periksa dengan:",
    "    keputusan validate FOLDER_KASUS",
    "Setiap kesalahan disebut dengan tempatnya (mis. Rencana Aksi!D14), apa yang salah, dan cara memperbaikinya.",
    "Bila tidak ada masalah, buat PDF-nya dengan:   keputusan build FOLDER_KASUS --out output",
    "",
    "YANG DIBUAT OTOMATIS (JANGAN DIKETIK)",
    "Nomor area, huruf sub kegiatan (a., b., ...), ordinal diktum (KESATU, KEDUA, ...), baris nomor kolom,",
    "nomor halaman, nomor keputusan (disusun dari Format Nomor dan bagian-bagiannya), butir Menimbang terakhir",
    'dan diktum penutup ("Keputusan ini mulai berlaku pada tanggal ditetapkan.").',
    "Teks diketik persis seperti akan dicetak.",
    "",
    "SHEET Keputusan",
    "Satu baris per isian: label di kolom A (jangan diubah), nilai di kolom B, petunjuk di kolom C.",
    "Menimbang, Memperhatikan, Diktum dan Kop Surat: satu baris per butir. Untuk menambah butir, sisipkan baris "
    "dan tulis label yang sama di kolom A.",
    "Penerbit Keputusan: lembaga (KEPUTUSAN KOMISI PEMILIHAN UMUM PROVINSI ...) atau pejabat (KEPUTUSAN KETUA "
    "PENGADILAN ..., KEPUTUSAN MENTERI AGAMA ...).",
    "Lembaga tingkat nasional (KPU RI, kementerian): kosongkan Wilayah dan Kode Wilayah, dan jangan memakai "
    "{kode_wilayah} dalam Format Nomor.",
    "Format Nomor: {bulan} = bulan dua angka (01), {bulan_tanpa_nol} = tanpa nol (1), {bulan_romawi} = I sampai XII.",
    "Menetapkan: kosongkan agar dibuat otomatis dari penerbit dan Tentang.",
    "Tanggal Ditetapkan adalah sel tanggal. Kertas dan Nomor Halaman Lampiran dipilih dari daftar.",
    "",
    "SHEET Mengingat",
    "Satu dasar hukum per baris, berurutan (nomor 1., 2., ... dibuat otomatis), tanpa titik koma penutup.",
    "Kolom Kunci boleh dikosongkan; bila diisi harus berbeda untuk setiap baris (dipakai saat diubah ke bentuk YAML).",
    "",
    "SHEET Lampiran",
    "Satu baris per lampiran, berurutan. Satu lampiran dicetak LAMPIRAN; beberapa: LAMPIRAN I, LAMPIRAN II, ... "
    "(dibuat otomatis).",
    "Tanpa lampiran: hapus semua barisnya (judul kolom tetap). Judul: judul lampiran (dicetak kapital).",
    "Jenis: tabel, anggota (susunan tim: Nama, Jabatan/Unsur, Kedudukan dalam Tim) atau prosa (BAB, bagian, paragraf).",
    "Kolom (hanya tabel): rencana-aksi-bulanan (bulan 1-12 diarsir), rencana-aksi-triwulan (output, satuan, PIC, "
    "target TW I-IV),",
    "atau nama sheet yang memuat daftar kolom tabel itu sendiri (mis. Kolom Lampiran II; lihat di bawah).",
    "Sheet: sheet yang memuat isi lampiran itu. Nomor Kolom: ya/tidak (baris nomor kolom 1, 2, 3 ... di bawah judul "
    "kolom tabel).",
    "Diktum: nomor diktum yang merujuk lampiran itu (kosong: diktum pertama). Kalimat 'sebagaimana tercantum dalam",
    "Lampiran I ... yang merupakan bagian tidak terpisahkan dari Keputusan ini' ditambahkan otomatis, kecuali diktum",
    "itu sudah menyebut lampirannya sendiri. Orientasi: mendatar atau tegak (kosong: tabel mendatar, lainnya tegak).",
    "",
    "SHEET ISI LAMPIRAN (mis. Rencana Aksi, Lampiran II)",
    "Tabel rencana aksi bulanan: satu baris per sub kegiatan, mulai baris 2, tanpa baris kosong di antaranya. "
    "Judul kolom jangan diubah.",
    "Area Perubahan dan Kegiatan: cukup ditulis pada baris pertama kelompoknya; sel kosong berarti sama dengan "
    "di atas.",
    "Area dipilih dari daftar (area baru boleh diketik). Baris satu area atau satu kegiatan harus berurutan.",
    "Indikator Keberhasilan: wajib pada baris pertama setiap kegiatan; sel kosong di bawahnya berarti indikator itu",
    "mencakup baris tersebut. Indikator yang ditulis di setiap baris berlaku untuk sub kegiatan itu saja.",
    "Kolom 1 sampai 12 adalah bulan: tulis x pada bulan pelaksanaan (bulan itu diarsir di lampiran), "
    "kosongkan bila tidak.",
    "Tabel lain: satu kolom per judul kolom di baris 1. Kolom kelompok (mis. Kegiatan Utama, Indikator) cukup ditulis",
    "pada baris pertama kelompoknya; kolom butir wajib diisi (huruf a., b. dibuat otomatis); kolom tanda: tulis x.",
    "Anggota: satu baris per anggota (nomor dibuat otomatis). Prosa: kolom Jenis (bab, bagian, subbagian, paragraf,",
    "butir) dan Teks; BAB I, A., 1. dan nomor butir dibuat otomatis; butir yang berurutan menjadi satu daftar.",
    "Jangan menggabungkan sel (merge) dan jangan memakai rumus: ketik teksnya.",
    "",
    "SHEET Kolom ... (hanya tabel dengan kolom sendiri)",
    "Satu baris per kolom tabel, dari kiri ke kanan. Judul: judul kolom yang dicetak. Lebar (mm): lebar kolom pada",
    "kertas F4 mendatar (disesuaikan dengan halaman). Nama di Sheet: judul kolomnya di sheet isi (kosong: Judul).",
    "Jenis: kelompok (menaungi baris di bawahnya), nomor (nomor kelompok yang disebut di Kelompok, atau nomor baris),",
    "butir (huruf/nomor per kelompok), teks, angka, pic, periode (Periode: bulan atau triwulan; Isi: tanda/nilai).",
    "Penomoran (kelompok, butir): angka, huruf, huruf_besar, romawi, tanpa. Judul Atas: judul bersama di atas",
    "beberapa kolom yang bersebelahan.",
    "",
    "SHEET Kantor (hanya untuk keputusan banyak kantor sekaligus)",
    "Satu baris per kantor kabupaten/kota. Kode Wilayah dan Wilayah wajib; kode tidak boleh dobel.",
    "Sel lain yang dikosongkan mengikuti isian di sheet Keputusan.",
    "",
    "LEMBAR LAIN",
    "Sheet Daftar (tersembunyi) berisi pilihan untuk daftar area. Nama sheet Keputusan, Mengingat, Lampiran,",
    "Kantor jangan diubah; sheet isi lampiran boleh diberi nama lain asal kolom Sheet di sheet Lampiran ikut diubah.",
    "File ini jangan diberi kata sandi: alat tidak dapat membaca workbook yang terkunci.",
)


def _write_petunjuk_sheet(sheet: Any) -> None:
    from openpyxl.styles import Font

    for line in PETUNJUK:
        sheet.append([line])
        if line.isupper() and line:
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 120
