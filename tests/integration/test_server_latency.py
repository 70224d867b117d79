"""``runs/wait`` latency through the whole path (HTTP, Redis queue, worker, graph on the Redis saver, done
stream) against the stand-in graph, at concurrency 1 and 8 on fresh threads. Prints p50/p99; the bounds are
loose (shared CI machines) and only catch a regression to polling-like latency."""

from __future__ import annotations

import asyncio
import os
import time

import httpx
import pytest

from tests.integration.server_harness import ServerProcess, auth, redis_url, server, server_prefix, token

pytestmark = [pytest.mark.integration, pytest.mark.slow,
              pytest.mark.skipif(os.environ.get("WARDEN_TEST_GRAPH") == "real", reason="stand-in graph timing")]
__all__ = ["redis_url", "server", "server_prefix"]
BODY = {"assistant_id": "warden", "input": {"messages": [{"role": "user", "content": "hi"}]}}


async def _one(c: httpx.AsyncClient) -> float:
    tid = (await c.post("/threads", json={})).json()["thread_id"]
    t0 = time.perf_counter()
    r = await c.post(f"/threads/{tid}/runs/wait", json=BODY)
    assert r.status_code == 200 and "__error__" not in r.json(), r.text
    return time.perf_counter() - t0


@pytest.mark.parametrize("concurrency", [1, 8])
async def test_wait_latency(server: ServerProcess, concurrency: int) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=auth(token()), timeout=60) as c:
        for _ in range(3):
            await asyncio.gather(*(_one(c) for _ in range(concurrency)))
        samples: list[float] = []
        for _ in range(max(10, 160 // concurrency)):
            samples += await asyncio.gather(*(_one(c) for _ in range(concurrency)))
    samples.sort()
    p50, p99 = samples[len(samples) // 2] * 1000, samples[int(len(samples) * 0.99)] * 1000
    print(f"\nruns/wait stand-in graph, concurrency {concurrency}: n={len(samples)} p50={p50:.1f} ms p99={p99:.1f} ms")
    assert p50 < (250 if concurrency == 1 else 1500)
