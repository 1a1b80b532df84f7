"""The peer in `make bench`: Carbone 3.8.2 (npm) converting the same decree and lampiran on warm
LibreOffice "factories", from the harness in ../shared/peers/carbone/ (issue 12).

The peer's folder is shared with other sessions (and may be read-only), so the harness is
copied into a folder of ours (`work`, kept between runs so npm installs once) and its `run.sh`
runs there with a tiny workload once: it installs Carbone with npm and python-docx in a venv,
builds the inputs from the seed decree, converts and checks the PDFs with pdftotext. After that
`command()` is one `node bench.js --factories N --each M --out DIR`.

What bench.js times (read bench.js): it renders 5+5 DOCX without LibreOffice, starts the
factories and converts a first lampiran and keputusan (`first_s`), then one of each per factory
untimed, and then the measured part: M lampiran + M keputusan with N in flight; its `wall_s` is
that steady part only, without LibreOffice's start. So the benchmark also times the whole node
process (start, factories, every PDF it wrote: 2 + 2N + 2M), which is what `keputusan batch`'s
figures include too, and compares those.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("bench.js", "check_pdf.py", "make_inputs.py", "package.json", "package-lock.json", "run.sh")
SEED = "000_cc1b61e9fdc7d6ec.txt"
PREPARE_TIMEOUT = 900  # npm install, a venv, one tiny run


def find_peer(explicit: Path | None = None) -> Path | None:
    """The peer harness: --carbone, $KEPUTUSAN_CARBONE_PEER, or shared/peers/carbone beside
    the checkout (../shared from /work/main, ../../shared from a worktree under /work/wt)."""
    env = os.environ.get("KEPUTUSAN_CARBONE_PEER")
    if explicit or env:  # asked for: that one or none
        candidates = [Path(explicit or env or "")]
    else:
        candidates = [parent / "shared" / "peers" / "carbone" for parent in (ROOT.parent, ROOT.parent.parent)]
    return next((c for c in candidates if (c / "bench.js").is_file()), None)


def default_work() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "keputusan-bench" / "carbone-peer"


class Carbone:
    def __init__(self, peer: Path, work: Path):
        self.peer, self.work = peer, work

    def prepare(self, factories: int) -> str | None:
        """Copy the harness, install and check it with one tiny run; None, or why it cannot run."""
        for tool in ("node", "npm"):
            if shutil.which(tool) is None:
                return f"{tool} is not installed (Carbone runs on Node.js; apt-get install nodejs npm)"
        self.work.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            source, copy = self.peer / name, self.work / name
            if source.is_file() and (not copy.is_file() or copy.read_bytes() != source.read_bytes()):
                shutil.copyfile(source, copy)
                copy.chmod(source.stat().st_mode | 0o200)
        env = {**os.environ, "EACH": "2", "RUNS": "1", "FACTORIES": str(factories)}
        seed = self.peer.parent.parent / "seed" / SEED
        if seed.is_file():
            env["CARBONE_SEED"] = str(seed)
        try:
            done = subprocess.run(
                ["bash", str(self.work / "run.sh")],
                check=False,
                cwd=self.work,
                env=env,
                capture_output=True,
                text=True,
                timeout=PREPARE_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return f"run.sh did not finish within {PREPARE_TIMEOUT} s (npm install or the first run hung)"
        if done.returncode != 0:
            tail = " / ".join(line for line in (done.stderr or done.stdout).strip().splitlines()[-4:])
            return f"run.sh failed (exit {done.returncode}): {tail}"
        if "median of 1 runs: carbone" not in done.stdout:
            return f"run.sh printed no result: {done.stdout.strip()[-300:]}"
        return None

    def command(self, factories: int, each: int, out: Path) -> list[str]:
        script = str(self.work / "bench.js")
        return ["node", script, "--factories", str(factories), "--each", str(each), "--out", str(out)]

    @staticmethod
    def documents(factories: int, each: int) -> int:
        """PDFs one bench.js run writes: the first lampiran and keputusan, one of each per
        factory to warm up, then `each` of each (the measured part)."""
        return 2 + 2 * factories + 2 * each

    @staticmethod
    def parse(stdout: str) -> dict[str, str]:
        """The machine-readable line bench.js prints last: `carbone factories=N docs=... wall_s=...`."""
        line = next((s for s in reversed(stdout.splitlines()) if s.startswith("carbone ")), "")
        return dict(re.findall(r"(\w+)=(\S+)", line))

    @staticmethod
    def check(out: Path, expected: int) -> None:
        pdfs = sorted(out.glob("*.pdf"))
        bad = [p.name for p in pdfs if p.read_bytes()[:5] != b"%PDF-"]
        if len(pdfs) != expected or bad:
            raise RuntimeError(f"Carbone wrote {len(pdfs)} PDFs in {out}, expected {expected}; not PDF: {bad}")
