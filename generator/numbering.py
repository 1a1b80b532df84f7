"""Everything that is counted or composed: ordinals, letters, Roman numerals, dates, the decree number.

These are generated, never typed, so that a decree cannot print its own number two ways or
skip a letter.
"""

from __future__ import annotations

import datetime as dt
import os
import string
from collections.abc import Callable, Iterable
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


# ---------------------------------------------------------------- the lampiran and their names


def lampiran_name(index: int, count: int) -> str:
    """How the decree names its index-th lampiran (0-based) of `count`: 'Lampiran' when it is
    the only one, else 'Lampiran I', 'Lampiran II' ..."""
    return "Lampiran" if count == 1 else f"Lampiran {roman(index + 1)}"


def lampiran_label(index: int, count: int) -> str:
    """The first line of a lampiran's heading block: LAMPIRAN, or LAMPIRAN I, LAMPIRAN II ..."""
    return lampiran_name(index, count).upper()


def listed(items: list[str]) -> str:
    """'a', 'a dan b', 'a, b, dan c': items named in a sentence."""
    if not items:
        raise ValueError("listed: nothing to list")
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} dan {items[1]}"
    return ", ".join(items[:-1]) + f", dan {items[-1]}"


def lampiran_reference(names: list[str]) -> str:
    """The standard words by which a diktum points to its lampiran."""
    return f"sebagaimana tercantum dalam {listed(names)} yang merupakan bagian tidak terpisahkan dari Keputusan ini"


def with_lampiran_reference(diktum: list[str], refers: list[int | None]) -> list[str]:
    """The typed diktum with, at the end of each diktum a lampiran refers to (`refers`: one
    1-based diktum number or None (the first) per lampiran), the words that name those lampiran.

    A diktum that mentions a lampiran itself ("... sebagaimana tercantum dalam Lampiran ...") is
    printed as typed: the office chose its own words."""
    count = len(refers)
    by_diktum: dict[int, list[str]] = {}
    for index, number in enumerate(refers):
        by_diktum.setdefault((number or 1) - 1, []).append(lampiran_name(index, count))
    out = list(diktum)
    for i, names in sorted(by_diktum.items()):
        if i >= len(out) or "lampiran" in out[i].casefold():
            continue
        out[i] = f"{out[i].rstrip().rstrip('.').rstrip()} {lampiran_reference(names)}."
    return out


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


def _count_spans(rows: list[dict], groups: Iterable[str | int] = GROUP_COLUMNS) -> None:
    """`span` of every row: for each group it opens, the number of rows the group covers."""
    for row in rows:
        row.setdefault("span", {})
    for group in groups:
        opener = None
        for row in rows:
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


# ---------------------------------------------------------------- tables of declared columns


def number_label(n: int, style: str) -> str:
    """The n-th (1-based) number of a group or an item: 1, a, A, I, or nothing."""
    if style == "angka":
        return str(n)
    if style == "huruf":
        return item_letter(n - 1)
    if style == "huruf_besar":
        return item_letter(n - 1).upper()
    if style == "romawi":
        return roman(n)
    return ""


def printed_columns(columns) -> list[tuple[int, int | None]]:
    """(declared column, period index or None) for each printed column, left to right."""
    out: list[tuple[int, int | None]] = []
    for c, column in enumerate(columns):
        if column.jenis == "periode":
            out += [(c, p) for p in range(len(column.sheet_headers))]
        else:
            out.append((c, None))
    return out


def indonesian_number(text: str) -> str:
    """A number as Indonesian documents print it (1.250.000, 12,5); other text as typed."""
    plain = text.replace(" ", "")
    try:
        value = float(plain)
    except ValueError:
        return text
    if not plain.lstrip("-").replace(".", "", 1).isdigit():
        return text  # 1e5, inf, nan: not typed as a number
    whole, _, fraction = f"{value:.10f}".rstrip("0").rstrip(".").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".") if whole not in ("-0", "") else whole
    return f"{grouped},{fraction}" if fraction else grouped


# Cuts a text of a declared table's printed column (its index) into pieces that each fit on a page
CellPieces = Callable[[int, str], list[str]]


@dataclass
class _TableSlice:
    """One printed row of a declared table: a typed row, or a further piece of one whose texts
    are too tall for a page (`piece` > 0)."""

    row: int  # the typed row it prints
    piece: int
    texts: dict[int, str]  # printed column -> its text (or piece of it) in this row
    # group -> (piece number, its text or piece): where a group's text (or a piece of it) starts
    opens: dict[int, tuple[int, str]] = field(default_factory=dict)


def table_rows(
    columns, rows, page_starts: frozenset[int] = frozenset(), pieces: CellPieces | None = None
) -> list[dict]:
    """One dict per printed row of a table lampiran with declared columns: what each printed
    column shows.

    Groups (kelompok columns) nest in the order they are declared; a group starts where its cell
    was typed (`sheets.table_from_sheet` leaves it blank where it continues), where a group it
    is nested in starts, and on every row in `page_starts` (rows that open a page), where it is
    labelled again (a long text shortened by `continued_label`), since a merged cell that
    crosses a page shows it on the first page only.
    A group's number counts within the group it is nested in; a nomor column shows the number
    of its group (or, numbering no group, the row's); a butir is lettered within the nearest
    group declared before it, and not at all when it is that group's only row.

    `pieces` cuts texts too tall for a page (as `lampiran_rows` does for the monthly plan): a
    typed row whose text is cut takes a printed row per piece, a group's text cut in pieces
    opens a merged cell per piece (with rows of its own when its rows are fewer), all printed
    as one (`joined`), so that no row is taller than a page and a page that starts inside such
    a text is labelled like any other. `page_starts` count printed rows.

    Keys: `cells` (text of each printed column), `labels` (the number or letter printed before
    a cell's text, with its dot, or ""; " " under a letter, for a piece that goes on),
    `starts` (declared indexes of the groups that open a merged run here), `span` (rows each
    such run covers), `marks` (printed columns to shade), `merged` (printed column -> the group
    whose run it follows), `joined` (groups, or "row": every cell, whose border with the row
    above is not drawn), `row` (the typed row printed) and `piece`."""
    printed = printed_columns(columns)
    slot_of: dict[int, int] = {}  # declared column -> its first sheet column
    slot = 0
    for c, column in enumerate(columns):
        slot_of[c] = slot
        slot += len(column.sheet_headers)
    groups = [c for c, column in enumerate(columns) if column.jenis == "kelompok"]
    by_header = {columns[c].header.casefold(): c for c in groups}
    numbered_by = {  # group -> a nomor column shows its number (so its own cell does not)
        by_header[column.kelompok.casefold()] for column in columns if column.jenis == "nomor" and column.kelompok
    }
    merged: dict[int, int] = {}
    for p, (c, _) in enumerate(printed):
        column = columns[c]
        if column.jenis == "kelompok":
            merged[p] = c
        elif column.jenis == "nomor" and column.kelompok:
            merged[p] = by_header[column.kelompok.casefold()]
    column_of = {c: p for p, (c, _) in enumerate(printed) if columns[c].jenis == "kelompok"}  # group -> printed
    # which rows open a real (typed) instance of each group
    real: list[set[int]] = []
    for row in rows:
        opened: set[int] = set()
        for level, g in enumerate(groups):
            if row.values[slot_of[g]] or any(h in opened for h in groups[:level]):
                opened.add(g)
        real.append(opened)
    # the butir letters: within the nearest group declared before each butir column
    parent_of: dict[int, int | None] = {c: max((g for g in groups if g < c), default=None) for c in range(len(columns))}
    instance_sizes: dict[tuple[int | None, int], int] = {}
    instance: dict[int | None, int] = {}  # group -> the row its current instance opened on
    row_instance: list[dict[int | None, int]] = []
    for r, opened in enumerate(real):
        for parent in set(parent_of.values()):
            if parent is None:
                instance[None] = 0
            elif parent in opened or parent not in instance:
                instance[parent] = r
        row_instance.append(dict(instance))
        for parent, start in instance.items():
            instance_sizes[(parent, start)] = instance_sizes.get((parent, start), 0) + 1
    # what each typed row prints, wherever its pages start
    counters: dict[int, int] = {}
    group_text: dict[int, str] = {}
    group_number: dict[int, int] = {}
    item_counter: dict[tuple[int, int | None, int], int] = {}
    typed: list[dict] = []
    opened_on: dict[int, int] = {}  # group -> the typed row its current instance opened on
    for r, row in enumerate(rows):
        opened = real[r]
        for level, g in enumerate(groups):
            if g in opened:
                opened_on[g] = r
                group_text[g] = row.values[slot_of[g]]
                counters[g] = counters.get(g, 0) + 1
                group_number[g] = counters[g]
                for lower in groups[level + 1 :]:
                    counters[lower] = 0
        row_cells: dict[int, str] = {}  # printed column -> text (not the groups' and their numbers')
        row_labels: dict[int, str] = {}
        marks: list[int] = []
        for p, (c, period) in enumerate(printed):
            column = columns[c]
            value = row.values[slot_of[c] + (period or 0)] if column.jenis != "nomor" else ""
            if column.jenis == "kelompok" or (column.jenis == "nomor" and column.kelompok):
                continue  # printed by where its group and pages start (below)
            if column.jenis == "nomor":
                row_cells[p] = str(r + 1)
            elif column.jenis == "butir":
                parent = parent_of[c]
                start = row_instance[r][parent]
                key = (c, parent, start)
                item_counter[key] = item_counter.get(key, 0) + 1
                single = instance_sizes[(parent, start)] == 1
                row_labels[p] = "" if single else number_label(item_counter[key], column.numbering) + "."
                row_cells[p] = value
            elif column.marks:
                row_cells[p] = ""
                if value:
                    marks.append(p)
            elif column.jenis == "angka":
                row_cells[p] = indonesian_number(value)
            else:
                row_cells[p] = value
        typed.append(
            {
                "cells": row_cells,
                "labels": row_labels,
                "marks": marks,
                "group_text": dict(group_text),
                "group_number": dict(group_number),
                "instance": {g: opened_on.get(g, 0) for g in groups},
            }
        )
    slices = _table_slices(columns, printed, typed, groups, column_of, real, pieces or (lambda p, text: [text]))
    out: list[dict] = []
    for i, piece in enumerate(slices):
        data = typed[piece.row]
        new_page = i in page_starts
        starts = set(piece.opens) | (set(groups) if new_page else set())
        printed_cells: list[str] = []
        printed_labels: list[str] = []
        for p, (c, _) in enumerate(printed):
            column = columns[c]
            text = label = ""
            if column.jenis == "kelompok":
                if c in starts:
                    number, part = piece.opens.get(c, (None, ""))
                    if (number == 0 or new_page) and c not in numbered_by:
                        label = number_label(data["group_number"][c], column.numbering)
                        label = f"{label}." if label else ""
                    # a group going on from the page before: its number and a short label
                    text = part if number is not None else continued_label(data["group_text"][c])
            elif column.jenis == "nomor" and column.kelompok:
                g = by_header[column.kelompok.casefold()]
                style = columns[g].numbering if columns[g].numbering != "tanpa" else "angka"
                opens_it = piece.opens.get(g, (1, ""))[0] == 0
                text = number_label(data["group_number"][g], style) if opens_it or new_page else ""
            elif (column.jenis == "periode" and not column.marks) or column.jenis in ("angka", "nomor"):
                text = data["cells"][p] if piece.piece == 0 else ""
            else:
                text = piece.texts.get(p, "")
                if column.jenis == "butir":
                    first = data["labels"][p]
                    label = first if piece.piece == 0 else (" " if first else "")
            printed_cells.append(text)
            printed_labels.append(label)
        if new_page:
            joined: tuple = ()
        elif piece.piece > 0:
            joined = ("row",)
        else:
            joined = tuple(g for g, (number, _) in piece.opens.items() if number > 0)
        out.append(
            {
                "cells": printed_cells,
                "labels": printed_labels,
                "starts": sorted(starts),
                "marks": list(data["marks"]),
                "merged": merged,
                "joined": joined,
                "row": piece.row,
                "piece": piece.piece,
                "source": rows[piece.row].source,
            }
        )
    _count_spans(out, groups)
    return out


def _table_slices(columns, printed, typed, groups, column_of, real, pieces: CellPieces) -> list[_TableSlice]:
    """The printed rows: each typed row's, and one more per further piece of its tallest text;
    then each group's text placed in them, each piece opening a merged cell of its own (with
    rows of their own when the group has fewer rows than pieces)."""
    slices: list[_TableSlice] = []
    for r, data in enumerate(typed):
        parts: dict[int, list[str]] = {}
        for p, text in data["cells"].items():
            column = columns[printed[p][0]]
            cut = column.jenis in ("teks", "butir", "pic") and bool(text)
            parts[p] = pieces(p, text) if cut else [text]
        for k in range(max((len(v) for v in parts.values()), default=1)):
            slices.append(_TableSlice(r, k, {p: v[k] if k < len(v) else "" for p, v in parts.items()}))
    for g in reversed(groups):  # innermost first: rows added for a piece belong to the groups around it
        index = 0
        while index < len(slices):
            key = typed[slices[index].row]["instance"][g]
            end = index
            while end + 1 < len(slices) and typed[slices[end + 1].row]["instance"][g] == key:
                end += 1
            text = typed[slices[index].row]["group_text"].get(g, "")
            found = pieces(column_of[g], text) if text else [text]
            last = slices[end]
            for extra in range(len(found) - (end - index + 1)):  # a row that only goes on with the text
                slices.insert(end + 1 + extra, _TableSlice(last.row, last.piece + 1 + extra, {}))
            if g in real[slices[index].row]:  # (a first row that opens nothing continues nothing either)
                for number, part in enumerate(found):
                    slices[index + number].opens[g] = (number, part)
            index += max(len(found), end - index + 1)
    return slices
