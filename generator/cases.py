"""Make case folders: a new workbook case (`keputusan init`), or a case in the other form
(`keputusan convert`). A folder is made whole or not at all, and never over one that holds
something.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import OutputError
from .load import case_form, load_case
from .model import PRESETS, LampiranSpec, RencanaAksi, Tabel, TableData
from .schema import WORKBOOK_FILE
from .workbook_writer import WorkbookContent, starter_lampiran, write_workbook
from .yaml_form import yaml_case_writer


def init_case(dest: Path, source: Path | None = None, lampiran: tuple[str, ...] | None = None) -> Path:
    """A new case in the workbook form at `dest`: a starter, or filled from the case `source`
    (either form), so that next year's decree starts from this year's.

    `lampiran`: the starter's lampiran, in order, each a table preset's name, `tabel` (a table
    of its own columns), `anggota`, `prosa`, or `tanpa` for none; by default one monthly plan."""
    if source is not None:
        content = WorkbookContent.from_case(load_case(source))
    elif lampiran:
        specs = [_starter(kind) for kind in lampiran if kind != "tanpa"]
        content = WorkbookContent(lampiran=specs, tables=[_empty_table(spec) for spec in specs])
    else:
        content = WorkbookContent()
    return write_workbook_case(content, Path(dest))


def _starter(kind: str) -> LampiranSpec:
    if kind in PRESETS:
        return starter_lampiran("tabel", kind)
    if kind == "tabel":
        return starter_lampiran("tabel", None)
    return starter_lampiran("anggota" if kind == "anggota" else "prosa")


def _empty_table(spec: LampiranSpec) -> TableData | None:
    if spec.jenis != "tabel":
        return None
    return RencanaAksi(()) if spec.is_plan else Tabel(())


def convert_case(source: Path, dest: Path, to: str | None = None, library: Path | None = None) -> str:
    """Write the case `source` into the new folder `dest` in the other form (or the form `to`:
    'workbook' or 'yaml'); returns the form written. The source is validated first and left as it is."""
    case = load_case(source)
    to = to or ("yaml" if case_form(source) == "workbook" else "workbook")
    dest = Path(dest)
    if to == "workbook":
        write_workbook_case(WorkbookContent.from_case(case), dest)
    else:
        new_folder(dest, yaml_case_writer(case, dest, library))
    return to


def write_workbook_case(content: WorkbookContent, dest: Path) -> Path:
    """Write a case in the workbook form into the (new, empty) folder `dest`."""
    new_folder(dest, lambda folder: write_workbook(content, folder / WORKBOOK_FILE))
    return dest / WORKBOOK_FILE


def new_folder(dest: Path, fill: Callable[[Path], object]) -> None:
    """Fill a private folder beside `dest`, then rename it into place: all or nothing, and never
    over a folder that already holds something."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise OutputError("output.case_exists", path=dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        fill(work)
        if dest.exists():
            dest.rmdir()  # empty (checked above)
        os.rename(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
