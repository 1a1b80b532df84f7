"""Benchmark of the web application's build (issue 11, point 1): a build of the NTB case started
through the application, on the job worker's warm LibreOffice pool, against a cold
`keputusan build` of the same workbook. Target: the web build takes at most 0.4x the cold one.

    .venv/bin/python tools/bench_web.py [--runs 3]

Starts `keputusan serve` on a free port with a throw-away data folder, logs in over HTTP as a
staff user, creates a case, and for each run uploads the NTB workbook with one cell changed
(so that every build makes a new revision) and presses Build: the time is from the POST to
the job's status `done` (the bundles are in their revision, ready to download), read by polling
the same status URL the page polls. The cold build is the whole `keputusan build` command, a
fresh process each time (LibreOffice started for it). Medians are printed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEPUTUSAN = Path(sys.executable).with_name("keputusan")
PASSWORD = "bench-kata-sandi-2023"


def ntb_workbook(dest: Path) -> Path:
    from generator.cases import write_workbook_case
    from generator.load import load_case
    from generator.workbook_writer import WorkbookContent

    return write_workbook_case(WorkbookContent.from_case(load_case(ROOT / "data" / "kpu-ntb-2022")), dest)


def changed(book: bytes, run: int) -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(book))
    plan = wb["Rencana Aksi"]
    plan["C2"] = f"{plan['C2'].value} (tahap {run})"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Browser:
    """Just enough of a browser: cookies, the CSRF token of the last page, forms and uploads."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            page = response.read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found:
            self.token = found.group(1)
        return page

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None) -> str:
        fields = {"csrfmiddlewaretoken": self.token, **fields}
        headers = {"Referer": self.base + path}
        if files:
            boundary = uuid.uuid4().hex
            body = b""
            for name, value in fields.items():
                body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, (filename, data) in files.items():
                body += (
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                        "Content-Type: application/octet-stream\r\n\r\n"
                    ).encode()
                    + data
                    + b"\r\n"
                )
            body += f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, headers=headers, method="POST")
        with self.opener.open(request, timeout=120) as response:
            self.url = response.geturl()
            return response.read().decode()


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    if match is None:
        raise SystemExit(f"bench: the page did not show {pattern!r}")
    return match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_builds(book: bytes, runs: int, work: Path) -> list[float]:
    data = work / "data"
    subprocess.run(
        [str(KEPUTUSAN), "user", "add", "bench", "--office", "52", "--office-name", "KPU Provinsi NTB"]
        + ["--password-stdin", "--data", str(data)],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = (work / "serve.log").open("w")
    server = subprocess.Popen(
        [str(KEPUTUSAN), "serve", "--port", str(port), "--data", str(data)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/masuk/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        browser = Browser(base)
        browser.get("/masuk/")
        browser.post("/masuk/", {"username": "bench", "password": PASSWORD})
        browser.get("/")
        browser.post("/kasus/baru/", {"title": "Benchmark"})
        case = _found(r"/kasus/(\d+)/", browser.url)
        time.sleep(8)  # the worker's LibreOffice is up: the server keeps it warm from its start
        times = []
        for run in range(1, runs + 1):
            browser.get(f"/kasus/{case}/")
            page = browser.post(f"/kasus/{case}/unggah/", {}, {"file": (f"ntb-{run}.xlsx", changed(book, run))})
            if "data lengkap dan benar" not in page:
                raise SystemExit("bench: the upload was not accepted")
            started = time.monotonic()
            page = browser.post(f"/kasus/{case}/bangun/", {})
            job = _found(r'data-status-url="([^"]+)"', page)
            while True:
                status = json.loads(browser.get(job))
                if not status["active"]:
                    break
                time.sleep(0.05)
            elapsed = time.monotonic() - started
            if status["status"] != "done":
                raise SystemExit(f"bench: the build failed; see {work / 'serve.log'}")
            times.append(elapsed)
            print(
                f"  web build {run}: {elapsed:.2f} s (of which the worker's build {status['seconds']:.2f} s)",
                flush=True,
            )
            time.sleep(2)  # the job's thumbnails, so the next build finds the worker free
        return times
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        log.close()


def cold_builds(book: bytes, runs: int, work: Path) -> list[float]:
    times = []
    for run in range(1, runs + 1):
        case = work / f"cold-{run}" / "kpu-ntb"
        case.mkdir(parents=True)
        (case / "keputusan.xlsx").write_bytes(changed(book, run))
        started = time.monotonic()
        subprocess.run(
            [str(KEPUTUSAN), "build", str(case), "--out", str(work / f"cold-{run}" / "out")],
            check=True,
            capture_output=True,
        )
        times.append(time.monotonic() - started)
        print(f"  cold keputusan build {run}: {times[-1]:.2f} s", flush=True)
    return times


def measure(runs: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        work = Path(tmp)
        book = ntb_workbook(work / "ntb").read_bytes()
        print("cold `keputusan build` of the NTB workbook (the whole command):", flush=True)
        cold = statistics.median(cold_builds(book, runs, work))
        print("build started from the page, on the server's warm pool (POST to done):", flush=True)
        web = statistics.median(web_builds(book, runs, work))
    ratio = web / cold
    print(
        f"web build {web:.2f} s, cold keputusan build {cold:.2f} s: {ratio:.2f}x "
        f"(target at most 0.40x: {'met' if ratio <= 0.4 else 'NOT met'})"
    )
    return {"web_seconds": web, "cold_seconds": cold, "ratio": ratio}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    measure(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
