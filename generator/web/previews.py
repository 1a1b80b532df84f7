"""Page images of a revision's bundles, so staff look before they print or sign.

pdftoppm (poppler-utils) renders a thumbnail of every page (by the build job, right after the
build, or on first view) and a readable image of a page when it is clicked. A revision never
changes, so each image is made once, into DATA/offices/<kode>/previews/<case>/rev-NNN/<variant>/,
and kept.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from filelock import FileLock

from ..errors import ConversionError

THUMB_PX = 260  # long side of a thumbnail
PAGE_DPI = 110  # pages to read on screen
TIMEOUT = 120.0
DONE = ".done"


def _count(folder: Path) -> int:
    try:
        return int((folder / DONE).read_text())
    except (OSError, ValueError):
        return 0


def ensure_thumbnails(pdf: Path, folder: Path) -> int:
    """Thumbnails of every page of `pdf` in `folder`, made once; returns the page count.
    Safe when two processes ask at once (the second waits for the first)."""
    pages = _count(folder)
    if pages:
        return pages
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock", timeout=TIMEOUT * 2):
        pages = _count(folder)
        if pages:
            return pages
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            _pdftoppm(pdf, work / "thumb", "-scale-to", str(THUMB_PX))
            thumbs = list(work.glob("thumb-*.png"))
            if not thumbs:
                raise ConversionError("conversion.pdftoppm_no_pages", document=pdf.name)
            # pdftoppm pads page numbers to the page count's width: one width for every file
            for image in thumbs:
                image.rename(work / f"thumb-{int(image.stem.split('-')[1]):03d}.png")
            (work / DONE).write_text(str(len(thumbs)))
            if folder.exists():
                shutil.rmtree(folder)
            work.rename(folder)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return len(thumbs)


def page_image(pdf: Path, folder: Path, page: int) -> Path | None:
    """The readable image of one page (made on first request, then kept); None past the end."""
    if not 1 <= page <= ensure_thumbnails(pdf, folder):
        return None
    target = folder / f"page-{page:03d}.png"
    if target.is_file():
        return target
    with FileLock(str(folder) + ".lock", timeout=TIMEOUT * 2):
        if not target.is_file():
            work = Path(tempfile.mkdtemp(prefix=".page-", dir=folder))
            try:
                _pdftoppm(pdf, work / "page", "-r", str(PAGE_DPI), "-f", str(page), "-l", str(page), "-singlefile")
                (work / "page.png").rename(target)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    return target


def _pdftoppm(pdf: Path, prefix: Path, *options: str) -> None:
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise ConversionError("conversion.pdftoppm_missing")
    try:
        subprocess.run([exe, "-png", *options, str(pdf), str(prefix)], check=True, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ConversionError("conversion.pdftoppm_timeout", document=pdf.name, seconds=f"{TIMEOUT:.0f}") from None
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip()[-300:]
        raise ConversionError("conversion.pdftoppm_failed", document=pdf.name, detail=detail) from None
