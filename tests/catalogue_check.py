"""Is a text the catalogue's Indonesian? For tests that run the tool with --lang id.

Every line the tool prints must be made of texts of the catalogue (generator/messages.py) in
Indonesian, their fields filled with paths, numbers and data values, and no word that only the
catalogue's English uses may appear in it. `indonesian_problems(text)` lists what breaks that;
`said(text, code)` whether the Indonesian of `code` is in the text.
"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path

from generator.messages import CATALOGUE

# Fields that carry another rendered text of the catalogue (an error inside a line, a reason)
NESTED = {
    "advice",
    "cause",
    "change",
    "coverage",
    "failures",
    "files",
    "later",
    "message",
    "offices",
    "problem",
    "problems",
    "reason",
    "used",
}
PROGRAM = "keputusan: "  # how the tool starts a line on stderr


def _parts(template: str) -> list[tuple[str, str | None]]:
    return [(literal, name) for literal, name, _, _ in string.Formatter().parse(template)]


def _regex(template: str, field) -> str:
    return "".join(re.escape(literal) + (field(name) if name is not None else "") for literal, name in _parts(template))


def _lines(entry) -> list[str]:
    texts = entry if isinstance(entry, tuple) else (entry,)
    return [line for text in texts for line in text.split("\n")]


def _weak(template: str) -> bool:
    """A text with no word of its own ("{field}: {problems}"): said only around another text."""
    literal = "".join(literal for literal, _ in _parts(template))
    return not re.search(r"[A-Za-z]{3}|→", literal)


def _texts(lang: str) -> list[str]:
    return [line for entry in CATALOGUE.values() if isinstance(entry[lang], str) for line in _lines(entry[lang])]


@functools.cache
def _line_pattern() -> re.Pattern:
    texts = _texts("id")
    strong = [_regex(t, lambda name: ".*?") for t in texts if not _weak(t)]
    inner = "(?:" + "|".join(strong) + ")"
    nested = inner + "(?:(?: |; |, )" + inner + ")*"
    around = [
        _regex(t, lambda name: nested if name in NESTED else ".*?")
        for t in texts
        if _weak(t) and set(name for _, name in _parts(t) if name) & NESTED
    ]
    top = "(?:" + "|".join(strong + around) + ")"
    return re.compile(f"{top}(?: {top})*")


@functools.cache
def _problem_patterns() -> tuple[re.Pattern, re.Pattern]:
    whats = [_regex(e["id"][0], lambda name: ".*?") for e in CATALOGUE.values() if isinstance(e["id"], tuple)]
    fixes = [_regex(e["id"][1], lambda name: ".*?") for e in CATALOGUE.values() if isinstance(e["id"], tuple)]
    fix_label = re.escape(CATALOGUE["problems.fix"]["id"])
    # a place: a file, then a sheet and cell, or a key and its line ("kunci", "baris")
    return (
        re.compile(r"  - .+?: (?:" + "|".join(whats) + ")"),
        re.compile("    " + fix_label + "(?:" + "|".join(fixes) + ")"),
    )


@functools.cache
def _usage_pattern() -> re.Pattern:
    usage = re.escape(CATALOGUE["click.usage"]["id"])
    return re.compile(usage + r" keputusan(?: [a-z][\w\-]*)*(?: \[[^\]]+\](?:\.\.\.)?| [A-Z_]+(?:\.\.\.)?)*")


@functools.cache
def english_only_words() -> frozenset[str]:
    """Words the catalogue's English says and its Indonesian never does."""

    def words(lang: str) -> set[str]:
        found: set[str] = set()
        for entry in CATALOGUE.values():
            for line in _lines(entry[lang]):
                literal = " ".join(literal for literal, _ in _parts(line))
                found |= {w.casefold() for w in re.findall(r"[A-Za-z]{3,}", literal)}
        return found

    return frozenset(words("en") - words("id"))


@functools.cache
def identifiers() -> frozenset[str]:
    """Words that are the command's own names, typed as they are in any language: its commands,
    the values its options take (asli, both, staf...) and their defaults (output)."""
    import click

    from generator.cli import cli

    names: set[str] = set()

    def walk(command: click.Command) -> None:
        names.update(re.findall(r"[A-Za-z]+", command.name or ""))
        for param in command.params:
            if isinstance(param.type, click.Choice):
                names.update(str(choice) for choice in param.type.choices)
            if isinstance(param, click.Option) and isinstance(param.default, (str, Path)):
                names.update(re.findall(r"[A-Za-z]+", str(param.default)))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(cli)
    return frozenset(n.casefold() for n in names)


def _data_free(text: str) -> str:
    """The text without what is data, not words: paths, file names, options, quoted values."""
    text = re.sub(r"'[^'\n]*'", " ", text)  # a value as the user typed it, quoted
    text = re.sub(r"`[^`\n]*`", " ", text)  # a command to run
    return " ".join(
        token for token in text.split() if not ("/" in token or token.startswith("-") or re.search(r"\.\w", token))
    )


def indonesian_problems(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """What in `text` (the tool's output with --lang id) is not the catalogue's Indonesian:
    lines that are no text of it, and words only its English uses. `data`: values of the case
    data (names, places) that may appear anywhere."""
    line_ok, (problem_line, fix_line), usage = _line_pattern(), _problem_patterns(), _usage_pattern()
    found = []
    for raw in text.splitlines():
        line = raw.removeprefix(PROGRAM)
        if not line.strip():
            continue
        if not any(p.fullmatch(line) for p in (line_ok, problem_line, fix_line, usage)):
            found.append(f"not a text of the catalogue: {raw!r}")
    words = _data_free(text)
    for value in data:
        words = words.replace(value, " ")
    english = sorted(
        {
            w
            for w in re.findall(r"[A-Za-z]{3,}", words)
            if w.casefold() in english_only_words() and w.casefold() not in identifiers()
        }
    )
    if english:
        found.append(f"English words: {', '.join(english)}")
    return found


def said(text: str, code: str) -> bool:
    """Whether `text` holds the Indonesian of `code` (its fields anything)."""
    entry = CATALOGUE[code]["id"]
    first = entry[0] if isinstance(entry, tuple) else entry
    return any(re.search(_regex(line, lambda name: ".*?"), text) for line in first.split("\n") if line.strip())
