"""Typed errors of the pipeline, each with its exit code.

An error carries a code of the message catalogue and its parameters (`OutputError("output.signed",
path=...)`), never words: `messages.error_text(exc, lang)` renders it in a language, and
`str(exc)` is its English text (for library users and logs). `detail` holds what another
program said (its own English: shown in English, and in Indonesian with --verbose); `notes` are
further catalogue texts said after it (where LibreOffice's log was kept).

The CLI turns every one of these into a message on stderr and its exit code, in one place
(`cli.main`); library callers catch them by type.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from .messages import Message, Problem, error_text, message, say

__all__ = [
    "AccountError",
    "BatchIncomplete",
    "ConversionError",
    "ConversionTimeout",
    "ConverterMissing",
    "DataError",
    "FileSystemError",
    "KeputusanError",
    "LayoutError",
    "OutputError",
    "OutputLocked",
    "Problem",
    "SignatureInvalid",
    "SigningError",
    "TemplateError",
]


def _restore(cls: type[KeputusanError], state: dict[str, Any]) -> KeputusanError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("code", ""))
    error.__dict__.update(state)
    return error


class KeputusanError(Exception):
    """Base of every error the tool reports to its user."""

    exit_code = 1

    def __init__(self, code: str, /, *, detail: str = "", notes: Iterable[Message] = (), **params: Any):
        message(code, **params)  # KeyError now for a code the catalogue lacks, not when it is shown
        self.code = code
        self.params = params
        self.detail = detail
        self.notes = tuple(notes)
        super().__init__(code)

    def __str__(self) -> str:
        return error_text(self, "en", technical=True)

    def __reduce__(self):
        return _restore, (type(self), dict(self.__dict__))


class DataError(KeputusanError):
    """The case data is invalid. Carries every problem found, not just the first."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__("problems.heading", n=count, s="" if count == 1 else "s", case="")

    def __str__(self) -> str:
        return say("problems.heading", "en", **self.params) + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class TemplateError(KeputusanError):
    """A template cannot be read or refers to a field the data does not have."""

    exit_code = 2


class OutputError(KeputusanError):
    """An output cannot be written, or writing it would destroy something the user keeps."""

    exit_code = 4


class ConversionError(KeputusanError):
    """LibreOffice (or pdftoppm) failed to turn a document into PDF (or pictures).

    `log_path`: where LibreOffice's own output of the failed conversion was kept (named in the
    message too), or None when there was nothing to keep; `attempts`: how often it was tried."""

    exit_code = 3

    def __init__(
        self, code: str, /, *, log_path: Path | None = None, attempts: int = 1, detail: str = "", **params: Any
    ):
        notes = []
        if attempts > 1:
            notes.append(message("conversion.retried", attempts=attempts))
        if log_path is not None:
            notes.append(message("conversion.log_kept", path=log_path))
        super().__init__(code, detail=detail, notes=notes, **params)
        self.log_path = log_path
        self.attempts = attempts

    def again(self, **changes: Any) -> ConversionError:
        """The same error (same type, code and parameters) with `changes` (log_path, attempts)."""
        kwargs: dict[str, Any] = {"log_path": self.log_path, "attempts": self.attempts, "detail": self.detail}
        kwargs.update(changes)
        return type(self)(self.code, **kwargs, **self.params)


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


class AccountError(KeputusanError):
    """A user or office of the web application that cannot be created as asked (exit 2, like bad input)."""

    exit_code = 2


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

    def __init__(self, reason: str, path: str, detail: str = "", errno_name: str = ""):
        super().__init__(f"fs.{reason}", detail=detail, path=path, errno=errno_name or "-")
        self.reason, self.path = reason, path

    @classmethod
    def from_os_error(cls, exc: OSError) -> FileSystemError:
        path = exc.filename if exc.filename is not None else ""
        number = exc.errno or 0
        return cls(
            cls.REASONS.get(number, "other"), str(path), exc.strerror or str(exc), errno.errorcode.get(number, "")
        )
