"""Run events through Redis: the worker appends to ``P:run:{rid}:events`` (a Redis Stream), readers on any
process tail it with ``XREAD BLOCK`` from the start (or from ``Last-Event-ID``), so a stream or join on
process B sees a run executing on process A. The stream always ends with an ``end`` entry (written in the
same atomic step that records the run's final status); a reader that times out checks the run record, so a
run whose worker vanished cannot hold a reader forever.

SSE framing follows langgraph-api (``event:``/``data:``/``id:`` lines, CRLF); the first event of every attempt
is ``metadata`` ``{run_id, attempt}``, failures send ``error`` ``{error, message}``, and the last one is
``end`` ``{run_id, status}``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Collection
from typing import Any

import orjson
from langchain_core.messages import AIMessageChunk
from redis.asyncio import Redis

from api._private import stream_entries, text
from api.keys import Keys

log = logging.getLogger("warden.events")
TERMINAL = frozenset({"success", "error", "timeout", "interrupted"})
ALWAYS = frozenset({"metadata", "error", "end"})
HEARTBEAT = b": heartbeat\r\n\r\n"
STREAM_FAILED = orjson.dumps({"error": "StreamError", "message": "the run's events could not be read; join it again"})
STREAM_FAILED_JSON = b'{"__error__":' + STREAM_FAILED + b"}"
Event = tuple[str, str, bytes]  # (stream id, event name, JSON data)


class Publisher:
    """Appends one run's events in order without holding up the graph: ``publish`` buffers, one background
    task per run sends the buffer as a pipeline; ``drain`` waits until everything is in Redis."""

    def __init__(self, redis: Redis, keys: Keys, rid: str, *, ttl_s: int) -> None:
        self.redis, self.key, self.ttl_s = redis, keys.run_events(rid), ttl_s
        self._buf: list[tuple[str, bytes]] = []
        self._task: asyncio.Task[None] | None = None
        self._expiry_set = False

    def publish(self, event: str, data: bytes) -> None:
        self._buf.append((event, data))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self._buf:
            batch, self._buf = self._buf, []
            try:
                async with self.redis.pipeline(transaction=False) as p:
                    for event, data in batch:
                        p.xadd(self.key, {"e": event, "d": data}, maxlen=10_000, approximate=True)
                    if not self._expiry_set:
                        p.expire(self.key, self.ttl_s)
                    await p.execute()
                self._expiry_set = True
            except Exception:
                log.exception("could not publish %d events to %s", len(batch), self.key)

    async def drain(self) -> None:
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)


async def tail(
    redis: Redis, keys: Keys, rid: str, *, last_id: str = "0", block_ms: int = 5_000
) -> AsyncIterator[Event | None]:
    """Yield the run's events from ``last_id`` on until ``end``; ``None`` after each idle ``block_ms``."""
    key = keys.run_events(rid)
    while True:
        entries = stream_entries(await redis.xread({key: last_id}, block=block_ms, count=500))
        if not entries:
            status = text(await redis.hget(keys.run(rid), "status"))
            if status is None or status in TERMINAL:
                # Finished without our seeing `end` (trimmed or expired) or deleted: read what is left, stop.
                rest = stream_entries(await redis.xrange(key, min=f"({last_id}" if last_id != "0" else "-"))
                for sid, fields in rest:
                    yield sid, fields["e"], fields["d"].encode()
                    if fields["e"] == "end":
                        return
                yield "", "end", orjson.dumps({"run_id": rid, "status": status or "error"})
                return
            yield None
            continue
        for sid, fields in entries:
            last_id = sid
            yield sid, fields["e"], fields["d"].encode()
            if fields["e"] == "end":
                return


def _sse(event: str, data: bytes, sid: str) -> bytes:
    head = b"event: " + event.encode() + b"\r\ndata: " + data + b"\r\n"
    return head + (b"id: " + sid.encode() + b"\r\n\r\n" if sid else b"\r\n")


class _MessageAssembler:
    """langgraph-api's ``messages`` mode: metadata once per message, then partial (accumulated) or complete."""

    def __init__(self) -> None:
        self.seen: dict[str, AIMessageChunk | None] = {}

    def frames(self, data: bytes, sid: str) -> list[bytes]:
        try:
            msg, meta = orjson.loads(data)
        except (orjson.JSONDecodeError, ValueError):
            return []
        mid = str(msg.get("id"))
        out: list[bytes] = []
        if mid not in self.seen:
            self.seen[mid] = None
            out.append(_sse("messages/metadata", orjson.dumps({mid: {"metadata": meta}}), sid))
        if str(msg.get("type", "")).endswith("Chunk"):
            chunk = AIMessageChunk(**{k: v for k, v in msg.items() if k != "type"})
            acc = self.seen[mid]
            acc = chunk if acc is None else acc + chunk
            self.seen[mid] = acc
            out.append(_sse("messages/partial", orjson.dumps([acc.model_dump()]), sid))
        else:
            out.append(_sse("messages/complete", orjson.dumps([msg]), sid))
        return out


async def sse_frames(events: AsyncIterator[Event | None], modes: Collection[str]) -> AsyncIterator[bytes]:
    """Render tailed events as SSE, keeping the modes the client asked for. If reading Redis fails mid-stream
    the client gets an ``error`` event (the status line is already sent) and can join the run again."""
    wanted = set(modes) | ALWAYS
    assembler = _MessageAssembler() if "messages" in wanted and "messages-tuple" not in wanted else None
    try:
        async for ev in events:
            if ev is None:
                yield HEARTBEAT
                continue
            sid, name, data = ev
            if name == "messages" and assembler is not None:
                for frame in assembler.frames(data, sid):
                    yield frame
            elif name in wanted or (name == "messages" and "messages-tuple" in wanted):
                yield _sse(name, data, sid)
    except Exception:
        log.exception("reading run events failed")
        yield _sse("error", STREAM_FAILED, "")


async def wait_result(redis: Redis, keys: Keys, rid: str) -> bytes:
    """Block until the run ends; its result (final values + ``__interrupt__``, or ``__error__``). Waits on the
    run's one-entry ``done`` stream, so a waiter wakes once, not on every event."""
    key = keys.run_done(rid)
    while True:
        entries = stream_entries(await redis.xread({key: "0"}, block=5_000, count=1))
        if entries:
            return (entries[0][1].get("r") or "{}").encode()
        status, result = (text(v) for v in await redis.hmget(keys.run(rid), ["status", "result"]))
        if status is None or status in TERMINAL:  # ended, but its done entry is gone (expired or deleted)
            return result.encode() if result else b"{}"


async def keepalive_body(result: asyncio.Future[bytes] | asyncio.Task[bytes]) -> AsyncIterator[bytes]:
    """A JSON response body that sends a newline every 5 s until the result is ready (like langgraph-api)."""
    try:
        while True:
            done, _ = await asyncio.wait({result}, timeout=5.0)
            if done:
                try:
                    yield result.result()
                except Exception:  # the status line is sent: report in the body, like a failed run
                    log.exception("waiting for a run failed")
                    yield STREAM_FAILED_JSON
                return
            yield b"\n"
    finally:
        if not result.done():
            result.cancel()


def summary(rid: str, status: Any) -> bytes:
    return orjson.dumps({"run_id": rid, "status": status})
