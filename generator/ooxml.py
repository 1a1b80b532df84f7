"""Small WordprocessingML helpers shared by the renderer and the template builder.

Word refuses documents whose property elements are out of the schema's order, while
python-docx appends; these insert each element where the schema puts it.
"""

from __future__ import annotations

import copy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

TBL_PR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]
TR_PR_ORDER = [
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
]
TC_PR_ORDER = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]
P_PR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
SECT_PR_AFTER_PG_NUM_TYPE = {
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
}


def local_name(element) -> str:
    return element.tag.split("}")[1]


def insert_ordered(parent, child, order: list[str]):
    """Put `child` into `parent` (replacing one of the same name) where `order` places it."""
    name = local_name(child)
    for existing in parent.findall(child.tag):
        parent.remove(existing)
    later = set(order[order.index(name) + 1 :])
    for i, sibling in enumerate(parent):
        if local_name(sibling) in later:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


TC_BORDER_ORDER = ["top", "start", "left", "bottom", "end", "right", "insideH", "insideV", "tl2br", "tr2bl"]


def cell_borders(tc_pr, borders, *, replace: bool = False) -> None:
    """Give the cell the sides of `borders` (a w:tcBorders) it does not set itself (all of
    them with `replace`)."""
    own = tc_pr.find(qn("w:tcBorders"))
    if own is None:
        insert_ordered(tc_pr, copy.deepcopy(borders), TC_PR_ORDER)
        return
    present = {local_name(b) for b in own}
    for line in borders:
        if replace or local_name(line) not in present:
            insert_ordered(own, copy.deepcopy(line), TC_BORDER_ORDER)


def _nil_border(side: str):
    el = OxmlElement("w:tcBorders")
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "nil")
    el.append(line)
    return el


_NO_BORDER = {side: _nil_border(side) for side in ("top", "bottom")}


def join_vertically(upper, lower) -> None:
    """No border between two cells (w:tc) one above the other, whatever their prototypes draw:
    they print one text that was cut in pieces."""
    cell_borders(lower.get_or_add_tcPr(), _NO_BORDER["top"], replace=True)
    cell_borders(upper.get_or_add_tcPr(), _NO_BORDER["bottom"], replace=True)


def shade(tc, fill: str) -> None:
    """Fill a table cell (a w:tc element) with a solid colour, e.g. 'D9D9D9'."""
    el = OxmlElement("w:shd")
    el.set(qn("w:val"), "clear")
    el.set(qn("w:color"), "auto")
    el.set(qn("w:fill"), fill)
    insert_ordered(tc.get_or_add_tcPr(), el, TC_PR_ORDER)


def vmerge(tc, restart: bool) -> None:
    """Open (restart) or continue a vertically merged cell."""
    el = OxmlElement("w:vMerge")
    if restart:
        el.set(qn("w:val"), "restart")
    insert_ordered(tc.get_or_add_tcPr(), el, TC_PR_ORDER)
