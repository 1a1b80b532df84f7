"""UNO side of a warm converter: run by `generator.warm` as a child process, never imported by it.

It runs under a Python that can `import uno` (Debian's python3-uno serves /usr/bin/python3),
connects to one LibreOffice listener started by `generator.convert.start_listener`, and
converts documents one at a time on request. Protocol: one JSON object a line.

    stdin  {"src": "/abs/in.docx", "dst": "/abs/out.pdf", "filter": {...}}
    stdout {"ok": true, "seconds": 0.12}  or  {"ok": false, "error": "..."}

With "bookmark_pages": "prefix" in the request, the reply also carries "bookmark_pages": {name:
page} — the page (1-based) on which LibreOffice laid out each bookmark whose name starts with
the prefix, read from the loaded document's layout; "dst" may then be null (nothing exported).

The first line it prints is {"ready": true, "user": "<profile url>"} once connected (or
{"ready": false, "error": ...}). When its parent is gone — stdin closes, a reply meets a
broken pipe, it is reparented (the parent was killed while LibreOffice was converting, with
no pipe being read), or it gets SIGTERM, SIGHUP or SIGINT — it kills LibreOffice, removes the
paths given after the pipe name and timeout (the profile's folder, the sockets LibreOffice
leaves when killed, the log; "rmdir:" folders only once empty) and exits, so a killed parent
leaves nothing running and nothing behind, whatever happens to the pipe.

Only the standard library and uno: it may run on a Python other than the project's.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time

PARENT_CHECK = 0.25  # seconds between looks at whether the parent is still there


class _ParentGone(Exception):
    """The pipe to the parent broke (it was killed, or closed the pool)."""


def _reply(obj: dict) -> None:
    try:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()
    except (BrokenPipeError, OSError, ValueError):  # the parent is gone: nobody reads the answer
        raise _ParentGone from None


def _filter_data(uno, spec: dict):
    """{"SelectPdfVersion": {"type": "long", "value": "2"}} -> PropertyValue sequence (as Any)."""
    from com.sun.star.beans import PropertyValue

    props = []
    for name, item in spec.items():
        kind, value = item.get("type", "string"), item.get("value")
        if kind in ("long", "short", "int"):
            value = int(value)
        elif kind == "boolean":
            value = str(value).lower() in ("true", "1")
        else:
            value = str(value)
        props.append(PropertyValue(Name=name, Value=value))
    return uno.Any("[]com.sun.star.beans.PropertyValue", tuple(props))


def connect(uno, pipe: str, timeout: float):
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def convert_one(uno, desktop, request: dict) -> dict | None:
    """Load `src`, export it to `dst` as PDF; what else the request asks for, for the reply."""
    from com.sun.star.beans import PropertyValue

    load_props = (PropertyValue(Name="Hidden", Value=True), PropertyValue(Name="ReadOnly", Value=True))
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["src"]), "_blank", 0, load_props)
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {os.path.basename(request['src'])}")
    try:
        extra = {}
        if request.get("bookmark_pages"):
            extra["bookmark_pages"] = bookmark_pages(doc, request["bookmark_pages"])
        if request.get("dst"):
            store_props = (
                PropertyValue(Name="FilterName", Value="writer_pdf_Export"),
                PropertyValue(Name="FilterData", Value=_filter_data(uno, request.get("filter", {}))),
            )
            uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(request["dst"]), store_props))
        return extra
    finally:
        doc.close(True)


def bookmark_pages(doc, prefix: str) -> dict[str, int]:
    """Bookmark name -> the page (1-based) its start is laid out on, for the bookmarks whose
    name starts with `prefix`: the loaded document's own layout (the view cursor's page), the
    same pages its PDF export gives, without exporting."""
    cursor = doc.getCurrentController().getViewCursor()
    bookmarks = doc.getBookmarks()
    pages = {}
    doc.lockControllers()  # no view updates (scrolling to the cursor) while it moves
    try:
        for name in bookmarks.getElementNames():
            if name.startswith(prefix):
                cursor.gotoRange(bookmarks.getByName(name).getAnchor().getStart(), False)
                pages[name] = int(cursor.getPage())
    finally:
        doc.unlockControllers()
    return pages


def main(argv: list[str] | None = None, convert=convert_one) -> int:
    argv = sys.argv[1:] if argv is None else argv
    pipe, timeout, leftovers = argv[0], float(argv[1]), argv[2:]
    stop = _Stop(leftovers)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, stop.on_signal)
    threading.Thread(target=stop.watch_parent, args=(os.getppid(),), daemon=True, name="parent").start()
    try:
        return _serve(pipe, timeout, convert)
    except (_ParentGone, KeyboardInterrupt):
        return 0
    finally:
        # stdin closed (parent done, or gone however it ended), a broken pipe, a signal, or
        # LibreOffice lost: stop LibreOffice at once (profiles are throw-away, nothing needs a
        # clean shutdown), then remove what the parent named, in case it is gone and cannot.
        stop.now()


def _serve(pipe: str, timeout: float, convert) -> int:
    try:
        import uno
    except ImportError as exc:
        _reply({"ready": False, "error": f"this Python cannot import uno ({exc}); install python3-uno"})
        return 1
    try:
        ctx = connect(uno, pipe, timeout)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        user = smgr.createInstanceWithContext("com.sun.star.util.PathSubstitution", ctx).getSubstituteVariableValue(
            "$(user)"
        )
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
        _reply({"ready": False, "error": f"cannot reach LibreOffice: {type(exc).__name__}: {exc}"})
        return 1
    _reply({"ready": True, "user": user})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        started = time.monotonic()
        try:
            extra = convert(uno, desktop, request) or {}
        except Exception as exc:  # noqa: BLE001
            name = type(exc).__name__
            lost = name in ("DisposedException", "RuntimeException") or "Binary URP bridge" in str(exc)
            _reply({"ok": False, "error": f"{name}: {getattr(exc, 'Message', '') or exc}", "lost": lost})
            if lost:
                break
            continue
        _reply({**extra, "ok": True, "seconds": round(time.monotonic() - started, 4)})
    return 0


class _Stop:
    """Stops LibreOffice and removes the leftovers once, from whichever thread sees the end first."""

    def __init__(self, leftovers: list[str]):
        self.leftovers = leftovers
        self.lock = threading.Lock()
        self.done = False

    def now(self) -> None:
        with self.lock:
            if self.done:
                return
            self.done = True
            _kill_group_but_me()
            _remove(self.leftovers)

    def on_signal(self, signum, frame) -> None:
        raise KeyboardInterrupt

    def watch_parent(self, parent: int) -> None:
        """The parent killed while LibreOffice converts: no pipe is read or written until the
        conversion ends, maybe minutes later, so look: a child whose parent died is reparented."""
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK)
        self.now()
        os._exit(0)


def _group_members() -> list[int]:
    """Other processes of our process group (LibreOffice and its launcher), from /proc."""
    me, group, members = os.getpid(), os.getpgrp(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != me:
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                members.append(int(entry))
    return members


def _kill_group_but_me() -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        members = _group_members()
        if not members:
            return
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.05)


def _remove(paths: list[str]) -> None:
    import shutil

    for path in paths:
        if path.startswith("rmdir:"):  # a folder others may share: removed only once empty
            try:
                os.rmdir(path[len("rmdir:") :])
            except OSError:
                pass
        elif os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
