"""Merge the decree and its lampiran into one PDF with bookmarks and document metadata.

The parts are LibreOffice's PDF/A-2b exports; the merged file keeps that claim true (XMP
metadata and output intent carried over, see `pdfa`) and is written reproducibly.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from . import pdfa


def page_count(pdf: Path) -> int:
    return len(PdfReader(str(pdf)).pages)


def merge(parts: list[tuple[str, Path]], out: Path, *, title: str, author: str, subject: str,
          created: dt.datetime | None = None) -> Path:
    """Write `parts` (bookmark title, PDF) into `out` in order; written beside `out`, then renamed."""
    writer = PdfWriter()
    for bookmark, pdf in parts:
        writer.append(str(pdf), outline_item=bookmark)
    writer.page_mode = "/UseOutlines"
    created = created or pdfa.build_time(dt.date(2000, 1, 1))
    meta = pdfa.DocMeta(title=title, author=author, subject=subject, created=created)
    pdfa.finish(writer, meta, pdfa.output_intents(parts[0][1]))
    return pdfa.write(writer, out)
