"""PROTOTYPE, benchmark-only: our saver with each ``aput`` / ``aput_writes`` sent as ONE Redis round trip.

Not used by the product. It exists so that ``make bench`` can show, side by side, what pipelining the saver's
writes would buy (a proposal for ``graph/checkpointer.py``), with the same data in the same keys:

- ``aput`` upstream (langgraph-checkpoint-redis 0.5.2): redisvl ``load`` (JSON.SET + EXPIRE, one pipeline),
  then ``SET`` latest pointer, then ``EXPIRE`` on it = 3 round trips. Here: JSON.SET, EXPIRE and
  ``SET latest EX ttl`` in one non-transactional pipeline = 1 round trip.
- ``aput_writes`` upstream: one pipeline (JSON.SET per write, JSON.MERGE ``has_writes``, ZADD registry), then one
  ``EXPIRE`` round trip per write key and one for the registry = 2 + N round trips. Here: the same commands
  plus the EXPIREs in the same pipeline = 1 round trip.

Still durable: with ``durability="sync"`` the graph awaits ``aput`` before the next step, and every command is
on the wire and answered before it returns. Caveat kept from upstream's comment: on a Redis Enterprise proxy,
mixing module (JSON) and native commands in one pipeline made EXPIRE fail there; we check every reply and
raise on any error instead of ignoring it. Cluster mode falls back to the upstream code.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import WRITES_IDX_MAP, ChannelVersions, Checkpoint, CheckpointMetadata
from langgraph.checkpoint.redis.util import to_storage_safe_id, to_storage_safe_str
from redis.asyncio import Redis

from graph.checkpointer import WardenRedisSaver


class PipelinedRedisSaver(WardenRedisSaver):
    def _ttl_s(self) -> int | None:
        if self.ttl_config and "default_ttl" in self.ttl_config:
            return int(self.ttl_config["default_ttl"] * 60)
        return None

    async def aput(self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata,
                   new_versions: ChannelVersions, stream_mode: str = "values") -> RunnableConfig:
        if self.cluster_mode:
            return await super().aput(config, checkpoint, metadata, new_versions, stream_mode)
        configurable = config["configurable"]
        run_id = configurable.get("run_id", metadata.get("run_id"))
        thread_id = configurable["thread_id"]
        checkpoint_ns = configurable.get("checkpoint_ns", "")
        config_id = configurable.get("checkpoint_id") or configurable.get("thread_ts") or None
        checkpoint_id = checkpoint.get("id") or config_id or ""
        parent_id = config_id if config_id and checkpoint.get("id") and config_id != checkpoint["id"] else None

        data: dict[str, Any] = {
            "thread_id": to_storage_safe_id(thread_id),
            "run_id": to_storage_safe_id(run_id) if run_id else "",
            "checkpoint_ns": to_storage_safe_str(checkpoint_ns),
            "checkpoint_id": to_storage_safe_id(checkpoint_id),
            "parent_checkpoint_id": to_storage_safe_id(parent_id) if parent_id else "",
            "checkpoint_ts": time.time() * 1000,  # upstream: the ULID's time, else now (our ids are UUIDv6)
            "checkpoint": self._dump_checkpoint(checkpoint.copy()),
            "metadata": self._dump_metadata(metadata),
            "has_writes": False,
        }
        if "source" in metadata and "step" in metadata:
            data["source"] = metadata["source"]
            data["step"] = metadata["step"]
        key = self._make_redis_checkpoint_key_cached(thread_id, checkpoint_ns, checkpoint_id)
        latest = self._make_redis_checkpoint_latest_key(thread_id, checkpoint_ns)
        ttl = self._ttl_s()
        redis = cast(Redis, self._redis)
        async with redis.pipeline(transaction=False) as pipe:
            pipe.json().set(key, "$", data)
            if ttl is not None:
                pipe.expire(key, ttl)
            pipe.set(latest, key, ex=ttl)
            _raise_first(await pipe.execute(raise_on_error=False))
        return {"configurable": {"thread_id": thread_id, "checkpoint_ns": checkpoint_ns,
                                 "checkpoint_id": checkpoint_id}}

    async def aput_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str,
                          task_path: str = "") -> None:
        if self.cluster_mode or not writes:
            return await super().aput_writes(config, writes, task_id, task_path)
        thread_id = config["configurable"]["thread_id"]
        checkpoint_ns = config["configurable"].get("checkpoint_ns", "")
        checkpoint_id = config["configurable"]["checkpoint_id"]
        ttl = self._ttl_s()
        keys: list[str] = []
        redis = cast(Redis, self._redis)
        async with redis.pipeline(transaction=False) as pipe:
            for idx, (channel, value) in enumerate(writes):
                type_, blob = self.serde.dumps_typed(value)
                widx = WRITES_IDX_MAP.get(channel, idx)
                obj = {"thread_id": to_storage_safe_id(thread_id), "checkpoint_ns": to_storage_safe_str(checkpoint_ns),
                       "checkpoint_id": to_storage_safe_id(checkpoint_id), "task_id": task_id,
                       "task_path": task_path, "idx": widx, "channel": channel, "type": type_,
                       "blob": self._encode_blob(blob)}
                key = self._make_redis_checkpoint_writes_key_cached(thread_id, checkpoint_ns, checkpoint_id,
                                                                   task_id, widx)
                pipe.json().set(key, "$", cast(Any, obj))
                keys.append(key)
            pipe.json().merge(self._make_redis_checkpoint_key(thread_id, checkpoint_ns, checkpoint_id), "$",
                              {"has_writes": True})
            zset = ""
            if self._key_registry:
                zset = self._key_registry.make_write_keys_zset_key(thread_id, checkpoint_ns, checkpoint_id)
                pipe.zadd(zset, {k: i for i, k in enumerate(keys)})  # type: ignore[arg-type]
            if ttl is not None:
                for k in keys + ([zset] if zset else []):
                    pipe.expire(k, ttl)
            _raise_first(await pipe.execute(raise_on_error=False))
        return None


def _raise_first(results: list[Any]) -> None:
    for r in results:
        if isinstance(r, Exception):
            raise r


async def open_pipelined(redis: Redis, *, ttl_minutes: int) -> PipelinedRedisSaver:
    saver = PipelinedRedisSaver(redis_client=redis, ttl={"default_ttl": ttl_minutes, "refresh_on_read": True})
    await saver.asetup()
    return saver


async def open_runtime_pipelined(settings: Any) -> Any:
    """``graph.runtime.open_runtime`` with the prototype saver: a ``WARDEN_RUNTIME_FACTORY`` for what-if runs."""
    from graph.build import build_graph
    from graph.runtime import WardenRuntime, make_deps
    from tools.db import create_schema

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    deps = make_deps(settings)
    create_schema(deps.engine)
    redis = Redis.from_url(settings.effective_redis_url)
    saver = await open_pipelined(redis, ttl_minutes=settings.checkpoint_ttl_minutes)
    return WardenRuntime(settings=settings, graph=build_graph(deps=deps, checkpointer=saver), checkpointer=saver,
                         deps=deps, redis=redis)
