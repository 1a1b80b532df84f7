"""Where keputusan's cost goes: the NTB batch (`keputusan batch --jobs 2`, 11 offices, 44 final
documents) with every CPU second of its process tree put in a stage (issue 12, point 2).

    .venv/bin/python tools/profile_batch.py [--jobs 2] [--py-spy] [--out DIR]
    make bench PROFILE=1                  # the same, after the benchmark, py-spy installed

One batch runs in this process, as the command runs it (`batch.run_batch`), on a
`ConverterPool` whose UNO helper is tools/profile_uno_helper.py: the project's helper with the
time and LibreOffice's CPU noted around each document's load and PDF export. Meanwhile the
pipeline's stage functions are wrapped (module attributes, nothing in generator/ changes) to
count the CPU time of the thread that runs them (time.thread_time, exclusive of nested stages)
and their wall time. A lampiran conversion that only served to find the page breaks (the
passes before the one `layout.lay_out_lampiran` keeps) goes to "extra layout passes", with its
rendering and PDF reading. Totals: this process's own rusage (all its threads) and, for its
children, RUSAGE_CHILDREN after the last one is reaped (this process is a child subreaper, so
LibreOffice processes killed at the end are reaped here too); LibreOffice's and the helpers'
share read from /proc just before the pool closes; what is left of the children is pdftotext.
Python's start-up and imports are measured apart, in a fresh process (a `keputusan` command
pays them once).

With --py-spy (py-spy from PyPI, `make bench PROFILE=1` installs it), a second batch runs with
py-spy attached to this process (non-blocking, 100 samples a second, idle threads left out):
the functions with the most samples of their own are printed.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import proctree  # noqa: E402

NTB = ROOT / "data" / "kpu-ntb-2022-kabkota"
UNO_HELPER = Path(__file__).resolve().with_name("profile_uno_helper.py")
# what a `keputusan batch` imports before and while it builds (imported here before the clock starts)
IMPORTS = [
    *(f"generator.{m}" for m in ("cli", "batch", "pipeline", "render", "layout", "fields", "bundle", "pdfa")),
    *("generator.offices", "generator.warm", "docxtpl", "pypdf", "openpyxl", "fontTools.ttLib"),
]
STAGES = [
    # (module, attribute, stage): the functions the pipeline calls through these module attributes
    ("generator.offices", "office_case", "loading the office's case (YAML, validation)"),
    ("generator.pipeline", "case_content", "case content and fingerprint"),
    ("generator.pipeline", "fingerprint", "case content and fingerprint"),
    ("generator.pipeline", "render_keputusan", "rendering DOCX: keputusan"),
    ("generator.layout", "render_lampiran", "rendering DOCX: lampiran"),
    ("generator.layout", "read_pdf", "reading PDFs and page starts"),
    ("generator.layout", "rows_opening_pages", "reading PDFs and page starts"),
    ("generator.page_reuse", "tail_document", "cutting a lampiran at a row (page_reuse)"),
    ("generator.bundle", "read", "reading PDFs and page starts"),
    ("generator.bundle", "merge", "merging the bundle (pypdf)"),
    ("generator.pdfa", "finish", "PDF/A finish (XMP, output intent) and writing"),
    ("generator.pdfa", "write", "PDF/A finish (XMP, output intent) and writing"),
    ("generator.fields", "prepare", "signature fields: placing, signing.json"),
    ("generator.fields", "read_words", "signature fields: pdftotext -bbox (parsing its XML)"),
    ("generator.fields", "add_fields", "signature fields: the fields (incremental update)"),
    ("generator.pdfa", "rewrite", "signature fields: PDF/A rewrite"),
    ("generator.revisions", "write_snapshot", "revision folder, manifest, links"),
    ("generator.revisions", "commit", "revision folder, manifest, links"),
]
OWNING = {"signature fields: PDF/A rewrite"}  # its PDF/A finish and writing are the fields' cost
LAYOUT = "layout passes (lay_out_lampiran itself)"
CONVERT = "waiting for LibreOffice"


class Stages:
    """CPU (this thread's) and wall per stage, exclusive of nested stages; lampiran passes that
    layout discarded are kept apart as "extra"."""

    def __init__(self) -> None:
        self.cpu: dict[tuple[str, str], float] = defaultdict(float)  # (final|extra, stage) -> s
        self.wall: dict[tuple[str, str], float] = defaultdict(float)
        self.calls: dict[tuple[str, str], int] = defaultdict(int)
        self.conversions: list[dict] = []  # per convert(): src, and extra once known
        self.lock = threading.Lock()
        self.local = threading.local()

    def wrap(self, func, stage: str):
        def timed(*args, **kwargs):
            stack = self.local.__dict__.setdefault("stack", [])
            if stack and stack[-1][2]:  # inside a stage that owns what it calls
                return func(*args, **kwargs)
            frame = [0.0, 0.0, stage in OWNING]  # nested stages' cpu, wall; owns its nested calls
            stack.append(frame)
            cpu, wall = time.thread_time(), time.perf_counter()
            if stage == "rendering DOCX: lampiran" and getattr(self.local, "layout", None) is not None:
                self.local.attempt += 1
            try:
                return func(*args, **kwargs)
            finally:
                cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
                stack.pop()
                if stack:
                    stack[-1][0] += cpu
                    stack[-1][1] += wall
                self.note(stage, cpu - frame[0], wall - frame[1])

        return timed

    def note(self, stage: str, cpu: float, wall: float) -> None:
        layout = getattr(self.local, "layout", None)
        if layout is not None:
            layout.append((self.local.attempt, stage, cpu, wall))
            return
        with self.lock:
            self.cpu["final", stage] += cpu
            self.wall["final", stage] += wall
            self.calls["final", stage] += 1

    def wrap_layout(self, func):
        """lay_out_lampiran: which of its passes were extra is known when it returns."""
        inner = self.wrap(func, LAYOUT)

        def laid_out(*args, **kwargs):
            self.local.layout, self.local.attempt, self.local.converted = [], 0, []
            passes = 0
            try:
                result = inner(*args, **kwargs)
                passes = result[1]
                return result
            finally:
                noted, self.local.layout = self.local.layout, None
                converted, self.local.converted = self.local.converted, []
                for attempt, record in converted:
                    record["extra"] = 0 < attempt < passes
                with self.lock:
                    for attempt, stage, cpu, wall in noted:
                        kind = "extra" if 0 < attempt < passes else "final"
                        self.cpu[kind, stage] += cpu
                        self.wall[kind, stage] += wall
                        self.calls[kind, stage] += 1

        return laid_out

    def wrap_convert(self, convert):
        def converting(src, dst):
            record = {"src": str(Path(src).resolve()), "extra": False}
            with self.lock:
                self.conversions.append(record)
            if getattr(self.local, "layout", None) is not None:
                self.local.converted.append((self.local.attempt, record))
            started = time.perf_counter()
            try:
                return convert(src, dst)
            finally:
                with self.lock:
                    self.wall["final", CONVERT] += time.perf_counter() - started

        return converting


def instrument(stages: Stages):
    """Wrap the stage functions; returns what puts the originals back."""
    from generator import layout

    originals = []
    for module_name, attribute, stage in STAGES:
        module = importlib.import_module(module_name)
        originals.append((module, attribute, getattr(module, attribute)))
        setattr(module, attribute, stages.wrap(getattr(module, attribute), stage))
    originals.append((layout, "lay_out_lampiran", layout.lay_out_lampiran))
    layout.lay_out_lampiran = stages.wrap_layout(layout.lay_out_lampiran)

    def restore() -> None:
        for module, attribute, original in reversed(originals):
            setattr(module, attribute, original)

    return restore


def group_cpu(pgids: set[int], helpers: set[int]) -> tuple[float, float]:
    """CPU seconds so far of LibreOffice (the pool's process groups) and of the UNO helpers."""
    office = helper = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in pgids:
            cpu = sum(int(v) for v in fields[11:15]) / proctree.CLK_TCK
            if int(pid) in helpers:
                helper += cpu
            else:
                office += cpu
    return office, helper


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def reap_all() -> None:
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


def usage() -> tuple[float, float]:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def profiled_batch(out: Path, jobs: int) -> dict:
    from generator.batch import run_batch
    from generator.warm import ConverterPool

    stages = Stages()
    restore = instrument(stages)
    events = out.with_name(out.name + "-events.jsonl")
    events.unlink(missing_ok=True)
    os.environ["KEPUTUSAN_PROFILE_EVENTS"] = str(events)
    self0, kids0 = usage()
    busy0, total0 = proctree.cpu_jiffies()
    started = time.monotonic()
    pool = ConverterPool(jobs, helper=UNO_HELPER)
    pool.start()
    pool.convert = stages.wrap_convert(pool.convert)  # type: ignore[method-assign]
    try:
        result = run_batch(NTB, out, jobs=jobs, converter=pool)
        # each helper runs in the process group of the LibreOffice it drives (warm.py)
        helpers = {pid for pid in pool.pids if UNO_HELPER.name.encode() in _cmdline(pid)}
        office_cpu, helper_cpu = group_cpu({os.getpgid(pid) for pid in helpers}, helpers)
    finally:
        pool.close()
        restore()
    wall = time.monotonic() - started
    reap_all()
    self1, kids1 = usage()
    busy1, total1 = proctree.cpu_jiffies()
    others = (busy1 - busy0) / proctree.CLK_TCK - (self1 - self0) - (kids1 - kids0)
    if result.failed:
        sys.exit(f"profile: {len(result.failed)} offices failed: {[r.error for r in result.failed]}")
    return {
        "wall": wall,
        "self_cpu": self1 - self0,
        "children_cpu": kids1 - kids0,
        "office_cpu": office_cpu,
        "helper_cpu": helper_cpu,
        "stages": stages,
        "events": [json.loads(line) for line in events.read_text().splitlines()],
        "stats": pool.stats.as_dict(),
        "offices": len(result.offices),
        "documents": 2 * sum(len(r.bundles) for r in result.offices),
        "jobs": jobs,
        "others_share": max(0.0, others) / ((total1 - total0) / proctree.CLK_TCK or 1),
    }


def start_up() -> proctree.Measurement:
    return proctree.measure([sys.executable, "-c", "import " + ", ".join(IMPORTS)], cwd=ROOT)


# ---------------------------------------------------------------- the breakdown


def breakdown(p: dict, boot: proctree.Measurement) -> list[tuple[str, float]]:
    """(what, CPU seconds) rows adding up to the whole tree's CPU (start-up included)."""
    stages: Stages = p["stages"]
    conversions = stages.conversions
    # helper events, in order per document, matched to the pipeline's convert() calls
    ready = [e for e in p["events"] if e.get("ready")]
    done = [e for e in p["events"] if "src" in e and e["ok"]]
    by_src: dict[str, list[dict]] = defaultdict(list)
    for event in sorted(done, key=lambda e: e["t"]):
        by_src[event["src"]].append(event)
    calls: dict[str, list[dict]] = defaultdict(list)
    for record in conversions:
        calls[record["src"]].append(record)
    lo: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])  # cpu, wall, count
    for src, events in by_src.items():
        for record, event in zip(calls.get(src, []), events):
            kind = "akhir" if src.endswith("-akhir.docx") else "lampiran" if "-lampiran" in src else "keputusan"
            extra = record.get("extra", False)
            for phase in ("load", "export", "other"):
                key = f"extra:{phase}" if extra else f"{kind}:{phase}"
                lo[key][0] += event[phase][1]
                lo[key][1] += event[phase][0]
                lo[key][2] += 1
    start_cpu = sum(e["office_cpu"] for e in ready)
    helper_start = sum(e["helper_cpu"] for e in ready)
    phases_cpu = sum(v[0] for v in lo.values())
    office_idle = p["office_cpu"] - start_cpu - phases_cpu
    rows: list[tuple[str, float]] = [
        ("Python start-up and imports (once per `keputusan` command)", boot.cpu),
        (f"LibreOffice: starting {p['stats']['starts']} processes", start_cpu),
    ]
    for kind in ("keputusan", "lampiran"):
        n = int(lo[f"{kind}:load"][2])
        rows.append((f"LibreOffice: loading {n} final {kind} documents (layout included)", lo[f"{kind}:load"][0]))
        rows.append((f"LibreOffice: PDF export of {n} final {kind} documents", lo[f"{kind}:export"][0]))
    tails = int(lo["akhir:load"][2])
    rows.append(
        (
            f"LibreOffice: {tails} final lampiran converted from a row on (page_reuse), load and export",
            lo["akhir:load"][0] + lo["akhir:export"][0],
        )
    )
    closing = lo["keputusan:other"][0] + lo["lampiran:other"][0] + lo["akhir:other"][0]
    rows.append(("LibreOffice: closing documents", closing))
    extra_n = int(lo["extra:load"][2])
    extra_lo = lo["extra:load"][0] + lo["extra:export"][0] + lo["extra:other"][0]
    extra_py = sum(cpu for (kind, _), cpu in stages.cpu.items() if kind == "extra")
    rows.append((f"LibreOffice: extra layout passes ({extra_n} lampiran conversions)", extra_lo))
    rows.append(("LibreOffice: between conversions (idle timers)", office_idle))
    rows.append(("extra layout passes: rendering and reading them (Python)", extra_py))
    rows.append(("UNO helpers (Python: the bridge, JSON; start included)", p["helper_cpu"]))
    grouped: dict[str, float] = defaultdict(float)
    for (kind, stage), cpu in stages.cpu.items():
        if kind == "final":
            grouped[stage] += cpu
    for _, _, stage in STAGES:
        if stage in grouped:
            rows.append((stage, grouped.pop(stage)))
    rows.append(("other Python (scheduling, state, report, threads)", p["self_cpu"] - sum(stages.cpu.values())))
    runs = stages.calls["final", "signature fields: pdftotext -bbox (parsing its XML)"]
    children = p["children_cpu"] - p["office_cpu"] - p["helper_cpu"]
    rows.append((f"pdftotext processes ({runs} runs, signature fields), other children", children))
    del helper_start  # part of the helpers' CPU row already
    return rows


def print_breakdown(p: dict, boot: proctree.Measurement) -> None:
    rows = breakdown(p, boot)
    total = sum(cpu for _, cpu in rows)
    docs = p["documents"]
    stats = p["stats"]
    print(
        f"keputusan batch {NTB.name} --jobs {p['jobs']}: {p['offices']} offices, {docs} final documents, "
        f"{stats['conversions']} conversions"
    )
    print(
        f"  wall {p['wall'] + boot.wall:.1f} s (batch {p['wall']:.1f} s + start-up {boot.wall:.2f} s); "
        f"CPU of the whole tree {total:.1f} s = {total / docs:.3f} CPU-s a document"
    )
    loaded = " (under load: re-measure on a quiet machine)" if p["others_share"] > 0.05 else ""
    print(f"  other processes used {p['others_share']:.0%} of the machine's CPU time meanwhile{loaded}")
    print(f"  {'':<66} {'CPU-s':>6} {'share':>6} {'a document':>10}")
    for what, cpu in rows:
        print(f"  {what:<66} {cpu:6.2f} {cpu / total:6.1%} {cpu / docs:10.4f}")
    lo_rows = [cpu for what, cpu in rows if what.startswith("LibreOffice")]
    py_rows = total - sum(lo_rows) - rows[0][1]
    print(
        f"  LibreOffice {sum(lo_rows):.1f} CPU-s ({sum(lo_rows) / total:.0%}), Python and tools {py_rows:.1f} "
        f"({py_rows / total:.0%}), start-up {rows[0][1]:.2f} ({rows[0][1] / total:.0%})"
    )
    busy = stats["start_seconds"] + stats["convert_seconds"]
    capacity = p["jobs"] * p["wall"]
    print(
        f"  wall: the {p['jobs']} LibreOffice processes were busy {busy / capacity:.0%} of the batch's "
        f"{p['wall']:.1f} s (starting {stats['start_seconds'] / capacity:.0%}, converting "
        f"{stats['convert_seconds'] / capacity:.0%}), idle {1 - busy / capacity:.0%}: waiting for Python "
        "work (rendering, merging, fields) or for another office's page breaks"
    )
    per_doc = [
        statistics.mean(e["load"][0] + e["export"][0] for e in p["events"] if e.get("src", "").endswith(s))
        for s in ("-keputusan.docx", "-lampiran.docx")
        if any(e.get("src", "").endswith(s) for e in p["events"])
    ]
    if len(per_doc) == 2:
        print(f"  a conversion inside LibreOffice: keputusan {per_doc[0]:.2f} s, lampiran {per_doc[1]:.2f} s (wall)")


# ---------------------------------------------------------------- py-spy


def py_spy_batch(out: Path, jobs: int, top: int = 15) -> None:
    exe = shutil.which("py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if exe is None:
        print("py-spy is not installed (pip install py-spy, or make bench PROFILE=1)")
        return
    from generator.batch import run_batch

    raw = out.with_name(out.name + "-py-spy.txt")
    spy = subprocess.Popen(
        [exe, "record", "--pid", str(os.getpid()), "--nonblocking", "--rate", "100", "--format", "raw"]
        + ["--output", str(raw)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)  # attached
    try:
        run_batch(NTB, out, jobs=jobs)
    finally:
        spy.send_signal(signal.SIGINT)
        try:
            _, err = spy.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            spy.kill()
            err = "timed out"
    if not raw.exists():
        print(f"py-spy wrote nothing: {err.strip()[-300:]}")
        return
    own: dict[str, int] = defaultdict(int)
    inclusive: dict[str, int] = defaultdict(int)
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        total += int(count)
        own[_short(frames[-1])] += int(count)
        for name in {_short(f) for f in frames}:
            inclusive[name] += int(count)
    print(f"\npy-spy, a second batch: {total} samples of active Python threads (100 a second); most of their own:")
    for name, samples in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {samples / total:6.1%}  {name}   (inclusive {inclusive[name] / total:.0%})")
    print(f"  raw stacks: {raw}")


def _short(frame: str) -> str:
    """ "merge (generator/bundle.py:43)" with the path cut after site-packages/ or the checkout."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", str(ROOT) + "/", "/lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where.rsplit(':', 1)[0]})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--py-spy", action="store_true", help="also a batch sampled by py-spy")
    parser.add_argument("--out", type=Path, help="keep the batch output here (else a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the breakdown to this file")
    args = parser.parse_args()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(proctree.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)  # LibreOffice's orphans reaped and counted here
    boot = start_up()
    for name in IMPORTS:  # imported before the clock starts: the start-up is measured apart
        importlib.import_module(name)
    work = args.out or Path(tempfile.mkdtemp(prefix="keputusan-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"  at start: {proctree.machine_load()}", flush=True)
        profiled = profiled_batch(work / "batch", args.jobs)
        print_breakdown(profiled, boot)
        if args.json:
            rows = breakdown(profiled, boot)
            args.json.write_text(json.dumps({"wall": profiled["wall"], "rows": rows}, indent=2) + "\n")
        if args.py_spy:
            py_spy_batch(work / "py-spy-batch", args.jobs)
        print(f"  at end: {proctree.machine_load()}")
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
