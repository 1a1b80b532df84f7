"""Problems of an upload or a build, kept in the database and shown in the reader's language.

The texts are the library's (generator.messages), exactly as `keputusan validate` prints them;
only the file part of a place is replaced by the name the user uploaded, since the path on the
server means nothing to them.
"""

from __future__ import annotations

import json
from typing import Any

from ..messages import Lang, Place, Problem, is_web_code, render_problem, web_text


def _plain(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return str(value)


def serialise(problems: list[Problem]) -> list[dict[str, Any]]:
    out = []
    for p in problems:
        place = p.place if isinstance(p.place, Place) else None
        out.append(
            {
                "code": p.code,
                "params": [[k, _plain(v)] for k, v in p.params],
                "place": None
                if place is None
                else {"sheet": place.sheet, "cell": place.cell, "key": place.key, "line": place.line},
                "where": p.where,
                "what": p.what,
                "fix": p.fix,
            }
        )
    return out


def render(stored: list[dict[str, Any]], lang: Lang, file_label: str = "") -> list[dict[str, str]]:
    """Rows for the page: sheet, cell, where (the whole place), what is wrong, the fix."""
    rows = []
    for item in stored:
        spot = item.get("place")
        code = item.get("code", "")
        if is_web_code(code):  # a refusal of the file itself (uploads.py), not a problem in a cell
            params = {k: v for k, v in item.get("params", [])}
            rows.append(
                {"sheet": "", "cell": "", "where": file_label, "what": web_text(code, lang, **params), "fix": ""}
            )
            continue
        place = Place(file=file_label, **spot) if spot is not None else None
        problem = Problem(
            where=item.get("where", ""),
            what=item.get("what", ""),
            fix=item.get("fix", ""),
            code=item.get("code", ""),
            params=tuple((k, v) for k, v in item.get("params", [])),
            place=place,
        )
        where, what, fix = render_problem(problem, lang)
        rows.append(
            {
                "sheet": (spot or {}).get("sheet") or "",
                "cell": (spot or {}).get("cell") or "",
                "where": where,
                "what": what,
                "fix": fix,
            }
        )
    return rows
