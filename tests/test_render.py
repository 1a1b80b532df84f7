"""Rendering on the DOCX: generated numbers, standard wording, escaping, table structure."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from generator import render
from generator.errors import TemplateError
from generator.load import load_case
from tests.conftest import NTB_CASE, ROOT

KECIL = ROOT / "tests" / "fixtures" / "kecil"


def doc_text(path: Path) -> str:
    """All paragraph text of a .docx, tables included, in document order."""
    body = Document(str(path)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


@pytest.fixture(scope="module")
def kecil():
    return load_case(KECIL)


@pytest.fixture(scope="module")
def ntb():
    return load_case(NTB_CASE)


def test_variants_differ_only_in_copy_marks(ntb, tmp_path):
    asli = doc_text(render.render_keputusan(ntb, "asli", tmp_path / "a.docx"))
    salinan = doc_text(render.render_keputusan(ntb, "salinan", tmp_path / "s.docx"))
    for mark in ("SALINAN", "ttd.", "Salinan sesuai dengan aslinya", "Lalu Nizamudin Afandi Arungan"):
        assert mark in salinan
        assert mark not in asli
    assert "SUHARDI SOUD" in asli and "SUHARDI SOUD" in salinan
    assert "{{" not in asli + salinan and "{%" not in asli + salinan


def test_standard_wording_is_generated(kecil, tmp_path):
    text = doc_text(render.render_keputusan(kecil, "asli", tmp_path / "k.docx"))
    assert (
        "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
        "Keputusan Komisi Pemilihan Umum Kabupaten Lombok Barat tentang Rencana Aksi Uji Coba Tahun 2023;"
    ) in text
    for label in ("KESATU", "KEDUA", "KETIGA", "KEEMPAT"):
        assert label in text
    assert "KEEMPAT\n:\nKeputusan ini mulai berlaku pada tanggal ditetapkan." in text
    assert "NOMOR 7/ORT.07-Kpt/5201/III/2023" in text
    assert "pada tanggal 9 Maret 2023" in text and "Ditetapkan di Gerung" in text


def test_data_that_looks_like_template_code_prints_as_typed(kecil, tmp_path):
    text = doc_text(render.render_keputusan(kecil, "asli", tmp_path / "k.docx"))
    assert 'bahwa teks {{ bukan_variabel }} dan {% if x %} serta "kutip" & <tag> harus tercetak apa adanya;' in text
    table = doc_text(render.render_lampiran(kecil, "asli", tmp_path / "l.docx"))
    assert "Membentuk tim & <menetapkan> {{ tugas }}" in table
    assert "Melaksanakan {% rapat %} berkala" in table


def test_missing_field_fails_loudly(kecil, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    doc = Document()
    doc.add_paragraph("NOMOR {{ nomor }} {{ kolom_yang_tidak_ada }}")
    doc.save(str(templates / "keputusan.docx"))
    with pytest.raises(TemplateError, match="kolom_yang_tidak_ada"):
        render.render_keputusan(kecil, "asli", tmp_path / "k.docx", templates=templates)


@pytest.mark.parametrize(
    "tag",
    [
        "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ nomor.__class__.__init__.__globals__ }}",
    ],
)
def test_a_template_cannot_run_code(kecil, tmp_path, monkeypatch, tag):
    """An office's own template is not trusted: reaching for Python internals stops the build."""
    monkeypatch.chdir(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    doc = Document()
    doc.add_paragraph(f"NOMOR {{{{ nomor }}}} {tag}")
    doc.save(str(templates / "keputusan.docx"))
    with pytest.raises(TemplateError, match="run code"):
        render.render_keputusan(kecil, "asli", tmp_path / "k.docx", templates=templates)
    assert not (tmp_path / "PWNED").exists()


def test_word_files_have_the_same_bytes_on_every_build(kecil, tmp_path, monkeypatch):
    """Rebuilding the same case later gives identical .docx files (zip dates from the data)."""
    import time

    first = render.render_lampiran(kecil, "asli", tmp_path / "a.docx").read_bytes()
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # a later clock, as on another day
    again = render.render_lampiran(kecil, "asli", tmp_path / "b.docx").read_bytes()
    assert first == again
    stamps = {info.date_time for info in zipfile.ZipFile(tmp_path / "a.docx").infolist()}
    assert stamps == {(2023, 3, 9, 0, 0, 0)}  # the fixture's enactment date


def _table(path: Path):
    return next(t for t in Document(str(path)).tables if len(t.columns) == 18)


def _tcs(row):
    return row._tr.findall(qn("w:tc"))


def _vmerge(tc):
    el = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
    return None if el is None else (el.get(qn("w:val")) or "continue")


def test_lampiran_table_structure(ntb, tmp_path):
    table = _table(render.render_lampiran(ntb, "asli", tmp_path / "l.docx"))
    rows = table.rows
    # three header rows repeat on every page; the last numbers the columns 1..18
    headers = [r for r in rows if r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None]
    assert len(headers) == 3
    assert ["".join(t.text for t in tc.iter(qn("w:t"))) for tc in _tcs(rows[2])] == [str(i) for i in range(1, 19)]
    body = rows[3:]
    assert len(body) == 83
    # NO and AREA open a merged group once per area; the numbers are 1..8 in order
    openers = [tc for tc in (_tcs(r)[0] for r in body) if _vmerge(tc) != "continue"]
    assert ["".join(t.text for t in tc.iter(qn("w:t"))) for tc in openers] == [str(n) for n in range(1, 9)]
    # kegiatan cells open 29 groups
    assert sum(1 for r in body if _vmerge(_tcs(r)[2]) != "continue") == 29
    # every body row can't split across pages
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in body)


def test_scheduled_months_are_shaded(kecil, tmp_path):
    table = _table(render.render_lampiran(kecil, "asli", tmp_path / "l.docx"))
    shaded = []
    for row in table.rows[3:]:
        marks = set()
        for month, tc in enumerate(_tcs(row)[5:17], start=1):
            shd = tc.tcPr.find(qn("w:shd")) if tc.tcPr is not None else None
            if shd is not None and shd.get(qn("w:fill")) == render.MONTH_FILL:
                marks.add(month)
        shaded.append(marks)
    expected = [set(s.bulan) for a in kecil.plan.areas for k in a.kegiatan for s in k.sub_kegiatan]
    assert shaded == expected
    assert shaded[0] == {1, 2} and shaded[3] == set(range(1, 13))


@pytest.mark.parametrize("paper, size_mm", [("F4", (215, 330)), ("A4", (210, 297))])
def test_paper_from_profile(kecil, tmp_path, paper, size_mm):
    case = kecil.__class__(
        **{
            **kecil.__dict__,
            "decree": kecil.decree.model_copy(
                update={"profil": kecil.decree.profil.model_copy(update={"kertas": paper})}
            ),
        }
    )
    portrait = Document(str(render.render_keputusan(case, "asli", tmp_path / "k.docx"))).sections[0]
    landscape = Document(str(render.render_lampiran(case, "asli", tmp_path / "l.docx"))).sections[0]
    assert (round(portrait.page_width.mm), round(portrait.page_height.mm)) == size_mm
    assert (round(landscape.page_height.mm), round(landscape.page_width.mm)) == size_mm


def test_lampiran_page_numbers_start_where_told(ntb, tmp_path):
    section = Document(str(render.render_lampiran(ntb, "asli", tmp_path / "l.docx", first_page_number=4))).sections[0]
    assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "4"


def _plan_tbl(path: Path):
    tables = Document(str(path)).tables
    return next(
        t for t in tables if t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    )._tbl


def _sides(tc) -> dict[str, str]:
    borders = tc.tcPr.find(qn("w:tcBorders"))
    return {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders} if borders is not None else {}


def test_table_style_becomes_cell_borders(kecil, tmp_path):
    """The template's 'Table Grid' style is carried onto every cell (LibreOffice loads a styled
    table cell by cell, a third slower): the grid still has all its lines, at the table's
    edges and inside, and the table no longer uses the style."""
    path = render.render_lampiran(kecil, "asli", tmp_path / "l.docx")
    tbl = _plan_tbl(path)
    # a reference LibreOffice needs for fixed widths, to a style that is defined nowhere
    style_id = tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val"))
    defined = {s.get(qn("w:styleId")) for s in Document(str(path)).styles.element.findall(qn("w:style"))}
    assert style_id not in defined
    rows = tbl.findall(qn("w:tr"))
    assert len(rows) > 5
    for tr in rows:
        for tc in tr.findall(qn("w:tc")):
            assert _sides(tc) == {"top": "single", "left": "single", "bottom": "single", "right": "single"}
            assert tc.tcPr.find(qn("w:tcBorders")).find(qn("w:top")).get(qn("w:space")) is None
    # the cell margins the table sets itself are kept
    margins = {m.tag.split("}")[1]: m.get(qn("w:w")) for m in tbl.tblPr.find(qn("w:tblCellMar"))}
    assert margins["left"] == margins["right"] == "57"


def _templates_with_table_style(tmp_path: Path, edit) -> Path:
    """A copy of the templates whose lampiran's 'Table Grid' style (its XML text) is `edit`ed."""
    import shutil
    import zipfile

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    source = templates / "lampiran.docx"
    with zipfile.ZipFile(source) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    styles = parts["word/styles.xml"].decode()
    start = styles.index('w:styleId="TableGrid"')
    end = styles.index("</w:style>", start)
    parts["word/styles.xml"] = (styles[:start] + edit(styles[start:end]) + styles[end:]).encode()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return templates


def test_table_style_with_a_distinct_bottom_edge(kecil, tmp_path):
    """A restyled template whose table style draws a heavier outer edge: the rendered table's
    last row gets the bottom edge, the rows of the loop the inside line."""

    def double_bottom(style: str) -> str:
        bottom = style.index("<w:bottom ")
        end = style.index("/>", bottom)
        return style[:bottom] + '<w:bottom w:val="double" w:sz="12" w:space="0" w:color="auto"' + style[end:]

    templates = _templates_with_table_style(tmp_path, double_bottom)
    tbl = _plan_tbl(render.render_lampiran(kecil, "asli", tmp_path / "l.docx", templates=templates))
    rows = tbl.findall(qn("w:tr"))
    assert {_sides(tc)["bottom"] for tc in rows[-1].findall(qn("w:tc"))} == {"double"}
    assert {_sides(tc)["bottom"] for tr in rows[:-1] for tc in tr.findall(qn("w:tc"))} == {"single"}


def test_table_style_with_conditional_formats_is_kept(kecil, tmp_path):
    """What cannot be carried over exactly (here: a bold first row from the style) stays a style."""
    templates = _templates_with_table_style(
        tmp_path, lambda style: style + '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr></w:tblStylePr>'
    )
    tbl = _plan_tbl(render.render_lampiran(kecil, "asli", tmp_path / "l.docx", templates=templates))
    assert tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val")) == "TableGrid"


def test_template_caches_stay_bounded(kecil, tmp_path, monkeypatch):
    """Each page setup (paper, margins, first page number) is a template source of its own; a
    national batch where offices differ must not keep one compiled copy per office."""
    monkeypatch.setattr(render, "_PATCHED", render._Recent(size=3))
    for first in range(1, 8):
        render.render_lampiran(kecil, "asli", tmp_path / f"l{first}.docx", first_page_number=first)
    assert len(render._PATCHED._items) == 3
    # the newest stay: rendering the last page setup again finds it
    again = render._PATCHED.get(next(reversed(render._PATCHED._items)), lambda: pytest.fail("recompiled"))
    assert again


def test_rows_wider_than_their_grid_are_still_repaired():
    """docxtpl repairs a table whose rows have more cells than its grid (e.g. a staff template
    using colspan); the shortcut for tables that match their grid must not skip that."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    cell = "<w:tc><w:p/></w:tc>"
    xml = (
        f'<w:body {w}><w:tbl><w:tblGrid><w:gridCol w:w="100"/><w:gridCol w:w="100"/></w:tblGrid>'
        f"<w:tr>{cell * 2}</w:tr><w:tr>{cell * 3}</w:tr></w:tbl></w:body>"
    )
    template = render._Template(str(ROOT / "templates" / "lampiran.docx"))
    tree = template.fix_tables(xml)
    assert len(tree.findall(f".//{qn('w:gridCol')}")) == 3
    matching = xml.replace(f"<w:tr>{cell * 3}</w:tr>", f"<w:tr>{cell * 2}</w:tr>")
    assert len(template.fix_tables(matching).findall(f".//{qn('w:gridCol')}")) == 2


def _png() -> bytes:
    """A 1x1 white PNG, for a template with pictures."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def test_the_faster_template_class_renders_what_docxtpl_renders(kecil, tmp_path):
    """render._Template replaces some of docxtpl's steps with faster ones (tabs, line and page
    breaks in data, paragraph starts, drawing ids, the grid check, the zip written once): a
    template with pictures, a row loop and such data comes out as docxtpl makes it, member by
    member, and stamped with the build's date."""
    import io

    from docx.shared import Mm
    from docxtpl import DocxTemplate

    image = tmp_path / "logo.png"
    image.write_bytes(_png())
    source = Document()
    source.add_picture(str(image), width=Mm(10))
    source.add_paragraph("{{ judul }}")
    table = source.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for r in rows %}"
    table.cell(1, 0).text, table.cell(1, 1).text = "{{ r.a }}", "{{ r.b }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    source.add_paragraph("akhir {{ catatan }}")
    source.add_picture(str(image), width=Mm(10))
    template = tmp_path / "t.docx"
    source.save(str(template))
    ctx = {
        "judul": "SATU\nDUA",
        "rows": [{"a": "x\ty", "b": "1"}, {"a": "z", "b": "p\aq"}, {"a": "", "b": "r\fs"}],
        "catatan": "a & b <c>",
    }
    theirs = DocxTemplate(str(template))
    theirs.render(ctx, render.jinja_env(), autoescape=True)
    buffer = io.BytesIO()
    theirs.save(buffer)
    ours = render._Template(str(template))
    ours.prepare = None
    ours.render(ctx, render.jinja_env(), autoescape=True)
    render._save(ours, tmp_path / "ours.docx", kecil)
    with zipfile.ZipFile(buffer) as a, zipfile.ZipFile(tmp_path / "ours.docx") as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
        assert {i.date_time for i in b.infolist()} == {(2023, 3, 9, 0, 0, 0)}
    body = Document(io.BytesIO(buffer.getvalue())).element.body
    assert [el.get("id") for el in body.iter(qn("wp:docPr"))] == ["1001", "1002"]  # renumbered
    assert len(body.findall(".//" + qn("w:tr"))) == 3
    assert body.find(".//" + qn("w:tab")) is not None and body.find(".//" + qn("w:br")) is not None
