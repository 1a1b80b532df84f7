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

from . import atomic
from .content import decree_dict, office_dicts
from .model import Case, RencanaAksi
from .schema import (
    DATE_RANGE,
    DECREE_FIELDS,
    DECREE_HEADERS,
    DECREE_SHEET,
    KANTOR_COLUMNS,
    KANTOR_SHEET,
    LISTS_SHEET,
    MENGINGAT_HEADERS,
    MENGINGAT_SHEET,
    PETUNJUK_SHEET,
    PLAN_HEADERS,
    PLAN_SHEET,
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


@dataclass
class WorkbookContent:
    """What a workbook holds, possibly incomplete (a starter case has blanks)."""

    decree: dict[str, Any] = field(default_factory=starter_decree)
    mengingat: list[tuple[str, str]] = field(default_factory=list)  # (key, citation)
    plan: RencanaAksi = field(default_factory=lambda: RencanaAksi(()))
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
            decree=decree, mengingat=list(zip(case.decree.mengingat, case.mengingat)), plan=case.plan, offices=offices
        )


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
    _write_plan_sheet(book.create_sheet(PLAN_SHEET), content.plan)
    _write_kantor_sheet(book.create_sheet(KANTOR_SHEET), content.offices)
    _write_petunjuk_sheet(book.create_sheet(PETUNJUK_SHEET))
    _write_lists_sheet(book.create_sheet(LISTS_SHEET), content.plan)
    _add_plan_validations(book[PLAN_SHEET])
    book.active = 0
    return book


def build_plan_workbook(plan: RencanaAksi) -> Any:
    """The YAML form's plan workbook: the plan sheet with its dropdowns, and their lists."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = PLAN_SHEET
    _write_plan_sheet(book.active, plan)
    _add_plan_validations(book.active)
    _write_lists_sheet(book.create_sheet(LISTS_SHEET), plan)
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


def _write_lists_sheet(sheet: Any, plan: RencanaAksi) -> None:
    sheet.append(["Area Perubahan", "Tanda Bulan"])
    areas = list(STANDARD_AREAS) + [a.nama for a in plan.areas if a.nama not in STANDARD_AREAS]
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
    "SHEET Rencana Aksi",
    "Satu baris per sub kegiatan, mulai baris 2, tanpa baris kosong di antaranya. Judul kolom jangan diubah.",
    "Area Perubahan dan Kegiatan: cukup ditulis pada baris pertama kelompoknya; sel kosong berarti sama dengan "
    "di atas.",
    "Area dipilih dari daftar (area baru boleh diketik). Baris satu area atau satu kegiatan harus berurutan.",
    "Indikator Keberhasilan: wajib pada baris pertama setiap kegiatan; sel kosong di bawahnya berarti indikator itu",
    "mencakup baris tersebut. Indikator yang ditulis di setiap baris berlaku untuk sub kegiatan itu saja.",
    "Kolom 1 sampai 12 adalah bulan: tulis x pada bulan pelaksanaan (bulan itu diarsir di lampiran), "
    "kosongkan bila tidak.",
    "Jangan menggabungkan sel (merge) dan jangan memakai rumus: ketik teksnya.",
    "",
    "SHEET Kantor (hanya untuk keputusan banyak kantor sekaligus)",
    "Satu baris per kantor kabupaten/kota. Kode Wilayah dan Wilayah wajib; kode tidak boleh dobel.",
    "Sel lain yang dikosongkan mengikuti isian di sheet Keputusan.",
    "",
    "LEMBAR LAIN",
    "Sheet Daftar (tersembunyi) berisi pilihan untuk daftar area. Nama sheet jangan diubah.",
    "File ini jangan diberi kata sandi: alat tidak dapat membaca workbook yang terkunci.",
)


def _write_petunjuk_sheet(sheet: Any) -> None:
    from openpyxl.styles import Font

    for line in PETUNJUK:
        sheet.append([line])
        if line.isupper() and line:
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 120
