"""The workbook form's layout, and the one schema of the decree's fields it is made from.

Each decree field is declared once, here, with what only the workbook knows: its label (column A
of the Keputusan sheet), its place in the YAML form (the key path) and a hint for staff. What
the field *is* comes from the pydantic models of `model`: whether it is required, its bounds,
its choices, its default and the kind of cell it takes. The workbook writer (labels, hints,
dropdowns, data validations, starter values), the reader (labels, required rows, conversions)
and `diff` (labels) all read these records, so a field changed in the model changes everywhere.
The Kantor sheet's columns are made the same way from `model.KantorBatch`.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from . import numbering
from .model import ANGGOTA_COLUMNS, LEGACY_PLAN_SHEET, Decree, KantorBatch

WORKBOOK_FILE = "keputusan.xlsx"
DECREE_SHEET = "Keputusan"
MENGINGAT_SHEET = "Mengingat"
PLAN_SHEET = LEGACY_PLAN_SHEET
LAMPIRAN_SHEET = "Lampiran"  # the list of lampiran; a workbook without it has one plan, sheet PLAN_SHEET
KANTOR_SHEET = "Kantor"
PETUNJUK_SHEET = "Petunjuk"
LISTS_SHEET = "Daftar"
REQUIRED_SHEETS = (DECREE_SHEET, MENGINGAT_SHEET, KANTOR_SHEET)  # and Lampiran, or (before it) PLAN_SHEET

DECREE_HEADERS = ("Isian", "Nilai", "Petunjuk")
MENGINGAT_HEADERS = ("Dasar Hukum", "Kunci")
# The plan sheet: the same columns in the workbook form and in the YAML form's plan workbook
PLAN_HEADERS = (
    ("Area Perubahan", "Kegiatan", "Sub Kegiatan", "Indikator Keberhasilan")
    + tuple(str(m) for m in range(1, 13))
    + ("Keterangan",)
)

# The Lampiran sheet: one row per lampiran, in order: (header, key of model.LampiranSpec, cell kind)
LAMPIRAN_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Judul", "judul", "long"),
    ("Jenis", "jenis", "text"),
    ("Kolom", "kolom", "text"),
    ("Sheet", "sheet", "text"),
    ("Nomor Kolom", "nomor_kolom", "yesno"),
    ("Diktum", "diktum", "int"),
    ("Orientasi", "orientasi", "text"),
)
# A sheet declaring a table's columns (named in the Kolom cell): one row per column (model.Kolom)
KOLOM_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Judul", "judul", "text"),
    ("Jenis", "jenis", "text"),
    ("Lebar (mm)", "lebar", "number"),
    ("Nama di Sheet", "nama", "text"),
    ("Penomoran", "penomoran", "text"),
    ("Kelompok", "kelompok", "text"),
    ("Periode", "periode", "text"),
    ("Isi", "isi", "text"),
    ("Judul Atas", "judul_atas", "text"),
)
KOLOM_SHEET_PREFIX = "Kolom "  # what init names a table's columns sheet: "Kolom Lampiran II"
# the content sheets of a member list and of prose
ANGGOTA_HEADERS = tuple(h for c in ANGGOTA_COLUMNS for h in c.sheet_headers)
ANGGOTA_KEYS = ("nama", "jabatan", "kedudukan")
PROSA_HEADERS = ("Jenis", "Teks")

YESNO = ("ya", "tidak")  # how a yes/no setting reads in the workbook
LONG_TEXT = 200  # a text allowed more characters than this is a paragraph: wrapped, compared word by word


@dataclass(frozen=True)
class SchemaField:
    """One field as the workbook shows it. Label, path, hint and error are declared here; the
    rest is read from the model: `required` (within its group), the bounds (`ge`/`le`), the
    choices (a `Literal`), the default, and the kind of cell its type takes.

    kind: text, long, code (a text cell that keeps leading zeros), urut (a number or text),
    int, number, date, list (one row per item), choice (a dropdown of `choices`), yesno (a
    dropdown of ya/tidak)."""

    label: str
    path: tuple[str, ...]
    kind: str
    hint: str = ""
    error: str = ""  # what Excel says when the cell's data validation refuses a value
    choices: tuple[str, ...] = ()
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None


def _field_info(model: type[BaseModel], path: tuple[str, ...]) -> FieldInfo:
    """The field at `path` of `model` (a path through nested models)."""
    holder: Any = model
    for part in path[:-1]:
        holder = holder.model_fields[part].annotation
    return holder.model_fields[path[-1]]


def _members(annotation: Any) -> tuple[Any, ...]:
    """The types of an annotation, without None: `int | str | None` -> (int, str); a checked
    type (`model.Printed`: Annotated[str, ...]) is its type."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
    else:
        members = [annotation]
    return tuple(typing.get_args(a)[0] if typing.get_origin(a) is typing.Annotated else a for a in members)


def _kind(info: FieldInfo) -> str:
    members = _members(info.annotation)
    origin = typing.get_origin(members[0])
    pattern = next((m.pattern for m in info.metadata if getattr(m, "pattern", None)), None)
    max_length = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)
    if origin is typing.Literal:
        return "choice"
    if origin is list:
        return "list"
    if members == (bool,):
        return "yesno"
    if members == (dt.date,):
        return "date"
    if set(members) == {int, str}:
        return "urut"
    if members == (int,):
        return "int"
    if members == (float,):
        return "number"
    if members == (str,):
        if pattern:
            return "code"
        return "long" if max_length is not None and max_length > LONG_TEXT else "text"
    raise TypeError(f"no workbook cell for a field of type {info.annotation}")


def _schema_field(
    model: type[BaseModel], label: str, path: tuple[str, ...], hint: str = "", error: str = "", code: bool = False
) -> SchemaField:
    info = _field_info(model, path)
    annotation: Any = info.annotation
    minimum = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)
    maximum = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), None)
    members = _members(info.annotation)
    choices = typing.get_args(members[0]) if typing.get_origin(members[0]) is typing.Literal else ()
    if members == (bool,):
        choices = YESNO
    return SchemaField(
        label=label,
        path=path,
        kind="code" if code else _kind(info),
        hint=_bounded(hint, minimum, maximum),
        error=_bounded(error, minimum, maximum),
        choices=tuple(str(c) for c in choices),
        required=info.is_required(),
        minimum=minimum,
        maximum=maximum,
        # as the model holds it once validated (a float field's default 20 is 20.0)
        default=None if info.is_required() else TypeAdapter(annotation).validate_python(info.default),
    )


def _bounded(text: str, minimum: float | None, maximum: float | None) -> str:
    """`{min}` and `{max}` in a text replaced with the field's bounds."""
    for name, bound in (("{min}", minimum), ("{max}", maximum)):
        if bound is not None:
            text = text.replace(name, f"{bound:g}")
    return text


def _decree(label: str, key: str, hint: str, error: str = "", code: bool = False) -> SchemaField:
    """A row of the Keputusan sheet; `code`: a text cell, though the model takes any text (a
    code such as 017 must keep its zero in Excel)."""
    return _schema_field(Decree, label, tuple(key.split(".")), hint, error, code)


# how each part of the number reads, for the hint of Format Nomor (every part of numbering.NUMBER_FIELDS)
_PART_EXAMPLES = {"bulan": "01", "bulan_tanpa_nol": "1", "bulan_romawi": "I"}
_NUMBER_PARTS = ", ".join(
    "{" + name + "}" + (f" ({_PART_EXAMPLES[name]})" if name in _PART_EXAMPLES else "")
    for name in numbering.NUMBER_FIELDS
)

# The Keputusan sheet's rows, in order: label, key path, hint, and what Excel says when a cell's
# data validation refuses a value (else a text made from the field's kind and bounds).
_MM = "Tulis angka dalam milimeter, {min} sampai {max}."
_POINTS = "Tulis ukuran huruf dalam poin, {min} sampai {max}."
DECREE_FIELDS: tuple[SchemaField, ...] = (
    _decree("Lembaga", "kantor.lembaga", "Komisi Pemilihan Umum (di Aceh: Komisi Independen Pemilihan)"),
    _decree(
        "Wilayah",
        "kantor.wilayah",
        "mis. Provinsi Nusa Tenggara Barat, Kabupaten Lombok Barat, Kota Mataram; kosongkan untuk lembaga "
        "tingkat nasional (KPU RI, kementerian)",
    ),
    _decree(
        "Kode Wilayah",
        "kantor.kode_wilayah",
        "kode wilayah Kemendagri: 2 angka (provinsi) atau 4 angka (kabupaten/kota), mis. 52; kosongkan untuk "
        "lembaga tingkat nasional",
    ),
    _decree("Kedudukan", "kantor.kedudukan", "tempat kedudukan kantor, mis. Mataram"),
    _decree(
        "Kop Surat",
        "kantor.kop",
        "satu baris kop per baris berlabel Kop Surat, dari atas (dicetak kapital), mis. Mahkamah Agung Republik "
        "Indonesia; kosongkan: kop dari Lembaga dan Wilayah",
    ),
    _decree(
        "Penerbit Keputusan",
        "penerbit",
        "lembaga: KEPUTUSAN KOMISI PEMILIHAN UMUM PROVINSI ...; pejabat: KEPUTUSAN KETUA PENGADILAN ..., "
        "KEPUTUSAN MENTERI AGAMA ... (judul, Menetapkan dan Menimbang terakhir mengikuti jabatan penandatangan)",
    ),
    _decree(
        "Dengan Rahmat Tuhan Yang Maha Esa",
        "dengan_rahmat",
        "ya: DENGAN RAHMAT TUHAN YANG MAHA ESA dicetak di atas jabatan penetap (keputusan menteri); tidak: "
        "tanpa (keputusan KPU provinsi)",
    ),
    _decree(
        "Format Nomor",
        "nomor.format",
        "susunan nomor dari bagiannya: " + _NUMBER_PARTS + "; mis. {urut}/{klasifikasi}/{kode_wilayah}/{tahun}, "
        "{urut} TAHUN {tahun} (lembaga tingkat nasional: tanpa {kode_wilayah})",
    ),
    _decree("Nomor Urut", "nomor.urut", "nomor urut keputusan, mis. 19"),
    _decree("Klasifikasi", "nomor.klasifikasi", "kode klasifikasi, mis. ORT.07", code=True),
    _decree(
        "Kode Lembaga",
        "nomor.kode_lembaga",
        "hanya bila format nomor memakai {kode_lembaga}, mis. KPU, W4.TUN-1, KPU-Prov-017",
        code=True,
    ),
    _decree("Tahun", "tahun", "tahun keputusan, mis. 2022", "Tulis tahun dengan 4 angka, mis. 2022."),
    _decree("Tentang", "tentang", "judul keputusan sesudah kata TENTANG, huruf biasa (dicetak kapital otomatis)"),
    _decree("Judul Lampiran", "judul_lampiran", "judul tabel lampiran"),
    _decree(
        "Menimbang",
        "menimbang",
        "satu butir per baris berlabel Menimbang; huruf a., b. dan butir terakhir "
        "(yang menyatakan ulang Tentang) dibuat otomatis",
    ),
    _decree(
        "Memperhatikan",
        "memperhatikan",
        "boleh dikosongkan; satu butir per baris berlabel Memperhatikan, tanpa titik koma penutup "
        "(nomor 1., 2. dibuat otomatis)",
    ),
    _decree(
        "Menetapkan",
        "menetapkan",
        "kosongkan: dibuat otomatis (KEPUTUSAN ... TENTANG ....); bila diisi, dicetak persis seperti diketik",
    ),
    _decree(
        "Diktum",
        "diktum",
        "satu diktum per baris berlabel Diktum; KESATU, KEDUA dan diktum penutup (mulai berlaku) dibuat otomatis",
    ),
    _decree(
        "Tanggal Ditetapkan", "ditetapkan.tanggal", "tanggal penetapan (sel tanggal), dicetak mis. 17 Januari 2022"
    ),
    _decree("Tempat Ditetapkan", "ditetapkan.tempat", "kosongkan bila sama dengan Kedudukan"),
    _decree("Jabatan Penandatangan", "penandatangan.jabatan", "mis. Ketua"),
    _decree(
        "Jabatan Lengkap Penandatangan",
        "penandatangan.jabatan_lengkap",
        "kosongkan bila jabatan lengkapnya Jabatan Penandatangan + nama kantor (Ketua Komisi Pemilihan Umum "
        "Provinsi ...); isi bila lain, mis. Menteri Agama Republik Indonesia",
    ),
    _decree("Nama Penandatangan", "penandatangan.nama", "nama pejabat yang menetapkan (dicetak kapital)"),
    _decree("Unit Pengesah Salinan", "pengesah_salinan.unit", "mis. Sekretariat Komisi Pemilihan Umum Provinsi ..."),
    _decree("Jabatan Pengesah Salinan", "pengesah_salinan.jabatan", "mis. Kepala Bagian Hukum dan Sumber Daya Manusia"),
    _decree("Nama Pengesah Salinan", "pengesah_salinan.nama", "nama pejabat yang mengesahkan salinan"),
    _decree("NIP Pengesah Salinan", "pengesah_salinan.nip", "18 angka; boleh dikosongkan"),
    _decree("Kertas", "profil.kertas", "F4 (215 x 330 mm) atau A4"),
    _decree("Margin Atas (mm)", "profil.margin_mm.atas", "{min} sampai {max}", _MM),
    _decree("Margin Bawah (mm)", "profil.margin_mm.bawah", "{min} sampai {max}", _MM),
    _decree("Margin Kiri (mm)", "profil.margin_mm.kiri", "{min} sampai {max}", _MM),
    _decree("Margin Kanan (mm)", "profil.margin_mm.kanan", "{min} sampai {max}", _MM),
    _decree("Huruf", "profil.font", "nama huruf, mis. Bookman Old Style"),
    _decree("Ukuran Huruf", "profil.ukuran_font", "ukuran huruf keputusan dalam poin ({min} sampai {max})", _POINTS),
    _decree(
        "Ukuran Huruf Tabel", "profil.ukuran_font_tabel", "ukuran huruf tabel lampiran ({min} sampai {max})", _POINTS
    ),
    _decree(
        "Nomor Halaman Lampiran",
        "profil.nomor_halaman_lampiran",
        "lanjut: melanjutkan nomor halaman keputusan; ulang: mulai lagi dari 1",
    ),
    _decree(
        "Tanda Tangan di Lampiran",
        "profil.ttd_lampiran",
        "ya: kolom tanda tangan elektronik juga di akhir lampiran; tidak: hanya pada keputusan",
    ),
    _decree(
        "Jangkar Tanda Tangan",
        "profil.jangkar_ttd",
        "bila layanan tanda tangan mencari karakter jangkar (mis. #): 1 sampai 3 karakter; boleh dikosongkan",
    ),
    _decree(
        "Folder Templat",
        "profil.templat",
        "folder templat Word kantor sendiri (keputusan.docx, lampiran.docx), relatif terhadap folder kasus; "
        "kosongkan untuk templat bawaan",
    ),
)
FIELD_BY_LABEL = {f.label.casefold(): f for f in DECREE_FIELDS}
FIELD_BY_PATH = {f.path: f for f in DECREE_FIELDS}

# The Kantor sheet: (header, field of model.KantorBatch), in order. Its headers are the labels
# of the decree fields an office's value replaces.
_KANTOR_LAYOUT: tuple[tuple[str, str], ...] = (
    ("Kode Wilayah", "kode_wilayah"),
    ("Wilayah", "wilayah"),
    ("Lembaga", "lembaga"),
    ("Kedudukan", "kedudukan"),
    ("Nomor Urut", "urut"),
    ("Tanggal Ditetapkan", "tanggal"),
    ("Nama Penandatangan", "penandatangan_nama"),
    ("Unit Pengesah Salinan", "pengesah_unit"),
    ("Jabatan Pengesah Salinan", "pengesah_jabatan"),
    ("Nama Pengesah Salinan", "pengesah_nama"),
    ("NIP Pengesah Salinan", "pengesah_nip"),
    ("Keterangan", "keterangan"),
)
KANTOR_COLUMNS: tuple[SchemaField, ...] = tuple(
    _schema_field(KantorBatch, header, (name,)) for header, name in _KANTOR_LAYOUT
)

# Dates a decree may carry: those of the years its Tahun may have
_TAHUN = FIELD_BY_PATH[("tahun",)]
assert _TAHUN.minimum is not None and _TAHUN.maximum is not None
DATE_RANGE = (dt.date(int(_TAHUN.minimum), 1, 1), dt.date(int(_TAHUN.maximum), 12, 31))


def value_at(data: dict, path: tuple[str, ...]) -> Any:
    """data[path[0]][path[1]]...; None where the path leaves the nested dicts."""
    node: Any = data
    for part in path:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def set_at(data: dict, path: tuple[str, ...], value: Any) -> None:
    """data[path[0]][path[1]]... = value, making the dicts on the way."""
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def starter_values() -> dict[str, Any]:
    """The decree values of a new workbook: every field's default (nested by key path)."""
    data: dict[str, Any] = {}
    for f in DECREE_FIELDS:
        if f.default is not None:
            set_at(data, f.path, f.default)
    return data
