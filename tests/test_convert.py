"""The LibreOffice wrapper under failure: fake converters that crash, hang or write nothing.

Each fake is a small shell script standing in for soffice, as an administrator might find a
broken installation; the real engine is exercised by the end-to-end tests.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from docx import Document

from generator.convert import SofficeConverter, find_soffice
from generator.errors import ConversionError, ConversionTimeout, ConverterMissing


def fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.fixture
def docx(tmp_path):
    path = tmp_path / "in.docx"
    doc = Document()
    doc.add_paragraph("Uji konversi")
    doc.save(str(path))
    return path


def test_crash_is_a_typed_error_and_leaves_nothing(tmp_path, docx):
    converter = SofficeConverter(
        soffice=fake_soffice(tmp_path, "echo 'segfault in vcl' >&2; exit 139"), log_folder=tmp_path / "logs"
    )
    with pytest.raises(ConversionError, match=r"exit 139.*segfault"):
        converter.convert(docx, tmp_path / "out" / "x.pdf")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    "body, error",
    [
        ("echo 'loading in.docx'; echo 'segfault in vcl' >&2; exit 139", ConversionError),
        ("echo 'loading in.docx'; echo 'segfault in vcl' >&2; exit 0", ConversionError),  # no PDF written
        ("echo 'loading in.docx'; echo 'segfault in vcl' >&2; exec sleep 30", ConversionTimeout),
    ],
    ids=["crash", "no pdf", "hang"],
)
def test_a_failed_conversion_keeps_libreoffices_output_and_names_it(tmp_path, docx, body, error):
    # the profile and work folder go, the log of what LibreOffice said stays, named in the error
    converter = SofficeConverter(timeout=2, soffice=fake_soffice(tmp_path, body), log_folder=tmp_path / "logs")
    with pytest.raises(error) as info:
        converter.convert(docx, tmp_path / "x.pdf")
    kept = info.value.log_path
    assert kept is not None and kept.parent == tmp_path / "logs" and "in" in kept.name
    assert f"LibreOffice log: {kept}" in str(info.value)
    text = kept.read_text()
    assert "loading in.docx" in text and "segfault in vcl" in text and str(docx.resolve()) in text
    assert converter.stats.failed_attempts == 1 and converter.stats.conversions == 0


def test_logs_are_kept_in_a_folder_of_this_users_own_under_the_temp_folder(tmp_path, monkeypatch, docx):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    converter = SofficeConverter(soffice=fake_soffice(tmp_path, "echo 'no display' >&2; exit 1"))
    with pytest.raises(ConversionError) as info:
        converter.convert(docx, tmp_path / "x.pdf")
    folder = tmp_path / f"keputusan-logs-{os.getuid()}"
    assert info.value.log_path.parent == folder and (folder.stat().st_mode & 0o777) == 0o700
    assert "no display" in info.value.log_path.read_text()
    # a folder of that name that is not a real folder (a planted link) is not written into
    folder.rename(tmp_path / "elsewhere")
    folder.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ConversionError) as info:
        converter.convert(docx, tmp_path / "x.pdf")
    assert info.value.log_path.parent.parent == tmp_path and info.value.log_path.parent != folder
    assert len(list((tmp_path / "elsewhere").iterdir())) == 1


def test_exit_zero_without_a_pdf_is_an_error(tmp_path, docx):
    converter = SofficeConverter(soffice=fake_soffice(tmp_path, "exit 0"), log_folder=tmp_path / "logs")
    with pytest.raises(ConversionError, match="without writing a PDF"):
        converter.convert(docx, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_an_empty_file_is_not_a_pdf(tmp_path, docx):
    # writes an empty in.pdf into --outdir (the argument after --outdir), then exits 0
    body = 'while [ "$1" != "--outdir" ]; do shift; done; : > "$2/in.pdf"; exit 0'
    converter = SofficeConverter(soffice=fake_soffice(tmp_path, body), log_folder=tmp_path / "logs")
    with pytest.raises(ConversionError, match="empty or broken PDF"):
        converter.convert(docx, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_hang_is_killed_at_the_timeout(tmp_path, docx):
    converter = SofficeConverter(
        timeout=1, soffice=fake_soffice(tmp_path, "sleep 30 & sleep 30"), log_folder=tmp_path / "logs"
    )
    started = time.monotonic()
    with pytest.raises(ConversionTimeout, match="within 1 s"):
        converter.convert(docx, tmp_path / "x.pdf")
    assert time.monotonic() - started < 10
    assert not (tmp_path / "x.pdf").exists()


def test_missing_libreoffice_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("KEPUTUSAN_SOFFICE", raising=False)
    with pytest.raises(ConverterMissing, match="make setup"):
        find_soffice()


@pytest.mark.libreoffice
def test_real_conversion_uses_its_own_profile(tmp_path, docx, monkeypatch):
    # a read-only HOME must not matter: the profile lives in the run's own folder
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    monkeypatch.setenv("HOME", str(home))
    pdf = SofficeConverter().convert(docx, tmp_path / "x.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert os.listdir(home) == []
