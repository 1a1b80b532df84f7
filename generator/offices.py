"""The offices of a batch: one base case, decreed by each office with its own name and officials.

Two forms feed a batch:

- a batch folder with `kantor.yaml` (docs/data-format.md, "Batch"): the base case by reference
  (`dasar`), and one entry per office — region code, region, seat, number sequence, date,
  officials, and changes to the plan rows;
- a case folder that lists its offices itself (`daftar-kantor.yaml`, or the Kantor sheet of
  `keputusan.xlsx`; `model.KantorBatch`): the case is the base, no plan changes.

An office entry has the keys of `model.KantorBatch` (one row of the Kantor sheet) plus `tempat`,
`penandatangan_jabatan` and the plan changes. Everything an office does not set comes from the
base case. The texts of the base case that name its own office (`tentang`, `judul_lampiran`,
Menimbang, diktum, the secretariat, plan rows) are rewritten with each office's name. Problems
of the batch as a whole (YAML, base case, office codes) stop the batch; a problem in one
office's entry fails that office only, with its place.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from . import numbering, printable
from .errors import DataError, Problem
from .limits import MAX_OFFICES
from .load import load_case
from .messages import Place, problem
from .model import (
    MAX_TEXT,
    Area,
    Case,
    Decree,
    KantorBatch,
    Kegiatan,
    Plain,
    Printed,
    RencanaAksi,
    SubKegiatan,
    Tabel,
)
from .schema import KANTOR_COLUMNS, KANTOR_SHEET, WORKBOOK_FILE
from .sheets import letter
from .validation import pydantic_problems
from .yaml_form import DECREE_FILE, OFFICES_FILE, key_place, read_yaml

BATCH_FILE = "kantor.yaml"
PLACEHOLDERS = ("nama", "lembaga", "wilayah", "kedudukan", "kode_wilayah")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


Name = Field(default=None, min_length=1, max_length=200)


class Target(_Strict):
    """Which plan row a change is about, named as in the base plan's lampiran."""

    area: Printed | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    kegiatan: Printed = Field(min_length=1, max_length=MAX_TEXT)
    huruf: str | None = Field(default=None, pattern=r"^[A-Za-z]{1,2}\.?$")  # letter in the base plan
    setelah: str | None = Field(default=None, pattern=r"^[A-Za-z]{1,2}\.?$")  # tambah: after this letter


class PlanChange(_Strict):
    """One change to the plan: exactly one of hapus (drop), ubah (reword), tambah (add)."""

    hapus: Target | None = None
    ubah: Target | None = None
    tambah: Target | None = None
    sub_kegiatan: Printed | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    indikator: Printed | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    bulan: list[int] | None = None
    keterangan: Printed | None = Field(default=None, max_length=MAX_TEXT)
    # which lampiran of the base case it changes: its number (2, "II", "Lampiran II"), its sheet
    # or its title; by default the first monthly plan
    lampiran: int | Plain | None = None  # a number or name that names none is reported by office_case

    @field_validator("bulan")
    @classmethod
    def _months(cls, months: list[int] | None) -> list[int] | None:
        for m in months or []:
            if not 1 <= m <= 12:
                raise PydanticCustomError("change.month", "month {month} is not 1-12", {"month": m})
        return months

    @model_validator(mode="after")
    def _one_action(self) -> PlanChange:
        actions = [name for name in ("hapus", "ubah", "tambah") if getattr(self, name) is not None]
        if len(actions) != 1:
            raise PydanticCustomError("change.one_action", "each change needs exactly one of hapus, ubah or tambah")
        fields = [f for f in ("sub_kegiatan", "indikator", "bulan", "keterangan") if getattr(self, f) is not None]
        if actions == ["hapus"] and fields:
            raise PydanticCustomError("change.hapus_fields", "hapus drops a row", {"fields": ", ".join(fields)})
        if actions == ["ubah"] and not fields:
            raise PydanticCustomError("change.ubah_nothing", "ubah needs what to change")
        if actions == ["tambah"] and self.sub_kegiatan is None:
            raise PydanticCustomError("change.tambah_no_sub", "tambah needs the sub_kegiatan to add")
        target = getattr(self, actions[0])
        if target.setelah is not None and actions != ["tambah"]:
            raise PydanticCustomError("change.setelah_not_tambah", "setelah is for tambah only")
        if actions == ["tambah"] and target.huruf is not None:
            raise PydanticCustomError("change.tambah_huruf", "tambah takes setelah, not huruf")
        return self

    @property
    def action(self) -> str:
        return next(name for name in ("hapus", "ubah", "tambah") if getattr(self, name) is not None)

    @property
    def target(self) -> Target:
        return getattr(self, self.action)


class OfficeEntry(KantorBatch):
    """One office of the batch: the keys of a Kantor sheet row (`model.KantorBatch`), plus the
    place of enactment when it is not the seat, the signer's title, and plan changes."""

    tempat: Printed | None = Field(default=None, min_length=1, max_length=100)
    penandatangan_jabatan: Printed | None = Field(default=None, min_length=1, max_length=100)
    rencana_aksi: list[PlanChange] = Field(default_factory=list, max_length=500)


class Defaults(_Strict):
    """Values for every office other than the base case's own, unless the office sets them."""

    lembaga: Printed | None = Name
    tanggal: dt.date | None = None
    penandatangan_jabatan: Printed | None = Field(default=None, min_length=1, max_length=100)
    pengesah_jabatan: Printed | None = Name
    pengesah_unit: Printed | None = Field(default=None, min_length=1, max_length=300)


class BatchSpec(_Strict):
    dasar: Plain = Field(min_length=1, max_length=500)
    ganti_sebutan: dict[Printed, Printed] = Field(default_factory=dict)
    bawaan: Defaults = Defaults()
    kantor: list[Any] = Field(min_length=1, max_length=MAX_OFFICES)  # entries validated one by one

    @field_validator("ganti_sebutan")
    @classmethod
    def _known_placeholders(cls, mapping: dict[str, str]) -> dict[str, str]:
        for source, target in mapping.items():
            if not source.strip():
                raise PydanticCustomError("batch.rename_empty", "a name to replace is empty")
            for name in re.findall(r"{(\w*)}", target):
                if name not in PLACEHOLDERS:
                    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                    raise PydanticCustomError(
                        "batch.rename_placeholder",
                        "unknown placeholder {name} in {target}",
                        {"name": name, "target": target, "known": known},
                    )
        return mapping


@dataclass
class Office:
    """One office as listed: its place in the file, its folder, its raw entry (for hashing)."""

    index: int  # position in `kantor`, 0-based
    kode: str
    wilayah: str
    folder: str  # <kode>-<slug>: the office's output folder and file prefix
    raw: Any
    place: Place  # kantor.yaml, kantor[3] (line 40); keputusan.xlsx, Kantor!A5:L5


@dataclass
class Batch:
    directory: Path
    file: Path  # kantor.yaml, daftar-kantor.yaml or keputusan.xlsx: where the offices are
    spec: BatchSpec
    base_dir: Path
    offices: list[Office]
    lines: dict[tuple, int] = field(repr=False, default_factory=dict)
    _base: Case | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.directory.resolve().name

    def office(self, kode: str) -> Office:
        for office in self.offices:
            if office.kode == kode:
                return office
        raise KeyError(kode)

    def base(self) -> Case:
        """The base case, loaded (and validated) once."""
        if self._base is None:
            self._base = load_case(self.base_dir)
        return self._base

    def input_files(self) -> list[Path]:
        """Files whose bytes decide every office's output: the base case's files.

        For a batch folder, read from the base decree's references without loading the case
        (fast, for up-to-date checks); a case that lists its offices is loaded already."""
        if self._base is not None:  # daftar-kantor.yaml is hashed office by office, not as a whole
            return [p for p in self._base.sources if p.name != OFFICES_FILE]
        decree = self.base_dir / DECREE_FILE
        if not decree.is_file():
            return [self.base_dir / WORKBOOK_FILE]
        files = [decree]
        raw = self._raw_decree()
        for key, default in (("rencana_aksi", "rencana-aksi.xlsx"), ("dasar_hukum", "../dasar-hukum.yaml")):
            ref = raw.get(key, default)
            if isinstance(ref, str):
                files.append(self.base_dir / ref)
        return files

    def templates_setting(self) -> Path | None:
        """The folder of Word templates the base case names (profil.templat), if any; read
        without loading the case when it is in the YAML form (fast, for up-to-date checks)."""
        if self._base is None and (self.base_dir / DECREE_FILE).is_file():
            profil = self._raw_decree().get("profil")
            folder = profil.get("templat") if isinstance(profil, dict) else None
            return self.base_dir / folder if isinstance(folder, str) and folder.strip() else None
        folder = self.base().decree.profil.templat
        return self.base_dir / folder if folder else None

    def _raw_decree(self) -> dict:
        """The base decree's YAML as read, {} when unreadable (loading the case reports why)."""
        try:
            raw, _ = read_yaml(self.base_dir / DECREE_FILE)
        except DataError:
            return {}
        return raw if isinstance(raw, dict) else {}

    def shared_digest(self) -> str:
        """Hash of what all offices share: the base case's files and the batch-wide settings."""
        digest = hashlib.sha256()
        for path in self.input_files():
            digest.update(str(path.name).encode())
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                digest.update(b"missing")
        settings = self.spec.model_dump(mode="json", exclude={"kantor"})
        digest.update(json.dumps(settings, sort_keys=True, ensure_ascii=False).encode())
        return digest.hexdigest()


def slug(text: str) -> str:
    """'Kabupaten Lombok Barat' -> 'kabupaten-lombok-barat' (ASCII, for folder names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "kantor"


# ---------------------------------------------------------------- reading the batch file


def read_batch(batch_dir: str | Path) -> Batch:
    """Read the offices of `batch_dir`; DataError for problems that stop the whole batch.

    `batch_dir` is a batch folder (kantor.yaml) or a case folder that lists its offices.
    Office entries are only checked here for what names their folder (code, region, no
    duplicates); the rest of each entry is checked when that office is built (`office_case`).
    """
    batch_dir = Path(batch_dir)
    path = batch_dir / BATCH_FILE
    if not batch_dir.is_dir():
        raise DataError([problem("batch.not_folder", Place(str(batch_dir)))])
    if not path.is_file():
        if (batch_dir / DECREE_FILE).is_file() or (batch_dir / WORKBOOK_FILE).is_file():
            return _batch_of_case(batch_dir)
        raise DataError([problem("batch.no_file", Place(str(path)), file=BATCH_FILE)])
    raw, lines = read_yaml(path)
    if not isinstance(raw, dict):
        raise DataError([problem("batch.not_mapping", Place(str(path)))])
    try:
        spec = BatchSpec.model_validate(raw)
    except ValidationError as exc:
        raise DataError(pydantic_problems(exc, lambda loc: key_place(path, loc, lines), BatchSpec)) from None
    problems: list[Problem] = []
    base_dir = batch_dir / spec.dasar
    if not (base_dir / DECREE_FILE).is_file() and not (base_dir / WORKBOOK_FILE).is_file():
        problems.append(
            problem(
                "batch.no_base",
                key_place(path, ("dasar",), lines),
                base=str(base_dir),
                decree=DECREE_FILE,
                workbook=WORKBOOK_FILE,
            )
        )
    offices = _offices(spec.kantor, lambda loc: key_place(path, loc, lines), problems)
    if problems:
        raise DataError(problems)
    return Batch(directory=batch_dir, file=path, spec=spec, base_dir=base_dir, offices=offices, lines=lines)


def _batch_of_case(case_dir: Path) -> Batch:
    """A case that lists its offices (daftar-kantor.yaml or the Kantor sheet) as a batch."""
    case = load_case(case_dir)
    if not case.offices:
        raise DataError(
            [problem("batch.single_case", Place(str(case_dir)), offices_file=OFFICES_FILE, batch_file=BATCH_FILE)]
        )
    yaml_file = case_dir / OFFICES_FILE
    lines: dict[tuple, int] = {}
    if case.form == "yaml" and yaml_file.is_file():
        file = yaml_file
        _, lines = read_yaml(yaml_file)
        where = lambda loc: key_place(file, loc, lines)  # noqa: E731
    else:
        file = case_dir / WORKBOOK_FILE
        where = lambda loc: _sheet_place(file, loc)  # noqa: E731
    entries = [o.model_dump(mode="json", exclude_none=True) for o in case.offices]
    spec = BatchSpec(dasar=".", kantor=entries)
    problems: list[Problem] = []
    offices = _offices(entries, where, problems)
    if problems:
        raise DataError(problems)
    return Batch(directory=case_dir, file=file, spec=spec, base_dir=case_dir, offices=offices, lines=lines, _base=case)


def _sheet_place(file: Path, loc: tuple) -> Place:
    """The Place of an office of the Kantor sheet (its row), or of one of its cells."""
    row = loc[1] + 2  # the headers are row 1
    columns = [column.path[0] for column in KANTOR_COLUMNS]
    if len(loc) > 2 and loc[2] in columns:
        return Place(str(file), KANTOR_SHEET, f"{letter(columns.index(loc[2]) + 1)}{row}")
    return Place(str(file), KANTOR_SHEET, f"A{row}:{letter(len(columns))}{row}")


def _offices(entries: list, where, problems: list[Problem]) -> list[Office]:
    offices: list[Office] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        place = where(("kantor", i))
        if not isinstance(entry, dict):
            problems.append(problem("office.not_mapping", place))
            continue
        kode, wilayah = entry.get("kode_wilayah"), entry.get("wilayah")
        if not isinstance(kode, str) or not re.fullmatch(r"\d{2}(\d{2})?", kode.strip()):
            problems.append(problem("office.bad_code", where(("kantor", i, "kode_wilayah")), value=repr(kode)))
            continue
        kode = kode.strip()
        if kode in seen:
            problems.append(
                problem("office.duplicate", where(("kantor", i, "kode_wilayah")), kode=kode, first=seen[kode] + 1)
            )
            continue
        seen[kode] = i
        if not isinstance(wilayah, str) or not wilayah.strip():
            problems.append(problem("office.wilayah_missing", where(("kantor", i, "wilayah"))))
            continue
        offices.append(
            Office(
                index=i, kode=kode, wilayah=wilayah.strip(), folder=f"{kode}-{slug(wilayah)}", raw=entry, place=place
            )
        )
    return offices


# ---------------------------------------------------------------- one office's case


def office_case(batch: Batch, office: Office) -> Case:
    """The case of one office: the base case with the office's name, number, officials and rows.

    Raises DataError naming the office's entry.
    """
    base = batch.base()
    path, lines = batch.file, batch.lines
    prefix = ("kantor", office.index)
    here = office.place
    try:
        entry = OfficeEntry.model_validate(office.raw, context=printable.context(base.decree.profil.font))
    except ValidationError as exc:
        raise DataError(pydantic_problems(exc, lambda loc: _entry_place(batch, office, loc), OfficeEntry)) from None

    d = base.decree
    own = entry.kode_wilayah == d.kantor.kode_wilayah  # the base case's own office: inherits everything
    defaults = Defaults() if own else batch.spec.bawaan
    problems: list[Problem] = []
    for key in ("kedudukan", "urut", "penandatangan_nama", "pengesah_nama"):
        if not own and getattr(entry, key) is None:
            problems.append(problem("office.required", here, key=key, kode=office.kode))
    if problems:
        raise DataError(problems)

    kedudukan = entry.kedudukan or d.kantor.kedudukan
    lembaga = entry.lembaga or defaults.lembaga or d.kantor.lembaga
    nama = f"{lembaga} {entry.wilayah}"
    values = {
        "nama": nama,
        "lembaga": lembaga,
        "wilayah": entry.wilayah,
        "kedudukan": kedudukan,
        "kode_wilayah": entry.kode_wilayah,
    }
    rename = _renamer(d.kantor.nama, batch.spec.ganti_sebutan, values)

    data = d.model_dump(mode="python")
    data["kantor"] = {
        "lembaga": lembaga,
        "wilayah": entry.wilayah,
        "kode_wilayah": entry.kode_wilayah,
        "kedudukan": kedudukan,
    }
    if entry.urut is not None:
        data["nomor"]["urut"] = entry.urut
    for key in ("tentang", "judul_lampiran"):
        data[key] = rename(data[key])
    data["menimbang"] = [rename(t) for t in data["menimbang"]]
    data["diktum"] = [rename(t) for t in data["diktum"]]
    for spec in data.get("lampiran") or []:
        _rename_lampiran(spec, rename)
    for key in ("memperhatikan", "menetapkan"):  # the decree head's own texts name the office too
        if data.get(key):
            data[key] = [rename(t) for t in data[key]] if isinstance(data[key], list) else rename(data[key])
    if data["penandatangan"].get("jabatan_lengkap"):
        data["penandatangan"]["jabatan_lengkap"] = rename(data["penandatangan"]["jabatan_lengkap"])
    data["ditetapkan"] = {
        "tanggal": entry.tanggal or defaults.tanggal or d.ditetapkan.tanggal,
        # the base case's place of enactment is its own seat: each office enacts at its own
        "tempat": entry.tempat or (d.ditetapkan.tempat if own else None),
    }
    if entry.penandatangan_nama is not None:
        data["penandatangan"]["nama"] = entry.penandatangan_nama
    if entry.penandatangan_jabatan or defaults.penandatangan_jabatan:
        data["penandatangan"]["jabatan"] = entry.penandatangan_jabatan or defaults.penandatangan_jabatan
    pengesah = data["pengesah_salinan"]
    unit = entry.pengesah_unit or defaults.pengesah_unit
    pengesah["unit"] = _fill(unit, values) if unit else rename(pengesah["unit"])
    if entry.pengesah_nama is not None:
        pengesah["nama"] = entry.pengesah_nama
        pengesah["nip"] = entry.pengesah_nip  # the base official's NIP never goes with another name
    elif entry.pengesah_nip is not None:
        pengesah["nip"] = entry.pengesah_nip
    if entry.pengesah_jabatan or defaults.pengesah_jabatan:
        pengesah["jabatan"] = entry.pengesah_jabatan or defaults.pengesah_jabatan
    try:
        decree = Decree.model_validate(data, context=printable.context(d.profil.font))
    except ValidationError as exc:  # a value made for this office (a renamed text grown too long...)
        raise DataError(pydantic_problems(exc, lambda loc: _entry_place(batch, office, loc))) from None
    missing = decree.missing_number_parts()
    if missing:
        raise DataError([problem("office.number_part", here, part=missing[0], kode=office.kode)])

    tables = list(base.tables)
    for index, changes in _changes_by_lampiran(base, entry.rencana_aksi, office, path, lines, prefix).items():
        plan = tables[index]
        assert isinstance(plan, RencanaAksi)  # _changes_by_lampiran: monthly plans only
        tables[index] = apply_changes(plan, changes, path, lines, prefix)
    tables = [
        _rename_table(t, rename) if isinstance(t, Tabel) else _rename_plan(t, rename) if t is not None else t
        for t in tables
    ]
    return Case(
        name=office.folder,
        directory=base.directory,
        decree=decree,
        mengingat=base.mengingat,
        tables=tuple(tables),
        sources=tuple(dict.fromkeys(tuple(base.sources) + (batch.file.resolve(),))),
        form=base.form,
    )


def _entry_place(batch: Batch, office: Office, loc: tuple) -> Place:
    """Where a field of an office's entry is: its YAML key (the nearest line known), or the
    office's row of the Kantor sheet."""
    if batch.lines:
        return key_place(batch.file, ("kantor", office.index, *loc), batch.lines)
    return _sheet_place(batch.file, ("kantor", office.index, *loc[:1]))


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)}", lambda m: values.get(m.group(1), m.group(0)), template)


def _renamer(base_name: str, extra: dict[str, str], values: dict[str, str]):
    """Function that rewrites the base office's names in a text with this office's."""
    mapping = {base_name: values["nama"]}
    for source, target in extra.items():
        mapping[source] = _fill(target, values)
    sources = sorted(mapping, key=len, reverse=True)  # longest first: the full name before a short form
    pattern = re.compile("|".join(re.escape(s) for s in sources))

    def rename(text: str | None) -> str | None:
        if not text:
            return text
        return pattern.sub(lambda m: mapping[m.group(0)], text)

    return rename


def _rename_lampiran(spec: dict, rename) -> None:
    """A lampiran's title, members and prose with the office's names (its columns' headings stay)."""
    spec["judul"] = rename(spec["judul"])
    for member in spec.get("anggota") or []:
        for key in ("nama", "jabatan", "kedudukan"):
            member[key] = rename(member[key])
    for block in spec.get("isi") or []:
        for key, value in block.items():
            if isinstance(value, str):
                block[key] = rename(value)
            elif isinstance(value, list):
                block[key] = [rename(item) for item in value]


def _rename_table(table: Tabel, rename) -> Tabel:
    return Tabel(tuple(replace(row, values=tuple(rename(v) or "" for v in row.values)) for row in table.rows))


def _rename_plan(plan: RencanaAksi, rename) -> RencanaAksi:
    return RencanaAksi(
        tuple(
            Area(
                rename(a.nama),
                tuple(
                    Kegiatan(
                        rename(k.nama),
                        tuple(
                            replace(
                                s, teks=rename(s.teks), indikator=rename(s.indikator), keterangan=rename(s.keterangan)
                            )
                            for s in k.sub_kegiatan
                        ),
                    )
                    for k in a.kegiatan
                ),
            )
            for a in plan.areas
        )
    )


# ---------------------------------------------------------------- plan changes


def _letter_index(letter: str) -> int:
    letter = letter.strip().rstrip(".").lower()
    index = 0
    for ch in letter:
        index = index * 26 + (ord(ch) - ord("a") + 1)
    return index - 1


def _changes_by_lampiran(
    base: Case, changes: list[PlanChange], office: Office, path: Path, lines: dict[tuple, int], prefix: tuple
) -> dict[int, list[tuple[int, PlanChange]]]:
    """An office's plan changes by the lampiran they change (its index), each with its position
    in the office's list; DataError naming every change whose lampiran is missing or no plan."""
    by_index: dict[int, list[tuple[int, PlanChange]]] = {}
    problems: list[Problem] = []
    specs = base.lampiran
    for n, change in enumerate(changes):
        if change.lampiran is None:
            index = base.plan_index
            if index is None:
                raise DataError([problem("office.no_plan", office.place, kode=office.kode)])
        else:
            where = key_place(path, prefix + ("rencana_aksi", n, "lampiran"), lines)
            found = _lampiran_index(base, change.lampiran)
            if found is None:
                code = "change.no_lampiran" if specs else "change.no_lampiran_none"
                problems.append(problem(code, where, ref=str(change.lampiran), known=_lampiran_names(base)))
                continue
            index = found
            if not isinstance(base.tables[index], RencanaAksi):
                plans = [i for i, t in enumerate(base.tables) if isinstance(t, RencanaAksi)]
                problems.append(
                    problem(
                        "change.not_a_plan" if plans else "change.not_a_plan_none",
                        where,
                        ref=str(change.lampiran),
                        name=numbering.lampiran_name(index, len(specs)),
                        kind=specs[index].preset or specs[index].jenis,
                        plans=", ".join(numbering.lampiran_name(i, len(specs)) for i in plans),
                    )
                )
                continue
        by_index.setdefault(index, []).append((n, change))
    if problems:
        raise DataError(problems)
    return by_index


def _lampiran_index(base: Case, ref: int | str) -> int | None:
    """The index of the base case's lampiran that `ref` names: its number (2, "2", "II",
    "Lampiran II"), else its sheet or its title (case and spaces aside); None if none."""
    count = len(base.lampiran)
    text = " ".join(str(ref).split()).casefold()
    numeral = text.removeprefix("lampiran").strip()
    numbers = {str(i): i for i in range(1, count + 1)} | {numbering.roman(i).casefold(): i for i in range(1, count + 1)}
    if isinstance(ref, int) or numeral in numbers:
        number = ref if isinstance(ref, int) else numbers[numeral]
        return number - 1 if 1 <= number <= count else None
    for i, spec in enumerate(base.lampiran):
        if text in (" ".join(spec.sheet_name(i).split()).casefold(), " ".join(spec.judul.split()).casefold()):
            return i
    return None


def _lampiran_names(base: Case) -> str:
    """The base case's lampiran as a change may name them: 'Lampiran I = 1 "Rencana Aksi …"; …'."""
    count = len(base.lampiran)

    def short(title: str) -> str:
        return title if len(title) <= 60 else title[:57].rsplit(" ", 1)[0] + " …"

    return "; ".join(
        f'{numbering.lampiran_name(i, count)} = {i + 1} "{short(spec.judul)}"' for i, spec in enumerate(base.lampiran)
    )


def apply_changes(
    plan: RencanaAksi, changes: list[tuple[int, PlanChange]], path: Path, lines: dict[tuple, int], prefix: tuple
) -> RencanaAksi:
    """The base plan with an office's changes (each with its position in the office's list, for
    its place). Rows are named as in the base plan (its letters), whatever the other changes do;
    every problem is reported with its place."""
    # mutable copy: [area, [[kegiatan, [rows]]]] with rows as dicts
    areas: list[list[Any]] = [
        [a.nama, [[k.nama, [dict(sub=s, drop=False, after=[]) for s in k.sub_kegiatan]] for k in a.kegiatan]]
        for a in plan.areas
    ]
    problems: list[Problem] = []
    for n, change in changes:
        where = key_place(path, prefix + ("rencana_aksi", n), lines)
        target = change.target
        if change.action == "tambah":
            _add(areas, change, where, problems)
            continue
        found = _find(areas, target, where, problems)
        if found is None:
            continue
        kegiatan, rows = found
        if target.huruf is None and len(rows) > 1:
            problems.append(problem("change.which_row", where, kegiatan=kegiatan, n=len(rows)))
            continue
        index = _letter_index(target.huruf) if target.huruf else 0
        if not 0 <= index < len(rows):
            last = chr(ord("a") + len(rows) - 1)
            problems.append(problem("change.no_letter", where, kegiatan=kegiatan, letter=target.huruf, last=last))
            continue
        row = rows[index]
        if change.action == "hapus":
            row["drop"] = True
        else:
            sub = row["sub"]
            row["sub"] = replace(
                sub,
                teks=change.sub_kegiatan if change.sub_kegiatan is not None else sub.teks,
                indikator=change.indikator if change.indikator is not None else sub.indikator,
                bulan=frozenset(change.bulan) if change.bulan is not None else sub.bulan,
                keterangan=change.keterangan if change.keterangan is not None else sub.keterangan,
                source=f"{where.render('en')} (ubah)",
            )
    if problems:
        raise DataError(problems)

    new_areas = []
    for area_name, kegiatan_list in areas:
        new_kegiatan = []
        for kegiatan_name, rows in kegiatan_list:
            subs: list[SubKegiatan] = []
            carried: str | None = None  # indikator of a dropped row that covered the rows below it
            for row in rows:
                sequence = [] if row["drop"] else [row["sub"]]
                sequence += row["after"]
                if row["drop"] and row["sub"].indikator is not None:
                    carried = row["sub"].indikator
                for sub in sequence:
                    if carried is not None and sub.indikator is None:
                        sub = replace(sub, indikator=carried)
                    carried = None
                    subs.append(sub)
            if subs and subs[0].indikator is None:
                subs[0] = replace(subs[0], indikator=_first_indikator(rows))
            if subs:
                new_kegiatan.append(Kegiatan(kegiatan_name, tuple(subs)))
        if new_kegiatan:
            new_areas.append(Area(area_name, tuple(new_kegiatan)))
    if not new_areas:
        raise DataError([problem("change.drops_all", key_place(path, prefix + ("rencana_aksi",), lines))])
    return RencanaAksi(tuple(new_areas))


def _first_indikator(rows: list[dict]) -> str | None:
    for row in rows:
        if row["sub"].indikator is not None:
            return row["sub"].indikator
    return None


def _find(areas: list, target: Target, where: Place, problems: list[Problem]):
    """(kegiatan name, rows) of the target's kegiatan, or None with a problem recorded."""
    candidates = [
        (a_name, k)
        for a_name, kegiatan in areas
        for k in kegiatan
        if k[0] == target.kegiatan and (target.area is None or a_name == target.area)
    ]
    if not candidates:
        names = [k[0] for a_name, kegiatan in areas for k in kegiatan if target.area in (None, a_name)]
        guess = difflib.get_close_matches(target.kegiatan, names, n=1, cutoff=0.5)
        code = "change.no_kegiatan" + ("_area" if target.area else "") + ("" if guess else "_noguess")
        params = {"kegiatan": target.kegiatan, "area": target.area, "guess": guess[0] if guess else None}
        problems.append(problem(code, where, **{k: v for k, v in params.items() if v is not None}))
        return None
    if len(candidates) > 1:
        problems.append(problem("change.several_areas", where, kegiatan=target.kegiatan))
        return None
    return candidates[0][1][0], candidates[0][1][1]


def _add(areas: list, change: PlanChange, where: Place, problems: list[Problem]) -> None:
    target = change.target
    assert change.sub_kegiatan is not None  # PlanChange: tambah needs it
    sub = SubKegiatan(
        teks=change.sub_kegiatan,
        indikator=change.indikator,
        bulan=frozenset(change.bulan or ()),
        keterangan=change.keterangan or "",
        source=f"{where.render('en')} (tambah)",
    )
    if target.area is None:
        found = _find(areas, target, where, problems)
        if found is None:
            return
        rows = found[1]
    else:
        area = next((a for a in areas if a[0] == target.area), None)
        if area is None:  # a new area, at the end of the table
            if change.indikator is None:
                problems.append(problem("change.needs_indikator", where))
                return
            areas.append([target.area, [[target.kegiatan, [dict(sub=sub, drop=False, after=[], new=True)]]]])
            return
        kegiatan = next((k for k in area[1] if k[0] == target.kegiatan), None)
        if kegiatan is None:  # a new kegiatan, at the end of its area
            if change.indikator is None:
                problems.append(problem("change.needs_indikator", where))
                return
            if target.setelah is not None:
                problems.append(problem("change.setelah_new", where, kegiatan=target.kegiatan, area=target.area))
                return
            area[1].append([target.kegiatan, [dict(sub=sub, drop=False, after=[], new=True)]])
            return
        rows = kegiatan[1]
    if target.setelah is None:
        rows[-1]["after"].append(sub)  # at the end of the kegiatan
        return
    base_rows = [r for r in rows if not r.get("new")]  # letters are those of the base plan
    index = _letter_index(target.setelah)
    if not 0 <= index < len(base_rows):
        if base_rows:
            last = chr(ord("a") + len(base_rows) - 1)
            problems.append(
                problem("change.no_letter", where, kegiatan=target.kegiatan, letter=target.setelah, last=last)
            )
        else:
            problems.append(problem("change.no_letter_new", where, kegiatan=target.kegiatan, letter=target.setelah))
        return
    base_rows[index]["after"].append(sub)
