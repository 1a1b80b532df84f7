"""Loading the case: the NTB data as the seed has it, and every problem named by its place."""

from __future__ import annotations

import re

import openpyxl
import pytest
import yaml

from generator.errors import DataError
from generator.load import load_case
from tests.conftest import NTB_CASE

SEED_OUTLINE = {  # seed-notes.md: kegiatan and their sub-kegiatan counts per area
    "Manajemen Perubahan": [3, 3, 4, 2],
    "Penataan Peraturan Perundangan / Deregulasi Kebijakan": [2],
    "Penataan Organisasi / Kelembagaan": [1],
    "Penataan Tata Laksana": [1],
    "Sistem Manajemen Sumber Daya Manusia": [2, 2, 3, 2, 6, 2, 2],
    "Penguatan Akuntabilitas": [6, 2, 1, 1, 1],
    "Penguatan Pengawasan": [4, 6, 3, 1, 4, 3],
    "Peningkatan Kualitas Pelayanan Publik": [3, 6, 4, 3],
}


def test_ntb_case_has_the_seed_outline():
    case = load_case(NTB_CASE)
    outline = {a.nama: [len(k.sub_kegiatan) for k in a.kegiatan] for a in case.plan.areas}
    assert outline == SEED_OUTLINE
    assert sum(len(a.kegiatan) for a in case.plan.areas) == 29
    assert case.plan.row_count == 83
    assert case.decree.nomor_lengkap == "19/ORT.07/52/2022"
    assert len(case.mengingat) == 11 and case.mengingat[0].startswith("Undang-Undang Nomor 28 Tahun 1999")


def _edit_yaml(case_dir, change):
    path = case_dir / "keputusan.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _problems(case_dir):
    with pytest.raises(DataError) as exc:
        load_case(case_dir)
    return exc.value.problems


def _line_of(case_dir, key):
    for number, line in enumerate((case_dir / "keputusan.yaml").read_text().splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}:", line):
            return number
    raise AssertionError(key)


YAML_CASES = [
    # (what is wrong, edit, key named, line of which key, words of the message)
    ("missing value", lambda d: d["penandatangan"].pop("nama"), "penandatangan.nama", "penandatangan", "missing"),
    ("typo key", lambda d: d.__setitem__("tentnag", "x"), "tentnag", "tentnag", "did you mean 'tentang'"),
    ("nested typo", lambda d: d["kantor"].__setitem__("kedudkan", "x"), "kantor.kedudkan", "kedudkan", "unknown key"),
    (
        "impossible date",
        lambda d: d["ditetapkan"].__setitem__("tanggal", "2022-02-30"),
        "ditetapkan.tanggal",
        "tanggal",
        "YYYY-MM-DD",
    ),
    ("number part missing", lambda d: d["nomor"].pop("klasifikasi"), "nomor", "nomor", "{klasifikasi}"),
    (
        "unknown number part",
        lambda d: d["nomor"].__setitem__("format", "{urut}/{kode}"),
        "nomor.format",
        "format",
        "unknown part {kode}",
    ),
    (
        "bad region code",
        lambda d: d["kantor"].__setitem__("kode_wilayah", "52a"),
        "kantor.kode_wilayah",
        "kode_wilayah",
        "region code",
    ),
    ("unknown paper", lambda d: d.__setitem__("profil", {"kertas": "Letter"}), "profil.kertas", "kertas", "F4"),
    ("empty menimbang", lambda d: d.__setitem__("menimbang", []), "menimbang", "menimbang", "at least 1"),
    ("absurdly long", lambda d: d.__setitem__("tentang", "x" * 5000), "tentang", "tentang", "at most 2000"),
    (
        "unknown legal basis",
        lambda d: d["mengingat"].__setitem__(2, "uu-7-2071"),
        "mengingat[3]",
        "mengingat",
        "did you mean 'uu-7-2017'",
    ),
]


@pytest.mark.parametrize("what, edit, key, line_key, words", YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_yaml_problem_names_file_key_and_line(case_copy, what, edit, key, line_key, words):
    _edit_yaml(case_copy, edit)
    problems = _problems(case_copy)
    assert len(problems) == 1, problems
    where = problems[0].where
    assert where.startswith(str(case_copy / "keputusan.yaml"))
    assert f"key {key}" in where
    line = int(re.search(r"line (\d+)", where).group(1))
    if line_key != "mengingat":
        assert line == _line_of(case_copy, line_key)
    assert words in str(problems[0])


def _edit_plan(case_dir, change):
    path = case_dir / "rencana-aksi.xlsx"
    book = openpyxl.load_workbook(path)
    change(book["Rencana Aksi"])
    book.save(path)


PLAN_CASES = [
    ("header typo", lambda s: s.__setitem__("D1", "Indikator"), "D1", "expected 'Indikator Keberhasilan'"),
    ("month mark", lambda s: s.__setitem__("G5", "maybe"), "G5", "month mark 'maybe'"),
    ("formula", lambda s: s.__setitem__("C6", "=A2&B2"), "C6", "formula"),
    ("merged", lambda s: s.merge_cells("A2:A4"), "A2:A4", "merged"),
    (
        "empty row",
        lambda s: [s.cell(row=10, column=c).__setattr__("value", None) for c in range(1, 18)],
        "A10:Q10",
        "empty row",
    ),
    ("no sub-kegiatan", lambda s: s.__setitem__("C20", None), "C20", "Sub Kegiatan is empty"),
    ("first row without area", lambda s: s.__setitem__("A2", None), "A2", "Area Perubahan is missing"),
    ("first row without kegiatan", lambda s: s.__setitem__("B2", None), "B2", "Kegiatan is missing"),
    ("area returns", lambda s: s.__setitem__("A84", "Manajemen Perubahan"), "A84", "already ended"),
    ("long cell", lambda s: s.__setitem__("E7", None) or s.__setitem__("Q7", "y" * 2500), "Q7", "characters long"),
    ("extra column", lambda s: s.__setitem__("R1", "Catatan"), "R1", "unknown column"),
]


@pytest.mark.parametrize("what, edit, place, words", PLAN_CASES, ids=[c[0] for c in PLAN_CASES])
def test_plan_problem_names_sheet_and_cell(case_copy, what, edit, place, words):
    _edit_plan(case_copy, edit)
    problems = _problems(case_copy)
    assert any(
        p.where == f"{case_copy / 'rencana-aksi.xlsx'}, Rencana Aksi!{place}" and words in str(p) for p in problems
    ), problems


def test_every_problem_is_reported_at_once(case_copy):
    _edit_yaml(case_copy, lambda d: (d["penandatangan"].pop("nama"), d.__setitem__("tahun", "dua ribu")))
    _edit_plan(case_copy, lambda s: (s.__setitem__("G5", "?"), s.__setitem__("H9", "?")))
    places = [p.where for p in _problems(case_copy)]
    assert len(places) == 4
    assert any("penandatangan.nama" in p for p in places) and any("key tahun" in p for p in places)
    assert any(p.endswith("Rencana Aksi!G5") for p in places) and any(p.endswith("Rencana Aksi!H9") for p in places)


def test_sheet_renamed(case_copy):
    _edit_plan(case_copy, lambda s: setattr(s, "title", "Rencana"))
    [problem] = _problems(case_copy)
    assert "no sheet 'Rencana Aksi'" in problem.what and "rename sheet 'Rencana'" in problem.fix


def test_not_a_workbook(case_copy):
    (case_copy / "rencana-aksi.xlsx").write_text("NO,AREA\n1,x\n")
    [problem] = _problems(case_copy)
    assert problem.where == str(case_copy / "rencana-aksi.xlsx") and "not an .xlsx workbook" in problem.what


def test_password_protected_workbook(case_copy):
    # Encrypted .xlsx files are OLE compound files, like old .xls: they start with this signature.
    (case_copy / "rencana-aksi.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    [problem] = _problems(case_copy)
    assert "password-protected" in problem.what


def test_broken_yaml_names_the_line(case_copy):
    path = case_copy / "keputusan.yaml"
    lines = path.read_text().splitlines()
    lines[10] = "  urut: [19"
    path.write_text("\n".join(lines))
    [problem] = _problems(case_copy)
    assert "not valid YAML" in problem.what and re.search(r"line \d+", problem.where)


def test_missing_case_folder(tmp_path):
    [problem] = _problems(tmp_path / "nope")
    assert "is not a folder" in problem.what
