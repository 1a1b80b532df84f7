"""The log an administrator reads: stages, conversions and revisions of a real build, in the
file `logs.configure` names; nothing at all without it."""

from __future__ import annotations

import logging
import re

import pytest

from generator.logs import configure
from generator.pipeline import build
from tests.conftest import ROOT

KECIL = ROOT / "tests" / "fixtures" / "kecil"


@pytest.fixture
def unconfigured():
    yield
    configure()  # leave the package as a library leaves it: logging nowhere


@pytest.mark.libreoffice
def test_a_build_is_logged_in_the_file_and_nowhere_else(tmp_path, capfd, unconfigured):
    log_file = tmp_path / "logs" / "keputusan.log"
    configure(log_file, verbose=True)
    configure(log_file, verbose=True)  # again: replaces, never doubles, what the first call set up
    build(KECIL, tmp_path / "out", ("asli",))
    build(KECIL, tmp_path / "out", ("asli",))
    err = capfd.readouterr().err  # verbose: on stderr as well
    assert err.count("kecil: building asli into") == 1 and "kecil: nothing changed since rev-001" in err
    configure()
    build(KECIL, tmp_path / "other", ("asli",))
    assert capfd.readouterr().err == ""  # not configured: a library says nothing
    text = log_file.read_text()
    lines = text.splitlines()
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO) +generator\.", line) for line in lines)
    assert len([line for line in lines if "kecil: building asli into" in line]) == 1
    assert re.search(r"worker 0: LibreOffice pid \d+ ready in \d+\.\d s", text)
    assert re.search(r"converted kecil-asli-keputusan\.docx in \d+\.\d\d s \(LibreOffice [\d.]+ s\) on pid \d+", text)
    assert "page breaks of kecil-asli-lampiran.docx settled after" in text
    assert re.search(r"kecil: built in \d+\.\d s \(asli 3 pages\)", text)
    assert "new revision rev-001" in text and "kecil: nothing changed since rev-001" in text
    assert str(tmp_path / "other") not in text
    assert logging.getLogger("generator").level == logging.NOTSET
