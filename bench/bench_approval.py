"""(c) Approve-to-effect latency on OUR server: from the approver's decision to the refund row in SQL.

Each trial parks a fresh thread at the approval interrupt (the requester asks for a one-cent refund on
``ord_acme_001_1`` via ``runs.wait``), then a support lead decides it, and a watcher thread polling the
server's SQLite file (WAL; a read-only connection, every 0.5 ms, started before the decision is sent) notes
when the refund row appears. Two ways to decide, alternating:

- ``POST /approvals/{id}`` ``{"decision": "accept"}`` (answers 202 with the resume run);
- the SDK resume: ``runs.create(thread, "warden", command={"resume": {"decision": "accept"}})``.

Reported: p50/p99 of decision-sent -> row visible, and of decision-sent -> the refund's own ``created_at``
(stamped inside the effect's transaction; same clock), plus how long the decision's HTTP call itself took.
The next trial starts after the resumed run has ended (``runs.join``).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import datetime
from typing import Any

import httpx
from langgraph_sdk import get_client
from redis.asyncio import Redis

from api.keys import Keys
from bench import env
from bench.common import CHILDREN, percentile, row
from bench.servers import auth_headers, start_warden

SECTION = "c) approve-to-effect"
P99_TARGET_MS = 50.0
TRIALS_PER_MODE = 40
WARMUP = 3
POLL_S = 0.0005


class RowWatcher:
    """Polls ``SELECT count(*) FROM refunds`` in a thread; ``wait_for(n)`` returns when it first saw >= n."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.seen_at: dict[int, float] = {}
        self._target = 0
        self._stop = threading.Event()
        self._hit = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="refund-watcher", daemon=True)
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            self.count = self._count(conn)
        finally:
            conn.close()

    @staticmethod
    def _count(conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT count(*) FROM refunds").fetchone()[0])

    def start(self) -> RowWatcher:
        self._thread.start()
        return self

    def arm(self, target: int) -> None:
        with self._lock:
            self._target = target
            self._hit.clear()

    def _loop(self) -> None:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
        try:
            while not self._stop.is_set():
                n = self._count(conn)
                now = time.perf_counter()
                with self._lock:
                    if n > self.count:
                        for k in range(self.count + 1, n + 1):
                            self.seen_at.setdefault(k, now)
                        self.count = n
                    if self._target and self.count >= self._target:
                        self._hit.set()
                time.sleep(POLL_S)
        finally:
            conn.close()

    async def wait_for(self, target: int, timeout_s: float = 30.0) -> float:
        """When the watcher first saw refund #target (its own clock; this loop's polling adds nothing to it)."""
        deadline = time.monotonic() + timeout_s
        while not self._hit.is_set():
            if time.monotonic() > deadline:
                raise TimeoutError(f"refund #{target} never appeared in SQL within {timeout_s}s")
            await asyncio.sleep(0.002)
        return self.seen_at[target]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def _latest_created_at(db_path: str) -> float:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        raw = conn.execute("SELECT created_at FROM refunds ORDER BY created_at DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    return datetime.fromisoformat(str(raw)).timestamp()


async def measure(trials: int = TRIALS_PER_MODE) -> dict[str, Any]:
    server = start_warden("warden-c")
    db_path = str(server.data_dir / "warden.db")
    watcher = RowWatcher(db_path).start()
    lead_headers = auth_headers(env.APPROVER)
    results: dict[str, dict[str, list[float]]] = {
        m: {"row_ms": [], "stamp_ms": [], "call_ms": [], "to_start_ms": [], "start_to_effect_ms": [],
            "effect_to_end_ms": []} for m in ("approvals", "sdk_resume")}
    keys = Keys(server.key_prefix)
    redis = Redis.from_url(env.redis_url(), decode_responses=True)
    try:
        async with get_client(url=server.url, headers=server.headers, timeout=60.0) as requester, \
                get_client(url=server.url, headers=lead_headers, timeout=60.0) as lead, \
                httpx.AsyncClient(base_url=server.url, headers=lead_headers, timeout=60.0) as http:
            for i in range(WARMUP + 2 * trials):
                mode = "approvals" if i % 2 == 0 else "sdk_resume"
                thread = await requester.threads.create()
                tid = thread["thread_id"]
                out = await requester.runs.wait(tid, "warden", input=env.user_input(env.refund_request(1)))
                if not (isinstance(out, dict) and out.get("__interrupt__")):
                    raise RuntimeError(f"the refund did not park at an approval: {str(out)[:500]}")
                iid = out["__interrupt__"][0]["id"]
                target = watcher.count + 1
                watcher.arm(target)
                wall0 = time.time()
                t0 = time.perf_counter()
                if mode == "approvals":
                    r = await http.post(f"/approvals/{iid}", json={"decision": "accept"})
                    if r.status_code != 202:
                        raise RuntimeError(f"POST /approvals/{iid} -> {r.status_code} {r.text[:300]}")
                    run = r.json()["run"]
                else:
                    run = await lead.runs.create(tid, "warden", command={"resume": {"decision": "accept"}})
                t1 = time.perf_counter()
                seen = await watcher.wait_for(target)
                stamp = _latest_created_at(db_path)
                await lead.runs.join(tid, run["run_id"])
                if i < WARMUP:
                    continue
                res = results[mode]
                res["row_ms"].append((seen - t0) * 1000)
                res["stamp_ms"].append((stamp - wall0) * 1000)
                res["call_ms"].append((t1 - t0) * 1000)
                # Breakdown from the resume run's event stream: Redis stream ids are the server's clock in ms.
                events = await redis.xrange(keys.run_events(run["run_id"]))
                first = {}
                for sid, fields in events:
                    first.setdefault(fields.get("e"), int(sid.split("-")[0]) / 1000)
                if "metadata" in first and "end" in first:
                    res["to_start_ms"].append((first["metadata"] - wall0) * 1000)
                    res["start_to_effect_ms"].append((stamp - first["metadata"]) * 1000)
                    res["effect_to_end_ms"].append((first["end"] - stamp) * 1000)
        return {"results": results}
    finally:
        await redis.aclose()
        watcher.stop()
        CHILDREN.stop(server.child)


def rows_from(m: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    labels = {"approvals": "POST /approvals/{id}", "sdk_resume": "SDK command.resume"}
    for mode, res in m["results"].items():
        xs = res["row_ms"]
        p99 = percentile(xs, 99)
        out.append(row(SECTION, f"{labels[mode]} -> refund row visible: p99", p99, "ms",
                       target=f"<= {P99_TARGET_MS:g}", met=p99 <= P99_TARGET_MS,
                       note=f"p50 {percentile(xs, 50):.1f} ms, max {max(xs):.1f}, n={len(xs)}; the decision call "
                            f"itself p50 {percentile(res['call_ms'], 50):.1f} ms"))
        st = res["stamp_ms"]
        parts = ", ".join(f"{name} p50 {percentile(res[k], 50):.1f} / p99 {percentile(res[k], 99):.1f}"
                          for k, name in (("to_start_ms", "decision->worker starts run"),
                                          ("start_to_effect_ms", "run start->effect"),
                                          ("effect_to_end_ms", "effect->run end")) if res[k])
        out.append(row(SECTION, f"{labels[mode]} -> refund created_at: p50", percentile(st, 50), "ms",
                       note=f"p99 {percentile(st, 99):.1f} ms (stamped in the effect's transaction); {parts} ms"))
    return out


def run() -> list[dict[str, Any]]:
    m = asyncio.run(measure())
    rows = rows_from(m)
    rows[0]["raw"] = m
    return rows
