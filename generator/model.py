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
)
from pydantic_core import PydanticCustomError

from . import numbering, printable

MAX_TEXT = 2000  # longer than any clause of a real decree: beyond it, a paste went wrong
KODE_WILAYAH = r"^[0-9]{2}([0-9]{2})?$"  # Kemendagri region code: 2 digits (province) or 4 (kabupaten/kota)
NIP = r"^[0-9 ]{18,21}$"  # civil servant number: 18 digits, spaces allowed between its groups


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
    judul_lampiran: Printed = Text
    menimbang: list[Printed] = Field(min_length=1, max_length=25)
    mengingat: list[Plain] = Field(min_length=1, max_length=60)
    memperhatikan: list[Printed] = Field(default=[], max_length=30)
    menetapkan: Printed | None = Field(default=None, min_length=1, max_length=MAX_TEXT)  # else derived
    diktum: list[Printed] = Field(min_length=1, max_length=30)
    ditetapkan: Ditetapkan
    penandatangan: Penandatangan
    pengesah_salinan: PengesahSalinan
    rencana_aksi: Plain = "rencana-aksi.xlsx"
    dasar_hukum: Plain = "../dasar-hukum.yaml"
    profil: Profil = Profil()

    added_later = ("penerbit", "dengan_rahmat", "memperhatikan", "menetapkan")

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
class Case:
    """A validated case: everything the renderer needs, plus where it came from."""

    name: str
    directory: Path
    decree: Decree
    mengingat: tuple[str, ...]  # full citations, in order
    plan: RencanaAksi
    sources: tuple[Path, ...] = field(default=())  # the input files, for hashing and messages
    offices: tuple[KantorBatch, ...] = field(default=())  # offices of a batch, if the case lists any
    form: str = "yaml"  # "yaml" (keputusan.yaml + plan workbook) or "workbook" (keputusan.xlsx)
