"""The enactment and signature block never stands alone on the lampiran's last page, however long
the table before it: the monthly plan, a table of declared columns, a member list.

Each table below is sized (found by trying row counts on LibreOffice) so that its natural layout
sends the block to a page of its own: keep-with-next on the last row, which LibreOffice honours
for a table of one page, does nothing for a longer one. Read from the PDF: the last page holds
the table's last row and the block; the control shows the block alone without the fix.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator import layout, render
from generator.load import load_case
from generator.model import Anggota, Area, BarisTabel, Kegiatan, RencanaAksi, SubKegiatan, Tabel
from tests.conftest import ROOT, laid_out_pdf, pages_text, squash
from tests.test_layout import KECIL, assert_pages_labelled

TRIWULAN = ROOT / "data" / "contoh-rencana-aksi-triwulan"
SK_TIM = ROOT / "data" / "contoh-sk-tim"


def _plan(rows: int):
    """The small case (A4) with a monthly plan of `rows` kegiatan of one sub-kegiatan each."""
    kegiatan = tuple(
        Kegiatan(
            f"Kegiatan {i}",
            (
                SubKegiatan(
                    f"Sub kegiatan nomor {i} dengan teks yang cukup panjang untuk dua baris",
                    f"Indikator {i}",
                    frozenset({1}),
                    "",
                    f"Rencana Aksi!A{i + 2}:Q{i + 2}",
                ),
            ),
        )
        for i in range(rows)
    )
    case = load_case(KECIL)
    return dataclasses.replace(case, tables=(RencanaAksi((Area("Manajemen Perubahan", kegiatan),)),)), 0


def _declared_rows(rows: int) -> tuple[BarisTabel, ...]:
    """Rows of the quarterly preset: a kegiatan utama and its indikator every three rows."""
    out = []
    for i in range(rows):
        first = i % 3 == 0
        out.append(
            BarisTabel(
                (
                    f"Kegiatan utama {i // 3 + 1}" if first else "",
                    f"Indikator kegiatan {i // 3 + 1} yang diukur setiap triwulan" if first else "",
                    f"Rencana aksi nomor {i + 1} yang dilaksanakan oleh unit kerja",
                    "Laporan",
                    "Dokumen",
                    "Subbagian Umum",
                    "1",
                    "1",
                    "-",
                    "1",
                ),
                f"Lampiran I!A{i + 2}:J{i + 2}",
            )
        )
    return tuple(out)


def _declared(rows: int):
    return dataclasses.replace(load_case(TRIWULAN), tables=(Tabel(_declared_rows(rows)),)), 0


def _members(rows: int):
    case = load_case(SK_TIM)
    members = [
        Anggota(
            nama=f"Nama Anggota Nomor {i + 1}",
            jabatan=f"Kepala Subbagian Nomor {i + 1} Sekretariat",
            kedudukan="Anggota",
        )
        for i in range(rows)
    ]
    specs = list(case.lampiran)
    index = next(i for i, spec in enumerate(specs) if spec.jenis == "anggota")
    specs[index] = specs[index].model_copy(update={"anggota": members})
    return dataclasses.replace(case, decree=case.decree.model_copy(update={"lampiran": specs})), index


# make the case (and the lampiran's position), rows, the text that names row i, the signer as printed
KINDS = {
    "bulanan": (_plan, 17, lambda i: f"Sub kegiatan nomor {i} dengan", "NAMA CONTOH (PLACEHOLDER)"),
    "kolom": (_declared, 24, lambda i: f"Rencana aksi nomor {i + 1} yang", "[CONTOH] NAMA KETUA KPU LOMBOK BARAT"),
    "anggota": (_members, 51, lambda i: f"Nama Anggota Nomor {i + 1}", "[CONTOH] NAMA SEKRETARIS"),
}


@pytest.fixture(scope="module")
def pool():
    from generator.warm import ConverterPool

    with ConverterPool(1) as converter:
        yield converter


def _lay_out(case, index, pool, folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    pagination, passes, document = layout.lay_out_lampiran(
        case, "asli", folder / "l.docx", folder / "l.pdf", pool, render.DEFAULT_TEMPLATES, lampiran=index
    )
    laid_out_pdf(document, folder / "l.pdf")  # the tests read the PDF's text
    return pagination, passes, document


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", list(KINDS))
def test_the_last_page_holds_table_rows_and_the_closing_block(kind, tmp_path, pool, monkeypatch):
    make, rows, row_text, signer = KINDS[kind]
    case, index = make(rows)
    _, _, reader = _lay_out(case, index, pool, tmp_path / "kept")
    pages = pages_text(tmp_path / "kept" / "l.pdf")
    assert len(pages) >= 3, f"{kind}: the table fits on fewer pages; the case no longer tests a long table"
    last, last_row = squash(pages[-1]), squash(row_text(rows - 1))
    assert last_row in last, f"{kind}: the last page holds no table row"
    assert squash(signer) in last, f"{kind}: the last page has no signature block"
    assert last.index(last_row) < last.index(squash(signer))
    assert len(reader.pages) - 1 in layout.row_pages(reader).values()
    # every row printed once, in order: the row moved to the last page is neither lost nor doubled
    text, at = squash("".join(pages)), 0
    for i in range(rows):
        found = text.find(squash(row_text(i)), at)
        assert found >= 0, f"{kind}: row {i + 1} missing or out of order"
        at = found + 1
    assert text.count(last_row) == 1
    if kind == "bulanan":  # the moved row opens its page labelled like any other
        assert assert_pages_labelled(tmp_path / "kept" / "l.pdf", tmp_path / "kept" / "l.docx", case) >= 3
    if kind == "kolom":
        assert squash(f"{(rows - 1) // 3 + 1}Kegiatan utama {(rows - 1) // 3 + 1}") in last
    # the control: without the fix the block stands alone on the last page
    monkeypatch.setattr(layout, "_keep_closing_with_rows", lambda *args: None)
    _, _, reader = _lay_out(case, index, pool, tmp_path / "alone")
    assert layout.closing_alone(reader), f"{kind}: the block no longer falls alone; find another row count"
    alone = squash(pages_text(tmp_path / "alone" / "l.pdf")[-1])
    assert squash(signer) in alone and last_row not in alone


@pytest.mark.libreoffice
def test_the_quarterly_sample_ends_with_a_row_beside_its_signature(tmp_path):
    """The quarterly sample's last lampiran page held only its signature block."""
    from generator.pipeline import build

    result = build(TRIWULAN, tmp_path)
    case = load_case(TRIWULAN)
    last_row = case.tables[0].rows[-1].values[2]
    for variant in ("asli", "salinan"):
        last = squash(pages_text(result.bundles[variant])[-1])
        assert squash(last_row) in last, variant
        assert squash("[CONTOH] NAMA KETUA KPU LOMBOK BARAT") in last, variant


def test_a_block_alone_moves_the_last_row_once_and_goes_back_if_that_does_not_help(monkeypatch):
    """The rule, without LibreOffice: the last row opens the page by an explicit break; if the
    block is alone again, the layout from before is taken again, and that is the result."""
    settled = layout.Pagination(frozenset({10}), frozenset())
    monkeypatch.setattr(layout, "row_pages", lambda reader: {row: row // 10 for row in range(25)})
    monkeypatch.setattr(layout, "closing_alone", lambda reader: True)
    moved = layout._keep_closing_with_rows(None, settled, None, False)
    assert moved == layout.Pagination(frozenset({10, 24}), frozenset({24}))
    assert layout._keep_closing_with_rows(None, moved, settled, True) == settled
    assert layout._keep_closing_with_rows(None, settled, None, True) is None
    # a last row that opens its page already cannot be helped
    assert layout._keep_closing_with_rows(None, layout.Pagination(frozenset({24})), None, False) is None
    monkeypatch.setattr(layout, "closing_alone", lambda reader: False)
    assert layout._keep_closing_with_rows(None, settled, None, False) is None
