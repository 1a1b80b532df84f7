"""`make bench`: keputusan's batch side by side with its peer, Carbone 3.8.2 on warm LibreOffice
(issue 12), every figure measured in one run.

    make bench [ROUNDS=3] [NATIONAL=552] [PROFILE=1]
    .venv/bin/python tools/bench.py [--rounds 3] [--national 552] [--builds 3] [--web-runs 3] [--profile]

Rounds, A B C A B C ... (at least 3 for figures worth quoting), each run measured by
tools/proctree.py:
  A  `keputusan batch data/kpu-ntb-2022-kabkota --jobs 2` into a fresh folder: 11 offices,
     22 bundles, 44 final documents (49 conversions with the page-break passes);
  B  Carbone (tools/bench_carbone.py): `node bench.js --factories 2 --each 22`, the peer's
     decree and lampiran, 22 of each in its measured part, 50 PDFs in all;
  C  the naive way: one cold `soffice --convert-to pdf` per document, serially, for the 44
     final documents of an untimed batch run first (same PDF export settings).
For each run: wall seconds; CPU seconds of the WHOLE process tree (user + system of every
process it started, LibreOffice processes killed and reparented included: see proctree.py);
documents per second; CPU seconds a delivered document; peak memory (PSS of the tree); and the
load it ran under: load average, CPU seconds other processes used meanwhile (the machine's
busy jiffies from /proc/stat minus ours), soffice.bin processes of others. Then medians
(min-max) and, per round, the ratios keputusan / Carbone.

What is compared: the whole command on both sides, start-up included (keputusan's Python and
LibreOffice start; node, Carbone's own templating and its factories' start), per delivered
document: 44 for keputusan, 50 for bench.js. bench.js's own `wall_s` times only its steady
part (44 documents on factories already warm): printed too, as "Carbone, steady part", with its
CPU read from the tree's CPU time series at the moment bench.js says the part ended.

Once per run, after the rounds: the national batch (552 offices generated from the NTB ones, or
a sample of --national, projected) with its cost per office against the NTB batch's and its
memory by quarter of the run; one `keputusan build` on an already warm pool against the cold
command (tools/bench_build.py); the web application's build against the cold command
(tools/bench_web.py); with --profile, where keputusan's cost goes (tools/profile_batch.py).

A benchmark, not a test: it prints figures with the targets beside them. The machine should be
quiet; runs that were not are marked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import proctree  # noqa: E402
from bench_carbone import Carbone, default_work, find_peer  # noqa: E402
from proctree import Measurement, machine_load  # noqa: E402

from generator.convert import PDF_EXPORT, find_soffice  # noqa: E402

NTB = ROOT / "data" / "kpu-ntb-2022-kabkota"
NATIONAL_OFFICES = 552
PROVINCES = 38
JOBS = 2  # the setting: 2 LibreOffice processes on 2 cores, against 2 Carbone factories
LOADED = 0.05  # others' share of the machine's CPU time above which a run counts as measured under load

# targets (issue 12), keputusan against Carbone, from the same run
TARGET_THROUGHPUT = 1.5  # documents per second (wall), at least this many times Carbone's
TARGET_CPU = 0.67  # CPU seconds per delivered document, at most this share of Carbone's
TARGET_WARM = 0.4  # a build on the warm pool, at most this share of the cold command
FLAT = 1.10  # memory counts as flat when no later quarter's peak exceeds the first's by more


# ---------------------------------------------------------------- runs


@dataclass
class Run:
    what: str  # keputusan | carbone | carbone-steady | naive
    round: int
    wall: float
    cpu: float
    docs: int
    m: Measurement | None = None  # None for the steady part (read from the Carbone run's)
    extra: dict = field(default_factory=dict)

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.wall

    @property
    def cpu_per_doc(self) -> float:
        return self.cpu / self.docs


LABELS = {
    "keputusan": f"keputusan batch --jobs {JOBS}",
    "carbone": "Carbone, whole node process",
    "carbone-steady": "Carbone, steady part (bench.js wall_s)",
    "naive": "naive: cold soffice per document",
}


def keputusan(*args) -> list[str]:
    return [sys.executable, "-m", "generator", *map(str, args)]


def checked(m: Measurement, what: str) -> Measurement:
    if m.returncode != 0 or m.timed_out:
        tail = m.stderr_text.strip().splitlines()[-15:]
        sys.exit(f"bench: {what} failed (exit {m.returncode}): {' '.join(m.command)}\n" + "\n".join(tail))
    return m


def run_keputusan(batch: Path, out: Path, round_: int, *, jobs: int = JOBS, timeout: float = 1800) -> Run:
    cmd = keputusan("batch", batch, "--out", out, "--jobs", jobs)
    m = checked(proctree.measure(cmd, cwd=ROOT, memory=True, timeout=timeout), "batch")
    report = json.loads((out / "batch-report.json").read_text())
    built = [o for o in report["offices"] if o["status"] == "built"]
    if report["summary"]["built"] != len(report["offices"]):
        sys.exit(f"bench: the batch did not build every office: {report['summary']}")
    docs = 2 * sum(len(o["bundles"]) for o in built)  # a decree and its lampiran in each bundle
    return Run("keputusan", round_, m.wall, m.cpu, docs, m, {"report": report, "pages": part_pages(out, built[0])})


def part_pages(out: Path, office: dict) -> tuple[int, int]:
    """Pages of the decree and of the lampiran in an office's first bundle (from its bookmarks)."""
    from pypdf import PdfReader

    reader = PdfReader(out / office["folder"] / office["bundles"][0])
    starts = [reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)]
    decree, lampiran = (page or 0 for page in starts[:2])
    return lampiran - decree, len(reader.pages) - lampiran


def run_carbone(carbone: Carbone, out: Path, round_: int, each: int) -> list[Run]:
    m = checked(proctree.measure(carbone.command(JOBS, each, out), cwd=carbone.work, memory=True), "Carbone")
    line = carbone.parse(m.stdout)
    docs = carbone.documents(JOBS, each)
    carbone.check(out, docs)
    shutil.rmtree(out, ignore_errors=True)
    whole = Run("carbone", round_, m.wall, m.cpu, docs, m, {"line": line})
    steady_wall, ended = float(line["wall_s"]), m.line_time("# steady")
    runs = [whole]
    if ended is not None:
        steady_cpu = m.cpu_at(ended) - m.cpu_at(ended - steady_wall)
        runs.append(Run("carbone-steady", round_, steady_wall, steady_cpu, int(line["docs"]), None, {"of": whole}))
    return runs


def run_naive(soffice: str, documents: list[Path], work: Path, round_: int) -> Run:
    out, profile = work / f"naive-{round_}", work / f"naive-profile-{round_}"
    spec = "pdf:writer_pdf_Export:" + json.dumps(PDF_EXPORT, separators=(",", ":"))
    loop = (
        'soffice=$1 profile=$2 spec=$3 out=$4; shift 4; for doc; do "$soffice" --headless '
        '"-env:UserInstallation=$profile" --convert-to "$spec" --outdir "$out" "$doc" >/dev/null 2>&1 || exit 1; done'
    )
    cmd = ["sh", "-c", loop, "naive", soffice, profile.as_uri(), spec, str(out), *map(str, documents)]
    m = checked(proctree.measure(cmd, memory=False), "the naive conversions")
    converted = len(list(out.glob("*.pdf")))
    if converted != len(documents):
        sys.exit(f"bench: the naive way converted {converted} of {len(documents)} documents")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(profile, ignore_errors=True)
    return Run("naive", round_, m.wall, m.cpu, len(documents), m)


# ---------------------------------------------------------------- the national batch


def national_batch(folder: Path, count: int) -> Path:
    """kantor.yaml with `count` offices generated from the NTB ones: 38 provinces, the rest
    kabupaten/kota, named after the NTB offices with their province number (so headings vary in
    length as real names do), each carrying its NTB model's number, officials and plan changes."""
    source = yaml.safe_load((NTB / "kantor.yaml").read_text())
    models = source["kantor"][1:]  # the ten kabupaten/kota
    offices = []
    per_province = (NATIONAL_OFFICES - PROVINCES) // PROVINCES + 1
    for p in range(PROVINCES):
        code = f"{11 + p:02d}"
        offices.append(
            {
                "kode_wilayah": code,
                "wilayah": f"Provinsi Contoh {code}",
                "kedudukan": f"Ibu Kota {code}",
                "urut": 19,
                "penandatangan_nama": f"[Contoh] Ketua KPU Provinsi {code}",
                "pengesah_nama": f"[Contoh] Pengesah Provinsi {code}",
                "pengesah_jabatan": "Kepala Bagian Hukum dan Sumber Daya Manusia",
            }
        )
        for k in range(per_province):
            model = models[(p + k) % len(models)]
            entry = {**model, "kode_wilayah": f"{code}{k + 1:02d}", "wilayah": f"{model['wilayah']} {code}"}
            offices.append(entry)
    offices = sorted(offices[:NATIONAL_OFFICES], key=lambda o: str(o["kode_wilayah"]))
    # a sample keeps the national mix: provinces and kabupaten/kota spread over the list
    step = NATIONAL_OFFICES / count
    sample = [offices[int(i * step)] for i in range(count)]
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "dasar": str(ROOT / "data" / "kpu-ntb-2022"),
        "ganti_sebutan": source["ganti_sebutan"],
        "bawaan": source["bawaan"],
        "kantor": sample,
    }
    (folder / "kantor.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return folder


# ---------------------------------------------------------------- printing


def mb(n: float) -> str:
    return f"{n / 2**20:.0f} MB"


def spread(values: list[float], digits: int = 2) -> str:
    """median (min-max)"""
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def load_of(run: Run) -> str:
    m = run.m if run.m is not None else run.extra["of"].m
    mark = "  * under load" if under_load(m) else ""
    return (
        f"load {m.load_before[0]:.2f}, others {m.others_busy:4.1f} CPU-s ({m.others_share:3.0%}), "
        f"others' soffice {m.foreign_soffice}{mark}"
    )


def under_load(m: Measurement) -> bool:
    """Others used the CPUs meanwhile (an idle LibreOffice of someone else's costs nothing)."""
    return m.others_share > LOADED


def print_run(run: Run) -> None:
    memory = f"{mb(run.m.peak_memory):>7}" if run.m is not None and run.m.peak_memory else " " * 7
    print(
        f"  {run.round:>2}  {LABELS[run.what]:<40} {run.wall:6.1f} s {run.cpu:6.1f} CPU-s {run.docs:3d} docs "
        f"{run.docs_per_s:5.2f}/s {run.cpu_per_doc:5.3f} CPU-s/doc {memory}  | {load_of(run)}"
    )


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    return head + (" with uncommitted changes" if dirty else "")


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of A B C (at least 3 for quotable figures)")
    parser.add_argument(
        "--national",
        type=int,
        default=NATIONAL_OFFICES,
        help="offices of the national batch (fewer: projected; 0: none)",
    )
    parser.add_argument("--builds", type=int, default=3, help="warm/cold `keputusan build` pairs (0: none)")
    parser.add_argument("--web-runs", type=int, default=3, help="builds through the web application (0: none)")
    parser.add_argument("--no-naive", action="store_true", help="leave out the naive way")
    parser.add_argument("--carbone", type=Path, help="the peer harness [../shared/peers/carbone]")
    parser.add_argument("--carbone-work", type=Path, default=default_work(), help="where the peer is copied and run")
    parser.add_argument("--profile", action="store_true", help="also profile where keputusan's cost goes")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    rounds = max(1, args.rounds)
    soffice = find_soffice()
    version = subprocess.run([soffice, "--version"], check=False, capture_output=True, text=True).stdout.strip()
    now = dt.datetime.now(dt.UTC)
    print(
        f"keputusan benchmark, {now:%Y-%m-%d %H:%M} UTC, commit {git_commit()}, {os.cpu_count()} CPUs, "
        f"{' '.join(version.split()[:2])}"
    )
    print(f"  at start: {machine_load()}")
    figures: dict = {"date": now.isoformat(timespec="seconds"), "commit": git_commit(), "cpus": os.cpu_count()}
    work = Path(tempfile.mkdtemp(prefix="keputusan-bench-"))
    try:
        # untimed: one batch (the naive way converts its documents; warms the file cache), and
        # the peer installed and checked by its run.sh
        print("preparing: an untimed batch, the Carbone peer (npm install and a check run the first time)", flush=True)
        checked(proctree.measure(keputusan("batch", NTB, "--out", work / "warmup", "--jobs", JOBS), cwd=ROOT), "batch")
        documents = sorted({p.resolve() for p in (work / "warmup").glob("*/rev-*/*.docx")})
        carbone, why_not = None, None
        peer = find_peer(args.carbone)
        if peer is None:
            why_not = "the peer harness (shared/peers/carbone/bench.js) was not found; give --carbone DIR"
        else:
            carbone = Carbone(peer, args.carbone_work)
            why_not = carbone.prepare(JOBS)
            if why_not:
                carbone = None
        if why_not:
            print(f"  Carbone cannot run, so no comparison with it: {why_not}")
        if len(documents) != 44:
            print(f"  note: the NTB batch has {len(documents)} final documents, not 44; Carbone converts as many")
        each = len(documents) // 2  # bench.js converts `each` lampiran + `each` keputusan

        runs: list[Run] = []
        print(f"\nrounds (each line one run; * = measured under load: other processes used > {LOADED:.0%} of the CPUs)")
        for r in range(1, rounds + 1):
            batch_run = run_keputusan(NTB, work / f"ntb-{r}", r)
            print_run(batch_run)
            runs.append(batch_run)
            if carbone is not None:
                for run in run_carbone(carbone, work / f"carbone-{r}", r, each):
                    print_run(run)
                    runs.append(run)
            if not args.no_naive:
                runs.append(run_naive(soffice, documents, work, r))
                print_run(runs[-1])
            sys.stdout.flush()
            if r < rounds:
                shutil.rmtree(work / f"ntb-{r}", ignore_errors=True)
        unchanged = checked(
            proctree.measure(keputusan("batch", NTB, "--out", work / f"ntb-{rounds}", "--jobs", JOBS), cwd=ROOT),
            "batch",
        )
        figures["rounds"] = [
            {"what": x.what, "round": x.round, "wall": x.wall, "cpu": x.cpu, "docs": x.docs} for x in runs
        ]
        ntb = summarise(runs, carbone is not None, figures)
        print(
            f"  no-change rebuild of the NTB batch (the whole command): {unchanged.wall:.2f} s, "
            f"{unchanged.cpu:.2f} CPU-s"
        )
        figures["nochange"] = {"wall": unchanged.wall, "cpu": unchanged.cpu}

        if args.national > 0:
            national(work, min(args.national, NATIONAL_OFFICES), ntb, figures)
        if args.builds > 0:
            warm_builds(work, args.builds, figures)
        if args.web_runs > 0:
            web_builds(args.web_runs, figures)
        if args.profile:
            profile(work)
        print(f"\n  at end: {machine_load()}")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def summarise(runs: list[Run], with_carbone: bool, figures: dict) -> list[Run]:
    """Medians and ratios; returns the NTB batch runs."""
    by = {what: [r for r in runs if r.what == what] for what in LABELS}
    print("\nmedians (min-max) over the rounds")
    print(f"  {'':<50} {'wall s':>18} {'CPU-s':>18} {'docs/s':>18} {'CPU-s a document':>21}")
    for what, group in by.items():
        if group:
            print(
                f"  {LABELS[what] + f' ({group[0].docs} docs)':<50} {spread([r.wall for r in group], 1):>18} "
                f"{spread([r.cpu for r in group], 1):>18} {spread([r.docs_per_s for r in group]):>18} "
                f"{spread([r.cpu_per_doc for r in group], 3):>21}"
            )
            figures[what] = {
                "wall": statistics.median(r.wall for r in group),
                "cpu": statistics.median(r.cpu for r in group),
                "docs": group[0].docs,
            }
    ntb = by["keputusan"]
    memory = [r.m.peak_memory for r in ntb if r.m is not None]
    conversions = [r.extra["report"]["converter"]["conversions"] for r in ntb]
    print(
        f"  keputusan: {spread([float(c) for c in conversions], 0)} conversions for {ntb[0].docs} documents, "
        f"peak memory {mb(statistics.median(memory))}"
    )
    if with_carbone and by["carbone"]:
        decree, lampiran = ntb[0].extra["pages"]
        line = by["carbone"][0].extra["line"]
        print(
            f"  the documents: keputusan's decree {decree} pages and lampiran {lampiran} pages; Carbone's "
            f"{line.get('keputusan_pages', '?')} and {line.get('lampiran_pages', '?')} (the peer's own templates, "
            "from the same seed decree and 83-row plan)"
        )
    if with_carbone:
        print("\nkeputusan / Carbone, per round (same round's runs), median (min-max):")
        for peer, label in (("carbone", "whole process (compared)"), ("carbone-steady", "steady part (for reference)")):
            pairs = [(k, c) for k in ntb for c in by[peer] if c.round == k.round]
            if not pairs:
                continue
            throughput = [k.docs_per_s / c.docs_per_s for k, c in pairs]
            cpu = [k.cpu_per_doc / c.cpu_per_doc for k, c in pairs]
            t_ok = statistics.median(throughput) >= TARGET_THROUGHPUT
            c_ok = statistics.median(cpu) <= TARGET_CPU
            compared = peer == "carbone"
            print(
                f"  against Carbone's {label}: throughput (documents/s, wall) {spread(throughput)}x"
                + (f"  (target >= {TARGET_THROUGHPUT}x: {verdict(t_ok)})" if compared else "")
            )
            print(
                f"  {'':<{len('against Carbone')}}{'':<{len(label) + 4}}CPU-s a delivered document {spread(cpu)}x"
                + (f"  (target <= {TARGET_CPU}x: {verdict(c_ok)})" if compared else "")
            )
            figures[f"ratio_{peer}"] = {"throughput": throughput, "cpu_per_doc": cpu}
            if compared:
                figures["targets"] = {"throughput": t_ok, "cpu_per_doc": c_ok}
    if by["naive"]:
        pairs_n = [(k, n) for k in ntb for n in by["naive"] if n.round == k.round]
        faster = spread([k.docs_per_s / n.docs_per_s for k, n in pairs_n])
        cheaper = spread([k.cpu_per_doc / n.cpu_per_doc for k, n in pairs_n])
        print(f"  keputusan against the naive way: throughput {faster}x, CPU-s a document {cheaper}x (no target)")
    loaded = [r for r in runs if under_load(r.m if r.m is not None else r.extra["of"].m)]
    if loaded:
        print(f"  {len(loaded)} of {len(runs)} runs were measured under load: re-measure on a quiet machine")
    return ntb


def national(work: Path, count: int, ntb: list[Run], figures: dict) -> None:
    folder = national_batch(work / "national-data", count)
    run = run_keputusan(folder, work / "national", 0, timeout=600 + 10 * count)  # 552: over an hour, even loaded
    m = run.m
    assert m is not None
    report = run.extra["report"]
    label = "all 552" if count == NATIONAL_OFFICES else f"a sample of {count}, projected to 552"
    wall_office, cpu_office = m.wall / count, m.cpu / count
    ntb_offices = len(ntb[0].extra["report"]["offices"])
    ntb_wall = statistics.median(r.wall for r in ntb) / ntb_offices
    ntb_cpu = statistics.median(r.cpu for r in ntb) / ntb_offices
    quarters = [m.peak_between(q / 4, (q + 1) / 4) for q in range(4)]
    conv = report["converter"]
    # LibreOffice's memory grows with every document until the process is replaced (after 200
    # conversions): a sample too short for that cannot show whether memory stays flat
    judged = conv["recycles"] > 0
    flat = max(quarters[1:]) <= FLAT * quarters[0] if quarters[0] else False
    print(f"\nnational batch, {label}, --jobs {JOBS}:")
    print(
        f"  {m.wall:.1f} s, {m.cpu:.1f} CPU-s"
        + ("" if count == NATIONAL_OFFICES else f" ({m.wall / count * NATIONAL_OFFICES:.0f} s projected)")
        + f"; {conv['conversions'] / count:.1f} conversions an office; LibreOffice started {conv['starts']} times "
        f"(recycled {conv['recycles']})  | {load_of(run)}"
    )
    print(
        f"  an office: {wall_office:.2f} s wall, {cpu_office:.2f} CPU-s; NTB batch (median): {ntb_wall:.2f} s, "
        f"{ntb_cpu:.2f} CPU-s  (target: no more; wall {verdict(wall_office <= ntb_wall)}, "
        f"CPU {verdict(cpu_office <= ntb_cpu)})"
    )
    print(
        f"  peak memory (PSS of the tree) by quarter of the run: {', '.join(mb(q) for q in quarters)}  "
        f"(target flat, no quarter above the first by more than {FLAT - 1:.0%}: "
        + (f"{verdict(flat)})" if judged else "not judged: no LibreOffice process was recycled in this sample)")
    )
    figures["national"] = {
        "offices": count,
        "wall": m.wall,
        "cpu": m.cpu,
        "per_office": {"wall": wall_office, "cpu": cpu_office},
        "ntb_per_office": {"wall": ntb_wall, "cpu": ntb_cpu},
        "peak_by_quarter": quarters,
        "memory_flat": flat if judged else None,
        "converter": conv,
    }


def warm_builds(work: Path, runs: int, figures: dict) -> None:
    print("\none `keputusan build` of data/kpu-ntb-2022: on an already warm pool (in-process, as the web worker keeps")
    print(f"it) against the whole cold command (tools/bench_build.py); at start: {machine_load()}", flush=True)
    out = work / "bench-build.json"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "bench_build.py"), "--runs", str(runs), "--json", str(out)], check=True
    )
    figures["build"] = json.loads(out.read_text())


def web_builds(runs: int, figures: dict) -> None:
    print(
        "\nthe web application (tools/bench_web.py): a build started from the page, on the worker's warm pool,",
        flush=True,
    )
    print(f"against the cold `keputusan build` of the same workbook; at start: {machine_load()}", flush=True)
    try:
        import bench_web
    except ImportError as exc:
        print(f"  not measured: the web application is not installed ({exc}; pip install -e '.[web]')")
        return
    os.environ.pop("DATABASE_URL", None)
    figures["web"] = bench_web.measure(runs)


def profile(work: Path) -> None:
    print("\nprofile: where keputusan's cost goes (tools/profile_batch.py)", flush=True)
    cmd = [
        sys.executable,
        str(ROOT / "tools" / "profile_batch.py"),
        "--jobs",
        str(JOBS),
        "--out",
        str(work / "profile"),
    ]
    if shutil.which("py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"):
        cmd.append("--py-spy")
    subprocess.run(cmd, check=True)


if __name__ == "__main__":
    sys.exit(main())
