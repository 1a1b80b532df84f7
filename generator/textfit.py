"""How tall a text prints in a table cell, estimated from the widths of the font's own glyphs.

LibreOffice splits a table row that is taller than a page wherever the page ends, with nothing
of the row's area or kegiatan on the new page. So a text that could make its row that tall is
cut beforehand into pieces that each take at most a share of a page, each printed in a row of
its own (numbering.lampiran_rows). The estimate errs on the tall side: lines are broken only
at spaces (LibreOffice also breaks after hyphens and slashes), every glyph is taken a little
wider than it is, and a character the font lacks as wide as its widest glyph. Whether the
pages really came out right is measured on the PDF afterwards (layout.py); this only has to
keep rows short enough in the first place.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import printable

WIDTH_MARGIN = 1.06  # glyphs taken this much wider than measured (kerning, rounding, bold)
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class FontMetrics:
    """What line breaking needs of a font: advance widths and the height of a line, in em."""

    widths: dict[int, float]  # code point -> advance width (em)
    widest: float  # for a character the font lacks
    space: float
    line: float  # one line of single spacing (em)

    @staticmethod
    @functools.lru_cache(maxsize=16)
    def of(font: str) -> FontMetrics:
        """The metrics of `font` as fontconfig resolves it for LibreOffice; generous generic
        ones when the font cannot be read."""
        advances, line = printable.advance_widths(font), printable.line_height(font)
        if advances is None or line is None:
            return FontMetrics({}, widest=0.75, space=0.3, line=1.3)
        units = advances[1]
        widths = {code: width / units for code, width in advances[0].items()}
        return FontMetrics(
            widths, widest=max(widths.values(), default=0.75), space=widths.get(ord(" "), 0.3), line=line
        )

    def width(self, text: str) -> float:
        """Width of `text` in em, a little wider than printed."""
        return WIDTH_MARGIN * sum(self.widths.get(ord(c), self.widest) for c in text)


def line_count(text: str, width_em: float, metrics: FontMetrics) -> int:
    """Lines `text` takes in a column `width_em` wide (greedy breaking at spaces; a word wider
    than the column is broken where it reaches the edge). Line breaks typed in the text print
    as spaces, as in the lampiran."""
    return _wrap(_tokens(text), text, width_em, metrics)[0]


def _tokens(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _WORD.finditer(text)]


def _wrap(tokens: list[tuple[int, int]], text: str, width_em: float, metrics: FontMetrics) -> tuple[int, list[int]]:
    """(lines, for each token the line it starts on (0-based))."""
    lines, used, starts = 0, 0.0, []
    space = metrics.space * WIDTH_MARGIN
    for begin, end in tokens:
        word = metrics.width(text[begin:end])
        if lines == 0:
            lines = 1
        elif used > 0 and used + space + word > width_em:
            lines, used = lines + 1, 0.0
        starts.append(lines - 1)
        used += (space if used > 0 else 0.0) + word
        while used > width_em and word > width_em:  # a word wider than the column goes on below
            lines += 1
            used -= width_em
            word -= width_em
    return lines, starts


def _cut_long_words(
    tokens: list[tuple[int, int]], text: str, most_em: float, metrics: FontMetrics
) -> list[tuple[int, int]]:
    """The tokens, each word wider than `most_em` cut into parts that are not (a word longer
    than a page of its column: LibreOffice breaks it anywhere too)."""
    cut = []
    for begin, end in tokens:
        part, width = begin, 0.0
        for i in range(begin, end):
            width += metrics.width(text[i])
            if width > most_em and i > part:
                cut.append((part, i))
                part, width = i, metrics.width(text[i])
        cut.append((part, end))
    return cut


def split_to_fit(text: str, width_em: float, max_lines: int, metrics: FontMetrics) -> list[str]:
    """`text` as it is when it takes at most `max_lines` lines of a column `width_em` wide;
    otherwise cut between words (or inside a word longer than that) into pieces that each do."""
    max_lines = max(1, max_lines)
    tokens = _tokens(text)
    lines, starts = _wrap(tokens, text, width_em, metrics)
    if lines <= max_lines:
        return [text]
    tokens = _cut_long_words(tokens, text, width_em * (max_lines - 0.5), metrics)
    lines, starts = _wrap(tokens, text, width_em, metrics)
    pieces, first, first_line = [], 0, 0
    for i in range(1, len(tokens)):
        if starts[i] - first_line >= max_lines:
            pieces.append(text[tokens[first][0] : tokens[i - 1][1]])
            first, first_line = i, starts[i]
    pieces.append(text[tokens[first][0] :].strip())
    return pieces
