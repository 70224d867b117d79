"""``WardenRedisSaver``'s own storage layout: a TTL on every key it writes, exact round trips (floats included),
one hash of pending writes per checkpoint with ``InMemorySaver``'s overwrite rules, a second saver instance
(another process's view) reading what the first wrote, and ``adelete_thread`` leaving nothing behind."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from langgraph.checkpoint.base import WRITES_IDX_MAP, empty_checkpoint
from redis.asyncio import Redis

from graph.checkpointer import open_checkpointer

pytestmark = pytest.mark.integration

TTL_MINUTES = 5
ERROR = next(c for c in WRITES_IDX_MAP if "error" in c)


def _cfg(thread_id: str, checkpoint_id: str | None = None, ns: str = "") -> dict[str, Any]:
    c: dict[str, Any] = {"thread_id": thread_id, "checkpoint_ns": ns}
    if checkpoint_id:
        c["checkpoint_id"] = checkpoint_id
    return {"configurable": c}


async def _thread_keys(redis: Redis, thread_id: str) -> list[bytes]:
    return [k async for k in redis.scan_iter(match=f"*{thread_id}*", count=1000)]


async def test_every_key_has_a_ttl_values_round_trip_and_a_second_saver_reads_them(redis_url: str) -> None:
    thread_id = f"layout-{uuid.uuid4()}"
    redis_a, redis_b = Redis.from_url(redis_url), Redis.from_url(redis_url)
    try:
        a = await open_checkpointer(redis_a, ttl_minutes=TTL_MINUTES)
        b = await open_checkpointer(redis_b, ttl_minutes=TTL_MINUTES)
        awkward = 1795502509.4109643  # RedisJSON re-printed this one ulp off when stored inline
        cp1 = empty_checkpoint()
        cp1["channel_values"] = {"x": awkward, "msgs": ["a", {"n": 0.1 + 0.2}], "secret": "needle-in-a-value"}
        cp1["channel_versions"] = {"x": 1, "msgs": 1, "secret": 1}
        cfg1 = await a.aput(_cfg(thread_id), cp1, {"source": "input", "step": -1, "score": awkward},
                            {"x": 1, "msgs": 1, "secret": 1})
        cp2 = empty_checkpoint()
        cp2["channel_values"] = {"x": awkward, "msgs": ["a", "b"]}
        cp2["channel_versions"] = {"x": 1, "msgs": 2}
        cfg2 = await a.aput(cfg1, cp2, {"source": "loop", "step": 0}, {"msgs": 2})
        await a.aput_writes(cfg2, [("msgs", "c"), ("x", 2.5), ("note", "needle-in-a-write")], "task-1", "path-b")
        await a.aput_writes(cfg2, [("msgs", "IGNORED")], "task-1", "path-b")  # regular write: first one wins
        await a.aput_writes(cfg2, [(ERROR, "first")], "task-0", "path-a")
        await a.aput_writes(cfg2, [(ERROR, "second")], "task-0", "path-a")  # special write: overwritten

        latest = await b.aget_tuple(_cfg(thread_id))
        assert latest is not None
        assert latest.config["configurable"]["checkpoint_id"] == cp2["id"]
        assert latest.parent_config == {"configurable": {"thread_id": thread_id, "checkpoint_ns": "",
                                                         "checkpoint_id": cp1["id"]}}
        assert latest.checkpoint["channel_values"] == {"x": awkward, "msgs": ["a", "b"]}
        assert latest.pending_writes == [("task-0", ERROR, "second"), ("task-1", "msgs", "c"), ("task-1", "x", 2.5),
                                         ("task-1", "note", "needle-in-a-write")]
        first = await b.aget_tuple(_cfg(thread_id, cp1["id"]))
        assert first is not None and first.checkpoint["channel_values"]["x"] == awkward
        assert first.checkpoint["channel_values"]["secret"] == "needle-in-a-value"
        assert first.checkpoint["channel_values"]["msgs"] == ["a", {"n": 0.1 + 0.2}]
        assert first.metadata["score"] == awkward and first.pending_writes == []
        assert [t.checkpoint["id"] async for t in b.alist(_cfg(thread_id))] == [cp2["id"], cp1["id"]]

        keys = await _thread_keys(redis_a, thread_id)
        assert len(keys) == 4, keys  # 2 checkpoint documents, 1 writes hash, the latest pointer
        # text in the state stays readable in Redis (tests scan it for leaked credentials): not base64
        raw = b"".join([await redis_a.execute_command("JSON.GET", k) for k in keys if await redis_a.type(k) == b"ReJSON-RL"]
                       + [v for k in keys if await redis_a.type(k) == b"hash" for v in (await redis_a.hgetall(k)).values()])
        assert b"needle-in-a-value" in raw and b"needle-in-a-write" in raw
        for k in keys:
            ttl = await redis_a.ttl(k)
            assert 0 < ttl <= TTL_MINUTES * 60, (k, ttl)

        await b.adelete_thread(thread_id)
        assert await _thread_keys(redis_a, thread_id) == []
        assert await a.aget_tuple(_cfg(thread_id)) is None
    finally:
        await redis_a.aclose()
        await redis_b.aclose()


async def test_latest_pointer_only_moves_forward(redis_url: str) -> None:
    thread_id = f"layout-{uuid.uuid4()}"
    redis = Redis.from_url(redis_url)
    try:
        saver = await open_checkpointer(redis, ttl_minutes=TTL_MINUTES)
        older, newer = empty_checkpoint(), empty_checkpoint()
        assert older["id"] < newer["id"]
        await saver.aput(_cfg(thread_id), newer, {"source": "loop", "step": 1}, {})
        await saver.aput(_cfg(thread_id), older, {"source": "loop", "step": 0}, {})
        latest = await saver.aget_tuple(_cfg(thread_id))
        assert latest is not None and latest.checkpoint["id"] == newer["id"]
        await saver.adelete_thread(thread_id)
    finally:
        await redis.aclose()


async def test_regular_writes_are_saved_with_the_next_checkpoint_reserved_ones_at_once(redis_url: str) -> None:
    """What another process sees: an interrupt at once; a finished task's writes with the step's checkpoint."""
    thread_id = f"layout-{uuid.uuid4()}"
    redis_a, redis_b = Redis.from_url(redis_url), Redis.from_url(redis_url)
    try:
        a = await open_checkpointer(redis_a, ttl_minutes=TTL_MINUTES)
        other = await open_checkpointer(redis_b, ttl_minutes=TTL_MINUTES)
        cp1 = empty_checkpoint()
        cfg1 = await a.aput(_cfg(thread_id), cp1, {"source": "input", "step": -1}, {})
        await a.aput_writes(cfg1, [("x", 1)], "task-1")
        seen = await other.aget_tuple(_cfg(thread_id))
        assert seen is not None and seen.pending_writes == []  # held back: the step has not finished
        cp2 = empty_checkpoint()
        cfg2 = await a.aput(cfg1, cp2, {"source": "loop", "step": 0}, {})
        first = await other.aget_tuple(_cfg(thread_id, cp1["id"]))
        assert first is not None and first.pending_writes == [("task-1", "x", 1)]  # saved with cp2, atomically

        interrupt = next(c for c in WRITES_IDX_MAP if "interrupt" in c)
        await a.aput_writes(cfg2, [("y", 2)], "task-2")
        await a.aput_writes(cfg2, [(interrupt, "why")], "task-3")
        latest = await other.aget_tuple(_cfg(thread_id))
        assert latest is not None
        assert latest.pending_writes == [("task-2", "y", 2), ("task-3", interrupt, "why")]
        await a.adelete_thread(thread_id)
    finally:
        await redis_a.aclose()
        await redis_b.aclose()
