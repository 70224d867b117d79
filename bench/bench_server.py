"""(b) ``runs/wait`` throughput, p50/p99 latency and server CPU per run: OUR server vs ``langgraph dev``.

Both serve the same graph (``graph/studio.py:make_graph`` for ``langgraph dev``, the runtime's for ours: real
nodes, scripted zero-latency model, a seeded SQLite each) on loopback, both
are up at once, and the phases alternate (ours c=1, theirs c=1, ours c=8, theirs c=8) so load drifts from
other work on the machine hit both. One request = ``threads.create`` then ``runs.wait`` with
"show customer cus_acme_001" through the official ``langgraph_sdk`` client; latency is the ``runs.wait``
call, throughput is completed runs per wall second, CPU is the server's process tree (utime+stime from
/proc, every thread and child) over the phase divided by runs, i.e. per thread+run. Our server also makes
Redis work: the Redis server's CPU over the phase (``INFO cpu``; a shared Redis, so an upper bound) is shown
next to it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from langgraph_sdk import get_client
from redis.asyncio import Redis

from bench import env
from bench.common import CHILDREN, median, percentile, row, tree_cpu_s, tree_rss_mb
from bench.servers import Server, start_langgraph_dev, start_warden

SECTION = "b) runs/wait"
P50_TARGET_MS = 50.0
WARMUP = 5
# (server, concurrency) -> runs; langgraph dev answers in ~1 s whatever the load, so it gets fewer
RUNS = {("warden", 1): 100, ("warden", 8): 160, ("langgraph-dev", 1): 24, ("langgraph-dev", 8): 80}
LABELS = {"warden": "ours", "langgraph-dev": "langgraph dev"}
PHASE_CAP_S = 45.0  # per server and concurrency, over all blocks
BLOCKS = 4


async def _redis_cpu_s(url: str) -> float:
    r = Redis.from_url(url)
    try:
        info = await r.info("cpu")
        return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])
    finally:
        await r.aclose()


async def _one(client: Any, context: dict[str, Any]) -> tuple[float, float, bool]:
    t0 = time.perf_counter()
    thread = await client.threads.create()
    t1 = time.perf_counter()
    out = await client.runs.wait(thread["thread_id"], "warden", input=env.user_input(env.REQUEST), context=context)
    t2 = time.perf_counter()
    ok = isinstance(out, dict) and out.get("stop_reason") == "completed"
    return (t1 - t0) * 1000, (t2 - t1) * 1000, ok


async def block(server: Server, concurrency: int, runs: int, cap_s: float) -> dict[str, Any]:
    """``runs`` requests by ``concurrency`` concurrent clients; latencies, wall, server and Redis CPU."""
    context = env.REQUESTER.as_dict()  # langgraph dev takes the principal as context; ours uses the token's
    lat: list[float] = []
    failures = 0
    async with get_client(url=server.url, headers=server.headers, timeout=60.0) as client:
        remaining = runs
        deadline = time.monotonic() + cap_s

        async def worker() -> None:
            nonlocal remaining, failures
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                try:
                    _, w_ms, ok = await _one(client, context)
                except Exception:  # noqa: BLE001 - counted and reported as a failure
                    failures += 1
                    continue
                lat.append(w_ms)
                failures += 0 if ok else 1

        redis0 = await _redis_cpu_s(env.redis_url())
        cpu0 = tree_cpu_s(server.pid)
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
        cpu1 = tree_cpu_s(server.pid)
        redis1 = await _redis_cpu_s(env.redis_url())
    return {"lat": lat, "failures": failures, "wall": wall, "cpu": cpu1 - cpu0, "redis_cpu": redis1 - redis0}


async def warmup(server: Server) -> None:
    async with get_client(url=server.url, headers=server.headers, timeout=60.0) as client:
        for _ in range(WARMUP):
            await _one(client, env.REQUESTER.as_dict())


def _phase(label: str, concurrency: int, blocks: list[dict[str, Any]], rss_mb: float) -> dict[str, Any]:
    lat = [x for b in blocks for x in b["lat"]]
    wall = sum(b["wall"] for b in blocks)
    done = len(lat)
    return {"server": label, "concurrency": concurrency, "runs": done, "blocks": len(blocks),
            "failures": sum(b["failures"] for b in blocks), "wall_s": wall,
            "throughput_rps": done / wall if wall else 0.0, "latency_ms": lat,
            "p50_ms": median(lat), "p99_ms": percentile(lat, 99),
            "cpu_ms_per_run": sum(b["cpu"] for b in blocks) * 1000 / max(done, 1),
            "redis_cpu_ms_per_run": sum(b["redis_cpu"] for b in blocks) * 1000 / max(done, 1),
            "rss_mb": rss_mb}


async def measure(blocks: int = BLOCKS) -> dict[str, Any]:
    """Both servers up at once; per concurrency, ``blocks`` rounds, each running one block per server in a
    rotating order, so drifting load from elsewhere on the machine is spread over both."""
    started: dict[str, Server] = {}
    try:
        started["warden"] = start_warden("warden-b")
        started["langgraph-dev"] = start_langgraph_dev("langgraph-dev")
        for srv in started.values():
            await warmup(srv)
        names = list(started)
        phases: list[dict[str, Any]] = []
        for conc in (1, 8):
            got: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
            for b in range(blocks):
                for name in names[b % len(names):] + names[:b % len(names)]:
                    n_runs = max(conc, RUNS[(name, conc)] // blocks)
                    got[name].append(await block(started[name], conc, n_runs, PHASE_CAP_S / blocks))
            phases += [_phase(n, conc, got[n], tree_rss_mb(started[n].pid)) for n in names]
        return {"phases": phases, "startup_s": {n: s.startup_s for n, s in started.items()},
                "langgraph_dev_url": started["langgraph-dev"].url}
    finally:
        for srv in started.values():
            CHILDREN.stop(srv.child)


def rows_from(m: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    by = {(p["server"], p["concurrency"]): p for p in m["phases"]}
    for (name, conc), p in by.items():
        label = LABELS[name]
        fail = f", {p['failures']} FAILED" if p["failures"] else ""
        target, met = (f"<= {P50_TARGET_MS:g}", p["p50_ms"] <= P50_TARGET_MS) if (name, conc) == ("warden", 1) \
            else (None, None)
        out.append(row(SECTION, f"{label}, c={conc}: p50 latency", p["p50_ms"], "ms", target=target, met=met,
                       note=f"p99 {p['p99_ms']:.0f} ms, {p['throughput_rps']:.1f} runs/s, n={p['runs']}{fail}"))
    for conc in (1, 8):
        o, t = by[("warden", conc)], by[("langgraph-dev", conc)]
        out.append(row(SECTION, f"c={conc}: throughput ours / langgraph dev", o["throughput_rps"] / t["throughput_rps"],
                       "x", note=f"{o['throughput_rps']:.1f} vs {t['throughput_rps']:.1f} runs/s"))
        out.append(row(SECTION, f"c={conc}: server CPU per thread+run, ours", o["cpu_ms_per_run"], "ms",
                       target=f"< {t['cpu_ms_per_run']:.1f} (langgraph dev)",
                       met=o["cpu_ms_per_run"] < t["cpu_ms_per_run"],
                       note=f"+ Redis {o['redis_cpu_ms_per_run']:.1f} ms/run (shared Redis: upper bound); "
                            f"ours+Redis {'<' if o['cpu_ms_per_run'] + o['redis_cpu_ms_per_run'] < t['cpu_ms_per_run'] else '>='}"
                            f" theirs; RSS {o['rss_mb']:.0f} MB"))
        out.append(row(SECTION, f"c={conc}: server CPU per thread+run, langgraph dev", t["cpu_ms_per_run"], "ms",
                       note=f"RSS {t['rss_mb']:.0f} MB"))
    return out


def run() -> list[dict[str, Any]]:
    m = asyncio.run(measure())
    rows = rows_from(m)
    rows[0]["raw"] = m
    return rows
