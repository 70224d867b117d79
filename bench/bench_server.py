"""(b) ``runs/wait`` throughput, p50/p99 latency and server CPU per run: OUR server vs ``langgraph dev``.

Both serve the same graph (real nodes, scripted zero-latency model, a seeded SQLite each) on loopback, both
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
RUNS = {("warden", 1): 100, ("warden", 8): 240, ("langgraph-dev", 1): 24, ("langgraph-dev", 8): 80}
PHASE_CAP_S = 45.0


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


async def phase(server: Server, label: str, concurrency: int, runs: int, cap_s: float = PHASE_CAP_S) -> dict[str, Any]:
    context = env.REQUESTER.as_dict()  # langgraph dev takes the principal as context; ours uses the token's
    lat: list[float] = []
    create: list[float] = []
    failures = 0
    async with get_client(url=server.url, headers=server.headers, timeout=60.0) as client:
        for _ in range(WARMUP):
            await _one(client, context)
        remaining = runs
        deadline = time.monotonic() + cap_s

        async def worker() -> None:
            nonlocal remaining, failures
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                try:
                    c_ms, w_ms, ok = await _one(client, context)
                except Exception:
                    failures += 1
                    continue
                create.append(c_ms)
                lat.append(w_ms)
                failures += 0 if ok else 1

        redis0 = await _redis_cpu_s(env.redis_url())
        cpu0 = tree_cpu_s(server.pid)
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
        cpu1 = tree_cpu_s(server.pid)
        redis1 = await _redis_cpu_s(env.redis_url())
    done = len(lat)
    return {"server": label, "concurrency": concurrency, "runs": done, "failures": failures, "wall_s": wall,
            "throughput_rps": done / wall if wall else 0.0, "latency_ms": lat, "create_ms": create,
            "p50_ms": median(lat), "p99_ms": percentile(lat, 99),
            "cpu_ms_per_run": (cpu1 - cpu0) * 1000 / max(done, 1),
            "redis_cpu_ms_per_run": (redis1 - redis0) * 1000 / max(done, 1),
            "rss_mb": tree_rss_mb(server.pid)}


async def measure() -> dict[str, Any]:
    ours = start_warden("warden-b")
    try:
        theirs = start_langgraph_dev("langgraph-dev")
    except Exception:
        CHILDREN.stop(ours.child)
        raise
    try:
        phases: list[dict[str, Any]] = []
        for conc in (1, 8):
            for srv in (ours, theirs):
                name = "warden" if srv is ours else "langgraph-dev"
                phases.append(await phase(srv, name, conc, RUNS[(name, conc)]))
        return {"phases": phases, "startup_s": {"warden": ours.startup_s, "langgraph-dev": theirs.startup_s},
                "langgraph_dev_url": theirs.url}
    finally:
        CHILDREN.stop(theirs.child)
        CHILDREN.stop(ours.child)


def rows_from(m: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    by = {(p["server"], p["concurrency"]): p for p in m["phases"]}
    for (name, conc), p in by.items():
        label = "ours" if name == "warden" else "langgraph dev"
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
