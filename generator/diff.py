"""What changed between two revisions of a case, in human terms.

Compares the input snapshots the revisions keep (`masukan/data.json`): decree values by their
workbook labels, Menimbang and Diktum items, Mengingat citations, and the plan: areas and
kegiatan renamed, rows added, removed, moved or reworded (with the words that changed),
indikator and keterangan changed, months moved. `render_text` writes it for the terminal;
`write_pdf` writes the same as a "daftar perubahan" for reviewers (python-docx, then
LibreOffice).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from . import numbering
from .messages import Lang, say
from .model import PERIODS, PRESET_BULANAN, PRESETS, Kolom
from .numbering import BULAN

Row = TypeVar("Row")  # a row of the monthly plan (dict) or of a declared table (_Row)

Words = list[tuple[str, str]]  # ("=", "same words"), ("-", "removed words"), ("+", "added words")


@dataclass
class Change:
    section: str  # keputusan, mengingat, lampiran, rencana, kantor
    kind: str  # changed, added, removed, reworded, months, renamed, moved, indikator, keterangan
    subject: str  # what changed: a label, or where a plan row is
    old: str = ""
    new: str = ""
    words: Words = field(default_factory=list)


@dataclass
class Comparison:
    case: str
    old_rev: str
    new_rev: str
    old_info: dict[str, Any]
    new_info: dict[str, Any]
    changes: list[Change]


def word_diff(old: str, new: str) -> Words:
    a, b = old.split(), new.split()
    out: Words = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(("-", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("+", " ".join(b[j1:j2])))
    return out


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a.casefold().split(), b=b.casefold().split(), autojunk=False).ratio()


# ---------------------------------------------------------------- comparing snapshots


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    changes += _compare_decree(old.get("keputusan", {}), new.get("keputusan", {}))
    changes += _compare_mengingat(old.get("mengingat", []), new.get("mengingat", []))
    changes += _compare_lampiran(old, new)
    changes += _compare_plan(old.get("rencana_aksi", []), new.get("rencana_aksi", []))
    changes += _compare_offices(old.get("kantor_batch", []), new.get("kantor_batch", []))
    return changes


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _compare_decree(old: dict, new: dict) -> list[Change]:
    from .schema import DECREE_FIELDS, value_at

    changes = []
    for spec in DECREE_FIELDS:
        a, b = value_at(old, spec.path), value_at(new, spec.path)
        if spec.kind == "list":
            changes += _compare_items("keputusan", spec.label, a or [], b or [])
        elif a != b:
            changes.append(
                Change(
                    "keputusan",
                    "changed",
                    spec.label,
                    _text(a),
                    _text(b),
                    word_diff(_text(a), _text(b)) if spec.kind == "long" else [],
                )
            )
    return changes


def _compare_items(section: str, label: str, old: list[str], new: list[str]) -> list[Change]:
    """Numbered items (Menimbang, Diktum, Mengingat): added, removed, reworded, by position."""
    changes = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        while olds and news and (op == "replace") and _similar(old[olds[0]], new[news[0]]) >= 0.5:
            i, j = olds.pop(0), news.pop(0)
            changes.append(Change(section, "reworded", f"{label} {j + 1}", old[i], new[j], word_diff(old[i], new[j])))
        changes += [Change(section, "removed", f"{label} {i + 1}", old=old[i]) for i in olds]
        changes += [Change(section, "added", f"{label} {j + 1}", new=new[j]) for j in news]
    return changes


def _compare_mengingat(old: list[dict], new: list[dict]) -> list[Change]:
    return _compare_items("mengingat", "Mengingat", [m["teks"] for m in old], [m["teks"] for m in new])


def _renames(old: list[str], new: list[str]) -> dict[str, str]:
    """Names replaced one for one at the same place in the sequence: renamed, not removed + added."""
    renames = {}
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            renames.update({old[i]: new[j] for i, j in zip(range(i1, i2), range(j1, j2))})
    return renames


def _unique(seq) -> list:
    seen, out = set(), []
    for item in seq:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _months(months: list[int]) -> str:
    return ", ".join(BULAN[m - 1] for m in months) or "-"


def _row_place(row: dict, area_numbers: dict[str, int]) -> str:
    number = area_numbers.get(row["area"])
    area = f"Area {number}" if number else row["area"]
    return f"{area} › {row['kegiatan']} › {row['sub_kegiatan']}"


def _group_place(row: dict, area_numbers: dict[str, int]) -> str:
    """Area and kegiatan of a row: where a row was added, removed or reworded."""
    return _row_place(row, area_numbers).rsplit(" › ", 1)[0]


def _compare_plan(old: list[dict], new: list[dict]) -> list[Change]:
    changes: list[Change] = []
    new_numbers = {a: i for i, a in enumerate(_unique(r["area"] for r in new), start=1)}
    old_numbers = {a: i for i, a in enumerate(_unique(r["area"] for r in old), start=1)}
    # areas renamed
    area_renames = _renames(_unique(r["area"] for r in old), _unique(r["area"] for r in new))
    for a, b in area_renames.items():
        changes.append(Change("rencana", "renamed", f"Area {new_numbers[b]}", a, b, word_diff(a, b)))
    old = [dict(r, area=area_renames.get(r["area"], r["area"])) for r in old]
    old_numbers = {a: i for i, a in enumerate(_unique(r["area"] for r in old), start=1)}
    # kegiatan renamed, within each area
    for area in _unique(r["area"] for r in new):
        before = _unique(r["kegiatan"] for r in old if r["area"] == area)
        after = _unique(r["kegiatan"] for r in new if r["area"] == area)
        renames = _renames(before, after)
        for a, b in renames.items():
            changes.append(Change("rencana", "renamed", f"Area {new_numbers[area]} › Kegiatan", a, b, word_diff(a, b)))
        old = [dict(r, kegiatan=renames.get(r["kegiatan"], r["kegiatan"])) if r["area"] == area else r for r in old]
    # rows
    pairs, moved, removed, added = _align(
        old, new, group=lambda r: (r["area"], r["kegiatan"]), text=lambda r: r["sub_kegiatan"]
    )
    for o, same in moved:
        changes.append(
            Change(
                "rencana",
                "moved",
                _row_place(same, new_numbers),
                f"{o['area']} › {o['kegiatan']}",
                f"{same['area']} › {same['kegiatan']}",
            )
        )
    for o, n in pairs:
        place = _row_place(n, new_numbers)
        if o["sub_kegiatan"] != n["sub_kegiatan"]:
            changes.append(
                Change(
                    "rencana",
                    "reworded",
                    _group_place(n, new_numbers),
                    o["sub_kegiatan"],
                    n["sub_kegiatan"],
                    word_diff(o["sub_kegiatan"], n["sub_kegiatan"]),
                )
            )
        if (o.get("indikator") or "") != (n.get("indikator") or ""):
            changes.append(
                Change(
                    "rencana",
                    "indikator",
                    place,
                    _text(o.get("indikator")),
                    _text(n.get("indikator")),
                    word_diff(_text(o.get("indikator")), _text(n.get("indikator"))),
                )
            )
        if o.get("bulan", []) != n.get("bulan", []):
            changes.append(Change("rencana", "months", place, _months(o.get("bulan", [])), _months(n.get("bulan", []))))
        if (o.get("keterangan") or "") != (n.get("keterangan") or ""):
            changes.append(
                Change("rencana", "keterangan", place, _text(o.get("keterangan")), _text(n.get("keterangan")))
            )
    changes += [Change("rencana", "removed", _group_place(r, old_numbers), old=r["sub_kegiatan"]) for r in removed]
    changes += [Change("rencana", "added", _group_place(r, new_numbers), new=r["sub_kegiatan"]) for r in added]
    return changes


def _lampiran_list(content: dict) -> list[dict]:
    """The lampiran of a snapshot, as a list: a case of one plan gives it by its title alone."""
    decree = content.get("keputusan", {})
    if "lampiran" in decree:
        return list(decree["lampiran"] or [])
    return [{"judul": decree["judul_lampiran"], "jenis": "tabel"}] if decree.get("judul_lampiran") else []


def _block_text(block: dict) -> str:
    kind, value = next(iter(block.items()))
    return f"{kind}: {'; '.join(value) if isinstance(value, list) else value}"


def _compare_lampiran(old: dict, new: dict) -> list[Change]:
    """The list of lampiran by position (a title reworded, a lampiran added or removed, its
    settings, members and prose), and the rows of every table but the monthly plan's."""
    before, after = _lampiran_list(old), _lampiran_list(new)
    if "lampiran" not in old.get("keputusan", {}) and "lampiran" not in new.get("keputusan", {}):
        before = after = []  # one plan both times: its title is compared as the Judul Lampiran row
    changes: list[Change] = []
    count = max(len(before), len(after))
    for i in range(count):
        name = numbering.lampiran_name(i, count)
        a = before[i] if i < len(before) else None
        b = after[i] if i < len(after) else None
        if a is None or b is None:
            kind = "added" if a is None else "removed"
            changes.append(
                Change("lampiran", kind, name, old=(a or {}).get("judul", ""), new=(b or {}).get("judul", ""))
            )
            continue
        if a.get("judul") != b.get("judul"):
            changes.append(
                Change("lampiran", "reworded", name, a["judul"], b["judul"], word_diff(a["judul"], b["judul"]))
            )
        for key in sorted((set(a) | set(b)) - {"judul", "anggota", "isi"}):
            if a.get(key) != b.get(key):
                changes.append(Change("lampiran", "changed", f"{name}: {key}", _text(a.get(key)), _text(b.get(key))))
        members = [[" — ".join(m.values()) for m in side.get("anggota") or []] for side in (a, b)]
        changes += _compare_items("lampiran", f"{name} › anggota", *members)
        blocks = [[_block_text(block) for block in side.get("isi") or []] for side in (a, b)]
        changes += _compare_items("lampiran", f"{name} › isi", *blocks)
    tables = [{t["lampiran"]: t for t in side.get("tabel_lampiran", [])} for side in (old, new)]
    for number in sorted(set(tables[0]) | set(tables[1])):
        name = numbering.lampiran_name(number - 1, max(count, number))
        specs = after if number in tables[1] else before  # the columns of the newer side that has it
        spec = specs[number - 1] if number <= len(specs) else {}
        rows = [side.get(number, {}).get("baris", []) for side in tables]
        changes += _compare_table(name, _columns_of(spec), *rows)
        plans = [side.get(number, {}).get("rencana_aksi", []) for side in tables]
        changes += [replace(c, section="lampiran", subject=f"{name} › {c.subject}") for c in _compare_plan(*plans)]
    return changes


def _columns_of(spec: dict) -> tuple[Kolom, ...]:
    """The declared columns of a table lampiran as its snapshot gives them (a preset by name)."""
    if spec.get("kolom"):
        return tuple(Kolom.model_validate(column) for column in spec["kolom"])
    return PRESETS.get(spec.get("bentuk") or PRESET_BULANAN, ())


@dataclass
class _Row:
    """A row of a declared table, its groups resolved: a blank group cell is the group above."""

    path: tuple[str, ...]  # the groups declared before its item, outermost first
    item: str  # what the row is: its item (butir), else all its other cells
    cells: dict[str, str]  # every other column, by its heading: groups after the item, texts, periods


def _row_parts(columns: tuple[Kolom, ...]) -> tuple[list[Kolom], Kolom | None, list[Kolom]]:
    """What names a row (the groups declared before its item, and the item) and what it holds."""
    item_at = next((i for i, c in enumerate(columns) if c.jenis == "butir"), len(columns))
    groups = [c for c in columns[:item_at] if c.jenis == "kelompok"]
    item = columns[item_at] if item_at < len(columns) else None
    others = [c for i, c in enumerate(columns) if c.sheet_headers and i != item_at and c not in groups]
    return groups, item, others


def _resolved_rows(columns: tuple[Kolom, ...], rows: list[dict]) -> list[_Row]:
    groups, item, others = _row_parts(columns)
    current: dict[str, str] = {}
    out = []
    for row in rows:
        for column in columns:
            if column.jenis == "kelompok" and row.get(column.header):
                current[column.header] = row[column.header]
        cells = {}
        for column in others:
            if column.jenis == "kelompok":
                cells[column.judul] = current.get(column.header, "")
            elif column.jenis == "periode":
                cells[column.judul] = _period_text(column, row)
            else:
                cells[column.judul] = row.get(column.header) or ""
        path = tuple(current.get(c.header, "") for c in groups)
        text = (row.get(item.header) or "") if item else " | ".join(v for v in cells.values() if v)
        out.append(_Row(path, text, cells))
    return out


def _period_text(column: Kolom, row: dict) -> str:
    """A period column's cells in one text: the marked periods, or each period's value."""
    subs = PERIODS[column.periode or "bulan"]
    values = [(sub, row.get(header) or "") for sub, header in zip(subs, column.sheet_headers)]
    if column.marks:
        return ", ".join(sub for sub, value in values if value) or "-"
    return "; ".join(f"{sub}: {value}" for sub, value in values if value) or "-"


def _compare_table(name: str, columns: tuple[Kolom, ...], old_rows: list[dict], new_rows: list[dict]) -> list[Change]:
    """The rows of a declared table by what they are, as the monthly plan's: a group renamed, a
    row added, removed, moved or reworded, a cell changed, each once, wherever it stands."""
    changes: list[Change] = []
    old, new = _resolved_rows(columns, old_rows), _resolved_rows(columns, new_rows)
    groups = [c for c in columns if c.jenis == "kelompok"][
        : len(new[0].path) if new else len(old[0].path) if old else 0
    ]
    # groups renamed, level by level, within their (renamed) parent
    for level, column in enumerate(groups):
        for parent in _unique(r.path[:level] for r in new):
            before = _unique(r.path[level] for r in old if r.path[:level] == parent)
            after = _unique(r.path[level] for r in new if r.path[:level] == parent)
            renames = _renames(before, after)
            for a, b in renames.items():
                subject = " › ".join((name, *parent, column.judul.capitalize()))
                changes.append(Change("lampiran", "renamed", subject, a, b, word_diff(a, b)))
            old = [
                replace(r, path=(*parent, renames.get(r.path[level], r.path[level]), *r.path[level + 1 :]))
                if r.path[:level] == parent
                else r
                for r in old
            ]

    def where(row: _Row) -> str:
        return " › ".join((name, *(p for p in row.path if p)))

    pairs, moved, removed, added = _align(old, new, group=lambda r: r.path, text=lambda r: r.item)
    for o, same in moved:
        changes.append(Change("lampiran", "moved", f"{where(same)} › {same.item}", where(o), where(same)))
    for o, n in pairs:
        if o.item != n.item:
            changes.append(Change("lampiran", "reworded", where(n), o.item, n.item, word_diff(o.item, n.item)))
        for heading in n.cells:
            a, b = o.cells.get(heading, ""), n.cells[heading]
            if a != b:
                long = max(len(a), len(b)) > 40
                subject = f"{where(n)} › {n.item} › {heading}"
                changes.append(Change("lampiran", "changed", subject, a, b, word_diff(a, b) if long else []))
    changes += [Change("lampiran", "removed", where(r), old=r.item) for r in removed]
    changes += [Change("lampiran", "added", where(r), new=r.item) for r in added]
    return changes


def _align(old: list[Row], new: list[Row], group: Callable[[Row], Hashable], text: Callable[[Row], str]):
    """The rows of two tables matched by their groups and text (difflib's alignment, so one row
    inserted is one insertion): `pairs` the same rows, also reworded (the most similar text of
    the same groups) or `moved` (the same text under other groups, also in `pairs`); the rest
    `removed` and `added`."""
    matcher = difflib.SequenceMatcher(
        a=[(group(r), text(r)) for r in old], b=[(group(r), text(r)) for r in new], autojunk=False
    )
    pairs: list[tuple[Row, Row]] = []
    removed: list[Row] = []
    added: list[Row] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs += list(zip(old[i1:i2], new[j1:j2]))
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for o in list(olds):  # reworded: the most similar new row of the same groups
            candidates = [n for n in news if group(n) == group(o)]
            best = max(candidates, key=lambda n: _similar(text(o), text(n)), default=None)
            if best is not None and _similar(text(o), text(best)) >= 0.4:
                pairs.append((o, best))
                olds.remove(o)
                news.remove(best)
        removed += olds
        added += news
    moved: list[tuple[Row, Row]] = []
    for o in list(removed):  # the same text elsewhere: moved, not removed and added
        same = next((n for n in added if text(n) == text(o)), None)
        if same is not None:
            removed.remove(o)
            added.remove(same)
            moved.append((o, same))
            pairs.append((o, same))
    return pairs, moved, removed, added


def _compare_offices(old: list[dict], new: list[dict]) -> list[Change]:
    before = {o["kode_wilayah"]: o for o in old}
    after = {o["kode_wilayah"]: o for o in new}
    changes = []
    for code in before.keys() - after.keys():
        changes.append(Change("kantor", "removed", f"{code} {before[code].get('wilayah', '')}"))
    for code in after.keys() - before.keys():
        changes.append(Change("kantor", "added", f"{code} {after[code].get('wilayah', '')}"))
    for code in sorted(before.keys() & after.keys()):
        for name in sorted(set(before[code]) | set(after[code])):
            if before[code].get(name) != after[code].get(name):
                changes.append(
                    Change(
                        "kantor",
                        "changed",
                        f"{code} {after[code].get('wilayah', '')}: {name}",
                        _text(before[code].get(name)),
                        _text(after[code].get(name)),
                    )
                )
    return changes


# ---------------------------------------------------------------- revisions


def compare_revisions(case_out: Path, from_ref: str | None = None, to_ref: str | None = None) -> Comparison:
    """Compare two revisions of `case_out` (default: the newest with the one before it)."""
    from .errors import DataError
    from .messages import Place, problem
    from .revisions import Revision, find_revision, list_revisions

    revisions = list_revisions(case_out)
    new = find_revision(case_out, to_ref) if to_ref else (revisions[-1] if revisions else None)
    old: Revision | None
    if from_ref:
        old = find_revision(case_out, from_ref)
    else:
        earlier = [r for r in revisions if new is not None and r.number < new.number]
        old = earlier[-1] if earlier else None
    if new is None or old is None:
        raise DataError([problem("revision.too_few", Place(str(case_out)), n=len(revisions))])
    snapshots = []
    for rev in (old, new):
        snap = rev.snapshot()
        if snap is None:
            raise DataError([problem("revision.no_snapshot", Place(str(rev.path)), rev=rev.name)])
        snapshots.append(snap)
    return Comparison(
        case=case_out.name,
        old_rev=old.name,
        new_rev=new.name,
        old_info=old.info(),
        new_info=new.info(),
        changes=compare(*snapshots),
    )


# ---------------------------------------------------------------- rendering

SECTIONS = (
    "keputusan",
    "mengingat",
    "lampiran",
    "rencana",
    "kantor",
)  # in this order; named by the catalogue (diff.section.*)


def _marked(words: Words, context: int = 12) -> str:
    """Words with [-removed-] and {+added+} marks; long unchanged stretches shortened to …."""
    out = []
    for op, text in words:
        if op == "=":
            parts = text.split()
            if len(parts) > 2 * context:
                text = " ".join(parts[:context]) + " … " + " ".join(parts[-context:])
            out.append(text)
        elif op == "-":
            out.append(f"[-{text}-]")
        else:
            out.append(f"{{+{text}+}}")
    return " ".join(o for o in out if o)


def describe(change: Change, lang: Lang = "id", words=_marked) -> str:
    """One change as a sentence; `words` renders a word diff (text marks, or runs in a document)."""
    empty = say("diff.empty", lang)
    kind = change.kind
    if change.section == "kantor" and kind in ("added", "removed"):
        kind = f"kantor_{kind}"
    if kind == "changed" and change.words:
        kind = "changed_long"
    return say(
        f"diff.{kind}",
        lang,
        subject=change.subject,
        old=change.old or empty,
        new=change.new or empty,
        words=words(change.words),
    )


def render_text(comparison: Comparison, lang: Lang = "id") -> str:
    lines = [say("diff.title", lang, case=comparison.case, old=comparison.old_rev, new=comparison.new_rev)]
    if not comparison.changes:
        lines.append(say("diff.none", lang, old=comparison.old_rev, new=comparison.new_rev))
        return "\n".join(lines)
    lines.append(say("diff.count", lang, n=len(comparison.changes)))
    for section in SECTIONS:
        items = [c for c in comparison.changes if c.section == section]
        if items:
            lines.append("")
            lines.append(say(f"diff.section.{section}", lang))
            lines += [say("diff.item", lang, change=describe(c, lang)) for c in items]
    if any(c.words for c in comparison.changes):
        lines += ["", say("diff.legend", lang)]
    return "\n".join(lines)


def write_pdf(comparison: Comparison, out: Path, lang: Lang = "id", converter=None, *, replace: bool = False) -> Path:
    """The same list as a "daftar perubahan" PDF for reviewers: removed words struck through in
    red, added words underlined in blue. Written beside `out`, then renamed.

    An existing file at `out` is replaced only when `replace` is given, and never when it is a
    link or a signed PDF (checked before any work)."""
    import os
    import tempfile

    _check_target(Path(out), replace)

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt, RGBColor

    from .convert import SofficeConverter

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))
    style = doc.styles["Normal"]
    style.font.name = "Liberation Sans"
    style.font.size = Pt(9.5 if len(comparison.changes) < 30 else 8)
    style.paragraph_format.space_after = Pt(2)

    title = doc.add_paragraph()
    run = title.add_run(say("diff.pdf.title", lang))
    run.bold, run.font.size = True, Pt(13)
    info = comparison.new_info
    head = doc.add_paragraph()
    head.add_run(say("diff.pdf.case", lang, case=comparison.case, nomor=info.get("nomor", "")) + "\n").bold = True
    old_date = comparison.old_info.get("dibuat", "")[:16].replace("T", " ")
    new_date = info.get("dibuat", "")[:16].replace("T", " ")
    head.add_run(
        say(
            "diff.pdf.revisions",
            lang,
            old=comparison.old_rev,
            old_date=old_date,
            new=comparison.new_rev,
            new_date=new_date,
        )
    )
    if not comparison.changes:
        doc.add_paragraph(say("diff.none", lang, old=comparison.old_rev, new=comparison.new_rev))
    for section_key in SECTIONS:
        items = [c for c in comparison.changes if c.section == section_key]
        if not items:
            continue
        heading = doc.add_paragraph()
        heading.paragraph_format.space_before = Pt(6)
        heading.add_run(say(f"diff.section.{section_key}", lang)).bold = True
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for number, change in enumerate(items, start=1):
            cells = table.add_row().cells
            cells[0].text = str(number)
            para = cells[1].paragraphs[0]
            collected: list[tuple[str, str]] = []

            def collect(words: Words) -> str:
                collected.extend(words)  # noqa: B023 - called within this iteration only
                return "\x00"

            sentence = describe(change, lang, words=collect)
            before, _, after = sentence.partition("\x00")
            para.add_run(before)
            for op, text in collected:
                if op == "=":
                    para.add_run(_marked([(op, text)]) + " ")
                    continue
                run = para.add_run(text)
                if op == "-":
                    run.font.strike = True
                    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
                else:
                    run.font.underline = True
                    run.font.bold = True
                    run.font.color.rgb = RGBColor(0x00, 0x3C, 0xB4)
                para.add_run(" ")
            para.add_run(after)
        table.autofit = False
        for column, width in zip(table.columns, (Mm(8), Mm(166))):
            column.width = width  # the grid, which LibreOffice lays out by
            for cell in column.cells:
                cell.width = width
    if any(c.words for c in comparison.changes):
        legend = doc.add_paragraph()
        legend.paragraph_format.space_before = Pt(6)
        legend.add_run(say("diff.pdf.legend", lang)).italic = True
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".daftar-", dir=out.parent) as tmp:
        docx = Path(tmp) / "daftar-perubahan.docx"
        doc.save(str(docx))
        pdf = (converter or SofficeConverter()).convert(docx, Path(tmp) / "daftar-perubahan.pdf")
        os.replace(pdf, out)
    return out


def _check_target(out: Path, replace: bool) -> None:
    from .errors import OutputError
    from .signing import is_signed

    if out.is_symlink():
        raise OutputError("output.is_link", path=out)
    if out.exists():
        if out.is_dir():
            raise OutputError("output.is_folder", path=out)
        if is_signed(out):
            raise OutputError("output.signed", path=out)
        if not replace:
            raise OutputError("output.exists_pdf_file", path=out)
