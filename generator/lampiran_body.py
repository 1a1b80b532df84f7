"""The bodies of the lampiran the template does not draw: tables of declared columns (a preset
other than the monthly plan, or the case's own), member lists, and prose.

The template's lampiran table is the model of every table: its header rows give the look of a
heading cell (shading, borders, the "Tabel Kepala" paragraph style), its data row the look of a
body cell (borders, "Tabel", "Tabel Tengah", "Tabel Butir"). A table of other columns is built
from copies of those cells after the template was filled in, so an office's restyled template
restyles every table; prose is written in the paragraph styles of the template (Judul, Isi,
Butir). Nothing typed passes through the template engine: texts are set on the elements.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from . import numbering, ooxml
from .model import PERIODS, BlokProsa, Kolom

MONTH_FILL = "7F7F7F"  # scheduled months: a grey that survives photocopying (as the plan table's)
_TAB_TWIPS = 283  # 0.5 cm: where an item's text starts after its letter (the template's Tabel Butir)
_LEVEL_TWIPS = 454  # 0.8 cm: the indentation of each level of prose (the template's Butir)


@dataclass
class Prototypes:
    """Copies of the template table's parts, taken before it is filled in (its data row is a
    loop that renders to nothing for these lampiran)."""

    tbl_pr: Any
    header_tr_pr: Any
    body_tr_pr: Any
    header_cells: list  # tcPr of the first header row's cells, left to right
    body_cells: list  # tcPr of the data row's cells
    styles: dict[str, str | None]  # "kepala", "kiri", "tengah", "butir" -> paragraph style id


def style_ids(doc: Any) -> dict[str, str]:
    """Paragraph styles of a document by name -> id (a template may lack some: then none)."""
    return {style.name: style.style_id for style in doc.styles if style.type == 1}


def capture(doc: Any, tbl: Any, header_rows: int) -> Prototypes:
    """The parts of the template's table (`tbl`, before rendering) that the built tables copy."""
    trs = tbl.findall(qn("w:tr"))
    header = trs[0]
    body = next(
        (tr for tr in trs[header_rows:] if "{%tr" not in "".join(t.text or "" for t in tr.iter(qn("w:t")))),
        trs[-1],
    )

    def tc_prs(tr: Any) -> list:
        out = []
        for tc in tr.findall(qn("w:tc")):
            tc_pr = copy.deepcopy(tc.find(qn("w:tcPr")))
            if tc_pr is None:
                tc_pr = OxmlElement("w:tcPr")
            for name in ("w:tcW", "w:gridSpan", "w:vMerge", "w:hMerge"):
                for el in tc_pr.findall(qn(name)):
                    tc_pr.remove(el)
            out.append(tc_pr)
        return out

    ids = style_ids(doc)
    styles = {
        "kepala": ids.get("Tabel Kepala"),
        "kiri": ids.get("Tabel"),
        "tengah": ids.get("Tabel Tengah") or ids.get("Tabel"),
        "butir": ids.get("Tabel Butir") or ids.get("Tabel"),
    }
    return Prototypes(
        tbl_pr=copy.deepcopy(tbl.tblPr),
        header_tr_pr=copy.deepcopy(header.trPr),
        body_tr_pr=copy.deepcopy(body.trPr),
        header_cells=tc_prs(header),
        body_cells=tc_prs(body),
        styles=styles,
    )


def _pick(cells: list, col: int, count: int) -> Any:
    """The prototype cell for column `col` of `count`: the first, the last or an inner one, so
    that outer and inner borders stay where the template has them."""
    if not cells:
        return OxmlElement("w:tcPr")
    if col == 0:
        return cells[0]
    if col == count - 1:
        return cells[-1]
    return cells[min(1, len(cells) - 1)] if len(cells) > 2 else cells[0]


def _paragraph(style: str | None, text: str = "", label: str = "", bold: bool = False) -> Any:
    p = OxmlElement("w:p")
    if style:
        p_pr = OxmlElement("w:pPr")
        style_el = OxmlElement("w:pStyle")
        style_el.set(qn("w:val"), style)
        p_pr.append(style_el)
        p.append(p_pr)
    if label:
        _run(p, label, bold)
        p.append(_tab_run())
    if text:
        _run(p, text, bold)
    return p


def _tab_run() -> Any:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:tab"))
    return run


def _run(p: Any, text: str, bold: bool = False) -> None:
    """Text as typed: a line break typed in a cell stays a line break."""
    run = OxmlElement("w:r")
    if bold:
        r_pr = OxmlElement("w:rPr")
        r_pr.append(OxmlElement("w:b"))
        run.append(r_pr)
    for i, line in enumerate(text.split("\n")):
        if i:
            run.append(OxmlElement("w:br"))
        t = OxmlElement("w:t")
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(t)
    p.append(run)


def _cell(tc_pr: Any, width: int, paragraph: Any) -> Any:
    tc = OxmlElement("w:tc")
    pr = copy.deepcopy(tc_pr)
    tc_w = OxmlElement("w:tcW")
    tc_w.set(qn("w:w"), str(width))
    tc_w.set(qn("w:type"), "dxa")
    ooxml.insert_ordered(pr, tc_w, ooxml.TC_PR_ORDER)
    tc.append(pr)
    tc.append(paragraph)
    return tc


def _span(tc: Any, columns: int) -> None:
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), str(columns))
    ooxml.insert_ordered(tc.find(qn("w:tcPr")), span, ooxml.TC_PR_ORDER)


def _row(tr_pr: Any) -> Any:
    tr = OxmlElement("w:tr")
    if tr_pr is not None:
        tr.append(copy.deepcopy(tr_pr))
    return tr


def headings(columns: tuple[Kolom, ...]) -> list[tuple[str, str | None, Any]]:
    """(top heading, sub heading or None, what groups it) for each printed column: a period
    column's months or quarters stand under its heading, a column with `judul_atas` under that."""
    out: list[tuple[str, str | None, Any]] = []
    for c, period in numbering.printed_columns(columns):
        column = columns[c]
        if period is not None:
            out.append((column.judul, PERIODS[column.periode or "bulan"][period], ("periode", c)))
        elif column.judul_atas:
            out.append((column.judul_atas, column.judul, ("atas", column.judul_atas)))
        else:
            out.append((column.judul, None, None))
    return out


def column_widths(columns: tuple[Kolom, ...], text_width: int) -> list[int]:
    """Printed columns' widths in twips: as declared (mm), scaled to the page's text width."""
    mm = [columns[c].lebar for c, _ in numbering.printed_columns(columns)]
    scale = text_width / sum(mm)
    return [int(w * scale) for w in mm]


def build_table(
    tbl: Any,
    protos: Prototypes,
    columns: tuple[Kolom, ...],
    rows: list[dict],
    widths: list[int],
    *,
    column_numbers: bool,
    add_anchor: Any,
) -> None:
    """Replace the rows and grid of `tbl` (the filled-in template's table) with a table of
    `columns`: its heading rows (repeated on every page), the column-number row if wanted, and
    one row per `rows` item (`numbering.table_rows`), groups merged down, marks shaded, and the
    invisible row anchor (`add_anchor(tc, index)`) in a cell no merge covers."""
    for tr in tbl.findall(qn("w:tr")):
        tbl.remove(tr)
    grid = tbl.tblGrid
    for col in grid.findall(qn("w:gridCol")):
        grid.remove(col)
    for w in widths:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(w))
        grid.append(col)
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:w"), str(sum(widths)))
        tbl_w.set(qn("w:type"), "dxa")
    count = len(widths)
    printed = numbering.printed_columns(columns)
    heads = headings(columns)
    two_levels = any(sub is not None for _, sub, _ in heads)
    kepala = protos.styles["kepala"]

    def head_cell(p: int, text: str, span: int = 1) -> Any:
        tc = _cell(_pick(protos.header_cells, p, count), sum(widths[p : p + span]), _paragraph(kepala, text))
        if span > 1:
            _span(tc, span)
        return tc

    top, second = _row(protos.header_tr_pr), _row(protos.header_tr_pr)
    p = 0
    while p < count:
        head, sub, group = heads[p]
        if sub is None:
            tc = head_cell(p, head)
            top.append(tc)
            if two_levels:
                ooxml.vmerge(tc, restart=True)
                below = head_cell(p, "")
                ooxml.vmerge(below, restart=False)
                second.append(below)
            p += 1
            continue
        run = 1
        while p + run < count and heads[p + run][2] == group:
            run += 1
        top.append(head_cell(p, head, run))
        for q in range(p, p + run):
            second.append(head_cell(q, heads[q][1] or ""))
        p += run
    tbl.append(top)
    if two_levels:
        tbl.append(second)
    if column_numbers:
        numbers = _row(protos.header_tr_pr)
        for q in range(count):
            numbers.append(head_cell(q, str(q + 1)))
        tbl.append(numbers)

    merged: dict[int, int] = rows[0]["merged"] if rows else {}
    marks_first = next((q for q, (c, _) in enumerate(printed) if columns[c].jenis == "periode"), None)
    anchor_col = marks_first if marks_first is not None else next((q for q in range(count) if q not in merged), 0)
    for index, data in enumerate(rows):
        tr = _row(protos.body_tr_pr)
        for q, (c, _) in enumerate(printed):
            column = columns[c]
            label = data["labels"][q]
            centred = column.jenis in ("nomor", "periode", "angka")
            style = protos.styles["butir"] if label else protos.styles["tengah" if centred else "kiri"]
            tc = _cell(_pick(protos.body_cells, q, count), widths[q], _paragraph(style, data["cells"][q], label))
            group = merged.get(q)
            if group is not None:
                if group in data["starts"]:
                    if data["span"].get(group, 1) > 1:
                        ooxml.vmerge(tc, restart=True)
                else:
                    ooxml.vmerge(tc, restart=False)
            if q in data["marks"]:
                ooxml.shade(tc, MONTH_FILL)
            tr.append(tc)
        add_anchor(tr.findall(qn("w:tc"))[anchor_col], index)
        joined = data.get("joined", ())
        if joined and index > 0:  # pieces of one text: printed as one cell, no border between
            joined_columns = range(count) if "row" in joined else [q for q, g in merged.items() if g in joined]
            above = tbl.findall(qn("w:tr"))[-1].findall(qn("w:tc"))
            below = tr.findall(qn("w:tc"))
            for q in joined_columns:
                ooxml.join_vertically(above[q], below[q])
        tbl.append(tr)


def build_prose(anchor: Any, blocks: tuple[BlokProsa, ...], styles: dict[str, str]) -> None:
    """Replace `anchor` (the template's table) with the prose: chapters (BAB I and its title,
    centred), sections (A., B. ...), subsections (1., 2. ...), paragraphs and numbered lists
    (1., 2. ...; a., b. ... inside a subsection), each indented under its heading."""
    judul, isi, butir = styles.get("Judul"), styles.get("Isi"), styles.get("Butir") or styles.get("Isi")
    out: list[Any] = []
    bab = bagian = subbagian = 0
    level = 0  # 0: under a chapter, 1: under a section, 2: under a subsection

    def indented(p: Any, left: int, hanging: int = 0, after: int = 120, keep: bool = False) -> Any:
        p_pr = p.find(qn("w:pPr"))
        if p_pr is None:
            p_pr = OxmlElement("w:pPr")
            p.insert(0, p_pr)
        if keep:
            ooxml.insert_ordered(p_pr, OxmlElement("w:keepNext"), ooxml.P_PR_ORDER)
        if hanging:
            tabs = OxmlElement("w:tabs")
            tab = OxmlElement("w:tab")
            tab.set(qn("w:val"), "left")
            tab.set(qn("w:pos"), str(left))
            tabs.append(tab)
            ooxml.insert_ordered(p_pr, tabs, ooxml.P_PR_ORDER)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:after"), str(after))
        ooxml.insert_ordered(p_pr, spacing, ooxml.P_PR_ORDER)
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(left))
        ind.set(qn("w:hanging" if hanging else "w:firstLine"), str(hanging))
        ooxml.insert_ordered(p_pr, ind, ooxml.P_PR_ORDER)
        return p

    for block in blocks:
        kind = block.kind
        if kind == "bab":
            bab += 1
            bagian = subbagian = level = 0
            if out:
                out.append(_paragraph(judul))
            out.append(indented(_paragraph(judul, f"BAB {numbering.roman(bab)}", bold=True), 0, after=0, keep=True))
            out.append(indented(_paragraph(judul, (block.bab or "").upper(), bold=True), 0, after=240, keep=True))
        elif kind == "bagian":
            bagian += 1
            subbagian, level = 0, 1
            label = numbering.number_label(bagian, "huruf_besar") + "."
            out.append(
                indented(_paragraph(butir, block.bagian or "", label, bold=True), _LEVEL_TWIPS, _LEVEL_TWIPS, keep=True)
            )
        elif kind == "subbagian":
            subbagian += 1
            level = 2
            label = f"{subbagian}."
            p = _paragraph(butir, block.subbagian or "", label, bold=True)
            out.append(indented(p, 2 * _LEVEL_TWIPS, _LEVEL_TWIPS, keep=True))
        elif kind == "paragraf":
            out.append(indented(_paragraph(isi, block.paragraf or ""), level * _LEVEL_TWIPS))
        else:
            items = block.butir or []
            style = "huruf" if level == 2 else "angka"
            for i, item in enumerate(items, start=1):
                label = numbering.number_label(i, style) + "."
                after = 120 if i == len(items) else 60
                out.append(indented(_paragraph(butir, item, label), (level + 1) * _LEVEL_TWIPS, _LEVEL_TWIPS, after))
    out.append(_paragraph(isi))  # a line between the text and the closing block, as under a table
    for p in out[-2:]:  # the closing block never stands alone on a page: the last text goes with it
        p_pr = p.find(qn("w:pPr"))
        if p_pr is None:
            p_pr = OxmlElement("w:pPr")
            p.insert(0, p_pr)
        if p_pr.find(qn("w:keepNext")) is None:
            ooxml.insert_ordered(p_pr, OxmlElement("w:keepNext"), ooxml.P_PR_ORDER)
    for p in out:
        anchor.addprevious(p)
    anchor.getparent().remove(anchor)
