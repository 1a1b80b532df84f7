"""`keputusan serve`: the web server (gunicorn) and the job worker, started and supervised together.

Before starting, the database is migrated and the static files collected into the data folder,
so an upgrade of the package needs nothing but a restart. A process that dies is started again
(a crashed worker leaves its job to be queued again; see jobs.py). SIGTERM or SIGINT (Ctrl-C)
stops both gracefully: gunicorn finishes its requests, the worker its running job (up to
`GRACE` seconds, then both are killed); the worker's LibreOffice pool is closed with it.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..messages import Message, message

log = logging.getLogger("generator.web")
GRACE = 60.0  # seconds to finish the running job and requests on shutdown
RESTART_DELAY = 2.0


def prepare(data: Path, database_url: str | None) -> None:
    """Migrate the database and collect the static files (in this process)."""
    from django.core.management import call_command

    from .bootstrap import configure, migrate

    configure(data, database_url)
    migrate()
    call_command("collectstatic", interactive=False, verbosity=0)


def _gunicorn(host: str, port: int, workers: int) -> list[str]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "generator.web.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--timeout",
        "120",  # an upload is read and checked in the request; a daftar perubahan PDF converted
        "--graceful-timeout",
        str(int(GRACE)),
        "--no-control-socket",  # gunicorn's control socket lives under $HOME, shared by every instance
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("KEPUTUSAN_PROXY_IPS", "127.0.0.1,::1"),
    ]


def _worker() -> list[str]:
    return [sys.executable, "-m", "generator.web.worker"]


def serve(
    host: str,
    port: int,
    data: Path,
    *,
    workers: int = 2,
    database_url: str | None = None,
    announce: Callable[[Message], None] = lambda said: print(f"keputusan: {said}"),
) -> int:
    """Run until SIGTERM/SIGINT; returns the exit code. `announce` shows what staff must know (the
    address; that there is no user yet), as Messages of the catalogue."""
    prepare(data, database_url)
    from django.contrib.auth.models import User

    if not User.objects.exists():
        announce(message("serve.no_user", data=data))
    env = dict(os.environ)  # KEPUTUSAN_DATA and DATABASE_URL were set by prepare()
    commands = {"web": _gunicorn(host, port, workers), "worker": _worker()}
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def start(name: str) -> None:
        # own session: a Ctrl-C on the terminal reaches only this supervisor, which stops the
        # children in order (the worker gracefully) instead of every process at once
        children[name] = subprocess.Popen(commands[name], env=env, start_new_session=True)

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    old = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        start("worker")
        start("web")
        shown = host if ":" not in host else f"[{host}]"
        announce(message("serve.listening", host=shown, port=port, data=Path(data).resolve()))
        while not stopping:
            time.sleep(0.5)
            for name, proc in list(children.items()):
                if proc.poll() is not None and not stopping:
                    log.warning("%s exited with %s; starting it again", name, proc.returncode)
                    if name == "web" and proc.returncode in (3, 4):  # gunicorn: worker/app cannot boot
                        announce(message("serve.cannot_start", code=proc.returncode))
                        return 1
                    time.sleep(RESTART_DELAY)
                    start(name)
        return 0
    finally:
        _shutdown(children)
        for s, handler in old.items():
            signal.signal(s, handler)


def _shutdown(children: dict[str, subprocess.Popen]) -> None:
    signals = {"web": signal.SIGTERM, "worker": signal.SIGINT}  # both: the graceful one
    for name, proc in children.items():
        if proc.poll() is None:
            try:
                proc.send_signal(signals[name])
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + GRACE
    for proc in children.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
