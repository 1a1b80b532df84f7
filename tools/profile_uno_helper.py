"""generator/uno_helper.py with its LibreOffice side measured, for tools/profile_batch.py only.

The pool runs this file instead of the helper (`ConverterPool(helper=...)`). It loads
generator/uno_helper.py and runs its `main` with its own `convert_one`, unchanged, through two
thin proxies that note the time and LibreOffice's CPU around `loadComponentFromURL` (the
document's load, layout included) and `storeToURL` (the PDF export); the rest of a conversion
(closing the document) is "other". LibreOffice's CPU is read from /proc/<pid>/stat of the
processes of this helper's process group, the LibreOffice it drives (warm.py starts both in one
group). One JSON line per conversion, and one when LibreOffice is ready, is appended to the file
$KEPUTUSAN_PROFILE_EVENTS.

Runs on the UNO Python (Debian's /usr/bin/python3, isolated): the standard library only.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from pathlib import Path

HELPER = Path(__file__).resolve().parent.parent / "generator" / "uno_helper.py"
CLK_TCK = os.sysconf("SC_CLK_TCK")

_spec = importlib.util.spec_from_file_location("uno_helper", HELPER)
assert _spec is not None and _spec.loader is not None
helper = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helper)

_office: list[int] = []  # LibreOffice's processes (the group but this one), found once it is ready


def _group() -> list[int]:
    me, group, found = os.getpid(), os.getpgrp(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != me:
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group:
                found.append(int(entry))
    return found


def office_cpu() -> float:
    """CPU seconds LibreOffice's processes used so far (their own and their reaped children's)."""
    total = 0
    for pid in _office:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])
    return total / CLK_TCK


def _log(event: dict) -> None:
    event["pid"], event["t"] = os.getpid(), time.monotonic()
    fd = os.open(os.environ["KEPUTUSAN_PROFILE_EVENTS"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (json.dumps(event) + "\n").encode())
    finally:
        os.close(fd)


_reply = helper._reply


def _noting_reply(obj: dict) -> None:
    if obj.get("ready"):
        _office[:] = _group()
        _log({"ready": True, "office_cpu": office_cpu(), "helper_cpu": time.process_time()})
    _reply(obj)


class _Phases:
    def __init__(self) -> None:
        self.seen: dict[str, list[float]] = {"load": [0.0, 0.0], "export": [0.0, 0.0]}

    def timed(self, phase: str, call, *args):
        wall, cpu = time.monotonic(), office_cpu()
        try:
            return call(*args)
        finally:
            self.seen[phase][0] += time.monotonic() - wall
            self.seen[phase][1] += office_cpu() - cpu


class _Desktop:
    def __init__(self, desktop, phases: _Phases):
        self._desktop, self._phases = desktop, phases

    def __getattr__(self, name):
        return getattr(self._desktop, name)

    def loadComponentFromURL(self, *args):  # UNO's name
        return self._phases.timed("load", self._desktop.loadComponentFromURL, *args)


class _Uno:
    def __init__(self, uno, phases: _Phases):
        self._uno, self._phases = uno, phases

    def __getattr__(self, name):
        return getattr(self._uno, name)

    def invoke(self, obj, method, args):
        if method == "storeToURL":
            return self._phases.timed("export", self._uno.invoke, obj, method, args)
        return self._uno.invoke(obj, method, args)


def timed_convert(uno, desktop, request: dict) -> dict | None:
    phases, wall, cpu = _Phases(), time.monotonic(), office_cpu()
    ok = False
    try:
        extra = helper.convert_one(_Uno(uno, phases), _Desktop(desktop, phases), request)
        ok = True
        return extra
    finally:
        total_wall, total_cpu = time.monotonic() - wall, office_cpu() - cpu
        load, export = phases.seen["load"], phases.seen["export"]
        other = [total_wall - load[0] - export[0], total_cpu - load[1] - export[1]]
        _log({"src": request["src"], "ok": ok, "load": load, "export": export, "other": other})


if __name__ == "__main__":
    setattr(helper, "_reply", _noting_reply)  # noqa: B010 - a module loaded from a file
    sys.exit(helper.main(sys.argv[1:], convert=timed_convert))
