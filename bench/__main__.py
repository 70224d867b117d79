"""``python -m bench`` (``make bench``): every benchmark in one run, one table, ``bench/results/latest.json``.

Sections are the ``bench/bench_*.py`` modules exposing ``run() -> list[dict]``: ours first
(``bench_graph`` (a), ``bench_server`` (b), ``bench_approval`` (c)), then any other, alphabetically. A failing
section is reported as an error row and the others still run. Nothing here asserts on speed: each row
prints its target and whether this run met it.

    python -m bench                      # everything (about 3-4 minutes on 2 cores)
    python -m bench --only graph,approval
    python -m bench --list

Every process a section starts is stopped on the way out, on Ctrl-C and on SIGTERM.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import pkgutil
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import cleanup_on_signals, contention, cpu_snapshot, machine_notes

ORDER = ("bench_graph", "bench_server", "bench_approval")
RESULTS = Path(__file__).resolve().parent / "results"


def discover() -> list[str]:
    found = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    return [m for m in ORDER if m in found] + [m for m in found if m not in ORDER]


def _fmt(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return "" if v is None else str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


def table(rows: list[dict[str, Any]]) -> str:
    """Standard rows as metric | value unit | target | met | note; rows with other keys as key=value."""
    lines: list[str] = []
    section = None
    width = max([len(str(r.get("metric", ""))) for r in rows] + [20])
    for r in rows:
        if r.get("section") != section:
            section = r.get("section")
            lines.append(f"\n== {section} ==")
        if "metric" in r and "value" in r:
            met = {True: "MET", False: "MISSED", None: ""}.get(r.get("met"), str(r.get("met")))
            target = f"target {r['target']}" if r.get("target") else ""
            val = f"{_fmt(r['value'])} {r.get('unit') or ''}".strip()
            lines.append(f"  {r['metric']!s:<{width}}  {val:>14}  {target:<22} {met:<6} {r.get('note') or ''}"
                         .rstrip())
        else:
            rest = {k: v for k, v in r.items() if k not in ("section", "raw")}
            lines.append("  " + ", ".join(f"{k}={_fmt(v)}" for k, v in rest.items()))
    return "\n".join(lines)


def run_section(name: str) -> list[dict[str, Any]]:
    section = name.removeprefix("bench_")
    t0 = time.monotonic()
    try:
        module = importlib.import_module(f"bench.{name}")
        if not callable(getattr(module, "run", None)):
            return []
        rows = list(module.run())
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one failing section must not hide the others
        traceback.print_exc()
        return [{"section": section, "metric": "ERROR", "value": type(exc).__name__, "unit": "", "target": None,
                 "met": None, "note": str(exc).splitlines()[0][:200] if str(exc) else ""}]
    for r in rows:
        r.setdefault("section", section)
    print(f"   {section}: {len(rows)} rows in {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated sections (graph, server, approval, tools, ...)")
    ap.add_argument("--list", action="store_true", help="list the sections and exit")
    ap.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = ap.parse_args(argv)
    names = discover()
    if args.list:
        print("\n".join(n.removeprefix("bench_") for n in names))
        return 0
    if args.only:
        wanted = {w.strip().removeprefix("bench_") for w in args.only.split(",") if w.strip()}
        unknown = wanted - {n.removeprefix("bench_") for n in names}
        if unknown:
            ap.error(f"unknown section(s): {', '.join(sorted(unknown))}; try --list")
        names = [n for n in names if n.removeprefix("bench_") in wanted]

    from bench import env

    before = machine_notes()
    cpu0 = cpu_snapshot()
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    with cleanup_on_signals():
        try:
            print(f"warden bench: {', '.join(n.removeprefix('bench_') for n in names)}; redis {env.redis_url()}; "
                  f"{before['cpus']} CPUs, load {before['loadavg']}", file=sys.stderr, flush=True)
            for name in names:
                print(f"-> {name.removeprefix('bench_')} ...", file=sys.stderr, flush=True)
                rows += run_section(name)
        except KeyboardInterrupt:
            print("\ninterrupted: servers stopped, partial results below", file=sys.stderr)
        finally:
            env.cleanup_tmp()
    after = machine_notes()
    busy = contention(cpu0, cpu_snapshot())
    elapsed = time.monotonic() - started
    print(table(rows))
    print(f"\nmachine: {before['cpus']} CPUs ({before.get('cpu_model', '?')}), load avg {before['loadavg']} before, "
          f"{after['loadavg']} after; {busy['cores_busy']} cores busy on average, {busy['cores_busy_other']} of them "
          f"not this benchmark nor its servers; Python {before['python']}; {elapsed:.0f} s in all")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    doc = {"created_at": datetime.now(UTC).isoformat(timespec="seconds"), "elapsed_s": round(elapsed, 1),
           "machine": {"before": before, "after": after, **busy}, "rows": rows}
    args.out.write_text(json.dumps(doc, indent=1, default=str))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
