"""End to end on real LibreOffice: the NTB 2022 decree built from data, read back from the PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.load import load_case
from generator.numbering import item_letter
from tests.conftest import NTB_CASE, body_text, pages_text, pdf_text, squash

pytestmark = pytest.mark.libreoffice
NUMBER = "19/ORT.07/52/2022"


@pytest.fixture(scope="module")
def case():
    return load_case(NTB_CASE)


@pytest.fixture(scope="module")
def salinan(ntb_build):
    return ntb_build.bundles["salinan"]


@pytest.fixture(scope="module")
def asli(ntb_build):
    return ntb_build.bundles["asli"]


def test_outputs_are_where_the_readme_says(ntb_build):
    folder = ntb_build.out_dir
    assert folder.name == "kpu-ntb-2022"
    for name in (
        "kpu-ntb-2022-asli.pdf",
        "kpu-ntb-2022-salinan.pdf",
        "kpu-ntb-2022-asli-keputusan.docx",
        "kpu-ntb-2022-asli-lampiran.docx",
        "kpu-ntb-2022-salinan-keputusan.docx",
        "kpu-ntb-2022-salinan-lampiran.docx",
        "manifest.json",
    ):
        assert (folder / name).is_file(), name
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "work files left behind"


def test_every_menimbang_and_mengingat_item_is_printed(salinan, case):
    text = squash(body_text(salinan))
    for i, item in enumerate(case.decree.menimbang):
        assert squash(f"{item_letter(i)}. {item}") in text
    assert (
        squash(
            "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
            "Keputusan Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat tentang Rencana Aksi Reformasi "
            "Birokrasi di Lingkungan Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat Tahun 2022;"
        )
        in text
    )
    for n, citation in enumerate(case.mengingat, start=1):
        assert squash(f"{n}. {citation};") in text


def test_every_sub_kegiatan_and_indikator_is_printed(salinan, case):
    text = squash(body_text(salinan))
    for area in case.plan.areas:
        for kegiatan in area.kegiatan:
            for i, sub in enumerate(kegiatan.sub_kegiatan):
                letter = f"{item_letter(i)}." if len(kegiatan.sub_kegiatan) > 1 else ""
                assert squash(letter + sub.teks) in text, sub.source
                if sub.indikator:
                    assert squash(sub.indikator) in text, sub.source


def test_the_number_is_printed_identically_everywhere(salinan):
    text = pdf_text(salinan)
    numbers = re.findall(r"NOMOR\s+(\S+)", text)
    assert numbers == [NUMBER, NUMBER]  # the decree's title and the lampiran's heading
    assert "ORT,07" not in text


def test_closing_diktum_is_complete(salinan):
    assert "KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan." in pdf_text(salinan)


def _word_boxes(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        (float(x), float(y), w)
        for x, y, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', html
        )
    ]


def _lampiran_pages(pdf: Path) -> list[int]:
    return [i for i, text in enumerate(pages_text(pdf), start=1) if "PELAKSANAAN (BULAN)" in text]


def test_both_header_rows_on_every_table_page(salinan):
    pages = _lampiran_pages(salinan)
    assert len(pages) >= 8
    for page, text in zip(pages, [pages_text(salinan)[p - 1] for p in pages]):
        lines = text.splitlines()
        assert "KEGIATAN SUB KEGIATAN INDIKATOR KEBERHASILAN" in text, page
        assert " ".join(str(n) for n in range(1, 19)) in lines, page


def test_areas_numbered_once_and_repeated_at_page_tops(salinan, case):
    """Each area has one number, 1..8 in order; a page that continues an area shows it again."""
    area_names = [a.nama for a in case.plan.areas]
    seen: list[tuple[int, int]] = []  # (page, number) in reading order
    for page in _lampiran_pages(salinan):
        boxes = _word_boxes(salinan, page)
        column_row = max(y for x, y, w in boxes if w == "18")  # the column-number row
        # left of the AREA column's centre stand only the NO cells and the start of area names;
        # area names hold no bare numbers
        area_centre = min(x for x, y, w in boxes if w == "2" and abs(y - column_row) < 2)
        numbers = [(y, w) for x, y, w in boxes if x < area_centre and y > column_row + 2 and re.fullmatch(r"\d+\.?", w)]
        assert numbers, f"page {page}: the first row carries no area number"
        first_row_y = min(y for x, y, w in boxes if y > column_row + 2)
        assert abs(min(numbers)[0] - first_row_y) < 2, f"page {page}: area not repeated at the top"
        for _, w in sorted(numbers):
            assert re.fullmatch(r"[1-8]", w), f"page {page}: bad area number {w!r}"
            seen.append((page, int(w)))
    sequence = [n for _, n in seen]
    assert sorted(set(sequence)) == list(range(1, 9))
    assert sequence == sorted(sequence), "area numbers out of order"
    # a number repeats only at the top of a new page, never twice on one page
    for (p1, n1), (p2, n2) in zip(seen, seen[1:]):
        assert n1 != n2 or p1 != p2
    # the name beside each number is that area's own
    text = squash(pdf_text(salinan))
    for n, name in enumerate(area_names, start=1):
        assert squash(f"{n} {name.split()[0]}") in text


def test_page_numbers_are_consecutive_and_first_pages_unnumbered(salinan):
    texts = pages_text(salinan)
    lampiran_first = _lampiran_pages(salinan)[0]
    for number, text in enumerate(texts, start=1):
        top = text.splitlines()[0].strip()
        if number in (1, lampiran_first):
            assert not re.fullmatch(r"- \d+ -", top), f"page {number} should carry no number"
        else:
            assert top == f"- {number} -", f"page {number} shows {top!r}"


def test_fonts_embedded_and_paper_f4(salinan):
    fonts = subprocess.run(["pdffonts", str(salinan)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts
    # Bookman Old Style is printed with its metric-compatible stand-in, not a fallback face
    assert all("TeXGyreBonum" in row.split()[0] for row in rows), fonts
    reader = PdfReader(str(salinan))
    w, h = (float(v) * 25.4 / 72 for v in reader.pages[0].mediabox[2:])
    assert abs(w - 215) < 1 and abs(h - 330) < 1
    w, h = (float(v) * 25.4 / 72 for v in reader.pages[-1].mediabox[2:])
    assert abs(w - 330) < 1 and abs(h - 215) < 1


def test_bookmarks_and_metadata(salinan):
    reader = PdfReader(str(salinan))
    assert [item.title for item in reader.outline] == ["Keputusan", "Lampiran"]
    assert reader.get_destination_page_number(reader.outline[1]) == _lampiran_pages(salinan)[0] - 1
    meta = reader.metadata
    assert meta.title.startswith(f"Keputusan Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat Nomor {NUMBER} tentang")
    assert meta.author == "Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat"


def test_asli_carries_no_copy_marks(asli, salinan):
    asli_text, salinan_text = pdf_text(asli), pdf_text(salinan)
    assert salinan_text.lstrip().startswith("SALINAN")
    assert not asli_text.lstrip().startswith("SALINAN")
    for mark in ("ttd.", "Salinan sesuai dengan aslinya", "Lalu Nizamudin Afandi Arungan"):
        assert salinan_text.count(mark) == 2, mark  # decree and lampiran closing
        assert mark not in asli_text
    assert asli_text.count("SUHARDI SOUD") == 2


def test_signature_block_never_stands_alone(asli, salinan):
    for pdf in (asli, salinan):
        page = next(t for t in pages_text(pdf) if "SUHARDI SOUD" in t)
        assert "KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan." in page
