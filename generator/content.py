"""The content of a case as plain data, independent of its form (YAML or workbook).

One canonical dict holds everything staff typed: it is what a revision keeps as its snapshot,
what `diff` compares, what decides whether a rebuild changed anything, and what a conversion
between forms must preserve.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .model import Case, KantorBatch, RencanaAksi

# File references of the YAML form: where things are stored, not what the decree says.
FORM_FIELDS = {"rencana_aksi", "dasar_hukum", "mengingat"}
STORAGE = {"data", "sheet"}  # of a lampiran: where its rows are typed, not what it says


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decree_dict(case: Case) -> dict[str, Any]:
    """The decree's typed values (JSON types), without the form's file references.

    The lampiran are given as a list (`lampiran`: each one's declaration, members and prose,
    without where its rows are stored), except when the one lampiran is the monthly plan with
    its defaults: then as every case was written before the list, by its title alone
    (`judul_lampiran`), whichever way it was typed, so its content is what it always was."""
    data = case.decree.model_dump(mode="json", exclude=FORM_FIELDS | {"lampiran", "judul_lampiran"})
    if case.decree.only_plan:
        data["judul_lampiran"] = case.lampiran[0].judul
    else:
        data["lampiran"] = [spec.model_dump(mode="json", exclude_none=True, exclude=STORAGE) for spec in case.lampiran]
    return data


def plan_rows(case: Case, plan: RencanaAksi | None = None) -> list[dict[str, Any]]:
    """One dict per sub-kegiatan of the monthly plan (the first, or `plan`), as typed:
    `indikator` None means 'covered by the row above'."""
    rows = []
    for area in (plan or case.plan).areas:
        for kegiatan in area.kegiatan:
            for sub in kegiatan.sub_kegiatan:
                rows.append(
                    {
                        "area": area.nama,
                        "kegiatan": kegiatan.nama,
                        "sub_kegiatan": sub.teks,
                        "indikator": sub.indikator,
                        "bulan": sorted(sub.bulan),
                        "keterangan": sub.keterangan,
                    }
                )
    return rows


def other_tables(case: Case) -> list[dict[str, Any]]:
    """The rows of every table lampiran but the (first) monthly plan: by lampiran number, a
    declared table's rows by their sheet headers, another monthly plan's as `plan_rows`."""
    out: list[dict[str, Any]] = []
    for index, (spec, table) in enumerate(zip(case.lampiran, case.tables)):
        if index == case.plan_index or table is None:
            continue
        if isinstance(table, RencanaAksi):
            out.append({"lampiran": index + 1, "rencana_aksi": plan_rows(case, table)})
        else:
            headers = [h for column in spec.columns for h in column.sheet_headers]
            out.append({"lampiran": index + 1, "baris": [dict(zip(headers, row.values)) for row in table.rows]})
    return out


def case_content(case: Case) -> dict[str, Any]:
    content = {
        "keputusan": decree_dict(case),
        "mengingat": [{"kunci": key, "teks": text} for key, text in zip(case.decree.mengingat, case.mengingat)],
        "rencana_aksi": plan_rows(case),
        "kantor_batch": [office.model_dump(mode="json", exclude_none=True) for office in case.offices],
    }
    tables = other_tables(case)
    if tables:  # a case of one plan keeps the content it always had
        content["tabel_lampiran"] = tables
    return content


def printed_content(content: dict[str, Any]) -> dict[str, Any]:
    """What a build of the case prints: the content without Mengingat keys and batch offices."""
    printed = {
        "keputusan": content["keputusan"],
        "mengingat": [m["teks"] for m in content["mengingat"]],
        "rencana_aksi": content["rencana_aksi"],
    }
    if content.get("tabel_lampiran"):
        printed["tabel_lampiran"] = content["tabel_lampiran"]
    return printed


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(printed_content(content)).encode("utf-8")).hexdigest()


def office_dicts(offices: tuple[KantorBatch, ...]) -> list[dict[str, Any]]:
    return [o.model_dump(mode="json", exclude_none=True) for o in offices]
