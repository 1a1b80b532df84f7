"""Merge the decree and its lampiran into one PDF with bookmarks and document metadata."""
from __future__ import annotations

import os
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError


def read(pdf: Path) -> PdfReader:
    """Open a PDF; strict first (LibreOffice's output is well-formed, and the lenient reader
    checks every object's offset: three times slower on a tagged 10-page table)."""
    try:
        return PdfReader(str(pdf), strict=True)
    except PdfReadError:
        return PdfReader(str(pdf))


def page_count(pdf: Path) -> int:
    return len(read(pdf).pages)


def merge(parts: list[tuple[str, Path | PdfReader]], out: Path, *, title: str, author: str, subject: str) -> Path:
    """Write `parts` (bookmark title, PDF or its open reader) into `out` in order; written beside
    `out`, then renamed."""
    writer = PdfWriter()
    for bookmark, pdf in parts:
        writer.append(pdf if isinstance(pdf, PdfReader) else read(pdf), outline_item=bookmark)
    # the lampiran's row anchors (named destinations, read by layout.py) are not for readers
    names = writer.root_object.get("/Names")
    if names is not None and "/Dests" in names.get_object():
        del names.get_object()["/Dests"]
        if not names.get_object():
            del writer.root_object["/Names"]
    writer.add_metadata({"/Title": title, "/Author": author, "/Subject": subject,
                         "/Creator": "keputusan", "/Producer": "keputusan (LibreOffice, pypdf)"})
    writer.page_mode = "/UseOutlines"
    tmp = out.with_name(f".{out.name}.part")
    try:
        with tmp.open("wb") as fh:
            writer.write(fh)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
