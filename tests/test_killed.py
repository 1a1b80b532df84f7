"""Killed means clean: `build` and `batch` killed in the middle of a conversion leave no
LibreOffice running and no converter folder a few seconds later, the next build sweeps the
work folders the killed one left and succeeds; `kill` (SIGTERM) stops `build` as Ctrl-C does;
the UNO helper stops its LibreOffice whatever happens to its pipe; two builds of one case take
turns on its lock and make one revision; the sweep touches only this tool's own leftovers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator import sweep
from generator.outputs import folder_lock
from tests.conftest import ROOT
from tests.test_limits import write_plan
from tests.test_warm import processes_mentioning

pytestmark = pytest.mark.libreoffice
KECIL = ROOT / "tests" / "fixtures" / "kecil"
PLAN_ROWS = 300  # a lampiran LibreOffice takes seconds to lay out: long enough to be killed in


def start(*args, tmp: Path) -> subprocess.Popen:
    """The command as a user runs it, in the background, its temporary files in `tmp`."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp), "KEPUTUSAN_LANG": "en"},
    )


def run(*args, tmp: Path) -> subprocess.CompletedProcess:
    proc = start(*args, tmp=tmp)
    out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def a_case(root: Path, rows: int = PLAN_ROWS) -> Path:
    """The small test case with a plan of `rows` rows, its library beside it."""
    case = root / "kasus"
    shutil.copytree(KECIL, case)
    shutil.copy(ROOT / "data" / "dasar-hukum.yaml", case / "dasar-hukum.yaml")
    text = (case / "keputusan.yaml").read_text(encoding="utf-8")
    (case / "keputusan.yaml").write_text(text.replace("../../../data/dasar-hukum.yaml", "dasar-hukum.yaml"))
    if rows:
        write_plan(case, rows)
    return case


def wait_for(condition, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def converting_lampiran(out: Path) -> bool:
    """A lampiran has been rendered and handed to LibreOffice (its DOCX is in a work folder)."""
    return any(p.name.endswith("-lampiran.docx") for p in out.rglob(".build-*/*"))


def work_folders(out: Path) -> list[Path]:
    return [p for p in out.rglob(".*") if p.name.startswith((".rev-", ".build-"))]


def nothing_running(tmp: Path) -> bool:
    return processes_mentioning(str(tmp)) == [] and not list(tmp.glob("keputusan-pool-*"))


def test_a_killed_build_leaves_nothing_running_and_the_next_build_sweeps_and_succeeds(tmp_path):
    case, out, tmp = a_case(tmp_path), tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    proc = start("build", case, "--out", out, tmp=tmp)
    try:
        assert wait_for(lambda: converting_lampiran(out), 120), proc.stderr and proc.stderr.read()
        time.sleep(1.0)  # LibreOffice is laying out the 300-row table
        assert processes_mentioning(str(tmp)), "LibreOffice should be converting"
    finally:
        proc.send_signal(signal.SIGKILL)  # no Python cleanup runs in the build
        proc.communicate()
    assert wait_for(lambda: nothing_running(tmp), 15), processes_mentioning(str(tmp))
    assert work_folders(out), "the killed build cannot have removed its own work folder"

    write_plan(case, 5)  # a quick plan for the next build
    result = run("build", case, "--out", out, tmp=tmp)
    assert result.returncode == 0, result.stderr
    assert work_folders(out) == []  # swept: they were older than this build, and its lock was free
    assert sorted(p.name for p in (out / "kasus").glob("rev-*")) == ["rev-001"]
    assert nothing_running(tmp)


def test_a_killed_batch_leaves_nothing_running_and_the_next_batch_succeeds(tmp_path):
    base, out, tmp = a_case(tmp_path), tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    batch = tmp_path / "batch"
    batch.mkdir()
    offices = [{"kode_wilayah": "5201", "wilayah": "Kabupaten Lombok Barat", "kedudukan": "Gerung"}] + [
        {
            "kode_wilayah": kode,
            "wilayah": f"Kabupaten {seat}",
            "kedudukan": seat,
            "urut": i,
            "penandatangan_nama": f"[Contoh] Ketua {seat}",
            "pengesah_nama": f"[Contoh] Pengesah {seat}",
        }
        for i, (kode, seat) in enumerate((("5202", "Praya"), ("5203", "Selong")), start=2)
    ]
    (batch / "kantor.yaml").write_text(yaml.safe_dump({"dasar": str(base), "kantor": offices}))
    proc = start("batch", batch, "--out", out, "--jobs", "2", tmp=tmp)
    try:
        assert wait_for(lambda: converting_lampiran(out), 120), proc.stderr and proc.stderr.read()
        time.sleep(1.0)
        assert processes_mentioning(str(tmp))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    assert wait_for(lambda: nothing_running(tmp), 15), processes_mentioning(str(tmp))

    write_plan(base, 5)
    result = run("batch", batch, "--out", out, "--jobs", "2", tmp=tmp)
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "batch-report.json").read_text())["summary"]["built"] == 3
    assert work_folders(out) == []
    assert nothing_running(tmp)


def test_sigterm_stops_a_build_as_ctrl_c_does(tmp_path):
    """`kill` or `timeout` on `build` used to leave LibreOffice running for minutes."""
    case, out, tmp = a_case(tmp_path), tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    proc = start("build", case, "--out", out, tmp=tmp)
    try:
        assert wait_for(lambda: converting_lampiran(out), 120)
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "keputusan: interrupted; nothing was half-written" in err, err
    assert nothing_running(tmp)  # at once: the build stopped its LibreOffice on the way out
    assert work_folders(out) == [] and not out.exists()  # a first build: nothing stays


def test_the_uno_helper_stops_libreoffice_when_its_reply_meets_a_broken_pipe(tmp_path):
    """The parent alive, stdin open, but nobody reads the answer: the helper used to die of
    BrokenPipeError while replying, its LibreOffice left running."""
    from docx import Document

    from generator.convert import start_listener
    from generator.warm import HELPER, find_uno_python

    doc = Document()
    doc.add_paragraph("satu")
    doc.save(str(tmp_path / "satu.docx"))
    profile, pipe = tmp_path / "run" / "profile", f"keputusan-test-{os.getpid()}-pipe"
    office = start_listener(profile, pipe)
    helper = subprocess.Popen(
        [find_uno_python(), "-I", str(HELPER), pipe, "60", str(tmp_path / "run")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        process_group=office.pid,
    )
    try:
        assert json.loads(helper.stdout.readline())["ready"] is True
        helper.stdout.close()  # the answer will meet a broken pipe
        request = {"src": str(tmp_path / "satu.docx"), "dst": str(tmp_path / "satu.pdf"), "filter": {}}
        helper.stdin.write((json.dumps(request) + "\n").encode())
        helper.stdin.flush()
        helper.wait(timeout=60)
        assert wait_for(lambda: office.poll() is not None, 15)  # LibreOffice stopped with it
        assert not (tmp_path / "run").exists()  # and what it was told to remove, removed
    finally:
        for proc in (helper, office):
            if proc.poll() is None:
                os.killpg(office.pid, signal.SIGKILL)
                proc.wait()


def test_two_builds_of_unchanged_data_at_once_make_one_revision(tmp_path):
    case, out, tmp = a_case(tmp_path, rows=0), tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    first, second = start("build", case, "--out", out, tmp=tmp), start("build", case, "--out", out, tmp=tmp)
    said = [proc.communicate(timeout=600) for proc in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, said
    assert sorted(p.name for p in (out / "kasus").glob("rev-*")) == ["rev-001"]  # it was two revisions
    errs = " ".join(err for _, err in said)
    assert "new revision rev-001" in errs and "nothing changed since rev-001" in errs


# ---------------------------------------------------------------- the sweep: only ours


def _aged(path: Path, seconds: float = 3600) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def test_the_lock_holder_sweeps_only_this_tools_old_leftovers(tmp_path):
    folder, elsewhere = tmp_path / "kasus", tmp_path / "elsewhere"
    for path in (folder / ".rev-abc123", folder / ".build-k2j3", folder / ".rev-fresh", folder / "rev-001", elsewhere):
        path.mkdir(parents=True)
    (folder / ".rev-abc123" / "x.pdf").write_bytes(b"%PDF-")
    (folder / ".manifest.json.0123abcd.part").write_text("{")
    (folder / ".daftar.pdf.89abcdef.part").write_text("...")
    (folder / ".rev-notes.txt").write_text("a file of mine")
    (folder / "catatan.txt").write_text("notes")
    (elsewhere / "keep.txt").write_text("mine")
    (folder / ".latest.link").symlink_to("rev-001")
    (folder / ".rev-link").symlink_to(elsewhere)
    stale = [".rev-abc123", ".build-k2j3", ".manifest.json.0123abcd.part", ".latest.link"]
    for name in [*stale, ".rev-notes.txt", ".rev-link", "rev-001", "catatan.txt"]:
        _aged(folder / name)
    _aged(folder / ".rev-fresh", -3600)  # changed after the build began (a clock ahead, on a share)
    with folder_lock(folder, wait=5):
        pass
    assert [name for name in stale if os.path.lexists(folder / name)] == []
    kept = [
        ".rev-notes.txt",  # a file, not a work folder
        ".rev-link",  # a link, even to a folder: never followed, never removed
        ".rev-fresh",  # made now: not older than the build
        ".daftar.pdf.89abcdef.part",  # a fresh .part may be `diff --pdf` writing without the lock
        "rev-001",
        "catatan.txt",
    ]
    assert [name for name in kept if not os.path.lexists(folder / name)] == []
    assert (elsewhere / "keep.txt").read_text() == "mine"


def test_the_pool_sweep_takes_only_folders_of_runs_that_are_gone(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process number that no longer runs
    owner = subprocess.Popen(["sleep", "60"])  # a run still going
    time.sleep(0.1)
    dead = tmp_path / f"keputusan-pool-{gone.pid}-abc"
    (dead / "worker-0" / "run-1" / "profile").mkdir(parents=True)
    survivor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(dead / "worker-0")])
    alive = tmp_path / f"keputusan-pool-{owner.pid}-def"
    unnamed, young = tmp_path / "keputusan-pool-xyz", tmp_path / f"keputusan-pool-{gone.pid}-new"
    for folder in (alive, unnamed, young):
        folder.mkdir()
    not_dir = tmp_path / f"keputusan-pool-{gone.pid}-file"
    not_dir.write_text("x")
    _aged(dead)
    _aged(young, -3600)  # made after the pool that sweeps began
    try:
        assert wait_for(lambda: processes_mentioning(str(dead)) == [survivor.pid], 10)
        removed = sweep.pools(before=time.time() + 5)
        assert removed == [dead] and not dead.exists()
        assert wait_for(lambda: survivor.poll() is not None, 10), processes_mentioning(str(dead))
        assert survivor.returncode == -signal.SIGKILL  # its process was stopped first
        assert alive.is_dir() and unnamed.is_dir() and not_dir.is_file() and young.is_dir()
    finally:
        survivor.kill()
        owner.kill()


def test_the_lock_lets_one_holder_in_at_a_time(tmp_path):
    """Its file is removed when let go: whoever waited finds it gone and locks the new one, so
    there is never a second holder (six processes, each holding it a moment, never overlap)."""
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from generator.outputs import folder_lock\n"
        "folder, log = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "for _ in range(5):\n"
        "    with folder_lock(folder, wait=60):\n"
        "        with log.open('a') as fh: fh.write('in\\n')\n"
        "        time.sleep(0.02)\n"
        "        with log.open('a') as fh: fh.write('out\\n')\n"
    )
    log = tmp_path / "log"
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "kasus"), str(log)], cwd=ROOT) for _ in range(6)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * 6
    assert log.read_text().split() == ["in", "out"] * 30
    assert not (tmp_path / "kasus" / ".lock").exists()
