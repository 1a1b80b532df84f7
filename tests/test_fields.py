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


# ---------------------------------------------------------------- the fields written into the PDF


def _pdf(path, pages: int = 3, annots: str = "") -> None:
    """A small PDF/A-like bundle as pypdf writes them (bundle.merge): blank pages, an output
    intent, and on the last page an annotation already (`annots`: "", "direct" or "indirect")."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(609.987402, 936)  # F4, as LibreOffice sizes it
    intent = DictionaryObject({NameObject("/Type"): NameObject("/OutputIntent")})
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    if annots:
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(v) for v in (10, 10, 50, 50)]),
            }
        )
        array = ArrayObject([writer._add_object(link)])
        writer.pages[-1][NameObject("/Annots")] = writer._add_object(array) if annots == "indirect" else array
    with open(path, "wb") as fh:
        writer.write(fh)


@pytest.mark.parametrize(
    "signer, reason, rects, annots",
    [
        (
            Signer("Suhardi Soud", "Ketua KPU"),
            "Menetapkan Keputusan 19/ORT.07/52/2022",
            [(317.6, 713.3, 536.6, 774.0)],
            "",
        ),
        (  # accents in PDFDocEncoding, letters beyond it (UTF-16), a parenthesis and a backslash
            Signer("Ni Luh Putu Ḍewi Ségara", "Kepala (Bagian) Hukum\\SDM"),
            "Salinan sesuai dengan aslinya: Keputusan “Ketua” — 2022",
            [(56.123456, 100.00004, 250.98765, 160.5), (40.0, 713.35, 300.25, 790.1)],
            "",
        ),
        (Signer("Lalu Nizamudin", "Kepala Bagian"), "Menetapkan", [(72.0, 500.0, 300.0, 560.0)], "direct"),
        (Signer("Lalu Nizamudin", "Kepala Bagian"), "Menetapkan", [(72.0, 500.0, 300.0, 560.0)], "indirect"),
    ],
    ids=["one field", "two fields, other alphabets", "page with an annotation", "page with an annotation array"],
)
def test_fields_are_the_bytes_pyhanko_writes(tmp_path, signer, reason, rects, annots):
    # add_fields writes the fields itself (pyHanko's import costs 0.8 CPU-s a command): the
    # bundle must come out byte for byte as pyHanko's append_signature_field makes it
    import datetime as dt

    from generator import fields, pdfa

    meta = pdfa.DocMeta("Judul", "Komisi", "Perihal", dt.datetime(2022, 1, 17, tzinfo=dt.UTC))
    placed = [
        fields.PlacedField(
            FieldSpec(f"ttd_{i}", signer, ("A,",), ("B",), (1, 3), reason, "Mataram"), 3 - i, 610.0, 936.0, rect
        )
        for i, rect in enumerate(rects)
    ]
    ours, theirs = tmp_path / "ours.pdf", tmp_path / "theirs.pdf"
    _pdf(ours, annots=annots)
    theirs.write_bytes(ours.read_bytes())
    fields.add_fields(ours, placed, meta)
    fields._add_fields_with_pyhanko(theirs.read_bytes(), theirs, placed, meta)
    assert ours.read_bytes() == theirs.read_bytes()

    from pypdf import PdfReader

    reader = PdfReader(ours)
    found = {f.get_object()["/T"]: f.get_object() for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"]}
    assert sorted(found) == [p.spec.name for p in placed]
    for field in placed:
        widget = found[field.spec.name]
        assert widget["/FT"] == "/Sig" and widget["/TU"] == f"{signer.title}: {signer.name}"
        assert [float(v) for v in widget["/Rect"]] == pytest.approx(field.rect, abs=1e-4)
        assert widget["/SV"]["/Reasons"] == [reason]
        assert widget.indirect_reference in [a.indirect_reference for a in reader.pages[field.page - 1]["/Annots"]]
