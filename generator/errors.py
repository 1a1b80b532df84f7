"""Typed errors of the pipeline, each with its exit code.

The CLI turns every one of these into a message on stderr and its exit code, in one place
(`cli.main`); library callers catch them by type.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, what is wrong, how to fix it."""

    where: str
    what: str
    fix: str = ""
    # Set by messages.problem(): the catalogue code, its parameters and the structured place,
    # so the same problem can be shown in Indonesian or English. where/what/fix hold English.
    code: str = field(default="", compare=False)
    params: tuple[tuple[str, Any], ...] = field(default=(), compare=False)
    place: Any = field(default=None, compare=False)

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}"
        return f"{text} — {self.fix}" if self.fix else text


class KeputusanError(Exception):
    """Base of every error the tool reports to its user."""

    exit_code = 1


class DataError(KeputusanError):
    """The case data is invalid. Carries every problem found, not just the first."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the case data"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class TemplateError(KeputusanError):
    """A template cannot be read or refers to a field the data does not have."""

    exit_code = 2


class OutputError(KeputusanError):
    """An output cannot be written, or writing it would destroy something the user keeps."""

    exit_code = 4


class ConversionError(KeputusanError):
    """LibreOffice failed to turn a document into PDF.

    `log_path`: where LibreOffice's own output of the failed conversion was kept (named in the
    message too), or None when there was nothing to keep."""

    exit_code = 3

    def __init__(self, message: str = "", *, log_path: Path | None = None):
        self.message = message
        self.log_path = log_path
        super().__init__(f"{message} (LibreOffice log: {log_path})" if log_path is not None else message)


class ConverterMissing(ConversionError):
    """LibreOffice is not installed or cannot start."""


class ConversionTimeout(ConversionError):
    """LibreOffice did not finish within its time limit and was killed."""


class LayoutError(KeputusanError):
    """The rendered PDF does not have the layout the pipeline requires (e.g. pagination did not settle)."""

    exit_code = 3


class SigningError(KeputusanError):
    """A bundle cannot be signed or verified as asked: not a PDF, no such field, wrong passphrase..."""

    exit_code = 2


class SignatureInvalid(KeputusanError):
    """Verification found no signature, or a signature that fails (changed, invalid, untrusted)."""

    exit_code = 1


class OutputLocked(OutputError):
    """Another batch is writing into the same output folder."""


class BatchIncomplete(KeputusanError):
    """A batch finished, but one or more of its offices failed (each with its reason in the report)."""

    exit_code = 1


class FileSystemError(KeputusanError):
    """The machine refused a file operation: a folder not writable, a file where a folder
    should be, a full disk, a name too long. Not bad data and not a bug: the place and the
    reason are reported, and outputs are atomic, so nothing was half-written."""

    exit_code = 5
    REASONS: ClassVar[dict[int, str]] = {
        errno.EACCES: "not_writable",
        errno.EPERM: "not_writable",
        errno.EROFS: "not_writable",
        errno.ENOTDIR: "not_folder",
        errno.EEXIST: "not_folder",
        errno.EISDIR: "is_folder",
        errno.ENOSPC: "disk_full",
        errno.EDQUOT: "disk_full",
        errno.ENAMETOOLONG: "name_too_long",
    }

    def __init__(self, reason: str, path: str, detail: str = ""):
        self.reason, self.path, self.detail = reason, path, detail
        super().__init__(f"{path}: {detail or reason}")

    @classmethod
    def from_os_error(cls, exc: OSError) -> FileSystemError:
        path = exc.filename if exc.filename is not None else ""
        return cls(cls.REASONS.get(exc.errno or 0, "other"), str(path), exc.strerror or str(exc))
