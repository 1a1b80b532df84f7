"""Everything that is counted or composed: ordinals, letters, Roman numerals, dates, the decree number.

These are generated, never typed, so that a decree cannot print its own number two ways or
skip a letter.
"""

from __future__ import annotations

import datetime as dt
import os
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_UNITS = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]

BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]

# {bulan} is the month of enactment in two digits (01), {bulan_tanpa_nol} without the zero (1),
# {bulan_romawi} in Roman numerals (I)
NUMBER_FIELDS = (
    "urut",
    "klasifikasi",
    "kode_wilayah",
    "tahun",
    "bulan",
    "bulan_tanpa_nol",
    "bulan_romawi",
    "kode_lembaga",
)


def terbilang(n: int) -> str:
    """Indonesian cardinal in words, lower case: 12 -> 'dua belas', 21 -> 'dua puluh satu'."""
    if n < 1 or n > 999:
        raise ValueError(f"terbilang: {n} is outside 1-999")
    if n < 10:
        return _UNITS[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        tens, unit = divmod(n, 10)
        head = "sepuluh" if tens == 1 else f"{_UNITS[tens]} puluh"
        return f"{head} {terbilang(unit)}" if unit else head
    hundreds, rest = divmod(n, 100)
    head = "seratus" if hundreds == 1 else f"{_UNITS[hundreds]} ratus"
    return f"{head} {terbilang(rest)}" if rest else head


def diktum_ordinal(n: int) -> str:
    """Diktum label: 1 -> KESATU, 2 -> KEDUA, 12 -> KEDUA BELAS, 20 -> KEDUA PULUH (never PERTAMA)."""
    return ("ke" + terbilang(n)).upper()


def item_letter(index: int) -> str:
    """Letter of the index-th item (0-based): a, b, ..., z, aa, ab, ..."""
    if index < 0:
        raise ValueError("item_letter: index must be >= 0")
    letters = string.ascii_lowercase
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = letters[rem] + out
    return out


def roman(n: int) -> str:
    """Roman numeral in capitals: 12 -> XII."""
    if not 0 < n < 4000:
        raise ValueError(f"roman: {n} is outside 1-3999")
    table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = []
    for value, symbol in table:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def tanggal(date: dt.date) -> str:
    """Indonesian long date: 2022-01-17 -> '17 Januari 2022' (no leading zero)."""
    return f"{date.day} {BULAN[date.month - 1]} {date.year}"


def huruf_list(count: int) -> str:
    """How a Menimbang item refers back to the items before it: 'huruf a', 'huruf a dan huruf b',
    'huruf a, huruf b, dan huruf c'."""
    refs = [f"huruf {item_letter(i)}" for i in range(count)]
    if not refs:
        raise ValueError("huruf_list: nothing to refer to")
    if len(refs) == 1:
        return refs[0]
    if len(refs) == 2:
        return f"{refs[0]} dan {refs[1]}"
    return ", ".join(refs[:-1]) + f", dan {refs[-1]}"


def number_format_fields(fmt: str) -> list[str]:
    """The {field} names a number format uses, in order; raises ValueError on a malformed format."""
    fields = []
    for _, name, spec, conversion in string.Formatter().parse(fmt):
        if name is None:
            continue
        if name == "" or spec or conversion:
            raise ValueError("each part must be written as {name}, without format specs")
        fields.append(name)
    return fields


def compose_number(fmt: str, parts: dict[str, object]) -> str:
    """Compose the decree number from its parts with the office's format string.

    Raises KeyError naming a part the format needs and `parts` lacks.
    """
    values = {}
    for name in number_format_fields(fmt):
        value = parts.get(name)
        if value is None or str(value).strip() == "":
            raise KeyError(name)
        values[name] = str(value).strip()
    return fmt.format(**values)


# ---------------------------------------------------------------- the lampiran table

# grid columns of each merged group: the area's number, the area, the kegiatan, the indikator
GROUP_COLUMNS: dict[str, tuple[int, ...]] = {"no": (0,), "area": (1,), "kegiatan": (2,), "indikator": (4,)}
GROUPS = ("area", "kegiatan", "indikator")  # groups of text, outermost first
# grid column of each text that may be cut in pieces (render._pieces)
TEXT_COLUMNS = {"area": 1, "kegiatan": 2, "sub_kegiatan": 3, "indikator": 4, "keterangan": 17}
CONTINUED_WHOLE = 80  # a spanning text up to this many characters is repeated whole on a new page
CONTINUED_START = 50  # of a longer one, about this many characters open its label
CONTINUED = "(lanjutan)"

# Cuts a text of a column ("area", "kegiatan", "sub_kegiatan", "indikator", "keterangan") into
# pieces that each fit comfortably on a page; render.py measures them (textfit.py).
Pieces = Callable[[str, str], list[str]]


def continued_label(text: str, number: str = "") -> str:
    """What a group that goes on from the page before shows at the top of a page: its number and
    its text when that is short; of a long one, the start of its text and "(lanjutan)".

    `number` is the group's own number as printed in the same cell ("1.", "A.", ""); "" when
    the number has a column of its own. A long text printed again in full would make the first
    row of every page it spans as tall as that text.
    """
    text = " ".join(text.split())
    head = f"{number} " if number else ""
    if len(text) <= CONTINUED_WHOLE:
        return head + text
    cut = text.rfind(" ", 0, CONTINUED_START + 1)
    start = text[: cut if cut > CONTINUED_START // 2 else CONTINUED_START].rstrip(" ,;:.-")
    return f"{head}{start}... {CONTINUED}"


@dataclass
class _Slice:
    """One row of the printed table: a sub-kegiatan, or a further piece of one too tall for a page."""

    area_no: int
    area: Any
    kegiatan: Any
    sub: Any
    letter: str  # "a." ... ; "" when the kegiatan has a single sub-kegiatan
    indikator: str
    indikator_group: tuple[int, int, int]  # (area, kegiatan, first row): rows sharing an indikator
    piece: int  # 0: the sub-kegiatan's first row; 1, 2 ...: rows that go on with its texts
    sub_text: str
    keterangan: str
    # group -> (piece number, its text): where a group's text (or a piece of it) starts
    opens: dict[str, tuple[int, str]] = field(default_factory=dict)

    def key(self, group: str) -> object:
        return {"area": self.area_no, "kegiatan": (self.area_no, id(self.kegiatan)), "indikator": self.indikator_group}[
            group
        ]

    def text(self, group: str) -> str:
        return {"area": self.area.nama, "kegiatan": self.kegiatan.nama, "indikator": self.indikator}[group]


def _whole(column: str, text: str) -> list[str]:
    return [text]


def lampiran_rows(plan, page_starts: frozenset[int] = frozenset(), pieces: Pieces | None = None) -> list[dict]:
    """One dict per row of the lampiran table, with everything printed in it.

    A merged group (the area with its number, the kegiatan, the indikator) starts on its own
    first row and again on every row in `page_starts` (rows that LibreOffice put at the top of a
    page): there the area's number is printed again with the `continued_label` of each group,
    since a merged cell that crosses a page break shows its text on the first page only.

    `pieces` cuts texts too tall for a page (see `Pieces`); each piece gets a row of its own,
    printed as one with its neighbours (`joined`: no border between them), so that no row is
    taller than a page and a page that starts inside such a text is labelled like any other.
    Without it every sub-kegiatan is one row.

    `starts` tells the renderer which cells open a merged group ("no", "area", "kegiatan",
    "indikator"); `span` the number of rows each group covers from that row; `joined` the
    groups ("row": every cell) whose border with the row above is not drawn; `source` the
    plan row's place in the workbook.
    """
    slices = _slices(plan, pieces or _whole)
    rows: list[dict] = []
    for index, piece in enumerate(slices):
        new_page = index in page_starts
        starts = {group for group in GROUPS if group in piece.opens or new_page}
        if new_page or piece.opens.get("area", (1, ""))[0] == 0:
            starts.add("no")
        texts = {}
        for group in GROUPS:
            if group in piece.opens:
                texts[group] = piece.opens[group][1]
            else:
                texts[group] = continued_label(piece.text(group)) if new_page else ""
        if new_page:
            joined: tuple[str, ...] = ()
        elif piece.piece > 0:
            joined = ("row",)
        else:
            joined = tuple(group for group, (number, _) in piece.opens.items() if number > 0)
        rows.append(
            {
                "no": str(piece.area_no) if "no" in starts else "",
                "area": texts["area"],
                "kegiatan": texts["kegiatan"],
                # a piece that goes on: no letter, its text where the text after the letter starts
                "huruf": piece.letter if piece.piece == 0 or not piece.letter else " ",
                "sub_kegiatan": piece.sub_text,
                "indikator": texts["indikator"],
                "keterangan": piece.keterangan,
                "bulan": sorted(piece.sub.bulan),
                "starts": sorted(starts),
                "joined": joined,
                "area_no": piece.area_no,
                "source": piece.sub.source,
            }
        )
    _count_spans(rows)
    return rows


def _slices(plan, pieces: Pieces) -> list[_Slice]:
    """The table's rows: each sub-kegiatan's, then the groups' texts placed in them, each piece of
    a tall group text opening a merged cell of its own (with more rows when it has fewer rows
    than pieces)."""
    slices: list[_Slice] = []
    for area_no, area in enumerate(plan.areas, start=1):
        for kegiatan in area.kegiatan:
            single = len(kegiatan.sub_kegiatan) == 1
            indikator, group_row = "", 0
            for i, sub in enumerate(kegiatan.sub_kegiatan):
                if sub.indikator is not None or i == 0:
                    indikator, group_row = sub.indikator or "", i
                texts = pieces("sub_kegiatan", sub.teks)
                notes = pieces("keterangan", sub.keterangan) if sub.keterangan else [""]
                for k in range(max(len(texts), len(notes))):
                    slices.append(
                        _Slice(
                            area_no,
                            area,
                            kegiatan,
                            sub,
                            "" if single else f"{item_letter(i)}.",
                            indikator,
                            (area_no, id(kegiatan), group_row),
                            k,
                            texts[k] if k < len(texts) else "",
                            notes[k] if k < len(notes) else "",
                        )
                    )
    for group in reversed(GROUPS):  # innermost first: rows added for a piece belong to the groups around it
        index = 0
        while index < len(slices):
            end = index
            while end + 1 < len(slices) and slices[end + 1].key(group) == slices[index].key(group):
                end += 1
            text = slices[index].text(group)
            parts = pieces(group, text) if text else [text]
            last = slices[end]
            for extra in range(len(parts) - (end - index + 1)):  # a row that only goes on with the text
                filler = _Slice(**{**last.__dict__, "opens": {}, "sub_text": "", "keterangan": ""})
                filler.piece = last.piece + 1 + extra
                slices.insert(end + 1 + extra, filler)
            for number, part in enumerate(parts):
                slices[index + number].opens[group] = (number, part)
            index += max(len(parts), end - index + 1)
    return slices


def _count_spans(rows: list[dict]) -> None:
    for group in GROUP_COLUMNS:
        opener = None
        for row in rows:
            row.setdefault("span", {})
            if group in row["starts"]:
                opener = row
                row["span"][group] = 1
            elif opener is not None:
                opener["span"][group] += 1
    # A kegiatan never continues into another area, an indikator never into another kegiatan:
    # the group openers above guarantee it, since area starts imply kegiatan and indikator starts.


def build_time(day: dt.date) -> dt.datetime:
    """The date a build stamps into its PDFs: SOURCE_DATE_EPOCH when set, else `day` (00:00 UTC).

    `day` is taken from the data (the decree's enactment date), so rebuilding the same case
    gives the same bytes on any day.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
