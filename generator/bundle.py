"""Merge the decree and its lampiran into one PDF with bookmarks and document metadata.

The parts are LibreOffice's PDF/A-2b exports; the merged file keeps that claim true (XMP
metadata and output intent carried over, see `pdfa`) and is written reproducibly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from . import numbering, pdfa


def read(pdf: Path) -> PdfReader:
    """Open a PDF; strict first (LibreOffice's output is well-formed, and the lenient reader
    checks every object's offset: three times slower on a tagged 10-page table)."""
    try:
        return PdfReader(str(pdf), strict=True)
    except PdfReadError:
        return PdfReader(str(pdf))


@dataclass(frozen=True)
class Spliced:
    """A document made of runs of pages of several PDFs, in order: each (reader, first page,
    end page), 0-based, the end excluded. The salinan's lampiran is the asli's pages, then its
    own last one (page_reuse.py)."""

    runs: tuple[tuple[PdfReader, int, int], ...]

    @property
    def pages(self) -> Sequence:
        return [reader.pages[i] for reader, start, stop in self.runs for i in range(start, stop)]


def splice(first: PdfReader | Spliced, pages: int, rest: PdfReader) -> Spliced:
    """The first `pages` pages of `first`, then all of `rest`."""
    runs = first.runs if isinstance(first, Spliced) else ((first, 0, len(first.pages)),)
    kept: list[tuple[PdfReader, int, int]] = []
    for reader, start, stop in runs:
        take = min(stop - start, pages - sum(b - a for _, a, b in kept))
        if take > 0:
            kept.append((reader, start, start + take))
    return Spliced((*kept, (rest, 0, len(rest.pages))))


def append(writer: PdfWriter, document: PdfReader | Spliced, bookmark: str | None = None) -> None:
    """Add the pages of `document` to `writer`, with an outline item on its first page."""
    if isinstance(document, Spliced):
        for i, (reader, start, stop) in enumerate(document.runs):
            writer.append(reader, outline_item=bookmark if i == 0 else None, pages=(start, stop))
    else:
        writer.append(document, outline_item=bookmark)


def page_count(pdf: Path) -> int:
    return len(read(pdf).pages)


def merge(
    parts: list[tuple[str, Path | PdfReader | Spliced]],
    out: Path,
    *,
    title: str,
    author: str,
    subject: str,
    created: dt.datetime | None = None,
) -> Path:
    """Write `parts` (bookmark title, PDF or its open reader) into `out` in order; written beside
    `out`, then renamed."""
    writer = PdfWriter()
    documents = [pdf if isinstance(pdf, PdfReader | Spliced) else read(pdf) for _, pdf in parts]
    for (bookmark, _), document in zip(parts, documents):
        append(writer, document, bookmark)
    # the lampiran's row anchors (named destinations, read by layout.py) are not for readers
    names = writer.root_object.get("/Names")
    if names is not None and "/Dests" in names.get_object():
        del names.get_object()["/Dests"]
        if not names.get_object():
            del writer.root_object["/Names"]
    writer.page_mode = "/UseOutlines"
    created = created or numbering.build_time(dt.date(2000, 1, 1))
    meta = pdfa.DocMeta(title=title, author=author, subject=subject, created=created)
    first = documents[0]
    pdfa.finish(writer, meta, pdfa.output_intents(first.runs[0][0] if isinstance(first, Spliced) else first))
    return pdfa.write(writer, out)
