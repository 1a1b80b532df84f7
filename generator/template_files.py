"""Which Word templates a build uses, and whether they are usable, checked before any work.

The default templates ship inside the package (`generator.templates`, mapped from the
repository's `templates/` folder). An office may use its own: `--templates DIR` on `build` and
`batch`, or the case's own setting. A folder of templates must hold keputusan.docx and
lampiran.docx, each a Word document; what is wrong is reported by file, all at once.
"""

from __future__ import annotations

import atexit
import importlib.resources
import zipfile
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataError, Problem
from .messages import Place, problem

if TYPE_CHECKING:
    from .model import Case

TEMPLATE_NAMES = ("keputusan.docx", "lampiran.docx")
_EXTRACTED = ExitStack()  # only for a package imported from a zip archive
atexit.register(_EXTRACTED.close)


def default_folder() -> Path:
    """The folder of the templates shipped with the package, as a real path on disk."""
    resource = importlib.resources.files("generator.templates")
    if isinstance(resource, Path):
        return resource
    return Path(_EXTRACTED.enter_context(importlib.resources.as_file(resource)))


def checked(folder: Path | None) -> Path:
    """`folder` (or the default templates) once it holds both templates as Word documents;
    DataError naming each file that is missing or not a .docx."""
    folder = default_folder() if folder is None else Path(folder)
    if not folder.is_dir():
        raise DataError([problem("templates.not_folder", Place(str(folder)))])
    problems: list[Problem] = []
    for name in TEMPLATE_NAMES:
        path = folder / name
        if not path.is_file():
            problems.append(
                problem(
                    "templates.missing", Place(str(path)), name=name, folder=str(folder), default=str(default_folder())
                )
            )
        elif not _is_word_document(path):
            problems.append(problem("templates.not_docx", Place(str(path)), name=name))
    if problems:
        raise DataError(problems)
    return folder


def for_case(case: Case, folder: Path | None = None) -> Path:
    """The checked templates a build of `case` uses: `folder` when given (`--templates`), else
    the case's own (profil.templat, relative to the case folder), else the tool's."""
    own = case.decree.profil.templat
    return checked(folder or (case.directory / own if own else None))


def _is_word_document(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False
