"""The checkpointer: langgraph-checkpoint-redis's ``AsyncRedisSaver`` with our own, leaner storage layout.

``WardenRedisSaver`` subclasses the library and keeps what it is good at: the client handling, ``setup()``
(the RediSearch indexes: every instance must call it), the key names of checkpoints and of the latest-checkpoint
pointer, the checkpoint index and its tag conventions (``to_storage_safe_id``/``_str``), cluster detection and,
in cluster mode, the whole upstream code path. What it replaces is how a checkpoint and its pending writes are
stored and read, because the upstream layout is what made a durable step cost 2.8x an in-memory one (measured by
``make bench``, section a):

- upstream writes every pending write as its own RediSearch-indexed JSON document, plus a registry sorted set
  and a ``has_writes`` merge, each key with its own ``EXPIRE``: 37 indexed ``JSON.SET`` + 42 ``EXPIRE`` for one
  4-step request;
- it stores channel values inline as JSON, re-serializing every value on every ``aput`` through a Python walk
  (``jsonplus_redis._preprocess_redis_json``), and RedisJSON re-prints about 1 in 8 doubles one ulp off
  (1795502509.4109643 came back ...645), so floats in the state did not round-trip exactly.

Our layout (standalone Redis; every key written carries the TTL, nothing is written without one when a TTL
is configured):

- ``checkpoint:{thread}:{ns}:{id}``: one JSON document per checkpoint, in the library's checkpoint index (same
  indexed fields: thread, run, namespace, id, parent, timestamp, source, step), whose payload is opaque:
  the checkpoint without its values, the metadata and each channel value as the serializer's typed bytes
  (msgpack, each byte one character of a JSON string, so text in the state stays readable: the credential
  test scans Redis for leaked tokens). Values round-trip exactly (the float bug above is gone). A channel value is serialized
  once per (thread, namespace, channel, version) and reused by later checkpoints (``InMemorySaver`` relies on
  the same invariant: a channel's value changes only with its version).
- ``checkpoint_writes:{thread}:{ns}:{id}``: ONE hash per checkpoint holding all its pending writes (field
  ``task_id/idx``), not indexed. Regular writes are set-if-absent, special ones (``WRITES_IDX_MAP``) overwrite,
  exactly as ``InMemorySaver``; read back sorted by ``writes_sort_key``.
- ``checkpoint_latest:{thread}:{ns}``: the library's pointer, moved only forward (the greatest id, which is what
  ``InMemorySaver`` returns for "latest").

Round trips: each ``aput`` is one Lua script call (one round trip, one reply, atomic: the document, its
``EXPIRE`` and the pointer cannot be separated by a crash), and so is ``aget_tuple`` (pointer, document, writes
and the TTL refresh on read). Pending writes are pipelined with the checkpoint they lead to: a task's regular
writes (to the graph's own channels) and a resume's ``__resume__`` value are held in this process and saved in
the SAME script call as the step's next checkpoint (``aput`` with that checkpoint as parent), so a step costs
one round trip, not two. Writes to any other reserved channel (``__interrupt__``, ``__error__``,
``__pregel_tasks``, ...) are saved at once, with everything held for that checkpoint, so a parked interrupt
is in Redis before the run returns (the reason for ``durability="sync"``). A resume value lost with its
process leaves the thread parked at the same interrupt, as if the resume had never been sent (our server
retries the run from its record, with the same resume value). Reads in this process (``aget_tuple``, ``alist``) save what is held for
the thread first. Durability is unchanged where it matters: with ``durability="sync"`` every checkpoint is in
Redis, with the writes that produced it, before the next step starts. What changes: if the process dies in
the middle of a step, the step's already-finished tasks were not saved yet and run again on resume (LangGraph
nodes are at-least-once anyway; our effects are idempotent by key — tests/integration/test_crash_exactly_once).

``alist`` asks RediSearch only for the ids of what matches what it answers exactly and filters the rest here,
exactly as ``InMemorySaver`` (namespace equality, ``before``, metadata equality), then loads the documents in
one pipeline; ``adelete_thread`` deletes documents, write hashes and pointers. Documents written by the stock
upstream saver are not readable by this one and vice versa (its ``has_writes``/per-write documents are gone);
``aprune`` is not supported on this layout.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast

import orjson
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    PendingWrite,
    get_checkpoint_id,
    get_checkpoint_metadata,
    writes_sort_key,
)
from langgraph.checkpoint.redis.aio import AsyncRedisSaver
from langgraph.checkpoint.redis.jsonplus_redis import JsonPlusRedisSerializer
from langgraph.checkpoint.redis.util import (
    EMPTY_ID_SENTINEL,
    from_storage_safe_id,
    from_storage_safe_str,
    to_storage_safe_id,
    to_storage_safe_str,
)
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from redis.asyncio import Redis
from redis.exceptions import NoScriptError
from redisvl.query import FilterQuery
from redisvl.query.filter import FilterExpression, Num, Tag

LAYOUT = "warden/1"
_NATIVE_FILTER_KEYS = frozenset({"source", "step", "thread_id", "run_id"})
_VALUE_CACHE_MAX = 8192
_PAGE = 1000
_HELD_MAX = 10_000
_RESUME = "__resume__"  # langgraph's RESUME channel (its constant is private)
assert _RESUME in WRITES_IDX_MAP

# KEYS: checkpoint doc, latest pointer, the parent's writes hash ("" = none). ARGV: doc JSON, ttl seconds
# ("" = none), then the parent's held-back pending writes as (field, value, overwrite "1"/"0") triples.
_PUT = """
redis.call('JSON.SET', KEYS[1], '$', ARGV[1])
local cur = redis.call('GET', KEYS[2])
local ttl = ARGV[2]
if ttl ~= '' then
  redis.call('EXPIRE', KEYS[1], ttl)
  if (not cur) or cur <= KEYS[1] then redis.call('SET', KEYS[2], KEYS[1], 'EX', ttl)
  else redis.call('EXPIRE', KEYS[2], ttl) end
elseif (not cur) or cur <= KEYS[1] then
  redis.call('SET', KEYS[2], KEYS[1])
end
if KEYS[3] ~= '' and #ARGV > 2 then
  for i = 3, #ARGV, 3 do
    if ARGV[i + 2] == '1' then redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
    else redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 1]) end
  end
  if ttl ~= '' then redis.call('EXPIRE', KEYS[3], ttl) end
end
return 1
"""

# KEYS: writes hash. ARGV: ttl ("" = none), then (field, value, overwrite "1"/"0") triples.
_PUT_WRITES = """
local key = KEYS[1]
for i = 2, #ARGV, 3 do
  if ARGV[i + 2] == '1' then redis.call('HSET', key, ARGV[i], ARGV[i + 1])
  else redis.call('HSETNX', key, ARGV[i], ARGV[i + 1]) end
end
if ARGV[1] ~= '' then redis.call('EXPIRE', key, ARGV[1]) end
return 1
"""

# KEYS: checkpoint doc ("" = follow the pointer), latest pointer.
# ARGV: ttl to refresh ("" = no refresh), checkpoint prefix length, writes-hash prefix.
# Returns false, or {checkpoint key, doc JSON, flat HGETALL of the writes hash}.
_GET = """
local ck = KEYS[1]
if ck == '' then
  ck = redis.call('GET', KEYS[2])
  if not ck then return false end
end
local doc = redis.call('JSON.GET', ck)
if not doc then return false end
local wk = ARGV[3] .. string.sub(ck, tonumber(ARGV[2]) + 1)
local w = redis.call('HGETALL', wk)
if ARGV[1] ~= '' then
  redis.call('EXPIRE', ck, ARGV[1])
  if #w > 0 then redis.call('EXPIRE', wk, ARGV[1]) end
  if KEYS[1] == '' then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
end
return {ck, doc, w}
"""


class _Script:
    """A Lua script sent by ``EVALSHA`` (body only when the server does not have it yet)."""

    def __init__(self, body: str) -> None:
        import hashlib

        self.body = body
        self.sha = hashlib.sha1(body.encode()).hexdigest()

    async def __call__(self, redis: Redis, keys: Sequence[str], args: Sequence[Any]) -> Any:
        try:
            return await redis.execute_command("EVALSHA", self.sha, len(keys), *keys, *args)
        except NoScriptError:
            return await redis.execute_command("EVAL", self.body, len(keys), *keys, *args)


_PUT_SCRIPT, _PUT_WRITES_SCRIPT, _GET_SCRIPT = _Script(_PUT), _Script(_PUT_WRITES), _Script(_GET)


def _s(v: Any) -> str:
    return v.decode() if isinstance(v, bytes | bytearray) else str(v)


def _text(data: bytes) -> str:
    """The serializer's bytes as a JSON-safe string, one character per byte (latin-1): exact, and the text
    inside (msgpack keeps strings as UTF-8) stays readable in Redis, e.g. for a scan for leaked secrets."""
    return data.decode("latin-1")


def _bytes(text: str) -> bytes:
    return text.encode("latin-1")


class WardenRedisSaver(AsyncRedisSaver):
    """``AsyncRedisSaver`` with a one-round-trip write path, one hash of pending writes per checkpoint,
    typed-bytes values, and the conformance suite's ``alist`` semantics (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Our layout stores the serializer's typed bytes (msgpack), so the saver's serde is LangGraph's standard
        # one; it supports the compiled graph's msgpack allow-list (``with_allowlist``), which the library's
        # JSON serializer would not. Cluster mode goes back to the library's serializer with its code path.
        self.serde = JsonPlusSerializer()
        self._values: dict[tuple[str, str, str, Any], tuple[str, str]] = {}
        # (thread, ns) -> (checkpoint id, write triples) held back until that checkpoint's child is saved
        self._held: dict[tuple[str, str], tuple[str, list[Any]]] = {}

    async def asetup(self) -> None:
        await super().asetup()
        if self.cluster_mode:
            self.serde = JsonPlusRedisSerializer()

    # ---- keys -------------------------------------------------------------------------------------------------
    def _ttl_s(self) -> int | None:
        if self.ttl_config and "default_ttl" in self.ttl_config:
            return int(self.ttl_config["default_ttl"] * 60)
        return None

    def _writes_prefix(self) -> str:
        return self._checkpoint_write_prefix + "s"

    def _writes_key(self, checkpoint_key: str) -> str:
        return self._writes_prefix() + checkpoint_key[len(self._checkpoint_prefix):]

    # ---- write path -------------------------------------------------------------------------------------------
    def _dump_values(self, thread_id: str, checkpoint_ns: str, checkpoint: Checkpoint) -> dict[str, list[str]]:
        versions = checkpoint.get("channel_versions", {})
        out: dict[str, list[str]] = {}
        cache = self._values
        for channel, value in checkpoint.get("channel_values", {}).items():
            version = versions.get(channel)
            ck = (thread_id, checkpoint_ns, channel, version)
            hit = cache.get(ck) if version is not None else None
            if hit is None:
                type_, data = self.serde.dumps_typed(value)
                hit = (type_, _text(data))
                if version is not None:
                    if len(cache) >= _VALUE_CACHE_MAX:
                        cache.clear()
                    cache[ck] = hit
            out[channel] = list(hit)
        return out

    async def aput(self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata,
                   new_versions: ChannelVersions, stream_mode: str = "values") -> RunnableConfig:
        if self.cluster_mode:
            return await super().aput(config, checkpoint, metadata, new_versions, stream_mode)
        configurable = config["configurable"]
        thread_id = configurable["thread_id"]
        checkpoint_ns = configurable.get("checkpoint_ns", "")
        checkpoint_id = checkpoint["id"]
        parent_id = configurable.get("checkpoint_id")
        meta = get_checkpoint_metadata(config, metadata)
        run_id = configurable.get("run_id", meta.get("run_id"))

        bare = {k: v for k, v in checkpoint.items() if k != "channel_values"}
        cp_type, cp_data = self.serde.dumps_typed(bare)
        md_type, md_data = self.serde.dumps_typed(meta)
        doc: dict[str, Any] = {
            "layout": LAYOUT,
            "thread_id": to_storage_safe_id(thread_id),
            "run_id": to_storage_safe_id(run_id) if run_id else "",
            "checkpoint_ns": to_storage_safe_str(checkpoint_ns),
            "checkpoint_id": to_storage_safe_id(checkpoint_id),
            "parent_checkpoint_id": to_storage_safe_id(parent_id) if parent_id else "",
            "checkpoint_ts": time.time() * 1000,
            "checkpoint": [cp_type, _text(cp_data)],
            "metadata": [md_type, _text(md_data)],
            "values": self._dump_values(thread_id, checkpoint_ns, checkpoint),
        }
        source, step = meta.get("source"), meta.get("step")
        if isinstance(source, str):
            doc["source"] = source
        if isinstance(step, int) and not isinstance(step, bool):
            doc["step"] = step
        key = self._make_redis_checkpoint_key_cached(thread_id, checkpoint_ns, checkpoint_id)
        latest = self._make_redis_checkpoint_latest_key(thread_id, checkpoint_ns)
        ttl = self._ttl_s()
        args: list[Any] = [orjson.dumps(doc), "" if ttl is None else ttl]
        wkey = ""
        held = self._held.pop((thread_id, checkpoint_ns), None)
        if held is not None and held[0] == parent_id:  # else: writes of a step that never finished, superseded
            wkey = self._writes_key(self._make_redis_checkpoint_key_cached(thread_id, checkpoint_ns, held[0]))
            args += held[1]
        try:
            await _PUT_SCRIPT(cast(Redis, self._redis), (key, latest, wkey), args)
        except BaseException:
            if held is not None and held[0] == parent_id:  # not saved: keep them for a retry or a flush
                self._held.setdefault((thread_id, checkpoint_ns), held)
            raise
        return {"configurable": {"thread_id": thread_id, "checkpoint_ns": checkpoint_ns,
                                 "checkpoint_id": checkpoint_id}}

    async def aput_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str,
                          task_path: str = "") -> None:
        """Writes to the graph's channels and resume values are held back and saved atomically with the next
        checkpoint of the thread (same Lua call); any other write to a reserved channel (``__interrupt__``,
        ``__error__``, ``__pregel_tasks``, ...) is saved now, with whatever is held for that checkpoint."""
        if self.cluster_mode:
            return await super().aput_writes(config, writes, task_id, task_path)
        if not writes:
            return None
        configurable = config["configurable"]
        thread_id = configurable["thread_id"]
        checkpoint_ns = configurable.get("checkpoint_ns", "")
        checkpoint_id = configurable["checkpoint_id"]
        triples: list[Any] = []
        now = False
        for idx, (channel, value) in enumerate(writes):
            widx = WRITES_IDX_MAP.get(channel, idx)
            now = now or (channel.startswith("__") and channel != _RESUME)
            type_, data = self.serde.dumps_typed(value)
            triples += (f"{task_id}/{widx}", orjson.dumps([task_id, widx, channel, type_, _text(data), task_path]),
                        "1" if widx < 0 else "0")
        slot = (thread_id, checkpoint_ns)
        held = self._held.get(slot)
        if held is not None and held[0] == checkpoint_id:
            held[1].extend(triples)
        else:  # first writes on this checkpoint (any held for an older one belong to a step that never finished)
            self._held[slot] = (checkpoint_id, triples)
            if len(self._held) > _HELD_MAX:
                await self._flush_all()
        if now:
            await self._flush(thread_id, checkpoint_ns)
        return None

    async def _flush(self, thread_id: str, checkpoint_ns: str) -> None:
        held = self._held.pop((thread_id, checkpoint_ns), None)
        if held is None:
            return
        ttl = self._ttl_s()
        key = self._writes_key(self._make_redis_checkpoint_key_cached(thread_id, checkpoint_ns, held[0]))
        try:
            await _PUT_WRITES_SCRIPT(cast(Redis, self._redis), (key,), ["" if ttl is None else ttl, *held[1]])
        except BaseException:
            self._held.setdefault((thread_id, checkpoint_ns), held)
            raise

    async def _flush_all(self, thread_id: str | None = None) -> None:
        for t, ns in [k for k in self._held if thread_id is None or k[0] == thread_id]:
            await self._flush(t, ns)

    # ---- read path --------------------------------------------------------------------------------------------
    def _writes_from_hash(self, flat: Any) -> list[PendingWrite]:
        values = flat.values() if isinstance(flat, dict) else flat[1::2]
        rows = [orjson.loads(v) for v in values]
        rows.sort(key=lambda r: writes_sort_key(r[5], r[0], r[1]))
        return [(r[0], r[2], self.serde.loads_typed((r[3], _bytes(r[4])))) for r in rows]

    def _tuple(self, thread_id: str | None, checkpoint_ns: str, raw_doc: Any, flat_writes: Any) -> CheckpointTuple:
        doc = raw_doc if isinstance(raw_doc, dict) else orjson.loads(raw_doc)  # parsed if redis-py's JSON
        if isinstance(doc, list):  # callbacks are registered on the client; JSON.GET with a path: a list
            doc = doc[0]
        if doc.get("layout") != LAYOUT:
            raise ValueError(f"checkpoint document not in layout {LAYOUT!r} (written by another saver?)")
        if thread_id is None:
            thread_id = from_storage_safe_id(doc["thread_id"])
        loads = self.serde.loads_typed
        checkpoint = loads((doc["checkpoint"][0], _bytes(doc["checkpoint"][1])))
        checkpoint["channel_values"] = {ch: loads((t, _bytes(b))) for ch, (t, b) in doc["values"].items()}
        metadata = loads((doc["metadata"][0], _bytes(doc["metadata"][1])))
        checkpoint_id = from_storage_safe_id(doc["checkpoint_id"])
        parent = from_storage_safe_id(doc["parent_checkpoint_id"]) if doc.get("parent_checkpoint_id") else None
        return CheckpointTuple(
            config={"configurable": {"thread_id": thread_id, "checkpoint_ns": checkpoint_ns,
                                     "checkpoint_id": checkpoint_id}},
            checkpoint=checkpoint,
            metadata=metadata,
            parent_config=({"configurable": {"thread_id": thread_id, "checkpoint_ns": checkpoint_ns,
                                             "checkpoint_id": parent}} if parent else None),
            pending_writes=self._writes_from_hash(flat_writes),
        )

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        if self.cluster_mode:
            return await super().aget_tuple(config)
        configurable = config["configurable"]
        thread_id = configurable["thread_id"]
        checkpoint_ns = configurable.get("checkpoint_ns", "")
        checkpoint_id = get_checkpoint_id(config)
        key = ""
        if checkpoint_id and checkpoint_id != EMPTY_ID_SENTINEL:
            key = self._make_redis_checkpoint_key_cached(thread_id, checkpoint_ns, checkpoint_id)
        if self._held:  # read your own writes: what this process holds back is saved first
            await self._flush_all(thread_id)
        ttl = self._ttl_s() if self.ttl_config and self.ttl_config.get("refresh_on_read") else None
        res = await _GET_SCRIPT(
            cast(Redis, self._redis), (key, self._make_redis_checkpoint_latest_key(thread_id, checkpoint_ns)),
            ("" if ttl is None else ttl, len(self._checkpoint_prefix), self._writes_prefix()))
        if not res:
            return None
        return self._tuple(thread_id, checkpoint_ns, res[1], res[2])

    async def _search_keys(self, expr: FilterExpression | str) -> list[tuple[str, str, str]]:
        """(checkpoint id, key, namespace) of every checkpoint document matching ``expr``."""
        found: list[tuple[str, str, str]] = []
        offset = 0
        while True:
            query = FilterQuery(filter_expression=expr, return_fields=["checkpoint_id", "checkpoint_ns"],
                                num_results=_PAGE)
            query.paging(offset, _PAGE)
            res = await self.checkpoints_index.search(query)
            for d in res.docs:
                found.append((from_storage_safe_id(_s(d.checkpoint_id)), _s(d.id),
                              from_storage_safe_str(_s(d.checkpoint_ns))))
            if len(res.docs) < _PAGE:
                return found
            offset += _PAGE

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        if self.cluster_mode:
            async for tup in super().alist(config, filter=filter, before=before, limit=limit):
                yield tup
            return
        configurable = (config or {}).get("configurable", {})
        if self._held:
            await self._flush_all(configurable.get("thread_id"))
        exprs: list[FilterExpression] = []
        if "thread_id" in configurable:
            exprs.append(Tag("thread_id") == to_storage_safe_id(configurable["thread_id"]))
        if run_id := configurable.get("run_id"):
            exprs.append(Tag("run_id") == to_storage_safe_id(run_id))
        if "checkpoint_ns" in configurable:
            exprs.append(Tag("checkpoint_ns") == to_storage_safe_str(configurable["checkpoint_ns"]))
        if checkpoint_id := configurable.get("checkpoint_id"):
            exprs.append(Tag("checkpoint_id") == to_storage_safe_id(checkpoint_id))
        for k, v in (filter or {}).items():
            if k not in _NATIVE_FILTER_KEYS or isinstance(v, bool) or not isinstance(v, str | int):
                continue
            if k == "step":
                exprs.append(Num("step") == v)
            elif k == "source":
                exprs.append(Tag("source") == str(v))
            else:
                exprs.append(Tag(k) == to_storage_safe_id(str(v)))
        expr: FilterExpression | str = "*"
        if exprs:
            expr = exprs[0]
            for e in exprs[1:]:
                expr = expr & e
        found = await self._search_keys(expr)
        before_id = get_checkpoint_id(before) if before else None
        if before_id is not None:
            found = [f for f in found if f[0] < before_id]
        found.sort(key=lambda f: f[0], reverse=True)
        residual = filter or {}
        batch = len(found) if (limit is None or residual) else min(limit, len(found))
        seen = 0
        redis = cast(Redis, self._redis)
        for start in range(0, len(found), max(batch, 1)):
            chunk = found[start:start + max(batch, 1)]
            async with redis.pipeline(transaction=False) as pipe:
                for _, key, _ns in chunk:
                    pipe.execute_command("JSON.GET", key)
                    pipe.execute_command("HGETALL", self._writes_key(key))
                replies = await pipe.execute()
            for i, (_, key, _ns) in enumerate(chunk):
                raw, flat = replies[2 * i], replies[2 * i + 1]
                if raw is None:  # expired or deleted since the search
                    continue
                if "checkpoint_ns" in configurable and _ns != configurable["checkpoint_ns"]:
                    continue
                tup = self._tuple(configurable.get("thread_id"), _ns, raw, flat)
                if any(k not in tup.metadata or tup.metadata[k] != v for k, v in residual.items()):  # type: ignore[literal-required]
                    continue
                yield tup
                seen += 1
                if limit is not None and seen >= limit:
                    return

    async def adelete_thread(self, thread_id: str) -> None:
        if self.cluster_mode:
            return await super().adelete_thread(thread_id)
        for slot in [k for k in self._held if k[0] == thread_id]:
            self._held.pop(slot, None)
        found = await self._search_keys(Tag("thread_id") == to_storage_safe_id(thread_id))
        keys = [k for _, key, _ns in found for k in (key, self._writes_key(key))]
        keys += [self._make_redis_checkpoint_latest_key(thread_id, ns) for ns in {ns for _, _, ns in found}]
        keys.append(self._make_redis_checkpoint_latest_key(thread_id, ""))
        redis = cast(Redis, self._redis)
        for i in range(0, len(keys), _PAGE):
            await redis.delete(*keys[i:i + _PAGE])
        return None

    async def aprune(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if self.cluster_mode:
            return await super().aprune(*args, **kwargs)
        raise NotImplementedError("aprune is not supported on WardenRedisSaver's storage layout")


async def open_checkpointer(redis: Redis, *, ttl_minutes: int) -> WardenRedisSaver:
    """Build a saver on an existing client and run ``asetup()`` (every instance must: indexes are per-client)."""
    saver = WardenRedisSaver(
        redis_client=redis,
        ttl={"default_ttl": ttl_minutes, "refresh_on_read": True},
    )
    await saver.asetup()
    return saver
