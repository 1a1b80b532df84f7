"""Where the tool's log records go: `configure` sets it up for a command or a service.

Every module logs to `logging.getLogger(__name__)` under "generator": the stages of a build,
every conversion (document, seconds, LibreOffice process), restarts and retries of LibreOffice,
revisions made or found unchanged, the batch's decisions. Without `configure` (or handlers of the
application's own) nothing is printed: messages for staff come from the message catalogue, not
from the log. Records are in English, for the people who run the service.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = "generator"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"
_MARK = "_keputusan_handler"  # handlers added here, replaced by the next configure()


def configure(log_file: Path | None = None, verbose: bool = False) -> None:
    """Send the tool's records to `log_file` (appended; every record from INFO on, from DEBUG on
    when `verbose`) and, when `verbose`, to stderr as well (from DEBUG on). Calling it again
    replaces what an earlier call set up; `configure()` alone removes it."""
    logger = logging.getLogger(ROOT)
    for handler in [h for h in logger.handlers if getattr(h, _MARK, False)]:
        logger.removeHandler(handler)
        handler.close()
    level = logging.DEBUG if verbose else logging.INFO
    handlers: list[logging.Handler] = []
    if log_file is not None:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter(FORMAT))
        setattr(handler, _MARK, True)
        logger.addHandler(handler)
    logger.setLevel(level if handlers else logging.NOTSET)
