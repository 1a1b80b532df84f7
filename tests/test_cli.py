"""The `keputusan` command as staff run it: exit codes, messages, nothing half-written."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, body_text, pages_text, squash

KECIL = ROOT / "tests" / "fixtures" / "kecil"


def keputusan(*args, env=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd or ROOT,
    )


def test_help_on_every_command():
    for args in ([], ["build"]):
        result = keputusan(*args, "--help")
        assert result.returncode == 0 and "Penggunaan:" in result.stdout and "Opsi:" in result.stdout
        result = keputusan(*args, "--help", "--lang", "en")
        assert result.returncode == 0 and "Usage:" in result.stdout and "Options:" in result.stdout


def test_bad_input_exits_2_names_the_place_and_writes_nothing(case_copy, tmp_path):
    text = (case_copy / "keputusan.yaml").read_text().replace("tanggal: 2022-01-17", "tanggal: 2022-13-01")
    (case_copy / "keputusan.yaml").write_text(text)
    out = tmp_path / "out"
    result = keputusan("build", case_copy, "--out", out)
    assert result.returncode == 2
    assert "kunci ditetapkan.tanggal (baris" in result.stderr and "TTTT-BB-HH" in result.stderr  # Indonesian by default
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()


def test_conversion_failure_exits_3_and_leaves_no_partial_output(tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    fake.chmod(0o755)
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    result = keputusan("build", KECIL, "--out", out, env={"KEPUTUSAN_SOFFICE": str(fake), "TMPDIR": str(tmp)})
    assert result.returncode == 3, result.stderr
    assert "LibreOffice gagal membuat PDF dari kecil-asli-keputusan.docx" in result.stderr
    assert "Traceback" not in result.stderr and "cannot open display" not in result.stderr  # its words: in the log
    assert not out.exists()
    # what LibreOffice said is kept where the message says, for whoever looks into it
    [log] = (tmp / f"keputusan-logs-{os.getuid()}").iterdir()
    assert f"(catatan LibreOffice disimpan di {log};" in result.stderr
    assert "cannot open display" in log.read_text()


@pytest.fixture(scope="module")
def kecil_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("kecil")
    result = keputusan("build", KECIL, "--out", out)
    assert result.returncode == 0, result.stderr
    return out / "kecil"


@pytest.mark.libreoffice
def test_special_characters_print_as_typed_in_the_pdf(kecil_build):
    text = squash(body_text(kecil_build / "kecil-asli.pdf"))
    assert squash('bahwa teks {{ bukan_variabel }} dan {% if x %} serta "kutip" & <tag> harus') in text
    assert squash("Membentuk tim & <menetapkan> {{ tugas }}") in text


@pytest.mark.libreoffice
def test_a4_and_restarting_lampiran_numbers(kecil_build):
    pdf = kecil_build / "kecil-salinan.pdf"
    texts = pages_text(pdf)
    lampiran_first = next(i for i, t in enumerate(texts, start=1) if "PELAKSANAAN (BULAN)" in t)
    tops = [t.splitlines()[0].strip() for t in texts]
    assert lampiran_first > 1
    # the decree counts from 1 (its first page unnumbered), the lampiran restarts at 1
    expected = [f"- {n} -" for n in range(2, lampiran_first)] + [
        f"- {n} -" for n in range(2, len(texts) - lampiran_first + 2)
    ]
    shown = [top for i, top in enumerate(tops, start=1) if i not in (1, lampiran_first)]
    assert shown == expected
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in out


@pytest.mark.libreoffice
def test_lampiran_table_stays_within_the_margins(kecil_build):
    """On A4 the month columns are narrow ("10" does not fit on one line): the table keeps its
    columns and stays inside the page's right margin instead of growing past the edge."""
    import re

    pdf = kecil_build / "kecil-asli.pdf"
    page = next(i for i, t in enumerate(pages_text(pdf), start=1) if "PELAKSANAAN (BULAN)" in t)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    right_edge = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox))
    margin = 20 / 25.4 * 72  # the default profile's right margin (kanan), 20 mm
    assert right_edge <= width - margin + 1, f"text reaches {right_edge:.0f} pt of {width:.0f}"


@pytest.mark.libreoffice
def test_lampiran_header_words_stay_whole_on_a4(kecil_build):
    """The header is drawn for F4; on A4 its columns narrow and its type shrinks with them, so
    no header word breaks across lines (it broke as PERUBAHA/N and 1/0 before)."""
    import re

    pdf = kecil_build / "kecil-asli.pdf"
    page = next(i for i, t in enumerate(pages_text(pdf), start=1) if "PELAKSANAAN (BULAN)" in t)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = re.findall(r">([^<]+)</word>", bbox)
    for whole in ("PERUBAHAN", "KEBERHASILAN", "10", "11", "12", "18"):
        assert whole in words, f"{whole} broken across lines: {words[:60]}"


def _gray(pgm: bytes, x: int, y: int) -> int:
    header_end, fields = 0, []
    while len(fields) < 4:  # P5 width height maxval
        start = header_end
        while pgm[start : start + 1].isspace():
            start += 1
        end = start
        while not pgm[end : end + 1].isspace():
            end += 1
        fields.append(pgm[start:end])
        header_end = end
    width = int(fields[1])
    return pgm[header_end + 1 + y * width + x]


@pytest.mark.libreoffice
def test_scheduled_months_are_visibly_shaded(kecil_build, tmp_path):
    """Staff see the schedule: the January cell of row a. is grey, its March cell is white."""
    import re

    pdf = kecil_build / "kecil-asli.pdf"
    page = next(i for i, t in enumerate(pages_text(pdf), start=1) if "PELAKSANAAN (BULAN)" in t)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [
        (float(a), float(b), float(c), float(d), w)
        for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', bbox
        )
    ]
    column_row_y = max(w[1] for w in words if w[4] == "18")
    col = {w[4]: (w[0] + w[2]) / 2 for w in words if abs(w[1] - column_row_y) < 2}
    row_y = next(w[1] for w in words if w[4] == "Membentuk") + 3
    subprocess.run(
        ["pdftoppm", "-r", "72", "-gray", "-f", str(page), "-l", str(page), str(pdf), str(tmp_path / "p")], check=True
    )
    pgm = next(tmp_path.glob("p*.pgm")).read_bytes()
    january, february, march = (_gray(pgm, int(col[str(n)]), int(row_y)) for n in (6, 7, 8))
    assert january < 180 and february < 180, "scheduled months not shaded"
    assert march > 240, "an unscheduled month is shaded"


@pytest.mark.libreoffice
def test_rebuild_replaces_own_output_but_never_a_changed_file(kecil_build):
    out_root = kecil_build.parent
    assert keputusan("build", KECIL, "--out", out_root).returncode == 0  # unchanged outputs: replaced
    bundle = kecil_build / "kecil-salinan.pdf"
    edited = bundle.read_bytes() + b"%edited by hand\n"
    bundle.write_bytes(edited)
    result = keputusan("build", KECIL, "--out", out_root)
    assert result.returncode == 4
    assert "tidak menimpa" in result.stderr and "kecil-salinan.pdf" in result.stderr
    assert bundle.read_bytes() == edited
    assert not [p for p in kecil_build.iterdir() if p.name.startswith(".build-")]


# ---------------------------------------------------------------- the machine refuses


def test_a_file_where_the_case_folder_goes_is_named_exit_5(tmp_path):
    out = tmp_path / "hasil"
    out.mkdir()
    (out / "kecil").write_text("a file of the user's, where the case's folder would go")
    result = keputusan("build", KECIL, "--out", out)
    assert result.returncode == 5, result.stderr
    assert f"{out / 'kecil'} bukan folder" in result.stderr and "internal" not in result.stderr
    assert (out / "kecil").read_text().startswith("a file of the user's")


def test_a_name_too_long_for_the_file_system_is_named_exit_5(tmp_path):
    case = tmp_path / "tests" / "fixtures" / ("k" * 250)  # the case's name makes the file names
    shutil.copytree(KECIL, case)  # beside data/ as the fixture's library reference expects
    shutil.copytree(ROOT / "data", tmp_path / "data")
    result = keputusan("build", case, "--out", tmp_path / "hasil", "--lang", "en")
    assert result.returncode == 5, result.stderr
    assert "a file name is too long" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "hasil").exists()


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (errno.EROFS, "folder itu tidak boleh ditulisi"),
        (errno.EACCES, "folder itu tidak boleh ditulisi"),
        (errno.ENOSPC, "disk penuh saat menulis"),
    ],
)
def test_a_read_only_folder_or_a_full_disk_is_named_not_an_internal_error(
    tmp_path, capsys, monkeypatch, error, expected
):
    """Injected: tests run as root, which writes into read-only folders, and the disk is large."""
    import pathlib

    from generator.cli import main

    real_mkdir = pathlib.Path.mkdir

    def refuse(self, *args, **kwargs):
        if self.is_relative_to(tmp_path / "hasil"):
            raise OSError(error, os.strerror(error), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", refuse)
    assert main(["build", str(KECIL), "--out", str(tmp_path / "hasil")]) == 5
    err = capsys.readouterr().err
    assert expected in err and str(tmp_path / "hasil") in err and "internal" not in err


# ---------------------------------------------------------------- an office's own templates


def _own_templates(folder):
    """The default templates, the decree's with a line of the office's own above everything."""
    from docx import Document

    from generator.template_files import default_folder

    shutil.copytree(default_folder(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    doc = Document(str(folder / "keputusan.docx"))
    doc.paragraphs[0].insert_paragraph_before("KOP SURAT KANTOR SENDIRI")
    doc.save(str(folder / "keputusan.docx"))
    return folder


def _kecil_copy(tmp_path, profil_extra=""):
    case = tmp_path / "tests" / "fixtures" / "kecil"
    shutil.copytree(KECIL, case)
    shutil.copytree(ROOT / "data", tmp_path / "data")  # the fixture's library: ../../../data/
    if profil_extra:
        text = (case / "keputusan.yaml").read_text().replace("profil:\n", f"profil:\n{profil_extra}", 1)
        (case / "keputusan.yaml").write_text(text)
    return case


@pytest.mark.libreoffice
def test_templates_option_and_the_case_setting_choose_the_offices_own_templates(tmp_path):
    own = _own_templates(tmp_path / "templat-kantor")
    result = keputusan("build", KECIL, "--out", tmp_path / "a", "--templates", own)
    assert result.returncode == 0, result.stderr
    assert "KOP SURAT KANTOR SENDIRI" in body_text(tmp_path / "a" / "kecil" / "kecil-asli.pdf")

    case = _kecil_copy(tmp_path, "  templat: ../../../templat-kantor\n")  # relative to the case folder
    assert keputusan("build", case, "--out", tmp_path / "b").returncode == 0
    assert "KOP SURAT KANTOR SENDIRI" in body_text(tmp_path / "b" / "kecil" / "kecil-salinan.pdf")


def test_a_templates_folder_without_the_templates_is_refused_before_any_work(tmp_path):
    folder = tmp_path / "templat"
    folder.mkdir()
    (folder / "keputusan.docx").write_text("not a Word file")
    result = keputusan("build", KECIL, "--out", tmp_path / "out", "--templates", folder)
    assert result.returncode == 2
    assert "templat keputusan.docx bukan dokumen Word" in result.stderr
    assert "templat lampiran.docx tidak ada" in result.stderr  # every problem, not the first
    assert not (tmp_path / "out").exists()

    case = _kecil_copy(tmp_path, "  templat: tidak-ada\n")
    result = keputusan("build", case, "--out", tmp_path / "out2")
    assert result.returncode == 2 and "tidak-ada: bukan folder templat" in result.stderr
    assert not (tmp_path / "out2").exists()


def test_a_batch_takes_the_base_cases_templates_unless_told(tmp_path):
    from generator.batch import run_batch
    from generator.errors import DataError
    from generator.offices import read_batch

    shutil.copytree(ROOT / "data", tmp_path / "data")
    decree = tmp_path / "data" / "kpu-ntb-2022" / "keputusan.yaml"
    decree.write_text(decree.read_text().replace("profil: {}", "profil:\n  templat: templat-kantor"))
    batch_dir = tmp_path / "data" / "kpu-ntb-2022-kabkota"
    setting = read_batch(batch_dir).templates_setting()
    assert setting.resolve() == tmp_path / "data" / "kpu-ntb-2022" / "templat-kantor"
    with pytest.raises(DataError, match="templat-kantor"):  # checked before anything is written
        run_batch(batch_dir, tmp_path / "out")
    assert not (tmp_path / "out").exists()
