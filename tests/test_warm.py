"""The warm converter pool on real LibreOffice, also when a process crashes, hangs or writes nothing.

Faults come from tests/helpers/faulty_uno_helper.py: the real UNO helper, told by environment
variables to misbehave on documents whose name contains a token.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from docx import Document

from generator.errors import ConversionError, ConversionTimeout, ConverterMissing
from generator.warm import ConverterPool
from tests.conftest import ROOT, pdf_text

pytestmark = pytest.mark.libreoffice
FAULTY = ROOT / "tests" / "helpers" / "faulty_uno_helper.py"


def processes_mentioning(fragment: str) -> list[int]:
    """Live (not zombie) processes whose command line contains `fragment`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if fragment in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def ours() -> list[int]:
    """LibreOffice processes and helpers started by pools of this test process."""
    return processes_mentioning(f"keputusan-{os.getpid()}-")


def sockets_left(pid: int) -> list[str]:
    """UNO pipes that LibreOffice processes of `pid`'s pools left in /tmp."""
    return [name for name in os.listdir("/tmp") if f"_keputusan-{pid}-" in name]


def make_docx(path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    return {name: make_docx(folder / f"{name}.docx", f"Dokumen {name}") for name in ("satu", "dua", "tiga", "rusak")}


@pytest.fixture
def faults(tmp_path, monkeypatch):
    def set_rules(rules: str):
        monkeypatch.setenv("KEPUTUSAN_TEST_FAULTS", rules)
        monkeypatch.setenv("KEPUTUSAN_TEST_FAULT_DIR", str(tmp_path))

    return set_rules


def no_partial_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".part")]


def test_two_processes_convert_side_by_side_and_stop_with_the_pool(docs, tmp_path):
    out = tmp_path / "out"
    with ConverterPool(2) as pool:
        threads = [
            threading.Thread(target=lambda n=n: [pool.convert(docs[n], out / f"{n}-{i}.pdf") for i in range(3)])
            for n in ("satu", "dua")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(ours()) >= 4  # two LibreOffice processes and their helpers
        root = pool.root
    assert "Dokumen dua" in pdf_text(out / "dua-2.pdf")
    assert len(list(out.glob("*.pdf"))) == 6
    assert pool.stats.starts == 2 and pool.stats.conversions == 6 and pool.stats.failed_attempts == 0
    assert ours() == [] and not root.exists()


def test_a_process_is_replaced_after_its_quota(docs, tmp_path):
    with ConverterPool(1, recycle_after=2) as pool:
        for i in range(5):
            pool.convert(docs["satu"], tmp_path / f"{i}.pdf")
    assert pool.stats.conversions == 5 and pool.stats.recycles == 2 and pool.stats.starts == 3
    assert ours() == []


@pytest.mark.parametrize("kind", ["crash", "hang", "nofile", "fail"])
def test_a_fault_is_retried_on_a_fresh_process(kind, docs, faults, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="generator")
    faults(f"{kind}:rusak")
    out = tmp_path / "out"
    started = time.monotonic()
    with ConverterPool(1, helper=FAULTY, timeout=4, log_folder=tmp_path / "logs") as pool:
        pool.convert(docs["satu"], out / "satu.pdf")
        pool.convert(docs["rusak"], out / "rusak.pdf")  # fails once, then succeeds on a new process
        pool.convert(docs["dua"], out / "dua.pdf")
    assert "Dokumen rusak" in pdf_text(out / "rusak.pdf")
    assert pool.stats.failed_attempts == 1 and pool.stats.starts == 2 and pool.stats.conversions == 3
    if kind == "hang":
        assert 4 <= time.monotonic() - started < 60
    assert no_partial_files(tmp_path) and ours() == [] and sockets_left(os.getpid()) == []
    assert not (tmp_path / "logs").exists()  # a conversion that succeeded on its retry keeps no log
    # the log says what happened: each conversion (document, seconds, process), the retry, the restart
    records = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "generator.warm"]
    retries = [m for level, m in records if level == logging.WARNING]
    assert len(retries) == 1 and "rusak.docx: attempt 1 of 2 failed on LibreOffice pid" in retries[0]
    assert retries[0].endswith("retrying on a fresh LibreOffice")
    converted = [m for _, m in records if m.startswith("converted ")]
    assert [m.split()[1] for m in converted] == ["satu.docx", "rusak.docx", "dua.docx"]
    assert all(re.search(r" in \d+\.\d\d s .* on pid \d+, worker 0$", m) for m in converted), converted
    assert sum("ready in" in m for _, m in records) == 2


@pytest.mark.parametrize(
    "kind, error, message",
    [
        ("crash", ConversionError, "LibreOffice stopped while converting rusak.docx"),
        ("hang", ConversionTimeout, "did not convert rusak.docx within 3 s"),
        ("nofile", ConversionError, "exited without writing a PDF for rusak.docx"),
    ],
)
def test_a_fault_that_persists_is_a_typed_error_and_writes_nothing(kind, error, message, docs, faults, tmp_path):
    faults(f"{kind}:rusak:always")
    out = tmp_path / "out"
    with ConverterPool(1, helper=FAULTY, timeout=3, retries=1, log_folder=tmp_path / "logs") as pool:
        with pytest.raises(error) as info:
            pool.convert(docs["rusak"], out / "rusak.pdf")
        assert message in str(info.value) and "tried 2 times" in str(info.value)
        pool.convert(docs["satu"], out / "satu.pdf")  # the pool is still usable
        root = pool.root
    assert sorted(p.name for p in out.iterdir()) == ["satu.pdf"]
    assert ours() == []
    # LibreOffice's profile and log folder are gone with the pool; the log of the failed
    # conversion is kept, named by the error, with what each attempt's process printed
    kept = info.value.log_path
    assert not root.exists() and kept is not None and kept.parent == tmp_path / "logs"
    assert f"LibreOffice log: {kept}" in str(info.value)
    text = kept.read_text()
    assert text.count(f"faulty helper: {kind} on rusak.docx") == 2
    assert "rusak.docx: attempt 1 of 2" in text and "rusak.docx: attempt 2 of 2" in text and message in text


def test_libreoffice_that_cannot_start_is_reported(tmp_path, docs):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    fake.chmod(0o755)
    with (
        ConverterPool(1, soffice=str(fake), log_folder=tmp_path / "logs") as pool,
        pytest.raises(ConversionError, match=r"exited at start \(exit 1\) \(cannot open display\)") as info,
    ):
        pool.convert(docs["satu"], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists() and ours() == []
    assert "cannot open display" in info.value.log_path.read_text()


def test_a_python_without_the_uno_bridge_is_named(tmp_path, docs):
    no_uno = tmp_path / "python-without-uno"
    no_uno.write_text(f'#!/bin/sh\nexec {sys.executable} -S "$@"\n')  # -S: no site-packages, no uno
    no_uno.chmod(0o755)
    with (
        ConverterPool(1, uno_python=str(no_uno)) as pool,
        pytest.raises(ConverterMissing, match=r"cannot import uno.*python3-uno"),
    ):
        pool.convert(docs["satu"], tmp_path / "x.pdf")
    assert ours() == []


def test_nothing_survives_a_killed_parent(tmp_path, docs):
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from generator.warm import ConverterPool\n"
        "pool = ConverterPool(2)\n"
        "pool.start()\n"
        f"pool.convert(Path({str(docs['satu'])!r}), Path({str(tmp_path / 'x.pdf')!r}))\n"
        "print(pool.root, flush=True)\n"
        "time.sleep(120)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        root = Path(child.stdout.readline().strip())
        assert root.is_dir()
        marker = f"keputusan-{child.pid}-"
        deadline = time.monotonic() + 30
        while len(processes_mentioning(marker)) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)  # the second process may still be starting
        assert len(processes_mentioning(marker)) >= 4
    finally:
        child.kill()  # SIGKILL: no Python cleanup runs in the parent
        child.wait()
    deadline = time.monotonic() + 15
    while (processes_mentioning(marker) or root.exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(marker) == []
    # the helpers removed the profiles and the sockets the killed LibreOffice processes left
    assert not root.exists() and sockets_left(child.pid) == []


def _maps(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return ""


def soffice_bin(pool: ConverterPool) -> list[int]:
    """The soffice.bin processes of the pool (children of the launcher, in its process group)."""
    groups = {pid for pid in pool.pids}
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) in groups and (entry / "comm").read_text().strip() == "soffice.bin":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_libreoffice_starts_from_the_prepared_profile_and_skips_its_self_tests(tmp_path, docs, monkeypatch):
    import tempfile

    from generator import convert

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a profile prepared afresh, here
    with ConverterPool(1) as pool:
        pool.convert(docs["satu"], tmp_path / "satu.pdf")
        profile = pool._workers[0].profile
        assert profile is not None
        # LibreOffice writes this log when it runs its graphics self-tests (a second of CPU)
        assert not (profile / "user" / "GraphicsRenderTests.log").exists()
        registry = (profile / "user" / "registrymodifications.xcu").read_text()
        assert f"<value>{convert.product_version(pool.soffice)}</value>" in registry
        office = soffice_bin(pool)
        library = convert.jemalloc()
        assert office and library and all(library in _maps(p) for p in office)  # libjemalloc2 installed
    prepared = tmp_path / f"keputusan-lo-profile-{os.getuid()}"
    assert prepared.stat().st_mode & 0o777 == 0o700
    [ready] = prepared.iterdir()
    assert (ready / "profile" / "user" / "registrymodifications.xcu").is_file()
    assert "satu" in pdf_text(tmp_path / "satu.pdf").lower()

    # a damaged prepared profile (a cleaner of the temporary folder took its registry) is made again
    (ready / "profile" / "user" / "registrymodifications.xcu").unlink()
    with ConverterPool(1) as pool:
        pool.convert(docs["dua"], tmp_path / "dua.pdf")
        assert not (pool._workers[0].profile / "user" / "GraphicsRenderTests.log").exists()
    assert (ready / "profile" / "user" / "registrymodifications.xcu").is_file()


def test_without_jemalloc_libreoffice_runs_on_glibcs_malloc(tmp_path, docs, monkeypatch):
    monkeypatch.setenv("KEPUTUSAN_JEMALLOC", "")
    with ConverterPool(1) as pool:
        pool.convert(docs["satu"], tmp_path / "satu.pdf")
        office = soffice_bin(pool)
        assert office and not any("jemalloc" in _maps(p) for p in office)
    assert "satu" in pdf_text(tmp_path / "satu.pdf").lower()


def test_bookmark_pages_are_the_pages_of_the_pdf_export(tmp_path):
    # the primitive for settling page breaks inside LibreOffice: each lampiran row's page, read
    # from the loaded document, is the page its named destination has in the exported PDF
    from generator.layout import row_pages
    from generator.pipeline import build
    from tests.conftest import NTB_CASE

    built = build(NTB_CASE, tmp_path / "out")
    lampiran = built.out_dir / "kpu-ntb-2022-asli-lampiran.docx"
    with ConverterPool(1) as pool:
        pages = pool.bookmark_pages(lampiran, "kptbaris", tmp_path / "lampiran.pdf")
        alone = pool.bookmark_pages(lampiran, "kptbaris")  # loaded only, nothing exported
    exported = row_pages(tmp_path / "lampiran.pdf")
    assert len(exported) > 50 and len(set(exported.values())) > 5  # rows on many pages
    assert pages == alone == {f"kptbaris{row:04d}": page + 1 for row, page in exported.items()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lampiran.pdf", "out"]  # no .part left
