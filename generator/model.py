"""Typed models of a case: the decree (from YAML) and the plan table (from the workbook).

Models hold what staff typed, validated; everything counted or composed is derived from them
in `numbering` and `layout`, never stored twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import numbering, printable

MAX_TEXT = 2000  # longer than any clause of a real decree: beyond it, a paste went wrong
KODE_WILAYAH = r"^[0-9]{2}([0-9]{2})?$"  # Kemendagri region code: 2 digits (province) or 4 (kabupaten/kota)
NIP = r"^[0-9 ]{18,21}$"  # civil servant number: 18 digits, spaces allowed between its groups
# Cases written before a decree could have several lampiran: one plan table, in this file and sheet
LEGACY_PLAN_FILE = "rencana-aksi.xlsx"
LEGACY_PLAN_SHEET = "Rencana Aksi"
TABLES_FILE = "lampiran.xlsx"  # the YAML form: the workbook of the table lampiran, unless one names its own


def _printed(value: str, info: ValidationInfo) -> str:
    """A text the decree prints: every character printable with the case's font (`printable`;
    the loaders pass the font as the validation context)."""
    font = (info.context or {}).get("font", printable.DEFAULT_FONT)
    return _checked(value, font)


def _plain(value: str) -> str:
    """A text that is not printed (a file name, a key): no control characters."""
    return _checked(value, None)


def _checked(value: str, font: str | None) -> str:
    found = printable.problem_of(value, font)
    if found is not None:
        code, params = found
        # the code is the message (messages.CATALOGUE); the English text is only pydantic's own
        raise PydanticCustomError(code, "{char} at position {position} cannot be printed", params)
    return value


Printed = Annotated[str, AfterValidator(_printed)]
Plain = Annotated[str, AfterValidator(_plain)]


class _Strict(BaseModel):
    # extra="forbid": a misspelt key is reported, not silently ignored
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


Text = Field(min_length=1, max_length=MAX_TEXT)


class _Later(_Strict):
    """A model that gained keys after cases were written: those keys are left out of its dump
    while they hold their defaults, so a case written before them has the same content as
    before (content hash, revisions, diff, the YAML that convert-case writes)."""

    added_later: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _without_unset_additions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        fields = type(self).model_fields
        for key in self.added_later:
            if key in data and getattr(self, key) == fields[key].get_default(call_default_factory=True):
                del data[key]
        return data


def _lines(items: list[str] | None) -> list[str] | None:
    return None if items is None else _non_empty_items(items)


def _non_empty_items(items: list[str]) -> list[str]:
    for i, item in enumerate(items):
        if not item.strip():
            raise PydanticCustomError("item.empty", "item {n} is empty", {"n": i + 1})
        if len(item) > MAX_TEXT:
            raise PydanticCustomError(
                "item.too_long",
                "item {n} is {length} characters long (at most {max})",
                {"n": i + 1, "length": len(item), "max": MAX_TEXT},
            )
    return items


class Kantor(_Later):
    lembaga: Printed = Field(default="Komisi Pemilihan Umum", min_length=1, max_length=200)
    # a national body (KPU RI, a ministry) has no region and no region code
    wilayah: Printed | None = Field(default=None, min_length=1, max_length=200)
    kode_wilayah: str | None = Field(default=None, pattern=KODE_WILAYAH)
    kedudukan: Printed = Field(min_length=1, max_length=100)
    # the letterhead's lines, top to bottom, when they are not Lembaga / Wilayah (printed in capitals)
    kop: list[Printed] | None = Field(default=None, min_length=1, max_length=6)

    added_later = ("kop",)

    @field_validator("kop")
    @classmethod
    def _kop_lines(cls, items: list[str] | None) -> list[str] | None:
        return _lines(items)

    @property
    def nama(self) -> str:
        """Full office name, e.g. 'Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat'."""
        return f"{self.lembaga} {self.wilayah}" if self.wilayah else self.lembaga

    @property
    def kop_lines(self) -> list[str]:
        """The letterhead, top to bottom: the office's own lines, or Lembaga and Wilayah."""
        if self.kop:
            return list(self.kop)
        return [self.lembaga] + ([self.wilayah] if self.wilayah else [])


class Nomor(_Strict):
    format: Printed = Field(min_length=1, max_length=200)
    urut: int | Printed
    klasifikasi: Printed | None = None
    kode_lembaga: Printed | None = None

    @field_validator("format")
    @classmethod
    def _known_fields(cls, value: str) -> str:
        # Custom error types are message codes (messages.CATALOGUE), so staff read them in Indonesian.
        try:
            names = numbering.number_format_fields(value)
        except ValueError as exc:
            raise PydanticCustomError(
                "nomor.malformed", "malformed number format: {detail}", {"detail": str(exc)}
            ) from None
        unknown = [n for n in names if n not in numbering.NUMBER_FIELDS]
        if unknown:
            raise PydanticCustomError(
                "nomor.unknown_part",
                "unknown part {{{part}}} in the number format; known parts: {known}",
                {"part": unknown[0], "known": ", ".join("{" + n + "}" for n in numbering.NUMBER_FIELDS)},
            )
        if "urut" not in names:
            raise PydanticCustomError("nomor.no_urut", "the number format must contain {{urut}}, the sequence number")
        return value


class Ditetapkan(_Strict):
    tanggal: dt.date
    tempat: Printed | None = Field(default=None, max_length=100)


class Penandatangan(_Later):
    jabatan: Printed = Field(default="Ketua", min_length=1, max_length=100)
    # the official's whole title when it is not Jabatan + the office's name ("Menteri Agama
    # Republik Indonesia", not "Menteri Kementerian Agama Republik Indonesia")
    jabatan_lengkap: Printed | None = Field(default=None, min_length=1, max_length=200)
    nama: Printed = Field(min_length=1, max_length=200)

    added_later = ("jabatan_lengkap",)


class PengesahSalinan(_Strict):
    unit: Printed = Field(min_length=1, max_length=300)
    jabatan: Printed = Field(min_length=1, max_length=200)
    nama: Printed = Field(min_length=1, max_length=200)
    nip: str | None = Field(default=None, pattern=NIP)


class Margin(_Strict):
    atas: float = Field(default=20, ge=5, le=60)
    bawah: float = Field(default=25, ge=5, le=60)
    kiri: float = Field(default=30, ge=5, le=60)
    kanan: float = Field(default=20, ge=5, le=60)


PAPER_MM = {"F4": (215.0, 330.0), "A4": (210.0, 297.0)}


class Profil(_Strict):
    kertas: Literal["F4", "A4"] = "F4"
    margin_mm: Margin = Margin()
    font: Plain = Field(default=printable.DEFAULT_FONT, min_length=1, max_length=100)
    ukuran_font: float = Field(default=12, ge=6, le=16)
    ukuran_font_tabel: float = Field(default=9, ge=6, le=14)
    nomor_halaman_lampiran: Literal["lanjut", "ulang"] = "lanjut"
    # signing: a field in the lampiran's closing block too; an invisible anchor character
    # (e.g. "#") printed in each signature space for signing services that search for one
    ttd_lampiran: bool = False
    jangkar_ttd: Printed | None = Field(default=None, pattern=r"^\S{1,3}$")
    # the office's own Word templates: a folder relative to the case folder (`--templates` wins)
    templat: Plain | None = Field(default=None, min_length=1, max_length=300)

    @property
    def paper_mm(self) -> tuple[float, float]:
        return PAPER_MM[self.kertas]


# ---------------------------------------------------------------- the lampiran

# What a lampiran holds: a table whose columns the case declares (or a preset of them), prose
# (chapters, sections, paragraphs, numbered lists), or a list of people (the members of a team).
JenisLampiran = Literal["tabel", "prosa", "anggota"]
JENIS_LAMPIRAN: tuple[str, ...] = ("tabel", "prosa", "anggota")
# how a table column is filled: see docs/data-format.md, "Columns of a table lampiran"
JenisKolom = Literal["nomor", "kelompok", "butir", "teks", "angka", "pic", "periode"]
JENIS_KOLOM: tuple[str, ...] = ("nomor", "kelompok", "butir", "teks", "angka", "pic", "periode")
Penomoran = Literal["angka", "huruf", "huruf_besar", "romawi", "tanpa"]
PENOMORAN: tuple[str, ...] = ("angka", "huruf", "huruf_besar", "romawi", "tanpa")
PERIODS = {"bulan": tuple(str(m) for m in range(1, 13)), "triwulan": ("TW I", "TW II", "TW III", "TW IV")}
PRESET_BULANAN = "rencana-aksi-bulanan"  # the KPU's plan: the 18 columns the default template draws
MAX_LAMPIRAN = 20
MAX_COLUMNS = 40  # printed columns of a table lampiran: beyond it no column is readable on a page


class Kolom(_Strict):
    """One declared column of a table lampiran (a period column prints as 12 or 4 columns)."""

    judul: Printed = Field(min_length=1, max_length=200)  # the heading as printed
    jenis: JenisKolom = "teks"
    lebar: float = Field(default=20, ge=3, le=300)  # mm on F4 landscape (each period column); scaled to the page
    nama: Plain | None = Field(default=None, min_length=1, max_length=100)  # its header in the sheet (judul)
    penomoran: Penomoran | None = None  # kelompok (default tanpa) and butir (default huruf)
    kelompok: Plain | None = Field(default=None, max_length=100)  # nomor: the group column it numbers
    periode: Literal["bulan", "triwulan"] | None = None  # periode: months 1-12 or quarters TW I-IV
    isi: Literal["tanda", "nilai"] | None = None  # periode: marks (shaded) or values (default tanda)
    judul_atas: Printed | None = Field(default=None, max_length=200)  # a heading over it and its neighbours

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Kolom:
        wrong = [
            key
            for key, kinds in (
                ("penomoran", ("kelompok", "butir")),
                ("kelompok", ("nomor",)),
                ("periode", ("periode",)),
                ("isi", ("periode",)),
            )
            if getattr(self, key) is not None and self.jenis not in kinds
        ]
        if wrong:
            raise PydanticCustomError(
                "kolom.key_for_kind",
                "key {key} does not belong to a column of kind {jenis}",
                {"key": wrong[0], "jenis": self.jenis},
            )
        if self.jenis == "periode" and self.periode is None:
            raise PydanticCustomError("kolom.period_missing", "a periode column needs periode: bulan or triwulan")
        return self

    @property
    def header(self) -> str:
        """The column's header in the sheet its data is typed in."""
        return self.nama or self.judul

    @property
    def sheet_headers(self) -> tuple[str, ...]:
        """The sheet columns it takes: none (a number), one, or one per month or quarter."""
        if self.jenis == "nomor":
            return ()
        if self.jenis == "periode":
            subs = PERIODS[self.periode or "bulan"]
            return tuple(f"{self.nama} {sub}" if self.nama else sub for sub in subs)
        return (self.header,)

    @property
    def numbering(self) -> str:
        return self.penomoran or ("huruf" if self.jenis == "butir" else "tanpa")

    @property
    def marks(self) -> bool:
        return self.jenis == "periode" and (self.isi or "tanda") == "tanda"


def _columns(*specs: dict) -> tuple[Kolom, ...]:
    return tuple(Kolom.model_validate(spec) for spec in specs)


# The presets: columns a case names instead of declaring them. Widths in mm on F4 landscape.
PRESETS: dict[str, tuple[Kolom, ...]] = {
    PRESET_BULANAN: _columns(
        {"judul": "NO", "jenis": "nomor", "kelompok": "Area Perubahan", "lebar": 8},
        {"judul": "AREA PERUBAHAN", "jenis": "kelompok", "nama": "Area Perubahan", "penomoran": "angka", "lebar": 26},
        {"judul": "KEGIATAN", "jenis": "kelompok", "nama": "Kegiatan", "lebar": 30},
        {"judul": "SUB KEGIATAN", "jenis": "butir", "nama": "Sub Kegiatan", "lebar": 64},
        {"judul": "INDIKATOR KEBERHASILAN", "jenis": "kelompok", "nama": "Indikator Keberhasilan", "lebar": 58},
        {"judul": "PELAKSANAAN (BULAN)", "jenis": "periode", "periode": "bulan", "isi": "tanda", "lebar": 6.5},
        {"judul": "KET.", "jenis": "teks", "nama": "Keterangan", "lebar": 16},
    ),
    # quarterly plans of other agencies: kegiatan utama, indikator, rencana aksi, output and
    # its unit, the person in charge, a target per quarter
    "rencana-aksi-triwulan": _columns(
        {"judul": "NO", "jenis": "nomor", "kelompok": "Kegiatan Utama", "lebar": 8},
        {"judul": "KEGIATAN UTAMA", "jenis": "kelompok", "nama": "Kegiatan Utama", "penomoran": "angka", "lebar": 34},
        {"judul": "INDIKATOR", "jenis": "kelompok", "nama": "Indikator", "lebar": 40},
        {"judul": "RENCANA AKSI", "jenis": "butir", "nama": "Rencana Aksi", "lebar": 56},
        {"judul": "OUTPUT", "jenis": "teks", "nama": "Output", "lebar": 34},
        {"judul": "SATUAN", "jenis": "teks", "nama": "Satuan", "lebar": 22},
        {"judul": "PIC", "jenis": "pic", "nama": "PIC", "lebar": 30},
        {"judul": "TARGET", "jenis": "periode", "periode": "triwulan", "isi": "nilai", "nama": "Target", "lebar": 14},
    ),
}
# What a new case can start with (`keputusan init --lampiran`, the web's new decree): a table
# preset, a table of its own columns, a member list, prose; `tanpa` is a decree without lampiran
STARTER_LAMPIRAN: tuple[str, ...] = (*PRESETS, "tabel", "anggota", "prosa", "tanpa")
# The member list of a team (jenis anggota): a table of fixed columns
ANGGOTA_COLUMNS = _columns(
    {"judul": "NO", "jenis": "nomor", "lebar": 10},
    {"judul": "NAMA", "jenis": "teks", "nama": "Nama", "lebar": 55},
    {"judul": "JABATAN / UNSUR", "jenis": "teks", "nama": "Jabatan/Unsur", "lebar": 60},
    {"judul": "KEDUDUKAN DALAM TIM", "jenis": "teks", "nama": "Kedudukan dalam Tim", "lebar": 40},
)


def check_columns(columns: tuple[Kolom, ...]) -> None:
    """A table's columns fit together; PydanticCustomError (a catalogue code) when not."""
    headers: list[str] = []
    for column in columns:
        for header in column.sheet_headers:
            if header.casefold() in (h.casefold() for h in headers):
                raise PydanticCustomError("kolom.duplicate", "two columns are both named {name}", {"name": header})
            headers.append(header)
    groups = {c.header.casefold() for c in columns if c.jenis == "kelompok"}
    for column in columns:
        if column.jenis == "nomor" and column.kelompok is not None and column.kelompok.casefold() not in groups:
            raise PydanticCustomError(
                "kolom.no_such_group",
                "column {judul} numbers the group {kelompok}, which is not a kelompok column",
                {"judul": column.judul, "kelompok": column.kelompok},
            )
    if not any(c.jenis not in ("kelompok", "nomor") for c in columns):
        raise PydanticCustomError("kolom.only_groups", "a table needs a column that is not a kelompok or nomor")
    printed = sum(len(PERIODS[c.periode or "bulan"]) if c.jenis == "periode" else 1 for c in columns)
    if printed > MAX_COLUMNS:
        raise PydanticCustomError(
            "kolom.too_many", "{n} printed columns (at most {max})", {"n": printed, "max": MAX_COLUMNS}
        )


class Anggota(_Strict):
    """One member of a team (jenis anggota)."""

    nama: Printed = Field(min_length=1, max_length=200)
    jabatan: Printed = Field(min_length=1, max_length=300)  # the post, or the part of the office (unsur)
    kedudukan: Printed = Field(min_length=1, max_length=200)  # in the team: Ketua, Sekretaris, Anggota


PROSA_KINDS = ("bab", "bagian", "subbagian", "paragraf", "butir")


class BlokProsa(_Strict):
    """One block of a prose lampiran: exactly one of its keys.

    bab: a chapter (BAB I, BAB II ... generated), its title; bagian: a section (A., B. ...);
    subbagian: a subsection (1., 2. ...); paragraf: a paragraph; butir: a numbered list."""

    bab: Printed | None = Field(default=None, min_length=1, max_length=300)
    bagian: Printed | None = Field(default=None, min_length=1, max_length=300)
    subbagian: Printed | None = Field(default=None, min_length=1, max_length=300)
    paragraf: Printed | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    butir: list[Annotated[Printed, Field(min_length=1, max_length=MAX_TEXT)]] | None = Field(
        default=None, min_length=1, max_length=200
    )

    @model_validator(mode="after")
    def _one_kind(self) -> BlokProsa:
        given = [k for k in PROSA_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "prosa.one_kind", "each block is one of {kinds}", {"kinds": ", ".join(PROSA_KINDS)}
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in PROSA_KINDS if getattr(self, k) is not None)


class LampiranSpec(_Strict):
    """One lampiran of the decree, as the case declares it (`lampiran:` in keputusan.yaml, a row
    of the Lampiran sheet). A table's rows are typed in a sheet (`Case.tables`); the members and
    the prose are part of this declaration."""

    judul: Printed = Text
    jenis: JenisLampiran = "tabel"
    bentuk: Plain | None = Field(default=None, max_length=100)  # tabel: a preset's name (PRESETS)
    kolom: list[Kolom] | None = Field(default=None, min_length=1, max_length=MAX_COLUMNS)  # tabel: its own columns
    nomor_kolom: bool | None = None  # tabel: print the column-number row (default yes; anggota no)
    data: Plain | None = Field(default=None, min_length=1, max_length=300)  # YAML form: the table's workbook
    sheet: Plain | None = Field(default=None, min_length=1, max_length=31)  # the sheet of its rows
    diktum: int | None = Field(default=None, ge=1, le=30)  # the diktum that refers to it (default 1)
    orientasi: Literal["mendatar", "tegak"] | None = None  # landscape (tables) or portrait (the others)
    anggota: list[Anggota] | None = Field(default=None, min_length=1, max_length=1000)
    isi: list[BlokProsa] | None = Field(default=None, min_length=1, max_length=2000)

    @field_validator("bentuk")
    @classmethod
    def _known_preset(cls, value: str | None, info: ValidationInfo) -> str | None:
        # of a lampiran that is no table, the key itself is wrong (said by _fits_its_kind)
        if value is not None and value not in PRESETS and info.data.get("jenis") == "tabel":
            raise PydanticCustomError(
                "kolom.unknown_preset",
                "unknown preset {name}; known: {known}",
                {"name": value, "known": ", ".join(PRESETS)},
            )
        return value

    @field_validator("kolom")
    @classmethod
    def _columns_fit(cls, value: list[Kolom] | None) -> list[Kolom] | None:
        if value:
            check_columns(tuple(value))
        return value

    @model_validator(mode="after")
    def _fits_its_kind(self) -> LampiranSpec:
        own = {
            "tabel": ("bentuk", "kolom", "nomor_kolom", "data"),
            "anggota": ("anggota", "nomor_kolom"),
            "prosa": ("isi",),
        }
        for key in ("bentuk", "kolom", "nomor_kolom", "data", "anggota", "isi"):
            if getattr(self, key) is not None and key not in own[self.jenis]:
                raise PydanticCustomError(
                    "lampiran.key_for_kind",
                    "key {key} does not belong to a lampiran of kind {jenis}",
                    {"key": key, "jenis": self.jenis},
                )
        if self.bentuk is not None and self.kolom is not None:
            raise PydanticCustomError("lampiran.bentuk_and_kolom", "both a preset (bentuk) and columns (kolom)")

        if (self.jenis == "anggota" and not self.anggota) or (self.jenis == "prosa" and not self.isi):
            raise PydanticCustomError(
                "lampiran.no_content", "this lampiran of kind {jenis} is empty", {"jenis": self.jenis}
            )
        return self

    @property
    def columns(self) -> tuple[Kolom, ...]:
        """The printed columns' declarations: the preset's, the declared ones, or the member list's."""
        if self.jenis == "anggota":
            return ANGGOTA_COLUMNS
        if self.kolom:
            return tuple(self.kolom)
        return PRESETS[self.bentuk or PRESET_BULANAN] if self.jenis == "tabel" else ()

    @property
    def preset(self) -> str | None:
        """The preset's name when the table uses one (the default: the monthly plan)."""
        if self.jenis != "tabel" or self.kolom:
            return None
        return self.bentuk or PRESET_BULANAN

    @property
    def is_plan(self) -> bool:
        """The KPU's monthly plan: read as a `RencanaAksi`, drawn by the template's own table."""
        return self.preset == PRESET_BULANAN

    def data_file(self) -> str:
        """The YAML form: the workbook its rows are typed in."""
        return self.data or TABLES_FILE

    def sheet_name(self, index: int) -> str:
        """The sheet its rows (members, prose) are typed in: its own, else 'Lampiran I', 'Lampiran II' ..."""
        return self.sheet or f"Lampiran {numbering.roman(index + 1)}"

    @property
    def is_single_plan(self) -> bool:
        """Printed as the one plan table of a case from before the list: the monthly plan with
        every setting at its default (such a case is written and compared in that older shape)."""
        return (
            self.is_plan
            and self.nomor_kolom in (None, True)
            and self.diktum in (None, 1)
            and self.orientasi in (None, "mendatar")
        )

    @property
    def landscape(self) -> bool:
        return self.orientasi == "mendatar" if self.orientasi else self.jenis == "tabel"

    @property
    def column_numbers(self) -> bool:
        return self.nomor_kolom if self.nomor_kolom is not None else self.jenis == "tabel"


class Decree(_Later):
    """The decree as typed in keputusan.yaml."""

    kantor: Kantor
    # who the decree is of: the institution ("KEPUTUSAN KOMISI PEMILIHAN UMUM PROVINSI ...") or
    # its official ("KEPUTUSAN KETUA PENGADILAN ...", "KEPUTUSAN MENTERI AGAMA ..."): the title,
    # the Menetapkan line and the last Menimbang follow it
    penerbit: Literal["lembaga", "pejabat"] = "lembaga"
    dengan_rahmat: bool = False  # "DENGAN RAHMAT TUHAN YANG MAHA ESA" above the enacting official
    nomor: Nomor
    tahun: int = Field(ge=1945, le=2200)
    tentang: Printed = Text
    # the one plan table of a case written before `lampiran` (kept as typed; see daftar_lampiran)
    judul_lampiran: Printed | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    menimbang: list[Printed] = Field(min_length=1, max_length=25)
    mengingat: list[Plain] = Field(min_length=1, max_length=60)
    memperhatikan: list[Printed] = Field(default=[], max_length=30)
    menetapkan: Printed | None = Field(default=None, min_length=1, max_length=MAX_TEXT)  # else derived
    diktum: list[Printed] = Field(min_length=1, max_length=30)
    ditetapkan: Ditetapkan
    penandatangan: Penandatangan
    pengesah_salinan: PengesahSalinan
    rencana_aksi: Plain | None = None  # the plan workbook of `judul_lampiran` (default LEGACY_PLAN_FILE)
    dasar_hukum: Plain = "../dasar-hukum.yaml"
    profil: Profil = Profil()
    # validated even when absent: without it, `judul_lampiran` is required (the case's only lampiran)
    lampiran: list[LampiranSpec] | None = Field(default=None, max_length=MAX_LAMPIRAN, validate_default=True)

    @field_validator("lampiran")
    @classmethod
    def _lampiran_given_once(cls, value: list[LampiranSpec] | None, info: ValidationInfo) -> list[LampiranSpec] | None:
        legacy = [key for key in ("judul_lampiran", "rencana_aksi") if info.data.get(key) is not None]
        if value is None:
            if "judul_lampiran" in info.data and not legacy:
                raise PydanticCustomError("lampiran.none", "neither lampiran nor judul_lampiran is given")
            return value
        if legacy:
            raise PydanticCustomError("lampiran.both", "lampiran and {key} are both given", {"key": legacy[0]})
        diktum = info.data.get("diktum") or []
        for spec in value:
            if spec.diktum is not None and diktum and spec.diktum > len(diktum):
                raise PydanticCustomError(
                    "lampiran.diktum_missing",
                    "lampiran {judul} refers to diktum {n}; there are {count}",
                    {"judul": spec.judul[:60], "n": spec.diktum, "count": len(diktum)},
                )
        return value

    added_later = ("penerbit", "dengan_rahmat", "memperhatikan", "menetapkan", "lampiran")

    @field_validator("menimbang", "memperhatikan", "diktum")
    @classmethod
    def _items_not_empty(cls, items: list[str]) -> list[str]:
        return _non_empty_items(items)

    def missing_number_parts(self) -> list[str]:
        """Parts the number format needs that the data does not give (checked by the loader)."""
        parts = self.number_parts()
        return [
            name
            for name in numbering.number_format_fields(self.nomor.format)
            if parts.get(name) is None or str(parts[name]).strip() == ""
        ]

    def number_parts(self) -> dict[str, object]:
        month = self.ditetapkan.tanggal.month
        return {
            "urut": self.nomor.urut,
            "klasifikasi": self.nomor.klasifikasi,
            "kode_lembaga": self.nomor.kode_lembaga,
            "kode_wilayah": self.kantor.kode_wilayah,
            "tahun": self.tahun,
            "bulan": f"{month:02d}",
            "bulan_tanpa_nol": str(month),
            "bulan_romawi": numbering.roman(month),
        }

    @property
    def nomor_lengkap(self) -> str:
        """The decree number, composed once; every place that prints it uses this."""
        return numbering.compose_number(self.nomor.format, self.number_parts())

    @property
    def tempat(self) -> str:
        return self.ditetapkan.tempat or self.kantor.kedudukan

    @property
    def jabatan_penandatangan(self) -> str:
        """The enacting official's whole title: 'Ketua Komisi Pemilihan Umum Provinsi ...'."""
        return self.penandatangan.jabatan_lengkap or f"{self.penandatangan.jabatan} {self.kantor.nama}"

    @property
    def nama_penerbit(self) -> str:
        """Whose decree it is, as the title names it after 'Keputusan': the office, or its official."""
        return self.jabatan_penandatangan if self.penerbit == "pejabat" else self.kantor.nama

    @property
    def only_plan(self) -> bool:
        """The decree's one lampiran is the monthly plan, as every case was before the list."""
        specs = self.daftar_lampiran
        return len(specs) == 1 and specs[0].is_single_plan

    @property
    def daftar_lampiran(self) -> tuple[LampiranSpec, ...]:
        """The lampiran, in order: as declared, or the one plan table of a case written before
        `lampiran` existed (`judul_lampiran` and `rencana_aksi`)."""
        if self.lampiran is not None:
            return tuple(self.lampiran)
        if self.judul_lampiran is None:
            return ()
        # constructed, not validated again: its title was checked as judul_lampiran, with the case's font
        return (
            LampiranSpec.model_construct(
                judul=self.judul_lampiran,
                jenis="tabel",
                data=self.rencana_aksi or LEGACY_PLAN_FILE,
                sheet=LEGACY_PLAN_SHEET,
            ),
        )


class KantorBatch(_Strict):
    """One office of a batch (sheet Kantor of the workbook, or daftar-kantor.yaml).

    Only what differs per office is given; an empty value is inherited from the decree."""

    kode_wilayah: str = Field(pattern=KODE_WILAYAH)
    wilayah: Printed = Field(min_length=1, max_length=200)
    lembaga: Printed | None = Field(default=None, max_length=200)
    kedudukan: Printed | None = Field(default=None, max_length=100)
    urut: int | Printed | None = None
    tanggal: dt.date | None = None
    penandatangan_nama: Printed | None = Field(default=None, max_length=200)
    pengesah_unit: Printed | None = Field(default=None, max_length=300)
    pengesah_jabatan: Printed | None = Field(default=None, max_length=200)
    pengesah_nama: Printed | None = Field(default=None, max_length=200)
    pengesah_nip: str | None = Field(default=None, pattern=NIP)
    keterangan: Printed | None = Field(default=None, max_length=MAX_TEXT)


# The plan table. Plain dataclasses: they are built by the workbook reader, which reports
# problems by cell itself (pydantic's locations would be list indexes, useless to staff).


@dataclass(frozen=True)
class SubKegiatan:
    teks: str
    indikator: str | None  # None: the indikator of the row above (same kegiatan) covers this row
    bulan: frozenset[int] = frozenset()
    keterangan: str = ""
    source: str = ""  # where it was typed, e.g. "rencana-aksi.xlsx, sheet 'Rencana Aksi', row 7"


@dataclass(frozen=True)
class Kegiatan:
    nama: str
    sub_kegiatan: tuple[SubKegiatan, ...]


@dataclass(frozen=True)
class Area:
    nama: str
    kegiatan: tuple[Kegiatan, ...]


@dataclass(frozen=True)
class RencanaAksi:
    areas: tuple[Area, ...]

    @property
    def row_count(self) -> int:
        return sum(len(k.sub_kegiatan) for a in self.areas for k in a.kegiatan)


@dataclass(frozen=True)
class BarisTabel:
    """One row of a table lampiran whose columns the case declares, as typed."""

    values: tuple[str, ...]  # one per sheet column (Kolom.sheet_headers); a group's blank: ""
    source: str = ""  # where it was typed, e.g. "Lampiran I!A7:H7"


@dataclass(frozen=True)
class Tabel:
    """The rows of a table lampiran that is not the monthly plan (that one is a RencanaAksi)."""

    rows: tuple[BarisTabel, ...]

    @property
    def row_count(self) -> int:
        return len(self.rows)


TableData = RencanaAksi | Tabel


@dataclass(frozen=True)
class Case:
    """A validated case: everything the renderer needs, plus where it came from."""

    name: str
    directory: Path
    decree: Decree
    mengingat: tuple[str, ...]  # full citations, in order
    # the rows of each lampiran of decree.daftar_lampiran, by position (None: prose or members)
    tables: tuple[TableData | None, ...]
    sources: tuple[Path, ...] = field(default=())  # the input files, for hashing and messages
    offices: tuple[KantorBatch, ...] = field(default=())  # offices of a batch, if the case lists any
    form: str = "yaml"  # "yaml" (keputusan.yaml + plan workbook) or "workbook" (keputusan.xlsx)

    @property
    def lampiran(self) -> tuple[LampiranSpec, ...]:
        return self.decree.daftar_lampiran

    @property
    def plan_index(self) -> int | None:
        """The lampiran that is the monthly plan (the first, if several are): the one a batch's
        plan changes apply to."""
        return next((i for i, t in enumerate(self.tables) if isinstance(t, RencanaAksi)), None)

    @property
    def plan(self) -> RencanaAksi:
        """The monthly plan's rows (empty when the decree has none)."""
        index = self.plan_index
        table = self.tables[index] if index is not None else None
        return table if isinstance(table, RencanaAksi) else RencanaAksi(())
