"""The salinan's lampiran takes the asli's pages but the last, which is converted alone
(page_reuse.py): staff must get the same pages as if the whole salinan had been converted.

End to end, each sample's salinan bundle is compared pixel for pixel (100 dpi) with its own
delivered DOCX converted whole by LibreOffice: the decree and every lampiran, every page. The
converter records what it was given, to show the short way was taken (or, where the variants
differ above the last page, was not). The unit tests use the NTB lampiran rendered without
LibreOffice: what the tail holds, and the documents it refuses to cut.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from generator import page_reuse
from generator.load import load_case
from generator.pipeline import build_case
from generator.render import DEFAULT_TEMPLATES, render_lampiran
from generator.template_files import for_case
from generator.warm import ConverterPool
from tests.conftest import NTB_CASE, ROOT, laid_out_pdf, pages_text
from tests.test_closing_block import _members
from tests.test_limits import rewrite

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NTB_STARTS = frozenset({5, 14, 25, 37, 47, 59, 69, 74, 82})  # the NTB lampiran's settled page starts


# ---------------------------------------------------------------- without LibreOffice


@pytest.fixture(scope="module")
def ntb_variants(tmp_path_factory):
    """The NTB lampiran rendered as asli and salinan with its settled page starts."""
    case = load_case(NTB_CASE)
    folder = tmp_path_factory.mktemp("variants")
    paths = {}
    for variant in ("asli", "salinan"):
        paths[variant] = render_lampiran(
            case, variant, folder / f"{variant}.docx", first_page_number=4, page_starts=NTB_STARTS
        )
    return case, paths


def _document(docx: Path):
    from lxml import etree

    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read("word/document.xml"))


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t"))


def test_the_tail_is_the_last_page_of_the_salinan(ntb_variants, tmp_path):
    _, paths = ntb_variants
    tail = tmp_path / "tail.docx"
    assert page_reuse.tail_document(paths["asli"], paths["salinan"], 82, 13, tail)
    root = _document(tail)
    body = root.find(W + "body")
    rows = body.find(W + "tbl").findall(W + "tr")
    text = _text(body)
    assert "LAMPIRAN" not in text and "RENCANA AKSI REFORMASI" not in text  # the heading of page 1
    assert "NO" in _text(rows[0]) and "KEGIATAN" in _text(rows[0])  # the header rows repeat
    marks = [m.get(W + "name") for m in body.iter(W + "bookmarkStart") if m.get(W + "name", "").startswith("kpt")]
    assert marks == ["kptbaris0082"]  # the last page's rows only
    assert "Salinan sesuai dengan aslinya" in text  # the salinan's own closing block
    section = body.find(W + "sectPr")
    assert section.find(W + "pgNumType").get(W + "start") == "13"
    assert section.find(W + "titlePg") is None  # page 13 is not the section's first page
    # everything but the document is the salinan's own
    with zipfile.ZipFile(tail) as cut, zipfile.ZipFile(paths["salinan"]) as whole:
        assert cut.namelist() == whole.namelist()
        for name in whole.namelist():
            if name != "word/document.xml":
                assert cut.read(name) == whole.read(name), name


def test_documents_that_differ_above_the_row_are_not_cut(ntb_variants, tmp_path):
    case, paths = ntb_variants
    other = render_lampiran(
        case, "salinan", tmp_path / "other.docx", first_page_number=4, page_starts=NTB_STARTS - {37}
    )
    assert not page_reuse.tail_document(paths["asli"], other, 82, 13, tmp_path / "tail.docx")
    assert not (tmp_path / "tail.docx").exists()


def test_a_row_inside_a_merged_group_is_not_cut(ntb_variants, tmp_path):
    _, paths = ntb_variants
    # row 81 does not open a page: its area cell continues the merge of the rows above
    body = _document(paths["salinan"]).find(W + "body")
    mark = next(m for m in body.iter(W + "bookmarkStart") if m.get(W + "name") == "kptbaris0081")
    row = next(mark.iterancestors(W + "tr"))
    assert any(v.get(W + "val", "continue") == "continue" for v in row.iter(W + "vMerge"))
    assert not page_reuse.tail_document(paths["asli"], paths["salinan"], 81, 13, tmp_path / "tail.docx")
    assert page_reuse.tail_document(paths["asli"], paths["salinan"], 82, 13, tmp_path / "tail.docx")


def _with_part(docx: Path, out: Path, name: str, edit) -> Path:
    """A copy of `docx` at `out` with its part `name` edited."""
    shutil.copy(docx, out)
    rewrite(out, lambda member, data: edit(data) if member == name else data)
    return out


@pytest.mark.parametrize(
    ("part", "edit", "why"),
    [
        (
            "word/header1.xml",
            lambda xml: xml.replace(b'w:instr=" PAGE "', b'w:instr=" NUMPAGES "'),
            "a page count prints the tail's count",
        ),
        (
            "word/settings.xml",
            lambda xml: xml.replace(b"</w:settings>", b"<w:evenAndOddHeaders/></w:settings>"),
            "odd and even pages go by the page's place",
        ),
    ],
)
def test_pages_that_depend_on_what_was_taken_out_are_not_cut(ntb_variants, tmp_path, part, edit, why):
    _, paths = ntb_variants
    asli = _with_part(paths["asli"], tmp_path / "asli.docx", part, edit)
    salinan = _with_part(paths["salinan"], tmp_path / "salinan.docx", part, edit)
    assert not page_reuse.tail_document(asli, salinan, 82, 13, tmp_path / "tail.docx"), why


def test_a_part_the_variants_print_differently_is_not_cut(ntb_variants, tmp_path):
    _, paths = ntb_variants
    salinan = _with_part(
        paths["salinan"],
        tmp_path / "salinan.docx",
        "word/header1.xml",
        lambda xml: xml.replace(b"- </w:t>", b"SALINAN - </w:t>"),
    )
    assert not page_reuse.tail_document(paths["asli"], salinan, 82, 13, tmp_path / "tail.docx")


# ---------------------------------------------------------------- on LibreOffice


class Recording:
    """The pool, noting the name of every document it converts."""

    def __init__(self, pool: ConverterPool):
        self.pool, self.converted = pool, []

    def convert(self, src: Path, dst: Path | None = None) -> Path:
        self.converted.append(Path(src).name)
        return self.pool.convert(src, dst)


@pytest.fixture(scope="module")
def pool():
    with ConverterPool(1) as converter:
        yield converter


def _rasters(pdf: Path, folder: Path, prefix: str) -> list[bytes]:
    subprocess.run(["pdftoppm", "-r", "100", str(pdf), str(folder / prefix)], check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{prefix}-*.ppm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))]


def _build_salinan(case, out: Path, converter, templates: Path | None = None):
    return build_case(case, out, converter=converter, templates=templates or for_case(case, None))


def _whole(result, out: Path, pool: ConverterPool, folder: Path) -> list[bytes]:
    """The salinan's delivered DOCX files (decree, then each lampiran) converted whole, rasterised."""
    name = result.case.name
    docx = [out / f"{name}-salinan-keputusan.docx"] + sorted(out.glob(f"{name}-salinan-lampiran*.docx"))
    pages: list[bytes] = []
    for i, path in enumerate(docx):
        pdf = pool.convert(path, folder / f"whole-{i}.pdf")
        pages += _rasters(pdf, folder, f"whole-{i}")
    return pages


@pytest.mark.parametrize(
    "make_case",
    [
        lambda: load_case(NTB_CASE),
        lambda: load_case(ROOT / "data" / "contoh-rencana-aksi-triwulan"),
        lambda: _members(51)[0],
    ],
    # the monthly plan; declared columns whose last page opens by an explicit break; a member
    # list of 3 pages, then a lampiran of prose (converted whole: no table, no page starts)
    ids=["ntb-monthly-plan", "quarterly-declared-columns", "member-list-then-prose"],
)
def test_the_salinan_is_the_salinan_converted_whole(make_case, pool, tmp_path):
    converter = Recording(pool)
    out = tmp_path / "out"
    result = _build_salinan(make_case(), out, converter)
    tails = [name for name in converter.converted if name.endswith("-akhir.docx")]
    multi_page = [
        name for name in converter.converted if "-salinan-lampiran" in name and not name.endswith("-akhir.docx")
    ]
    assert tails, f"no lampiran took the asli's pages: {converter.converted}"
    assert not multi_page or len(multi_page) < len(result.case.lampiran)  # single-page lampiran convert whole
    built = _rasters(out / f"{result.case.name}-salinan.pdf", tmp_path, "built")
    whole = _whole(result, out, pool, tmp_path)
    assert len(built) == len(whole) == result.pages["salinan"]
    different = [i + 1 for i, (a, b) in enumerate(zip(built, whole)) if a != b]
    assert not different, f"pages {different} of the salinan differ from the salinan converted whole"


def test_a_template_whose_pages_say_salinan_is_converted_whole(pool, tmp_path):
    """An office's template that prints "SALINAN" in the lampiran's header: the asli's pages
    are not the salinan's, so the salinan is converted whole."""
    templates = tmp_path / "templat"
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    lampiran = templates / "lampiran.docx"
    edited = _with_part(
        lampiran,
        tmp_path / "lampiran.docx",
        "word/header1.xml",
        lambda xml: xml.replace(
            b'<w:t xml:space="preserve">- </w:t>',
            b'<w:t xml:space="preserve">{% if salinan %}SALINAN {% endif %}- </w:t>',
        ),
    )
    shutil.move(edited, lampiran)
    converter = Recording(pool)
    out = tmp_path / "out"
    result = _build_salinan(load_case(NTB_CASE), out, converter, templates)
    assert not [name for name in converter.converted if name.endswith("-akhir.docx")]
    salinan = pages_text(out / f"{result.case.name}-salinan.pdf")[3:]
    asli = pages_text(out / f"{result.case.name}-asli.pdf")[3:]
    assert len(salinan) == len(asli) == 10
    assert all("SALINAN -" in page for page in salinan[1:])  # the first page has no page number
    assert not any("SALINAN -" in page for page in asli)


def test_a_pass_after_a_wrong_guess_converts_from_the_page_above_the_change(pool, tmp_path):
    """NTB's lampiran laid out from its settled page starts but one, wrong on page 7: the
    next pass takes pages 1-5 over from the first and converts from the row opening page 6,
    and the result is the lampiran converted whole, pixel for pixel."""
    from generator import layout, render

    case = load_case(NTB_CASE)
    converter = Recording(pool)
    wrong = (NTB_STARTS - {59}) | {58}
    docx, pdf = tmp_path / "l.docx", tmp_path / "l.pdf"
    pagination, passes, document = layout.lay_out_lampiran(
        case, "asli", docx, pdf, converter, render.DEFAULT_TEMPLATES, first_page_number=4, guess=wrong
    )
    assert pagination.starts == NTB_STARTS
    assert converter.converted[0] == "l.docx"  # the guess: converted whole
    assert "l-akhir.docx" in converter.converted[1:], converter.converted
    assert passes == len(converter.converted)
    tail = layout.row_pages(tmp_path / "l-akhir.pdf")
    assert min(tail) == 47  # opens page 6, the page above row 58, the first rendered differently
    laid_out_pdf(document, tmp_path / "spliced.pdf")
    whole = pool.convert(docx, tmp_path / "whole.pdf")
    built, expected = _rasters(tmp_path / "spliced.pdf", tmp_path, "spliced"), _rasters(whole, tmp_path, "whole")
    assert len(built) == len(expected) == 10
    assert built == expected
