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
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from . import limits, printable
from .content import STORAGE
from .errors import DataError, Problem
from .messages import Place, os_reason, problem, yaml_reason
from .model import MAX_TEXT, TABLES_FILE, Case, Decree, KantorBatch, LampiranSpec, RencanaAksi, TableData
from .schema import PLAN_SHEET
from .sheets import find_sheet, open_workbook, plan_from_sheet, table_from_sheet
from .validation import pydantic_problems, visible
from .workbook_writer import build_plan_workbook, build_tables_workbook, sheet_names

DECREE_FILE = "keputusan.yaml"
OFFICES_FILE = "daftar-kantor.yaml"
LIBRARY_FILE = "dasar-hukum.yaml"
PLAN_FILE = "rencana-aksi.xlsx"


# ---------------------------------------------------------------- YAML files


try:
    from yaml._yaml import CParser as _Events  # libyaml (in PyYAML's wheels): 6x faster than Python's parser
except ImportError:  # a PyYAML built without libyaml

    class _Events(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _Loader(Composer, _Events, SafeConstructor, Resolver):
    """A safe loader (PyYAML's SafeLoader, with libyaml's parser when there is one) that leaves
    dates as text (pydantic parses them and names an impossible date, 2022-02-30, by its key,
    where PyYAML would crash while reading), and that bounds what a small file can make it
    build: nesting deeper than `limits.MAX_YAML_DEPTH`, an alias to the value it is inside, or
    more than `limits.MAX_YAML_NODES` values once every alias is counted as the whole value it
    repeats (nine nested aliases of nine make a billion) are refused while composing — in
    Python, whatever the parser — before anything walks the data."""

    def __init__(self, stream: str):
        _Events.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0
        self.expanded = 0  # values composed so far, each alias counted as what it repeats
        self.sizes: dict[int, int] = {}  # id(node) -> its size with aliases expanded (anchored nodes)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event: Any = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None:
                if target.end_mark is None:  # still being composed: the alias is inside its own value
                    raise _Refused("yaml.alias_recursive", event.start_mark, anchor=event.anchor)
                self._count(self._size(target), event.start_mark)
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > limits.MAX_YAML_DEPTH:
                raise _Refused("yaml.too_deep", event.start_mark, max=limits.MAX_YAML_DEPTH)
            self._count(1, event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _count(self, n: int, mark: Any) -> None:
        self.expanded += n
        if self.expanded > limits.MAX_YAML_NODES:
            raise _Refused("yaml.too_many_nodes", mark, max=limits.MAX_YAML_NODES)

    def _size(self, node: Any) -> int:
        """Values in `node` with aliases expanded; remembered, so shared values are counted once
        each time they are reached, not walked again (and the walk is as deep as the file)."""
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            size = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
        else:
            size = 1
        size = min(size, limits.MAX_YAML_NODES + 1)
        self.sizes[id(node)] = size
        return size


# Whole numbers in decimal only: YAML 1.1 reads 017 as octal 15 (and 1:30 as 90), so a code or
# sequence number with a leading zero would print as another number; here it stays the text 017.
_DECIMAL = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, _DECIMAL if tag == "tag:yaml.org,2002:int" else regexp)
        for tag, regexp in resolvers
        if tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}


class _Refused(Exception):
    """A limit of the YAML reader was passed at `mark`: the problem's code and parameters."""

    def __init__(self, code: str, mark: Any, **params: Any):
        super().__init__(code)
        self.code, self.mark, self.params = code, mark, params


def read_yaml(path: Path) -> tuple[Any, dict[tuple, int]]:
    """Parse a YAML file; return the data and a map from key path to 1-based line number.

    Bounded (`limits`): a file larger than MAX_YAML_BYTES, or not a regular file, is refused
    before it is read; nesting and aliases while it is composed (`_Loader`)."""
    try:
        text = limits.read_bytes(path, limits.MAX_YAML_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise DataError([problem("file.not_utf8", Place(str(path)))]) from None
    except OSError as exc:
        raise DataError([problem("file.unreadable", Place(str(path)), reason=os_reason(exc))]) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()  # composed once; the data is constructed from the same nodes
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise DataError([problem(exc.code, Place(str(path), line=exc.mark.line + 1), **exc.params)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = Place(str(path), line=mark.line + 1 if mark else None)
        said = getattr(exc, "problem", None) or str(exc)
        raise DataError(
            [problem("yaml.syntax", place, detail=yaml_reason(said, getattr(exc, "context", None)))]
        ) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    _index_lines(node, (), lines, set())
    return data, lines


def _index_lines(node: Any, path: tuple, lines: dict[tuple, int], seen: set[int]) -> None:
    """Lines of the keys, each node visited once: a value an alias repeats is indexed where it
    was written, not again at each alias (which would walk the expanded data)."""
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            lines[child] = key.start_mark.line + 1
            _index_lines(value, child, lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _index_lines(value, path + (i,), lines, seen)


def key_place(path: Path, loc: tuple, lines: dict[tuple, int]) -> Place:
    """The Place of a key path in a YAML file: the key as written, and its line (or the nearest
    line known above it, for a key that is missing)."""
    key = ".".join(visible(str(part)) if not isinstance(part, int) else f"[{part + 1}]" for part in loc)
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
    font = printable.font_of(raw)  # every text must be printable with the case's font
    try:
        decree = Decree.model_validate(raw, context=printable.context(font))
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, placer))
        decree = None
    if decree is not None:
        for part in decree.missing_number_parts():
            if part == "kode_wilayah":  # a national body has none: the format is what is wrong
                problems.append(
                    problem("nomor.no_region_code", placer(("nomor", "format")), label="kantor.kode_wilayah")
                )
            else:
                problems.append(problem("nomor.part_missing", placer(("nomor",)), part=part, label=f"nomor.{part}"))

    mengingat: tuple[str, ...] = ()
    sources = [decree_path]
    # Read the library and the tables even when the decree has problems, so one run reports all.
    library_ref = raw.get("dasar_hukum", Decree.model_fields["dasar_hukum"].default)
    if isinstance(library_ref, str):
        library_path = case_dir / library_ref
        mengingat = _resolve_mengingat(raw.get("mengingat"), library_path, decree_path, lines, problems, font)
        sources.append(library_path)
    specs = decree.daftar_lampiran if decree is not None else _specs_as_typed(case_dir, raw, font)
    tables, table_files = read_tables(case_dir, specs, problems, font, decree_path, lines)
    sources += table_files
    offices: tuple[KantorBatch, ...] = ()
    offices_path = case_dir / OFFICES_FILE
    if offices_path.is_file():
        offices = read_offices_yaml(offices_path, problems, font)
        sources.append(offices_path)
    if problems:
        raise DataError(problems)
    assert decree is not None
    return Case(
        name=case_dir.resolve().name,
        directory=case_dir,
        decree=decree,
        mengingat=mengingat,
        tables=tables,
        sources=tuple(dict.fromkeys(p.resolve() for p in sources)),
        offices=offices,
        form="yaml",
    )


def _specs_as_typed(case_dir: Path, raw: dict, font: str) -> tuple[LampiranSpec | None, ...]:
    """The lampiran of a decree that did not validate, as far as each can be read, so that the
    tables' own problems are reported in the same run (None: a lampiran whose declaration has
    problems of its own)."""
    listed = raw.get("lampiran")
    if isinstance(listed, list):
        specs: list[LampiranSpec | None] = []
        for item in listed:
            try:
                specs.append(LampiranSpec.model_validate(item, context=printable.context(font)))
            except ValidationError:
                specs.append(None)
        return tuple(specs)
    plan_ref = raw.get("rencana_aksi") or PLAN_FILE
    # a case from before the list: its plan, unless it has none at all (neither named nor there)
    if listed is None and isinstance(plan_ref, str) and ("rencana_aksi" in raw or (case_dir / plan_ref).exists()):
        return (LampiranSpec.model_construct(judul="-", jenis="tabel", data=plan_ref, sheet=PLAN_SHEET),)
    return ()


def read_tables(
    case_dir: Path,
    specs: tuple[LampiranSpec | None, ...],
    problems: list[Problem],
    font: str,
    decree_path: Path | None = None,
    lines: dict[tuple, int] | None = None,
) -> tuple[tuple[TableData | None, ...], list[Path]]:
    """The rows of each table lampiran, from the workbook and sheet it names (each workbook
    opened once); the workbooks read."""
    books: dict[Path, object] = {}
    tables: list[TableData | None] = []
    used: dict[tuple[Path, str], int] = {}  # (workbook, sheet) -> the lampiran that reads it
    for index, spec in enumerate(specs):
        if spec is None or spec.jenis != "tabel":
            tables.append(None)
            continue
        path = case_dir / spec.data_file()
        where = (path.resolve(), spec.sheet_name(index).casefold())
        if where in used:
            loc = ("lampiran", index, "sheet")
            place = key_place(decree_path, loc, lines) if decree_path and lines else Place(str(path))
            problems.append(problem("lampiran.sheet_twice", place, sheet=spec.sheet_name(index), n=used[where] + 1))
            tables.append(None)
            continue
        used[where] = index
        if path not in books:
            books[path] = open_workbook(path, problems)
        book = books[path]
        sheet = find_sheet(book, path, spec.sheet_name(index), problems) if book is not None else None
        if sheet is None:
            tables.append(RencanaAksi(()) if spec.is_plan else None)
        elif spec.is_plan:
            tables.append(plan_from_sheet(sheet, str(path), problems, font))
        else:
            tables.append(table_from_sheet(sheet, str(path), spec.columns, problems, font))
    return tuple(tables), list(books)


def read_offices_yaml(
    path: Path, problems: list[Problem], font: str = printable.DEFAULT_FONT
) -> tuple[KantorBatch, ...]:
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
    if len(items) > limits.MAX_OFFICES:
        problems.append(
            problem("kantor.too_many", key_place(path, ("kantor",), lines), n=len(items), max=limits.MAX_OFFICES)
        )
        return ()
    offices: list[KantorBatch] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        placer = lambda loc, i=i: key_place(path, ("kantor", i) + tuple(loc), lines)  # noqa: E731
        try:
            office = KantorBatch.model_validate(item, context=printable.context(font))
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
    keys: Any, library_path: Path, decree_path: Path, lines: dict[tuple, int], problems: list[Problem], font: str
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
        elif (unprintable := printable.problem_of(text.strip(), font)) is not None:
            problems.append(problem(unprintable[0], key_place(library_path, (key,), library_lines), **unprintable[1]))
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
    data = case.decree.model_dump(mode="python", exclude_none=True, exclude={"lampiran", "judul_lampiran"})
    data.pop("rencana_aksi", None)
    tables_book: Any = None
    if case.decree.only_plan:  # as every case was written before the list of lampiran
        data["judul_lampiran"] = case.lampiran[0].judul
        data["rencana_aksi"] = PLAN_FILE
        tables_file = PLAN_FILE
        tables_book = build_plan_workbook(case.plan)
    else:
        specs, tables = list(case.lampiran), list(case.tables)
        names = sheet_names(specs)
        data["lampiran"] = []
        for index, spec in enumerate(specs):
            entry = spec.model_dump(mode="python", exclude_none=True, exclude=STORAGE)
            if spec.jenis == "tabel":
                entry["data"], entry["sheet"] = TABLES_FILE, names[index]
            data["lampiran"].append(entry)
        tables_file = TABLES_FILE
        if any(spec.jenis == "tabel" for spec in specs):
            tables_book = build_tables_workbook(specs, tables, names)
    data["dasar_hukum"] = library_ref or LIBRARY_FILE
    if data.get("profil") == Decree.model_fields["profil"].default.model_dump(exclude_none=True):
        data["profil"] = {}
    data = {key: data[key] for key in Decree.model_fields if key in data}  # the keys in the model's order
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

    def write(folder: Path) -> None:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        if tables_book is not None:
            tables_book.save(folder / tables_file)

    return write


def _yaml_dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)
