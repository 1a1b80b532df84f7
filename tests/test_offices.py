"""The batch data: each office's decree derived from the base case, as an office would check it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.errors import DataError
from generator.offices import office_case, read_batch
from tests.conftest import ROOT

NTB_BATCH = ROOT / "data" / "kpu-ntb-2022-kabkota"
PROVINCE = "Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat"
OFFICES = {  # the reference list (shared/reference/ntb-offices.md)
    "52": ("Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat", "Mataram"),
    "5201": ("Komisi Pemilihan Umum Kabupaten Lombok Barat", "Gerung"),
    "5202": ("Komisi Pemilihan Umum Kabupaten Lombok Tengah", "Praya"),
    "5203": ("Komisi Pemilihan Umum Kabupaten Lombok Timur", "Selong"),
    "5204": ("Komisi Pemilihan Umum Kabupaten Sumbawa", "Sumbawa Besar"),
    "5205": ("Komisi Pemilihan Umum Kabupaten Dompu", "Dompu"),
    "5206": ("Komisi Pemilihan Umum Kabupaten Bima", "Woha"),
    "5207": ("Komisi Pemilihan Umum Kabupaten Sumbawa Barat", "Taliwang"),
    "5208": ("Komisi Pemilihan Umum Kabupaten Lombok Utara", "Tanjung"),
    "5271": ("Komisi Pemilihan Umum Kota Mataram", "Mataram"),
    "5272": ("Komisi Pemilihan Umum Kota Bima", "Bima"),
}


@pytest.fixture(scope="module")
def ntb():
    return read_batch(NTB_BATCH)


@pytest.fixture(scope="module")
def cases(ntb):
    return {o.kode: office_case(ntb, o) for o in ntb.offices}


def all_texts(case) -> str:
    d = case.decree
    plan = [
        t
        for a in case.plan.areas
        for k in a.kegiatan
        for s in k.sub_kegiatan
        for t in (a.nama, k.nama, s.teks, s.indikator or "", s.keterangan)
    ]
    return "\n".join([d.tentang, d.judul_lampiran, *d.menimbang, *d.diktum, d.pengesah_salinan.unit, *plan])


def test_the_eleven_offices_of_the_reference_with_their_seats(cases):
    assert {k: (c.decree.kantor.nama, c.decree.kantor.kedudukan) for k, c in cases.items()} == OFFICES
    for kode, case in cases.items():
        assert case.decree.tempat == OFFICES[kode][1]  # enacted at its own seat
        assert case.decree.kantor.kode_wilayah == kode
        assert case.name.startswith(f"{kode}-")


def test_the_plan_is_used_by_reference_not_copied():
    assert sorted(p.name for p in NTB_BATCH.iterdir()) == ["README.md", "kantor.yaml"]
    assert yaml.safe_load((NTB_BATCH / "kantor.yaml").read_text())["dasar"] == "../kpu-ntb-2022"


def test_each_office_has_its_own_number_and_officials(cases):
    numbers = {c.decree.nomor_lengkap for c in cases.values()}
    assert len(numbers) == 11
    assert cases["52"].decree.nomor_lengkap == "19/ORT.07/52/2022"
    assert cases["5201"].decree.nomor_lengkap == "21/ORT.07/5201/2022"
    province = cases["52"].decree
    assert province.penandatangan.nama == "Suhardi Soud"
    assert province.pengesah_salinan.jabatan == "Kepala Bagian Hukum dan Sumber Daya Manusia"
    for kode, case in cases.items():
        if kode == "52":
            continue
        d = case.decree
        # placeholders, and clearly marked as such
        assert d.penandatangan.nama.startswith("[Contoh]") and d.pengesah_salinan.nama.startswith("[Contoh]")
        assert d.pengesah_salinan.nip is None
        assert d.pengesah_salinan.jabatan == "Kepala Subbagian Hukum dan Sumber Daya Manusia"
        assert d.pengesah_salinan.unit == f"Sekretariat {OFFICES[kode][0]}"
        assert str(d.ditetapkan.tanggal).startswith("2022-01-2")


def test_no_kabupaten_text_names_the_province_office(cases):
    for kode, case in cases.items():
        if kode == "52":
            continue
        text = all_texts(case)
        assert PROVINCE not in text and "Provinsi NTB" not in text and "Nusa Tenggara Barat" not in text, kode
        assert OFFICES[kode][0] in case.decree.tentang
        assert f"Sekretariat {OFFICES[kode][0]}" in case.decree.judul_lampiran
        assert OFFICES[kode][0] in case.decree.menimbang[0]
    first_row = cases["5271"].plan.areas[0].kegiatan[0].sub_kegiatan[0].teks
    assert first_row.endswith("pada KPU Kota Mataram;")


def test_plan_changes_add_drop_and_reword(cases):
    base_rows = cases["52"].plan.row_count
    assert base_rows == 83
    gratifikasi = next(k for a in cases["5201"].plan.areas for k in a.kegiatan if k.nama == "Gratifikasi")
    assert [s.teks for s in gratifikasi.sub_kegiatan][2] == "Sosialisasi pengendalian gratifikasi kepada badan ad hoc"
    assert gratifikasi.sub_kegiatan[2].bulan == frozenset({3, 4})
    assert cases["5201"].plan.row_count == base_rows + 1
    kegiatan_5204 = [k.nama for a in cases["5204"].plan.areas for k in a.kegiatan]
    assert "Pemanfaatan aplikasi Akuntabilitas Kinerja" not in kegiatan_5204
    assert cases["5204"].plan.row_count == base_rows - 1
    wbs = next(k for a in cases["5271"].plan.areas for k in a.kegiatan if k.nama == "Whistle Blowing System")
    assert wbs.sub_kegiatan[0].teks.endswith("pegawai dan badan ad hoc")
    assert wbs.sub_kegiatan[0].indikator.startswith("Terdokumentasinya Sosialisasi")  # inherited
    assert cases["5202"].plan.row_count == base_rows


# ---------------------------------------------------------------- changes and mistakes


def write_batch(tmp_path: Path, offices: list[dict], **extra) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir(exist_ok=True)
    data = {
        "dasar": str(ROOT / "data" / "kpu-ntb-2022"),
        "ganti_sebutan": {"KPU Provinsi NTB": "KPU {wilayah}"},
        **extra,
        "kantor": offices,
    }
    (folder / "kantor.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return folder


DOMPU = {
    "kode_wilayah": "5205",
    "wilayah": "Kabupaten Dompu",
    "kedudukan": "Dompu",
    "urut": 3,
    "penandatangan_nama": "[Contoh] K",
    "pengesah_nama": "[Contoh] P",
}


def one(tmp_path, **changes):
    batch = read_batch(write_batch(tmp_path, [{**DOMPU, **changes}]))
    return office_case(batch, batch.offices[0])


def problems_of(tmp_path, **changes) -> str:
    batch = read_batch(write_batch(tmp_path, [{**DOMPU, **changes}]))
    with pytest.raises(DataError) as info:
        office_case(batch, batch.offices[0])
    return str(info.value)


def test_dropping_the_row_that_carries_an_indikator_keeps_it_for_the_rows_below(tmp_path):
    case = one(tmp_path, rencana_aksi=[{"hapus": {"kegiatan": "Tim Reformasi Birokrasi", "huruf": "a"}}])
    tim = case.plan.areas[0].kegiatan[0]
    assert len(tim.sub_kegiatan) == 2
    assert tim.sub_kegiatan[0].indikator == "Tersedianya SK Tim Reformasi Birokrasi di lingkungan Unit/Satuan Kerja"


def test_a_new_kegiatan_and_a_new_area(tmp_path):
    case = one(
        tmp_path,
        rencana_aksi=[
            {
                "tambah": {"area": "Penguatan Pengawasan", "kegiatan": "Kegiatan Baru"},
                "sub_kegiatan": "Satu",
                "indikator": "Ada",
            },
            {
                "tambah": {"area": "Area Baru", "kegiatan": "K"},
                "sub_kegiatan": "Dua",
                "indikator": "Ada juga",
                "bulan": [12],
            },
        ],
    )
    assert case.plan.areas[-1].nama == "Area Baru" and case.plan.areas[-1].kegiatan[0].sub_kegiatan[0].bulan == {12}
    pengawasan = next(a for a in case.plan.areas if a.nama == "Penguatan Pengawasan")
    assert pengawasan.kegiatan[-1].nama == "Kegiatan Baru"


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"urut": None}, "kantor[1] (line 5): urut is required for office 5205"),
        ({"penandatangan_nama": None}, "penandatangan_nama is required"),
        ({"kedudukan": None}, "kedudukan is required"),
        ({"urutan": 4}, "unknown key 'urutan' — did you mean 'urut'?"),
        ({"tanggal": "2022-02-30"}, "key kantor[1].tanggal"),
        (
            {"rencana_aksi": [{"hapus": {"kegiatan": "Gratifkasi", "huruf": "a"}}]},
            "kantor[1].rencana_aksi[1] (line 12): no kegiatan 'Gratifkasi' in the base plan — "
            "did you mean 'Gratifikasi'?",
        ),
        ({"rencana_aksi": [{"hapus": {"kegiatan": "Gratifikasi"}}]}, "has 4 sub-kegiatan — say which with huruf"),
        (
            {"rencana_aksi": [{"ubah": {"kegiatan": "Gratifikasi", "huruf": "f"}, "sub_kegiatan": "x"}]},
            "has no sub-kegiatan f — it has a to d",
        ),
        ({"rencana_aksi": [{"ubah": {"kegiatan": "Gratifikasi", "huruf": "a"}}]}, "ubah needs what to change"),
        (
            {"rencana_aksi": [{"tambah": {"kegiatan": "Gratifikasi"}, "sub_kegiatan": "x", "bulan": [13]}]},
            "month 13 is not 1-12",
        ),
        (
            {"rencana_aksi": [{"hapus": {"kegiatan": "Gratifikasi", "huruf": "a"}, "ubah": {"kegiatan": "x"}}]},
            "exactly one of hapus, ubah or tambah",
        ),
    ],
)
def test_a_mistake_in_one_office_names_its_place(tmp_path, changes, expected):
    entry = {k: v for k, v in {**DOMPU, **changes}.items() if v is not None}
    batch = read_batch(write_batch(tmp_path, [entry]))
    with pytest.raises(DataError) as info:
        office_case(batch, batch.offices[0])
    assert expected in str(info.value)
    assert "kantor.yaml" in str(info.value)


@pytest.mark.parametrize(
    "offices, expected",
    [
        ([DOMPU, DOMPU], "office code 5205 is listed twice"),
        ([{**DOMPU, "kode_wilayah": 5205}], "office code 5205 is not a region code"),
        ([{**DOMPU, "kode_wilayah": "52050"}], "is not a region code"),
        ([{**DOMPU, "wilayah": ""}], "kantor[1].wilayah (line"),
    ],
)
def test_problems_of_the_whole_batch(tmp_path, offices, expected):
    with pytest.raises(DataError) as info:
        read_batch(write_batch(tmp_path, offices))
    assert expected in str(info.value)


def test_a_missing_base_case_is_named(tmp_path):
    folder = write_batch(tmp_path, [DOMPU])
    text = (folder / "kantor.yaml").read_text().replace(str(ROOT / "data" / "kpu-ntb-2022"), "../tidak-ada")
    (folder / "kantor.yaml").write_text(text)
    with pytest.raises(DataError, match=r"key dasar \(line 1\): base case .*tidak-ada has no keputusan.yaml"):
        read_batch(folder)


def test_a_case_without_offices_is_not_a_batch():
    with pytest.raises(DataError, match="is a single case and lists no offices — build it with `keputusan build`"):
        read_batch(ROOT / "data" / "kpu-ntb-2022")


@pytest.mark.parametrize("form", ["yaml", "workbook"])
def test_a_case_that_lists_its_offices_is_a_batch(case_copy, tmp_path, form):
    """The offices of issue 4's forms (daftar-kantor.yaml, the Kantor sheet) feed the same batch."""
    (case_copy / "daftar-kantor.yaml").write_text(
        yaml.safe_dump(
            {
                "kantor": [
                    {
                        "kode_wilayah": "5201",
                        "wilayah": "Kabupaten Lombok Barat",
                        "kedudukan": "Gerung",
                        "urut": 4,
                        "penandatangan_nama": "[Contoh] Ketua",
                        "pengesah_nama": "[Contoh] Pengesah",
                    },
                    {"kode_wilayah": "5272", "wilayah": "Kota Bima"},
                ]
            }
        )
    )
    folder = case_copy
    if form == "workbook":
        from generator.cases import convert_case

        folder = tmp_path / "buku"
        convert_case(case_copy, folder, "workbook")
    batch = read_batch(folder)
    assert [o.folder for o in batch.offices] == ["5201-kabupaten-lombok-barat", "5272-kota-bima"]
    case = office_case(batch, batch.office("5201"))
    assert case.decree.nomor_lengkap == "4/ORT.07/5201/2022" and case.decree.tempat == "Gerung"
    assert "Komisi Pemilihan Umum Kabupaten Lombok Barat" in case.decree.tentang
    assert case.plan.row_count == 83
    with pytest.raises(DataError, match="kedudukan is required"):  # a blank seat would print the province's
        office_case(batch, batch.office("5272"))


def test_an_unknown_placeholder_is_refused(tmp_path):
    with pytest.raises(DataError, match=r"unknown placeholder \{wilayahh\}"):
        read_batch(write_batch(tmp_path, [DOMPU], ganti_sebutan={"KPU Provinsi NTB": "KPU {wilayahh}"}))


def test_aceh_offices_use_their_own_lembaga(tmp_path):
    case = one(
        tmp_path,
        kode_wilayah="1101",
        wilayah="Kabupaten Simeulue",
        kedudukan="Sinabang",
        lembaga="Komisi Independen Pemilihan",
    )
    assert case.decree.kantor.nama == "Komisi Independen Pemilihan Kabupaten Simeulue"
    assert "Komisi Independen Pemilihan Kabupaten Simeulue" in case.decree.tentang
    assert case.decree.nomor_lengkap == "3/ORT.07/1101/2022"


def test_the_copy_of_a_batch_folder_still_finds_its_base(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    batch = read_batch(tmp_path / "data" / "kpu-ntb-2022-kabkota")
    assert office_case(batch, batch.office("5272")).decree.kantor.nama == "Komisi Pemilihan Umum Kota Bima"


# ---------------------------------------------------------------- plan changes of a decree with several lampiran


@pytest.fixture
def three_lampiran(tmp_path) -> Path:
    """The NTB case with three lampiran: its plan (I), a member list (II), and a second monthly
    plan (III, the same rows in a workbook of its own)."""
    base = tmp_path / "dasar"
    shutil.copytree(ROOT / "data" / "kpu-ntb-2022", base)
    shutil.copy(ROOT / "data" / "dasar-hukum.yaml", tmp_path / "dasar-hukum.yaml")
    shutil.copy(base / "rencana-aksi.xlsx", base / "rencana-aksi-sekretariat.xlsx")
    decree = yaml.safe_load((base / "keputusan.yaml").read_text())
    title = decree.pop("judul_lampiran")
    del decree["rencana_aksi"]
    decree["lampiran"] = [
        {"judul": title, "data": "rencana-aksi.xlsx", "sheet": "Rencana Aksi"},
        {
            "judul": "Susunan Tim Reformasi Birokrasi",
            "jenis": "anggota",
            "anggota": [{"nama": "[Contoh] Ani", "jabatan": "Sekretaris", "kedudukan": "Ketua"}],
        },
        {"judul": "Rencana Aksi Sekretariat", "data": "rencana-aksi-sekretariat.xlsx", "sheet": "Rencana Aksi"},
    ]
    (base / "keputusan.yaml").write_text(yaml.safe_dump(decree, allow_unicode=True, sort_keys=False))
    return base


def _office_of(tmp_path, base: Path, changes: list[dict]):
    batch = read_batch(write_batch(tmp_path, [{**DOMPU, "rencana_aksi": changes}], dasar=str(base)))
    return batch, batch.offices[0]


DROP_TIM_A = {"hapus": {"kegiatan": "Tim Reformasi Birokrasi", "huruf": "a"}}


def _tim(plan) -> list[str]:
    return [s.teks for s in plan.areas[0].kegiatan[0].sub_kegiatan]


@pytest.mark.parametrize("ref", [3, "3", "III", "Lampiran III", "lampiran  iii", "Rencana Aksi Sekretariat"])
def test_plan_changes_go_to_the_lampiran_they_name(tmp_path, three_lampiran, ref):
    unchanged = office_case(*_office_of(tmp_path, three_lampiran, []))
    added = {"tambah": {"kegiatan": "Tim Reformasi Birokrasi"}, "sub_kegiatan": "Rapat tim bulanan"}
    case = office_case(*_office_of(tmp_path, three_lampiran, [DROP_TIM_A, {**added, "lampiran": ref}]))
    assert _tim(case.tables[0]) == _tim(unchanged.tables[0])[1:]  # no lampiran named: the first monthly plan
    assert _tim(case.tables[2]) == [*_tim(unchanged.tables[2]), "Rapat tim bulanan"]  # the one named
    assert case.tables[1] is None and case.lampiran[1].anggota == unchanged.lampiran[1].anggota
    # every plan speaks of the office, not only the first
    assert all("KPU Kabupaten Dompu" in _tim(plan)[0] for plan in (unchanged.tables[0], case.tables[2]))


@pytest.mark.parametrize(
    "ref, expected",
    [
        (4, "kasus dasar tidak memiliki lampiran '4'; lampirannya: Lampiran I = 1 \"Rencana Aksi Reformasi"),
        ("Lampiran V", "tidak memiliki lampiran 'Lampiran V'"),
        ("Rencana Aksi Sekretariat 2023", "tidak memiliki lampiran 'Rencana Aksi Sekretariat 2023'"),
        (2, "Lampiran II ('2') kasus dasar bukan rencana aksi bulanan (anggota)"),
    ],
)
def test_a_change_to_a_lampiran_the_base_case_lacks_names_its_place(tmp_path, three_lampiran, ref, expected):
    from generator.messages import render_problems

    batch, office = _office_of(tmp_path, three_lampiran, [DROP_TIM_A, {**DROP_TIM_A, "lampiran": ref}])
    with pytest.raises(DataError) as info:
        office_case(batch, office)
    _heading, said, fix = render_problems(info.value.problems, "id").splitlines()
    line = next(
        n
        for n, text in enumerate((batch.file).read_text().splitlines(), start=1)
        if text.strip() == f"lampiran: {ref}" or text.strip() == f"lampiran: '{ref}'"
    )
    assert f"kantor.yaml, kunci kantor[1].rencana_aksi[2].lampiran (baris {line})" in said
    assert expected in said
    assert fix.strip().startswith("Perbaikan: sebut")


def test_changes_to_a_decree_without_a_monthly_plan_are_refused(tmp_path):
    from generator.messages import render_problems

    batch = read_batch(
        write_batch(
            tmp_path,
            [{**DOMPU, "rencana_aksi": [{**DROP_TIM_A, "lampiran": 1}]}],
            dasar=str(ROOT / "data" / "contoh-kpu-tanpa-lampiran"),
        )
    )
    with pytest.raises(DataError) as info:
        office_case(batch, batch.offices[0])
    assert "kasus dasar tidak memiliki lampiran" in render_problems(info.value.problems, "id")
