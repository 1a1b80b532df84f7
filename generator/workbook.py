"""The workbook form of a case: everything staff type in one file, `keputusan.xlsx`.

Sheets:
  Keputusan     labelled rows (column A: Isian, B: Nilai, C: Petunjuk), one per decree value;
                Menimbang and Diktum take one row each per item (the label repeats)
  Mengingat     one legal basis per row: Dasar Hukum (the full citation), Kunci (optional short key)
  Rencana Aksi  the plan, exactly the columns of the YAML form's plan sheet (read by load.plan_from_sheet)
  Kantor        the offices of a batch (optional rows; blank cells inherit from Keputusan)
  Petunjuk      how to fill it in
  Daftar        (hidden) the lists the dropdowns offer

`write_workbook` writes it (with dropdowns, date cells, frozen headers, fitting widths);
`load_workbook_case` reads it into the same `Case` the YAML form gives, every problem named
by its cell. `write_yaml_case` writes the YAML form, so a case converts both ways.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import atomic
from .content import decree_dict, default_profil, office_dicts
from .errors import DataError, OutputError, Problem
from .load import (
    DECREE_FILE,
    OFFICES_FILE,
    PLAN_HEADERS,
    PLAN_SHEET,
    WORKBOOK_FILE,
    find_sheet,
    merged_problems,
    open_workbook,
    plan_from_sheet,
    pydantic_problems,
    read_yaml,
)
from .messages import Place, problem
from .model import MAX_TEXT, Case, Decree, KantorBatch, RencanaAksi

DECREE_SHEET = "Keputusan"
MENGINGAT_SHEET = "Mengingat"
KANTOR_SHEET = "Kantor"
PETUNJUK_SHEET = "Petunjuk"
LISTS_SHEET = "Daftar"
REQUIRED_SHEETS = (DECREE_SHEET, MENGINGAT_SHEET, PLAN_SHEET, KANTOR_SHEET)

DECREE_HEADERS = ("Isian", "Nilai", "Petunjuk")
MENGINGAT_HEADERS = ("Dasar Hukum", "Kunci")


@dataclass(frozen=True)
class Row:
    label: str
    path: tuple[str, ...]
    kind: str  # text, long, code, urut, int, number, date, list, choice
    hint: str
    choices: tuple[str, ...] = ()


DECREE_ROWS: tuple[Row, ...] = (
    Row("Lembaga", ("kantor", "lembaga"), "text", "Komisi Pemilihan Umum (di Aceh: Komisi Independen Pemilihan)"),
    Row(
        "Wilayah",
        ("kantor", "wilayah"),
        "text",
        "mis. Provinsi Nusa Tenggara Barat, Kabupaten Lombok Barat, Kota Mataram",
    ),
    Row(
        "Kode Wilayah",
        ("kantor", "kode_wilayah"),
        "code",
        "kode wilayah Kemendagri: 2 angka (provinsi) atau 4 angka (kabupaten/kota), mis. 52",
    ),
    Row("Kedudukan", ("kantor", "kedudukan"), "text", "tempat kedudukan kantor, mis. Mataram"),
    Row(
        "Format Nomor",
        ("nomor", "format"),
        "text",
        "susunan nomor dari bagiannya: {urut} {klasifikasi} {kode_wilayah} {tahun} {bulan} {bulan_romawi} {kode_lembaga}",
    ),
    Row("Nomor Urut", ("nomor", "urut"), "urut", "nomor urut keputusan, mis. 19"),
    Row("Klasifikasi", ("nomor", "klasifikasi"), "text", "kode klasifikasi, mis. ORT.07"),
    Row("Kode Lembaga", ("nomor", "kode_lembaga"), "text", "hanya bila format nomor memakai {kode_lembaga}, mis. KPU"),
    Row("Tahun", ("tahun",), "int", "tahun keputusan, mis. 2022"),
    Row(
        "Tentang", ("tentang",), "long", "judul keputusan sesudah kata TENTANG, huruf biasa (dicetak kapital otomatis)"
    ),
    Row("Judul Lampiran", ("judul_lampiran",), "long", "judul tabel lampiran"),
    Row(
        "Menimbang",
        ("menimbang",),
        "list",
        "satu butir per baris berlabel Menimbang; huruf a., b. dan butir terakhir (yang menyatakan ulang Tentang) dibuat otomatis",
    ),
    Row(
        "Diktum",
        ("diktum",),
        "list",
        "satu diktum per baris berlabel Diktum; KESATU, KEDUA dan diktum penutup (mulai berlaku) dibuat otomatis",
    ),
    Row(
        "Tanggal Ditetapkan",
        ("ditetapkan", "tanggal"),
        "date",
        "tanggal penetapan (sel tanggal), dicetak mis. 17 Januari 2022",
    ),
    Row("Tempat Ditetapkan", ("ditetapkan", "tempat"), "text", "kosongkan bila sama dengan Kedudukan"),
    Row("Jabatan Penandatangan", ("penandatangan", "jabatan"), "text", "mis. Ketua"),
    Row("Nama Penandatangan", ("penandatangan", "nama"), "text", "nama pejabat yang menetapkan (dicetak kapital)"),
    Row(
        "Unit Pengesah Salinan",
        ("pengesah_salinan", "unit"),
        "long",
        "mis. Sekretariat Komisi Pemilihan Umum Provinsi ...",
    ),
    Row(
        "Jabatan Pengesah Salinan",
        ("pengesah_salinan", "jabatan"),
        "text",
        "mis. Kepala Bagian Hukum dan Sumber Daya Manusia",
    ),
    Row("Nama Pengesah Salinan", ("pengesah_salinan", "nama"), "text", "nama pejabat yang mengesahkan salinan"),
    Row("NIP Pengesah Salinan", ("pengesah_salinan", "nip"), "code", "18 angka; boleh dikosongkan"),
    Row("Kertas", ("profil", "kertas"), "choice", "F4 (215 x 330 mm) atau A4", ("F4", "A4")),
    Row("Margin Atas (mm)", ("profil", "margin_mm", "atas"), "number", "5 sampai 60"),
    Row("Margin Bawah (mm)", ("profil", "margin_mm", "bawah"), "number", "5 sampai 60"),
    Row("Margin Kiri (mm)", ("profil", "margin_mm", "kiri"), "number", "5 sampai 60"),
    Row("Margin Kanan (mm)", ("profil", "margin_mm", "kanan"), "number", "5 sampai 60"),
    Row("Huruf", ("profil", "font"), "text", "nama huruf, mis. Bookman Old Style"),
    Row("Ukuran Huruf", ("profil", "ukuran_font"), "number", "ukuran huruf keputusan dalam poin (6 sampai 16)"),
    Row("Ukuran Huruf Tabel", ("profil", "ukuran_font_tabel"), "number", "ukuran huruf tabel lampiran (6 sampai 14)"),
    Row(
        "Nomor Halaman Lampiran",
        ("profil", "nomor_halaman_lampiran"),
        "choice",
        "lanjut: melanjutkan nomor halaman keputusan; ulang: mulai lagi dari 1",
        ("lanjut", "ulang"),
    ),
)
ROW_BY_LABEL = {row.label.casefold(): row for row in DECREE_ROWS}
ROW_BY_PATH = {row.path: row for row in DECREE_ROWS}

# Kantor sheet: (header, KantorBatch field, kind)
KANTOR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Kode Wilayah", "kode_wilayah", "code"),
    ("Wilayah", "wilayah", "text"),
    ("Lembaga", "lembaga", "text"),
    ("Kedudukan", "kedudukan", "text"),
    ("Nomor Urut", "urut", "urut"),
    ("Tanggal Ditetapkan", "tanggal", "date"),
    ("Nama Penandatangan", "penandatangan_nama", "text"),
    ("Unit Pengesah Salinan", "pengesah_unit", "text"),
    ("Jabatan Pengesah Salinan", "pengesah_jabatan", "text"),
    ("Nama Pengesah Salinan", "pengesah_nama", "text"),
    ("NIP Pengesah Salinan", "pengesah_nip", "code"),
    ("Keterangan", "keterangan", "text"),
)

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
STARTER_DECREE = {
    "kantor": {"lembaga": "Komisi Pemilihan Umum"},
    "nomor": {"format": "{urut}/{klasifikasi}/{kode_wilayah}/{tahun}"},
    "menimbang": [None],
    "diktum": [None],
    "penandatangan": {"jabatan": "Ketua"},
    "profil": default_profil(),
}
DATA_ROWS = 1000  # rows of the plan/offices sheets that get dropdowns and formats


# ---------------------------------------------------------------- the content to write


@dataclass
class WorkbookContent:
    """What a workbook holds, possibly incomplete (a starter case has blanks)."""

    decree: dict[str, Any] = field(default_factory=lambda: yaml.safe_load(yaml.safe_dump(STARTER_DECREE)))
    mengingat: list[tuple[str, str]] = field(default_factory=list)  # (key, citation)
    plan: RencanaAksi = field(default_factory=lambda: RencanaAksi(()))
    offices: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_case(cls, case: Case) -> WorkbookContent:
        decree = decree_dict(case)
        decree["ditetapkan"]["tanggal"] = case.decree.ditetapkan.tanggal
        offices = office_dicts(case.offices)
        for office in offices:
            if "tanggal" in office:
                office["tanggal"] = dt.date.fromisoformat(office["tanggal"])
        return cls(
            decree=decree, mengingat=list(zip(case.decree.mengingat, case.mengingat)), plan=case.plan, offices=offices
        )


def value_at(data: dict, path: tuple[str, ...]) -> Any:
    """data[path[0]][path[1]]...; None where the path leaves the nested dicts."""
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


# ---------------------------------------------------------------- writing


def write_workbook(content: WorkbookContent, path: Path) -> Path:
    """Write `keputusan.xlsx` atomically (beside `path`, then renamed)."""
    book = build_workbook(content)
    with atomic.replacing(path) as tmp:
        book.save(tmp)
    return path


def build_workbook(content: WorkbookContent):
    from openpyxl import Workbook

    book = Workbook()
    decree_sheet = book.active
    decree_sheet.title = DECREE_SHEET
    _write_decree_sheet(decree_sheet, content.decree)
    _write_mengingat_sheet(book.create_sheet(MENGINGAT_SHEET), content.mengingat)
    write_plan_sheet(book.create_sheet(PLAN_SHEET), content.plan)
    _write_kantor_sheet(book.create_sheet(KANTOR_SHEET), content.offices)
    _write_petunjuk_sheet(book.create_sheet(PETUNJUK_SHEET))
    _write_lists_sheet(book.create_sheet(LISTS_SHEET), content.plan)
    _add_plan_validations(book[PLAN_SHEET])
    book.active = 0
    return book


def _style_header(sheet, columns: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    for col in range(1, columns + 1):
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin)
    sheet.freeze_panes = "A2"


def _wrap(cell) -> None:
    from openpyxl.styles import Alignment

    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _fit_widths(sheet, minimum: dict[int, float] | None = None, maximum: float = 60) -> None:
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


def _validation(kind: str, **kwargs):
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(type=kind, allow_blank=True, showErrorMessage=True, showInputMessage=True, **kwargs)


def _date_validation(cells: str):
    dv = _validation(
        "date",
        operator="between",
        formula1=str(int(_excel_date(dt.date(1945, 1, 1)))),
        formula2=str(int(_excel_date(dt.date(2200, 12, 31)))),
        errorTitle="Bukan tanggal",
        error="Tulis tanggal yang ada, mis. 17/01/2022.",
        promptTitle="Tanggal",
        prompt="Tulis tanggal, mis. 17/01/2022.",
    )
    dv.add(cells)
    return dv


def _write_decree_sheet(sheet, decree: dict[str, Any]) -> None:
    from openpyxl.styles import Font

    sheet.append(list(DECREE_HEADERS))
    _style_header(sheet, 3)
    sheet.freeze_panes = "B2"
    validations: dict[str, Any] = {}
    for spec in DECREE_ROWS:
        value = value_at(decree, spec.path)
        values = (value or [None]) if spec.kind == "list" else [value]
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
            if spec.kind == "code":
                cell.number_format = "@"  # text: keeps leading zeros of codes and NIP
            elif spec.kind == "date":
                cell.number_format = "DD/MM/YYYY"
                if "date" in validations:
                    validations["date"].add(cell.coordinate)
                else:
                    validations["date"] = _date_validation(cell.coordinate)
            elif spec.kind == "int":
                dv = validations.setdefault(
                    "year",
                    _validation(
                        "whole",
                        operator="between",
                        formula1="1945",
                        formula2="2200",
                        errorTitle="Bukan tahun",
                        error="Tulis tahun dengan 4 angka, mis. 2022.",
                    ),
                )
                dv.add(cell.coordinate)
            elif spec.kind == "choice":
                dv = validations.setdefault(
                    spec.label,
                    _validation(
                        "list",
                        formula1='"' + ",".join(spec.choices) + '"',
                        errorTitle="Pilihan tidak dikenal",
                        error="Pilih salah satu: " + ", ".join(spec.choices) + ".",
                    ),
                )
                dv.add(cell.coordinate)
            elif spec.kind == "number":
                dv = validations.setdefault(
                    "number",
                    _validation(
                        "decimal",
                        operator="between",
                        formula1="5",
                        formula2="60",
                        errorTitle="Bukan angka",
                        error="Tulis angka (milimeter atau poin).",
                    ),
                )
                if spec.path[-1] in ("ukuran_font", "ukuran_font_tabel"):
                    dv = validations.setdefault(
                        "size",
                        _validation(
                            "decimal",
                            operator="between",
                            formula1="6",
                            formula2="16",
                            errorTitle="Ukuran huruf",
                            error="Tulis ukuran huruf dalam poin, 6 sampai 16.",
                        ),
                    )
                dv.add(cell.coordinate)
    for dv in validations.values():
        sheet.add_data_validation(dv)
    sheet.column_dimensions["A"].width = max(len(r.label) for r in DECREE_ROWS) + 3
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["C"].width = 60


def _write_mengingat_sheet(sheet, mengingat: list[tuple[str, str]]) -> None:
    sheet.append(list(MENGINGAT_HEADERS))
    _style_header(sheet, 2)
    for r, (key, text) in enumerate(mengingat, start=2):
        _put(sheet.cell(row=r, column=1), text)
        _put(sheet.cell(row=r, column=2), key)
        _wrap(sheet.cell(row=r, column=1))
    sheet.column_dimensions["A"].width = 100
    _fit_widths(sheet, maximum=30)
    sheet.column_dimensions["A"].width = 100


def write_plan_sheet(sheet, plan: RencanaAksi) -> None:
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
    for letter, width in zip("ABCD", (26, 30, 50, 40)):
        sheet.column_dimensions[letter].width = width
    for col in range(5, 17):
        sheet.column_dimensions[_letter(col)].width = 4.5
    sheet.column_dimensions["Q"].width = 20


def _put(cell, value: Any) -> None:
    """Set a cell to data as typed: text that starts with '=' stays text, not a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _add_plan_validations(sheet) -> None:
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


def _write_kantor_sheet(sheet, offices: list[dict[str, Any]]) -> None:
    sheet.append([header for header, _, _ in KANTOR_COLUMNS])
    _style_header(sheet, len(KANTOR_COLUMNS))
    sheet.freeze_panes = "C2"
    for r, office in enumerate(offices, start=2):
        for c, (_, name, _) in enumerate(KANTOR_COLUMNS, start=1):
            _put(sheet.cell(row=r, column=c), office.get(name))
    last = DATA_ROWS + 1
    for col, (_, name, kind) in enumerate(KANTOR_COLUMNS, start=1):
        letter = _letter(col)
        for r in range(2, last + 1):
            if kind == "code":
                sheet[f"{letter}{r}"].number_format = "@"
            elif kind == "date":
                sheet[f"{letter}{r}"].number_format = "DD/MM/YYYY"
        if kind == "date":
            sheet.add_data_validation(_date_validation(f"{letter}2:{letter}{last}"))
    _fit_widths(sheet, minimum={c: len(h) + 2 for c, (h, _, _) in enumerate(KANTOR_COLUMNS, start=1)}, maximum=45)


def _write_lists_sheet(sheet, plan: RencanaAksi) -> None:
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
    "Menimbang dan Diktum: satu baris per butir. Untuk menambah butir, sisipkan baris dan tulis label yang sama di kolom A.",
    "Tanggal Ditetapkan adalah sel tanggal. Kertas dan Nomor Halaman Lampiran dipilih dari daftar.",
    "",
    "SHEET Mengingat",
    "Satu dasar hukum per baris, berurutan (nomor 1., 2., ... dibuat otomatis), tanpa titik koma penutup.",
    "Kolom Kunci boleh dikosongkan; bila diisi harus berbeda untuk setiap baris (dipakai saat diubah ke bentuk YAML).",
    "",
    "SHEET Rencana Aksi",
    "Satu baris per sub kegiatan, mulai baris 2, tanpa baris kosong di antaranya. Judul kolom jangan diubah.",
    "Area Perubahan dan Kegiatan: cukup ditulis pada baris pertama kelompoknya; sel kosong berarti sama dengan di atas.",
    "Area dipilih dari daftar (area baru boleh diketik). Baris satu area atau satu kegiatan harus berurutan.",
    "Indikator Keberhasilan: wajib pada baris pertama setiap kegiatan; sel kosong di bawahnya berarti indikator itu",
    "mencakup baris tersebut. Indikator yang ditulis di setiap baris berlaku untuk sub kegiatan itu saja.",
    "Kolom 1 sampai 12 adalah bulan: tulis x pada bulan pelaksanaan (bulan itu diarsir di lampiran), kosongkan bila tidak.",
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


def _write_petunjuk_sheet(sheet) -> None:
    from openpyxl.styles import Font

    for line in PETUNJUK:
        sheet.append([line])
        if line.isupper() and line:
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 120


# ---------------------------------------------------------------- reading


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
    if sheets[DECREE_SHEET] is not None:
        raw, places = _read_decree_sheet(sheets[DECREE_SHEET], file, problems)
    keys: list[str] = []
    texts: list[str] = []
    if sheets[MENGINGAT_SHEET] is not None:
        keys, texts = _read_mengingat_sheet(sheets[MENGINGAT_SHEET], file, problems, places)
    raw["mengingat"] = keys
    raw["rencana_aksi"] = WORKBOOK_FILE
    raw["dasar_hukum"] = WORKBOOK_FILE

    decree = None
    if sheets[DECREE_SHEET] is not None:
        sheet_place = Place(file, DECREE_SHEET)
        labels = {place: spec.label for spec in DECREE_ROWS if (place := places.get(spec.path))}
        placer = lambda loc: _nearest(places, loc, sheet_place)  # noqa: E731
        try:
            decree = Decree.model_validate(raw)
        except ValidationError as exc:
            for p in pydantic_problems(exc, placer):
                if p.code == "value.missing" and p.place == sheet_place:
                    continue  # its labelled row is gone: reported as label.missing already
                if p.code == "value.missing" and p.place in labels:
                    p = problem("value.missing_label", p.place, label=labels[p.place])
                elif p.code == "date.invalid":
                    p = problem("date.invalid_cell", p.place, **dict(p.params))
                problems.append(p)
        if decree is not None:
            for part in decree.missing_number_parts():
                part_path = ("kantor", part) if part == "kode_wilayah" else ("nomor", part)
                spec = ROW_BY_PATH.get(part_path)
                problems.append(
                    problem("nomor.part_missing", placer(part_path), part=part, label=spec.label if spec else part)
                )

    plan = RencanaAksi(())
    if sheets[PLAN_SHEET] is not None:
        plan = plan_from_sheet(sheets[PLAN_SHEET], file, problems)
    offices: tuple[KantorBatch, ...] = ()
    if sheets[KANTOR_SHEET] is not None:
        offices = _read_kantor_sheet(sheets[KANTOR_SHEET], file, problems)
    if problems:
        raise DataError(problems)
    assert decree is not None
    return Case(
        name=case_dir.resolve().name,
        directory=case_dir,
        decree=decree,
        mengingat=tuple(texts),
        plan=plan,
        sources=(path.resolve(),),
        offices=offices,
        form="workbook",
    )


def _nearest(places: dict[tuple, Place], loc: tuple, default: Place) -> Place:
    probe = tuple(loc)
    while probe:
        if probe in places:
            return places[probe]
        probe = probe[:-1]
    return default


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return "" if value is None else str(value).strip()


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_BULAN = {
    name.casefold(): i
    for i, name in enumerate(
        [
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember",
        ],
        start=1,
    )
}
_LONG_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$")


def cell_date(value: Any) -> Any:
    """A date from a date cell, or from text as staff write it (17/01/2022, 17 Januari 2022,
    2022-01-17); text that is no real date is returned as it is, for the validation to name."""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
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
    if kind == "date":
        return cell_date(value)
    if kind in ("code",):
        return _cell_text(value)
    if kind == "urut":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        text = _cell_text(value)
        return int(text) if text.isdigit() else text
    if kind in ("int", "number"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value) if kind == "int" and float(value).is_integer() else value
        return _cell_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return _cell_text(value)
    return _cell_text(value) if not isinstance(value, str) else value.strip()


def _set(data: dict, path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_decree_sheet(sheet, file: str, problems: list[Problem]) -> tuple[dict, dict[tuple, Place]]:
    at = lambda coord: Place(file, sheet.title, coord)  # noqa: E731
    start = len(problems)
    problems.extend(merged_problems(sheet, file))
    for col, expected in enumerate(DECREE_HEADERS, start=1):
        cell = sheet.cell(row=1, column=col)
        if _cell_text(cell.value) != expected:
            problems.append(
                problem("header.wrong", at(cell.coordinate), value=_cell_text(cell.value), expected=expected)
            )
    if len(problems) > start:
        return {}, {}
    raw: dict[str, Any] = {}
    for spec in DECREE_ROWS:  # every group present, so a blank value is reported at its own cell
        if len(spec.path) > 1:
            _set(raw, spec.path[:-1] + ("_",), None)
            value_at(raw, spec.path[:-1]).pop("_")
    places: dict[tuple, Place] = {}
    first_row: dict[str, int] = {}
    lists: dict[tuple, list[tuple[int, Any]]] = {}
    for r in range(2, sheet.max_row + 1):
        label_cell, value_cell = sheet.cell(row=r, column=1), sheet.cell(row=r, column=2)
        bad_formula = False
        for cell in (label_cell, value_cell):
            if cell.data_type == "f":
                problems.append(problem("cell.formula", at(cell.coordinate), formula=_short(cell.value)))
                bad_formula = True
        if bad_formula:
            continue
        label = _cell_text(label_cell.value)
        value = value_cell.value
        if not label:
            if not _blank(value):
                problems.append(problem("label.no_label", at(f"A{r}")))
            continue
        spec = ROW_BY_LABEL.get(label.casefold())
        if spec is None:
            guess = difflib.get_close_matches(label, [s.label for s in DECREE_ROWS], n=1, cutoff=0.6)
            if guess:
                problems.append(problem("label.unknown", at(f"A{r}"), label=label, guess=guess[0]))
            else:
                problems.append(problem("label.unknown_noguess", at(f"A{r}"), label=label))
            continue
        if spec.kind == "list":
            lists.setdefault(spec.path, []).append((r, value))
            continue
        if spec.label in first_row:
            problems.append(problem("label.duplicate", at(f"A{r}"), label=spec.label, first=first_row[spec.label]))
            continue
        first_row[spec.label] = r
        places[spec.path] = at(f"B{r}")
        if not _blank(value):
            _set(raw, spec.path, _convert(spec.kind, value))
    for path, items in lists.items():
        places[path] = at(f"B{items[0][0]}")
        kept = []
        for r, value in items:
            if _blank(value):
                continue  # an empty item row is not an item (none at all is reported)
            places[path + (len(kept),)] = at(f"B{r}")
            kept.append(_convert("long", value))
        raw[path[0]] = kept
    for spec in DECREE_ROWS:  # a required row that is gone: say which label to add back
        if spec.path not in places and _required(spec):
            problems.append(problem("label.missing", Place(file, sheet.title), label=spec.label))
            places[spec.path] = Place(file, sheet.title)
    return raw, places


def _required(spec: Row) -> bool:
    model: Any = Decree
    for part in spec.path:
        info = model.model_fields[part]
        if part == spec.path[-1]:
            return info.is_required()
        model = info.annotation
    return False


def _short(value: Any) -> str:
    text = str(getattr(value, "text", value))
    return text if len(text) <= 60 else text[:57] + "..."


def _read_table(
    sheet, file: str, headers: tuple[str, ...], problems: list[Problem]
) -> list[tuple[int, list[Any]]] | None:
    """Header check, merged cells, formulas, empty rows in the middle: the rows of a simple table."""
    at = lambda coord: Place(file, sheet.title, coord)  # noqa: E731
    start = len(problems)
    problems.extend(merged_problems(sheet, file))
    for col, expected in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col)
        value = _cell_text(cell.value)
        if value != expected:
            problems.append(problem("header.wrong", at(cell.coordinate), value=value, expected=expected))
    for col in range(len(headers) + 1, sheet.max_column + 1):
        cell = sheet.cell(row=1, column=col)
        if not _blank(cell.value):
            guess = difflib.get_close_matches(_cell_text(cell.value), headers, n=1)
            if guess:
                problems.append(problem("column.unknown_guess", at(cell.coordinate), value=cell.value, guess=guess[0]))
            else:
                problems.append(problem("column.unknown", at(cell.coordinate), value=cell.value))
    if len(problems) > start:
        return None
    width = min(max(sheet.max_column, len(headers)), len(headers) + 50)  # a whole formatted row is not data
    rows = [(r, [sheet.cell(row=r, column=c) for c in range(1, width + 1)]) for r in range(2, sheet.max_row + 1)]
    while rows and all(_blank(c.value) for c in rows[-1][1]):
        rows.pop()
    out = []
    last = _letter(len(headers))
    for r, cells in rows:
        if all(_blank(c.value) for c in cells):
            problems.append(problem("row.empty", at(f"A{r}:{last}{r}")))
            continue
        ok = True
        for cell in cells:
            if cell.data_type == "f":
                problems.append(problem("cell.formula", at(cell.coordinate), formula=_short(cell.value)))
                ok = False
            elif cell.column > len(headers) and not _blank(cell.value):
                problems.append(problem("cell.outside", at(cell.coordinate)))
                ok = False
            elif isinstance(cell.value, str) and len(cell.value.strip()) > MAX_TEXT:
                problems.append(
                    problem("cell.too_long", at(cell.coordinate), length=len(cell.value.strip()), max=MAX_TEXT)
                )
                ok = False
        if ok:
            out.append((r, [c.value for c in cells[: len(headers)]]))
    return out


def _read_mengingat_sheet(
    sheet, file: str, problems: list[Problem], places: dict[tuple, Place]
) -> tuple[list[str], list[str]]:
    at = lambda coord: Place(file, sheet.title, coord)  # noqa: E731
    places[("mengingat",)] = at("A2")
    rows = _read_table(sheet, file, MENGINGAT_HEADERS, problems)
    if rows is None:
        return [], []
    keys, texts, used = [], [], {}
    for r, (text, key) in rows:
        text, key = _cell_text(text).rstrip(";").strip(), _cell_text(key)
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


def _read_kantor_sheet(sheet, file: str, problems: list[Problem]) -> tuple[KantorBatch, ...]:
    at = lambda coord: Place(file, sheet.title, coord)  # noqa: E731
    headers = tuple(h for h, _, _ in KANTOR_COLUMNS)
    rows = _read_table(sheet, file, headers, problems)
    if rows is None:
        return ()
    offices, seen = [], {}
    for r, values in rows:
        data = {}
        for (header, name, kind), value in zip(KANTOR_COLUMNS, values):
            if not _blank(value):
                data[name] = _convert(kind, value)
        columns = {name: f"{_letter(c)}{r}" for c, (_, name, _) in enumerate(KANTOR_COLUMNS, start=1)}
        if "kode_wilayah" not in data:
            problems.append(problem("kantor.code_missing", at(columns["kode_wilayah"])))
            continue
        if "wilayah" not in data:
            problems.append(problem("kantor.name_missing", at(columns["wilayah"])))
            continue
        try:
            office = KantorBatch.model_validate(data)
        except ValidationError as exc:
            for p in pydantic_problems(exc, lambda loc: at(columns.get(str(loc[0]), f"A{r}")), KantorBatch):
                problems.append(
                    problem("date.invalid_cell", p.place, **dict(p.params)) if p.code == "date.invalid" else p
                )
            continue
        if office.kode_wilayah in seen:
            problems.append(
                problem(
                    "kantor.duplicate",
                    at(columns["kode_wilayah"]),
                    kode=office.kode_wilayah,
                    first=seen[office.kode_wilayah],
                )
            )
            continue
        seen[office.kode_wilayah] = r
        offices.append(office)
    return tuple(offices)


# ---------------------------------------------------------------- the YAML form


def write_yaml_case(case: Case, dest: Path, library: Path | None = None) -> None:
    """Write `case` in the YAML form into the (new, empty) folder `dest`.

    The citations go into the library `library` (default: ../dasar-hukum.yaml beside the
    case) when it already holds every key with the same text; otherwise into a library of
    the case's own, dest/dasar-hukum.yaml, so nothing shared is ever changed.
    """
    import openpyxl

    library = library or dest.parent / "dasar-hukum.yaml"
    pairs = list(zip(case.decree.mengingat, case.mengingat))
    library_ref = None
    if library.is_file():
        try:
            existing, _ = read_yaml(library)
        except DataError:
            existing = None
        if isinstance(existing, dict) and all(
            isinstance(existing.get(k), str) and existing[k].strip().rstrip(";") == t for k, t in pairs
        ):
            library_ref = os.path.relpath(library, dest)
    data = case.decree.model_dump(mode="python", exclude_none=True)
    data["rencana_aksi"] = "rencana-aksi.xlsx"
    data["dasar_hukum"] = library_ref or "dasar-hukum.yaml"
    if data.get("profil") == Decree.model_fields["profil"].default.model_dump(exclude_none=True):
        data["profil"] = {}
    header = (
        "# Keputusan dalam bentuk YAML (docs/data-format.md). Nomor, huruf, ordinal diktum, butir\n"
        "# Menimbang terakhir dan diktum penutup dihasilkan oleh alat, tidak diketik di sini.\n"
    )
    files = {DECREE_FILE: header + _yaml_dump(data)}
    if library_ref is None:
        files["dasar-hukum.yaml"] = (
            "# Pustaka dasar hukum (Mengingat) kasus ini: kunci -> kutipan lengkap tanpa ';'.\n"
            + _yaml_dump(dict(pairs))
        )
    if case.offices:
        files[OFFICES_FILE] = (
            "# Kantor-kantor dalam satu batch; isian yang tidak ditulis mengikuti keputusan.yaml.\n"
            + _yaml_dump({"kantor": [o.model_dump(mode="python", exclude_none=True) for o in case.offices]})
        )
    book = openpyxl.Workbook()
    book.active.title = PLAN_SHEET
    write_plan_sheet(book.active, case.plan)
    _add_plan_validations(book.active)
    sheet = book.create_sheet(LISTS_SHEET)
    _write_lists_sheet(sheet, case.plan)

    def write(folder: Path) -> None:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        book.save(folder / "rencana-aksi.xlsx")

    _new_folder(dest, write)


def _yaml_dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)


def write_workbook_case(content: WorkbookContent, dest: Path) -> Path:
    """Write a case in the workbook form into the (new, empty) folder `dest`."""
    _new_folder(dest, lambda folder: write_workbook(content, folder / WORKBOOK_FILE))
    return dest / WORKBOOK_FILE


def _new_folder(dest: Path, fill) -> None:
    """Fill a private folder beside `dest`, then rename it into place: all or nothing, and never
    over a folder that already holds something."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise OutputError(f"{dest} already exists and is not empty: choose a new folder for the case")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        fill(work)
        if dest.exists():
            dest.rmdir()  # empty (checked above)
        os.rename(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


# ---------------------------------------------------------------- init and convert


def init_case(dest: Path, source: Path | None = None) -> Path:
    """A new case in the workbook form at `dest`: a starter, or filled from the case `source`
    (either form), so that next year's decree starts from this year's."""
    from .load import load_case

    content = WorkbookContent.from_case(load_case(source)) if source is not None else WorkbookContent()
    return write_workbook_case(content, Path(dest))


def convert_case(source: Path, dest: Path, to: str | None = None, library: Path | None = None) -> str:
    """Write the case `source` into the new folder `dest` in the other form (or the form `to`:
    'workbook' or 'yaml'); returns the form written. The source is validated first and left as it is."""
    from .load import case_form, load_case

    case = load_case(source)
    to = to or ("yaml" if case_form(source) == "workbook" else "workbook")
    if to == "workbook":
        write_workbook_case(WorkbookContent.from_case(case), Path(dest))
    else:
        write_yaml_case(case, Path(dest), library)
    return to
