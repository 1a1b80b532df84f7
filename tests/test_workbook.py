"""The workbook form: init writes a workbook staff can fill; both forms load into the same model
and convert into each other without loss."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from generator.cases import convert_case, init_case
from generator.cli import main
from generator.content import case_content
from generator.load import load_case
from generator.schema import DECREE_FIELDS, KANTOR_SHEET, LAMPIRAN_SHEET, MENGINGAT_SHEET, PETUNJUK_SHEET, PLAN_SHEET
from tests.conftest import NTB_CASE, ROOT

KECIL = ROOT / "tests" / "fixtures" / "kecil"


def _validations(sheet) -> dict[str, object]:
    """cell range -> validation, for every data validation of a sheet."""
    return {str(rng): dv for dv in sheet.data_validations.dataValidation for rng in dv.sqref.ranges}


def _label_row(sheet, label: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == label)


def test_round_trip_yaml_to_workbook_to_yaml_gives_equal_models(case_copy):
    data = case_copy.parent
    assert convert_case(case_copy, data / "wb" / "kpu-ntb-2022") == "workbook"
    assert convert_case(data / "wb" / "kpu-ntb-2022", data / "kembali") == "yaml"
    original, workbook, back = (load_case(p) for p in (case_copy, data / "wb" / "kpu-ntb-2022", data / "kembali"))
    assert workbook.form == "workbook" and back.form == "yaml"
    # the YAML written back refers to the same shared library and plan file names: equal models
    assert back.decree == original.decree
    assert back.mengingat == original.mengingat == workbook.mengingat
    assert back.plan == original.plan == workbook.plan
    assert case_content(workbook) == case_content(original) == case_content(back)
    assert not (data / "kembali" / "dasar-hukum.yaml").exists()  # the shared library was reused, unchanged


def test_round_trip_keeps_every_kind_of_value(tmp_path):
    """The small fixture: A4, restarting page numbers, an NIP, marked months, template-like text."""
    original = load_case(KECIL)
    convert_case(KECIL, tmp_path / "wb")
    convert_case(tmp_path / "wb", tmp_path / "yaml")
    convert_case(tmp_path / "yaml", tmp_path / "wb2")
    for folder in ("wb", "yaml", "wb2"):
        assert case_content(load_case(tmp_path / folder)) == case_content(original), folder
    again = load_case(tmp_path / "yaml")
    assert again.decree.model_dump(exclude={"dasar_hukum"}) == original.decree.model_dump(exclude={"dasar_hukum"})
    # the library it referred to is not beside the new folder: the case got its own copy
    assert (tmp_path / "yaml" / "dasar-hukum.yaml").is_file()
    assert any(sub.bulan for a in again.plan.areas for k in a.kegiatan for sub in k.sub_kegiatan)


def _leaf_paths(model, prefix=()):
    from pydantic import BaseModel

    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _leaf_paths(annotation, (*prefix, name))
        else:
            yield (*prefix, name)


def test_every_decree_setting_has_its_row_in_the_workbook():
    """A setting the workbook cannot hold would be lost by convert-case and by init --from."""
    from generator.content import FORM_FIELDS
    from generator.model import Anggota, Decree, Kolom, LampiranSpec
    from generator.schema import ANGGOTA_KEYS, KOLOM_COLUMNS, LAMPIRAN_COLUMNS

    rows = {field.path for field in DECREE_FIELDS}
    # the lampiran have sheets of their own (below)
    missing = [path for path in _leaf_paths(Decree) if path not in rows and path[0] not in FORM_FIELDS | {"lampiran"}]
    assert missing == []
    # a lampiran's settings are columns of the Lampiran sheet; its members and prose, the rows of its
    # own sheet; `data` is the YAML form's workbook of its rows
    # (the Kolom column holds a preset's name, `bentuk`, or names the sheet of its columns, `kolom`)
    expected = {key for _, key, _ in LAMPIRAN_COLUMNS} | {"bentuk", "anggota", "isi", "data"}
    assert set(LampiranSpec.model_fields) == expected
    assert set(Kolom.model_fields) == {key for _, key, _ in KOLOM_COLUMNS}
    assert set(Anggota.model_fields) == set(ANGGOTA_KEYS)


def test_signing_and_template_settings_survive_both_conversions(case_copy):
    text = (case_copy / "keputusan.yaml").read_text()
    text = text.replace("profil: {}", 'profil:\n  ttd_lampiran: true\n  jangkar_ttd: "#"\n  templat: templat-kantor')
    (case_copy / "keputusan.yaml").write_text(text)
    data = case_copy.parent
    convert_case(case_copy, data / "wb")
    book = openpyxl.load_workbook(data / "wb" / "keputusan.xlsx")
    values = {row[0].value: row[1].value for row in book["Keputusan"].iter_rows(min_row=2)}
    assert values["Tanda Tangan di Lampiran"] == "ya" and values["Jangkar Tanda Tangan"] == "#"
    convert_case(data / "wb", data / "kembali")
    profil = load_case(data / "kembali").decree.profil
    assert (profil.ttd_lampiran, profil.jangkar_ttd, profil.templat) == (True, "#", "templat-kantor")


def test_init_from_existing_case_fills_every_sheet(tmp_path):
    path = init_case(tmp_path / "kpu-ntb-2023", NTB_CASE)
    book = openpyxl.load_workbook(path)
    sheets = ["Keputusan", MENGINGAT_SHEET, LAMPIRAN_SHEET, PLAN_SHEET, KANTOR_SHEET, PETUNJUK_SHEET]
    assert book.sheetnames[:6] == sheets
    listed = [cell.value for cell in book[LAMPIRAN_SHEET][2]]
    assert listed[:4] == [load_case(NTB_CASE).decree.judul_lampiran, "tabel", "rencana-aksi-bulanan", PLAN_SHEET]
    decree = book["Keputusan"]
    assert decree.cell(row=_label_row(decree, "Nomor Urut"), column=2).value == 19
    assert decree.cell(row=_label_row(decree, "Tanggal Ditetapkan"), column=2).value == dt.datetime(2022, 1, 17)
    assert book[MENGINGAT_SHEET].max_row == 12  # header + 11 citations
    plan = book[PLAN_SHEET]
    assert plan["A2"].value == "Manajemen Perubahan" and plan["A3"].value is None  # blank: same as above
    assert plan.max_row == 84
    assert load_case(tmp_path / "kpu-ntb-2023").plan == load_case(NTB_CASE).plan


def test_starter_workbook_has_dropdowns_date_cells_frozen_headers_and_widths(tmp_path):
    path = init_case(tmp_path / "baru")
    book = openpyxl.load_workbook(path)
    plan = book[PLAN_SHEET]
    checks = _validations(plan)
    assert checks["A2:A1001"].type == "list" and checks["A2:A1001"].formula1 == "=Daftar!$A$2:$A$60"
    assert checks["E2:P1001"].type == "list" and checks["E2:P1001"].formula1 == '"x"'
    assert book["Daftar"]["A2"].value == "Manajemen Perubahan" and book["Daftar"].sheet_state == "hidden"
    decree = book["Keputusan"]
    decree_checks = _validations(decree)
    date_cell = f"B{_label_row(decree, 'Tanggal Ditetapkan')}"
    assert decree_checks[date_cell].type == "date"
    assert decree[date_cell].number_format == "DD/MM/YYYY"
    assert decree_checks[f"B{_label_row(decree, 'Kertas')}"].formula1 == '"F4,A4"'
    assert decree[f"B{_label_row(decree, 'Kode Wilayah')}"].number_format == "@"  # leading zeros kept
    assert _validations(book[KANTOR_SHEET])["F2:F1001"].type == "date"
    for sheet, frozen in ((decree, "B2"), (book[MENGINGAT_SHEET], "A2"), (plan, "A2"), (book[KANTOR_SHEET], "C2")):
        assert sheet.freeze_panes == frozen, sheet.title
    assert plan.column_dimensions["C"].width >= 40 and plan.column_dimensions["E"].width < 6
    assert decree.column_dimensions["A"].width >= max(len(r.label) for r in DECREE_FIELDS)
    assert "PETUNJUK PENGISIAN" in book[PETUNJUK_SHEET]["A1"].value


def test_init_never_overwrites(tmp_path, capsys):
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / "catatan.txt").write_text("punya saya")
    assert main(["init", str(tmp_path / "ada")]) == 4
    assert "sudah ada dan tidak kosong" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "ada").iterdir()) == ["catatan.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ada"]  # no half-made folder left beside it


def test_both_forms_in_one_folder_is_a_problem(tmp_path, capsys):
    init_case(tmp_path / "dua", NTB_CASE)
    shutil.copy(NTB_CASE / "keputusan.yaml", tmp_path / "dua" / "keputusan.yaml")
    assert main(["validate", str(tmp_path / "dua")]) == 2
    assert "keputusan.xlsx dan keputusan.yaml sekaligus" in capsys.readouterr().err


def _fill_starter(path: Path) -> None:
    """What a member of staff types into a fresh workbook (values as a spreadsheet stores them)."""
    book = openpyxl.load_workbook(path)
    decree = book["Keputusan"]
    values = {
        "Wilayah": "Kabupaten Lombok Barat",
        "Kode Wilayah": "5201",
        "Kedudukan": "Gerung",
        "Nomor Urut": 3,
        "Klasifikasi": "ORT.07",
        "Tahun": 2024,
        "Tentang": "Rencana Aksi Reformasi Birokrasi Tahun 2024",
        "Menimbang": "bahwa perlu menyusun Rencana Aksi Reformasi Birokrasi Tahun 2024;",
        "Diktum": "Menetapkan Rencana Aksi sebagaimana tercantum dalam Lampiran.",
        "Tanggal Ditetapkan": dt.datetime(2024, 1, 15),
        "Nama Penandatangan": "Nama Contoh",
        "Unit Pengesah Salinan": "Sekretariat KPU Kabupaten Lombok Barat",
        "Jabatan Pengesah Salinan": "Kepala Subbagian Hukum",
        "Nama Pengesah Salinan": "Pengesah Contoh",
    }
    for label, value in values.items():
        decree.cell(row=_label_row(decree, label), column=2, value=value)
    book[MENGINGAT_SHEET].append(["Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum", None])
    book[LAMPIRAN_SHEET]["A2"] = "Rencana Aksi Reformasi Birokrasi di Lingkungan Sekretariat Tahun 2024"
    plan = book[PLAN_SHEET]
    plan.append(
        ["Manajemen Perubahan", "Tim Reformasi Birokrasi", "Pembentukan Tim", "SK Tim", "x", "x", *[None] * 10, None]
    )
    plan.append([None, None, "Rapat koordinasi Tim", None, None, None, "x", *[None] * 9, None])
    plan.append(
        ["Penguatan Pengawasan", "Gratifikasi", "Sosialisasi gratifikasi", "Laporan", *[None] * 11, "x", "tiap tahun"]
    )
    book.save(path)


@pytest.mark.libreoffice
def test_starter_opens_in_libreoffice_keeps_dropdowns_and_validates(tmp_path):
    """A spreadsheet program opens the workbook `init` wrote, and what it saves still validates:
    LibreOffice Calc reads it and writes it back as .xlsx, dropdowns included."""
    path = init_case(tmp_path / "kpu-lobar-2024")
    _fill_starter(path)
    out = tmp_path / "lo"
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile}",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    resaved = openpyxl.load_workbook(out / "keputusan.xlsx")
    assert {"Keputusan", "Mengingat", "Lampiran", "Rencana Aksi", "Kantor", "Petunjuk"} <= set(resaved.sheetnames)
    plan_checks = {dv.formula1 for dv in resaved[PLAN_SHEET].data_validations.dataValidation}
    assert '"x"' in plan_checks and any("Daftar" in (f or "") for f in plan_checks)
    assert any(dv.type == "date" for dv in resaved["Keputusan"].data_validations.dataValidation)
    case_dir = tmp_path / "dari-calc" / "kpu-lobar-2024"
    case_dir.mkdir(parents=True)
    shutil.copy(out / "keputusan.xlsx", case_dir / "keputusan.xlsx")
    case = load_case(case_dir)
    assert case.decree.nomor_lengkap == "3/ORT.07/5201/2024"
    assert case.plan.row_count == 3 and case.mengingat[0].startswith("Undang-Undang Nomor 7 Tahun 2017")
    assert case.decree.ditetapkan.tanggal == dt.date(2024, 1, 15)


def test_offices_of_a_batch_round_trip_and_apply_to_the_decree(tmp_path):
    from generator.errors import DataError
    from generator.offices import office_case, read_batch

    init_case(tmp_path / "wb", NTB_CASE)
    book = openpyxl.load_workbook(tmp_path / "wb" / "keputusan.xlsx")
    kantor = book[KANTOR_SHEET]
    for coord, value in dict(
        A2="5201",
        B2="Kabupaten Lombok Barat",
        D2="Gerung",
        E2=4,
        F2=dt.datetime(2022, 1, 20),
        G2="Ketua Contoh (placeholder)",
        A3="5271",
        B3="Kota Mataram",
        K3="198001012005011001",
    ).items():
        kantor[coord] = value
    book.save(tmp_path / "wb" / "keputusan.xlsx")
    case = load_case(tmp_path / "wb")
    assert [o.kode_wilayah for o in case.offices] == ["5201", "5271"]
    convert_case(tmp_path / "wb", tmp_path / "yaml")
    assert (tmp_path / "yaml" / "daftar-kantor.yaml").is_file()
    assert load_case(tmp_path / "yaml").offices == case.offices
    convert_case(tmp_path / "yaml", tmp_path / "wb2")
    assert case_content(load_case(tmp_path / "wb2")) == case_content(case)

    # An office other than the base case's own enacts with its own seat, number and officials:
    # the batch says which its row lacks.
    batch = read_batch(tmp_path / "wb")
    required = ("kedudukan", "urut", "penandatangan_nama", "pengesah_nama")
    missing = {}
    for office in batch.offices:
        with pytest.raises(DataError) as failed:
            office_case(batch, office)
        # the office's row of the Kantor sheet, and the office by its code
        assert all(f"Kantor!A{office.index + 2}:" in p.where for p in failed.value.problems)
        assert all(f"office {office.kode}" in p.what for p in failed.value.problems)
        missing[office.kode] = [key for key in required if any(p.what.startswith(key) for p in failed.value.problems)]
    assert missing == {"5201": ["pengesah_nama"], "5271": list(required)}

    for coord, value in dict(
        J2="Pengesah Lombok Barat", D3="Mataram", E3=5, G3="Ketua Mataram", J3="Pengesah Mataram"
    ).items():
        kantor[coord] = value
    book.save(tmp_path / "wb" / "keputusan.xlsx")
    batch = read_batch(tmp_path / "wb")
    lobar, mataram = (office_case(batch, office).decree for office in batch.offices)
    assert lobar.nomor_lengkap == "4/ORT.07/5201/2022"
    assert lobar.kantor.nama == "Komisi Pemilihan Umum Kabupaten Lombok Barat" and lobar.tempat == "Gerung"
    assert lobar.ditetapkan.tanggal == dt.date(2022, 1, 20)
    assert lobar.penandatangan.nama == "Ketua Contoh (placeholder)"
    assert lobar.pengesah_salinan.nama == "Pengesah Lombok Barat" and lobar.pengesah_salinan.nip is None
    assert lobar.pengesah_salinan.unit == "Sekretariat Komisi Pemilihan Umum Kabupaten Lombok Barat"
    assert lobar.pengesah_salinan.jabatan == case.decree.pengesah_salinan.jabatan  # blank cell: inherited
    assert (
        mataram.nomor_lengkap == "5/ORT.07/5271/2022" and mataram.ditetapkan.tanggal == case.decree.ditetapkan.tanggal
    )
    assert mataram.pengesah_salinan.nip == "198001012005011001" and mataram.kantor.kedudukan == "Mataram"


# ---------------------------------------------------------------- workbooks written by earlier versions

# Written by `keputusan init --from` of earlier versions (the commit in each folder's name, run
# from `git archive <commit>`): the NTB case by the first workbook form (d402a4c) and by the last
# one before the Lampiran sheet (479fcd0, with the decree head's rows), the quarterly sample by
# the first with the Lampiran sheet (92f50c9). Their Keputusan rows stand where those versions put
# them: a Judul Lampiran row, fewer rows above Menimbang.
OLD_WORKBOOKS = ROOT / "tests" / "fixtures" / "workbook-lama"
OLD_CASES = [
    ("ntb-d402a4c", NTB_CASE),
    ("ntb-479fcd0", NTB_CASE),
    ("triwulan-92f50c9", ROOT / "data" / "contoh-rencana-aksi-triwulan"),
]


def _labels(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [row[0] for row in book["Keputusan"].iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("folder, reference", OLD_CASES, ids=[f for f, _ in OLD_CASES])
def test_a_workbook_of_an_earlier_version_loads_unchanged_and_init_from_keeps_it(tmp_path, folder, reference):
    old = OLD_WORKBOOKS / folder
    now = init_case(tmp_path / "sekarang", reference)
    # the rows are not where a workbook of today has them: it is read by label, not by position
    assert _labels(old / "keputusan.xlsx") != _labels(now)
    assert _labels(old / "keputusan.xlsx").index("Menimbang") != _labels(now).index("Menimbang")
    expected = case_content(load_case(reference))
    assert case_content(load_case(old)) == expected
    # next year's workbook from it: today's layout, everything kept
    again = init_case(tmp_path / "tahun-depan", old)
    assert LAMPIRAN_SHEET in openpyxl.load_workbook(again).sheetnames
    assert "Judul Lampiran" not in _labels(again)
    assert case_content(load_case(again.parent)) == expected


def test_the_keputusan_rows_may_stand_in_any_order(tmp_path):
    """Staff move rows (a Menimbang added at the end, a section cut and pasted): each value is
    found by its label wherever it stands; items of a list keep the order of their rows."""
    (tmp_path / "acak").mkdir()
    shutil.copy(OLD_WORKBOOKS / "ntb-479fcd0" / "keputusan.xlsx", tmp_path / "acak" / "keputusan.xlsx")
    path = tmp_path / "acak" / "keputusan.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Keputusan"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    singles = [r for r in rows if r[0] not in ("Menimbang", "Diktum", "Kop Surat", "Memperhatikan")]
    lists = [r for r in rows if r not in singles]
    for r, values in enumerate([*lists, *reversed(singles)], start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c).value = value  # cell(value=None) would keep the old value
    book.save(path)
    assert _labels(path) != _labels(OLD_WORKBOOKS / "ntb-479fcd0" / "keputusan.xlsx")
    assert case_content(load_case(path.parent)) == case_content(load_case(NTB_CASE))
