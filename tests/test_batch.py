"""`keputusan batch` end to end on real LibreOffice: the NTB offices, rebuilds, faults, locking.

The NTB batch is built once for the module, by the command as a user runs it; the fault and
locking tests use a small three-office batch on the small test case, which converts quickly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from docx import Document

from generator.batch import folder_lock, raise_for_failures, run_batch
from generator.errors import BatchIncomplete
from generator.offices import office_case, read_batch
from generator.warm import ConverterPool
from tests.conftest import ROOT, pdf_text, squash
from tests.test_build_e2e import test_areas_numbered_once_and_repeated_at_page_tops as areas_repeated_at_page_tops
from tests.test_offices import OFFICES
from tests.test_warm import FAULTY, processes_mentioning

pytestmark = pytest.mark.libreoffice
NTB_BATCH = ROOT / "data" / "kpu-ntb-2022-kabkota"
KECIL = ROOT / "tests" / "fixtures" / "kecil"


def keputusan(*args, env=None, timeout=600):
    """The command as a user runs it, messages in English (KEPUTUSAN_LANG=en) unless `env` says otherwise."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "KEPUTUSAN_LANG": "en", **(env or {})},
        cwd=ROOT,
        timeout=timeout,
    )


def report(out: Path) -> dict:
    return json.loads((out / "batch-report.json").read_text())


@pytest.fixture(scope="module")
def ntb(tmp_path_factory):
    """The NTB batch built by `keputusan batch ... --jobs 2`; (out folder, completed process)."""
    out = tmp_path_factory.mktemp("ntb-batch") / "out"
    tmp = tmp_path_factory.mktemp("ntb-batch-tmp")
    result = keputusan(
        "batch", NTB_BATCH, "--out", out, "--jobs", "2", env={"TMPDIR": str(tmp), "KEPUTUSAN_LANG": ""}
    )  # staff's default: Indonesian
    assert result.returncode == 0, result.stderr
    assert processes_mentioning(str(tmp)) == []  # no LibreOffice left running
    return out, result


@pytest.fixture(scope="module")
def cases():
    batch = read_batch(NTB_BATCH)
    return {o.kode: office_case(batch, o) for o in batch.offices}


def bundle(out: Path, kode: str, variant: str) -> Path:
    (folder,) = out.glob(f"{kode}-*")
    return folder / f"{folder.name}-{variant}.pdf"


def test_eleven_offices_each_with_asli_and_salinan(ntb):
    out, result = ntb
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == [
        "52-provinsi-nusa-tenggara-barat",
        "5201-kabupaten-lombok-barat",
        "5202-kabupaten-lombok-tengah",
        "5203-kabupaten-lombok-timur",
        "5204-kabupaten-sumbawa",
        "5205-kabupaten-dompu",
        "5206-kabupaten-bima",
        "5207-kabupaten-sumbawa-barat",
        "5208-kabupaten-lombok-utara",
        "5271-kota-mataram",
        "5272-kota-bima",
    ]
    for folder in folders:
        for variant in ("asli", "salinan"):
            assert (out / folder / f"{folder}-{variant}.pdf").read_bytes().startswith(b"%PDF-")
            assert (out / folder / f"{folder}-{variant}.signing.json").is_file()
        # a revision, as `keputusan build` makes, the stable paths linked into it
        assert (out / folder / "rev-001").is_dir() and os.readlink(out / folder / "latest") == "rev-001"
        assert not [p for p in (out / folder).iterdir() if p.name.startswith(".")]
    # the summary table, in Indonesian by default: one line per office, then the totals on stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["kode", "kantor", "halaman", "status", "detik"]
    assert [line.split()[0] for line in lines[1:]] == list(OFFICES)
    assert all(" dibuat " in line for line in lines[1:])
    assert "11 kantor: 11 dibuat, 0 tidak berubah, 0 gagal" in result.stderr
    data = report(out)
    assert data["summary"] == {"built": 11, "unchanged": 0, "failed": 0}
    assert [o["kode"] for o in data["offices"]] == list(OFFICES)
    assert all(o["pages"]["asli"] >= 10 and o["error"] is None for o in data["offices"])
    assert data["converter"]["conversions"] >= 44 and data["jobs"] == 2


@pytest.mark.parametrize("kode", list(OFFICES))
def test_each_bundle_names_its_own_office_throughout(ntb, cases, kode):
    out, _ = ntb
    decree = cases[kode].decree
    name, seat = OFFICES[kode]
    for variant in ("asli", "salinan"):
        text = pdf_text(bundle(out, kode, variant))
        flat = squash(text).upper()
        assert re.findall(r"NOMOR\s+(\S+)", text) == [decree.nomor_lengkap] * 2  # decree and lampiran
        assert squash(f"KEPUTUSAN {name}").upper() in flat
        assert squash(f"LAMPIRAN KEPUTUSAN {name}").upper() in flat
        assert squash(f"Ditetapkan di {seat}").upper() in flat
        assert squash(f"{seat}, {decree.ditetapkan.tanggal.day}").upper() in flat  # lampiran closing
        assert flat.count(squash(decree.penandatangan.nama).upper()) == 2
        if variant == "salinan":
            assert flat.count(squash(decree.pengesah_salinan.nama).upper()) == 2
            assert squash(f"SEKRETARIAT {name}").upper() in flat
        if kode != "52":
            for province in ("PROVINSI NUSA TENGGARA BARAT", "PROVINSI NTB", "SUHARDI SOUD", "LALU NIZAMUDIN"):
                assert squash(province) not in flat, f"{kode} {variant} mentions {province}"
            if seat != "Mataram":
                assert "MATARAM" not in flat


@pytest.mark.parametrize("kode", ["5201", "5204", "5272"])  # a row added, a kegiatan dropped, a short heading
def test_each_lampiran_repeats_its_area_at_page_tops(ntb, cases, kode):
    out, _ = ntb
    areas_repeated_at_page_tops(bundle(out, kode, "salinan"), cases[kode])


def test_office_changes_are_in_their_lampiran(ntb):
    out, _ = ntb
    assert squash("Sosialisasi pengendalian gratifikasi kepada badan ad hoc") in squash(
        pdf_text(bundle(out, "5201", "asli"))
    )
    assert squash("Pemanfaatan aplikasi") not in squash(pdf_text(bundle(out, "5204", "asli")))
    assert squash("Pemanfaatan aplikasi") in squash(pdf_text(bundle(out, "5205", "asli")))
    assert squash("Whistle Blowing System ke seluruh pegawai dan badan ad hoc") in squash(
        pdf_text(bundle(out, "5271", "asli"))
    )


def test_an_unchanged_batch_rebuilds_nothing(ntb, tmp_path):
    out, _ = ntb
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)  # keeps times and links: other tests read `out`
    before = {p: p.stat().st_mtime_ns for p in copy.rglob("*.pdf")}
    started = time.monotonic()
    result = keputusan("batch", NTB_BATCH, "--out", copy)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10
    assert "11 offices: 0 built, 11 unchanged, 0 failed" in result.stderr
    assert report(copy)["converter"] is None  # no LibreOffice was started
    assert {p: p.stat().st_mtime_ns for p in copy.rglob("*.pdf")} == before


def test_a_changed_office_alone_is_rebuilt(ntb, tmp_path):
    out, _ = ntb
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    batch_file = data / "kpu-ntb-2022-kabkota" / "kantor.yaml"
    batch_file.write_text(batch_file.read_text().replace("urut: 12", "urut: 13"))  # Dompu
    result = keputusan("batch", data / "kpu-ntb-2022-kabkota", "--out", copy)
    assert result.returncode == 0, result.stderr
    statuses = {o["kode"]: o["status"] for o in report(copy)["offices"]}
    assert statuses.pop("5205") == "built" and set(statuses.values()) == {"unchanged"}
    assert re.findall(r"NOMOR\s+(\S+)", pdf_text(bundle(copy, "5205", "asli"))) == ["13/ORT.07/5205/2022"] * 2
    # an edited output is rebuilt too, and a hand-signed one is never overwritten
    signed = bundle(copy, "5272", "asli")
    signed.write_bytes(signed.read_bytes() + b"%signed\n")
    result = keputusan("batch", data / "kpu-ntb-2022-kabkota", "--out", copy, "--only", "5272")
    assert result.returncode == 1
    assert "5272 Kota Bima: nothing written: not overwriting" in result.stderr and "Traceback" not in result.stderr
    assert signed.read_bytes().endswith(b"%signed\n")


# ---------------------------------------------------------------- the small batch


@pytest.fixture
def small(tmp_path):
    """Three offices on the small test case (A4, five rows): quick to convert."""
    folder = tmp_path / "batch"
    folder.mkdir()
    offices = [{"kode_wilayah": "5201", "wilayah": "Kabupaten Lombok Barat", "kedudukan": "Gerung"}]
    for kode, wilayah, seat in (
        ("5202", "Kabupaten Lombok Tengah", "Praya"),
        ("5203", "Kabupaten Lombok Timur", "Selong"),
    ):
        offices.append(
            {
                "kode_wilayah": kode,
                "wilayah": wilayah,
                "kedudukan": seat,
                "urut": int(kode[-1]),
                "penandatangan_nama": f"[Contoh] Ketua {seat}",
                "pengesah_nama": f"[Contoh] Pengesah {seat}",
            }
        )
    (folder / "kantor.yaml").write_text(yaml.safe_dump({"dasar": str(KECIL), "kantor": offices}))
    return folder


def pdfs(out: Path) -> list[str]:
    """The bundles at their stable paths, OUT/<office>/<office>-<variant>.pdf (links into the
    office's newest revision)."""
    return sorted(p.name for p in out.glob("*/*.pdf") if p.exists())


ALL_SIX = [
    "5201-kabupaten-lombok-barat-asli.pdf",
    "5201-kabupaten-lombok-barat-salinan.pdf",
    "5202-kabupaten-lombok-tengah-asli.pdf",
    "5202-kabupaten-lombok-tengah-salinan.pdf",
    "5203-kabupaten-lombok-timur-asli.pdf",
    "5203-kabupaten-lombok-timur-salinan.pdf",
]


def test_force_rebuilds_every_office_and_only_picks_some(small, tmp_path):
    out = tmp_path / "out"
    first = run_batch(small, out, jobs=1)
    assert [r.status for r in first.offices] == ["built"] * 3 and pdfs(out) == ALL_SIX
    assert [r.status for r in run_batch(small, out, jobs=1).offices] == ["unchanged"] * 3
    assert [r.status for r in run_batch(small, out, jobs=1, force=True).offices] == ["built"] * 3
    only = run_batch(small, out, jobs=1, only=["5203"], force=True)
    assert [(r.kode, r.status) for r in only.offices] == [("5203", "built")]


def test_unchanged_is_decided_as_build_decides_it_also_without_the_batch_state(small, tmp_path):
    out = tmp_path / "out"
    assert [r.status for r in run_batch(small, out, jobs=1).offices] == ["built"] * 3
    # the state only caches fingerprints: without it, the offices are still found unchanged
    # (by their revisions' fingerprints and manifests), and no LibreOffice is started
    (out / ".batch-state.json").unlink()
    again = run_batch(small, out, jobs=1)
    assert [r.status for r in again.offices] == ["unchanged"] * 3 and again.converter is None
    assert [r.pages for r in again.offices] == [r.pages for r in run_batch(small, out, jobs=1).offices]
    # a DOCX edited by hand in an office's newest revision: same data, nothing to rebuild, and
    # nothing may be overwritten: that office fails with exit code 4 as `keputusan build` would
    docx = out / "5202-kabupaten-lombok-tengah" / "5202-kabupaten-lombok-tengah-salinan-lampiran.docx"
    document = Document(str(docx))
    document.add_paragraph("Catatan tangan.")
    document.save(str(docx))
    edited = docx.read_bytes()
    for state in ("cached", "no state"):
        if state == "no state":
            (out / ".batch-state.json").unlink()
        result = run_batch(small, out, jobs=1)
        statuses = {r.kode: r.status for r in result.offices}
        assert statuses == {"5201": "unchanged", "5202": "failed", "5203": "unchanged"}, state
        failed = result.failed[0]
        assert failed.exit_code == 4 and f"not overwriting {docx}: changed since this tool wrote it" in failed.error
        assert "nothing to rebuild" in failed.error and result.converter is None
        assert docx.read_bytes() == edited
        assert [r.name for r in (out / "5202-kabupaten-lombok-tengah").iterdir() if r.name.startswith("rev-")] == [
            "rev-001"
        ]
    assert report(out)["offices"][1]["exit_code"] == 4


def test_transient_faults_are_retried_and_every_office_is_built(small, tmp_path, monkeypatch):
    monkeypatch.setenv(
        "KEPUTUSAN_TEST_FAULTS",
        "crash:5201-kabupaten-lombok-barat-salinan-lampiran;"
        "hang:5202-kabupaten-lombok-tengah-asli-keputusan;"
        "nofile:5203-kabupaten-lombok-timur-salinan-keputusan",
    )
    monkeypatch.setenv("KEPUTUSAN_TEST_FAULT_DIR", str(tmp_path))
    out = tmp_path / "out"
    with ConverterPool(2, helper=FAULTY, timeout=5, log_folder=tmp_path / "logs") as pool:
        result = run_batch(small, out, converter=pool)
    assert [r.status for r in result.offices] == ["built"] * 3, [r.error for r in result.offices]
    assert pool.stats.failed_attempts == 3 and pool.stats.starts >= 5
    assert pdfs(out) == ALL_SIX
    assert not [p for p in out.rglob("*") if p.name.endswith(".part") or p.name.startswith(".build-")]


@pytest.mark.parametrize("kind", ["crash", "hang", "nofile"])
def test_an_office_that_keeps_failing_is_reported_and_the_others_are_built(small, tmp_path, monkeypatch, kind):
    monkeypatch.setenv("KEPUTUSAN_TEST_FAULTS", f"{kind}:5202-kabupaten-lombok-tengah-asli-lampiran:always")
    monkeypatch.setenv("KEPUTUSAN_TEST_FAULT_DIR", str(tmp_path))
    out = tmp_path / "out"
    with ConverterPool(2, helper=FAULTY, timeout=4, log_folder=tmp_path / "logs") as pool:
        result = run_batch(small, out, converter=pool)
    statuses = {r.kode: r.status for r in result.offices}
    assert statuses == {"5201": "built", "5202": "failed", "5203": "built"}
    failed = result.failed[0]
    assert "5202-kabupaten-lombok-tengah-asli-lampiran.docx" in failed.error and "tried 2 times" in failed.error
    assert failed.exit_code == 3
    assert pdfs(out) == [n for n in ALL_SIX if not n.startswith("5202")]
    assert not (out / "5202-kabupaten-lombok-tengah").exists()  # no partial output at all
    data = report(out)
    assert data["summary"] == {"built": 2, "unchanged": 0, "failed": 1}
    assert data["offices"][1]["error"] == failed.error
    with pytest.raises(BatchIncomplete, match="1 of 3 offices failed"):
        raise_for_failures(result)
    # the next run retries the failed office only
    monkeypatch.setenv("KEPUTUSAN_TEST_FAULTS", "")
    again = run_batch(small, out, jobs=1)
    assert [r.status for r in again.offices] == ["unchanged", "built", "unchanged"]


def test_bad_data_in_one_office_fails_that_office_with_its_place(small, tmp_path):
    text = (small / "kantor.yaml").read_text().replace("urut: 3", "urutan: 3")
    (small / "kantor.yaml").write_text(text)
    out = tmp_path / "out"
    result = keputusan("batch", small, "--out", out, "--jobs", "1")
    assert result.returncode == 1
    assert re.search(
        r"5203 Kabupaten Lombok Timur: .*kantor.yaml, key kantor\[3\]\.urutan \(line \d+\): "
        r"unknown key 'urutan'\s+Fix: did you mean 'urut'\?",
        result.stderr,
        re.S,
    ), result.stderr
    assert "1 of 3 offices failed (5203)" in result.stderr and "Traceback" not in result.stderr
    assert len(pdfs(out)) == 4


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--only", "5209"], "--only 5209: no office with code 5209"),
        ([], "key kantor[2].kode_wilayah (line"),
    ],
)
def test_bad_batch_data_exits_2_and_writes_nothing(small, tmp_path, args, expected):
    if not args:
        text = (small / "kantor.yaml").read_text().replace("kode_wilayah: '5202'", "kode_wilayah: '520'")
        (small / "kantor.yaml").write_text(text)
    out = tmp_path / "out"
    result = keputusan("batch", small, "--out", out, *args)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_an_invalid_base_case_exits_2_names_it_and_writes_nothing(small, tmp_path):
    base = tmp_path / "kecil"
    shutil.copytree(KECIL, base)
    text = (base / "keputusan.yaml").read_text().replace("tanggal: 2023-03-09", "tanggal: 2023-02-30")
    (base / "keputusan.yaml").write_text(
        text.replace("../../../data/dasar-hukum.yaml", str(ROOT / "data" / "dasar-hukum.yaml"))
    )
    (small / "kantor.yaml").write_text((small / "kantor.yaml").read_text().replace(str(KECIL), str(base)))
    out = tmp_path / "out"
    result = keputusan("batch", small, "--out", out)
    assert result.returncode == 2, result.stderr
    assert "kecil/keputusan.yaml, key ditetapkan.tanggal (line" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_a_second_batch_on_the_same_folder_is_refused(small, tmp_path):
    out = tmp_path / "out"
    with folder_lock(out):
        result = keputusan("batch", small, "--out", out)
    assert result.returncode == 4
    assert f"{out} is being written by another batch (pid {os.getpid()}" in result.stderr
    assert "wait until it has finished, or choose another --out" in result.stderr
    assert pdfs(out) == []


def test_two_batches_started_at_once_never_mix_their_files(small, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "generator", "batch", str(small), "--out", str(out), "--jobs", "1"]
    runs = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 4], results
    assert pdfs(out) == ALL_SIX
    assert report(out)["summary"]["built"] == 3


def test_ctrl_c_stops_everything_and_leaves_no_partial_file(tmp_path):
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    # the 11 NTB offices: the three small ones can be done before the signal arrives
    # Ctrl-C as in a terminal: a test run started in the background (`make test &`) has SIGINT
    # ignored, and Python started with it ignored raises no KeyboardInterrupt; so the command
    # runs with Python's own handler put back
    command = "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    command += "runpy.run_module('generator', run_name='__main__')"
    run = subprocess.Popen(
        [sys.executable, "-c", command, "batch", str(NTB_BATCH), "--out", str(out), "--jobs", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    deadline = time.monotonic() + 60
    # interrupted while LibreOffice runs (its profile is under TMPDIR) and the first office's
    # documents are being made (a build folder exists): a fixed wait lets a fast batch finish
    while time.monotonic() < deadline and run.poll() is None:
        if any(out.rglob(".build-*")) and processes_mentioning(str(tmp)):
            break
        time.sleep(0.02)
    run.send_signal(signal.SIGINT)
    code = run.wait(timeout=60)
    assert code == 130, run.stderr.read()
    assert "Traceback" not in run.stderr.read()
    deadline = time.monotonic() + 10
    while processes_mentioning(str(tmp)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(str(tmp)) == []
    assert not [p for p in out.rglob("*") if p.name.endswith(".part") or p.name.startswith(".build-")]
