"""The package as an office's IT staff install it: a wheel, in a fresh virtual environment,
used outside this checkout. The wheel must carry everything a build needs (templates, the UNO
helper); nothing may be found through the checkout."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
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


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout, installed with its web extra into a fresh venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT], cwd=tmp)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("keputusan-*.whl")
    assert wheel.name.startswith(f"keputusan-{__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "generator/templates/keputusan.docx",
        "generator/templates/lampiran.docx",
        "generator/uno_helper.py",
        "generator/web/migrations/0001_initial.py",
        "generator/web/static/keputusan_web/app.css",
        "generator/web/templates/keputusan_web/base.html",
    ):
        assert needed in names, needed
    venv = tmp / "venv"
    assert _run([sys.executable, "-m", "venv", venv], cwd=tmp).returncode == 0
    pip = [venv / "bin" / "pip", "install", "-q", "--disable-pip-version-check", f"{wheel}[web]"]
    result = _run(pip, cwd=tmp)
    assert result.returncode == 0, result.stderr
    return venv


def test_the_wheel_installs_and_builds_the_ntb_case_outside_the_checkout(installed, tmp_path):
    venv = installed
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


def test_the_web_application_runs_from_the_wheel(installed, tmp_path):
    """What the README tells IT staff: install the wheel with [web], add the administrator,
    `keputusan serve`: the login page and its style sheet are served, SIGTERM stops it all."""
    keputusan, data = installed / "bin" / "keputusan", tmp_path / "data-web"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE")}
    added = subprocess.run(
        [keputusan, "user", "add", "admin", "--admin", "--password-stdin", "--data", data],
        input="kata-sandi-panjang-2024\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [keputusan, "serve", "--port", str(port), "--data", data, "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        base, page = f"http://127.0.0.1:{port}", None
        deadline = time.monotonic() + 120
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                page = urllib.request.urlopen(base + "/masuk/", timeout=5).read().decode()
            except OSError:
                time.sleep(0.5)
        assert page is not None, server.stderr.read() if server.poll() is not None else "no answer"
        assert "Masuk" in page
        css = re.search(r'href="([^"]+\.css)"', page)
        assert css and urllib.request.urlopen(base + css.group(1), timeout=5).status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=120)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
    assert code == 0, server.stderr.read()
    alive = subprocess.run(["pgrep", "-s", str(server.pid)], capture_output=True, text=True, check=False)
    assert alive.stdout.strip() == ""  # gunicorn, the worker and its LibreOffice are gone
