"""Page images of a revision's bundles, so staff look before they print or sign.

pdftoppm (poppler-utils) renders every page twice: a thumbnail and a page to read. A revision
never changes, so its images are made once (by the build job, or on first view) into
DATA/offices/<kode>/previews/<case>/rev-NNN/<variant>/ and kept.
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


def page_images(folder: Path) -> list[tuple[Path, Path]]:
    """(thumbnail, page) pairs of a finished preview folder, in page order."""
    if not (folder / DONE).exists():
        return []
    pages = sorted(folder.glob("page-*.png"))
    return [(folder / p.name.replace("page-", "thumb-"), p) for p in pages]


def _pdftoppm(pdf: Path, prefix: Path, *options: str) -> None:
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise ConversionError("pdftoppm is not installed (Debian package poppler-utils)")
    try:
        subprocess.run(
            [exe, "-png", *options, str(pdf), str(prefix)],
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise ConversionError(f"pdftoppm took longer than {TIMEOUT:.0f} s on {pdf.name}") from None
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip()[-300:]
        raise ConversionError(f"pdftoppm failed on {pdf.name}: {detail}") from None


def ensure_previews(pdf: Path, folder: Path) -> list[tuple[Path, Path]]:
    """Render `pdf` into `folder` unless done already; safe when two processes ask at once."""
    if (folder / DONE).exists():
        return page_images(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock", timeout=TIMEOUT * 2):
        if (folder / DONE).exists():
            return page_images(folder)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            _pdftoppm(pdf, work / "page", "-r", str(PAGE_DPI))
            _pdftoppm(pdf, work / "thumb", "-scale-to", str(THUMB_PX))
            pages = sorted(work.glob("page-*.png"))
            if not pages or len(pages) != len(list(work.glob("thumb-*.png"))):
                raise ConversionError(f"pdftoppm wrote no pages for {pdf.name}")
            # pdftoppm pads page numbers to the page count's width: one width for every file
            for image in work.glob("*.png"):
                kind, number = image.stem.split("-")
                image.rename(work / f"{kind}-{int(number):03d}.png")
            (work / DONE).touch()
            if folder.exists():
                shutil.rmtree(folder)
            work.rename(folder)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return page_images(folder)
