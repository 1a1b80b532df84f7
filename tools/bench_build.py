"""One `keputusan build` of the NTB case on an already warm pool, as the web application keeps it,
against the whole cold `keputusan build` command, which starts its own LibreOffice (issue 12,
point 2; target: warm at most 0.4x cold).

    .venv/bin/python tools/bench_build.py [--runs 3] [--json FILE]

Warm: this process keeps one `ConverterPool` (one process, the web worker's default pool size)
and one `LayoutCache` for all its builds, as the web worker does (generator/web/jobs.py); one
untimed build first, like the first build after the server starts. Each timed build is what a
web job runs: load and validate the case, `build_revision` into a fresh folder. Cold: the whole
`keputusan build data/kpu-ntb-2022 --out DIR` command in a fresh process, Python start-up and
LibreOffice start included. Warm and cold builds alternate; medians are printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import template_files  # noqa: E402
from generator.layout import LayoutCache  # noqa: E402
from generator.load import load_case  # noqa: E402
from generator.pipeline import build_revision  # noqa: E402
from generator.warm import ConverterPool  # noqa: E402

CASE = ROOT / "data" / "kpu-ntb-2022"
TARGET = 0.4


def warm_build(pool: ConverterPool, cache: LayoutCache, out: Path) -> float:
    started = time.monotonic()
    case = load_case(CASE)
    build_revision(case, out / case.name, converter=pool, templates=template_files.for_case(case), layout_cache=cache)
    return time.monotonic() - started


def cold_build(out: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "generator", "build", str(CASE), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return time.monotonic() - started


def measure(runs: int, say=print) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp, ConverterPool(1) as pool:
        work, cache = Path(tmp), LayoutCache()
        first = warm_build(pool, cache, work / "warm-0")
        say(f"  first build on the fresh pool (untimed, settles the page breaks): {first:.2f} s")
        warm, cold = [], []
        for run in range(1, runs + 1):
            warm.append(warm_build(pool, cache, work / f"warm-{run}"))
            cold.append(cold_build(work / f"cold-{run}"))
            say(f"  round {run}: warm pool {warm[-1]:.2f} s, cold keputusan build {cold[-1]:.2f} s")
    figures: dict[str, float | list[float]] = {
        "warm": warm,
        "cold": cold,
        "warm_median": statistics.median(warm),
        "cold_median": statistics.median(cold),
        "first_warm": first,
        "conversions_warm_pool": pool.stats.conversions,
    }
    figures["ratio"] = statistics.median(warm) / statistics.median(cold)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = measure(args.runs)
    print(
        f"warm pool {figures['warm_median']:.2f} s, cold keputusan build {figures['cold_median']:.2f} s: "
        f"{figures['ratio']:.2f}x (target at most {TARGET}x: {'met' if figures['ratio'] <= TARGET else 'NOT met'})"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
