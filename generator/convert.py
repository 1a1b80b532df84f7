"""The one place that runs LibreOffice: DOCX -> PDF, headless, each run in its own profile.

Every run has a timeout, a private profile directory (two processes sharing one profile hand
jobs to each other or exit 1 silently), and a check that the PDF exists and is a PDF. The PDF
appears at its destination only when complete (written beside it, then renamed).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from . import atomic
from .errors import ConversionError, ConversionTimeout, ConverterMissing

DEFAULT_TIMEOUT = 120.0
# PDF/A-2b: every font embedded, XMP claim written (measured to work with LibreOffice 7.4).
# Word bookmarks become named destinations: layout.py reads on which page each lampiran row
# landed from them (bundle.merge drops them from the bundle).
PDF_EXPORT = {
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
}


def find_soffice() -> str:
    """Path of the soffice binary; raises ConverterMissing with the fix when there is none."""
    for name in (os.environ.get("KEPUTUSAN_SOFFICE"), "soffice", "libreoffice"):
        if name and (path := shutil.which(name)):
            return path
    raise ConverterMissing(
        "LibreOffice (soffice) is not installed: run `make setup` "
        "(or apt-get install libreoffice-writer-nogui), or set KEPUTUSAN_SOFFICE"
    )


class SofficeConverter:
    """Cold conversion: one fresh `soffice --headless --convert-to pdf` per document."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, soffice: str | None = None):
        self.timeout = timeout
        self.soffice = soffice or find_soffice()

    def convert(self, src: Path, dst: Path) -> Path:
        src, dst = Path(src), Path(dst)
        if not src.is_file():
            raise ConversionError(f"{src}: document to convert does not exist")
        dst.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="keputusan-lo-") as work:
            work_dir = Path(work)
            profile = work_dir / "profile"
            outdir = work_dir / "out"
            outdir.mkdir()
            filter_spec = "pdf:writer_pdf_Export:" + json.dumps(PDF_EXPORT, separators=(",", ":"))
            cmd = [
                self.soffice,
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--nodefault",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                filter_spec,
                "--outdir",
                str(outdir),
                str(src.resolve()),
            ]
            env = dict(os.environ, HOME=str(work_dir))  # LibreOffice writes under $HOME too
            try:
                run(cmd, timeout=self.timeout, env=env, what=src.name)
            finally:
                remove_leftovers(ipc_leftovers(profile))  # left only when it had to be killed
            produced = outdir / (src.stem + ".pdf")
            check_pdf(produced, src)
            with atomic.replacing(dst) as tmp:
                shutil.move(str(produced), tmp)
        return dst


def run(cmd: list[str], *, timeout: float, env: dict, what: str) -> subprocess.CompletedProcess:
    """Run LibreOffice in its own process group, so a timeout kills it and every child."""
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    except OSError as exc:
        raise ConverterMissing(f"cannot start LibreOffice ({cmd[0]}): {exc.strerror}") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ConversionTimeout(f"LibreOffice did not convert {what} within {timeout:g} s and was stopped") from None
    if proc.returncode != 0:
        detail = (err or out).decode(errors="replace").strip().splitlines()
        detail = [line for line in detail if "javaldx" not in line]  # harmless, printed every run
        raise ConversionError(
            f"LibreOffice failed to convert {what} (exit {proc.returncode})" + (f": {detail[-1]}" if detail else "")
        )
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def check_pdf(produced: Path, src: Path) -> None:
    """LibreOffice can exit 0 without writing anything: trust only a real, non-empty PDF."""
    if not produced.is_file():
        raise ConversionError(f"LibreOffice exited without writing a PDF for {src.name}")
    with produced.open("rb") as fh:
        head = fh.read(5)
    if produced.stat().st_size < 200 or head != b"%PDF-":
        raise ConversionError(f"LibreOffice wrote an empty or broken PDF for {src.name}")


def ipc_leftovers(profile: Path, pipe: str | None = None) -> list[Path]:
    """The sockets a killed LibreOffice leaves in /tmp: its single-instance pipe (named by the MD5
    of its profile URL in UTF-16, in hex without leading zeros) and its UNO pipe. A LibreOffice
    that exits normally removes them; one that is killed cannot."""
    uid = os.getuid()
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le")).digest()
    names = [f"OSL_PIPE_{uid}_SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)]
    if pipe:
        names.append(f"OSL_PIPE_{uid}_{pipe}")
    return [Path(folder) / name for folder in ("/tmp", "/var/tmp") for name in names]


def remove_leftovers(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:
            pass


def start_listener(profile: Path, pipe: str, *, soffice: str | None = None, log=None) -> subprocess.Popen:
    """Start a long-lived LibreOffice that takes UNO connections on the named pipe `pipe`.

    Used by the warm converters (warm.py). It gets its own profile (`profile`, a folder of its
    own) and $HOME, and its own process group (the group id is the returned process's pid), so
    that killing the group stops it and every child. The pipe name is unique to the process,
    so no port can be taken by another program or answered by another LibreOffice.
    """
    cmd = [
        soffice or find_soffice(),
        "--headless",
        "--invisible",
        "--nocrashreport",
        "--nodefault",
        "--nologo",
        "--nofirststartwizard",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]
    env = dict(os.environ, HOME=str(profile.parent))
    out = log if log is not None else subprocess.DEVNULL
    try:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env, process_group=0)
    except OSError as exc:
        raise ConverterMissing(f"cannot start LibreOffice ({cmd[0]}): {exc.strerror}") from None
