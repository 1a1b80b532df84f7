"""A text taller than a page in a table of declared columns (the quarterly preset) is cut into
pieces across rows, as the monthly plan's are: the rows print as one cell, every page that opens
inside such a text is labelled with its groups, and the text reads whole and in order.

First the rule (numbering.table_rows with a cutter), then the pages on real LibreOffice, read
from the PDF: the words of each page and the columns they fall in.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from generator import layout, numbering, render
from generator.load import load_case
from generator.model import PRESETS, BarisTabel, Tabel
from tests.conftest import ROOT, squash

TRIWULAN = ROOT / "data" / "contoh-rencana-aksi-triwulan"
COLUMNS = PRESETS["rencana-aksi-triwulan"]
NO, KEGIATAN, INDIKATOR, AKSI, OUTPUT = range(5)


def _row(*values: str) -> BarisTabel:
    return BarisTabel(tuple(values), f"Lampiran I!C:{values[2][:8]}")


def _by_words(size: int):
    """A cutter for the rules: pieces of `size` words."""

    def cut(column: int, text: str) -> list[str]:
        words = text.split()
        return [" ".join(words[i : i + size]) for i in range(0, len(words), size)] or [text]

    return cut


def test_a_tall_cell_takes_rows_that_print_as_one_and_the_next_item_keeps_its_letter():
    aksi = " ".join(f"w{i}" for i in range(7))  # three pieces of three words
    rows = [
        _row("Keg A", "Ind 1", aksi, "out", "s", "PIC", "1", "2", "", ""),
        _row("", "", "aksi 2", "o", "s", "PIC", "", "", "", ""),
    ]
    printed = numbering.table_rows(COLUMNS, rows, pieces=_by_words(3))
    assert [r["cells"][AKSI] for r in printed] == ["w0 w1 w2", "w3 w4 w5", "w6", "aksi 2"]
    assert [r["labels"][AKSI] for r in printed] == ["a.", " ", " ", "b."]  # under the letter, then b.
    assert [r["joined"] for r in printed] == [(), ("row",), ("row",), ()]
    assert [r["cells"][OUTPUT] for r in printed] == ["out", "", "", "o"]  # short texts: in the first row
    assert [r["cells"][7] for r in printed] == ["1", "", "", ""]  # values once, not per piece
    assert [r["cells"][NO] for r in printed] == ["1", "", "", ""]
    assert printed[0]["span"] == {1: 4, 2: 4}  # the groups span the pieces
    assert [r["row"] for r in printed] == [0, 0, 0, 1]
    assert [r["source"] for r in printed] == [rows[0].source] * 3 + [rows[1].source]
    # a page opening on a piece: the groups are labelled there, the row stands on its own
    paged = numbering.table_rows(COLUMNS, rows, frozenset({2}), pieces=_by_words(3))
    assert [paged[2]["cells"][c] for c in (NO, KEGIATAN, INDIKATOR, AKSI)] == ["1", "Keg A", "Ind 1", "w6"]
    assert paged[2]["joined"] == () and {1, 2} <= set(paged[2]["starts"])


def test_a_tall_group_text_opens_a_cell_per_piece_with_rows_of_its_own_when_it_has_too_few():
    indikator = " ".join(f"i{i}" for i in range(8))  # four pieces of two words, over two rows
    rows = [
        _row("Keg A", indikator, "aksi 1", "o", "s", "PIC", "", "", "", ""),
        _row("", "", "aksi 2", "o", "s", "PIC", "", "", "", ""),
        _row("", "Ind 2", "aksi 3", "o", "s", "PIC", "", "", "", ""),
    ]
    printed = numbering.table_rows(COLUMNS, rows, pieces=_by_words(2))
    assert [r["cells"][INDIKATOR] for r in printed] == ["i0 i1", "i2 i3", "i4 i5", "i6 i7", "Ind 2"]
    assert [r["cells"][AKSI] for r in printed] == ["aksi 1", "aksi 2", "", "", "aksi 3"]
    assert [r["labels"][AKSI] for r in printed] == ["a.", "b.", " ", " ", ""]
    assert [r["joined"] for r in printed] == [(), (2,), ("row",), ("row",), ()]
    assert [r["cells"][KEGIATAN] for r in printed] == ["Keg A", "", "", "", ""]
    assert printed[0]["span"][1] == 5  # the kegiatan utama spans them all


# ---------------------------------------------------------------- on LibreOffice

WORDS = ["pelaksanaan", "reformasi", "birokrasi", "kinerja", "pegawai", "pelayanan", "publik", "evaluasi"]
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')


def _long(tag: str, length: int) -> str:
    """A text of `length` characters whose words are numbered, so that their order shows."""
    out, i = tag, 0
    while len(out) < length:
        out += f" {WORDS[i % len(WORDS)]}{i}"
        i += 1
    return out


def _tall_case(aksi: str, indikator: str):
    """The quarterly sample with a 3,000-character rencana aksi in row 4 and a 3,000-character
    indikator opening in row 7."""
    case = load_case(TRIWULAN)
    rows = list(case.tables[0].rows)
    assert rows[3].values[1] and rows[6].values[1], "the sample's rows 4 and 7 open an indikator"
    rows[3] = BarisTabel((rows[3].values[0], rows[3].values[1], aksi, *rows[3].values[3:]), rows[3].source)
    rows[6] = BarisTabel((rows[6].values[0], indikator, *rows[6].values[2:]), rows[6].source)
    return dataclasses.replace(case, tables=(Tabel(tuple(rows)),))


def _table_pages(pdf: Path, docx: Path):
    """Per page of the table: (page, the columns' left edges, the words under the header (x, y, word))."""
    doc = Document(str(docx))
    tbl = next(t for t in doc.element.body.findall(qn("w:tbl")) if t.find(".//" + qn("w:tblHeader")) is not None)
    edges = [doc.sections[0].left_margin.pt - 4]
    for col in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")):
        edges.append(edges[-1] + int(col.get(qn("w:w"))) / 20)
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    last = str(len(edges) - 1)  # the column-number row ends with the last column's number
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        words = [(float(x), float(y), w) for x, y, w in WORD.findall(page)]
        header = [y for x, y, w in words if w == last and x > edges[-2]]
        if header:
            yield number, edges, [(x, y, w) for x, y, w in words if y > header[0] + 3]


def _column(below, edges, i: int, line: float | None = None) -> str:
    inside = [(round(y), x, w) for x, y, w in below if edges[i] <= x < edges[i + 1]]
    return "".join(w for y, _, w in sorted(inside) if line is None or abs(y - line) < 3)


@pytest.fixture(scope="module")
def tall(tmp_path_factory):
    from generator.pipeline import build_revision

    aksi, indikator = _long("AKSI", 3000), _long("IND", 3000)
    case = _tall_case(aksi, indikator)
    result = build_revision(case, tmp_path_factory.mktemp("tall") / case.name)
    return case, result, aksi, indikator


@pytest.mark.libreoffice
@pytest.mark.parametrize("variant", ["asli", "salinan"])
def test_a_declared_table_with_a_text_taller_than_a_page_builds_labelled_in_order(tall, variant):
    case, result, aksi, indikator = tall
    pdf = result.bundles[variant]
    docx = result.revision_dir / f"{case.name}-{variant}-lampiran.docx"
    pages = list(_table_pages(pdf, docx))
    assert len(pages) >= 5
    groups = {squash(r.values[0]): squash(r.values[1]) for r in case.tables[0].rows if r.values[0]}
    for page, edges, below in pages:
        if not below:
            continue
        top = min(y for _, y, _ in below)
        no, kegiatan, ind = (_column(below, edges, i, top) for i in (NO, KEGIATAN, INDIKATOR))
        assert no.isdigit(), f"page {page}: the first row has no number ({no!r} {kegiatan!r})"
        assert kegiatan and any(g.startswith(kegiatan) for g in groups), f"page {page}: {kegiatan!r} no group"
        assert ind, f"page {page}: the first row has no indikator"
    # each long text reads whole, in order, in its column
    for column, text in ((AKSI, aksi), (INDIKATOR, indikator)):
        printed = "".join(_column(below, edges, column) for _, edges, below in pages)
        assert squash(text) in printed, f"column {column + 1}: the long text is not whole and in order"
    # the row after the long rencana aksi keeps its letter
    assert squash(f"b.{case.tables[0].rows[4].values[2]}") in squash("".join(_column(b, e, AKSI) for _, e, b in pages))


@pytest.mark.libreoffice
def test_without_pieces_the_tall_row_is_split_by_the_page(tmp_path):
    """The control: printed whole, the row is taller than a page and LibreOffice splits it."""
    from generator.warm import ConverterPool

    case = _tall_case(_long("AKSI", 3000), "Indikator pendek")
    render.render_lampiran(case, "asli", tmp_path / "l.docx", piece_share=100)
    with ConverterPool(1) as pool:
        pool.convert(tmp_path / "l.docx", tmp_path / "l.pdf")
    assert layout.rows_split_by_pages(tmp_path / "l.pdf")
