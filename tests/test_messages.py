"""One message catalogue (generator/messages.py) for everything a user reads.

The catalogue itself: every entry in Indonesian and English, with the same fields in both. The
source: every code it uses (problems, errors, messages, the web pages' texts) is in the
catalogue, of the right kind, and given every field its texts fill in. The command itself, on
every error path it has: tests/test_messages_cli.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from generator import errors
from generator.messages import CATALOGUE, LANGS, Message, error_text, message, placeholders, text
from tests.conftest import ROOT

PACKAGE = ROOT / "generator"
EXTRA_ARGUMENTS = {"detail", "notes", "log_path", "attempts"}  # of an error, beside its fields
PLURALS = {"s", "es"}  # English endings ("{n} problem{s}"): Indonesian has no plural to say
# functions and classes whose first argument is a code of the catalogue: the kind of entry it
# must be ("text": one text, "problem": a (what, fix) pair) and the prefix it is named without
CALLS = {
    "say": ("text", ""),
    "_say": ("text", ""),
    "message": ("text", ""),
    "problem": ("problem", ""),
    "text": ("problem", ""),
    "PydanticCustomError": ("problem", ""),
    "web_text": ("text", "web."),
    "refuse": ("text", "web."),  # views.signed_upload: a refusal of an uploaded PDF
    "add": ("text", "web."),  # uploads.Refusal.add: a refusal of an uploaded workbook
    **{name: ("text", "") for name in errors.__all__ if name not in ("DataError", "FileSystemError", "Problem")},
}


def _kind(entry) -> str:
    return "problem" if isinstance(entry, tuple) else "text"


def _fields(code: str) -> set[str]:
    found: set[str] = set()
    for lang in LANGS:
        entry = CATALOGUE[code][lang]
        for template in entry if isinstance(entry, tuple) else (entry,):
            found |= placeholders(template)
    return found


# ---------------------------------------------------------------- the catalogue


def test_every_entry_in_both_languages_with_the_same_fields():
    wrong = []
    for code, entry in CATALOGUE.items():
        if set(entry) != set(LANGS):
            wrong.append(f"{code}: languages {sorted(entry)}")
            continue
        if _kind(entry["id"]) != _kind(entry["en"]):
            wrong.append(f"{code}: a problem in one language, one text in the other")
            continue
        pairs = zip(entry["id"], entry["en"]) if isinstance(entry["id"], tuple) else [(entry["id"], entry["en"])]
        for id_text, en_text in pairs:
            if not id_text.strip() and en_text.strip():
                wrong.append(f"{code}: no Indonesian")
            ours, theirs = placeholders(id_text), placeholders(en_text)
            # click's own texts: click fills in what its English needs (the Indonesian may say less)
            if ours | PLURALS != theirs | PLURALS and not (code.startswith("click.") and ours <= theirs):
                wrong.append(f"{code}: fields {sorted(ours)} in Indonesian, {sorted(theirs)} in English")
    assert not wrong, "\n".join(wrong)


def test_an_unknown_code_fails_where_it_is_used_not_when_it_is_shown():
    with pytest.raises(KeyError):
        errors.OutputError("output.no_such_code", path="x")
    with pytest.raises(KeyError):
        message("no.such.message")


def test_an_error_is_its_code_rendered_in_either_language():
    exc = errors.OutputError("output.signed", path="/data/hasil.pdf")
    assert str(exc) == "not overwriting /data/hasil.pdf: it is signed, and a signed PDF is never touched"
    assert error_text(exc, "id") == (
        "tidak menimpa /data/hasil.pdf: file itu bertanda tangan, dan PDF bertanda tangan tidak pernah diubah"
    )
    assert (exc.code, exc.params, exc.exit_code) == ("output.signed", {"path": "/data/hasil.pdf"}, 4)


def test_what_another_program_said_is_english_detail_and_a_kept_log_is_named_in_both():
    exc = errors.ConversionError(
        "conversion.failed", document="a.docx", code=1, detail="cannot open display", log_path=Path("/tmp/a.log")
    )
    assert str(exc) == (
        "LibreOffice failed to convert a.docx (exit 1) (cannot open display) (LibreOffice log: /tmp/a.log)"
    )
    indonesian = error_text(exc, "id")
    assert "cannot open display" not in indonesian and "/tmp/a.log" in indonesian
    assert indonesian.startswith("LibreOffice gagal membuat PDF dari a.docx (kode keluar 1)")
    assert "(rincian teknis: cannot open display)" in error_text(exc, "id", technical=True)  # --verbose


def test_errors_survive_pickling_with_their_code():
    import pickle

    exc = pickle.loads(pickle.dumps(errors.ConversionTimeout("conversion.timeout", document="a.docx", seconds="5")))
    assert isinstance(exc, errors.ConversionTimeout) and exc.params["seconds"] == "5"
    assert str(exc) == "LibreOffice did not convert a.docx within 5 s and was stopped"


def test_nested_messages_and_texts_in_both_languages_render_in_the_reader_s():
    advice = message("output.advice.move")
    exc = errors.OutputError("output.refused", files=[message("output.kept_changed", path="a.pdf")], advice=advice)
    assert error_text(exc, "id").startswith("tidak menulis hasil: tidak menimpa a.pdf: telah diubah")
    assert str(exc).endswith("; move it away or choose another --out folder")
    what, _ = text("file.unreadable", "id", reason={"id": "tanpa izin membaca", "en": "Permission denied"})
    assert what == "tidak dapat dibaca (tanpa izin membaca)"
    # a Message kept in the database as JSON (the web's signed copies) reads back in either language
    import dataclasses
    import json

    kept = message(
        "verify.problem.modified",
        coverage=message("verify.coverage.entire_revision", later=message("verify.later.form_filling")),
    )
    again = Message.from_data(json.loads(json.dumps(dataclasses.asdict(kept))))
    assert again.render("id") == kept.render("id") and "pengisian kolom" in again.render("id")
    assert str(again) == "changed after signing beyond adding signatures (whole revision; later: form filling)"


# ---------------------------------------------------------------- the source


def _calls() -> list[tuple[str, int, str, str, str, set[str] | None]]:
    """(file, line, kind, prefix, code or a pattern of it, the keywords given; None with **)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "messages.py":  # the renderer itself, of any code
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in CALLS:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                code = re.escape(first.value)
            elif isinstance(first, ast.JoinedStr):  # f"batch.status.{s}": any code of that shape
                code = "".join(re.escape(v.value) if isinstance(v, ast.Constant) else r"[\w-]+" for v in first.values)
            else:
                continue
            if name == "add" and "uploads" not in path.name:
                continue
            keywords: set[str] | None = {k.arg for k in node.keywords if k.arg}
            if any(k.arg is None for k in node.keywords) or name == "refuse":  # refuse() fills them in itself
                keywords = None
            if name == "PydanticCustomError":  # its fields are the context: the third argument
                context = node.args[2] if len(node.args) > 2 else None
                keywords = (
                    {k.value for k in context.keys if isinstance(k, ast.Constant)}
                    if isinstance(context, ast.Dict)
                    else set()
                )
            kind, prefix = CALLS[name]
            found.append((str(path.relative_to(ROOT)), node.lineno, kind, prefix, code, keywords))
    return found


def _template_uses() -> list[tuple[str, int, str, set[str]]]:
    """{% t "code" name=value %} in the web application's templates, as (file, line, a pattern
    of the code, the fields given); {% t "batch.status."|add:row.status %}: any code of that start."""
    found = []
    for path in sorted((PACKAGE / "web" / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in re.finditer(r"""{%\s*t\s+(["'])([^"']+)\1(\|add:\S+)?([^%]*)%}""", line):
                code = re.escape(match.group(2)) + (r"[\w.-]+" if match.group(3) else "")
                fields = set(re.findall(r"(\w+)=", match.group(4)))
                found.append((str(path.relative_to(ROOT)), number, code, fields))
    return found


def test_the_source_is_read():
    calls = _calls()
    assert len(calls) > 300 and len(_template_uses()) > 80
    assert {kind for _, _, kind, _, _, _ in calls} == {"text", "problem"}


def test_every_code_the_source_uses_is_in_the_catalogue_and_given_its_fields():
    wrong = []
    for file, line, kind, prefix, code, keywords in _calls():
        matching = [c for c in CATALOGUE if re.fullmatch(re.escape(prefix) + code, c)]
        if not matching:
            wrong.append(f"{file}:{line}: {prefix}{code} is not in the catalogue")
            continue
        for found in matching:
            if _kind(CATALOGUE[found]["en"]) != kind:
                wrong.append(f"{file}:{line}: {found} is not a {kind}")
            elif keywords is not None and code == re.escape(found.removeprefix(prefix)):
                missing = _fields(found) - keywords - EXTRA_ARGUMENTS
                if missing:
                    wrong.append(f"{file}:{line}: {found} needs {sorted(missing)}")
    for file, line, code, keywords in _template_uses():
        matching = [c for c in CATALOGUE if re.fullmatch(r"web\." + code, c)]
        if not matching:
            wrong.append(f"{file}:{line}: web.{code} is not in the catalogue")
        for found in matching:
            if _fields(found) - keywords:
                wrong.append(f"{file}:{line}: {found} needs {sorted(_fields(found) - keywords)}")
    assert not wrong, "\n".join(wrong)


def test_every_reason_the_file_system_gives_has_its_text():
    for reason in {*errors.FileSystemError.REASONS.values(), "other"}:
        assert f"fs.{reason}" in CATALOGUE


def test_no_message_is_written_outside_the_catalogue():
    """No error raised with words of its own, no Problem written by hand: codes only."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0] if node.args else None
            # messages.problem() makes them; web/problems.py rebuilds them from the database
            if name == "Problem" and path.name not in ("messages.py", "problems.py"):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: Problem(...) by hand")
            coded = name in CALLS and name not in ("add", "refuse") and isinstance(first, ast.Constant)
            if coded and isinstance(first.value, str) and " " in first.value:
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: words, not a code: {first.value!r}")
    assert not wrong, "\n".join(wrong)


def test_every_help_of_the_command_is_in_the_catalogue():
    """--help says the catalogue's help.* texts: a help written in the code alone would stay English."""
    import click

    from generator.cli import cli

    helps = {entry["en"] for code, entry in CATALOGUE.items() if code.startswith("help.")}

    def commands(group: click.Command):
        yield group
        for sub in getattr(group, "commands", {}).values():
            yield from commands(sub)

    missing = []
    for command in commands(cli):
        for part in (command, *command.params):
            if getattr(part, "help", None) and part.help not in helps:
                missing.append(f"{command.name} {getattr(part, 'name', '')}: {part.help!r}")
    assert not missing, "\n".join(missing)
