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


@pytest.mark.libreoffice
def test_every_command_takes_log_file_and_verbose(tmp_path, capsys):
    """`--log-file` and `--verbose` on the command: the log in the file, on stderr only when
    asked, and nothing left set up once the command is done."""
    from generator.cli import main

    log_file = tmp_path / "keputusan.log"
    assert (
        main(["build", str(KECIL), "--out", str(tmp_path / "out"), "--variant", "asli", "--log-file", str(log_file)])
        == 0
    )
    assert "kecil: building asli into" in log_file.read_text()
    assert "building asli" not in capsys.readouterr().err  # the log is not said to staff
    assert main(["validate", str(KECIL), "--verbose", "--log-file", str(log_file)]) == 0
    left = [h for h in logging.getLogger("generator").handlers if not isinstance(h, logging.NullHandler)]
    assert left == []  # closed with the run
    assert main(["build", str(KECIL), "--out", str(tmp_path / "out"), "--variant", "asli", "-v"]) == 0
    assert "kecil: nothing changed since rev-001" in capsys.readouterr().err


def test_the_staff_options_are_on_every_command():
    import click

    from generator.cli import cli

    def commands(group: click.Command):
        yield group
        for sub in getattr(group, "commands", {}).values():
            yield from commands(sub)

    for command in commands(cli):
        names = {p.name for p in command.params}
        assert {"lang", "verbose", "log_file"} <= names, command.name
