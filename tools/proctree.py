"""Run a command and measure its whole process tree: wall seconds, CPU seconds, memory, and what
else the machine did meanwhile. Used by tools/bench.py; also runnable on its own:

    .venv/bin/python tools/proctree.py [--memory] [--result FILE] [--timeout S] -- COMMAND [ARG...]

**CPU of the whole tree, exactly.** A process's own rusage (what `time` prints) counts only the
children it reaped and what they reaped. It misses every process that outlives its parent: the
LibreOffice processes a converter pool kills are reparented (to init) before anyone reaps them,
so their CPU is lost. This wrapper makes itself a *child subreaper* (prctl
PR_SET_CHILD_SUBREAPER): orphans of its tree are reparented to it instead of to init, and it
reaps every descendant until none is left. Then getrusage(RUSAGE_CHILDREN) is the user + system
CPU of every process the command started, however it ended. Not the machine-wide busy time of
/proc/stat, which is the right figure only on a quiet machine; that one is read too (before and
after) and the difference, minus the wrapper's own sampling, is reported as the CPU of *other*
processes: the load the figures were measured under.

**Time series.** Every `interval` seconds a sampler reads /proc: the tree's CPU so far (utime +
stime + cutime + cstime of its live processes from /proc/<pid>/stat, plus what was reaped here
already; a zombie keeps its times until reaped, and a reaped process's times move to its
parent's cutime, so nothing falls between samples), its memory (the sum of the processes'
proportional set sizes, PSS), and the soffice.bin processes that are not ours. `cpu_at(t)`
reads the CPU the tree had used at a moment, e.g. when a program printed a line.
"""

from __future__ import annotations

import argparse
import ctypes
import itertools
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
CLK_TCK = os.sysconf("SC_CLK_TCK")
GRACE = 30.0  # seconds the tree may live on after the command exited before it is killed


# ---------------------------------------------------------------- reading /proc


@dataclass
class Proc:
    pid: int
    ppid: int
    name: str
    state: str
    cpu: float  # utime + stime + cutime + cstime, seconds


def processes() -> dict[int, Proc]:
    """Every process, from /proc/<pid>/stat (one read each)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:  # gone meanwhile
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2 :].split()
        # fields[0] is field 3 of proc(5): state, ppid, ..., utime (14), stime, cutime, cstime (17)
        ticks = sum(int(v) for v in fields[11:15])
        found[int(entry)] = Proc(int(entry), int(fields[1]), name, fields[0], ticks / CLK_TCK)
    return found


def descendants(root: int, table: dict[int, Proc]) -> list[int]:
    children: dict[int, list[int]] = {}
    for proc in table.values():
        children.setdefault(proc.ppid, []).append(proc.pid)
    found, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def tree_memory(root: int) -> int:
    """Memory of `root` and its descendants: the sum of their proportional set sizes (PSS).

    Not the sum of resident sizes: a process that has just forked (to start LibreOffice) shows
    the parent's whole resident size in the child until it runs the new program, pages they
    share; summing RSS counted those twice, a false peak of +230 MB whenever a sample fell
    there. PSS splits a shared page between its sharers."""
    return sum(_pss(pid) for pid in [root, *descendants(root, processes())])


def _pss(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # gone meanwhile, or not ours to read
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, all CPUs, from the first line of /proc/stat.
    Busy: user, nice, system, irq, softirq (guest time is inside user); total adds idle, iowait
    and steal (time the hypervisor gave to others: not ours, not idle either)."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, _steal = values
    return user + nice + system + irq + softirq, sum(values)


def foreign_soffice(mine: set[int], table: dict[int, Proc]) -> int:
    """Running soffice.bin processes that are not in our tree (not zombies either)."""
    return sum(1 for p in table.values() if p.name == "soffice.bin" and p.state != "Z" and p.pid not in mine)


def machine_load() -> str:
    load = os.getloadavg()
    others = foreign_soffice(set(), processes())
    return f"load average {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, soffice.bin processes running: {others}"


# ---------------------------------------------------------------- the wrapper (runs the command)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Sampler(threading.Thread):
    def __init__(self, interval: float, memory: bool):
        super().__init__(daemon=True)
        self.interval, self.memory = interval, memory
        self.samples: list[list[float]] = []  # [monotonic, tree CPU s, PSS bytes, foreign soffice]
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.is_set():
            now = time.monotonic()
            table = processes()
            tree = descendants(me, table)
            cpu = _children_cpu() + sum(table[p].cpu for p in tree if p in table)
            pss = sum(_pss(p) for p in tree) if self.memory else 0
            self.samples.append([now, round(cpu, 3), pss, foreign_soffice(set(tree), table)])
            self.stop.wait(self.interval)


def _kill_tree() -> list[str]:
    """SIGKILL every descendant of this process (by pid: they are ours); their names."""
    table = processes()
    pids = descendants(os.getpid(), table)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return [f"{pid}:{table[pid].name}" for pid in pids if pid in table]


def wrap(cmd: list[str], *, memory: bool, interval: float, timeout: float | None, grace: float) -> dict:
    """Run `cmd` as the root of a tree this process reaps entirely; the figures as a dict."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
    load_before = os.getloadavg()
    busy0, total0 = cpu_jiffies()
    sampler = _Sampler(interval, memory)
    started = time.monotonic()
    child = os.posix_spawnp(cmd[0], cmd, os.environ)
    sampler.start()
    forward = lambda signum, _frame: os.kill(child, signum)  # noqa: E731 - a stopped bench stops the command
    signal.signal(signal.SIGTERM, forward)
    # Ctrl-C reaches the command from the terminal itself; this process goes on reaping its tree
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    returncode: int | None = None
    ended: float | None = None
    leftovers: list[str] = []
    timed_out = False
    while True:
        now = time.monotonic()
        limit = started + timeout if (timeout and ended is None) else (ended + grace if ended else None)
        if limit is not None and now > limit:
            if ended is None:
                timed_out = True
                _kill_tree()
                limit = None
            elif not leftovers:
                leftovers = _kill_tree() or ["(unknown)"]
        try:
            pid, status = os.waitpid(-1, 0 if limit is None else os.WNOHANG)
        except ChildProcessError:
            break  # nothing of the tree is left
        except InterruptedError:
            continue
        if pid == 0:
            time.sleep(0.05)
            continue
        if pid == child:
            returncode, ended = os.waitstatus_to_exitcode(status), time.monotonic()
    finished = time.monotonic()
    sampler.stop.set()
    sampler.join()
    busy1, total1 = cpu_jiffies()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "command": cmd,
        "returncode": returncode if not timed_out else -9,
        "timed_out": timed_out,
        "started": started,
        "wall": (ended or finished) - started,
        "wall_tree": finished - started,
        "cpu_user": children.ru_utime,
        "cpu_system": children.ru_stime,
        "own_cpu": own.ru_utime + own.ru_stime,
        "machine_busy": (busy1 - busy0) / CLK_TCK,
        "machine_capacity": (total1 - total0) / CLK_TCK,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "leftovers": leftovers,
        "samples": sampler.samples,
    }


# ---------------------------------------------------------------- the caller's side


@dataclass
class Measurement:
    """What `measure` found; times in seconds, memory in bytes."""

    command: list[str]
    returncode: int
    timed_out: bool
    started: float  # time.monotonic() when the command started (comparable across processes)
    wall: float  # the command, from its start to its exit
    wall_tree: float  # until the last process of its tree was gone
    cpu_user: float
    cpu_system: float
    own_cpu: float  # the wrapper's own (its sampler): not in `cpu`, but in `machine_busy`
    machine_busy: float  # CPU seconds the whole machine was busy meanwhile (/proc/stat)
    machine_capacity: float  # CPU seconds the machine had meanwhile (CPUs x wall)
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    leftovers: list[str]  # processes still alive after the grace period (then killed)
    samples: list[list[float]]  # [monotonic, tree CPU, PSS, foreign soffice.bin]
    stdout: str = ""
    stderr: list[tuple[float, str]] = field(default_factory=list)  # (monotonic, line)

    @property
    def cpu(self) -> float:
        """User + system CPU seconds of every process of the tree."""
        return self.cpu_user + self.cpu_system

    @property
    def others_busy(self) -> float:
        """CPU seconds other processes of the machine used meanwhile (the load we ran under)."""
        return max(0.0, self.machine_busy - self.cpu - self.own_cpu)

    @property
    def others_share(self) -> float:
        return self.others_busy / self.machine_capacity if self.machine_capacity else 0.0

    @property
    def foreign_soffice(self) -> int:
        """Most soffice.bin processes of others seen running at once."""
        return max((int(s[3]) for s in self.samples), default=0)

    @property
    def peak_memory(self) -> int:
        return max((int(s[2]) for s in self.samples), default=0)

    def peak_between(self, start: float, end: float) -> int:
        """Peak memory within a fraction [start, end) of the run."""
        spans = [(s[0] - self.started) / (self.wall_tree or 1) for s in self.samples]
        return max((int(s[2]) for s, f in zip(self.samples, spans) if start <= f < end), default=0)

    def cpu_at(self, moment: float) -> float:
        """Tree CPU used by `moment` (time.monotonic()), interpolated between samples."""
        points = [(self.started, 0.0)] + [(s[0], s[1]) for s in self.samples]
        points.append((self.started + self.wall_tree, self.cpu))
        for (t0, c0), (t1, c1) in itertools.pairwise(points):
            if t0 <= moment <= t1:
                return c0 + (c1 - c0) * ((moment - t0) / (t1 - t0) if t1 > t0 else 1.0)
        return self.cpu if moment > points[-1][0] else 0.0

    def line_time(self, prefix: str) -> float | None:
        """When the command first printed a line (on stderr) starting with `prefix`."""
        return next((t for t, line in self.stderr if line.startswith(prefix)), None)

    @property
    def stderr_text(self) -> str:
        return "".join(line for _, line in self.stderr)


def measure(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    memory: bool = False,
    interval: float = 0.25,
    timeout: float | None = 1800,
) -> Measurement:
    """Run `cmd` under the wrapper (a process of its own, so that its subreaper and rusage are
    about this command only); its stdout is kept, its stderr lines with the moment they came."""
    with tempfile.TemporaryDirectory(prefix="proctree-") as tmp:
        result = Path(tmp) / "result.json"
        wrapper = [sys.executable, str(Path(__file__).resolve()), "--result", str(result), "--interval", str(interval)]
        if memory:
            wrapper.append("--memory")
        if timeout:
            wrapper += ["--timeout", str(timeout)]
        proc = subprocess.Popen(
            [*wrapper, "--", *cmd],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: list[tuple[float, str]] = []

        def read_stderr() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                lines.append((time.monotonic(), line))

        reader = threading.Thread(target=read_stderr, daemon=True)
        reader.start()
        assert proc.stdout is not None
        stdout = proc.stdout.read()
        proc.wait()
        reader.join()
        if not result.exists():
            raise RuntimeError(f"proctree: no result for {' '.join(cmd)}: {''.join(line for _, line in lines)}")
        data = json.loads(result.read_text())
    data["load_before"], data["load_after"] = tuple(data["load_before"]), tuple(data["load_after"])
    return Measurement(**data, stdout=stdout, stderr=lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--result", type=Path, help="write the figures as JSON here (else print them)")
    parser.add_argument("--memory", action="store_true", help="also sample the tree's memory (PSS)")
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between samples")
    parser.add_argument("--timeout", type=float, help="kill the tree after this many seconds")
    parser.add_argument("--grace", type=float, default=GRACE, help="seconds the tree may outlive the command")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        parser.error("no command given")
    figures = wrap(cmd, memory=args.memory, interval=args.interval, timeout=args.timeout, grace=args.grace)
    if args.result:
        args.result.write_text(json.dumps(figures))
    else:
        cpu = figures["cpu_user"] + figures["cpu_system"]
        print(
            f"wall {figures['wall']:.2f} s, CPU of the tree {cpu:.2f} s "
            f"(user {figures['cpu_user']:.2f}, system {figures['cpu_system']:.2f}), "
            f"machine busy {figures['machine_busy']:.2f} of {figures['machine_capacity']:.2f} CPU-s",
            file=sys.stderr,
        )
    code = figures["returncode"]
    return code if code is not None and code >= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
