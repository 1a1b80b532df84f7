"""A UNO helper that misbehaves on purpose, for the fault tests: it runs the real helper
(generator/uno_helper.py) but, for documents whose name contains a token, crashes, hangs,
reports success without writing the PDF, or reports a failure.

Rules come from the environment (the pool's processes inherit it):
    KEPUTUSAN_TEST_FAULTS="crash:5202;hang:5203:1;nofile:5204:always"
        kind:token[:times]  — times: how often (default 1; "always" for every attempt)
    KEPUTUSAN_TEST_FAULT_DIR=/tmp/...   where the counts are kept (shared by all processes)
Runs on the UNO Python with -I: only the standard library and uno.
"""

import importlib.util
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "uno_helper", os.path.join(HERE, "..", "..", "generator", "uno_helper.py")
)
helper = importlib.util.module_from_spec(spec)
spec.loader.exec_module(helper)


def faulty(uno, desktop, request):
    name = os.path.basename(request["src"])
    for rule in filter(None, os.environ.get("KEPUTUSAN_TEST_FAULTS", "").split(";")):
        kind, token, *times = rule.split(":")
        times = times[0] if times else "1"
        if token not in name:
            continue
        marker = os.path.join(os.environ["KEPUTUSAN_TEST_FAULT_DIR"], f"{kind}-{token}")
        done = os.path.getsize(marker) if os.path.exists(marker) else 0
        if times != "always" and done >= int(times):
            continue
        with open(marker, "a") as fh:
            fh.write("x")
        # on stderr, which goes to the worker's log, as LibreOffice's own complaints do
        print(f"faulty helper: {kind} on {name}", file=sys.stderr, flush=True)
        if kind == "crash":  # LibreOffice and this helper die mid-conversion
            os.killpg(os.getpgrp(), signal.SIGKILL)
        elif kind == "hang":
            time.sleep(3600)
        elif kind == "nofile":  # "done", but nothing written
            return
        elif kind == "fail":
            raise RuntimeError("injected conversion failure")
    return helper.convert_one(uno, desktop, request)


if __name__ == "__main__":
    sys.exit(helper.main(convert=faulty))
