"""Hostile and careless input is refused quickly, by its place, before any parser walks it:
YAML of nested aliases, deep nesting, files too large or not files at all, zip bombs, sheets
of a million rows, XML with entities, plans and batches beyond the documented limits
(generator/limits.py, docs/limits.md). Also: a formula cell is one problem, not twenty.

Each refusal runs as a user runs the command, in a process of its own with a time limit: a
limit that does not hold shows as a hang (the time limit) rather than as a slow pass."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from generator import limits
from tests.conftest import NTB_CASE, ROOT, decree_cell

LAUGHS = "\n".join(
    ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
)  # 700 bytes that expand to a billion strings


def keputusan(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    """The command as a user runs it (Indonesian messages), stopped if it takes over `timeout` s."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "KEPUTUSAN_LANG": "id"},
        cwd=ROOT,
        timeout=timeout,
    )


class Said:
    """What `main` said and returned, in this process (for input that cannot hang it)."""

    def __init__(self, capsys, *args):
        from generator.cli import main

        self.returncode = main([str(a) for a in args])
        captured = capsys.readouterr()
        self.stdout, self.stderr = captured.out, captured.err


def refused(result: subprocess.CompletedProcess | Said, place: str, words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert f"  - {place}" in result.stderr, result.stderr
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "Perbaikan: " in result.stderr


# ---------------------------------------------------------------- YAML


@pytest.mark.parametrize("file", ["keputusan.yaml", "../dasar-hukum.yaml", "daftar-kantor.yaml"])
def test_nested_aliases_in_any_yaml_file_are_refused_at_their_line(case_copy, file):
    path = case_copy / file
    text = path.read_text(encoding="utf-8") if path.exists() else "kantor: []\n"
    path.write_text(LAUGHS + "\n" + text, encoding="utf-8")
    refused(keputusan("validate", case_copy), f"{path} (baris 6)", "alias YAML (*nama) mengulang isi terlalu banyak")


def test_nested_aliases_in_a_batch_file_stop_the_batch(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "kantor.yaml").write_text(LAUGHS + f"\ndasar: {NTB_CASE}\nkantor: [*a9]\n", encoding="utf-8")
    refused(keputusan("batch", batch, "--out", tmp_path / "out"), f"{batch / 'kantor.yaml'} (baris 6)", "alias YAML")
    assert not (tmp_path / "out").exists()


def test_ordinary_aliases_and_merge_keys_still_work(tmp_path):
    from generator.yaml_form import read_yaml

    path = tmp_path / "x.yaml"
    path.write_text("bawaan: &b {kedudukan: Gerung, urut: 1}\nkantor:\n  - <<: *b\n    urut: 2\n  - *b\n")
    data, lines = read_yaml(path)
    assert data["kantor"] == [{"kedudukan": "Gerung", "urut": 2}, {"kedudukan": "Gerung", "urut": 1}]
    assert lines[("kantor", 0, "urut")] == 4


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("a: &x [1, *x]\n", 1, "alias YAML *x merujuk ke isinya sendiri"),
        ("".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + "v\n", 50, "bersarang terlalu dalam"),
        ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", 1, "bukan YAML yang sah"),
    ],
    ids=["recursive alias", "deep keys", "deep brackets"],
)
def test_recursive_and_deeply_nested_yaml_is_refused(case_copy, text, line, words):
    path = case_copy / "keputusan.yaml"
    path.write_text(text, encoding="utf-8")
    refused(keputusan("validate", case_copy), f"{path} (baris {line})", words)


def test_a_yaml_file_over_its_limit_is_not_read(case_copy):
    path = case_copy / "keputusan.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "#" * limits.MAX_YAML_BYTES, encoding="utf-8")
    refused(keputusan("validate", case_copy), f"{path}: ", "file lebih besar dari 2 MB")


def test_a_batch_of_a_hundred_thousand_offices_is_refused(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    offices = "".join(f'  - {{kode_wilayah: "{5201 + i % 50}", wilayah: K{i}}}\n' for i in range(100_000))
    (batch / "kantor.yaml").write_text(f"dasar: {NTB_CASE}\nkantor:\n{offices}", encoding="utf-8")
    refused(keputusan("batch", batch, "--out", tmp_path / "out"), f"{batch / 'kantor.yaml'}: ", "lebih besar dari")
    few = "".join(f'  - {{kode_wilayah: "52{i:02d}", wilayah: K{i}}}\n' for i in range(1, 100)) * 11
    (batch / "kantor.yaml").write_text(f"dasar: {NTB_CASE}\nkantor:\n{few}", encoding="utf-8")
    refused(
        keputusan("batch", batch, "--out", tmp_path / "out"),
        f"{batch / 'kantor.yaml'}, kunci kantor (baris 2)",
        f"terlalu banyak butir (paling banyak {limits.MAX_OFFICES})",
    )


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_yaml_file_that_is_no_regular_file_is_not_opened(case_copy, kind):
    """A FIFO would block the reader forever, /dev/zero never end."""
    path = case_copy / "keputusan.yaml"
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    refused(keputusan("validate", case_copy), f"{path}: ", "bukan file biasa")


# ---------------------------------------------------------------- workbooks


def rewrite(book: Path, change) -> None:
    """Rewrite the zip of `book`, each part through change(name, data) (None drops it); change(None,
    None) may return parts to add."""
    with zipfile.ZipFile(book) as zin:
        parts = [(info.filename, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts:
            data = change(name, data)
            if data is not None:
                zout.writestr(name, data)
        for name, data in change(None, None) or ():
            zout.writestr(name, data)


def in_sheet(xml: bytes, before: bytes = b"</sheetData>"):
    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(before, xml + before, 1)
        return data

    return change


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(case_copy):
    plan = case_copy / "rencana-aksi.xlsx"
    rewrite(plan, lambda name, data: [("xl/media/image1.png", b"\0" * (200 * limits.MB))] if name is None else data)
    assert plan.stat().st_size < 2 * limits.MB  # small on disk, 200 MB unpacked
    refused(keputusan("validate", case_copy), f"{plan}: ", "workbook terlalu besar setelah dibuka")


def test_a_part_packed_like_a_bomb_is_refused(case_copy):
    plan = case_copy / "rencana-aksi.xlsx"
    rewrite(plan, lambda name, data: [("xl/media/image1.png", b"\0" * (20 * limits.MB))] if name is None else data)
    refused(keputusan("validate", case_copy), f"{plan}: ", "terkompresi secara tidak wajar")


@pytest.mark.parametrize(
    "xml, words",
    [
        (b'<row r="1000000"><c r="C1000000" t="inlineStr"><is><t>x</t></is></c></row>', "lebih dari 20000 baris"),
        (b'<row r="90"><c r="XFD90" t="inlineStr"><is><t>x</t></is></c></row>', "lebih dari 200 kolom"),
        (b"".join(b'<row r="%d"><c r="A%d" s="0"/></row>' % (r, r) for r in range(200, 20_300)), "20000 baris"),
    ],
    ids=["a cell at row 1,000,000", "a cell in column XFD", "20,000 formatted empty rows"],
)
def test_a_sheet_beyond_the_limits_is_refused_by_name(case_copy, xml, words):
    plan = case_copy / "rencana-aksi.xlsx"
    rewrite(plan, in_sheet(xml))
    refused(keputusan("validate", case_copy), f"{plan}, sheet 'Rencana Aksi': ", words)


def test_a_sheet_whose_dimension_lies_is_measured_by_its_cells(case_copy):
    """<dimension ref="A1"/> says one cell; the sheet has 30,000 rows: the stream counts them."""
    plan = case_copy / "rencana-aksi.xlsx"
    rows = b"".join(b'<row r="%d"><c r="A%d" s="0"/></row>' % (r, r) for r in range(200, 30_200))

    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            import re

            data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            return data.replace(b"</sheetData>", rows + b"</sheetData>")
        return data

    rewrite(plan, change)
    refused(keputusan("validate", case_copy), f"{plan}, sheet 'Rencana Aksi': ", "lebih dari 20000 baris")


def test_workbook_xml_is_parsed_by_defusedxml(case_copy):
    """openpyxl parses sheets with defusedxml when it is installed (a dependency), and the
    limits' own stream refuses a DTD: an entity in a sheet never expands."""
    import defusedxml.ElementTree
    import openpyxl.xml.functions

    assert openpyxl.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse

    plan = case_copy / "rencana-aksi.xlsx"
    entity = b'<!DOCTYPE w [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    rewrite(plan, in_sheet(entity, before=b"<worksheet"))
    refused(keputusan("validate", case_copy), f"{plan}: ", "bukan workbook .xlsx (Rencana Aksi: DTDForbidden)")


def write_plan(case: Path, rows: int) -> None:
    """`rows` plan rows: areas of 20 kegiatan of 5 sub kegiatan each."""
    book = openpyxl.load_workbook(case / "rencana-aksi.xlsx")
    sheet = book["Rencana Aksi"]
    sheet.delete_rows(2, sheet.max_row)
    for i in range(rows):
        r = i + 2
        if i % 100 == 0:
            sheet.cell(r, 1, f"Area {i // 100 + 1}")
        if i % 5 == 0:
            sheet.cell(r, 2, f"Kegiatan {i // 5 + 1}")
            sheet.cell(r, 4, f"Indikator {i // 5 + 1}")
        sheet.cell(r, 3, f"Sub kegiatan {i + 1}")
        sheet.cell(r, 5 + i % 12, "x")
    book.save(case / "rencana-aksi.xlsx")


def test_plan_rows_are_bounded(case_copy, capsys):
    write_plan(case_copy, limits.MAX_PLAN_ROWS)
    result = Said(capsys, "validate", case_copy)
    assert result.returncode == 0 and f"{limits.MAX_PLAN_ROWS} baris rencana aksi" in result.stdout, result.stderr
    write_plan(case_copy, limits.MAX_PLAN_ROWS + 1)
    refused(
        Said(capsys, "validate", case_copy),
        f"{case_copy / 'rencana-aksi.xlsx'}, sheet 'Rencana Aksi': ",
        f"{limits.MAX_PLAN_ROWS + 1} baris rencana aksi (paling banyak {limits.MAX_PLAN_ROWS})",
    )


def test_a_hundred_thousand_plan_rows_are_refused_before_openpyxl_reads_them(case_copy):
    """The issue's 100,000-row plan: it passed `validate`, then `build` used 10 GB."""
    plan = case_copy / "rencana-aksi.xlsx"
    rows = b"".join(
        b'<row r="%d"><c r="C%d" t="inlineStr"><is><t>Sub %d</t></is></c></row>' % (r, r, r)
        for r in range(100, 100_100)
    )
    rewrite(plan, in_sheet(rows))
    refused(keputusan("validate", case_copy), f"{plan}, sheet 'Rencana Aksi': ", "lebih dari 20000 baris")


def test_the_kantor_sheet_is_bounded(tmp_path, capsys):
    from generator.cases import convert_case

    case = tmp_path / "kasus"
    convert_case(NTB_CASE, case)
    book = openpyxl.load_workbook(case / "keputusan.xlsx")
    sheet = book["Kantor"]
    for i in range(limits.MAX_OFFICES + 1):
        sheet.cell(i + 2, 1, f"{5201 + i}")
        sheet.cell(i + 2, 2, f"Kabupaten {i}")
    book.save(case / "keputusan.xlsx")
    refused(
        Said(capsys, "validate", case),
        f"{case / 'keputusan.xlsx'}, sheet 'Kantor': ",
        f"{limits.MAX_OFFICES + 1} kantor dalam satu batch (paling banyak {limits.MAX_OFFICES})",
    )


def test_the_same_limits_for_uploads_and_the_command():
    """The web application has no size limits of its own: it runs the library's check."""
    source = (ROOT / "generator" / "web" / "uploads.py").read_text(encoding="utf-8")
    assert "limits.check_workbook(" in source
    assert "MAX_ROWS" not in source and "MAX_UNPACKED" not in source and "<dimension" not in source


# ---------------------------------------------------------------- formulas: one problem each


def formula_in(book: Path, sheet: str, cell: str) -> None:
    wb = openpyxl.load_workbook(book)
    wb[sheet][cell] = "=1+1"
    wb.save(book)


@pytest.mark.parametrize("cell", ["A2", "B2", "D2", "Q2", "B5"])
def test_a_formula_in_a_plan_cell_is_one_problem(case_copy, capsys, cell):
    """A formula in A2 used to give 19 more problems: every row below it 'had no area'."""
    formula_in(case_copy / "rencana-aksi.xlsx", "Rencana Aksi", cell)
    result = Said(capsys, "validate", case_copy)
    assert result.returncode == 2
    assert result.stderr.count("\n  - ") == 1, result.stderr
    assert f"rencana-aksi.xlsx, Rencana Aksi!{cell}: berisi rumus (=1+1)" in result.stderr


@pytest.fixture(scope="module")
def workbook_case(tmp_path_factory):
    from generator.cases import convert_case

    case = tmp_path_factory.mktemp("wb") / "kpu-ntb-2022"
    convert_case(NTB_CASE, case)
    return case


@pytest.mark.parametrize(
    "label, column", [("Kedudukan", "A"), ("Kedudukan", "B"), ("Menimbang", "B"), ("Tanggal Ditetapkan", "B")]
)
def test_a_formula_in_the_keputusan_sheet_is_one_problem(workbook_case, tmp_path, capsys, label, column):
    """A formula in a value (or label) cell used to be reported, and then its row 'missing' too."""
    cell = decree_cell(label, column)
    case = shutil.copytree(workbook_case, tmp_path / "kpu-ntb-2022")
    formula_in(case / "keputusan.xlsx", "Keputusan", cell)
    result = Said(capsys, "validate", case)
    assert result.returncode == 2
    assert result.stderr.count("\n  - ") == 1, result.stderr
    assert f"keputusan.xlsx, Keputusan!{cell}: berisi rumus (=1+1)" in result.stderr


def test_yaml_loader_does_not_walk_aliases_to_index_lines(tmp_path):
    """The line index visits each written node once (it walked every alias before)."""
    from generator.yaml_form import read_yaml

    path = tmp_path / "x.yaml"
    levels = ["a0: &a0 [x, x, x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 8)]
    path.write_text("\n".join(levels) + "\n")  # 4 * 3**7 = 8,748 values: within the limit
    data, lines = read_yaml(path)
    assert len(json.dumps(data)) > 30_000 and len(lines) < 100


def test_one_merged_range_over_a_whole_sheet_is_refused(case_copy):
    """openpyxl makes a cell object for every cell a merge covers: one <mergeCell ref="R1:ZZ90000"/>
    took 2.7 GB and over a minute before it was counted as the cells it covers."""
    plan = case_copy / "rencana-aksi.xlsx"
    rewrite(plan, in_sheet(b'</sheetData><mergeCells count="1"><mergeCell ref="R1:ZZ90000"/></mergeCells>'))

    def drop_second_end(name, data):  # the merge went after the closing tag we inserted before
        return data.replace(b"</mergeCells></sheetData>", b"</mergeCells>", 1) if name and "sheet1" in name else data

    rewrite(plan, drop_second_end)
    refused(keputusan("validate", case_copy), f"{plan}, sheet 'Rencana Aksi': ", "lebih dari 20000 baris")


def test_what_staff_typed_is_quoted_harmlessly(case_copy, capsys):
    """A key holding terminal escapes (ESC [2J clears the screen) is quoted with them written out."""
    path = case_copy / "keputusan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("tahun: 2022", 'tahun: 2022\n"\\e[2J\\u202eX": 1'))
    result = Said(capsys, "validate", case_copy)
    assert result.returncode == 2
    assert "kunci \\x1b[2J\\u202eX (baris 19): kunci '\\x1b[2J\\u202eX' tidak dikenal" in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


def test_library_warnings_do_not_reach_staff(tmp_path, capsys):
    """A date serial out of range made openpyxl print a warning with its own file path."""
    import re

    from generator.cases import convert_case

    case = tmp_path / "kasus"
    convert_case(NTB_CASE, case)
    date = decree_cell("Tanggal Ditetapkan")
    rewrite(
        case / "keputusan.xlsx",
        lambda name, data: (
            re.sub(rf'(<c r="{date}"[^>]*>)<v>[^<]*</v>'.encode(), rb"\g<1><v>1e12</v>", data)
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    result = keputusan("validate", case)
    assert result.returncode == 2 and f"Keputusan!{date}: tanggal" in result.stderr, result.stderr
    assert "UserWarning" not in result.stderr and "site-packages" not in result.stderr
