"""pydantic's validation errors as coded problems (`messages`), each at the place staff typed it.

Both forms validate with the models of `model`; only where a field sits differs (a YAML key and
line, or a workbook cell), so the caller passes a `placer` that maps a field path to its Place.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .errors import Problem
from .messages import Place, is_problem_code, problem
from .model import KODE_WILAYAH, NIP, Decree

# `int | str` fields report one error per member of the union, tagged with the member's name
_UNION_TAGS = {"int", "str", "float", "date", "bool", "none"}
# a pattern the models share has a message that says what the value is
_PATTERN_CODES = {KODE_WILAYAH: "kode_wilayah.pattern", NIP: "nip.pattern"}


def pydantic_problems(exc: ValidationError, placer: Callable[[tuple], Place], model: Any = Decree) -> list[Problem]:
    """Turn pydantic's errors into coded problems; `placer` maps a field path to its Place.

    `model` is the model validated: a misspelt key is compared with its known keys."""
    problems, seen = [], set()
    # of a union's errors for one field (`int | str`), the one that says what is wrong with the text first
    for err in sorted(exc.errors(), key=lambda e: not is_problem_code(e["type"])):
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        while loc and isinstance(loc[-1], str) and loc[-1] in _UNION_TAGS and len(loc) > 1:
            loc = loc[:-1]  # report the field once
        if loc in seen:
            continue
        seen.add(loc)
        problems.append(_pydantic_problem(err, loc, placer(loc), model))
    return problems


def _pydantic_problem(err: ErrorDetails, loc: tuple, place: Place, model: Any) -> Problem:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    field_name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        guess = difflib.get_close_matches(field_name, _known_keys(model, loc[:-1]), n=1)
        if guess:
            return problem("key.unknown", place, key=short(field_name), guess=guess[0])
        return problem("key.unknown_noguess", place, key=short(field_name))
    if kind == "missing":
        return problem("value.missing", place)
    if is_problem_code(kind):  # the models' own validators raise problems of the catalogue by code
        return problem(kind, place, **{k: v for k, v in ctx.items() if k != "detail"})
    if kind == "string_too_long":
        return problem("text.too_long", place, length=len(str(value)), max=ctx.get("max_length"))
    if kind in ("string_too_short", "too_short"):
        return problem("value.empty", place, min=ctx.get("min_length", 1))
    if kind == "too_long":
        return problem("value.too_many", place, max=ctx.get("max_length"))
    if kind.startswith("date"):
        return problem("date.invalid", place, value=short(value))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return problem("number.not_int", place, value=short(value))
    if kind.startswith("float"):
        return problem("number.not_number", place, value=short(value))
    if kind in ("greater_than_equal", "greater_than"):
        return problem("number.too_small", place, value=value, min=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return problem("number.too_large", place, value=value, max=ctx.get("le", ctx.get("lt")))
    if kind in ("bool_parsing", "bool_type"):
        return problem("value.yesno", place, value=short(value))
    if kind == "literal_error":
        return problem("value.choice", place, value=short(value), choices=ctx.get("expected", ""))
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERN_CODES:
        return problem(_PATTERN_CODES[ctx["pattern"]], place, value=short(value))
    if kind == "string_pattern_mismatch":
        return problem("value.pattern", place, value=short(value))
    if kind == "string_type":
        return problem("text.expected", place, got=short(value))
    if kind == "list_type":
        return problem("list.expected", place)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return problem("mapping.expected", place)
    # pydantic's own words, in English; in Indonesian the name of its error
    return problem("value.invalid", place, detail={"id": kind, "en": err.get("msg", kind)})


def _known_keys(model: Any, loc: tuple) -> list[str]:
    for part in loc:
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = field.annotation
    return list(getattr(model, "model_fields", {}))


def short(value: Any) -> str:
    """A value as quoted in a message: at most 60 characters (a formula by its text), what
    cannot be seen written as an escape (`\x1b`, `\u202e`): a terminal would obey it."""
    text = visible(str(getattr(value, "text", value)))  # array formulas are objects with .text
    return text if len(text) <= 60 else text[:57] + "..."


def visible(text: str) -> str:
    """`text` with control, format and unassigned characters written as Python escapes, so a
    message quoting what staff typed cannot clear a terminal, reorder its line or hide a part."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char)[0] == "C" or char in "\u2028\u2029"
        else char
        for char in text
    )
