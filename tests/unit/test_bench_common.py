"""The benchmark runner's helpers: statistics, the table, section discovery, CPU accounting, child cleanup."""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

from bench.__main__ import discover, table
from bench.common import Children, contention, cpu_snapshot, percentile, row, summary, tree_cpu_s


def test_percentile_matches_linear_interpolation() -> None:
    xs = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(xs, 0) == 1.0
    assert percentile(xs, 50) == 3.0
    assert percentile(xs, 100) == 5.0
    assert percentile(xs, 25) == 2.0
    assert percentile([1.0, 2.0], 99) == 1.99
    assert math.isnan(percentile([], 50))
    s = summary(xs)
    assert s["n"] == 5 and s["min"] == 1.0 and s["max"] == 5.0 and s["mean"] == 3.0


def test_discover_puts_ours_first_then_every_other_bench_module() -> None:
    names = discover()
    assert names[:3] == ["bench_graph", "bench_server", "bench_approval"]
    on_disk = {p.stem for p in (Path(__file__).resolve().parents[2] / "bench").glob("bench_*.py")}
    assert set(names) == on_disk


def test_table_prints_targets_and_foreign_rows() -> None:
    rows = [
        row("a) x", "ratio", 1.234, "x", target="<= 1.5", met=True, note="fine"),
        row("a) x", "p99", 60.0, "ms", target="<= 50", met=False),
        {"section": "tools", "name": "foo", "ms": 1.5},  # another engineer's row shape
    ]
    out = table(rows)
    assert "== a) x ==" in out and "target <= 1.5" in out and "MET" in out and "MISSED" in out
    assert "== tools ==" in out and "name=foo" in out and "ms=1.5" in out


def test_tree_cpu_counts_a_busy_child(tmp_path: Path) -> None:
    """The child burns 0.5 s of its OWN CPU time (however long that takes on a loaded machine), says so, then
    idles; /proc must then show at least 0.25 s for it, and for our tree, which contains it. No wall-clock
    figure is asserted on."""
    kids = Children()
    done = tmp_path / "burnt"
    spin = ("import time, pathlib\n"
            "while time.process_time() < 0.5: pass\n"
            f"pathlib.Path({str(done)!r}).write_text(repr(time.process_time()))\n"
            "time.sleep(120)")
    child = kids.start("spin", [sys.executable, "-c", spin], env=dict(os.environ), cwd=tmp_path,
                       log_path=tmp_path / "spin.log")
    try:
        deadline = time.monotonic() + 120  # generous: only a machine starved for minutes gets here
        while not done.exists() or not done.read_text():
            assert child.alive(), child.log_tail()
            assert time.monotonic() < deadline, "the child did not get 0.5 s of CPU in 120 s"
            time.sleep(0.05)
        child_cpu = tree_cpu_s(child.pid)
        assert child_cpu >= 0.25, f"/proc shows {child_cpu} s for a child that reports {done.read_text()} s"
        assert tree_cpu_s(os.getpid()) >= child_cpu  # the child is in our tree (and its CPU only grows)
    finally:
        kids.stop_all()
    assert child.proc.poll() is not None, "stop_all() ended the child"


def test_contention_is_sane() -> None:
    # the arithmetic, on fixed snapshots: 10 s of wall, 15 core-seconds busy, 4 of them ours
    c = contention({"wall_s": 100.0, "machine_busy_s": 1000.0, "bench_s": 50.0},
                   {"wall_s": 110.0, "machine_busy_s": 1015.0, "bench_s": 54.0})
    assert c == {"cores_busy": 1.5, "cores_busy_bench": 0.4, "cores_busy_other": 1.1}
    # live: burn 0.2 s of our own CPU (however long that takes under load); only load-independent checks
    a = cpu_snapshot()
    c0 = time.process_time()
    while time.process_time() - c0 < 0.2:
        pass
    c = contention(a, cpu_snapshot())
    assert 0 <= c["cores_busy_other"] <= (os.cpu_count() or 1) + 0.5
    assert 0 < c["cores_busy_bench"] <= (os.cpu_count() or 1) + 0.5
