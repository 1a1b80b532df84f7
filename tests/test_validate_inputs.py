"""Bad input, as staff make it, in both forms of a case: `validate` and `build` name the exact
place (Sheet!D14, or the YAML file, key and line) with what is wrong and the fix, in
Indonesian, exit 2, show no traceback, and write nothing."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from generator.cases import convert_case
from generator.cli import main
from tests.conftest import NTB_CASE, decree_cell

YAML = "yaml"
BOOK = "workbook"


# ---------------------------------------------------------------- edits, as staff make them


def yaml_sub(old: str, new: str) -> Callable[[Path], None]:
    def edit(case: Path) -> None:
        path = case / "keputusan.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def sheet_edit(file: str, sheet: str, change: Callable) -> Callable[[Path], None]:
    def edit(case: Path) -> None:
        book = openpyxl.load_workbook(case / file)
        change(book[sheet]) if sheet else change(book)
        book.save(case / file)

    return edit


def plan_edit(change):  # the YAML form's plan workbook
    return sheet_edit("rencana-aksi.xlsx", "Rencana Aksi", change)


def book_edit(sheet, change):  # the workbook form
    return sheet_edit("keputusan.xlsx", sheet, change)


def set_cells(**cells):
    def change(sheet):
        for coord, value in cells.items():
            sheet[coord] = value

    return change


def clear_row(row: int):
    def change(sheet):
        for col in range(1, sheet.max_column + 1):
            sheet.cell(row=row, column=col).value = None

    return change


def write_bytes(file: str, data: bytes):
    def edit(case: Path) -> None:
        (case / file).write_bytes(data)

    return edit


def encrypt(file: str):
    """A real password-protected workbook, as Excel writes it (File > Protect > Encrypt)."""

    def edit(case: Path) -> None:
        from msoffcrypto.format.ooxml import OOXMLFile

        plain = (case / file).read_bytes()
        source = case / f".{file}.plain"
        source.write_bytes(plain)
        with source.open("rb") as fh, (case / file).open("wb") as out:
            OOXMLFile(fh).encrypt("rahasia", out)
        source.unlink()

    return edit


def rename_sheet(file: str, old: str, new: str):
    return sheet_edit(file, None, lambda book: setattr(book[old], "title", new))


def delete_sheet(file: str, name: str):
    return sheet_edit(file, None, lambda book: book.remove(book[name]))


def delete_row(row: int):
    return lambda sheet: sheet.delete_rows(row)


LONG = "sangat panjang " * 400  # 6000 characters: a paste gone wrong

# (id, form, edit, place after the file, words of the Indonesian message)
CASES = [
    # ---- keputusan.yaml: file, key and line
    (
        "yaml missing value",
        YAML,
        yaml_sub("  nama: Suhardi Soud            # dicetak dengan huruf kapital\n", ""),
        "keputusan.yaml, kunci penandatangan.nama (baris 51)",
        "isian wajib belum diisi",
    ),
    (
        "yaml unknown key typo",
        YAML,
        yaml_sub("tahun: 2022", "tahun: 2022\ntentnag: x"),
        "keputusan.yaml, kunci tentnag (baris 19)",
        "mungkin maksudnya 'tentang'",
    ),
    (
        "yaml nested key typo",
        YAML,
        yaml_sub("  kedudukan: Mataram", "  kedudkan: Mataram"),
        "keputusan.yaml, kunci kantor.kedudkan (baris 11)",
        "kunci 'kedudkan' tidak dikenal",
    ),
    (
        "yaml impossible date",
        YAML,
        yaml_sub("tanggal: 2022-01-17", "tanggal: 2022-02-30"),
        "keputusan.yaml, kunci ditetapkan.tanggal (baris 48)",
        "tanggal '2022-02-30' tidak ada",
    ),
    (
        "yaml number part missing",
        YAML,
        yaml_sub("{urut}/{klasifikasi}/{kode_wilayah}/{tahun}", "{urut}/{klasifikasi}/{kode_lembaga}/{tahun}"),
        "keputusan.yaml, kunci nomor (baris 13)",
        "memerlukan {kode_lembaga}",
    ),
    (
        "yaml number format malformed",
        YAML,
        yaml_sub("{urut}/{klasifikasi}/", "{urut}/{klasifikasi/"),
        "keputusan.yaml, kunci nomor.format (baris 14)",
        "format nomor rusak",
    ),
    (
        "yaml unknown legal basis",
        YAML,
        yaml_sub("  - uu-7-2017", "  - uu-7-2071"),
        "keputusan.yaml, kunci mengingat[3] (baris 32)",
        "mungkin maksudnya 'uu-7-2017'",
    ),
    (
        "yaml broken syntax",
        YAML,
        yaml_sub("  urut: 19", "  urut: [19"),
        "keputusan.yaml (baris 16)",
        "bukan YAML yang sah",
    ),
    (
        "yaml absurdly long text",
        YAML,
        yaml_sub("tentang: Rencana", f"tentang: {LONG}Rencana"),
        "keputusan.yaml, kunci tentang (baris 20)",
        "paling banyak 2000",
    ),
    (
        "yaml bad region code",
        YAML,
        yaml_sub('kode_wilayah: "52"', 'kode_wilayah: "52a"'),
        "keputusan.yaml, kunci kantor.kode_wilayah (baris 10)",
        "kode wilayah '52a' tidak sah",
    ),
    (
        "yaml plan file missing",
        YAML,
        yaml_sub("rencana_aksi: rencana-aksi.xlsx", "rencana_aksi: rencana.xlsx"),
        "rencana.xlsx",
        "file workbook tidak ditemukan",
    ),
    # ---- the plan workbook of the YAML form: Sheet!cell
    (
        "month mark 13",
        YAML,
        plan_edit(set_cells(G5="13")),
        "rencana-aksi.xlsx, Rencana Aksi!G5",
        "tanda bulan '13' tidak dikenali",
    ),
    (
        "month mark not understood",
        YAML,
        plan_edit(set_cells(H6="Maret")),
        "rencana-aksi.xlsx, Rencana Aksi!H6",
        "tanda bulan 'Maret'",
    ),
    (
        "mark outside the 12 months",
        YAML,
        plan_edit(set_cells(R5="x")),
        "rencana-aksi.xlsx, Rencana Aksi!R5",
        "di luar kolom tabel",
    ),
    ("month header 13", YAML, plan_edit(set_cells(P1="13")), "rencana-aksi.xlsx, Rencana Aksi!P1", "seharusnya '12'"),
    (
        "column header typo",
        YAML,
        plan_edit(set_cells(D1="Indikator")),
        "rencana-aksi.xlsx, Rencana Aksi!D1",
        "seharusnya 'Indikator Keberhasilan'",
    ),
    (
        "unknown column",
        YAML,
        plan_edit(set_cells(R1="Catatan")),
        "rencana-aksi.xlsx, Rencana Aksi!R1",
        "kolom 'Catatan' tidak dikenal",
    ),
    (
        "sub-kegiatan without kegiatan",
        YAML,
        plan_edit(set_cells(A10="Area Baru", B10=None)),
        "rencana-aksi.xlsx, Rencana Aksi!B10",
        "Kegiatan belum diisi",
    ),
    (
        "sub-kegiatan without area",
        YAML,
        plan_edit(set_cells(A2=None)),
        "rencana-aksi.xlsx, Rencana Aksi!A2",
        "Area Perubahan belum diisi",
    ),
    (
        "empty row in the middle",
        YAML,
        plan_edit(clear_row(10)),
        "rencana-aksi.xlsx, Rencana Aksi!A10:Q10",
        "baris kosong",
    ),
    (
        "formula cell",
        YAML,
        plan_edit(set_cells(C6="=A2&B2")),
        "rencana-aksi.xlsx, Rencana Aksi!C6",
        "berisi rumus (=A2&B2)",
    ),
    (
        "merged cells",
        YAML,
        plan_edit(lambda s: s.merge_cells("A2:A4")),
        "rencana-aksi.xlsx, Rencana Aksi!A2:A4",
        "sel digabung",
    ),
    (
        "absurdly long cell",
        YAML,
        plan_edit(set_cells(Q7=LONG)),
        "rencana-aksi.xlsx, Rencana Aksi!Q7",
        "paling banyak 2000",
    ),
    (
        "plan not a workbook",
        YAML,
        write_bytes("rencana-aksi.xlsx", b"NO,AREA\n1,x\n"),
        "rencana-aksi.xlsx",
        "bukan workbook .xlsx",
    ),
    ("plan password-protected", YAML, encrypt("rencana-aksi.xlsx"), "rencana-aksi.xlsx", "dilindungi kata sandi"),
    (
        "plan sheet renamed",
        YAML,
        rename_sheet("rencana-aksi.xlsx", "Rencana Aksi", "Rencana"),
        "rencana-aksi.xlsx",
        "ganti nama sheet 'Rencana' menjadi 'Rencana Aksi'",
    ),
    # ---- the workbook form, keputusan.xlsx: Sheet!cell
    (
        "book missing value",
        BOOK,
        book_edit("Keputusan", set_cells(**{decree_cell("Nama Penandatangan"): None})),
        f"keputusan.xlsx, Keputusan!{decree_cell('Nama Penandatangan')}",
        "isian wajib 'Nama Penandatangan' belum diisi",
    ),
    (
        "book unknown label typo",
        BOOK,
        book_edit("Keputusan", set_cells(**{decree_cell("Tentang", "A"): "Tentnag"})),
        f"keputusan.xlsx, Keputusan!{decree_cell('Tentang', 'A')}",
        "mungkin maksudnya 'Tentang'",
    ),
    (
        "book label row deleted",
        BOOK,
        book_edit("Keputusan", delete_row(int(decree_cell("Kedudukan", "")))),
        "keputusan.xlsx, sheet 'Keputusan'",
        "baris 'Kedudukan' tidak ada",
    ),
    (
        "book impossible date",
        BOOK,
        book_edit("Keputusan", set_cells(**{decree_cell("Tanggal Ditetapkan"): "30/02/2022"})),
        f"keputusan.xlsx, Keputusan!{decree_cell('Tanggal Ditetapkan')}",
        "tanggal '30/02/2022' tidak ada",
    ),
    (
        "book number part missing",
        BOOK,
        book_edit("Keputusan", set_cells(**{decree_cell("Klasifikasi"): None})),
        f"keputusan.xlsx, Keputusan!{decree_cell('Klasifikasi')}",
        "memerlukan {klasifikasi} tetapi Klasifikasi tidak diisi",
    ),
    (
        "book year not a number",
        BOOK,
        book_edit("Keputusan", set_cells(**{decree_cell("Tahun"): "dua ribu"})),
        f"keputusan.xlsx, Keputusan!{decree_cell('Tahun')}",
        "'dua ribu' bukan bilangan bulat",
    ),
    (
        "book paper not a choice",
        BOOK,
        book_edit("Keputusan", set_cells(**{decree_cell("Kertas"): "Letter"})),
        f"keputusan.xlsx, Keputusan!{decree_cell('Kertas')}",
        "pilih salah satu: 'F4' or 'A4'",
    ),
    (
        "book absurdly long text",
        BOOK,
        book_edit("Keputusan", set_cells(**{decree_cell("Tentang"): LONG})),
        f"keputusan.xlsx, Keputusan!{decree_cell('Tentang')}",
        "paling banyak 2000",
    ),
    (
        "book formula in decree",
        BOOK,
        book_edit("Keputusan", set_cells(**{decree_cell("Kedudukan"): "=B3"})),
        f"keputusan.xlsx, Keputusan!{decree_cell('Kedudukan')}",
        "berisi rumus",
    ),
    (
        "book month mark",
        BOOK,
        book_edit("Rencana Aksi", set_cells(F7="y")),
        "keputusan.xlsx, Rencana Aksi!F7",
        "tanda bulan 'y'",
    ),
    (
        "book merged plan cells",
        BOOK,
        book_edit("Rencana Aksi", lambda s: s.merge_cells("B2:B4")),
        "keputusan.xlsx, Rencana Aksi!B2:B4",
        "sel digabung",
    ),
    (
        "book empty plan row",
        BOOK,
        book_edit("Rencana Aksi", clear_row(20)),
        "keputusan.xlsx, Rencana Aksi!A20:Q20",
        "baris kosong",
    ),
    (
        "book mengingat duplicate key",
        BOOK,
        book_edit("Mengingat", set_cells(B3="uu-28-1999")),
        "keputusan.xlsx, Mengingat!B3",
        "kunci 'uu-28-1999' sudah dipakai pada baris 2",
    ),
    (
        "book mengingat empty row",
        BOOK,
        book_edit("Mengingat", clear_row(5)),
        "keputusan.xlsx, Mengingat!A5:B5",
        "baris kosong",
    ),
    (
        "book mengingat formula",
        BOOK,
        book_edit("Mengingat", set_cells(A4="=A2")),
        "keputusan.xlsx, Mengingat!A4",
        "berisi rumus",
    ),
    (
        "book duplicate office codes",
        BOOK,
        book_edit("Kantor", set_cells(A2="5201", B2="Kabupaten Lombok Barat", A3="5201", B3="Kabupaten Lombok Tengah")),
        "keputusan.xlsx, Kantor!A3",
        "kode wilayah '5201' sudah dipakai di baris 2",
    ),
    (
        "book bad office code",
        BOOK,
        book_edit("Kantor", set_cells(A2="52x1", B2="Kabupaten Lombok Barat")),
        "keputusan.xlsx, Kantor!A2",
        "kode wilayah '52x1' tidak sah",
    ),
    (
        "book office date impossible",
        BOOK,
        book_edit("Kantor", set_cells(A2="5201", B2="Kabupaten Lombok Barat", E2=4, F2="31/04/2022")),
        "keputusan.xlsx, Kantor!F2",
        "tanggal '31/04/2022' tidak ada",
    ),
    (
        "book office column typo",
        BOOK,
        book_edit("Kantor", set_cells(M1="Kedudukan Baru")),
        "keputusan.xlsx, Kantor!M1",
        "mungkin maksudnya 'Kedudukan'",
    ),
    (
        "book decree sheet renamed",
        BOOK,
        rename_sheet("keputusan.xlsx", "Keputusan", "Keputusan 2023"),
        "keputusan.xlsx",
        "ganti nama sheet 'Keputusan 2023' menjadi 'Keputusan'",
    ),
    (
        "book sheet missing",
        BOOK,
        delete_sheet("keputusan.xlsx", "Mengingat"),
        "keputusan.xlsx",
        "tidak ada sheet 'Mengingat'",
    ),
    (
        "book not a workbook",
        BOOK,
        write_bytes("keputusan.xlsx", b"%PDF-1.4 not a workbook"),
        "keputusan.xlsx",
        "bukan workbook .xlsx",
    ),
    ("book password-protected", BOOK, encrypt("keputusan.xlsx"), "keputusan.xlsx", "dilindungi kata sandi"),
    (
        "book old xls signature",
        BOOK,
        write_bytes("keputusan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
        "keputusan.xlsx",
        "berformat .xls lama",
    ),
]


@pytest.fixture(scope="session")
def workbook_case(tmp_path_factory):
    """The NTB case in the workbook form, made once; each test edits its own copy."""
    root = tmp_path_factory.mktemp("wb")
    convert_case(NTB_CASE, root / "kpu-ntb-2022")
    return root / "kpu-ntb-2022"


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("what, form, edit, place, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_named_by_place_and_stops(
    what, form, edit, place, words, case_copy, workbook_case, tmp_path, capsys
):
    case = case_copy if form == YAML else shutil.copytree(workbook_case, tmp_path / "book" / "kpu-ntb-2022")
    edit(case)
    before = _tree_hashes(case.parent)

    assert main(["validate", str(case)]) == 2
    err = capsys.readouterr().err
    assert f"  - {case / place}: " in err, err
    assert words in err, err
    assert "Perbaikan: " in err and "Traceback" not in err

    out = tmp_path / "keluaran"
    assert main(["build", str(case), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"  - {case / place}: " in err and "Traceback" not in err
    assert not out.exists()  # nothing written
    assert _tree_hashes(case.parent) == before  # and the input left as it was


def test_at_least_thirty_bad_inputs():
    assert len(CASES) >= 30
    assert {form for _, form, *_ in CASES} == {YAML, BOOK}


def test_every_problem_reported_at_once_in_english(workbook_case, tmp_path, capsys):
    case = shutil.copytree(workbook_case, tmp_path / "kpu-ntb-2022")
    name, date = decree_cell("Nama Penandatangan"), decree_cell("Tanggal Ditetapkan")
    book_edit("Keputusan", set_cells(**{name: None, date: "30/02/2022"}))(case)
    book_edit("Rencana Aksi", set_cells(G5="?", C6="=A2"))(case)
    book_edit("Kantor", set_cells(A2="5201", B2="A", A3="5201", B3="B"))(case)
    assert main(["validate", str(case), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"keputusan: 5 problems in the case data {case}:")
    for place in (f"Keputusan!{name}", f"Keputusan!{date}", "Rencana Aksi!G5", "Rencana Aksi!C6", "Kantor!A3"):
        assert f"keputusan.xlsx, {place}: " in err
    assert "required value 'Nama Penandatangan' is missing" in err and "Fix: " in err


def test_valid_case_passes_in_both_forms(workbook_case, capsys):
    assert main(["validate", str(NTB_CASE)]) == 0
    assert main(["validate", str(workbook_case)]) == 0
    out = capsys.readouterr().out
    assert out.count("data lengkap dan benar — nomor 19/ORT.07/52/2022, 83 baris rencana aksi, 11 dasar hukum") == 2


def test_missing_folder_and_empty_folder(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "tidak-ada")]) == 2
    assert "bukan sebuah folder" in capsys.readouterr().err
    (tmp_path / "kosong").mkdir()
    assert main(["validate", str(tmp_path / "kosong")]) == 2
    assert f"keputusan init {tmp_path / 'kosong'}" in capsys.readouterr().err


def test_internal_error_is_one_line_unless_verbose(monkeypatch, capsys):
    from generator import load

    def broken(case_dir):
        raise RuntimeError("bug for the test")

    monkeypatch.setattr(load, "load_case", broken)
    assert main(["validate", str(NTB_CASE)]) == 1
    err = capsys.readouterr().err
    assert "kesalahan internal (RuntimeError)" in err and "Traceback" not in err
    assert "bug for the test" not in err  # Python's words are the technical detail
    assert main(["validate", str(NTB_CASE), "--verbose"]) == 1
    err = capsys.readouterr().err
    assert "(rincian teknis: bug for the test)" in err and "Traceback" in err
    assert main(["validate", str(NTB_CASE), "--lang", "en"]) == 1
    assert "internal error (RuntimeError)" in capsys.readouterr().err
