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

from .model import Case, KantorBatch

# File references of the YAML form: where things are stored, not what the decree says.
FORM_FIELDS = {"rencana_aksi", "dasar_hukum", "mengingat"}


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decree_dict(case: Case) -> dict[str, Any]:
    """The decree's typed values (JSON types), without the form's file references."""
    return case.decree.model_dump(mode="json", exclude=FORM_FIELDS)


def plan_rows(case: Case) -> list[dict[str, Any]]:
    """One dict per sub-kegiatan, as typed: `indikator` None means 'covered by the row above'."""
    rows = []
    for area in case.plan.areas:
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


def case_content(case: Case) -> dict[str, Any]:
    return {
        "keputusan": decree_dict(case),
        "mengingat": [{"kunci": key, "teks": text} for key, text in zip(case.decree.mengingat, case.mengingat)],
        "rencana_aksi": plan_rows(case),
        "kantor_batch": [office.model_dump(mode="json", exclude_none=True) for office in case.offices],
    }


def printed_content(content: dict[str, Any]) -> dict[str, Any]:
    """What a build of the case prints: the content without Mengingat keys and batch offices."""
    return {
        "keputusan": content["keputusan"],
        "mengingat": [m["teks"] for m in content["mengingat"]],
        "rencana_aksi": content["rencana_aksi"],
    }


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(printed_content(content)).encode("utf-8")).hexdigest()


def office_dicts(offices: tuple[KantorBatch, ...]) -> list[dict[str, Any]]:
    return [o.model_dump(mode="json", exclude_none=True) for o in offices]
