"""What a decree can print: every text of a case is checked against the font that prints it, so
that what `validate` accepts, `build` builds and prints as typed.

A character is refused — by its name, its code point, its position and the place of its text
(cell, or YAML key and line) — when it is

- a control character (other than tab and line break), a lone surrogate, a private-use, an
  unassigned code point or a noncharacter (U+FFFE, U+FFFF): no one types them, a Word file
  cannot hold most of them, and none prints (`text.control_char`);
- an invisible format character: zero-width space, soft hyphen, byte-order mark, the marks and
  overrides of text direction, line and paragraph separators; they come with copy-paste, print
  nothing or reorder the line, and a name holding one is no longer found where it is printed
  (`text.invisible_char`);
- a combining mark with no letter before it (`text.stray_mark`);
- a letter of a right-to-left script (Arabic, Hebrew, Syriac, Thaana, N'Ko...): a decree's
  lines are laid out left to right, and a name or title in such a script would be printed in
  reverse reading order in the signature block that the signature fields are placed by
  (`text.rtl_char`);
- not in the case's font (profil.font, resolved as LibreOffice resolves it, by fontconfig:
  Bookman Old Style is printed with TeX Gyre Bonum, which has Latin, its accents, Greek and the
  usual punctuation, but no Cyrillic, no Arabic and no CJK). LibreOffice would print such a
  character in another font or as an empty box (`text.glyph_missing`). Texts printed in
  capitals are checked in capitals too (ß is printed SS, ŉ as ʼN).

Without fontconfig (`fc-match`) the font is not checked (nothing can be converted there either).
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_FONT = "Bookman Old Style"
_LINE_BREAKS = "\t\n\r"  # kept in a text: docxtpl and LibreOffice print them as white space
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RTL = {"R", "AL"}  # bidirectional classes of right-to-left letters


def font_of(raw: Any) -> str:
    """The font a case's raw data names (profil.font, as typed), or the default font when it
    names none or none that can be used."""
    profil = raw.get("profil") if isinstance(raw, dict) else None
    font = profil.get("font") if isinstance(profil, dict) else None
    if isinstance(font, str) and font.strip() and problem_of(font.strip(), None) is None:
        return font.strip()
    return DEFAULT_FONT


def context(font: str) -> dict[str, str]:
    """The pydantic validation context that makes the models (`model.Printed`) check their
    texts against `font`."""
    return {"font": font}


def problem_of(text: str, font: str | None = DEFAULT_FONT) -> tuple[str, dict[str, Any]] | None:
    """(message code, its parameters) for the first character of `text` that cannot be printed
    with `font`, or None. With `font` None only what no text may hold is refused (control
    characters): for texts that are not printed, such as file names."""
    if text.isascii() and not _CONTROL.search(text):
        covered = coverage(font) if font else None
        if covered is None or all(ord(c) in covered for c in set(text) if c not in _LINE_BREAKS):
            return None  # the usual case, quickly: printable ASCII the font has
    covered = coverage(font) if font else None
    previous = " "
    for position, char in enumerate(text, start=1):
        found = _refusal(char, previous, font, covered)
        if found is not None:
            code, shown, params = found
            return code, {"char": describe(shown, code), "position": position, **params}
        previous = char
    return None


def _refusal(
    char: str, previous: str, font: str | None, covered: frozenset[int] | None
) -> tuple[str, str, dict[str, Any]] | None:
    """(code, the character to name, parameters) when `char` (after `previous`) cannot be printed."""
    if char in _LINE_BREAKS:
        return None
    category = unicodedata.category(char)
    if category in ("Cc", "Cs", "Co", "Cn"):
        return "text.control_char", char, {}
    if font is None:
        return None
    if category in ("Cf", "Zl", "Zp"):
        return "text.invisible_char", char, {}
    if category.startswith("M") and (previous.isspace() or unicodedata.category(previous)[0] in "ZCM"):
        return "text.stray_mark", char, {}
    if unicodedata.bidirectional(char) in _RTL:
        return "text.rtl_char", char, {}
    if covered is not None:
        if ord(char) not in covered and char != " ":
            return "text.glyph_missing", char, {"font": font, "face": face(font)}
        for capital in char.upper():  # texts printed in capitals need the capitals too
            if ord(capital) not in covered:
                return "text.glyph_missing_capital", capital, {"font": font, "face": face(font), "small": char}
    return None


def describe(char: str, code: str) -> str:
    """How a message names a character: U+001B, with its name when it has one; a character that
    can be shown is shown too ('ж' U+0436 CYRILLIC SMALL LETTER ZHE)."""
    name = unicodedata.name(char, "")
    point = f"U+{ord(char):04X}" + (f" {name}" if name else "")
    if code in ("text.control_char", "text.invisible_char", "text.stray_mark"):  # nothing to show
        return point
    return f"'{char}' ({point})"


# ---------------------------------------------------------------- the font's characters


@functools.lru_cache(maxsize=32)
def coverage(font: str) -> frozenset[int] | None:
    """The characters both the regular and the bold face of `font` have (the decree prints
    both), as fontconfig resolves the name for LibreOffice; None when that cannot be known."""
    sets = []
    for style in ("regular", "bold"):
        path = _font_file(font, style)
        if path is None:
            return None
        chars = _cmap(path)
        if chars is None:
            return None
        sets.append(chars)
    return frozenset.intersection(*sets)


@functools.lru_cache(maxsize=32)
def face(font: str) -> str:
    """The family LibreOffice prints `font` with (Bookman Old Style: TeX Gyre Bonum)."""
    found = _font_file(font, "regular")
    family = found.split("\n")[2] if found else ""
    return family or font


def _font_file(font: str, style: str) -> str | None:
    """The file fontconfig picks for `font` in `style` (`fc-match`): what LibreOffice prints with."""
    exe = shutil.which("fc-match")
    if exe is None:
        log.info("fc-match (fontconfig) not found: texts are not checked against the font")
        return None
    escaped = re.sub(r"([\\:,\-])", r"\\\1", font)  # fontconfig pattern syntax
    weight = "bold" if style == "bold" else "regular"
    try:
        found = subprocess.run(
            [exe, "--format=%{file}\n%{index}\n%{family[0]}", f"{escaped}:weight={weight}:slant=roman"],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("fc-match failed (%s): texts are not checked against the font", exc)
        return None
    path, index, family = (found.stdout.decode(errors="replace").split("\n") + ["", ""])[:3]
    if found.returncode != 0 or not path.strip():
        return None
    return f"{path.strip()}\n{index.strip() or 0}\n{family.strip()}"


def _read_face(found: str, read: Callable[[Any], T], warning: str, also: tuple[type[Exception], ...] = ()) -> T | None:
    """`read` applied to the font fontconfig found (`file\nindex\nfamily`, index: in a
    collection), opened lazily; None when it cannot be read, logged as `warning` % (path, error)."""
    from fontTools.ttLib import TTFont, TTLibError

    path, index = found.split("\n")[:2]
    try:
        with TTFont(path, lazy=True, fontNumber=int(index) if index.isdigit() else 0) as face:
            return read(face)
    except (OSError, TTLibError, AssertionError, KeyError, *also) as exc:
        log.warning(warning, path, exc)
        return None


def _best_cmap(face: Any) -> dict[int, str] | None:
    # glyphs numbered, not named: the names of a CFF font (TeX Gyre Bonum) come from its
    # CFF table, whose parsing (and import) was most of the 0.13 CPU-s this took
    face.setGlyphOrder([f"g{i}" for i in range(face["maxp"].numGlyphs)])
    return face.getBestCmap()


@functools.lru_cache(maxsize=32)
def _cmap(found: str) -> frozenset[int] | None:
    """The characters of the font fontconfig found."""
    table = _read_face(found, _best_cmap, "cannot read the characters of %s (%s): texts are not checked against it")
    return frozenset(table) if table else None


# ---------------------------------------------------------------- the font's widths


def text_width(text: str, font: str, size: float) -> float | None:
    """Width in points of `text` in the regular face of `font` at `size` points: the sum of its
    characters' advance widths (no kerning), as LibreOffice prints it; None when the font cannot
    be read."""
    metrics = _advances(font)
    if metrics is None:
        return None
    widths, units, fallback = metrics
    return sum(widths.get(ord(c), fallback) for c in text) * size / units


@functools.lru_cache(maxsize=32)
def _advances(font: str) -> tuple[dict[int, int], int, int] | None:
    """(advance width by character, units per em, the width of 'M' for characters it lacks)."""
    found = _font_file(font, "regular")
    read = None if found is None else _read_face(found, _width_tables, "cannot read the widths of %s (%s)")
    if read is None:
        return None
    cmap, metrics, units = read
    widths = {code: metrics[glyph][0] for code, glyph in cmap.items() if glyph in metrics}
    return widths, units, widths.get(ord("M"), units)


def _width_tables(face: Any) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    return face.getBestCmap() or {}, face["hmtx"].metrics, int(face["head"].unitsPerEm)


def advance_widths(font: str) -> tuple[dict[int, int], int] | None:
    """(advance width by character, units per em) of the regular face of `font`; None when the
    font cannot be read."""
    metrics = _advances(font)
    return None if metrics is None else (metrics[0], metrics[1])


@functools.lru_cache(maxsize=32)
def line_height(font: str) -> float | None:
    """Height of a line of single spacing in the regular face of `font`, in em: the largest of
    its vertical metrics (hhea, OS/2 typographic and Windows), as LibreOffice may use any."""
    found = _font_file(font, "regular")
    if found is None:
        return None
    return _read_face(found, _line_height, "cannot read the line height of %s (%s)", also=(AttributeError,))


def _line_height(face: Any) -> float:
    hhea = face["hhea"]
    heights = [hhea.ascent - hhea.descent + hhea.lineGap]
    os2 = face.get("OS/2")
    if os2 is not None:
        heights += [
            os2.usWinAscent + os2.usWinDescent,
            os2.sTypoAscender - os2.sTypoDescender + os2.sTypoLineGap,
        ]
    return max(heights) / int(face["head"].unitsPerEm)
