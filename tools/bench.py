"""Benchmark of `keputusan batch` (issue 5), every figure measured in the same run.

    make bench                      # or: .venv/bin/python tools/bench.py [--national 552] [--jobs N]

(a) the naive way: one cold `soffice --convert-to pdf` per document, serially, for the same
    final documents the pipeline converts (same PDF export settings);
(b) `keputusan batch` on the NTB offices with --jobs 1 and --jobs N (fresh output folders);
(c) the same batch again with nothing changed;
(d) a synthetic national batch of 552 offices generated from the NTB offices (or a measured
    sample of --national offices, projected to 552);
and for (b) and (d) the peak memory of the whole process tree (sampled from /proc) and the share
of wall time outside LibreOffice: 1 - (time LibreOffice processes spent starting or converting)
/ (processes x wall). Also (e): one `keputusan build`, warm one-process pool against cold soffice.

A benchmark, not a test: it prints figures and the issue's targets beside them; machine load
(other LibreOffice processes, load average) is printed too, since it skews every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.convert import PDF_EXPORT, find_soffice  # noqa: E402
from generator.warm import default_jobs  # noqa: E402

NTB = ROOT / "data" / "kpu-ntb-2022-kabkota"
NATIONAL_OFFICES = 552
PROVINCES = 38


# ---------------------------------------------------------------- measuring


class TreeMemory:
    """Peak memory of a process and all its descendants (PSS, see `tree_memory`), sampled
    every `interval` s."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []  # (seconds since start, bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.monotonic()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            self.samples.append((time.monotonic() - self._started, tree_memory(self.pid)))
            self._stop.wait(self.interval)

    @property
    def peak(self) -> int:
        return max((b for _, b in self.samples), default=0)

    def peak_between(self, start: float, end: float) -> int:
        """Peak within a fraction [start, end) of the run."""
        if not self.samples:
            return 0
        total = self.samples[-1][0] or 1
        return max((b for t, b in self.samples if start <= t / total < end), default=0)


def tree_memory(root: int) -> int:
    """Memory of `root` and its descendants: the sum of their proportional set sizes (PSS).

    Not the sum of resident sizes: a process that has just forked (to start LibreOffice) shows
    the parent's whole resident size in the child until it runs the new program, pages they
    share; summing RSS counted those twice, a false peak of +230 MB whenever a sample fell
    there. PSS splits a shared page between its sharers."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = next((line.split()[1] for line in status.splitlines() if line.startswith("PPid:")), "0")
        children.setdefault(int(ppid), []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss(pid)
        stack.extend(children.get(pid, []))
    return total


def _pss(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # gone meanwhile, or not ours to read
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def run(
    cmd: list[str], *, memory: bool = False, env: dict | None = None
) -> tuple[float, subprocess.CompletedProcess, TreeMemory | None]:
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, **(env or {})}
    )
    sampler = TreeMemory(proc.pid) if memory else None
    if sampler:
        with sampler:
            out, err = proc.communicate()
    else:
        out, err = proc.communicate()
    seconds = time.monotonic() - started
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode not in (0,):
        sys.exit(f"benchmark step failed: {' '.join(cmd)}\n{err}")
    return seconds, result, sampler


def keputusan(*args) -> list[str]:
    return [sys.executable, "-m", "generator", *map(str, args)]


def outside_share(report: dict, wall: float) -> float:
    conv = report.get("converter") or {}
    busy = conv.get("start_seconds", 0) + conv.get("convert_seconds", 0)
    return max(0.0, 1 - busy / (report["jobs"] * wall))


def machine_load() -> str:
    load = os.getloadavg()
    others = sum(1 for e in Path("/proc").iterdir() if e.name.isdigit() and _is_soffice(e))
    return f"load average {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, soffice.bin processes running: {others}"


def _is_soffice(entry: Path) -> bool:
    """A running soffice.bin; not a zombie (a process just killed, not yet reaped by init)."""
    try:
        stat = (entry / "stat").read_text()
    except OSError:
        return False
    name, state = stat[stat.find("(") + 1 : stat.rfind(")")], stat[stat.rfind(")") + 2 :][:1]
    return name == "soffice.bin" and state != "Z"


def mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


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
    offices = sorted(offices[:NATIONAL_OFFICES], key=lambda o: o["kode_wilayah"])
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


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="N for (b) and (d) [CPU count]")
    parser.add_argument(
        "--national",
        type=int,
        default=NATIONAL_OFFICES,
        help="offices of the national batch to run (projected to 552 if fewer)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    jobs, soffice = args.jobs, find_soffice()
    version = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="keputusan-bench-"))
    figures: dict = {"cpus": os.cpu_count(), "jobs": jobs, "libreoffice": version}
    print(f"keputusan benchmark: {os.cpu_count()} CPUs, --jobs {jobs}, {version}")
    print(f"  at start: {machine_load()}")
    try:
        # (b) first: it also renders the documents (a) converts
        b1, r1, m1 = run(keputusan("batch", NTB, "--out", work / "jobs1", "--jobs", 1), memory=True)
        bn, rn, mn = run(keputusan("batch", NTB, "--out", work / "jobsN", "--jobs", jobs), memory=True)
        rep1, repn = (json.loads((work / d / "batch-report.json").read_text()) for d in ("jobs1", "jobsN"))
        offices = len(repn["offices"])
        # (c) nothing changed
        c, _, _ = run(keputusan("batch", NTB, "--out", work / "jobsN", "--jobs", jobs))
        # (a) the naive way, on the final documents of (b)
        documents = sorted((work / "jobsN").glob("*/*.docx"))
        naive_out, profile = work / "naive", work / "naive-profile"
        spec = "pdf:writer_pdf_Export:" + json.dumps(PDF_EXPORT, separators=(",", ":"))
        started = time.monotonic()
        for doc in documents:
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to",
                    spec,
                    "--outdir",
                    str(naive_out),
                    str(doc),
                ],
                check=True,
                capture_output=True,
            )
        a = time.monotonic() - started
        assert len(list(naive_out.glob("*.pdf"))) == len(documents)
        # (e) one build: warm one-process pool (what `build` does) against cold soffice per document
        e_warm, _, _ = run(keputusan("build", ROOT / "data" / "kpu-ntb-2022", "--out", work / "build-warm"))
        cold = (
            "from generator.pipeline import build; from generator.convert import SofficeConverter; "
            f"build({str(ROOT / 'data' / 'kpu-ntb-2022')!r}, {str(work / 'build-cold')!r}, "
            "converter=SofficeConverter())"
        )
        e_cold, _, _ = run([sys.executable, "-c", cold])
        print(f"  after NTB runs: {machine_load()}")

        print(f"\nNTB batch: {offices} offices x 2 variants = {2 * offices} bundles, {len(documents)} final documents")
        print(
            f"(a) naive, one cold soffice per document, serially  {a:7.1f} s  ({a / len(documents):.2f} s a document)"
        )
        print(
            f"(b) keputusan batch --jobs 1                        {b1:7.1f} s  "
            f"outside LibreOffice {outside_share(rep1, b1):.0%}, peak memory {mb(m1.peak)}"
        )
        print(
            f"    keputusan batch --jobs {jobs:<2}                       {bn:7.1f} s  "
            f"outside LibreOffice {outside_share(repn, bn):.0%}, peak memory {mb(mn.peak)}"
        )
        print(
            f"      --jobs {jobs} vs naive: {a / bn:4.1f}x faster   (target >= 8x)       "
            f"{'met' if a / bn >= 8 else 'NOT met'}"
        )
        print(
            f"      --jobs {jobs} vs --jobs 1: {b1 / bn:4.2f}x faster (target >= 1.7x)     "
            f"{'met' if b1 / bn >= 1.7 else 'NOT met'}"
        )
        print(
            f"      outside LibreOffice {outside_share(repn, bn):.0%} of wall (target <= 15%)  "
            f"{'met' if outside_share(repn, bn) <= 0.15 else 'NOT met'}"
        )
        conv = repn["converter"]
        print(
            f"      {conv['conversions']} conversions ({conv['conversions'] / offices:.1f} an office), "
            f"LibreOffice busy {conv['start_seconds'] + conv['convert_seconds']:.1f} s over {jobs} processes"
        )
        print(
            f"(c) no-change rebuild                               {c:7.2f} s  = {c / bn:.1%} of (b) "
            f"(target < 5%)  {'met' if c / bn < 0.05 else 'NOT met'}"
        )
        print(
            f"(e) keputusan build (one case): warm one-process pool {e_warm:.1f} s, "
            f"cold soffice per document {e_cold:.1f} s"
        )
        figures.update(
            {
                "offices": offices,
                "documents": len(documents),
                "a_naive": a,
                "b_jobs1": b1,
                "b_jobsN": bn,
                "outside_jobs1": outside_share(rep1, b1),
                "outside_jobsN": outside_share(repn, bn),
                "peak_memory_jobs1": m1.peak,
                "peak_memory_jobsN": mn.peak,
                "c_nochange": c,
                "e_build_warm": e_warm,
                "e_build_cold": e_cold,
                "converter_jobsN": conv,
            }
        )

        # (d) the national batch
        count = min(args.national, NATIONAL_OFFICES)
        folder = national_batch(work / "national-data", count)
        d, _, md = run(keputusan("batch", folder, "--out", work / "national", "--jobs", jobs), memory=True)
        repd = json.loads((work / "national" / "batch-report.json").read_text())
        assert repd["summary"]["built"] == count, repd["summary"]
        projected = d / count * NATIONAL_OFFICES
        quarters = [md.peak_between(q / 4, (q + 1) / 4) for q in range(4)]
        label = "all 552" if count == NATIONAL_OFFICES else f"a sample of {count}, projected to 552"
        print(
            f"(d) national batch, {label}: {d:.1f} s measured"
            + ("" if count == NATIONAL_OFFICES else f", {projected:.0f} s projected")
            + f" ({d / count:.2f} s an office)"
        )
        print(
            f"      outside LibreOffice {outside_share(repd, d):.0%}; peak memory {mb(md.peak)}; "
            f"peak by quarter of the run: {', '.join(mb(q) for q in quarters)}; "
            f"LibreOffice processes started {repd['converter']['starts']} "
            f"(recycled {repd['converter']['recycles']}); "
            f"{repd['converter']['conversions'] / count:.1f} conversions an office"
        )
        print(f"  at end: {machine_load()}")
        figures.update(
            {
                "d_offices": count,
                "d_seconds": d,
                "d_projected_552": projected,
                "d_outside": outside_share(repd, d),
                "d_peak_memory": md.peak,
                "d_peak_by_quarter": quarters,
                "d_converter": repd["converter"],
            }
        )
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
