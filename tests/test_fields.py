"""Finding the signature space in laid-out words (no LibreOffice: synthetic pages)."""

from __future__ import annotations

import re

import pytest

from generator.errors import LayoutError
from generator.fields import FieldSpec, Page, Signer, Word, locate

SPEC = FieldSpec(
    name="ttd_ketua",
    signer=Signer("Suhardi Soud", "Ketua KPU"),
    title_words=("KETUA", "KPU", "NTB,"),
    name_words=("SUHARDI", "SOUD"),
    pages=(1, 3),
    reason="Menetapkan",
    location="Mataram",
)


def line(text: str, x: float, top: float, height: float = 15.6, width: float = 40.0) -> list[Word]:
    words = []
    for i, token in enumerate(text.split()):
        words.append(Word(token, x + i * (width + 4), top, x + i * (width + 4) + width, top + height))
    return words


def page(*lines: list[Word], number: int = 3, height: float = 936.0) -> Page:
    return Page(number, 610.0, height, tuple(w for ws in lines for w in ws))


def test_field_fills_the_gap_between_title_and_name():
    p = page(line("KETUA KPU", 300, 100), line("NTB,", 300, 116), line("SUHARDI SOUD", 300, 180))
    placed = locate(SPEC, [p])
    llx, lly, urx, ury = placed.rect
    assert placed.page == 3
    assert (llx, urx) == (300, 384)  # the block's width: its widest line
    assert ury == pytest.approx(936 - (131.6 + 2))  # 2 pt below the title's last line
    assert lly == pytest.approx(936 - (180 - 2))  # 2 pt above the name


def test_text_in_the_gap_is_refused():
    p = page(line("KETUA KPU NTB,", 300, 100), line("ttd.", 300, 140), line("SUHARDI SOUD", 300, 180))
    with pytest.raises(LayoutError, match=re.escape("not blank: 'ttd.'")):
        locate(SPEC, [p])


def test_anchor_in_the_gap_is_allowed_and_reported():
    p = page(line("KETUA KPU NTB,", 300, 100), line("#", 300, 160), line("SUHARDI SOUD", 300, 180))
    placed = locate(SPEC, [p], anchor_text="#")
    assert placed.anchor is not None and placed.anchor[0] == 300


def test_too_little_room_is_refused():
    p = page(line("KETUA KPU NTB,", 300, 100), line("SUHARDI SOUD", 300, 120))
    with pytest.raises(LayoutError, match="no room for a signature"):
        locate(SPEC, [p])


def test_missing_block_names_the_signer_and_pages():
    p = page(line("KETUA KPU NTB,", 300, 100))
    with pytest.raises(LayoutError, match=r"signature block of Suhardi Soud .* not found on pages 1-3"):
        locate(SPEC, [p])


def test_pages_outside_the_part_are_not_searched():
    p = page(line("KETUA KPU NTB,", 300, 100), line("SUHARDI SOUD", 300, 180), number=5)
    with pytest.raises(LayoutError, match="not found"):
        locate(SPEC, [p])


def test_name_in_another_column_is_not_taken_for_this_block():
    p = page(line("KETUA KPU NTB,", 300, 100), line("SUHARDI SOUD", 60, 180), line("SUHARDI SOUD", 300, 200))
    placed = locate(SPEC, [p])
    assert placed.rect[0] == 300 and placed.rect[1] == pytest.approx(936 - 198)


def test_ligatures_read_as_their_letters():
    spec = FieldSpec(
        name="ttd_pengesah_salinan",
        signer=Signer("Rafiq Afifah", "Kepala"),
        title_words=("Kepala,",),
        name_words=("Rafiq", "Afifah"),
        pages=(1, 3),
        reason="",
        location="",
    )
    p = page(line("Kepala,", 80, 100), line("Ra\ufb01q A\ufb01fah", 80, 180))  # "Raﬁq Aﬁfah"
    assert locate(spec, [p]).page == 3


def test_a_name_too_long_for_its_line_is_found_in_the_pieces_it_is_broken_into():
    """LibreOffice breaks a word wider than the block (a 70-letter name typed without spaces)
    into pieces on lines of their own; the name is still found, the field above its first line."""
    name = "SUHARDISOUDABDURRAHMANWAHIDKUSUMAWARDHANIPRAWIRANEGARASASTROAMIDJOJOXX"
    spec = FieldSpec(
        name="ttd_ketua",
        signer=Signer(name, "Ketua KPU"),
        title_words=("KETUA", "KPU", "NTB,"),
        name_words=(name,),
        pages=(1, 3),
        reason="Menetapkan",
        location="Mataram",
    )
    pieces = [name[:25], name[25:51], name[51:]]
    p = page(
        line("KETUA KPU NTB,", 300, 100),
        line(pieces[0], 300, 180),
        line(pieces[1], 300, 196),
        line(pieces[2], 300, 212),
        line("SUHARDI", 300, 260),  # a word after the block that merely starts like the name
    )
    placed = locate(spec, [p])
    assert placed.rect[1] == pytest.approx(936 - (180 - 2))  # 2 pt above the name's first line
