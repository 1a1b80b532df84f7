"""The decree head by configuration: who issues it (the institution or its official), national
bodies without a region, DENGAN RAHMAT TUHAN YANG MAHA ESA, Memperhatikan, the office's own
Menetapkan, the letterhead, the number's month parts; in both forms of a case, and end to end.

The fixture tests/fixtures/ptun-makassar is a made-up court decree (see its keputusan.yaml)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from generator import fields, render
from generator.cases import convert_case, init_case
from generator.cli import main
from generator.content import case_content, decree_dict
from generator.errors import DataError
from generator.load import load_case
from generator.messages import render_problem
from generator.schema import DECREE_SHEET, KANTOR_COLUMNS, KANTOR_SHEET
from tests.conftest import NTB_CASE, ROOT, body_text, pdf_text, squash

PTUN = ROOT / "tests" / "fixtures" / "ptun-makassar"
PTUN_NUMBER = "W4.TUN-1/50/OT.01.1/I/2020"
PTUN_TENTANG = "Rencana Aksi Pembangunan Zona Integritas Pengadilan Tata Usaha Negara Makassar Tahun 2020"


def doc_text(path: Path) -> str:
    """All paragraph text of a .docx, tables included, in document order, one line a paragraph."""
    body = Document(str(path)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def assert_in_order(text: str, parts: list[str]) -> None:
    """Each part occurs in `text` after the one before it (compared without white space, as
    words wrap differently in each layout)."""
    flat, at = squash(text), 0
    for part in parts:
        found = flat.find(squash(part), at)
        assert found >= 0, f"{part!r} not found after {flat[max(0, at - 80) : at]!r}"
        at = found + len(squash(part))


def variant_of_ptun(tmp_path: Path, change) -> Path:
    """A copy of the court fixture with its keputusan.yaml changed by `change(data)`."""
    case = tmp_path / "kasus"
    shutil.copytree(PTUN, case)
    path = case / "keputusan.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return case


def _ministry(data: dict) -> None:
    data["kantor"] = {"lembaga": "Kementerian Agama", "wilayah": "Republik Indonesia", "kedudukan": "Jakarta"}
    data["penandatangan"] = {"jabatan": "Menteri", "jabatan_lengkap": "Menteri Agama Republik Indonesia", "nama": "X"}
    data["nomor"] = {"format": "{urut} TAHUN {tahun}", "urut": 35}
    data["tentang"] = "Pedoman Contoh"
    data.pop("memperhatikan")


def _kpu_ri(data: dict) -> None:
    data["kantor"] = {"lembaga": "Komisi Pemilihan Umum", "kedudukan": "Jakarta"}
    data["nomor"] = {"format": "{urut} TAHUN {tahun}", "urut": 35}
    data["tentang"] = "Pedoman Contoh"
    for key in ("penerbit", "dengan_rahmat", "memperhatikan"):
        data.pop(key)


# ---------------------------------------------------------------- the model and the rendered decree


def test_the_court_fixture_is_an_official_s_decree_without_a_region():
    decree = load_case(PTUN).decree
    assert decree.nomor_lengkap == PTUN_NUMBER
    assert decree.kantor.wilayah is None and decree.kantor.kode_wilayah is None
    assert decree.nama_penerbit == "Ketua Pengadilan Tata Usaha Negara Makassar"
    assert decree.jabatan_penandatangan == "Ketua Pengadilan Tata Usaha Negara Makassar"


def test_title_rahmat_memperhatikan_and_menetapkan_of_an_official_s_decree(tmp_path):
    text = doc_text(render.render_keputusan(load_case(PTUN), "asli", tmp_path / "k.docx"))
    lines = text.splitlines()
    # the letterhead as typed, in capitals, then the title naming the official
    assert lines[:3] == [
        "MAHKAMAH AGUNG REPUBLIK INDONESIA",
        "DIREKTORAT JENDERAL BADAN PERADILAN MILITER DAN PERADILAN TATA USAHA NEGARA",
        "PENGADILAN TATA USAHA NEGARA MAKASSAR",
    ]
    assert_in_order(
        text,
        [
            "KEPUTUSAN KETUA PENGADILAN TATA USAHA NEGARA MAKASSAR",
            f"NOMOR {PTUN_NUMBER}",
            "TENTANG",
            PTUN_TENTANG.upper(),
            "DENGAN RAHMAT TUHAN YANG MAHA ESA",
            "KETUA PENGADILAN TATA USAHA NEGARA MAKASSAR,",
            "Menimbang",
            "c.\tbahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
            f"Keputusan Ketua Pengadilan Tata Usaha Negara Makassar tentang {PTUN_TENTANG};",
            "Mengingat",
            "3.\tPeraturan Menteri Pendayagunaan",
            "Memperhatikan",
            ":",
            "1.\tHasil Rapat Pimpinan Pengadilan Tata Usaha Negara Makassar tanggal 6 Januari 2020;",
            "MEMUTUSKAN:",
            "Menetapkan",
            f"KEPUTUSAN KETUA PENGADILAN TATA USAHA NEGARA MAKASSAR TENTANG {PTUN_TENTANG.upper()}.",
            "KESATU",
        ],
    )
    assert "KEPUTUSAN PENGADILAN" not in text  # the institution's wording, which an official's decree must not use


def test_a_ministry_is_titled_after_its_minister(tmp_path):
    case = load_case(variant_of_ptun(tmp_path, _ministry))
    text = doc_text(render.render_keputusan(case, "asli", tmp_path / "k.docx"))
    assert text.splitlines()[:2] == ["KEMENTERIAN AGAMA", "REPUBLIK INDONESIA"]  # the letterhead from the office
    assert_in_order(
        text,
        [
            "KEPUTUSAN MENTERI AGAMA REPUBLIK INDONESIA",
            "NOMOR 35 TAHUN 2020",
            "PEDOMAN CONTOH",
            "DENGAN RAHMAT TUHAN YANG MAHA ESA",
            "MENTERI AGAMA REPUBLIK INDONESIA,",
            "perlu menetapkan Keputusan Menteri Agama Republik Indonesia tentang Pedoman Contoh;",
            "Menetapkan",
            "KEPUTUSAN MENTERI AGAMA REPUBLIK INDONESIA TENTANG PEDOMAN CONTOH.",
        ],
    )
    assert "Memperhatikan" not in text and "KEMENTERIAN AGAMA REPUBLIK INDONESIA TENTANG" not in text
    # the signature field is looked for under the title as printed, and says whose decree it is
    ketua = fields.field_specs(case, "asli", 2, 3)[0]
    assert ketua.title_words == ("MENTERI", "AGAMA", "REPUBLIK", "INDONESIA,")
    assert ketua.reason == (
        "Menetapkan Keputusan Menteri Agama Republik Indonesia Nomor 35 TAHUN 2020 tentang Pedoman Contoh"
    )


def test_a_national_institution_has_no_region(tmp_path):
    case = load_case(variant_of_ptun(tmp_path, _kpu_ri))
    text = doc_text(render.render_keputusan(case, "asli", tmp_path / "k.docx"))
    lines = text.splitlines()
    assert lines[0] == "KOMISI PEMILIHAN UMUM" and lines[1] == ""  # one line of letterhead, nothing invented
    assert_in_order(
        text,
        [
            "KEPUTUSAN KOMISI PEMILIHAN UMUM",
            "NOMOR 35 TAHUN 2020",
            "KETUA KOMISI PEMILIHAN UMUM,",
            "perlu menetapkan Keputusan Komisi Pemilihan Umum tentang Pedoman Contoh;",
            "KEPUTUSAN KOMISI PEMILIHAN UMUM TENTANG PEDOMAN CONTOH.",
        ],
    )
    assert "DENGAN RAHMAT" not in text and "Memperhatikan" not in text and "None" not in text


def test_the_office_s_own_menetapkan_is_printed_as_typed(tmp_path):
    own = "Keputusan Ketua Pengadilan Tata Usaha Negara Makassar tentang Rencana Aksi Tahun 2020."
    case = load_case(variant_of_ptun(tmp_path, lambda d: d.__setitem__("menetapkan", own)))
    text = doc_text(render.render_keputusan(case, "asli", tmp_path / "k.docx"))
    assert f"Menetapkan\n:\n{own}\n" in text
    assert "TENTANG RENCANA AKSI PEMBANGUNAN" not in text


@pytest.mark.parametrize(
    "fmt, number",
    [
        ("W11.U/{urut}/OT.01.3/{bulan_tanpa_nol}/{tahun}", "W11.U/50/OT.01.3/1/2020"),
        ("{urut}/{klasifikasi}/{bulan}/{tahun}", "50/OT.01.1/01/2020"),
        ("{kode_lembaga}/{urut}/{klasifikasi}/{bulan_romawi}/{tahun}", PTUN_NUMBER),
    ],
)
def test_month_parts_of_the_number(tmp_path, fmt, number):
    case = load_case(variant_of_ptun(tmp_path, lambda d: d["nomor"].__setitem__("format", fmt)))
    assert case.decree.nomor_lengkap == number


def test_a_code_with_a_leading_zero_is_kept(tmp_path):
    def change(data):
        data["nomor"] = {"format": "{urut}/Kpts/{kode_lembaga}/{tahun}", "urut": "147", "kode_lembaga": "KPU-Prov-017"}

    assert load_case(variant_of_ptun(tmp_path, change)).decree.nomor_lengkap == "147/Kpts/KPU-Prov-017/2020"
    # typed without quotes, 017 is not YAML 1.1's octal 15
    path = PTUN / "keputusan.yaml"
    case = tmp_path / "tanpa-kutip"
    shutil.copytree(PTUN, case)
    (case / "keputusan.yaml").write_text(
        path.read_text(encoding="utf-8").replace("urut: 50", "urut: 017"), encoding="utf-8"
    )
    assert load_case(case).decree.nomor_lengkap == "W4.TUN-1/017/OT.01.1/I/2020"


def test_a_format_asking_for_a_region_code_the_office_lacks(tmp_path):
    case = variant_of_ptun(tmp_path, lambda d: d["nomor"].__setitem__("format", "{urut}/{kode_wilayah}/{tahun}"))
    with pytest.raises(DataError) as exc:
        load_case(case)
    (found,) = exc.value.problems
    assert found.code == "nomor.no_region_code" and found.place.key == "nomor.format"
    said = " ".join(render_problem(found, "id"))
    assert "tidak mempunyai kode wilayah" in said and "hapus {kode_wilayah} dari format nomor" in said


def test_the_head_settings_are_refused_by_key_when_wrong(tmp_path):
    def change(data):
        data["penerbit"] = "ketua"
        data["memperhatikan"] = ["  "]
        data["kantor"]["kop"] = []

    with pytest.raises(DataError) as exc:
        load_case(variant_of_ptun(tmp_path, change))
    said = {p.place.key: " ".join(render_problem(p, "id")) for p in exc.value.problems}
    assert "pilih salah satu: 'lembaga' or 'pejabat'" in said["penerbit"]
    assert "butir ke-1 kosong" in said["memperhatikan"]
    assert "tidak boleh kosong" in said["kantor.kop"]


def test_cases_written_before_keep_their_content():
    """The keys added for the decree head are left out at their defaults: the NTB case's content
    (what revisions hash and diff compares) has exactly the keys it had."""
    ntb = decree_dict(load_case(NTB_CASE))
    assert set(ntb) == {
        "kantor",
        "nomor",
        "tahun",
        "tentang",
        "judul_lampiran",
        "menimbang",
        "diktum",
        "ditetapkan",
        "penandatangan",
        "pengesah_salinan",
        "profil",
    }
    assert set(ntb["kantor"]) == {"lembaga", "wilayah", "kode_wilayah", "kedudukan"}
    assert set(ntb["penandatangan"]) == {"jabatan", "nama"}
    court = decree_dict(load_case(PTUN))
    assert court["penerbit"] == "pejabat" and court["dengan_rahmat"] is True and len(court["kantor"]["kop"]) == 3


def _label_column_widths(docx: Path) -> list[int]:
    """The first grid column of each table that holds a section label (Menimbang ... Menetapkan)."""
    widths = []
    for tbl in Document(str(docx)).element.body.iter(qn("w:tbl")):
        firsts = {"".join(t.text or "" for t in tr.find(qn("w:tc")).iter(qn("w:t"))) for tr in tbl.iter(qn("w:tr"))}
        if firsts & set(render.SECTION_LABELS):
            widths.append(int(tbl.find(qn("w:tblGrid")).find(qn("w:gridCol")).get(qn("w:w"))))
    return widths


def test_the_label_column_widens_for_memperhatikan_only(tmp_path):
    ntb = _label_column_widths(render.render_keputusan(load_case(NTB_CASE), "asli", tmp_path / "n.docx"))
    court = _label_column_widths(render.render_keputusan(load_case(PTUN), "asli", tmp_path / "c.docx"))
    template = _label_column_widths(render.DEFAULT_TEMPLATES / "keputusan.docx")
    assert len(ntb) == len(court) == 2
    assert ntb == template  # the NTB decree's labels fit the template's column
    assert court[0] == court[1] > template[0]  # wider for "Memperhatikan", and the two tables stay aligned


# ---------------------------------------------------------------- the workbook form


def _rows(sheet, label: str) -> list[int]:
    return [r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == label]


def test_round_trip_keeps_every_head_setting(tmp_path):
    original = load_case(PTUN)
    convert_case(PTUN, tmp_path / "wb")
    convert_case(tmp_path / "wb", tmp_path / "yaml")
    convert_case(tmp_path / "yaml", tmp_path / "wb2")
    for folder in ("wb", "yaml", "wb2"):
        assert case_content(load_case(tmp_path / folder)) == case_content(original), folder
    # the workbook lists its lampiran (sheet Lampiran) where this case gives its one plan's title
    form = {"dasar_hukum", "rencana_aksi", "judul_lampiran", "lampiran"}
    again = load_case(tmp_path / "wb2").decree
    assert again.model_dump(exclude=form) == original.decree.model_dump(exclude=form)
    assert [s.judul for s in again.daftar_lampiran] == [s.judul for s in original.decree.daftar_lampiran]
    sheet = openpyxl.load_workbook(tmp_path / "wb" / "keputusan.xlsx")[DECREE_SHEET]
    assert [sheet.cell(row=r, column=2).value for r in _rows(sheet, "Kop Surat")] == original.decree.kantor.kop
    assert [sheet.cell(row=r, column=2).value for r in _rows(sheet, "Penerbit Keputusan")] == ["pejabat"]


def test_init_from_keeps_the_head(tmp_path):
    init_case(tmp_path / "baru", PTUN)
    again = load_case(tmp_path / "baru").decree
    original = load_case(PTUN).decree
    form = {"dasar_hukum", "rencana_aksi", "judul_lampiran", "lampiran"}  # the lampiran: their own sheet
    assert again.model_dump(exclude=form) == original.model_dump(exclude=form)
    assert [s.judul for s in again.daftar_lampiran] == [s.judul for s in original.daftar_lampiran]


def test_init_writes_the_head_rows_with_hints_and_dropdowns(tmp_path):
    book = openpyxl.load_workbook(init_case(tmp_path / "baru"))
    sheet = book[DECREE_SHEET]
    checks = {str(rng): dv for dv in sheet.data_validations.dataValidation for rng in dv.sqref.ranges}
    for label in (
        "Kop Surat",
        "Penerbit Keputusan",
        "Dengan Rahmat Tuhan Yang Maha Esa",
        "Memperhatikan",
        "Menetapkan",
        "Jabatan Lengkap Penandatangan",
    ):
        (row,) = _rows(sheet, label)
        assert len(sheet.cell(row=row, column=3).value) > 30, label  # a hint that says what to write
    (penerbit,) = _rows(sheet, "Penerbit Keputusan")
    (rahmat,) = _rows(sheet, "Dengan Rahmat Tuhan Yang Maha Esa")
    assert sheet.cell(row=penerbit, column=2).value == "lembaga" and sheet.cell(row=rahmat, column=2).value == "tidak"
    assert checks[f"B{penerbit}"].formula1 == '"lembaga,pejabat"'
    assert any(f"B{rahmat}" in rng and dv.formula1 == '"ya,tidak"' for rng, dv in checks.items())


def test_every_code_cell_is_a_text_cell(tmp_path):
    """Excel keeps what is typed into a text cell: 017 stays 017 (a General cell makes it 17)."""
    book = openpyxl.load_workbook(init_case(tmp_path / "baru"))
    sheet = book[DECREE_SHEET]
    for label in (
        "Kode Wilayah",
        "Nomor Urut",
        "Klasifikasi",
        "Kode Lembaga",
        "NIP Pengesah Salinan",
        "Jangkar Tanda Tangan",
    ):
        (row,) = _rows(sheet, label)
        assert sheet.cell(row=row, column=2).number_format == "@", label
    kantor = book[KANTOR_SHEET]
    for c, column in enumerate(KANTOR_COLUMNS, start=1):
        if column.label in ("Kode Wilayah", "Nomor Urut", "NIP Pengesah Salinan"):
            assert kantor.cell(row=2, column=c).number_format == "@", column.label
            assert kantor.cell(row=1001, column=c).number_format == "@", column.label


def test_a_number_typed_with_a_leading_zero_in_the_workbook_keeps_it(tmp_path):
    convert_case(PTUN, tmp_path / "wb")
    path = tmp_path / "wb" / "keputusan.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book[DECREE_SHEET]
    (urut,) = _rows(sheet, "Nomor Urut")
    (klasifikasi,) = _rows(sheet, "Klasifikasi")
    sheet.cell(row=urut, column=2).value = "017"  # what Excel stores for 017 typed into a text cell
    sheet.cell(row=klasifikasi, column=2).value = "01"
    book.save(path)
    decree = load_case(tmp_path / "wb").decree
    assert decree.nomor.urut == "017" and decree.nomor_lengkap == "W4.TUN-1/017/01/I/2020"


def test_workbook_names_the_format_cell_when_the_office_has_no_region_code(tmp_path, capsys):
    convert_case(PTUN, tmp_path / "wb")
    path = tmp_path / "wb" / "keputusan.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book[DECREE_SHEET]
    (row,) = _rows(sheet, "Format Nomor")
    sheet.cell(row=row, column=2).value = "{urut}/{klasifikasi}/{kode_wilayah}/{tahun}"
    book.save(path)
    assert main(["validate", str(tmp_path / "wb")]) == 2
    err = capsys.readouterr().err
    assert (
        f"keputusan.xlsx, Keputusan!B{row}: format nomor memakai {{kode_wilayah}}, tetapi kantor ini tidak "
        "mempunyai kode wilayah (Kode Wilayah kosong" in err
    ), err


def test_a_workbook_written_before_the_head_rows_loads_unchanged(tmp_path):
    """A workbook made before these rows existed lacks them: it loads with their defaults."""
    convert_case(NTB_CASE, tmp_path / "wb")
    path = tmp_path / "wb" / "keputusan.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book[DECREE_SHEET]
    added = {
        "Kop Surat",
        "Penerbit Keputusan",
        "Dengan Rahmat Tuhan Yang Maha Esa",
        "Memperhatikan",
        "Menetapkan",
        "Jabatan Lengkap Penandatangan",
    }
    for row in sorted((r for label in added for r in _rows(sheet, label)), reverse=True):
        sheet.delete_rows(row)
    book.save(path)
    assert not any(_rows(openpyxl.load_workbook(path)[DECREE_SHEET], label) for label in added)
    assert case_content(load_case(tmp_path / "wb")) == case_content(load_case(NTB_CASE))


# ---------------------------------------------------------------- end to end, real LibreOffice


@pytest.fixture(scope="module")
def court_build(tmp_path_factory):
    from generator.pipeline import build

    return build(PTUN, tmp_path_factory.mktemp("ptun"))


def _words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    word = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>'
    return [(float(x), float(y), w) for x, y, w in re.findall(word, html)]


@pytest.mark.libreoffice
def test_a_court_decree_reads_in_order_in_the_pdf(court_build):
    salinan = court_build.bundles["salinan"]
    text = body_text(salinan)
    assert_in_order(
        text,
        [
            "SALINAN",
            "MAHKAMAH AGUNG REPUBLIK INDONESIA",
            "PENGADILAN TATA USAHA NEGARA MAKASSAR",
            "KEPUTUSAN KETUA PENGADILAN TATA USAHA NEGARA MAKASSAR",
            f"NOMOR {PTUN_NUMBER}",
            "TENTANG",
            PTUN_TENTANG.upper(),
            "DENGAN RAHMAT TUHAN YANG MAHA ESA",
            "KETUA PENGADILAN TATA USAHA NEGARA MAKASSAR,",
            "Menimbang : a. bahwa dalam rangka",
            "c. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
            f"Keputusan Ketua Pengadilan Tata Usaha Negara Makassar tentang {PTUN_TENTANG};",
            "Mengingat : 1. Undang-Undang Nomor 48 Tahun 2009",
            "Memperhatikan : 1. Hasil Rapat Pimpinan Pengadilan Tata Usaha Negara Makassar tanggal 6 Januari 2020;",
            "MEMUTUSKAN:",
            f"Menetapkan : KEPUTUSAN KETUA PENGADILAN TATA USAHA NEGARA MAKASSAR TENTANG {PTUN_TENTANG.upper()}.",
            "KESATU : Menetapkan Rencana Aksi",
            "KETIGA : Keputusan ini mulai berlaku pada tanggal ditetapkan.",
            "Ditetapkan di Makassar",
            "pada tanggal 7 Januari 2020",
            "KETUA PENGADILAN TATA USAHA NEGARA MAKASSAR,",
            "ttd.",
            # the lampiran's heading names the official too
            "LAMPIRAN",
            "KEPUTUSAN KETUA PENGADILAN TATA USAHA NEGARA MAKASSAR",
            f"NOMOR {PTUN_NUMBER}",
        ],
    )
    assert re.findall(r"NOMOR\s+(\S+)", pdf_text(salinan)) == [PTUN_NUMBER, PTUN_NUMBER]
    assert "KEPUTUSAN PENGADILAN" not in squash(text).replace("KEPUTUSANKETUAPENGADILAN", "")
    assert PdfReader(str(salinan)).metadata.title == (
        f"Keputusan Ketua Pengadilan Tata Usaha Negara Makassar Nomor {PTUN_NUMBER} tentang {PTUN_TENTANG}"
    )


@pytest.mark.libreoffice
def test_memperhatikan_stands_whole_and_aligned_with_the_other_labels(court_build):
    salinan = court_build.bundles["salinan"]
    page = next(n for n, t in enumerate(pdf_text(salinan).split("\f"), start=1) if "Memperhatikan" in t)
    words = _words(salinan, page)
    left = min(x for x, _, _ in words)  # the label column: the words at the left margin
    labels = {w: (x, y) for x, y, w in words if w in ("Memperhatikan", "Menetapkan", "KESATU") and x < left + 1}
    assert set(labels) == {"Memperhatikan", "Menetapkan", "KESATU"}  # one word each: not broken inside
    colons = [min(x for x, y, w in words if w == ":" and abs(y - labels[label][1]) < 2) for label in labels]
    assert max(colons) - min(colons) < 1, colons  # the colons of both tables in one column
    assert all(colon > labels["Memperhatikan"][0] + 60 for colon in colons)  # right of the whole label


@pytest.mark.libreoffice
def test_the_signature_fields_find_the_official(court_build):
    for variant, name in (("asli", "ttd_ketua"), ("salinan", "ttd_pengesah_salinan")):
        signing = json.loads(court_build.bundles[variant].with_suffix(".signing.json").read_text(encoding="utf-8"))
        (field,) = signing["fields"]
        assert field["name"] == name and field["box"]["page"] == 2
    asli = json.loads(court_build.bundles["asli"].with_suffix(".signing.json").read_text(encoding="utf-8"))
    assert asli["fields"][0]["signer"]["title"] == "Ketua Pengadilan Tata Usaha Negara Makassar"
