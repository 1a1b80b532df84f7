"""What the pipeline needs of a DOCX -> PDF converter, and what every converter counts.

Two converters implement `Converter`: `convert.SofficeConverter` (a fresh LibreOffice for each
document) and `warm.ConverterPool` (long-lived LibreOffice processes). The pipeline, the layout
loop, revisions and the batch take either; tests pass converters that fail on purpose.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Self


@dataclass
class ConversionStats:
    """What a converter did, for reports and benchmarks. Times in seconds; safe across threads."""

    conversions: int = 0  # successful conversions
    failed_attempts: int = 0  # attempts that failed (then retried or reported)
    starts: int = 0  # LibreOffice processes started (first starts, restarts, recycles)
    recycles: int = 0  # processes replaced after their quota of conversions
    start_seconds: float = 0.0  # time spent starting processes
    convert_seconds: float = 0.0  # time spent in conversions (successful or not)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **amounts: float) -> None:
        with self.lock:
            for name, value in amounts.items():
                setattr(self, name, getattr(self, name) + value)

    @property
    def busy_seconds(self) -> float:
        """Time LibreOffice processes were starting or converting, summed over processes."""
        return self.start_seconds + self.convert_seconds

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items() if k != "lock"}


class Converter(Protocol):
    """Turns a DOCX into a PDF. The PDF appears at `dst` only when complete and checked; any
    failure is a `errors.ConversionError` (its `log_path` names LibreOffice's kept log).
    Safe to call from several threads. `close()` (also run by `with`) stops what it started."""

    @property
    def stats(self) -> ConversionStats: ...

    def convert(self, src: Path, dst: Path) -> Path: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...
