"""Every error path of the command, run with --lang id: all it says is the catalogue's Indonesian.

Each run checks the exit code, that the message meant for that path was said, and that every
line is a text of the catalogue in Indonesian (fields filled with paths, numbers and the case's
own values) with no word only the catalogue's English uses (tests/catalogue_check.py). Paths
that LibreOffice cannot reach quickly are injected (a full disk, a layout that never settles);
the rest is real: real case data gone wrong, real LibreOffice failing, real signatures.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.messages import CATALOGUE
from tests.catalogue_check import english_only_words, indonesian_problems, said
from tests.conftest import NTB_CASE, ROOT
from tests.sign_fixtures import PASSPHRASE
from tests.test_validate_inputs import CASES, workbook_case  # noqa: F401 - a fixture of that module too
from tests.test_warm import FAULTY

KECIL = ROOT / "tests" / "fixtures" / "kecil"
DATA = ("Nama Contoh (placeholder)", "Pengesah Contoh (placeholder)")  # the small case's own values


@pytest.fixture
def say_id(capsys, monkeypatch):
    """Run `keputusan ARGS --lang id` in this process; check what it said; return it."""
    monkeypatch.delenv("KEPUTUSAN_LANG", raising=False)

    def run(*args, exit: int, codes: tuple[str, ...] = (), data: tuple[str, ...] = (), lines: bool = True) -> str:
        args = [*map(str, args)]
        code = main(args if "--lang" in args else [*args, "--lang", "id"])
        out, err = capsys.readouterr()
        return check(out + err, code, exit=exit, codes=codes, data=data, lines=lines)

    return run


def check(text: str, code: int, *, exit: int, codes=(), data=(), lines: bool = True) -> str:
    assert code == exit, text
    assert "Traceback" not in text, text
    problems = indonesian_problems(text, DATA + tuple(data))
    if not lines:  # help: lines wrapped by click, so only the words are checked
        problems = [p for p in problems if p.startswith("English words")]
    assert not problems, "\n".join(problems) + "\n---\n" + text
    missing = [c for c in codes if not said(text, c)]
    assert not missing, f"not said: {missing}\n---\n{text}"
    return text


def kecil_copy(tmp_path: Path, name: str = "kecil") -> Path:
    """A writable copy of the small case, its library where its keputusan.yaml looks for it."""
    case = tmp_path / "tests" / "fixtures" / name
    shutil.copytree(KECIL, case)
    if not (tmp_path / "data").exists():
        shutil.copytree(ROOT / "data", tmp_path / "data")
    return case


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_check_itself_finds_english_and_text_of_no_catalogue():
    english = "keputusan: nothing written: not overwriting a.pdf: it is signed"
    assert indonesian_problems(english) and indonesian_problems("keputusan: sesuatu yang dikarang sendiri")
    assert "placeholder" in english_only_words()  # so the case's own values are allowed by name
    assert not indonesian_problems(
        "keputusan: tidak menulis hasil: tidak menimpa /a/b.pdf: file itu bertanda tangan (memuat tanda tangan "
        "digital), dan PDF bertanda tangan tidak pernah diubah; pindahkan file itu, atau pilih folder --out lain"
    )


# ---------------------------------------------------------------- bad case data, of each kind


@pytest.mark.parametrize("what, form, change, place, words", CASES, ids=[c[0] for c in CASES])
def test_bad_case_data(what, form, change, place, words, case_copy, workbook_case, tmp_path, say_id):  # noqa: F811
    case = case_copy if form == "yaml" else shutil.copytree(workbook_case, tmp_path / "book" / "kpu-ntb-2022")
    change(case)
    say_id("validate", case, exit=2, codes=("problems.heading", "problems.fix"))


@pytest.mark.parametrize(
    "text, code",
    [
        ("tentang: 'tidak ditutup\n", "yaml.syntax"),
        ("tentang: a: b\n", "yaml.syntax"),
        ("- sebuah daftar\n- bukan kunci\n", "yaml.not_mapping"),
    ],
)
def test_a_yaml_file_that_is_no_yaml(tmp_path, say_id, text, code):
    case = kecil_copy(tmp_path)
    rest = "" if code == "yaml.not_mapping" else (case / "keputusan.yaml").read_text(encoding="utf-8")
    (case / "keputusan.yaml").write_text(text + rest, encoding="utf-8")
    say_id("validate", case, exit=2, codes=(code,))


def test_unreadable_and_missing_case_files(tmp_path, say_id):
    case = kecil_copy(tmp_path)
    (case / "keputusan.yaml").write_bytes(b"tentang: \xff\xfe tidak UTF-8\n")
    say_id("validate", case, exit=2, codes=("file.not_utf8",))
    say_id("validate", tmp_path / "tidak-ada", exit=2, codes=("case.not_folder",))
    (tmp_path / "kosong").mkdir()
    say_id("validate", tmp_path / "kosong", exit=2, codes=("case.no_data",))
    both = kecil_copy(tmp_path, "dua-bentuk")
    (both / "keputusan.xlsx").write_bytes(b"")
    say_id("validate", both, exit=2, codes=("case.both_forms",))
    library = kecil_copy(tmp_path, "tanpa-pustaka")
    edit(library / "keputusan.yaml", "../../../data/dasar-hukum.yaml", "tidak-ada.yaml")
    say_id("validate", library, exit=2, codes=("library.missing",))


def test_init_and_convert_say_what_they_made_and_never_overwrite(tmp_path, say_id):
    say_id("init", tmp_path / "baru", exit=0, codes=("init.done",))
    say_id("init", tmp_path / "baru", exit=4, codes=("output.case_exists",))
    say_id("convert-case", NTB_CASE, tmp_path / "buku", exit=0, codes=("convert.done",))


# ---------------------------------------------------------------- the offices of a batch


def batch_folder(tmp_path: Path, spec) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir(exist_ok=True)
    text = spec if isinstance(spec, str) else yaml.safe_dump(spec, allow_unicode=True)
    (folder / "kantor.yaml").write_text(text, encoding="utf-8")
    return folder


OFFICE = {"kode_wilayah": "5203", "wilayah": "Kabupaten Lombok Timur", "kedudukan": "Selong", "urut": 3}
OFFICE |= {"penandatangan_nama": "Ketua Selong", "pengesah_nama": "Pengesah Selong"}


@pytest.mark.parametrize(
    "spec, code",
    [
        ("- dasar\n- kantor\n", "batch.not_mapping"),
        ({"kantor": [OFFICE]}, "value.missing"),
        ({"dasar": "../tidak-ada", "kantor": [OFFICE]}, "batch.no_base"),
        ({"dasar": str(KECIL), "kantor": [OFFICE], "lain": 1}, "key.unknown_noguess"),
        ({"dasar": str(KECIL), "kantor": [{**OFFICE, "kode_wilayah": "520"}]}, "office.bad_code"),
        ({"dasar": str(KECIL), "kantor": [OFFICE, OFFICE]}, "office.duplicate"),
        ({"dasar": str(KECIL), "kantor": [{**OFFICE, "wilayah": ""}]}, "office.wilayah_missing"),
        ({"dasar": str(KECIL), "kantor": ["5203"]}, "office.not_mapping"),
        ({"dasar": str(KECIL), "kantor": [OFFICE], "ganti_sebutan": {"KPU": "{wilayahh}"}}, "batch.rename_placeholder"),
        ({"dasar": str(KECIL), "kantor": [OFFICE], "ganti_sebutan": {" ": "x"}}, "batch.rename_empty"),
    ],
)
def test_a_bad_batch_file(tmp_path, say_id, spec, code):
    say_id("batch", batch_folder(tmp_path, spec), "--out", tmp_path / "out", exit=2, codes=(code,))
    assert not (tmp_path / "out").exists()


def test_a_batch_that_is_no_batch(tmp_path, say_id):
    folder = batch_folder(tmp_path, {"dasar": str(KECIL), "kantor": [OFFICE]})
    say_id("batch", folder, "--only", "5204", exit=2, codes=("office.only_unknown",))
    say_id("batch", folder, "--only", "9999", exit=2, codes=("office.only_unknown_noguess",))
    say_id("batch", KECIL, exit=2, codes=("batch.single_case",))
    say_id("batch", tmp_path / "tidak-ada", exit=2, codes=("batch.not_folder",))
    (tmp_path / "kosong").mkdir()
    say_id("batch", tmp_path / "kosong", exit=2, codes=("batch.no_file",))
    from generator.batch import folder_lock

    with folder_lock(tmp_path / "out"):
        say_id("batch", folder, "--out", tmp_path / "out", exit=4, codes=("output.locked",))


@pytest.mark.libreoffice
def test_offices_that_fail_each_with_its_reason_and_the_summary(tmp_path, say_id, capsys):
    """Each office wrong in its own way; one office right, built, in the summary table."""
    change = lambda n, c: {**OFFICE, "kode_wilayah": f"52{n:02d}", "wilayah": f"Kabupaten Uji {n}", **c}  # noqa: E731
    wrong = {
        "office.required": {"kedudukan": None},
        "change.no_kegiatan": {"rencana_aksi": [{"hapus": {"kegiatan": "Gratifkasi"}}]},
        "change.no_kegiatan_noguess": {"rencana_aksi": [{"hapus": {"kegiatan": "Tidak Ada Sama Sekali"}}]},
        "change.one_action": {"rencana_aksi": [{"hapus": {"kegiatan": "x"}, "ubah": {"kegiatan": "x"}}]},
        "change.ubah_nothing": {"rencana_aksi": [{"ubah": {"kegiatan": "x"}}]},
        "change.month": {"rencana_aksi": [{"tambah": {"kegiatan": "x"}, "sub_kegiatan": "y", "bulan": [13]}]},
        "change.tambah_huruf": {"rencana_aksi": [{"tambah": {"kegiatan": "x", "huruf": "a"}, "sub_kegiatan": "y"}]},
        "change.needs_indikator": {
            "rencana_aksi": [{"tambah": {"kegiatan": "Baru", "area": "Area Baru"}, "sub_kegiatan": "y"}]
        },
        "value.pattern": {"rencana_aksi": [{"hapus": {"kegiatan": "x", "huruf": "1"}}]},
    }
    offices = [{**OFFICE, "kode_wilayah": "5201", "wilayah": "Kabupaten Lombok Barat", "kedudukan": "Gerung"}]
    offices += [
        {k: v for k, v in change(n, c).items() if v is not None} for n, c in enumerate(wrong.values(), start=10)
    ]
    folder = batch_folder(tmp_path, {"dasar": str(KECIL), "kantor": offices})
    code = main(["batch", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1", "--lang", "id"])
    out, err = capsys.readouterr()
    # the table on stdout: the catalogue's column names, a row per office with its status
    heading, *rows = out.splitlines()
    assert heading.split() == CATALOGUE["batch.columns"]["id"].split("|")
    statuses = {CATALOGUE[f"batch.status.{s}"]["id"] for s in ("built", "unchanged", "failed")}
    assert len(rows) == 1 + len(wrong) and all(set(row.split()) & statuses for row in rows), out
    assert [row.split()[0] for row in rows if CATALOGUE["batch.status.built"]["id"] in row.split()] == ["5201"]
    check(err, code, exit=1, codes=("batch.failed_office", "batch.summary", "batch.incomplete", *wrong))


# ---------------------------------------------------------------- the Word templates


def templates_copy(tmp_path: Path, text: str | None = None) -> Path:
    from docx import Document

    from generator.template_files import default_folder

    folder = tmp_path / "templat"
    shutil.copytree(default_folder(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if text is not None:
        doc = Document(str(folder / "keputusan.docx"))
        doc.paragraphs[0].insert_paragraph_before(text)
        doc.save(str(folder / "keputusan.docx"))
    return folder


@pytest.mark.parametrize(
    "text, code",
    [
        ("{{ kolom_yang_tidak_ada }}", "template.unknown_field"),
        ("{{ ''.__class__.__mro__ }}", "template.runs_code"),
        ("{% if %}", "template.syntax"),
    ],
)
def test_a_template_that_cannot_be_filled(tmp_path, say_id, text, code):
    folder = templates_copy(tmp_path, text)
    say_id("build", KECIL, "--out", tmp_path / "out", "--templates", folder, exit=2, codes=(code,))


def test_templates_missing_or_foreign(tmp_path, say_id):
    say_id("build", KECIL, "--out", tmp_path / "out", "--templates", tmp_path / "tidak-ada", exit=2)
    folder = templates_copy(tmp_path)
    (folder / "lampiran.docx").unlink()
    (folder / "keputusan.docx").write_text("bukan Word")
    codes = ("templates.missing", "templates.not_docx")
    say_id("build", KECIL, "--out", tmp_path / "out", "--templates", folder, exit=2, codes=codes)
    broken = templates_copy(tmp_path / "rusak")
    import zipfile

    docx = broken / "keputusan.docx"
    with zipfile.ZipFile(docx) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    parts["word/document.xml"] = b"<w:document"  # not XML: Word cannot open it either
    with zipfile.ZipFile(docx, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    say_id("build", KECIL, "--out", tmp_path / "out", "--templates", broken, exit=2, codes=("template.unreadable",))


# ---------------------------------------------------------------- outputs and the machine


def test_a_signed_bundle_or_a_file_in_the_way_is_never_overwritten(tmp_path, signed_asli, say_id):
    out = tmp_path / "out"
    (out / "kecil").mkdir(parents=True)
    shutil.copy(signed_asli, out / "kecil" / "kecil-asli.pdf")
    say_id(
        "build",
        KECIL,
        "--out",
        out,
        exit=4,
        codes=("output.refused", "output.kept_signed", "output.advice.move_then_build"),
    )
    (tmp_path / "lain").mkdir()
    (tmp_path / "lain" / "kecil").write_text("a file of the user's where the case's folder goes")
    say_id("build", KECIL, "--out", tmp_path / "lain", exit=5, codes=("fs.not_folder",))


@pytest.mark.parametrize(
    "number, code", [(errno.EROFS, "fs.not_writable"), (errno.ENOSPC, "fs.disk_full"), (errno.EIO, "fs.other")]
)
def test_the_machine_refuses(tmp_path, monkeypatch, say_id, number, code):
    import pathlib

    real_mkdir = pathlib.Path.mkdir

    def refuse(self, *args, **kwargs):
        if self.is_relative_to(tmp_path / "hasil"):
            raise OSError(number, os.strerror(number), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", refuse)
    say_id("build", KECIL, "--out", tmp_path / "hasil", exit=5, codes=(code,))


def test_a_name_too_long_for_the_file_system(tmp_path, say_id):
    case = kecil_copy(tmp_path, "k" * 250)
    say_id("build", case, "--out", tmp_path / "hasil", exit=5, codes=("fs.name_too_long",), data=("k" * 250,))


# ---------------------------------------------------------------- click's own words


@pytest.mark.parametrize(
    "args, code",
    [
        (["build"], "click.missing_argument"),
        (["build", KECIL, "--nope"], "click.no_such_option"),
        (["validate", KECIL, "--verbos"], "click.did_you_mean"),
        (["build", KECIL, "--variant", "semua"], "click.not_choices"),
        (["build", KECIL, "--out", KECIL / "keputusan.yaml"], "click.path_is_file"),
        (["validate", KECIL, "lagi"], "click.extra_argument"),
        (["bangun", KECIL], "click.no_such_command"),
        (["batch", KECIL, "--jobs", "0"], "click.not_in_range"),
        (["batch", KECIL, "--jobs", "dua"], "click.not_number"),
        (["sign", "a.pdf", "--out", "b.pdf"], "click.missing_option"),
        (["--lang", "id", "diff", KECIL, "--from"], "click.option_needs_value"),
        (["validate", KECIL, "--lang", "jawa"], "click.not_choices"),
    ],
)
def test_usage_errors(say_id, args, code):
    found_by_the_parser = code == "click.option_needs_value"  # before a command is known: no usage line
    usage = () if found_by_the_parser else ("click.usage", "click.try_help")
    say_id(*args, exit=2, codes=(*usage, "click.error", code))


@pytest.mark.parametrize("args", [[], ["build"], ["batch"], ["diff"], ["sign"], ["verify"], ["user"], ["user", "add"]])
def test_help(say_id, args):
    text = say_id(*args, "--help", exit=0, codes=("click.usage", "click.options", "click.help_option"), lines=False)
    if not args or args == ["user"]:
        assert said(text, "click.commands")


def test_version(say_id):
    say_id("--version", exit=0, codes=("cli.version",))


# ---------------------------------------------------------------- stopped, aborted, a bug


def test_interrupted_aborted_or_a_bug(monkeypatch, tmp_path, say_id):
    from generator import load

    def interrupted(case_dir):
        raise KeyboardInterrupt

    monkeypatch.setattr(load, "load_case", interrupted)
    say_id("validate", KECIL, exit=130, codes=("cli.interrupted",))

    def bug(case_dir):
        raise RuntimeError("a bug for the test")

    monkeypatch.setattr(load, "load_case", bug)
    text = say_id("validate", KECIL, exit=1, codes=("error.internal",))
    assert "a bug for the test" not in text  # Python's words: with --verbose

    # a prompt given up (no passphrase typed: end of input)
    env = {k: v for k, v in os.environ.items() if k not in ("KEPUTUSAN_P12_PASSPHRASE", "KEPUTUSAN_LANG")}
    run = subprocess.run(  # noqa: PLW1510 - the exit code is what is checked
        [sys.executable, "-m", "generator", "sign", str(tmp_path / "a.pdf"), "--p12", "x.p12", "--out", "b.pdf"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    check(run.stdout + run.stderr, run.returncode, exit=130, codes=("sign.passphrase", "cli.aborted"))


# ---------------------------------------------------------------- signing and verifying


def test_signing(ntb_build, signed_asli, certs, tmp_path, monkeypatch, say_id):
    monkeypatch.setenv("KEPUTUSAN_P12_PASSPHRASE", PASSPHRASE)
    bundle, p12 = ntb_build.bundles["asli"], certs["p12"]
    say_id("sign", bundle, "--p12", p12, "--out", tmp_path / "a.pdf", exit=0, codes=("sign.done",))
    say_id("sign", bundle, "--p12", p12, "--out", tmp_path / "a.pdf", exit=4, codes=("output.exists_out",))
    say_id("sign", signed_asli, "--p12", p12, "--out", tmp_path / "b.pdf", exit=2, codes=("signing.all_signed",))
    say_id(
        "sign",
        bundle,
        "--p12",
        p12,
        "--field",
        "ttd_x",
        "--out",
        tmp_path / "b.pdf",
        exit=2,
        codes=("signing.no_field",),
    )
    args = ("--p12", p12, "--field", "ttd_ketua", "--out", tmp_path / "b.pdf")
    say_id("sign", signed_asli, *args, exit=2, codes=("signing.field_signed",))
    say_id(
        "sign",
        tmp_path / "tidak-ada.pdf",
        "--p12",
        p12,
        "--out",
        tmp_path / "b.pdf",
        exit=2,
        codes=("signing.not_found",),
    )
    manifest = ntb_build.out_dir / "manifest.json"
    say_id("sign", manifest, "--p12", p12, "--out", tmp_path / "b.pdf", exit=2, codes=("signing.not_pdf",))
    say_id("sign", bundle, "--p12", tmp_path / "x.p12", "--out", tmp_path / "b.pdf", exit=2, codes=("signing.no_p12",))
    say_id("sign", bundle, "--p12", certs["root"], "--out", tmp_path / "b.pdf", exit=2, codes=("signing.bad_p12",))
    monkeypatch.setenv("KEPUTUSAN_P12_PASSPHRASE", "salah")
    say_id("sign", bundle, "--p12", p12, "--out", tmp_path / "b.pdf", exit=2, codes=("signing.bad_p12",))
    assert not (tmp_path / "b.pdf").exists()


def test_verifying(ntb_build, signed_asli, certs, tmp_path, say_id):
    codes = ("verify.ok", "verify.signer", "verify.signed_at", "verify.reason", "verify.location", "verify.checks")
    say_id("verify", signed_asli, "--trust", certs["root"], exit=0, codes=(*codes, "verify.coverage.entire_file"))
    text = say_id("verify", signed_asli, exit=0, codes=("verify.trust_not_checked",))
    assert "  penanda tangan: Suhardi Soud\n" in text  # the certificate's name, not its English labels
    say_id(
        "verify",
        signed_asli,
        "--trust",
        certs["other_root"],
        exit=1,
        codes=("verify.problem.untrusted", "verify.failing"),
    )
    codes = ("verify.not_signed", "verify.no_signatures_empty")
    say_id("verify", ntb_build.bundles["asli"], exit=1, codes=codes)
    data = bytearray(signed_asli.read_bytes())
    at = data.index(b"Rencana Aksi Reformasi")  # covered by the signature
    data[at] = ord("r")
    (tmp_path / "diubah.pdf").write_bytes(bytes(data))
    say_id("verify", tmp_path / "diubah.pdf", exit=1, codes=("verify.failed", "verify.problem.changed"))
    (tmp_path / "ditambah.pdf").write_bytes(signed_asli.read_bytes() + b"\n% appended\n")
    say_id("verify", signed_asli, "--trust", ntb_build.out_dir / "manifest.json", exit=2, codes=("signing.not_cert",))
    say_id("verify", ntb_build.out_dir / "manifest.json", exit=2, codes=("signing.not_pdf",))


# ---------------------------------------------------------------- builds, revisions, their differences


@pytest.mark.libreoffice
def test_builds_refusals_and_the_daftar_perubahan(tmp_path, say_id):
    case, out = kecil_copy(tmp_path), tmp_path / "hasil"
    say_id("diff", case, "--out", out, exit=2, codes=("revision.no_builds",))
    say_id("build", case, "--out", out, exit=0, codes=("build.bundle", "build.done"), data=DATA)
    say_id("build", case, "--out", out, exit=0, codes=("build.unchanged",))
    say_id("diff", case, "--out", out, exit=2, codes=("revision.too_few",))
    edit(case / "keputusan.yaml", "tentang: Rencana Aksi Uji Coba", "tentang: Rencana Aksi Percobaan")
    edit(case / "keputusan.yaml", "  urut: 7", "  urut: 8")
    say_id("build", case, "--out", out, exit=0, codes=("build.done",))
    say_id(
        "diff", case, "--out", out, exit=0, codes=("diff.title", "diff.count", "diff.section.keputusan", "diff.legend")
    )
    say_id("diff", case, "--out", out, "--from", "rev-099", exit=2, codes=("revision.unknown",))
    (tmp_path / "ada.pdf").write_bytes(b"%PDF-1.4 a file of the user's")
    say_id("diff", case, "--out", out, "--pdf-file", tmp_path / "ada.pdf", exit=4, codes=("output.exists_pdf_file",))
    say_id("diff", case, "--out", out, "--pdf-file", tmp_path, exit=2, codes=("click.path_is_folder",))
    say_id("diff", case, "--out", out, "--pdf", exit=0, codes=("diff.pdf_done",))
    # a file of the build edited by hand, the data unchanged: nothing to rebuild, and it is kept
    docx = out / "kecil" / "kecil-asli-keputusan.docx"
    docx.write_bytes(docx.read_bytes() + b"edited")
    codes = ("output.refused", "output.kept_changed", "output.advice.unchanged")
    say_id("build", case, "--out", out, exit=4, codes=codes)


@pytest.mark.libreoffice
def test_libreoffice_failing(tmp_path, monkeypatch, say_id):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("KEPUTUSAN_SOFFICE", str(fake))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR read again: the logs kept under tmp_path
    codes = ("conversion.restart_failed", "conversion.start_exit", "conversion.retried", "conversion.log_kept")
    text = say_id("build", KECIL, "--out", tmp_path / "a", exit=3, codes=codes)
    assert "cannot open display" not in text  # LibreOffice's words: in the log it names
    monkeypatch.delenv("KEPUTUSAN_SOFFICE")

    from generator import pipeline, warm

    class Faulty(warm.ConverterPool):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "helper": FAULTY, "timeout": 4})

    monkeypatch.setattr(pipeline, "ConverterPool", Faulty)
    monkeypatch.setenv("KEPUTUSAN_TEST_FAULT_DIR", str(tmp_path))
    for kind, code in (
        ("nofile", "conversion.no_pdf"),
        ("crash", "conversion.stopped_during"),
        ("hang", "conversion.timeout"),
    ):
        monkeypatch.setenv("KEPUTUSAN_TEST_FAULTS", f"{kind}:kecil-asli-keputusan:always")
        say_id("build", KECIL, "--out", tmp_path / kind, exit=3, codes=(code, "conversion.log_kept"))


@pytest.mark.libreoffice
def test_a_layout_that_does_not_work_out(tmp_path, monkeypatch, say_id):
    from generator import fields, layout

    monkeypatch.setattr(layout, "MAX_PASSES", 0)  # the page breaks never settle
    say_id("build", KECIL, "--out", tmp_path / "a", exit=3, codes=("layout.not_settled",))
    monkeypatch.undo()
    monkeypatch.delenv("KEPUTUSAN_LANG", raising=False)
    monkeypatch.setattr(fields, "MIN_GAP", 10_000.0)  # no signature block has that much room
    say_id("build", KECIL, "--out", tmp_path / "b", exit=3, codes=("layout.no_room",), data=DATA)


# ---------------------------------------------------------------- accounts of the web application


def test_accounts(tmp_path):
    """`keputusan user ...` (its own process: Django set up on a data folder of its own)."""
    data = tmp_path / "web"

    def user(*args, password: str | None = None, exit: int, codes=(), lines: bool = True) -> str:
        run = subprocess.run(  # noqa: PLW1510 - the exit code is what is checked
            [sys.executable, "-m", "generator", "user", *args, "--data", str(data), "--lang", "id"]
            + (["--password-stdin"] if password is not None else []),
            input=(password or "") + "\n",
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if k not in ("KEPUTUSAN_LANG", "DATABASE_URL")},
            cwd=ROOT,
        )
        return check(run.stdout + run.stderr, run.returncode, exit=exit, codes=codes, lines=lines)

    good = "kata-sandi-yang-panjang-sekali-7"
    user("add", "ana", password=good, exit=2, codes=("account.needs_office",))
    user("add", "admin", "--admin", password="123", exit=2, codes=("account.password_refused",))
    user("add", "admin", "--admin", password=good, exit=0, codes=("user.created",))
    user("add", "admin", "--admin", password=good, exit=2, codes=("account.exists",))
    user("add", "budi", "--office", "52011", password=good, exit=2, codes=("account.bad_office",))
    user(
        "add",
        "budi",
        "--office",
        "5201",
        "--role",
        "provinsi",
        "--office-name",
        "KPU Lombok Barat",
        password=good,
        exit=2,
        codes=("account.not_province",),
    )
    user("passwd", "siapa", password=good, exit=2, codes=("account.no_user",))
    text = user("list", exit=0, lines=False)
    assert "admin" in text
