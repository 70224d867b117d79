"""(a) Per-step cost of the full graph: our Redis saver (``durability="sync"``) vs ``InMemorySaver``.

Same compiled graph (``graph.build.build_graph``), same deps, same scripted zero-latency model, same request;
the variants run interleaved (rotating order every round) so load drifts hit all alike. A "no checkpointer"
variant shows what the graph itself costs. Two scenarios:

- ``read``: "show customer cus_acme_001" (guard -> planner -> executor -> evaluator: 4 steps, 5 checkpoints);
- ``approval``: a one-cent refund parked at the approval interrupt, then resumed with an accept
  (two invokes; steps counted from the stream).

Then a profile of the Redis variant: Redis commands and round trips per invoke (a counting connection
class: a pipeline is one socket write, so one round trip), by command name, and the wall time spent inside
each saver method.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from redis.asyncio import Redis
from redis.asyncio.connection import Connection

from bench import env
from bench.common import median, percentile, row
from graph.build import build_graph
from graph.checkpointer import WardenRedisSaver
from graph.runtime import DURABILITY, make_deps, open_runtime

SECTION = "a) graph per-step"
TARGET_RATIO = 1.5
ROUNDS = 120
WARMUP = 10
APPROVAL_ROUNDS = 40
PROFILE_RUNS = 20
SCRIPTS = ("evalsha", "eval")
SCRIPT_INNER = frozenset({"json.set", "json.get", "get", "set", "expire", "hset", "hsetnx", "hgetall"})

Invoke = Callable[[], Awaitable[int]]  # returns the number of steps it ran


# --- Redis command / round-trip counting -------------------------------------------------------------------------
@dataclass
class RedisTally:
    commands: Counter[str] = field(default_factory=Counter)
    round_trips: int = 0

    def reset(self) -> None:
        self.commands.clear()
        self.round_trips = 0


TALLY = RedisTally()


class CountingConnection(Connection):
    """Counts every command packed (pipelines included) and every write to the socket (one per round trip)."""

    def pack_command(self, *args: Any) -> list[bytes]:
        name = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        TALLY.commands[name.upper()] += 1
        return super().pack_command(*args)

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        TALLY.round_trips += 1
        await super().send_packed_command(command, check_health)


def timed(base: type[WardenRedisSaver]) -> type[WardenRedisSaver]:
    """``base`` with a stopwatch on the methods the graph calls during a run (``.timings``, ``.calls``)."""

    def stopwatch(name: str) -> Any:
        async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await getattr(base, name)(self, *args, **kwargs)
            finally:
                self.timings[name] += time.perf_counter() - t0
                self.calls[name] += 1
        return wrapper

    return type(f"Timed{base.__name__}", (base,), {n: stopwatch(n) for n in ("aget_tuple", "aput", "aput_writes")})


# --- one invoke per variant ------------------------------------------------------------------------------------
def _cfg() -> dict[str, Any]:
    return {"configurable": {"thread_id": f"bench-{uuid.uuid4()}"}}


async def _count_steps(graph: Any, inp: Any, cfg: dict[str, Any], who: Any) -> int:
    steps = 0
    async for chunk in graph.astream(inp, cfg, context=who, durability=DURABILITY, stream_mode="updates"):
        steps += sum(1 for k in chunk if k != "__interrupt__")
    return steps


def read_invoke(graph: Any) -> Invoke:
    durable = {"durability": DURABILITY} if graph.checkpointer is not None else {}  # "sync" needs a saver

    async def go() -> int:
        await graph.ainvoke(env.user_input(env.REQUEST), _cfg(), context=env.REQUESTER, **durable)
        return 4
    return go


def approval_invoke(graph: Any) -> Invoke:
    async def go() -> int:
        cfg = _cfg()
        out = await graph.ainvoke(env.user_input(env.refund_request(1)), cfg, context=env.REQUESTER,
                                  durability=DURABILITY)
        assert out.get("__interrupt__"), f"the refund did not park at an approval: {out.get('stop_reason')}"
        resume = {"decision": "accept", "decided_by": env.APPROVER.as_dict()}
        out = await graph.ainvoke(Command(resume=resume), cfg, context=env.APPROVER, durability=DURABILITY)
        assert out.get("stop_reason") == "completed", out.get("stop_reason")
        return 0
    return go


async def interleaved(variants: dict[str, Invoke], rounds: int, warmup: int,
                      cpu: dict[str, float] | None = None) -> dict[str, list[float]]:
    """Wall ms per call for each variant; ``cpu`` (if given) gets this process's CPU ms per call (all threads)."""
    names = list(variants)
    for _ in range(warmup):
        for name in names:
            await variants[name]()
    out: dict[str, list[float]] = {n: [] for n in names}
    cpu_s = dict.fromkeys(names, 0.0)
    for i in range(rounds):
        order = names[i % len(names):] + names[:i % len(names)]
        for name in order:
            c0 = time.process_time()
            t0 = time.perf_counter()
            await variants[name]()
            out[name].append((time.perf_counter() - t0) * 1000)
            cpu_s[name] += time.process_time() - c0
    if cpu is not None:
        cpu.update({n: v * 1000 / rounds for n, v in cpu_s.items()})
    return out


async def _profile(settings: Any, deps: Any, base: type[WardenRedisSaver]) -> dict[str, Any]:
    redis = Redis.from_url(settings.effective_redis_url, connection_class=CountingConnection)
    try:
        saver: Any = timed(base)(redis_client=redis, ttl={"default_ttl": settings.checkpoint_ttl_minutes,
                                                          "refresh_on_read": True})
        saver.timings, saver.calls = Counter(), Counter()
        await saver.asetup()
        graph = build_graph(deps=deps, checkpointer=saver)
        go = read_invoke(graph)
        await go()
        TALLY.reset()
        saver.timings.clear()
        saver.calls.clear()
        stats0 = await redis.info("commandstats")
        t0 = time.perf_counter()
        for _ in range(PROFILE_RUNS):
            await go()
        wall_ms = (time.perf_counter() - t0) * 1000 / PROFILE_RUNS
        stats1 = await redis.info("commandstats")
        per = PROFILE_RUNS
        server_ms = {k.removeprefix("cmdstat_"): (v["usec"] - stats0.get(k, {}).get("usec", 0)) / 1000 / per
                     for k, v in stats1.items() if k != "cmdstat_info"}
        return {
            "redis_server_ms_per_invoke": {k: round(v, 4) for k, v in sorted(server_ms.items(), key=lambda kv: -kv[1])
                                           if v > 0},
            "runs": per,
            "wall_ms_per_invoke": wall_ms,
            "commands_per_invoke": sum(TALLY.commands.values()) / per,
            "round_trips_per_invoke": TALLY.round_trips / per,
            "commands_by_name": {k: v / per for k, v in TALLY.commands.most_common()},
            "saver_ms_per_invoke": {k: v * 1000 / per for k, v in saver.timings.items()},
            "saver_calls_per_invoke": {k: v / per for k, v in saver.calls.items()},
        }
    finally:
        await redis.aclose()


async def measure(rounds: int = ROUNDS, approval_rounds: int = APPROVAL_ROUNDS) -> dict[str, Any]:
    d = env.data_dir("graph")
    settings = env.settings_for(d)
    rt = await open_runtime(settings)
    try:
        deps = rt.deps
        graphs = {
            "none": build_graph(deps=deps, checkpointer=None),
            "memory": build_graph(deps=deps, checkpointer=InMemorySaver()),
            "redis": rt.graph,
        }
        steps = {name: await _count_steps(g, env.user_input(env.REQUEST), _cfg(), env.REQUESTER)
                 for name, g in graphs.items() if name != "none"}
        read_cpu: dict[str, float] = {}
        read = await interleaved({n: read_invoke(g) for n, g in graphs.items()}, rounds, WARMUP, read_cpu)
        appr = await interleaved({n: approval_invoke(g) for n, g in graphs.items() if n != "none"},
                                 approval_rounds, 3)
        pdeps = make_deps(settings, engine=deps.engine)
        profile = {"redis": await _profile(settings, pdeps, WardenRedisSaver)}
        return {"steps_read": steps, "read_ms": read, "read_cpu_ms": read_cpu, "approval_ms": appr,
                "profile": profile}
    finally:
        await rt.aclose()


def rows_from(m: dict[str, Any]) -> list[dict[str, Any]]:
    steps = m["steps_read"]["redis"]
    out: list[dict[str, Any]] = []
    med = {n: median(v) for n, v in m["read_ms"].items()}
    labels = {"none": "no checkpointer", "memory": "InMemorySaver", "redis": "Redis, ours (sync)"}
    for name, xs in m["read_ms"].items():
        out.append(row(SECTION, f"read: {labels[name]}", med[name] / steps, "ms/step",
                       note=f"p50 {med[name]:.2f} / p99 {percentile(xs, 99):.2f} ms per {steps}-step invoke, "
                            f"CPU {m['read_cpu_ms'][name]:.2f} ms/invoke (this process), n={len(xs)}"))
    ratio = med["redis"] / med["memory"]
    out.append(row(SECTION, f"read: {labels['redis']} / InMemorySaver", ratio, "x",
                   target=f"<= {TARGET_RATIO}", met=ratio <= TARGET_RATIO,
                   note=f"+{(med['redis'] - med['memory']) / steps:.2f} ms per durable step; CPU ratio "
                        f"{m['read_cpu_ms']['redis'] / m['read_cpu_ms']['memory']:.2f}x"))
    amed = {n: median(v) for n, v in m["approval_ms"].items()}
    aratio = amed["redis"] / amed["memory"]
    out.append(row(SECTION, f"refund park+resume: {labels['redis']} / InMemory", aratio, "x",
                   target=f"<= {TARGET_RATIO}", met=aratio <= TARGET_RATIO,
                   note=f"p50 {amed['redis']:.1f} vs {amed['memory']:.1f} ms for both invokes, "
                        f"n={len(m['approval_ms']['redis'])}"))
    for name, p in m["profile"].items():
        top = ", ".join(f"{k} {v:g}" for k, v in list(p["commands_by_name"].items())[:6])
        out.append(row(SECTION, f"Redis round trips per read invoke, {labels[name]}", p["round_trips_per_invoke"],
                       "RTs", note=f"{p['commands_per_invoke']:g} commands: {top}"))
        calls = ", ".join(f"{k} {p['saver_calls_per_invoke'].get(k, 0):g}x {v:.2f} ms"
                          for k, v in p["saver_ms_per_invoke"].items())
        srv = p["redis_server_ms_per_invoke"]
        # a script's time includes the commands it runs, which commandstats also lists on their own
        top = sum(v for k, v in srv.items() if k not in SCRIPT_INNER or not any(e in srv for e in SCRIPTS))
        out.append(row(SECTION, f"Redis server time per read invoke, {labels[name]}", top, "ms",
                       note="INFO commandstats (shared Redis: others' commands count too; EVALSHA includes the "
                            "commands its scripts run, listed too): "
                            + ", ".join(f"{k} {v:.2f}" for k, v in list(srv.items())[:5])))
        out.append(row(SECTION, f"time in saver calls per read invoke, {labels[name]}",
                       sum(p["saver_ms_per_invoke"].values()), "ms",
                       note=f"wall {p['wall_ms_per_invoke']:.2f} ms/invoke with the counting client; {calls}"))
    return out


def run() -> list[dict[str, Any]]:
    m = asyncio.run(measure())
    rows = rows_from(m)
    rows[0]["raw"] = {"read_ms": m["read_ms"], "approval_ms": m["approval_ms"], "profile": m["profile"]}
    return rows
