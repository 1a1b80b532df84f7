"""The package as an office's IT staff install it: a wheel, in a fresh virtual environment,
used outside this checkout. The wheel must carry everything a build needs (templates, the UNO
helper); nothing may be found through the checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import NTB_CASE, ROOT

from generator import __version__

pytestmark = pytest.mark.libreoffice


def _run(cmd: list, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_the_wheel_installs_and_builds_the_ntb_case_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT], cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("keputusan-*.whl")
    assert wheel.name.startswith(f"keputusan-{__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "generator/templates/keputusan.docx",
        "generator/templates/lampiran.docx",
        "generator/uno_helper.py",
    ):
        assert needed in names

    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", venv], cwd=tmp_path).returncode == 0
    installed = _run([venv / "bin" / "pip", "install", "-q", "--disable-pip-version-check", wheel], cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr

    work = tmp_path / "kantor"  # a folder of the user's, far from the checkout
    shutil.copytree(NTB_CASE, work / "data" / NTB_CASE.name)
    shutil.copy(NTB_CASE.parent / "dasar-hukum.yaml", work / "data" / "dasar-hukum.yaml")

    where = _run([venv / "bin" / "python", "-c", "import generator; print(generator.__file__)"], cwd=work)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    version = _run([venv / "bin" / "python", "-m", "generator", "--version"], cwd=work)
    assert version.returncode == 0 and __version__ in version.stdout

    build = _run([venv / "bin" / "keputusan", "build", f"data/{NTB_CASE.name}", "--out", "hasil"], cwd=work)
    assert build.returncode == 0, build.stderr
    for variant in ("asli", "salinan"):
        pdf = work / "hasil" / NTB_CASE.name / f"{NTB_CASE.name}-{variant}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF-")
        info = _run(["pdfinfo", pdf], cwd=work).stdout
        assert re.search(r"^Pages:\s+13$", info, re.M), info  # as the build in the checkout makes them
