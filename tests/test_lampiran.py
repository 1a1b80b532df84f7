"""Any number of lampiran, each of one kind: what is numbered and named, what the tables print,
and every mistake in either form named by its place (a YAML key, a sheet and cell)."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
import yaml

from generator import numbering
from generator.cases import convert_case, init_case
from generator.cli import main
from generator.content import case_content
from generator.errors import DataError
from generator.load import load_case
from generator.messages import render_problem
from generator.model import PRESETS, BarisTabel, Kolom
from tests.conftest import NTB_CASE, ROOT

TRIWULAN = ROOT / "data" / "contoh-rencana-aksi-triwulan"
TRIWULAN_COLUMNS = PRESETS["rencana-aksi-triwulan"]


# ---------------------------------------------------------------- names and the diktum


def test_one_lampiran_is_LAMPIRAN_several_are_numbered_in_roman():
    assert numbering.lampiran_label(0, 1) == "LAMPIRAN"
    assert [numbering.lampiran_label(i, 3) for i in range(3)] == ["LAMPIRAN I", "LAMPIRAN II", "LAMPIRAN III"]
    assert numbering.lampiran_name(3, 4) == "Lampiran IV"


def test_the_diktum_that_refers_to_the_lampiran_names_them():
    tail = "yang merupakan bagian tidak terpisahkan dari Keputusan ini."
    assert numbering.with_lampiran_reference(["Menetapkan Pedoman X."], [None]) == [
        f"Menetapkan Pedoman X sebagaimana tercantum dalam Lampiran {tail}"
    ]
    two = numbering.with_lampiran_reference(["Membentuk Tim X.", "Tim mempunyai tugas."], [None, None])
    assert two[0] == f"Membentuk Tim X sebagaimana tercantum dalam Lampiran I dan Lampiran II {tail}"
    assert two[1] == "Tim mempunyai tugas."
    three = numbering.with_lampiran_reference(["A.", "B."], [1, 2, 2])
    assert three == [
        f"A sebagaimana tercantum dalam Lampiran I {tail}",
        f"B sebagaimana tercantum dalam Lampiran II dan Lampiran III {tail}",
    ]
    many = numbering.with_lampiran_reference(["A"], [None, None, None])
    assert "dalam Lampiran I, Lampiran II, dan Lampiran III yang" in many[0]
    # typed by the office itself: printed as typed
    typed = "Menetapkan X sebagaimana tercantum dalam lampiran Keputusan ini."
    assert numbering.with_lampiran_reference([typed], [None]) == [typed]
    assert numbering.with_lampiran_reference(["A."], []) == ["A."]  # no lampiran, nothing to name


# ---------------------------------------------------------------- a table of declared columns


def _row(*values: str) -> BarisTabel:
    return BarisTabel(tuple(values))


def test_groups_are_numbered_items_lettered_within_their_group_and_labels_repeat_on_a_new_page():
    rows = [
        _row("Keg A", "Ind 1", "aksi 1", "o", "s", "PIC", "1", "", "", ""),
        _row("", "", "aksi 2", "o", "s", "PIC", "", "", "", ""),
        _row("", "Ind 2", "aksi 3", "o", "s", "PIC", "", "", "", ""),  # alone in its indikator: no letter
        _row("Keg B", "Ind 3", "aksi 4", "o", "s", "PIC", "", "", "", "100%"),
        _row("", "", "aksi 5", "o", "s", "PIC", "", "", "", ""),
    ]
    printed = numbering.table_rows(TRIWULAN_COLUMNS, rows, page_starts=frozenset({4}))
    no, kegiatan, indikator, aksi = (0, 1, 2, 3)
    assert [r["cells"][no] for r in printed] == ["1", "", "", "2", "2"]  # again where a page opens
    assert [r["cells"][kegiatan] for r in printed] == ["Keg A", "", "", "Keg B", "Keg B"]
    assert [r["cells"][indikator] for r in printed] == ["Ind 1", "", "Ind 2", "Ind 3", "Ind 3"]
    assert [r["labels"][aksi] for r in printed] == ["a.", "b.", "", "a.", "b."]
    assert [r["cells"][aksi] for r in printed] == ["aksi 1", "aksi 2", "aksi 3", "aksi 4", "aksi 5"]
    assert printed[0]["span"] == {1: 3, 2: 2} and printed[2]["span"] == {2: 1}
    assert printed[3]["span"] == {1: 1, 2: 1} and printed[4]["span"] == {1: 1, 2: 1}  # split by the page
    assert printed[3]["cells"][-4:] == ["", "", "", "100%"]  # quarterly values as typed
    assert printed[0]["merged"] == {0: 1, 1: 1, 2: 2}  # NO follows its group


def test_nested_groups_count_within_their_parent_and_a_number_column_without_group_counts_rows():
    columns = (
        Kolom(judul="NO", jenis="nomor", lebar=8),
        Kolom(judul="BIDANG", jenis="kelompok", penomoran="romawi", lebar=30),
        Kolom(judul="PROGRAM", jenis="kelompok", penomoran="huruf_besar", lebar=30),
        Kolom(judul="KEGIATAN", jenis="butir", penomoran="angka", lebar=60),
        Kolom(judul="JADWAL", jenis="periode", periode="bulan", lebar=6),
        Kolom(judul="ANGGARAN", jenis="angka", lebar=20),
    )
    months = [""] * 12
    rows = [
        _row("Umum", "Kepegawaian", "k1", "x", *months[1:], "1250000"),
        _row("", "", "k2", *months, "12.5"),
        _row("", "Keuangan", "k3", *months, "rupiah"),
        _row("Teknis", "Data", "k4", *months[:11], "x", ""),
    ]
    printed = numbering.table_rows(columns, rows)
    assert [r["cells"][0] for r in printed] == ["1", "2", "3", "4"]
    assert [(r["labels"][1], r["cells"][1]) for r in printed] == [("I.", "Umum"), ("", ""), ("", ""), ("II.", "Teknis")]
    assert [r["labels"][2] for r in printed] == ["A.", "", "B.", "A."]  # restarts under the next bidang
    assert [r["labels"][3] for r in printed] == ["1.", "2.", "", ""]
    assert printed[0]["marks"] == [4] and printed[3]["marks"] == [15]  # January, December
    assert [r["cells"][-1] for r in printed] == ["1.250.000", "12,5", "rupiah", ""]


def test_indonesian_numbers():
    assert numbering.indonesian_number("1250000") == "1.250.000"
    assert numbering.indonesian_number("0.75") == "0,75"
    assert numbering.indonesian_number("-3") == "-3"
    assert numbering.indonesian_number("25%") == "25%"
    assert numbering.indonesian_number("1e5") == "1e5"


# ---------------------------------------------------------------- the YAML form


@pytest.fixture
def triwulan(tmp_path):
    dest = tmp_path / "data" / TRIWULAN.name
    shutil.copytree(TRIWULAN, dest)
    shutil.copy(ROOT / "data" / "dasar-hukum.yaml", tmp_path / "data" / "dasar-hukum.yaml")
    return dest


def _edit(case_dir, change):
    path = case_dir / "keputusan.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _problems(case_dir, lang="id"):
    with pytest.raises(DataError) as exc:
        load_case(case_dir)
    found = []
    for p in exc.value.problems:
        where, what, fix = render_problem(p, lang)
        found.append((p.code, p.place.key or f"{p.place.sheet}!{p.place.cell}", f"{where}: {what}. Perbaikan: {fix}"))
    return found


MEMBERS = [{"nama": "Ani", "jabatan": "Kepala Bagian", "kedudukan": "Ketua"}]


def test_a_lampiran_of_no_known_kind_or_preset_is_named_by_its_key(triwulan):
    def change(data):
        data["lampiran"][0]["bentuk"] = "rencana-aksi-kuartal"
        data["lampiran"].append({"judul": "Tim", "jenis": "anggota", "anggota": MEMBERS, "bentuk": "x"})
        data["lampiran"].append({"judul": "Pedoman", "jenis": "prosa", "isi": [{"bab": "A", "paragraf": "B"}]})
        data["lampiran"].append({"judul": "Kosong", "jenis": "prosa"})

    _edit(triwulan, change)
    found = _problems(triwulan)
    codes = {code: key for code, key, _ in found}
    assert codes["kolom.unknown_preset"] == "lampiran[1].bentuk"
    assert codes["lampiran.key_for_kind"] == "lampiran[2]"
    assert codes["prosa.one_kind"] == "lampiran[3].isi[1]"
    assert codes["lampiran.no_content"] == "lampiran[4]"
    said = "\n".join(text for _, _, text in found)
    assert "bentuk tabel 'rencana-aksi-kuartal' tidak dikenal" in said and "rencana-aksi-triwulan" in said
    assert "'bentuk' tidak berlaku untuk lampiran berjenis anggota" in said


def test_lampiran_and_judul_lampiran_together_or_neither_are_refused(triwulan):
    _edit(triwulan, lambda d: d.__setitem__("judul_lampiran", "Judul"))
    assert [code for code, _, _ in _problems(triwulan)] == ["lampiran.both"]
    _edit(triwulan, lambda d: (d.pop("judul_lampiran"), d.pop("lampiran")))
    assert [code for code, _, _ in _problems(triwulan)] == ["lampiran.none"]


def test_a_diktum_number_beyond_the_typed_diktum_is_refused(triwulan):
    _edit(triwulan, lambda d: d["lampiran"][0].__setitem__("diktum", 5))
    ((code, _, text),) = _problems(triwulan)
    assert code == "lampiran.diktum_missing" and "diktum ke-5" in text and "hanya 2" in text


def test_declared_columns_that_do_not_fit_together_are_named_by_their_key(triwulan):
    columns = [
        {"judul": "NO", "jenis": "nomor", "kelompok": "Program"},
        {"judul": "KEGIATAN", "jenis": "kelompok", "periode": "bulan"},
        {"judul": "JADWAL", "jenis": "periode"},
    ]
    _edit(triwulan, lambda d: d["lampiran"][0].update(kolom=columns, bentuk=None))
    codes = {code: key for code, key, _ in _problems(triwulan)}
    assert codes == {"kolom.key_for_kind": "lampiran[1].kolom[2]", "kolom.period_missing": "lampiran[1].kolom[3]"}
    columns[1].pop("periode")
    columns[2]["periode"] = "triwulan"
    _edit(triwulan, lambda d: d["lampiran"][0].update(kolom=columns, bentuk=None))
    ((code, key, text),) = _problems(triwulan)
    assert (code, key) == ("kolom.no_such_group", "lampiran[1].kolom") and "'Program'" in text


def test_a_case_without_lampiran_loads_and_says_so(triwulan, capsys):
    _edit(triwulan, lambda d: d.__setitem__("lampiran", []))
    case = load_case(triwulan)
    assert case.lampiran == () and case.tables == ()
    assert main(["validate", str(triwulan)]) == 0
    assert "tanpa lampiran" in capsys.readouterr().out


def test_the_ntb_case_is_one_plan_as_before():
    case = load_case(NTB_CASE)
    assert case.decree.lampiran is None and case.decree.only_plan
    (spec,) = case.lampiran
    assert spec.is_plan and spec.judul == case.decree.judul_lampiran and case.plan.row_count == 83
    content = case_content(case)
    assert "lampiran" not in content["keputusan"] and "tabel_lampiran" not in content  # what it always was


# ---------------------------------------------------------------- the workbook form


@pytest.fixture
def triwulan_book(triwulan, tmp_path):
    convert_case(triwulan, tmp_path / "wb" / "triwulan")
    return tmp_path / "wb" / "triwulan"


def _set(case_dir, sheet, **cells):
    path = case_dir / "keputusan.xlsx"
    book = openpyxl.load_workbook(path)
    for coord, value in cells.items():
        book[sheet][coord] = value
    book.save(path)


def test_both_forms_hold_the_same_lampiran(triwulan, triwulan_book, tmp_path):
    book = openpyxl.load_workbook(triwulan_book / "keputusan.xlsx")
    assert book.sheetnames[:4] == ["Keputusan", "Mengingat", "Lampiran", "Lampiran I"]
    assert [c.value for c in book["Lampiran"][2]][:4] == [
        load_case(triwulan).lampiran[0].judul,
        "tabel",
        "rencana-aksi-triwulan",
        "Lampiran I",
    ]
    assert [c.value for c in book["Lampiran I"][1]][:3] == ["Kegiatan Utama", "Indikator", "Rencana Aksi"]
    convert_case(triwulan_book, tmp_path / "kembali")
    original, workbook, back = (load_case(p) for p in (triwulan, triwulan_book, tmp_path / "kembali"))
    assert case_content(original) == case_content(workbook) == case_content(back)
    assert back.tables == original.tables


def test_table_rows_in_the_workbook_are_named_by_their_cell(triwulan_book):
    again = "Persentase rencana kerja manajemen perubahan yang terlaksana"  # B2's, after another
    _set(triwulan_book, "Lampiran I", A2=None, B3="Indikator lain", C3=None, B4=again)
    found = _problems(triwulan_book)
    assert [(code, where) for code, where, _ in found] == [
        ("tabel.group_missing", "Lampiran I!A2"),
        ("tabel.item_empty", "Lampiran I!C3"),
        ("tabel.group_returns", "Lampiran I!B4"),
    ]
    assert "keputusan.xlsx, Lampiran I!A2: Kegiatan Utama belum diisi pada baris pertama kelompoknya" in found[0][2]


def test_a_columns_cell_that_is_no_preset_nor_sheet_is_named(triwulan_book):
    _set(triwulan_book, "Lampiran", C2="rencana-aksi-kuartal", A2=None)
    found = _problems(triwulan_book)
    assert [(code, where) for code, where, _ in found] == [
        ("lampiran.kolom_unknown", "Lampiran!C2"),
        ("cell.missing", "Lampiran!A2"),
    ]
    assert "Perbaikan: tulis Judul di sel ini" in found[1][2]


def test_init_writes_a_sheet_per_lampiran_and_a_columns_sheet(tmp_path, capsys):
    assert (
        main(["init", str(tmp_path / "baru"), "--lampiran", "tabel", "--lampiran", "anggota", "--lampiran", "prosa"])
        == 0
    )
    book = openpyxl.load_workbook(tmp_path / "baru" / "keputusan.xlsx")
    assert book.sheetnames[:7] == [
        "Keputusan",
        "Mengingat",
        "Lampiran",
        "Lampiran I",
        "Kolom Lampiran I",
        "Lampiran II",
        "Lampiran III",
    ]
    assert [[c.value for c in row][:3] for row in book["Lampiran"].iter_rows(min_row=2)] == [
        [None, "tabel", "Kolom Lampiran I"],
        [None, "anggota", None],
        [None, "prosa", None],
    ]
    assert [c.value for c in book["Lampiran II"][1]] == ["Nama", "Jabatan/Unsur", "Kedudukan dalam Tim"]
    assert [c.value for c in book["Lampiran III"][1]] == ["Jenis", "Teks"]
    assert book["Kolom Lampiran I"]["B2"].value == "nomor"
    # declared columns make the table's headers: the quarterly target under Target
    assert [c.value for c in book["Lampiran I"][1]][-4:] == [
        "Target TW I",
        "Target TW II",
        "Target TW III",
        "Target TW IV",
    ]
    # one empty lampiran of each kind: its sheet named, in Indonesian
    assert main(["validate", str(tmp_path / "baru")]) == 2
    err = capsys.readouterr().err
    assert "sheet 'Lampiran I': belum ada baris tabel" in err
    assert "Lampiran!A3: Judul belum diisi" in err
    assert main(["init", str(tmp_path / "lagi"), "--from", str(NTB_CASE), "--lampiran", "prosa"]) == 2


def test_members_and_prose_typed_in_the_workbook_become_the_lampiran(tmp_path):
    init_case(tmp_path / "tim", lampiran=("anggota", "prosa"))
    path = tmp_path / "tim" / "keputusan.xlsx"
    book = openpyxl.load_workbook(path)
    for r, title in ((2, "Susunan Keanggotaan Tim"), (3, "Uraian Tugas Tim")):
        book["Lampiran"][f"A{r}"] = title
    members = book["Lampiran I"]
    members.append(["Ani", "Kepala Bagian Umum", "Ketua"])
    members.append([None, "Staf", "Anggota"])
    prose = book["Lampiran II"]
    for kind, text in (("bab", "Pendahuluan"), ("paragraf", "Tim dibentuk."), ("butir", "satu"), ("butir", "dua")):
        prose.append([kind, text])
    prose.append(["judul", "bukan jenis"])
    book.save(path)
    found = _problems(tmp_path / "tim")
    assert ("cell.missing", "Lampiran I!A3") in [(c, w) for c, w, _ in found]
    assert ("prosa.kind_unknown", "Lampiran II!A6") in [(c, w) for c, w, _ in found]
    members["A3"] = "Budi"
    prose.delete_rows(6)
    book.save(path)
    with pytest.raises(DataError):  # the decree's own values are still empty; the lampiran are not
        load_case(tmp_path / "tim")
    try:
        load_case(tmp_path / "tim")
    except DataError as exc:
        assert not [p for p in exc.problems if p.place.sheet in ("Lampiran", "Lampiran I", "Lampiran II")]


def test_what_changed_in_the_lampiran_is_listed():
    import copy

    from generator.diff import compare, describe

    old = case_content(load_case(ROOT / "data" / "contoh-sk-tim"))
    new = copy.deepcopy(old)
    new["keputusan"]["lampiran"][0]["anggota"][2]["nama"] = "Budi"
    new["keputusan"]["lampiran"][1]["diktum"] = 1
    new["keputusan"]["lampiran"].append({"judul": "Jadwal", "jenis": "prosa", "isi": [{"paragraf": "x"}]})
    said = [describe(change) for change in compare(old, new)]
    assert said == [
        "Lampiran I › anggota 3: kata-kata diubah: [-[Contoh] Nama Kasubbag Hukum-] {+Budi+} — "
        "Kepala Subbagian Hukum — Ketua",
        "Lampiran II: diktum: 2 → 1",
        'Lampiran III: ditambah "Jadwal"',
    ]
    table = case_content(load_case(TRIWULAN))
    changed = copy.deepcopy(table)
    changed["tabel_lampiran"][0]["baris"][0]["Target TW IV"] = "1"
    ((change,),) = [compare(table, changed)]
    first = table["tabel_lampiran"][0]["baris"][0]
    assert change.section == "lampiran"
    assert (
        change.subject
        == f"Lampiran › {first['Kegiatan Utama']} › {first['Indikator']} › {first['Rencana Aksi']} › TARGET"
    )
    assert (change.old, change.new) == (
        "TW I: 1; TW II: -; TW III: -; TW IV: -",
        "TW I: 1; TW II: -; TW III: -; TW IV: 1",
    )
    assert compare(case_content(load_case(NTB_CASE)), case_content(load_case(NTB_CASE))) == []


def test_a_row_inserted_in_a_declared_table_is_one_insertion():
    """Rows are compared by their groups and item, not by position: a row inserted at the top of
    a group (which takes over the group's cells from the row that was first) is one insertion,
    and so is one inserted in the middle; the rows after them are not reported."""
    import copy

    from generator.diff import compare, describe

    table = case_content(load_case(TRIWULAN))
    changed = copy.deepcopy(table)
    rows = changed["tabel_lampiran"][0]["baris"]
    first = rows[0]
    rows[0] = dict(first, **{"Kegiatan Utama": "", "Indikator": ""})
    rows.insert(0, dict(first, **{"Rencana Aksi": "Pembentukan tim agen perubahan"}))
    middle = next(i for i, row in enumerate(rows) if i > 1 and row["Kegiatan Utama"]) + 1
    group = next(row for row in reversed(rows[:middle]) if row["Kegiatan Utama"])
    rows.insert(middle, dict(rows[middle], **{"Kegiatan Utama": "", "Indikator": "", "Rencana Aksi": "SOP baru"}))
    said = [describe(change) for change in compare(table, changed)]
    assert said == [
        f'Lampiran › {first["Kegiatan Utama"]} › {first["Indikator"]}: ditambah "Pembentukan tim agen perubahan"',
        f'Lampiran › {group["Kegiatan Utama"]} › {group["Indikator"]}: ditambah "SOP baru"',
    ]
    # a row dropped, another moved to another group, a group renamed: each said once
    again = copy.deepcopy(table)
    rows = again["tabel_lampiran"][0]["baris"]
    dropped = rows.pop(1)
    renamed = rows[0]["Kegiatan Utama"]
    rows[0]["Kegiatan Utama"] = renamed + " Organisasi"
    said = [describe(change) for change in compare(table, again)]
    assert said == [
        f"Lampiran › Kegiatan utama berganti nama: {renamed} {{+Organisasi+}}",
        f'Lampiran › {renamed} Organisasi › {first["Indikator"]}: dihapus "{dropped["Rencana Aksi"]}"',
    ]


def test_two_lampiran_reading_one_sheet_are_refused_in_both_forms(triwulan, triwulan_book):
    second = {"judul": "Lagi", "bentuk": "rencana-aksi-triwulan", "data": "lampiran.xlsx", "sheet": "Lampiran I"}
    _edit(triwulan, lambda d: d["lampiran"].append(second))
    ((code, key, text),) = _problems(triwulan)
    assert (code, key) == ("lampiran.sheet_twice", "lampiran[2].sheet") and "lampiran ke-1" in text
    _set(triwulan_book, "Lampiran", A3="Lagi", B3="tabel", C3="rencana-aksi-triwulan", D3="Lampiran I")
    _set(triwulan_book, "Lampiran", A4="Lagi", B4="anggota", D4="Kantor")
    assert [(c, w) for c, w, _ in _problems(triwulan_book)] == [
        ("lampiran.sheet_twice", "Lampiran!D3"),
        ("lampiran.sheet_reserved", "Lampiran!D4"),
    ]


def test_each_office_of_a_batch_gets_the_lampiran_in_its_own_name(tmp_path):
    from generator.offices import office_case, read_batch

    source = ROOT / "data" / "contoh-sk-tim"
    case_dir = tmp_path / "data" / source.name
    shutil.copytree(source, case_dir)
    shutil.copy(ROOT / "data" / "dasar-hukum.yaml", tmp_path / "data" / "dasar-hukum.yaml")
    office = {
        "kode_wilayah": "5201",
        "wilayah": "Kabupaten Lombok Barat",
        "kedudukan": "Gerung",
        "urut": 3,
        "penandatangan_nama": "[Contoh] Ketua Lombok Barat",
        "pengesah_nama": "[Contoh] Kasubbag Lombok Barat",
    }
    (case_dir / "daftar-kantor.yaml").write_text(yaml.safe_dump({"kantor": [office]}))
    _edit(
        case_dir,
        lambda d: d["lampiran"][0]["anggota"][1].update(
            jabatan="Kepala Bagian Umum Sekretariat Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat"
        ),
    )
    batch = read_batch(case_dir)
    case = office_case(batch, batch.offices[0])
    members, prose = case.lampiran
    assert members.judul.endswith("Sekretariat Komisi Pemilihan Umum Kabupaten Lombok Barat Tahun 2024")
    assert members.anggota
    assert members.anggota[1].jabatan == "Kepala Bagian Umum Sekretariat Komisi Pemilihan Umum Kabupaten Lombok Barat"
    assert prose.isi and "Kabupaten Lombok Barat" in (prose.isi[2].paragraf or "")
    assert prose.diktum == 2 and case.tables == (None, None)


def test_a_declared_table_has_its_grouped_headings_and_no_number_row_when_asked(triwulan, tmp_path):
    """On the DOCX: a heading over two columns (judul_atas), months under theirs, no 1, 2, 3 row."""
    from docx import Document

    from generator.render import render_lampiran

    columns = [
        {"judul": "NO", "jenis": "nomor", "kelompok": "Program", "lebar": 8},
        {"judul": "PROGRAM", "jenis": "kelompok", "lebar": 40},
        {"judul": "KEGIATAN", "jenis": "butir", "lebar": 60},
        {"judul": "VOLUME", "jenis": "angka", "judul_atas": "TARGET", "lebar": 20},
        {"judul": "SATUAN", "jenis": "teks", "judul_atas": "TARGET", "lebar": 20},
        {"judul": "JADWAL", "jenis": "periode", "periode": "bulan", "nama": "Bulan", "lebar": 7},
    ]
    _edit(triwulan, lambda d: d["lampiran"][0].update(kolom=columns, bentuk=None, nomor_kolom=False))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Lampiran I"
    sheet.append(["PROGRAM", "KEGIATAN", "VOLUME", "SATUAN", *(f"Bulan {m}" for m in range(1, 13))])
    sheet.append(["Program A", "kegiatan 1", 1500, "dokumen", "x", *[None] * 11])
    sheet.append([None, "kegiatan 2", 2, "laporan", *[None] * 11, "x"])
    book.save(triwulan / "lampiran.xlsx")
    case = load_case(triwulan)
    out = render_lampiran(case, "asli", tmp_path / "l.docx")
    table = next(t for t in Document(str(out)).tables if len(t.columns) == 17)
    top, second, *body = table.rows
    assert len(body) == 2  # no column-number row
    texts = [cell.text for cell in top.cells]
    assert texts[:3] == ["NO", "PROGRAM", "KEGIATAN"] and texts[3:5] == ["TARGET", "TARGET"]
    assert texts[5:] == ["JADWAL"] * 12  # one cell spanning the months
    assert [cell.text for cell in second.cells][3:] == ["VOLUME", "SATUAN", *map(str, range(1, 13))]
    assert [cell.text for cell in body[0].cells][:5] == ["1", "Program A", "a.\tkegiatan 1", "1.500", "dokumen"]
    assert body[1].cells[1].text == "Program A"  # merged down: the same cell
    spans = [tc.tcPr.gridSpan.val if tc.tcPr.gridSpan is not None else 1 for tc in top._tr.tc_lst]
    assert spans == [1, 1, 1, 2, 12]


def test_a_long_group_going_on_over_a_page_is_labelled_short_there():
    long = "Kegiatan utama dengan uraian yang sangat panjang " * 4
    rows = [_row(long.strip(), "Ind", f"aksi {i}", "o", "s", "PIC", "", "", "", "") for i in range(3)]
    rows = [rows[0]] + [BarisTabel(("", "") + r.values[2:]) for r in rows[1:]]
    printed = numbering.table_rows(TRIWULAN_COLUMNS, rows, page_starts=frozenset({2}))
    assert printed[0]["cells"][1] == long.strip()  # in full where it opens
    assert printed[2]["cells"][1] == numbering.continued_label(long)  # short on the next page
    assert printed[2]["cells"][1].endswith("(lanjutan)") and printed[2]["cells"][0] == "1"
