"""Read a case folder into a validated `Case`, reporting every problem with its place.

A case comes in one of two forms, told apart by the folder: `keputusan.yaml` with the plan in
its own workbook and the legal bases in a shared library (`yaml_form`), or one workbook
`keputusan.xlsx` that holds everything staff type (`workbook_reader`). Both give the same `Case`.

YAML problems name the file, the key path and its line; workbook problems name the file and
the cell as `Sheet!D14`. Every problem carries a message code (`messages`), so it can be shown
in Indonesian or English. Nothing is rendered until the whole case is valid.
"""

from __future__ import annotations

from pathlib import Path

from .errors import DataError
from .messages import Place, problem
from .model import Case
from .schema import WORKBOOK_FILE
from .workbook_reader import load_workbook_case
from .yaml_form import DECREE_FILE, load_yaml_case


def case_form(case_dir: str | Path) -> str:
    """'workbook' or 'yaml': which form the case folder holds; DataError if neither or both."""
    case_dir = Path(case_dir)
    if not case_dir.is_dir():
        raise DataError([problem("case.not_folder", Place(str(case_dir)))])
    # exists, not is_file: a FIFO or a folder by that name is the case's file, refused by its reader
    has_book = (case_dir / WORKBOOK_FILE).exists()
    has_yaml = (case_dir / DECREE_FILE).exists()
    if has_book and has_yaml:
        raise DataError([problem("case.both_forms", Place(str(case_dir)))])
    if not has_book and not has_yaml:
        raise DataError([problem("case.no_data", Place(str(case_dir)), dir=str(case_dir))])
    return "workbook" if has_book else "yaml"


def load_case(case_dir: str | Path) -> Case:
    """Load and validate a case folder (either form); raises DataError listing every problem found."""
    case_dir = Path(case_dir)
    if case_form(case_dir) == "workbook":
        return load_workbook_case(case_dir)
    return load_yaml_case(case_dir)
