"""End to end on real LibreOffice: the samples with other lampiran than the monthly plan, built
from data and read back from the PDFs in reading order (pdftotext -raw), page by page."""

from __future__ import annotations

import json
import re

import pytest
from pypdf import PdfReader

from generator.load import load_case
from generator.model import PERIODS
from generator.numbering import item_letter, roman
from tests.conftest import ROOT, body_text, pages_text, squash

pytestmark = pytest.mark.libreoffice
TRIWULAN = ROOT / "data" / "contoh-rencana-aksi-triwulan"
SK_TIM = ROOT / "data" / "contoh-sk-tim"
NASIONAL = ROOT / "data" / "contoh-kpu-tanpa-lampiran"
TAIL = "yang merupakan bagian tidak terpisahkan dari Keputusan ini."


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from generator.pipeline import build

    out = tmp_path_factory.mktemp("lampiran-build")
    return {case.name: build(case, out) for case in (TRIWULAN, SK_TIM, NASIONAL)}


def _page_numbers(pages: list[str]) -> list[int | None]:
    """The number printed at the top of each page ("- 4 -"), None where there is none."""
    found = []
    for page in pages:
        first = page.strip().splitlines()[0] if page.strip() else ""
        match = re.fullmatch(r"- (\d+) -", first.strip())
        found.append(int(match.group(1)) if match else None)
    return found


def _outline(pdf) -> list[tuple[str, int]]:
    reader = PdfReader(str(pdf))
    return [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline]


def _fields(result, variant) -> dict[str, int]:
    signing = json.loads(result.bundles[variant].with_name(f"{result.case.name}-{variant}.signing.json").read_text())
    return {field["name"]: field["page"] for field in signing["fields"]}


# ---------------------------------------------------------------- a quarterly plan


def test_the_quarterly_plan_reads_in_order_with_its_groups_numbered_and_items_lettered(built):
    result = built[TRIWULAN.name]
    case = load_case(TRIWULAN)
    text = squash(body_text(result.bundles["salinan"]))
    # the diktum names the one lampiran it points to
    assert (
        squash(
            "KESATU : Menetapkan Rencana Aksi Reformasi Birokrasi Triwulanan di Lingkungan Komisi Pemilihan Umum "
            f"Kabupaten Lombok Barat Tahun 2024 sebagaimana tercantum dalam Lampiran {TAIL}"
        )
        in text
    )
    assert squash("LAMPIRAN KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN LOMBOK BARAT NOMOR 7/ORT.07/5201/2024") in text
    assert "LAMPIRANI" not in text  # a single lampiran has no numeral
    # every row in order: kegiatan utama numbered 1..6, rencana aksi lettered within their indikator
    position = text.index(squash(case.lampiran[0].judul.upper()))
    number = 0
    rows = case.tables[0].rows
    for r, row in enumerate(rows):
        kegiatan, _, aksi = row.values[:3]
        if kegiatan:
            number += 1
            position = text.index(squash(f"{number}{kegiatan}"), position)
        siblings = _siblings(rows, r)
        letter = f"{item_letter(siblings.index(r))}." if len(siblings) > 1 else ""
        position = text.index(squash(letter + aksi), position)
        for value in row.values[3:]:
            assert squash(value) in text
    assert number == 6


def _siblings(rows, r):
    """The rows under the same indikator as row r."""
    start = max(i for i in range(r + 1) if rows[i].values[1])
    end = next((i for i in range(r + 1, len(rows)) if rows[i].values[1] or rows[i].values[0]), len(rows))
    return list(range(start, end))


def test_every_table_page_has_both_heading_rows_its_column_numbers_and_its_group_labelled(built):
    result = built[TRIWULAN.name]
    case = load_case(TRIWULAN)
    pages = pages_text(result.bundles["asli"])
    first_table_page = next(i for i, page in enumerate(pages) if "LAMPIRAN" in page.splitlines()[0])
    table_pages = [p for p in pages[first_table_page:] if "RENCANA AKSI" in p]
    assert len(table_pages) >= 2
    kegiatan = [row.values[0] for row in case.tables[0].rows if row.values[0]]
    for page in table_pages:
        lines = [line.strip() for line in page.splitlines()]
        head = lines.index("NO KEGIATAN UTAMA INDIKATOR RENCANA AKSI OUTPUT SATUAN PIC")
        assert lines[head + 1 : head + 4] == ["TARGET", " ".join(PERIODS["triwulan"]), " ".join(map(str, range(1, 12)))]
        # the first row of every page names its kegiatan utama: its number and its words
        number, words = lines[head + 4].split(" ", 1)
        assert kegiatan[int(number) - 1].startswith(words.split()[0])


def test_the_quarterly_bundle_numbers_its_pages_marks_its_parts_and_signs_its_lampiran(built):
    result = built[TRIWULAN.name]
    for variant in ("asli", "salinan"):
        pages = pages_text(result.bundles[variant])
        numbers = _page_numbers(pages)
        assert numbers[0] is None
        printed = [n for n in numbers if n is not None]
        assert printed == sorted(printed) and len(set(printed)) == len(printed)
        lampiran_start = next(i for i, page in enumerate(pages) if page.strip().startswith("LAMPIRAN"))
        # continued: every page after the first carries its own number, the lampiran's first page none
        assert numbers[1:lampiran_start] == list(range(2, lampiran_start + 1))
        assert numbers[lampiran_start] is None
        assert numbers[lampiran_start + 1 :] == list(range(lampiran_start + 2, len(pages) + 1))
        assert _outline(result.bundles[variant]) == [("Keputusan", 1), ("Lampiran", lampiran_start + 1)]
    fields = _fields(result, "asli")
    assert set(fields) == {"ttd_ketua", "ttd_ketua_lampiran"} and fields["ttd_ketua_lampiran"] == result.pages["asli"]
    assert set(_fields(result, "salinan")) == {"ttd_pengesah_salinan", "ttd_pengesah_salinan_lampiran"}


# ---------------------------------------------------------------- a team: members and prose


def test_the_team_decree_of_an_official_names_both_lampiran_in_its_diktum(built):
    text = squash(body_text(built[SK_TIM.name].bundles["salinan"]))
    assert (
        squash("KEPUTUSAN SEKRETARIS KOMISI PEMILIHAN UMUM PROVINSI NUSA TENGGARA BARAT NOMOR 12/ORT.07/52/2024")
        in text
    )
    assert (
        squash("perlu menetapkan Keputusan Sekretaris Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat tentang")
        in text
    )
    assert (
        squash(
            "KESATU : Membentuk Tim Reformasi Birokrasi di Lingkungan Sekretariat Komisi Pemilihan Umum Provinsi "
            f"Nusa Tenggara Barat Tahun 2024 dengan susunan keanggotaan sebagaimana tercantum dalam Lampiran I {TAIL}"
        )
        in text
    )
    assert (
        squash(
            "KEDUA : Tim sebagaimana dimaksud dalam Diktum KESATU mempunyai uraian tugas sebagaimana tercantum "
            f"dalam Lampiran II {TAIL}"
        )
        in text
    )
    assert squash("KELIMA : Keputusan ini mulai berlaku pada tanggal ditetapkan.") in text


def test_each_lampiran_opens_with_its_numeral_and_ends_with_the_enactment_and_signature(built):
    result = built[SK_TIM.name]
    case = load_case(SK_TIM)
    pages = pages_text(result.bundles["salinan"])
    starts = [i for i, page in enumerate(pages) if re.match(r"LAMPIRAN (I|II)\n", page)]
    assert [pages[i].split("\n", 1)[0] for i in starts] == ["LAMPIRAN I", "LAMPIRAN II"]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(pages)
        part = squash("".join(pages[start:end]))
        # the official's decree: its title names the official
        heading = (
            f"LAMPIRAN {roman(n + 1)} KEPUTUSAN SEKRETARIS KOMISI PEMILIHAN UMUM PROVINSI NUSA TENGGARA BARAT NOMOR"
        )
        assert part.startswith(squash(heading + " 12/ORT.07/52/2024 TENTANG PEMBENTUKAN TIM"))
        assert squash(case.lampiran[n].judul.upper()) in part
        closing = squash("Mataram, 8 Januari 2024")
        assert part.endswith(
            squash("SEKRETARIS KOMISI PEMILIHAN UMUM PROVINSI NUSA TENGGARA BARAT, ttd. [CONTOH] NAMA SEKRETARIS")
        )
        assert closing in part
        assert part.index(closing) > part.index(squash(case.lampiran[n].judul.upper()))
    assert _outline(result.bundles["salinan"]) == [
        ("Keputusan", 1),
        ("Lampiran I", starts[0] + 1),
        ("Lampiran II", starts[1] + 1),
    ]
    numbers = _page_numbers(pages)
    assert [numbers[i] for i in starts] == [None, None]  # each lampiran's first page carries none
    assert [n for n in numbers if n is not None] == [i + 1 for i, n in enumerate(numbers) if n is not None]


def test_the_member_list_numbers_every_member_in_order(built):
    result = built[SK_TIM.name]
    case = load_case(SK_TIM)
    text = squash(body_text(result.bundles["asli"]))
    position = text.index(squash("NO NAMA JABATAN / UNSUR KEDUDUKAN DALAM TIM"))
    for n, member in enumerate(case.lampiran[0].anggota or (), start=1):
        position = text.index(squash(f"{n} {member.nama} {member.jabatan} {member.kedudukan}"), position)


def test_the_prose_has_its_chapters_sections_and_lists_numbered(built):
    result = built[SK_TIM.name]
    case = load_case(SK_TIM)
    text = squash(body_text(result.bundles["asli"]))
    position = text.index(squash(case.lampiran[1].judul.upper()))
    chapter = section = subsection = 0
    for block in case.lampiran[1].isi or ():
        if block.kind == "bab":
            chapter, section, subsection = chapter + 1, 0, 0
            wanted = [f"BAB {roman(chapter)} {(block.bab or '').upper()}"]
        elif block.kind == "bagian":
            section, subsection = section + 1, 0
            wanted = [f"{item_letter(section - 1).upper()}. {block.bagian}"]
        elif block.kind == "subbagian":
            subsection += 1
            wanted = [f"{subsection}. {block.subbagian}"]
        elif block.kind == "paragraf":
            wanted = [block.paragraf or ""]
        else:
            labels = [item_letter(i) if subsection else str(i + 1) for i in range(len(block.butir or []))]
            wanted = [f"{label}. {item}" for label, item in zip(labels, block.butir or [])]
        for words in wanted:
            position = text.index(squash(words), position)


def test_every_lampiran_block_has_its_signature_field(built):
    result = built[SK_TIM.name]
    pages = pages_text(result.bundles["asli"])
    starts = [i + 1 for i, page in enumerate(pages) if page.startswith("LAMPIRAN")]
    fields = _fields(result, "asli")
    assert set(fields) == {"ttd_ketua", "ttd_ketua_lampiran_1", "ttd_ketua_lampiran_2"}
    assert (
        fields["ttd_ketua"] < starts[0] <= fields["ttd_ketua_lampiran_1"] < starts[1] <= fields["ttd_ketua_lampiran_2"]
    )
    assert set(_fields(result, "salinan")) == {
        "ttd_pengesah_salinan",
        "ttd_pengesah_salinan_lampiran_1",
        "ttd_pengesah_salinan_lampiran_2",
    }
    outputs = sorted(p.name for p in result.out_dir.iterdir() if p.name.endswith(".docx"))
    assert outputs == [
        f"contoh-sk-tim-{variant}-{part}.docx"
        for variant in ("asli", "salinan")
        for part in ("keputusan", "lampiran-1", "lampiran-2")
    ]


# ---------------------------------------------------------------- none, and pages counted again


def _copy_case(source, tmp_path, change):
    import shutil

    import yaml

    dest = tmp_path / "data" / source.name
    shutil.copytree(source, dest)
    shutil.copy(ROOT / "data" / "dasar-hukum.yaml", tmp_path / "data" / "dasar-hukum.yaml")
    path = dest / "keputusan.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return dest


def test_a_decree_without_lampiran_is_the_decree_alone(tmp_path):
    from generator.pipeline import build

    case_dir = _copy_case(SK_TIM, tmp_path, lambda d: d.__setitem__("lampiran", []))
    result = build(case_dir, tmp_path / "out")
    for variant in ("asli", "salinan"):
        pages = pages_text(result.bundles[variant])
        assert result.pages[variant] == len(pages) and not any(p.startswith("LAMPIRAN") for p in pages)
        assert _outline(result.bundles[variant]) == [("Keputusan", 1)]
    text = squash(body_text(result.bundles["asli"]))
    assert "sebagaimanatercantumdalam" not in text  # no diktum points to a lampiran
    assert squash("KESATU : Membentuk Tim Reformasi Birokrasi") in text
    assert set(_fields(result, "asli")) == {"ttd_ketua"}  # ttd_lampiran on, but no lampiran to sign
    assert sorted(p.name for p in result.out_dir.iterdir() if p.suffix == ".docx") == [
        "contoh-sk-tim-asli-keputusan.docx",
        "contoh-sk-tim-salinan-keputusan.docx",
    ]


def test_with_pages_counted_again_each_lampiran_starts_at_one_on_a4(tmp_path):
    from generator.pipeline import build

    def change(data):
        data["profil"].update(nomor_halaman_lampiran="ulang", kertas="A4")

    result = build(_copy_case(SK_TIM, tmp_path, change), tmp_path / "out")
    pages = pages_text(result.bundles["salinan"])
    starts = [i for i, page in enumerate(pages) if page.startswith("LAMPIRAN")]
    numbers = _page_numbers(pages)
    assert numbers[: starts[0]] == [None, *range(2, starts[0] + 1)]
    assert numbers[starts[0] : starts[1]] == [None, *range(2, starts[1] - starts[0] + 1)]
    assert numbers[starts[1] :] == [None, *range(2, len(pages) - starts[1] + 1)]
    assert len(pages) - starts[1] >= 2  # the prose runs over a page: its second page is "- 2 -"


# ---------------------------------------------------------------- a national body, no lampiran


def test_a_national_body_s_decree_without_lampiran_reads_in_order(built):
    result = built[NASIONAL.name]
    case = load_case(NASIONAL)
    assert case.lampiran == ()
    for variant in ("asli", "salinan"):
        pages = pages_text(result.bundles[variant])
        assert _outline(result.bundles[variant]) == [("Keputusan", 1)] and len(pages) == result.pages[variant]
        assert not any("LAMPIRAN" in page for page in pages)
        assert _page_numbers(pages) == [None, *range(2, len(pages) + 1)]
    text = squash(body_text(result.bundles["salinan"]))
    d = case.decree
    in_order = [
        "SALINAN KOMISI PEMILIHAN UMUM KEPUTUSAN KOMISI PEMILIHAN UMUM NOMOR 35 TAHUN 2024 TENTANG",
        d.tentang.upper(),
        "KETUA KOMISI PEMILIHAN UMUM, Menimbang : a.",
        d.menimbang[0],
        "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan Komisi "
        f"Pemilihan Umum tentang {d.tentang};",
        "Mengingat : 1.",
        *(f"{n}. {citation};" for n, citation in enumerate(case.mengingat, start=1)),
        "MEMUTUSKAN: Menetapkan : KEPUTUSAN KOMISI PEMILIHAN UMUM TENTANG",
        *(f"{label} : {text}" for label, text in zip(("KESATU", "KEDUA", "KETIGA"), d.diktum)),
        "KEEMPAT : Keputusan ini mulai berlaku pada tanggal ditetapkan.",
        "Ditetapkan di Jakarta pada tanggal 8 Maret 2024 KETUA KOMISI PEMILIHAN UMUM, ttd. [CONTOH] NAMA KETUA KPU",
    ]
    position = 0
    for words in in_order:
        position = text.index(squash(words), position)
    assert "sebagaimanatercantumdalamLampiran" not in text
    assert set(_fields(result, "asli")) == {"ttd_ketua"}
    assert sorted(p.name for p in result.out_dir.iterdir() if p.suffix == ".docx") == [
        f"{NASIONAL.name}-{variant}-keputusan.docx" for variant in ("asli", "salinan")
    ]


@pytest.mark.parametrize("source", [TRIWULAN, SK_TIM], ids=["tabel", "anggota-prosa"])
def test_the_workbook_form_builds_the_same_bundles(built, source, tmp_path):
    """What staff type in the workbook (a table's rows, members, prose in their sheets) prints
    exactly what the YAML form does: convert-case keeps every lampiran."""
    import hashlib
    import shutil

    from generator.cases import convert_case
    from generator.pipeline import build

    shutil.copy(ROOT / "data" / "dasar-hukum.yaml", tmp_path / "dasar-hukum.yaml")
    convert_case(source, tmp_path / source.name, to="workbook")
    result = build(tmp_path / source.name, tmp_path / "out")
    for variant in ("asli", "salinan"):
        sums = [hashlib.sha256(r.bundles[variant].read_bytes()).hexdigest() for r in (result, built[source.name])]
        assert sums[0] == sums[1], variant
