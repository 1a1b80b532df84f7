"""Everything that is counted or composed: ordinals, letters, Roman numerals, dates, the decree number.

These are generated, never typed, so that a decree cannot print its own number two ways or
skip a letter.
"""

from __future__ import annotations

import datetime as dt
import os
import string

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

AREA_COLUMNS = (0, 1)  # NO, AREA PERUBAHAN
KEGIATAN_COLUMN = 2
INDIKATOR_COLUMN = 4


def lampiran_rows(plan, page_starts: frozenset[int] = frozenset()) -> list[dict]:
    """One dict per sub-kegiatan row of the lampiran table, with everything printed in it.

    A merged group (area, kegiatan, indikator) starts on its own first row and again on every
    row in `page_starts` (rows that LibreOffice put at the top of a page): there the area's
    number and name, the kegiatan and the indikator are printed again, since a merged cell
    that crosses a page break shows its text on the first page only.

    `starts` tells the renderer which cells open a merged group ("area", "kegiatan",
    "indikator"); `span` the number of rows each group covers from that row.
    """
    rows: list[dict] = []
    for area_no, area in enumerate(plan.areas, start=1):
        for kegiatan in area.kegiatan:
            single = len(kegiatan.sub_kegiatan) == 1
            indikator = None
            for i, sub in enumerate(kegiatan.sub_kegiatan):
                index = len(rows)
                first_of_area = kegiatan is area.kegiatan[0] and i == 0
                new_page = index in page_starts
                if sub.indikator is not None:
                    indikator = sub.indikator
                starts = set()
                if first_of_area or new_page:
                    starts.add("area")
                if i == 0 or new_page:
                    starts.add("kegiatan")
                if sub.indikator is not None or new_page or i == 0:
                    starts.add("indikator")
                rows.append(
                    {
                        "no": str(area_no) if "area" in starts else "",
                        "area": area.nama if "area" in starts else "",
                        "kegiatan": kegiatan.nama if "kegiatan" in starts else "",
                        "huruf": "" if single else f"{item_letter(i)}.",
                        "sub_kegiatan": sub.teks,
                        "indikator": (indikator or "") if "indikator" in starts else "",
                        "keterangan": sub.keterangan,
                        "bulan": sorted(sub.bulan),
                        "starts": sorted(starts),
                        "area_no": area_no,
                    }
                )
    _count_spans(rows)
    return rows


def _count_spans(rows: list[dict]) -> None:
    for group in ("area", "kegiatan", "indikator"):
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
