"""Worker pool: N coroutines per server process claim runs from Redis and execute them on the graph.

Each process holds one lease key (``P:worker:{wid}``, PX ``run_lease_s``) refreshed every lease/3 together with
the thread locks of its active runs. A reaper in every process hands the inflight runs of a process whose lease
lapsed (SIGKILL, partition, freeze) back to the queue; the next claim continues the run from its last checkpoint
(``astream(None)``) when the run already wrote one, else starts it from its input again. A process that finds
its own lease gone stops its runs (fenced: ``FINISH`` of a stale attempt changes nothing) and re-registers.
On shutdown, runs that do not finish within the grace period are handed back at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import time
import uuid
from typing import Any

import orjson
from langgraph.types import Command
from redis.asyncio import Redis

from api._private import text, text_set
from api.encode import dumps, error_dict, interrupt_dict
from api.events import Publisher
from api.keys import Keys
from api.queue import BUSY, RunQueue
from api.runtime import AgentRuntime
from api.store import Store
from governance.auth import Principal
from graph.settings import Settings

log = logging.getLogger("warden.worker")
INTERNAL_MODES = frozenset({"values", "updates"})
CANCEL_CHECK_S = 0.2


class _Cancelled(Exception):
    """The run's cancel flag was seen between two steps."""


class WorkerPool:
    def __init__(self, *, redis: Redis, keys: Keys, queue: RunQueue, store: Store, runtime: AgentRuntime,
                 settings: Settings) -> None:
        self.redis, self.keys, self.queue, self.store = redis, keys, queue, store
        self.runtime, self.settings = runtime, settings
        self.wid = uuid.uuid4().hex
        self.lease_ms = int(settings.run_lease_s * 1000)
        self.active: dict[str, tuple[str, asyncio.Task[None]]] = {}  # run id -> (thread id, task)
        self._loops: list[asyncio.Task[None]] = []
        self._running = False

    async def start(self) -> None:
        await self._register()
        self._running = True
        self._loops = [asyncio.create_task(self._claim_loop(i)) for i in range(self.settings.worker_concurrency)]
        self._loops += [asyncio.create_task(self._heartbeat_loop()), asyncio.create_task(self._reaper_loop())]

    async def stop(self, grace_s: float = 5.0) -> None:
        self._running = False
        for t in self._loops:
            t.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        tasks = [t for _, t in self.active.values()]
        if tasks:
            await asyncio.wait(tasks, timeout=grace_s)
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(Exception):  # hand back whatever is left, now rather than after the lease
            await self.redis.delete(self.keys.worker(self.wid))
            await self.queue.requeue_dead(self.wid)

    async def _register(self) -> None:
        async with self.redis.pipeline(transaction=True) as p:
            p.set(self.keys.worker(self.wid), "1", px=self.lease_ms)
            p.sadd(self.keys.workers, self.wid)
            p.expire(self.keys.workers, self.queue.ttl_s)
            await p.execute()

    # --- loops ---------------------------------------------------------------------------------------------
    async def _claim_loop(self, slot: int) -> None:
        k = self.keys
        while self._running:
            try:
                item = text(await self.redis.blmove(k.queue, k.inflight(self.wid), 2, "RIGHT", "LEFT"))
                if item is None:
                    continue
                rid, _, tid = item.partition(" ")
                task = asyncio.create_task(self._run(item), name=f"run-{rid}")
                self.active[rid] = (tid, task)
                task.add_done_callback(functools.partial(self._forget, rid))
                await asyncio.wait({task})  # outlives this loop's cancellation; stop() waits for it
                if not task.cancelled() and (exc := task.exception()) is not None:
                    raise exc
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("worker slot %d: queue error; retrying", slot)
                await asyncio.sleep(1.0)

    def _forget(self, rid: str, _: asyncio.Task[None]) -> None:
        self.active.pop(rid, None)

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.run_lease_s / 3)
            try:
                async with self.redis.pipeline(transaction=False) as p:
                    p.set(self.keys.worker(self.wid), "1", px=self.lease_ms, xx=True)
                    p.expire(self.keys.workers, self.queue.ttl_s)  # the registry outlives any one process
                    alive, _ = await p.execute()
                if not alive:
                    await self._lost_lease()
                await self.queue.extend_locks({rid: tid for rid, (tid, _) in self.active.items()})
            except Exception:
                log.exception("heartbeat failed")

    async def _lost_lease(self) -> None:
        """Others may already run what we hold: stop it all, give back what nobody took, register again."""
        log.warning("worker %s lost its lease (stalled past run_lease_s); stopping its runs", self.wid)
        held = {rid: (tid, task) for rid, (tid, task) in self.active.items()}
        for _, task in held.values():
            task.cancel()
        await asyncio.gather(*(task for _, task in held.values()), return_exceptions=True)
        for rid, (tid, _) in held.items():
            if await self.queue.abandon(self.wid, rid, tid):
                log.warning("run %s handed back to the queue", rid)
        await self._register()

    async def _reaper_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.run_lease_s / 3 * (0.8 + 0.4 * random.random()))
            try:
                wids = text_set(await self.redis.smembers(self.keys.workers))
                for wid in wids - {self.wid}:
                    n = await self.queue.requeue_dead(wid)
                    if n >= 0:
                        log.warning("worker %s is gone; requeued %d of its runs", wid, n)
            except Exception:
                log.exception("reaper failed")

    # --- one run -------------------------------------------------------------------------------------------
    async def _run(self, item: str) -> None:
        claimed = await self.queue.claim(self.wid, item)
        rid = item.partition(" ")[0]
        if isinstance(claimed, str):
            if claimed == "busy":
                await self.queue.fail_unclaimed(rid, BUSY)
            elif claimed == "no_lease":  # handed straight back; wait for the heartbeat to register us again
                await asyncio.sleep(self.settings.run_lease_s / 6)
            return
        try:
            outcome = await self._execute(claimed)
        except Exception as exc:  # _execute handles graph failures; this is the server's own (e.g. Redis)
            log.exception("run %s could not be executed", rid)
            error = orjson.dumps(error_dict(exc))
            outcome = {"status": "error", "result": b'{"__error__":' + error + b"}", "thread_status": "error",
                       "values": b"null", "interrupts": b"{}", "error": error, "pending": []}
        pending = outcome.pop("pending")
        if pending or claimed["kind"] == "resume":  # only a parked or resumed thread has index entries
            try:
                await self.store.sync_approvals(claimed["tenant"], claimed["thread_id"], rid, pending)
            except Exception:
                log.exception("could not index the approvals of run %s", rid)
        for attempt in range(5):
            try:
                await self.queue.finish(self.wid, claimed, **outcome)
                return
            except Exception:
                log.exception("could not record the end of run %s (try %d)", rid, attempt + 1)
                await asyncio.sleep(0.2 * 2**attempt)

    async def _execute(self, run: dict[str, str]) -> dict[str, Any]:
        rid, tid = run["run_id"], run["thread_id"]
        principal = Principal(**orjson.loads(run["principal"]))
        requested: list[str] = orjson.loads(run["stream_modes"])
        publish = {"messages" if m == "messages-tuple" else m for m in requested}
        modes = sorted(publish | INTERNAL_MODES)
        extra: dict[str, Any] = orjson.loads(run.get("config") or "{}")
        config: dict[str, Any] = {
            "configurable": {"thread_id": tid},
            "metadata": {"run_id": rid, "assistant_id": run["assistant_id"], "graph_id": "warden",
                         "tenant": principal.tenant, "user_id": principal.user},
            **extra,
        }
        attempt = int(run["attempt"])
        pub = Publisher(self.redis, self.keys, rid, ttl_s=self.queue.ttl_s)
        graph = self.runtime.graph
        latest: Any = None
        latest_raw: bytes | None = None  # dumps(latest) when it was published (encoded once, reused at the end)
        status, error = "success", b"null"
        deadline = asyncio.timeout(self.settings.run_timeout_s)
        try:
            inp = await self._input(run, config, attempt)
            pub.publish("metadata", orjson.dumps({"run_id": rid, "attempt": attempt}))
            next_check = time.monotonic() + CANCEL_CHECK_S
            async with deadline:
                async for mode, chunk in graph.astream(inp, config, context=principal, stream_mode=modes,
                                                       durability="sync"):
                    if mode == "values":
                        latest, latest_raw = chunk, None
                        if time.monotonic() >= next_check:  # between steps, at most every CANCEL_CHECK_S
                            next_check = time.monotonic() + CANCEL_CHECK_S
                            if await self.redis.hget(self.keys.run(rid), "cancel"):
                                raise _Cancelled
                    if mode in publish:
                        data = dumps(chunk)
                        if mode == "values":
                            latest_raw = data
                        pub.publish(mode, data)
        except _Cancelled:
            status = "interrupted"
        except TimeoutError as exc:
            if deadline.expired():
                status = "timeout"
                error = orjson.dumps({"error": "TimeoutError",
                                      "message": f"the run exceeded {self.settings.run_timeout_s}s"})
            else:  # some call inside the graph timed out: an ordinary failure
                log.exception("run %s failed", rid)
                status, error = "error", orjson.dumps(error_dict(exc))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("run %s failed", rid)
            status, error = "error", orjson.dumps(error_dict(exc))
        if status != "success" and error != b"null":
            pub.publish("error", error)
        await pub.drain()
        return await self._outcome(config, status, latest, error, latest_raw)

    async def _input(self, run: dict[str, str], config: dict[str, Any], attempt: int) -> Any:
        if attempt > 1:
            snap = await self.runtime.graph.aget_state(config)
            if (snap.metadata or {}).get("run_id") == run["run_id"]:
                return None  # this run already checkpointed: continue from there
        payload = orjson.loads(run["payload"])
        if run["kind"] == "resume":
            return Command(resume=payload["resume"])
        return payload["input"]

    async def _outcome(self, config: dict[str, Any], status: str, latest: Any, error: bytes,
                       latest_raw: bytes | None = None) -> dict[str, Any]:
        interrupted = isinstance(latest, dict) and bool(latest.get("__interrupt__"))
        if status == "success" and not interrupted and latest is not None:
            values, tasks_interrupts, pending = latest, {}, []
            if latest_raw is not None and not (isinstance(latest, dict) and "__interrupt__" in latest):
                # the run's final values, already encoded when published: the result and the thread's values
                return {"status": status, "result": latest_raw, "thread_status": "idle", "values": latest_raw,
                        "interrupts": b"{}", "error": error, "pending": pending}
        else:
            try:
                snap = await self.runtime.graph.aget_state(config)
                values = snap.values
                tasks_interrupts = {t.id: [interrupt_dict(i) for i in t.interrupts]
                                    for t in snap.tasks if t.interrupts}
                pending = [(i.id, i.value) for i in snap.interrupts]
            except Exception:  # a state the graph cannot even load: report the run, keep the thread record
                log.exception("state of %s unreadable after the run", config["configurable"]["thread_id"])
                values, tasks_interrupts, pending = latest if isinstance(latest, dict) else {}, {}, []
                if status == "success":
                    status, error = "error", orjson.dumps({"error": "StateError", "message": "state unreadable"})
            if latest is None:
                latest = values
        if status == "success":
            result = dumps(latest)
        elif status == "interrupted":
            result = dumps(latest or {})
        else:
            result = b'{"__error__":' + error + b"}"
        thread_status = "interrupted" if pending else ("error" if status in ("error", "timeout") else "idle")
        clean_values = {k: v for k, v in values.items() if k != "__interrupt__"} if isinstance(values, dict) else values
        return {"status": status, "result": result, "thread_status": thread_status, "values": dumps(clean_values),
                "interrupts": dumps(tasks_interrupts), "error": error, "pending": pending}
