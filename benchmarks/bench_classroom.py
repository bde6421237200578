"""How large a hub does a class need? The classroom session of tests/test_hub.py, for 1-20 students.

    python benchmarks/bench_classroom.py 1 5 10 20      # make bench-classroom

For each class size N a fresh local JupyterHub (tests/test_hub.py's ``LocalHub``, 127.0.0.1
only) serves N students at once, each over HTTP and the kernel websocket (``Student``): log
in, click the nbgitpuller link, run notebook 01 on their own kernel, then -- all together,
after a barrier -- move the OutlierExplorer's slider ``MOVES`` times, each move waiting for the
kernel to take the value and echo it (the explorer is drawn in the browser; the kernel follows
the value, as ``explorer.outlier_y``). Measured:

* memory per student: resident set (RSS, and PSS) of the single-user server + its kernel,
  from /proc, after the slider phase;
* CPU: seconds used per student (server + kernel) for the whole session, and per slider update;
* time from the click to the first explorer picture; slider update times (median, 90th pct).

Writes ``benchmarks/out/classroom.json`` and prints a Markdown table and the capacity figures
for docs/jupyterhub.md. The browser student of the test is left out (Chromium's own memory is
the student's laptop, not the hub's).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
MOVES = 10
TARGET_LATENCY = 0.25  # s per slider update while the whole class drags at once

spec = importlib.util.spec_from_file_location("hub_test", ROOT / "tests" / "test_hub.py")
hub_test = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hub_test)


def _quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def student_session(hub, name: str, link: str, barrier: threading.Barrier, timeout: float) -> dict:
    """One student's session; waits at ``barrier`` before and after the slider phase."""
    student = hub_test.Student(hub, name)
    t0 = time.monotonic()
    deadline = t0 + timeout
    try:
        student.login()
        student.pull(student.click(link, deadline), deadline)
        student.open_lab()
        student.make_token()
        student.start_kernel(hub_test.NOTEBOOK)
        explorer = student.run_notebook(hub_test.NOTEBOOK)
        first_picture = explorer["first_picture_at"] - t0
        pid = hub.server_pid(name)
        barrier.wait(timeout=max(1, deadline - time.monotonic()))
        procs = [pid, *hub_test.descendants(pid)]
        cpu0 = sum(hub_test.cpu_seconds(p) for p in procs)
        updates = [student.move_slider(explorer) for _ in range(MOVES)]
        cpu_slider = sum(hub_test.cpu_seconds(p) for p in procs) - cpu0
        barrier.wait(timeout=max(1, deadline - time.monotonic()))
        mem = [hub_test.rss_kib(p) for p in procs]
        return {
            "name": name,
            "click_to_picture": first_picture,
            "updates": updates,
            "cpu_per_update": cpu_slider / MOVES,
            "cpu_session": sum(hub_test.cpu_seconds(p) for p in procs),
            "rss_mib": sum(r for r, _ in mem) / 1024,
            "pss_mib": sum(p for _, p in mem) / 1024,
            "processes": len(procs),
        }
    except BaseException:
        barrier.abort()
        raise
    finally:
        student.close()


def run_class(n: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="linreg-bench-hub-"))
    timeout = 300 + 30 * n
    try:
        bare, url = hub_test.make_teacher_repo(tmp)
        with hub_test.LocalHub(tmp, spawn_timeout=int(timeout)) as hub:
            link = hub_test.classroom.hub_link(hub.base, url)
            barrier = threading.Barrier(n, timeout=timeout)
            t0 = time.monotonic()
            with ThreadPoolExecutor(max_workers=n) as pool:
                futures = [
                    pool.submit(student_session, hub, f"s{k:02d}", link, barrier, timeout) for k in range(n)
                ]
                students = [f.result(timeout=timeout + 60) for f in futures]
            wall = time.monotonic() - t0
            base_pids = [hub.proc.pid, *[p for p in hub.pids if p != hub.proc.pid][:1]]  # hub, proxy
            base_mib = sum(hub_test.rss_kib(p)[0] for p in base_pids) / 1024
        return {"students": n, "wall_s": wall, "hub_and_proxy_rss_mib": base_mib, "per_student": students}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def machine() -> str:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?"
    )
    mem = next(int(ln.split()[1]) for ln in open("/proc/meminfo") if ln.startswith("MemTotal"))
    python = sys.version.split()[0]
    return f"{cpu}, {os.cpu_count()} CPUs, {mem / 2**20:.1f} GiB RAM, {platform.platform()}, Python {python}"


def summarise(runs: list[dict]) -> dict:
    rows = []
    for run in runs:
        s = run["per_student"]
        ups = [u for st in s for u in st["updates"]]
        rows.append(
            {
                "n": run["students"],
                "rss_mib": statistics.median(st["rss_mib"] for st in s),
                "rss_max_mib": max(st["rss_mib"] for st in s),
                "pss_mib": statistics.median(st["pss_mib"] for st in s),
                "cpu_session_s": statistics.median(st["cpu_session"] for st in s),
                "cpu_per_update_s": statistics.median(st["cpu_per_update"] for st in s),
                "picture_s": statistics.median(st["click_to_picture"] for st in s),
                "picture_max_s": max(st["click_to_picture"] for st in s),
                "update_s": statistics.median(ups),
                "update_p90_s": _quantile(ups, 0.9),
                "hub_mib": run["hub_and_proxy_rss_mib"],
                "wall_s": run["wall_s"],
            }
        )
    rss = max(r["rss_max_mib"] for r in rows)  # the largest student seen in any class
    cpu_update = statistics.median(r["cpu_per_update_s"] for r in rows)
    hub_mib = max(r["hub_mib"] for r in rows)
    # Z2JH resources: the guarantee is what a student measurably uses on notebook 01, rounded
    # up; the limit leaves twice that for the heavier notebooks and a second kernel.
    mem_guarantee_g = math.ceil(rss * 1.1 / 1024 / 0.05) * 0.05
    cpu_guarantee = math.ceil(cpu_update / TARGET_LATENCY / 0.05) * 0.05
    return {
        "rows": rows,
        "memory_per_student_mib": rss,
        "cpu_per_update_s": cpu_update,
        "hub_and_proxy_mib": hub_mib,
        "singleuser": {
            "memory": {"guarantee": f"{mem_guarantee_g:.2f}G", "limit": f"{2 * mem_guarantee_g:.2f}G"},
            "cpu": {"guarantee": round(cpu_guarantee, 2), "limit": 1},
        },
        "capacity": [
            {
                "class": n,
                "ram_gb": (n * rss + hub_mib) * 2**20 / 1e9,
                "cpus": max(1, math.ceil(n * cpu_update / TARGET_LATENCY)),
            }
            for n in (10, 20, 30, 60, 100)
        ],
    }


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1, 5, 10, 20]
    missing = hub_test._missing_parts()
    if missing:
        print("cannot run: missing " + "; ".join(missing), file=sys.stderr)
        return 1
    runs = []
    for n in sizes:
        print(f"class of {n}...", flush=True)
        runs.append(run_class(n))
        print(f"  done in {runs[-1]['wall_s']:.0f} s", flush=True)
    summary = summarise(runs)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "classroom.json").write_text(
        json.dumps(
            {"machine": machine(), "moves": MOVES, "runs": runs, "summary": summary}, indent=1, default=str
        )
    )
    print(f"\nMeasured on {machine()}; {MOVES} slider moves per student, all students at once.\n")
    print(
        "| students | RAM per student (RSS, median / max) | PSS | CPU s per student | "
        "click → first picture (median / max) | slider update (median / p90) | CPU s per update |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in summary["rows"]:
        print(
            f"| {r['n']} | {r['rss_mib']:.0f} / {r['rss_max_mib']:.0f} MiB | {r['pss_mib']:.0f} MiB "
            f"| {r['cpu_session_s']:.1f} | {r['picture_s']:.1f} / {r['picture_max_s']:.1f} s "
            f"| {r['update_s'] * 1000:.0f} / {r['update_p90_s'] * 1000:.0f} ms "
            f"| {r['cpu_per_update_s']:.3f} |"
        )
    print(f"\nhub + proxy: {summary['hub_and_proxy_mib']:.0f} MiB")
    per, upd = summary["memory_per_student_mib"], summary["cpu_per_update_s"]
    print(f"\nCapacity (RAM = N × {per:.0f} MiB + hub; CPUs for ≤ {TARGET_LATENCY} s per update")
    print(f"with the whole class dragging at once = N × {upd:.3f} s / {TARGET_LATENCY} s):\n")
    print("| class | RAM | CPUs |\n|---|---|---|")
    for c in summary["capacity"]:
        print(f"| {c['class']} | {c['ram_gb']:.1f} GB | {c['cpus']} |")
    print("\nZero to JupyterHub singleuser:", json.dumps(summary["singleuser"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
