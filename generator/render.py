"""Fill the Word templates with a case: docxtpl for the text, python-docx for the structure.

The templates own the look (fonts, borders, spacing, wording); this module owns what is
counted or structural: the context of generated numbers, page setup from the office profile,
the page-number start, the column-number row, merged cells and shaded months of the table.
"""

from __future__ import annotations

import copy
import functools
import re
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal

import jinja2
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor, Twips
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree

from . import lampiran_body, numbering, ooxml, printable, template_files, textfit
from .errors import TemplateError
from .model import BarisTabel, Case, LampiranSpec

Variant = Literal["asli", "salinan"]
VARIANTS: tuple[Variant, ...] = ("asli", "salinan")
DEFAULT_TEMPLATES = template_files.default_folder()
MONTH_FILL = lampiran_body.MONTH_FILL  # scheduled months: a grey that survives photocopying
ROW_ANCHOR = "kptbaris{:04d}"  # bookmark of each lampiran row: where LibreOffice put it (layout.py)
PIECE_SHARE = 0.35  # of a page's height, the most one table row may take (header rows and labels aside)
_ANCHOR_ID_BASE = 900000  # bookmark ids of the anchors, clear of any the template has

_WILAYAH = re.compile(r"\s+(?=(Provinsi|Kabupaten|Kota)\b)", re.IGNORECASE)


def _two_lines(text: str) -> str:
    """'Ketua Komisi Pemilihan Umum Provinsi NTB' -> 'KETUA KOMISI PEMILIHAN UMUM\\nPROVINSI NTB'.

    Signature blocks break an office name before its region, as decrees are typed.
    """
    return _WILAYAH.sub("\n", text.upper(), count=1)


def context(case: Case, variant: Variant, lampiran: int | None = None) -> dict:
    """Everything the templates print, numbers and standard wording included; with `lampiran`
    (its position), that lampiran's label and title."""
    d = case.decree
    specs = case.lampiran
    spec = specs[lampiran] if lampiran is not None else None
    office = d.kantor.nama
    issuer = d.nama_penerbit  # "Keputusan <issuer>": the office, or its official
    menimbang = list(d.menimbang)
    # The last Menimbang item restates the subject: standard wording, generated.
    menimbang.append(
        f"bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam "
        f"{numbering.huruf_list(len(d.menimbang))}, perlu menetapkan Keputusan {issuer} "
        f"tentang {d.tentang};"
    )
    # the diktum that refer to the lampiran name them (unless typed so), then the closing one
    diktum = numbering.with_lampiran_reference(list(d.diktum), [s.diktum for s in specs])
    diktum.append("Keputusan ini mulai berlaku pada tanggal ditetapkan.")
    jabatan = d.jabatan_penandatangan
    kop = [line.upper() for line in d.kantor.kop_lines]
    return {
        "salinan": variant == "salinan",
        "nomor": d.nomor_lengkap,
        "kantor": {
            "nama": office,
            "nama_kapital": office.upper(),
            "nama_dua_baris": _two_lines(office),
            "lembaga_kapital": d.kantor.lembaga.upper(),
            "wilayah_kapital": (d.kantor.wilayah or "").upper(),
            # the letterhead: its lines above the last, and the last (ruled below)
            "kop_atas": kop[:-1],
            "kop_bawah": kop[-1],
        },
        "penerbit": {"nama": issuer, "nama_kapital": issuer.upper(), "nama_dua_baris": _two_lines(issuer)},
        "dengan_rahmat": d.dengan_rahmat,
        "tentang_kapital": d.tentang.upper(),
        "menetapkan": d.menetapkan or f"KEPUTUSAN {issuer.upper()} TENTANG {d.tentang.upper()}.",
        "judul_lampiran_kapital": spec.judul.upper() if spec is not None else "",
        "lampiran_label": numbering.lampiran_label(lampiran or 0, len(specs)) if specs else "LAMPIRAN",
        "menimbang": [{"label": f"{numbering.item_letter(i)}.", "teks": t} for i, t in enumerate(menimbang)],
        "mengingat": [{"label": f"{i}.", "teks": f"{t};"} for i, t in enumerate(case.mengingat, start=1)],
        "memperhatikan": [
            {"label": f"{i}.", "teks": f"{t.rstrip(';').rstrip()};"} for i, t in enumerate(d.memperhatikan, start=1)
        ],
        "diktum": [{"label": numbering.diktum_ordinal(i), "teks": t} for i, t in enumerate(diktum, start=1)],
        "tempat": d.tempat,
        "tanggal": numbering.tanggal(d.ditetapkan.tanggal),
        "penandatangan": {
            "jabatan_kapital": _two_lines(jabatan),
            "jabatan_satu_baris": jabatan.upper(),
            "nama_kapital": d.penandatangan.nama.upper(),
        },
        "pengesah": {
            "unit_kapital": _two_lines(d.pengesah_salinan.unit),
            "jabatan": d.pengesah_salinan.jabatan,
            "nama": d.pengesah_salinan.nama,
            "nip": d.pengesah_salinan.nip or "",
        },
    }


class _Recent:
    """The last `size` results by key, shared by a batch's threads: the few template sources a
    batch renders stay compiled, and memory stays flat when every office has a profile of its
    own (page setup is applied to the template before rendering, so it is part of the key)."""

    def __init__(self, size: int = 16):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, make):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: another thread may make the same value meanwhile
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


class _CompilingOnce(SandboxedEnvironment):
    """Compiles each template source once per process: a batch renders the same two templates
    hundreds of times (docxtpl hands the whole document XML to `from_string` on every render).

    Sandboxed: an office's own template is not trusted code. A tag that reaches for Python's
    internals (`{{ cycler.__init__.__globals__.os.popen(...) }}`) stops the build instead of
    running anything."""

    def __init__(self, **options):
        super().__init__(**options)
        self._compiled = _Recent()

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        return self._compiled.get(source, lambda: super(_CompilingOnce, self).from_string(source))


_ENV: _CompilingOnce | None = None


def jinja_env() -> jinja2.Environment:
    # StrictUndefined: a field the template names and the context lacks fails loudly.
    # autoescape: data text with & < > prints as typed instead of breaking the XML.
    global _ENV  # noqa: PLW0603 - one sandboxed environment, made on first use
    if _ENV is None:
        _ENV = _CompilingOnce(undefined=jinja2.StrictUndefined, autoescape=True)
    return _ENV


_PATCHED = _Recent()
_FLATTENED = _Recent()  # template body and styles -> (flattened body, table bottoms); read only
# the rows of a table that do not cover `grid` columns (their cells, plus what their gridSpans add)
_ROWS_OFF_GRID = etree.XPath(
    ".//w:tr[count(w:tc) + sum(w:tc/w:tcPr/w:gridSpan/@w:val) - count(w:tc/w:tcPr/w:gridSpan) != $grid]",
    namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"},
)
_DOC_PR = qn("wp:docPr")


class _Template(DocxTemplate):
    """DocxTemplate that remembers its tag clean-up (a dozen regular expressions over the whole
    document XML) by the XML it was given, for the same reason, and prepares the template's
    tables and page (`prepare`) before the text is filled in."""

    def build_xml(self, context, jinja_env=None):
        # before the rows multiply: the template's few rows are flattened, not the rendered ones
        # (elements, not docx.tables: python-docx caches the body that rendering replaces)
        body = self.docx.element.body
        flat, self.table_bottoms = _FLATTENED.get(
            (etree.tostring(body), etree.tostring(self.docx.styles.element)), lambda: self._flattened(body)
        )
        body.getparent().replace(body, copy.deepcopy(flat))
        if self.prepare is not None:  # structure that does not depend on the data (page, widths)
            self.prepare(self)
        return super().build_xml(context, jinja_env)

    def _flattened(self, body) -> tuple[Any, list]:
        """A copy of the template's body with its tables' styles flattened, and each table's
        bottom border (`_flatten_table_style`). Remembered by the template's body and styles:
        every render of a template flattens the same tables the same way (7 ms a lampiran)."""
        flat = copy.deepcopy(body)
        return flat, [_flatten_table_style(self, tbl) for tbl in flat.findall(qn("w:tbl"))]

    def fix_tables(self, xml):
        """docxtpl's repair of tables whose rows have more or fewer cells than the grid: counted
        in Python cell by cell, 7 ms on the lampiran. Our rows always match their grid, so it
        runs only when a count (taken by lxml's XPath, a table at a time) differs."""
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        for tbl in tree.iter(qn("w:tbl")):
            grid = len(tbl.findall(qn("w:tblGrid") + "/" + qn("w:gridCol")))
            if _ROWS_OFF_GRID(tbl, grid=grid):
                return super().fix_tables(xml)
        return tree

    def fix_docpr_ids(self, tree):
        """docxtpl's renumbering of the drawings' ids, by lxml's tag iterator instead of an
        XPath over the whole body: the same elements in the same order, and no walk at all
        when the body has no drawing (the lampiran)."""
        for element in tree.iter(_DOC_PR):
            self.docx_ids_index += 1
            element.attrib["id"] = str(self.docx_ids_index)

    def patch_xml(self, src_xml):
        return _PATCHED.get(src_xml, lambda: super(_Template, self).patch_xml(src_xml))

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        """docxtpl 0.20's render_xml_part, with its two substitutions at every paragraph's start
        (a line break before each <w:p, so that Jinja reports a tag's line, and after
        rendering none) done by str.replace: the same text, where re.sub expands its
        replacement's group in Python, match by match (1,500 times on the lampiran)."""
        src_xml = src_xml.replace("<w:p ", "\n<w:p ").replace("<w:p>", "\n<w:p>")
        try:
            self.current_rendering_part = part
            template = jinja_env.from_string(src_xml) if jinja_env else jinja2.Template(src_xml)
            dst_xml = template.render(context)
        except jinja2.TemplateError as exc:
            lineno = getattr(exc, "lineno", None)
            if lineno is not None:  # as docxtpl: the template's text around the tag, for the caller
                line_number = max(lineno - 4, 0)
                exc.docx_context = map(  # type: ignore[attr-defined]
                    lambda x: re.sub(r"<[^>]+>", "", x),
                    src_xml.splitlines()[line_number : (line_number + 7)],
                )
            raise exc
        dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self.resolve_listing(dst_xml)

    def resolve_listing(self, xml):
        """docxtpl's turning of tab, \\a, newline and form feed in texts into runs, paragraphs
        and breaks: nested regular expressions over every paragraph (12 ms on the lampiran).
        A paragraph with none of those characters comes out as it went in, so only the few
        that hold one are handed to docxtpl, each matched as docxtpl matches it."""
        if not _LISTING_CHARS.search(xml):
            return xml
        resolve = super().resolve_listing

        def paragraph(match: re.Match) -> str:
            text = match.group(0)
            return resolve(text) if _LISTING_CHARS.search(text) else text

        return _LISTING_PARAGRAPH.sub(paragraph, xml)


# docxtpl 0.20's resolve_listing: the paragraphs it works on, and the characters it replaces
_LISTING_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_LISTING_CHARS = re.compile("[\t\a\n\f]")


LAMPIRAN_TEMPLATE = "lampiran.docx"


def _undefined_name(message: str | None) -> str:
    """The field a template asked for, from jinja's "'x' is undefined" or "... has no attribute 'x'"."""
    found = re.findall(r"'([^']+)'", message or "")
    return found[-1] if found else (message or "?")


def _render(template: Path, ctx: dict, out: Path, prepare=None) -> DocxTemplate:
    """Render `template` with `ctx`; `prepare(doc)` runs on the template before its text is
    filled in (cheaper there: the table has a handful of rows, not one per plan row)."""
    try:
        doc = _Template(str(template))
        doc.prepare = prepare
        doc.render(ctx, jinja_env(), autoescape=True)
    except SecurityError as exc:
        raise TemplateError("template.runs_code", path=template, detail=str(exc)) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            "template.unknown_field", path=template, field=_undefined_name(exc.message), detail=exc.message or ""
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError("template.syntax", path=template, line=exc.lineno, detail=exc.message or "") from None
    except FileNotFoundError:
        raise TemplateError("template.not_found", path=template) from None
    except Exception as exc:  # a corrupt .docx raises zip/XML errors of many kinds
        if isinstance(exc, TemplateError):
            raise
        raise TemplateError("template.unreadable", path=template, detail=f"{type(exc).__name__}: {exc}") from None
    for table, bottom in zip(doc.docx.tables, getattr(doc, "table_bottoms", ())):
        if bottom is not None and table.rows:  # the template's last row was the loop's end
            for tc in table.rows[-1]._tr.findall(qn("w:tc")):
                ooxml.cell_borders(tc.get_or_add_tcPr(), bottom, replace=True)
    return doc


def render_keputusan(case: Case, variant: Variant, out: Path, templates: Path = DEFAULT_TEMPLATES) -> Path:
    """Render the decree itself (portrait) to `out` (.docx)."""

    def prepare(doc: DocxTemplate) -> None:
        _page_setup(doc, case, landscape=False)
        _keep_tables_on_page(doc)

    doc = _render(templates / "keputusan.docx", context(case, variant), out, prepare)
    _fit_section_labels(doc, case)
    _keep_last_clause_with_signature(doc)
    _signature_anchor(doc, case, variant)
    _save(doc, out, case)
    return out


def _save(doc: DocxTemplate, out: Path, case: Case) -> None:
    """Save the .docx with the same bytes for the same case on any day: python-docx stamps each
    zip member with the current time, so the members are stamped with the build's date instead
    (the decree's enactment date, or SOURCE_DATE_EPOCH, as in the PDFs).

    What DocxTemplate.save does, with python-docx's own package writer handed a zip writer of
    ours: the members, their order and their bytes are python-docx's, compressed once (saving
    to memory and writing every member again compressed it twice)."""
    stamp = numbering.build_time(case.decree.ditetapkan.tanggal)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    doc.pre_processing()  # docxtpl's picture replacements (none of ours)
    package = doc.docx.part.package
    for part in package.parts:  # as OpcPackage.save
        part.before_marshal()
    writer: Any = _StampedZip(out, date_time)  # python-docx's writer interface: write(), close()
    try:
        PackageWriter._write_content_types_stream(writer, package.parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, package.parts)
    finally:
        writer.close()
    doc.post_processing(str(out))  # docxtpl's media replacements (none of ours)
    doc.is_saved = True


class _StampedZip:
    """python-docx's zip writer (docx.opc.phys_pkg._ZipPkgWriter) with every member stamped
    with `date_time` and readable by all (0644)."""

    def __init__(self, out: Path, date_time: tuple[int, int, int, int, int, int]):
        self._zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
        self._date_time = date_time

    def write(self, pack_uri, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, blob)

    def close(self) -> None:
        self._zip.close()


SECTION_LABELS = ("Menimbang", "Mengingat", "Memperhatikan", "Menetapkan")
_CELL_MARGIN = 108  # twips each side: Word's and LibreOffice's cell margin where a table sets none


def _fit_section_labels(doc: DocxTemplate, case: Case) -> None:
    """Widen the label column of the tables that hold Menimbang, Mengingat, Memperhatikan and
    Menetapkan to the widest of those labels, so that none breaks inside the word: at 12 pt
    "Memperhatikan" is wider than the template's column. The last column gives up the same
    width, and every such table gets the same label column, so they stay aligned. Where the
    labels fit (the NTB decree), nothing changes."""
    profil = case.decree.profil
    found: list[tuple[Any, list[int], int]] = []  # (table, grid widths, widest label in twips + padding)
    for tbl in doc.docx.element.body.findall(qn("w:tbl")):
        if tbl.tblGrid is None:
            continue
        labels = set()
        for tr in tbl.findall(qn("w:tr")):
            first = tr.find(qn("w:tc"))
            text = "".join(t.text or "" for t in first.iter(qn("w:t"))).strip() if first is not None else ""
            if text in SECTION_LABELS:
                labels.add(text)
        if not labels:
            continue
        widths = [int(col.get(qn("w:w"), "0")) for col in tbl.tblGrid.findall(qn("w:gridCol"))]
        measured = [printable.text_width(label, profil.font, profil.ukuran_font) for label in labels]
        if len(widths) < 2 or None in measured:
            continue
        padding = _CELL_MARGIN * 2
        margins = tbl.tblPr.find(qn("w:tblCellMar")) if tbl.tblPr is not None else None
        if margins is not None:
            sides = [margins.find(qn(f"w:{side}")) for side in ("left", "right")]
            padding = sum(int(el.get(qn("w:w"), _CELL_MARGIN)) if el is not None else _CELL_MARGIN for el in sides)
        # points to twips, and a point to spare for rounding in the layout
        need = int(max(m for m in measured if m is not None) * 20) + padding + 20
        found.append((tbl, widths, need))
    if not found:
        return
    target = max([need for _, _, need in found] + [widths[0] for _, widths, _ in found])
    for tbl, widths, _ in found:
        grow = target - widths[0]
        if grow <= 0 or widths[-1] - grow < widths[-1] // 2:
            continue  # fits already, or the text column cannot give that much
        _set_widths(tbl, [target, *widths[1:-1], widths[-1] - grow])


def _keep_last_clause_with_signature(doc: DocxTemplate) -> None:
    """A signature block never stands alone on a page: it takes the last diktum with it.

    The signature block is the document's last table; the paragraphs before it and the last
    row of the table before those (the diktum) are kept with what follows.
    """
    tables = doc.docx.element.body.findall(qn("w:tbl"))
    if not tables:
        return
    sibling = tables[-1].getprevious()
    while sibling is not None:
        if sibling.tag == qn("w:p"):
            _keep_next(sibling)
        elif sibling.tag == qn("w:tbl"):
            rows = sibling.findall(qn("w:tr"))
            if rows:
                for p in rows[-1].iter(qn("w:p")):
                    _keep_next(p)
            return
        sibling = sibling.getprevious()


def _keep_next(p) -> None:
    p_pr = p.get_or_add_pPr()
    if p_pr.find(qn("w:keepNext")) is None:
        # keepNext follows pStyle in the schema's order
        style = p_pr.find(qn("w:pStyle"))
        el = OxmlElement("w:keepNext")
        if style is not None:
            style.addnext(el)
        else:
            p_pr.insert(0, el)


def render_lampiran(
    case: Case,
    variant: Variant,
    out: Path,
    *,
    lampiran: int = 0,
    first_page_number: int = 1,
    page_starts: frozenset[int] = frozenset(),
    page_breaks: frozenset[int] = frozenset(),
    piece_share: float = PIECE_SHARE,
    templates: Path = DEFAULT_TEMPLATES,
) -> Path:
    """Render the lampiran at position `lampiran` to `out` (.docx).

    The monthly plan fills the template's own table; any other table, a member list or prose
    is built in its place, in its look (`lampiran_body`).

    `page_starts`: table rows that begin a page (from a measuring pass), where merged groups
    restart and labels repeat. `page_breaks`: those of them put on a new page by an explicit
    break (the table goes on in a table of its own, with the header rows again) instead of
    where LibreOffice breaks the page (layout.py, when its breaks do not settle). Every table
    row carries an invisible bookmark (ROW_ANCHOR), which the PDF export turns into a named
    destination: layout.py reads from the PDF which row landed on which page, so every
    conversion of a lampiran measures its own pagination.

    `piece_share`: at most this share of a page's height is taken by one row of a table; a
    longer text is printed in several rows (numbering.lampiran_rows and `_pieces` for the
    monthly plan, numbering.table_rows and `_cell_pieces` for declared columns).
    """
    spec = case.lampiran[lampiran]
    columns = spec.columns
    rows: list[dict] = []
    ctx = context(case, variant, lampiran) | {"rows": []}
    widths: list[int] = []

    def prepare(doc: DocxTemplate) -> None:
        nonlocal widths
        _page_setup(doc, case, landscape=spec.landscape, first_page_number=first_page_number)
        plan = _plan_table(doc)
        if spec.is_plan:
            scale = _fit_width(doc, plan)
        else:
            doc.prototypes = lampiran_body.capture(doc.docx, plan, _header_row_count(plan))
            text_width = Emu(_text_width(doc)).twips
            widths = lampiran_body.column_widths(columns, text_width) if columns else []
            declared = sum(columns[c].lebar for c, _ in numbering.printed_columns(columns))  # mm on F4
            scale = text_width / Mm(declared).twips if columns else 1.0
            if spec.jenis != "prosa":  # cut as `_pieces` cuts the plan's texts, by these widths
                rows[:] = _declared_rows(case, lampiran, widths, plan, page_starts | page_breaks, piece_share)
        _scale_header_font(doc, plan, scale, case.decree.profil.ukuran_font_tabel)
        _keep_tables_on_page(doc, skip=plan)
        if spec.is_plan:
            # the rows are made here, in the context being rendered: how a tall text is cut
            # depends on the widths its column gets on this page
            pieces = _pieces(plan, case, piece_share)
            rows[:] = numbering.lampiran_rows(case.tables[lampiran], page_starts | page_breaks, pieces)
            ctx["rows"] = rows

    doc = _render(templates / LAMPIRAN_TEMPLATE, ctx, out, prepare)
    if spec.is_plan:
        _structure_table(doc, case, rows, column_numbers=spec.column_numbers)
    elif spec.jenis == "prosa":
        lampiran_body.build_prose(_plan_table(doc), tuple(spec.isi or ()), lampiran_body.style_ids(doc.docx))
    else:
        tbl = _plan_table(doc)
        lampiran_body.build_table(
            tbl,
            doc.prototypes,
            columns,
            rows,
            widths,
            column_numbers=spec.column_numbers,
            add_anchor=_add_anchor,
        )
        bottom = _bottom_of(doc, tbl)
        if bottom is not None and rows:
            for tc in tbl.findall(qn("w:tr"))[-1].findall(qn("w:tc")):
                ooxml.cell_borders(tc.get_or_add_tcPr(), bottom, replace=True)
    if spec.jenis != "prosa" and rows:
        _keep_closing_with_table(doc)
        if page_breaks:
            _break_pages_before(doc, page_breaks)
    if case.decree.profil.ttd_lampiran:
        _signature_anchor(doc, case, variant)
    _save(doc, out, case)
    return out


def table_rows_of(case: Case, lampiran: int) -> list[BarisTabel]:
    """The rows of a table lampiran that is not the monthly plan: as typed, or the members."""
    spec: LampiranSpec = case.lampiran[lampiran]
    if spec.jenis == "anggota":
        return [BarisTabel((a.nama, a.jabatan, a.kedudukan)) for a in spec.anggota or ()]
    table = case.tables[lampiran]
    return list(getattr(table, "rows", ()))


def _bottom_of(doc: DocxTemplate, tbl) -> Any:
    """The bottom border the template's table style gave its last row (see _flatten_table_style)."""
    tables = doc.docx.element.body.findall(qn("w:tbl"))
    bottoms = getattr(doc, "table_bottoms", ())
    for table, bottom in zip(tables, bottoms):
        if table is tbl:
            return bottom
    return None


def lampiran_table_rows(
    case: Case,
    page_starts: frozenset[int] = frozenset(),
    *,
    piece_share: float = PIECE_SHARE,
    templates: Path = DEFAULT_TEMPLATES,
    lampiran: int | None = None,
) -> list[dict]:
    """The rows of a monthly plan's table (the lampiran at `lampiran`, by default the first
    plan) as `render_lampiran` prints them with `page_starts` (for a template that renders: it
    is read, not checked)."""
    from docx import Document

    index = lampiran if lampiran is not None else case.plan_index
    plan_rows = case.tables[index] if index is not None else case.plan
    holder = type("Holder", (), {"docx": Document(str(templates / LAMPIRAN_TEMPLATE))})()
    _page_setup(holder, case, landscape=True)
    plan = _plan_table(holder)
    _fit_width(holder, plan)
    return numbering.lampiran_rows(plan_rows, page_starts, _pieces(plan, case, piece_share))


def declared_table_rows(
    case: Case,
    lampiran: int,
    page_starts: frozenset[int] = frozenset(),
    *,
    piece_share: float = PIECE_SHARE,
    templates: Path = DEFAULT_TEMPLATES,
) -> list[dict]:
    """The printed rows of a table lampiran with declared columns (a member list's too), as
    `render_lampiran` prints them with `page_starts`: texts too tall for a page in pieces."""
    from docx import Document

    spec = case.lampiran[lampiran]
    holder = type("Holder", (), {"docx": Document(str(templates / LAMPIRAN_TEMPLATE))})()
    _page_setup(holder, case, landscape=spec.landscape)
    widths = lampiran_body.column_widths(spec.columns, Emu(_text_width(holder)).twips)
    return _declared_rows(case, lampiran, widths, _plan_table(holder), page_starts, piece_share)


def _declared_rows(
    case: Case, lampiran: int, widths: list[int], tbl, page_starts: frozenset[int], piece_share: float
) -> list[dict]:
    """The printed rows of a declared table whose columns take `widths` (twips) in the
    template's table `tbl`: texts too tall for a page cut in pieces by those widths."""
    spec = case.lampiran[lampiran]
    pieces = _cell_pieces(case, spec.columns, widths, _cell_margins(tbl), piece_share, spec.landscape)
    return numbering.table_rows(spec.columns, table_rows_of(case, lampiran), page_starts, pieces)


# ---------------------------------------------------------------- structure after rendering


def _page_setup(doc: DocxTemplate, case: Case, *, landscape: bool, first_page_number: int = 1) -> None:
    profil = case.decree.profil
    short, long = profil.paper_mm
    margin = profil.margin_mm
    for section in doc.docx.sections:
        if landscape:
            section.page_width, section.page_height = Mm(long), Mm(short)
        else:
            section.page_width, section.page_height = Mm(short), Mm(long)
        section.orientation = 1 if landscape else 0
        section.top_margin, section.bottom_margin = Mm(margin.atas), Mm(margin.bawah)
        section.left_margin, section.right_margin = Mm(margin.kiri), Mm(margin.kanan)
        sect_pr = section._sectPr
        for old in sect_pr.findall(qn("w:pgNumType")):
            sect_pr.remove(old)
        pg = OxmlElement("w:pgNumType")
        pg.set(qn("w:start"), str(first_page_number))
        # schema order: pgNumType comes before these (Word rejects files that break it)
        later = [el for el in sect_pr if ooxml.local_name(el) in ooxml.SECT_PR_AFTER_PG_NUM_TYPE]
        if later:
            later[0].addprevious(pg)
        else:
            sect_pr.append(pg)
    styles = doc.docx.styles
    normal = styles["Normal"]
    normal.font.name = profil.font
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), profil.font)
    normal.font.size = Pt(profil.ukuran_font)
    for style in styles:
        if getattr(style, "name", "").startswith("Tabel") and style.type == 1:
            style.font.size = Pt(profil.ukuran_font_tabel)


def _signature_anchor(doc: DocxTemplate, case: Case, variant: Variant) -> None:
    """Profile `jangkar_ttd`: print the anchor character, in white, in the signature space.

    It goes on the last blank line above the signer's name (the Ketua's in the original, the
    authenticating official's in the copy), for signing services that place the signature
    box where they find the character.
    """
    anchor = case.decree.profil.jangkar_ttd
    if not anchor:
        return
    d = case.decree
    name = d.penandatangan.nama.upper() if variant == "asli" else d.pengesah_salinan.nama
    for table in doc.docx.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs = cell.paragraphs
                for i, p in enumerate(paragraphs):
                    if i and p.text.strip() == name and not paragraphs[i - 1].text.strip():
                        run = paragraphs[i - 1].add_run(anchor)
                        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                        return
    raise TemplateError("template.no_signature_line", name=name)


def _plan_table(doc: DocxTemplate):
    """The lampiran table (a w:tbl element): the one whose rows repeat as headers.

    Elements, not python-docx's `tables`: before rendering, python-docx would cache the body
    that rendering replaces."""
    for tbl in doc.docx.element.body.findall(qn("w:tbl")):
        first = tbl.find(qn("w:tr"))
        if first is not None and first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None:
            return tbl
    raise TemplateError("template.no_plan_table", path=LAMPIRAN_TEMPLATE)


def _header_row_count(tbl) -> int:
    count = 0
    for tr in tbl.findall(qn("w:tr")):
        if tr.trPr is None or tr.trPr.find(qn("w:tblHeader")) is None:
            break
        count += 1
    return count


def _structure_table(doc: DocxTemplate, case: Case, rows: list[dict], *, column_numbers: bool = True) -> None:
    tbl = _plan_table(doc)
    headers = _header_row_count(tbl)
    columns = len(tbl.tblGrid.findall(qn("w:gridCol")))
    if columns != 18:
        raise TemplateError("template.plan_columns", path=LAMPIRAN_TEMPLATE, columns=columns, expected=18)
    trs = tbl.findall(qn("w:tr"))
    # The last header row numbers the columns 1..18: counted, never typed (or dropped).
    if column_numbers:
        for i, tc in enumerate(trs[headers - 1].findall(qn("w:tc")), start=1):
            _set_text(tc, str(i))
    else:
        tbl.remove(trs[headers - 1])
    body = trs[headers:]
    if len(body) != len(rows):
        raise TemplateError("template.plan_rows", path=LAMPIRAN_TEMPLATE, expected=len(rows), found=len(body))
    for index, (tr, data) in enumerate(zip(body, rows)):
        cells = tr.findall(qn("w:tc"))
        for group, columns_ in numbering.GROUP_COLUMNS.items():
            for col in columns_:
                if group in data["starts"]:
                    if data["span"][group] > 1:
                        ooxml.vmerge(cells[col], restart=True)
                else:
                    ooxml.vmerge(cells[col], restart=False)
        for month in data["bulan"]:
            ooxml.shade(cells[4 + month], MONTH_FILL)
        # in the January cell: never merged, so the anchor belongs to this row alone
        _add_anchor(cells[5], index)
        if data["joined"]:
            _join_to_row_above(body[index - 1], tr, data["joined"])


def _join_to_row_above(above, tr, joined: tuple[str, ...]) -> None:
    """No border between this row and the one above in the columns of `joined` (a group, or
    "row": all): the two rows print one text that was cut in pieces (numbering.lampiran_rows)."""
    upper, lower = above.findall(qn("w:tc")), tr.findall(qn("w:tc"))
    if "row" in joined:
        columns: set[int] = set(range(len(lower)))
    else:
        columns = {col for group in joined for col in numbering.GROUP_COLUMNS[group]}
    for col in sorted(columns):
        ooxml.join_vertically(upper[col], lower[col])


def _keep_closing_with_table(doc: DocxTemplate) -> None:
    """The enactment and signature block never stand alone on a page: the table's last row is
    kept with it (LibreOffice then takes that row to the next page with the block)."""
    tbl = _plan_table(doc)
    last = tbl.findall(qn("w:tr"))[-1]
    for p in last.iter(qn("w:p")):
        _keep_next(p)
    sibling = tbl.getnext()
    while sibling is not None and sibling.tag == qn("w:p"):
        _keep_next(sibling)
        sibling = sibling.getnext()


def _break_pages_before(doc: DocxTemplate, rows: frozenset[int]) -> None:
    """Put each of `rows` (table rows, 0-based) at the top of a new page: the table is cut
    there, and goes on in a table of its own (its header rows again) after a page break.

    LibreOffice has no page break between two rows of one table. The break is a paragraph of
    1 pt at the top of the new page, which cannot leave an empty page behind, as a break
    before the table could when the table above fills its page to the last point."""
    tbl = _plan_table(doc)
    headers = tbl.findall(qn("w:tr"))[: _header_row_count(tbl)]
    body = tbl.findall(qn("w:tr"))[len(headers) :]
    tables = doc.docx.element.body.findall(qn("w:tbl"))
    bottoms = getattr(doc, "table_bottoms", [])
    bottom = bottoms[tables.index(tbl)] if tables.index(tbl) < len(bottoms) else None
    for start in sorted((r for r in rows if 0 < r < len(body)), reverse=True):
        part = OxmlElement("w:tbl")
        part.append(copy.deepcopy(tbl.tblPr))
        part.append(copy.deepcopy(tbl.tblGrid))
        for tr in headers:
            part.append(copy.deepcopy(tr))
        for tr in body[start:]:
            if tr.getparent() is tbl:
                part.append(tr)
        if bottom is not None:  # the cut table's last row is its bottom edge now
            for tc in body[start - 1].findall(qn("w:tc")):
                ooxml.cell_borders(tc.get_or_add_tcPr(), bottom, replace=True)
        tbl.addnext(_page_break_paragraph())
        tbl.getnext().addnext(part)


def _page_break_paragraph():
    p = OxmlElement("w:p")
    p_pr = OxmlElement("w:pPr")
    p_pr.append(OxmlElement("w:pageBreakBefore"))
    spacing = OxmlElement("w:spacing")
    for key, value in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(qn(f"w:{key}"), value)
    p_pr.append(spacing)
    r_pr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    r_pr.append(size)
    p_pr.append(r_pr)
    p.append(p_pr)
    return p


def _lines_per_piece(case: Case, share: float, landscape: bool = True) -> tuple[int, textfit.FontMetrics, float]:
    """(lines a piece of `share` of a page may take, the table font's metrics, its size)."""
    profil = case.decree.profil
    size = profil.ukuran_font_tabel
    metrics = textfit.FontMetrics.of(profil.font)
    short, long = profil.paper_mm
    page_pt = ((short if landscape else long) - profil.margin_mm.atas - profil.margin_mm.bawah) * 72 / 25.4
    return int(share * page_pt / (metrics.line * size)), metrics, size


def _cell_pieces(
    case: Case, columns, widths: list[int], margins: int, share: float, landscape: bool
) -> numbering.CellPieces:
    """How numbering.table_rows cuts a declared table's text too tall for a page: by its printed
    column's width (twips) and the table's font, into pieces of at most `share` of a page each.
    A lettered item's text stands after its letter (as in the plan's sub-kegiatan)."""
    max_lines, _, size = _lines_per_piece(case, share, landscape)
    printed = numbering.printed_columns(columns)

    def cut(column: int, text: str) -> list[str]:
        indent = _BUTIR_INDENT if columns[printed[column][0]].jenis == "butir" else 0
        width_em = max(1.0, (widths[column] - margins - indent - _CELL_TEXT_GAP) / 20 / size)
        return _split_to_fit(text, width_em, max_lines, case.decree.profil.font)

    return cut


def _pieces(tbl, case: Case, share: float) -> numbering.Pieces:
    """How numbering.lampiran_rows cuts a text too tall for a page: by its column's width on
    this page and the table's font, into pieces of at most `share` of a page's height each."""
    max_lines, _, size = _lines_per_piece(case, share)
    widths = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.findall(qn("w:gridCol"))]
    margins = _cell_margins(tbl)

    def width_em(column: str) -> float:
        col = numbering.TEXT_COLUMNS[column]
        indent = _BUTIR_INDENT if column == "sub_kegiatan" else 0
        return max(1.0, (widths[col] - margins - indent - _CELL_TEXT_GAP) / 20 / size)

    columns = {name: width_em(name) for name in numbering.TEXT_COLUMNS}
    font = case.decree.profil.font
    return lambda column, text: _split_to_fit(text, columns[column], max_lines, font)


def _split_to_fit(text: str, width_em: float, max_lines: int, font: str) -> list[str]:
    """textfit.split_to_fit in the font's metrics, remembered: a case's lampiran is rendered
    several times (layout passes, both variants, every office of a batch) with the same texts
    in the same widths."""
    return list(_split_remembered(text, width_em, max_lines, font))


@functools.lru_cache(maxsize=8192)
def _split_remembered(text: str, width_em: float, max_lines: int, font: str) -> tuple[str, ...]:
    return tuple(textfit.split_to_fit(text, width_em, max_lines, textfit.FontMetrics.of(font)))


_CELL_TEXT_GAP = 80  # twips: what LibreOffice keeps beside a cell's text besides its margins (borders)
_BUTIR_INDENT = 283  # twips: the letter of a sub-kegiatan hangs in front of its text (style TabelButir)


def _cell_margins(tbl) -> int:
    """Left and right cell margins of the table, in twips (Word's default when it sets none)."""
    found = tbl.tblPr.find(qn("w:tblCellMar")) if tbl.tblPr is not None else None
    total = 0
    for side, alternative in (("left", "start"), ("right", "end")):
        el = None if found is None else found.find(qn(f"w:{side}"))
        if el is None and found is not None:
            el = found.find(qn(f"w:{alternative}"))
        total += int(el.get(qn("w:w"), _CELL_MARGIN)) if el is not None else _CELL_MARGIN
    return total


def _keep_tables_on_page(doc: DocxTemplate, skip=None) -> None:
    """Narrow the widest column of any table wider than the page's text width by the excess.

    The templates are drawn for F4; on a narrower page (A4) the signature block's table would
    otherwise run into the right margin. The widest column is the blank one beside the
    signature (or "Salinan sesuai dengan aslinya"), so the signer's column keeps its width."""
    text_width = Emu(_text_width(doc)).twips
    for tbl in doc.docx.element.body.findall(qn("w:tbl")):
        if tbl is skip or tbl.tblGrid is None:
            continue
        grid = tbl.tblGrid.findall(qn("w:gridCol"))
        widths = [int(col.get(qn("w:w"), "0")) for col in grid]
        excess = sum(widths) - text_width
        if excess <= 20 or not widths:  # a point or less: the template's own rounding
            continue
        widest = max(range(len(widths)), key=widths.__getitem__)
        if widths[widest] - excess < widths[widest] // 3:
            continue  # not a blank column to give up; leave the table as drawn
        widths[widest] -= excess
        _set_widths(tbl, widths)


def _text_width(doc: DocxTemplate) -> int:
    """Width between the margins of the document's (last) section, in EMU."""
    section = doc.docx.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def _cells(tr):
    """(tc, tcPr, first grid column, columns spanned) for each cell of a table row."""
    col = 0
    for tc in tr.findall(qn("w:tc")):
        tc_pr = tc.get_or_add_tcPr()
        span_el = tc_pr.find(qn("w:gridSpan"))
        span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
        yield tc, tc_pr, col, span
        col += span


def _set_widths(tbl, widths: list[int]) -> None:
    """Set a table's grid, its width when it states one, and its cells' widths (spans summed)."""
    for col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(w))
    # a template saved by LibreOffice carries its own table width, which wins over the grid
    tbl_w = tbl.tblPr.find(qn("w:tblW")) if tbl.tblPr is not None else None
    if tbl_w is not None and tbl_w.get(qn("w:type")) in ("dxa", None):
        tbl_w.set(qn("w:w"), str(sum(widths)))
        tbl_w.set(qn("w:type"), "dxa")
    for tr in tbl.findall(qn("w:tr")):
        for _, tc_pr, col, span in _cells(tr):
            tc_w = tc_pr.find(qn("w:tcW"))
            if tc_w is not None:
                tc_w.set(qn("w:w"), str(sum(widths[col : col + span])))
                tc_w.set(qn("w:type"), "dxa")


def _fit_width(doc: DocxTemplate, tbl) -> float:
    """Scale the table's column widths to the page's text width (the template is drawn for F4);
    returns the factor. Run on the template (see `render_lampiran`): the loop's rows copy
    their row's widths."""
    widths = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.findall(qn("w:gridCol"))]
    scale = _text_width(doc) / Twips(sum(widths))
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:  # "auto" in our template: the grid sets the width, as in one saved by LibreOffice
        tbl_w.set(qn("w:type"), "dxa")
    _set_widths(tbl, [int(w * scale) for w in widths])
    return scale


def _scale_header_font(doc: DocxTemplate, tbl, scale: float, size: float) -> None:
    """On a page narrower than the template's (A4 against F4) the header's columns narrow, and
    bold capitals such as PERUBAHAN or the month number 10 no longer fit on a line: they broke
    inside the word. The header's own paragraph styles shrink with the columns (down to half points;
    only styles the table uses nowhere but in its header rows)."""
    if scale > 0.98:  # F4 drawn, F4 printed (margins aside): the header fits as drawn
        return
    trs = tbl.findall(qn("w:tr"))
    headers = _header_row_count(tbl)

    def styles_in(rows) -> set[str]:
        return {el.get(qn("w:val")) for tr in rows for el in tr.iter(qn("w:pStyle"))}

    only_header = styles_in(trs[:headers]) - styles_in(trs[headers:])
    smaller = Pt(int(size * scale * 2) / 2)
    for style in doc.docx.styles:
        if style.type == 1 and style.style_id in only_header:
            style.font.size = smaller


# table-style paragraph properties that can be carried over to a cell paragraph as direct ones
_FLATTENABLE_P_PR = {"spacing", "jc", "ind"}


def _flatten_table_style(doc: DocxTemplate, tbl):
    """Give the table's cells their style's borders directly and stop using the table style.

    LibreOffice's Word import applies a table style cell by cell: with the style, loading the
    lampiran takes 0.26 s, without it 0.15 s (it is loaded at least twice an office). The look is
    kept: each cell gets the style's outer or inside borders by its position, the style's cell
    margins go to the table where the table sets none, and the paragraph properties the style
    gives (e.g. Table Grid's spacing) go to each cell paragraph whose own style does not set
    them. A style with more than that (conditional formats, fonts) is left as it is.

    Run on the template, before rendering: the loop's rows are copies of one template row and
    get inside borders; returns the w:tcBorders the rendered table's last row must get (the
    style's bottom edge) when that differs from an inside border, else None.
    """
    tbl_pr = tbl.tblPr
    ref = tbl_pr.find(qn("w:tblStyle")) if tbl_pr is not None else None
    if ref is None or ref.get(qn("w:val")) == _FLATTENED_STYLE:
        return None
    chain = _style_chain(doc, ref.get(qn("w:val")))
    if not chain:
        return None
    p_props: dict[str, dict[str, str]] = {}
    borders: dict[str, Any] = {}  # side -> its w:* border element
    margins: dict[str, object] = {}
    for style in reversed(chain):  # base first: derived styles override
        for child in style:
            name = ooxml.local_name(child)
            if name in ("tblStylePr", "rPr", "tcPr", "trPr"):
                if len(child):
                    return None  # conditional or character formatting: keep the style
            elif name == "pPr":
                for prop in child:
                    key = ooxml.local_name(prop)
                    if key not in _FLATTENABLE_P_PR:
                        return None
                    p_props.setdefault(key, {}).update(prop.attrib)
            elif name == "tblPr":
                for prop in child:
                    key = ooxml.local_name(prop)
                    if key == "tblBorders":
                        borders.update({ooxml.local_name(b): b for b in prop})
                    elif key == "tblCellMar":
                        margins.update({ooxml.local_name(m): m for m in prop})
    if margins:
        own = tbl_pr.find(qn("w:tblCellMar"))
        if own is None:
            own = ooxml.insert_ordered(tbl_pr, OxmlElement("w:tblCellMar"), ooxml.TBL_PR_ORDER)
        present = {ooxml.local_name(m) for m in own}
        for side in _CELL_MARGIN_ORDER:
            if side in margins and side not in present:
                ooxml.insert_ordered(own, copy.deepcopy(margins[side]), _CELL_MARGIN_ORDER)
    tbl_borders = tbl_pr.find(qn("w:tblBorders"))  # the table's own borders win over the style's
    if tbl_borders is not None:
        borders.update({ooxml.local_name(b): b for b in tbl_borders})
    columns = len(tbl.tblGrid.findall(qn("w:gridCol")))
    trs = tbl.findall(qn("w:tr"))
    made: dict[tuple, object] = {}  # a cell's borders by position (16 kinds at most), copied per cell
    style_props: dict[str | None, dict[str, set[str]]] = {}
    for r, tr in enumerate(trs):
        for tc, tc_pr, col, span in _cells(tr):
            sides = (
                ("top", "top" if r == 0 else "insideH"),
                ("left", "left" if col == 0 else "insideV"),
                ("bottom", "bottom" if r == len(trs) - 1 else "insideH"),
                ("right", "right" if col + span >= columns else "insideV"),
            )
            if sides not in made:
                made[sides] = _borders_element({side: borders.get(source) for side, source in sides})
            ooxml.cell_borders(tc_pr, made[sides])
            for p in tc.iter(qn("w:p")):
                _carry_paragraph_props(doc, p, p_props, style_props)
    # The reference stays, to a style the document does not define: Word then uses its plain
    # table defaults, all of which the cells now carry themselves. LibreOffice needs a tblStyle
    # element to keep the fixed column widths (without one it widens columns to fit a long word
    # or "10" in a narrow month column, past the page edge), while it is a defined style that
    # costs it the time, whatever the style holds (measured on LibreOffice 7.4).
    ref.set(qn("w:val"), _FLATTENED_STYLE)
    bottom, inside = borders.get("bottom"), borders.get("insideH")
    if bottom is None or (inside is not None and dict(bottom.attrib) == dict(inside.attrib)):
        return None
    return _borders_element({"bottom": bottom})


def _style_chain(doc: DocxTemplate, style_id: str | None) -> list:
    """The w:style element of `style_id` and its basedOn ancestors, nearest first."""
    styles = doc.docx.styles.element
    chain, seen = [], set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        found = styles.find(f"{{{_W}}}style[@{{{_W}}}styleId='{style_id}']")
        if found is None:
            break
        chain.append(found)
        based = found.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    return chain


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FLATTENED_STYLE = "KeputusanTanpaGayaTabel"  # defined nowhere, see _flatten_table_style
_CELL_MARGIN_ORDER = ["top", "start", "left", "bottom", "end", "right"]


def _borders_element(wanted: dict):
    """A w:tcBorders with the sides in `wanted` (side -> border element of the style)."""
    el = OxmlElement("w:tcBorders")
    for side in ooxml.TC_BORDER_ORDER:
        border = wanted.get(side)
        if border is None:
            continue
        line = OxmlElement(f"w:{side}")
        for key, value in border.attrib.items():
            # Word ignores a cell border's w:space; LibreOffice would take it for the cell's
            # padding on that side
            if key != qn("w:space"):
                line.set(key, value)
        el.append(line)
    return el


def _carry_paragraph_props(
    doc: DocxTemplate, p, props: dict[str, dict[str, str]], style_props: dict[str | None, dict[str, set[str]]]
) -> None:
    """Give paragraph `p` the table style's paragraph properties its own style chain leaves
    unset. `style_props` caches what each paragraph style sets."""
    if not props:
        return
    p_pr = p.find(qn("w:pPr"))
    style_ref = p_pr.find(qn("w:pStyle")) if p_pr is not None else None
    style_id = style_ref.get(qn("w:val")) if style_ref is not None else None  # None: the default
    if style_id not in style_props:
        found: dict[str, set[str]] = {}
        for style in _style_chain(doc, style_id or _default_paragraph_style(doc)):
            for prop in style.findall(qn("w:pPr") + "/*"):
                found.setdefault(ooxml.local_name(prop), set()).update(prop.attrib)
        style_props[style_id] = found
    defined = style_props[style_id]
    direct = [prop for prop in p_pr if prop is not style_ref] if p_pr is not None else []
    if direct:
        defined = {key: set(names) for key, names in defined.items()}
        for prop in direct:
            defined.setdefault(ooxml.local_name(prop), set()).update(prop.attrib)
    for key, attrs in props.items():
        names = defined.get(key, ())
        missing = {name: value for name, value in attrs.items() if name not in names}
        if not missing:
            continue
        if p_pr is None:
            p_pr = p.get_or_add_pPr()
        el = p_pr.find(qn(f"w:{key}"))
        if el is None:
            el = ooxml.insert_ordered(p_pr, OxmlElement(f"w:{key}"), ooxml.P_PR_ORDER)
        for name, value in missing.items():
            el.set(name, value)


def _default_paragraph_style(doc: DocxTemplate) -> str | None:
    for style in doc.docx.styles.element.findall(qn("w:style")):
        if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
            return style.get(qn("w:styleId"))
    return None


def _set_text(tc, text: str) -> None:
    paragraphs = tc.findall(qn("w:p"))
    p = paragraphs[0]
    for r in p.findall(qn("w:r")):
        p.remove(r)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    p.append(run)


def _add_anchor(tc, index: int) -> None:
    """An empty bookmark at the start of the cell: takes no space, prints nothing."""
    p = tc.findall(qn("w:p"))[0]
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(_ANCHOR_ID_BASE + index))
    start.set(qn("w:name"), ROW_ANCHOR.format(index))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(_ANCHOR_ID_BASE + index))
    p_pr = p.find(qn("w:pPr"))
    if p_pr is not None:
        p_pr.addnext(start)
    else:
        p.insert(0, start)
    start.addnext(end)
