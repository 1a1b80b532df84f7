"""The YAML form of a case: `keputusan.yaml`, a library of legal bases, a plan workbook.

A case folder of this form holds `keputusan.yaml` (the decree), names the plan workbook
(`rencana_aksi`, default rencana-aksi.xlsx) and the library of legal bases it cites from
(`dasar_hukum`, default ../dasar-hukum.yaml, shared by the cases beside it), and may list the
offices of a batch in `daftar-kantor.yaml`. Problems name the file, the key path and its line
(`keputusan.yaml, key nomor.format (line 9)`); the plan's name their cell.

`yaml_case_writer` writes a case in this form (for `cases.convert_case`).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import DataError, Problem
from .messages import Place, os_reason, problem, yaml_reason
from .model import MAX_TEXT, Case, Decree, KantorBatch, RencanaAksi
from .schema import PLAN_SHEET
from .sheets import find_sheet, open_workbook, plan_from_sheet
from .validation import pydantic_problems
from .workbook_writer import build_plan_workbook

DECREE_FILE = "keputusan.yaml"
OFFICES_FILE = "daftar-kantor.yaml"
LIBRARY_FILE = "dasar-hukum.yaml"
PLAN_FILE = "rencana-aksi.xlsx"


# ---------------------------------------------------------------- YAML files


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: pydantic parses them and names an impossible date
    (2022-02-30) by its key, where PyYAML would crash while reading."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> tuple[Any, dict[tuple, int]]:
    """Parse a YAML file; return the data and a map from key path to 1-based line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError([problem("file.not_utf8", Place(str(path)))]) from None
    except OSError as exc:
        raise DataError([problem("file.unreadable", Place(str(path)), reason=os_reason(exc))]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = Place(str(path), line=mark.line + 1 if mark else None)
        said = getattr(exc, "problem", None) or str(exc)
        raise DataError(
            [problem("yaml.syntax", place, detail=yaml_reason(said, getattr(exc, "context", None)))]
        ) from None
    lines: dict[tuple, int] = {}
    _index_lines(node, (), lines)
    return data, lines


def _index_lines(node: Any, path: tuple, lines: dict[tuple, int]) -> None:
    if node is None:
        return
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            lines[child] = key.start_mark.line + 1
            _index_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _index_lines(value, path + (i,), lines)


def key_place(path: Path, loc: tuple, lines: dict[tuple, int]) -> Place:
    """The Place of a key path in a YAML file: the key as written, and its line (or the nearest
    line known above it, for a key that is missing)."""
    key = ".".join(str(part) if not isinstance(part, int) else f"[{part + 1}]" for part in loc)
    key = key.replace(".[", "[")
    probe = tuple(loc)
    while probe and probe not in lines:
        probe = probe[:-1]
    return Place(str(path), key=key or None, line=lines.get(probe))


# ---------------------------------------------------------------- reading a case


def load_yaml_case(case_dir: Path) -> Case:
    """The YAML form: keputusan.yaml, the plan workbook it names and the library of legal bases."""
    decree_path = case_dir / DECREE_FILE
    raw, lines = read_yaml(decree_path)
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise DataError([problem("yaml.not_mapping", Place(str(decree_path)))])
    placer = lambda loc: key_place(decree_path, loc, lines)  # noqa: E731
    try:
        decree = Decree.model_validate(raw)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, placer))
        decree = None
    if decree is not None:
        for part in decree.missing_number_parts():
            problems.append(problem("nomor.part_missing", placer(("nomor",)), part=part, label=f"nomor.{part}"))

    mengingat: tuple[str, ...] = ()
    plan = RencanaAksi(())
    sources = [decree_path]
    # Read the library and plan even when the decree has problems, so one run reports all.
    library_ref = raw.get("dasar_hukum", Decree.model_fields["dasar_hukum"].default)
    plan_ref = raw.get("rencana_aksi", Decree.model_fields["rencana_aksi"].default)
    if isinstance(library_ref, str):
        library_path = case_dir / library_ref
        mengingat = _resolve_mengingat(raw.get("mengingat"), library_path, decree_path, lines, problems)
        sources.append(library_path)
    if isinstance(plan_ref, str):
        plan_path = case_dir / plan_ref
        plan = read_plan(plan_path, problems)
        sources.append(plan_path)
    offices: tuple[KantorBatch, ...] = ()
    offices_path = case_dir / OFFICES_FILE
    if offices_path.is_file():
        offices = read_offices_yaml(offices_path, problems)
        sources.append(offices_path)
    if problems:
        raise DataError(problems)
    assert decree is not None
    return Case(
        name=case_dir.resolve().name,
        directory=case_dir,
        decree=decree,
        mengingat=mengingat,
        plan=plan,
        sources=tuple(p.resolve() for p in sources),
        offices=offices,
        form="yaml",
    )


def read_plan(path: Path, problems: list[Problem]) -> RencanaAksi:
    """Read the plan sheet of the YAML form's plan workbook; append every problem (by cell)."""
    book = open_workbook(path, problems)
    if book is None:
        return RencanaAksi(())
    sheet = find_sheet(book, path, PLAN_SHEET, problems)
    if sheet is None:
        return RencanaAksi(())
    return plan_from_sheet(sheet, str(path), problems)


def read_offices_yaml(path: Path, problems: list[Problem]) -> tuple[KantorBatch, ...]:
    """daftar-kantor.yaml: `kantor:` a list of offices of a batch (model.KantorBatch)."""
    try:
        raw, lines = read_yaml(path)
    except DataError as exc:
        problems.extend(exc.problems)
        return ()
    items = raw.get("kantor") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        problems.append(problem("list.expected", key_place(path, ("kantor",), lines)))
        return ()
    offices: list[KantorBatch] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        placer = lambda loc, i=i: key_place(path, ("kantor", i) + tuple(loc), lines)  # noqa: E731
        try:
            office = KantorBatch.model_validate(item)
        except ValidationError as exc:
            problems.extend(pydantic_problems(exc, placer, KantorBatch))
            continue
        if office.kode_wilayah in seen:
            problems.append(
                problem(
                    "kantor.duplicate",
                    placer(("kode_wilayah",)),
                    kode=office.kode_wilayah,
                    first=seen[office.kode_wilayah],
                )
            )
        else:
            seen[office.kode_wilayah] = lines.get(("kantor", i, "kode_wilayah"), i + 1)
            offices.append(office)
    return tuple(offices)


def _resolve_mengingat(
    keys: Any, library_path: Path, decree_path: Path, lines: dict[tuple, int], problems: list[Problem]
) -> tuple[str, ...]:
    if not library_path.is_file():
        problems.append(
            problem("library.missing", key_place(decree_path, ("dasar_hukum",), lines), path=str(library_path))
        )
        return ()
    try:
        library, library_lines = read_yaml(library_path)
    except DataError as exc:
        problems.extend(exc.problems)
        return ()
    if not isinstance(library, dict):
        problems.append(problem("yaml.not_mapping", Place(str(library_path))))
        return ()
    for key, text in library.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(problem("library.citation_empty", key_place(library_path, (key,), library_lines)))
        elif len(text) > MAX_TEXT:
            problems.append(
                problem("text.too_long", key_place(library_path, (key,), library_lines), length=len(text), max=MAX_TEXT)
            )
    if not isinstance(keys, list):
        return ()  # the decree's own validation reports it
    texts = []
    for i, key in enumerate(keys):
        if not isinstance(key, str) or key not in library:
            place = key_place(decree_path, ("mengingat", i), lines)
            guess = difflib.get_close_matches(str(key), [str(k) for k in library], n=1)
            if guess:
                problems.append(problem("mengingat.unknown", place, key=key, library=library_path.name, guess=guess[0]))
            else:
                problems.append(problem("mengingat.unknown_noguess", place, key=key, library=library_path.name))
        elif isinstance(library[key], str):
            texts.append(library[key].strip().rstrip(";"))
    return tuple(texts)


# ---------------------------------------------------------------- writing a case


def yaml_case_writer(case: Case, dest: Path, library: Path | None = None) -> Callable[[Path], None]:
    """What writes `case` in the YAML form: a function that fills the empty folder that becomes
    `dest` (`cases` makes the folder, all or nothing).

    The citations go into the library `library` (default: ../dasar-hukum.yaml beside the
    case) when it already holds every key with the same text; otherwise into a library of
    the case's own, dest/dasar-hukum.yaml, so nothing shared is ever changed.
    """
    library = library or dest.parent / LIBRARY_FILE
    pairs = list(zip(case.decree.mengingat, case.mengingat))
    library_ref = None
    if library.is_file():
        try:
            existing, _ = read_yaml(library)
        except DataError:
            existing = None
        if isinstance(existing, dict) and all(
            isinstance(existing.get(k), str) and existing[k].strip().rstrip(";") == t for k, t in pairs
        ):
            library_ref = os.path.relpath(library, dest)
    data = case.decree.model_dump(mode="python", exclude_none=True)
    data["rencana_aksi"] = PLAN_FILE
    data["dasar_hukum"] = library_ref or LIBRARY_FILE
    if data.get("profil") == Decree.model_fields["profil"].default.model_dump(exclude_none=True):
        data["profil"] = {}
    header = (
        "# Keputusan dalam bentuk YAML (docs/data-format.md). Nomor, huruf, ordinal diktum, butir\n"
        "# Menimbang terakhir dan diktum penutup dihasilkan oleh alat, tidak diketik di sini.\n"
    )
    files = {DECREE_FILE: header + _yaml_dump(data)}
    if library_ref is None:
        files[LIBRARY_FILE] = (
            "# Pustaka dasar hukum (Mengingat) kasus ini: kunci -> kutipan lengkap tanpa ';'.\n"
            + _yaml_dump(dict(pairs))
        )
    if case.offices:
        files[OFFICES_FILE] = (
            "# Kantor-kantor dalam satu batch; isian yang tidak ditulis mengikuti keputusan.yaml.\n"
            + _yaml_dump({"kantor": [o.model_dump(mode="python", exclude_none=True) for o in case.offices]})
        )
    book = build_plan_workbook(case.plan)

    def write(folder: Path) -> None:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        book.save(folder / PLAN_FILE)

    return write


def _yaml_dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)
