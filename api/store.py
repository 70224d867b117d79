"""Thread, run and approval records in Redis (layout in ``api.keys``). Tenancy is enforced here: a record of
another tenant reads as absent, so every route answers 404 for it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
from redis.asyncio import Redis

from api import scripts
from api._private import Record, record, text_set, texts
from api.encode import dumps
from api.errors import ApiError, not_found
from api.keys import Keys, now_iso, now_ms

THREAD_JSON_FIELDS = ("metadata", "values", "interrupts")


def fragment(raw: str | None, default: bytes = b"null") -> orjson.Fragment:
    return orjson.Fragment(raw.encode() if raw else default)


def thread_public(rec: Mapping[str, str]) -> dict[str, Any]:
    return {
        "thread_id": rec["thread_id"],
        "created_at": rec["created_at"],
        "updated_at": rec.get("updated_at", rec["created_at"]),
        "state_updated_at": rec.get("updated_at", rec["created_at"]),
        "metadata": fragment(rec.get("metadata"), b"{}"),
        "status": rec.get("status", "idle"),
        "values": fragment(rec.get("values"), b"null"),
        "interrupts": fragment(rec.get("interrupts"), b"{}"),
        "config": {},
    }


def run_public(rec: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "run_id": rec["run_id"],
        "thread_id": rec["thread_id"],
        "assistant_id": rec["assistant_id"],
        "created_at": rec["created_at"],
        "updated_at": rec.get("updated_at", rec["created_at"]),
        "status": rec["status"],
        "metadata": fragment(rec.get("metadata"), b"{}"),
        "multitask_strategy": rec.get("multitask_strategy", "reject"),
        "kwargs": {"stream_mode": fragment(rec.get("stream_modes"), b"[]"), "kind": rec.get("kind")},
    }
    if rec.get("cancel"):
        out["cancel_reason"] = "cancel requested"
    return out


class Store:
    def __init__(self, redis: Redis, keys: Keys, *, ttl_s: int) -> None:
        self.redis = redis
        self.keys = keys
        self.ttl_s = ttl_s
        self._create_thread = redis.register_script(scripts.CREATE_THREAD)

    # --- threads -------------------------------------------------------------------------------------------
    async def create_thread(
        self, tenant: str, tid: str, *, metadata: Mapping[str, Any] | None, if_exists: str = "raise"
    ) -> Record:
        k = self.keys
        now = now_iso()
        rec: Record = {"thread_id": tid, "tenant": tenant, "created_at": now, "updated_at": now,
                       "status": "idle", "metadata": dumps(dict(metadata or {})).decode()}
        args: list[str | int] = [self.ttl_s, now_ms(), tid]
        for field, value in rec.items():
            args += [field, value]
        created = await self._create_thread(keys=[k.thread(tid), k.tenant_threads(tenant)], args=args)
        if not created:
            existing = await self.get_thread(tenant, tid)
            if existing is not None and if_exists == "do_nothing":
                return existing
            raise ApiError(409, "conflict", f"thread {tid} already exists", field="thread_id")
        return rec

    async def get_thread(self, tenant: str, tid: str) -> Record | None:
        rec = record(await self.redis.hgetall(self.keys.thread(tid)))
        if not rec or rec.get("tenant") != tenant or "thread_id" not in rec:
            return None
        return rec

    async def require_thread(self, tenant: str, tid: str) -> Record:
        rec = await self.get_thread(tenant, tid)
        if rec is None:
            raise not_found("thread", tid)
        return rec

    async def search_threads(
        self,
        tenant: str,
        *,
        ids: Sequence[str] | None,
        metadata: Mapping[str, Any] | None,
        status: str | None,
        limit: int,
        offset: int,
        sort_by: str,
        sort_order: str,
    ) -> list[Record]:
        k = self.keys
        tids = list(ids) if ids else texts(await self.redis.zrange(k.tenant_threads(tenant), 0, -1))
        async with self.redis.pipeline(transaction=False) as p:
            for tid in tids:
                p.hgetall(k.thread(tid))
            recs = [record(r) for r in await p.execute()]
        found, stale = [], []
        for tid, rec in zip(tids, recs, strict=True):
            if not rec or "thread_id" not in rec:
                stale.append(tid)
            elif rec.get("tenant") == tenant and _matches(rec, metadata=metadata, status=status):
                found.append(rec)
        if stale and not ids:
            await self.redis.zrem(k.tenant_threads(tenant), *stale)
        key = "updated_at" if sort_by == "state_updated_at" else sort_by
        found.sort(key=lambda r: r.get(key, ""), reverse=sort_order == "desc")
        return found[offset : offset + limit]

    async def delete_thread(self, tenant: str, tid: str) -> None:
        k = self.keys
        rids = texts(await self.redis.zrange(k.thread_runs(tid), 0, -1))
        iids = list(text_set(await self.redis.smembers(k.thread_approvals(tid))))
        async with self.redis.pipeline(transaction=True) as p:
            p.delete(k.thread(tid), k.thread_runs(tid), k.thread_approvals(tid), k.thread_lock(tid))
            for rid in rids:
                p.delete(k.run(rid), k.run_events(rid), k.run_done(rid))
            for iid in iids:
                p.delete(k.approval(iid))
            if iids:
                p.zrem(k.tenant_approvals(tenant), *iids)
            p.zrem(k.tenant_threads(tenant), tid)
            await p.execute()

    # --- runs ----------------------------------------------------------------------------------------------
    async def get_run(self, tid: str, rid: str) -> Record | None:
        rec = record(await self.redis.hgetall(self.keys.run(rid)))
        if not rec or rec.get("thread_id") != tid:
            return None
        return rec

    async def require_run(self, tid: str, rid: str) -> Record:
        rec = await self.get_run(tid, rid)
        if rec is None:
            raise not_found("run", rid)
        return rec

    async def list_runs(self, tid: str, *, limit: int, offset: int, status: str | None) -> list[Record]:
        rids = texts(await self.redis.zrevrange(self.keys.thread_runs(tid), 0, -1))
        async with self.redis.pipeline(transaction=False) as p:
            for rid in rids:
                p.hgetall(self.keys.run(rid))
            recs = [record(r) for r in await p.execute()]
        runs = [r for r in recs if r and (status is None or r.get("status") == status)]
        return runs[offset : offset + limit]

    async def delete_run(self, tid: str, rid: str) -> None:
        async with self.redis.pipeline(transaction=True) as p:
            p.delete(self.keys.run(rid), self.keys.run_events(rid), self.keys.run_done(rid))
            p.zrem(self.keys.thread_runs(tid), rid)
            await p.execute()

    # --- approvals -----------------------------------------------------------------------------------------
    async def sync_approvals(
        self, tenant: str, tid: str, rid: str, pending: Iterable[tuple[str, Any]]
    ) -> None:
        """Make the index match the thread's pending approval interrupts ``(id, value)``: new ones become
        pending, ones no longer pending become decided (kept as tombstones so a late decision gets 409)."""
        k = self.keys
        now_list = [(iid, value) for iid, value in pending if isinstance(value, Mapping) and "approval" in value]
        old = text_set(await self.redis.smembers(k.thread_approvals(tid)))
        current = {iid for iid, _ in now_list}
        if not old and not current:
            return
        now, score = now_iso(), now_ms()
        async with self.redis.pipeline(transaction=True) as p:
            for iid in old - current:
                p.hset(k.approval(iid), "status", "decided")
                p.expire(k.approval(iid), self.ttl_s)
                p.zrem(k.tenant_approvals(tenant), iid)
            for iid, value in now_list:
                p.hsetnx(k.approval(iid), "created_at", now)
                p.hset(k.approval(iid), mapping={"id": iid, "tenant": tenant, "thread_id": tid,
                                                 "run_id": rid, "status": "pending",
                                                 "value": dumps(value).decode()})
                p.expire(k.approval(iid), self.ttl_s)
                p.zadd(k.tenant_approvals(tenant), {iid: score})
                p.sadd(k.thread_approvals(tid), iid)
            p.expire(k.tenant_approvals(tenant), self.ttl_s)
            p.expire(k.thread_approvals(tid), self.ttl_s)
            await p.execute()

    async def get_approval(self, tenant: str, iid: str) -> Record | None:
        rec = record(await self.redis.hgetall(self.keys.approval(iid)))
        if not rec or rec.get("tenant") != tenant or "value" not in rec:
            return None
        return rec

    async def pending_approvals(self, tenant: str) -> list[Record]:
        k = self.keys
        iids = texts(await self.redis.zrange(k.tenant_approvals(tenant), 0, -1))
        async with self.redis.pipeline(transaction=False) as p:
            for iid in iids:
                p.hgetall(k.approval(iid))
            recs = [record(r) for r in await p.execute()]
        stale = [iid for iid, r in zip(iids, recs, strict=True) if not r or r.get("status") != "pending"]
        if stale:
            await self.redis.zrem(k.tenant_approvals(tenant), *stale)
        return [r for r in recs if r and r.get("status") == "pending" and r.get("tenant") == tenant]

    async def mark_decided(self, tenant: str, iid: str, *, decided_by: Mapping[str, Any], run_id: str) -> None:
        async with self.redis.pipeline(transaction=True) as p:
            self.mark_decided_in(p, tenant, iid, decided_by=decided_by, run_id=run_id)
            await p.execute()

    def mark_decided_in(self, p: Any, tenant: str, iid: str, *, decided_by: Mapping[str, Any], run_id: str) -> None:
        """``mark_decided``'s commands, added to a pipeline of the caller's (the enqueue of the resume run)."""
        p.hset(self.keys.approval(iid), mapping={"status": "decided", "decided_by": dumps(decided_by).decode(),
                                                 "decision_run_id": run_id})
        p.expire(self.keys.approval(iid), self.ttl_s)
        p.zrem(self.keys.tenant_approvals(tenant), iid)


def _matches(rec: Mapping[str, str], *, metadata: Mapping[str, Any] | None, status: str | None) -> bool:
    if status is not None and rec.get("status") != status:
        return False
    if metadata:
        have = orjson.loads(rec.get("metadata") or "{}")
        return all(have.get(key) == value for key, value in metadata.items())
    return True
