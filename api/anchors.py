"""Published audit heads ("anchors"): the part of the audit trail's tamper evidence that lives outside SQL.

A hash chain shows an edited, deleted or re-ordered record, but not a tail that was cut off or rewritten whole
with fresh hashes. So every server process, on each sweep (``api.expiry``, every ``WARDEN_APPROVAL_SWEEP_S``),
reads each tenant's head ``(seq, hash)`` from SQL and adds it to a sorted set in Redis, scored by seq::

    P:audit:anchors:{tenant}   zset   members "{seq}:{hash}", score seq; the newest MAX_ANCHORS kept;
                                      TTL ANCHOR_TTL_S, renewed on every publish (like every key of ours)

``ZADD NX`` never replaces a published anchor: if the chain is rewritten, the forged head is published *beside*
the true one, and verification sees both. ``GET /audit/verify`` and ``warden audit verify --anchors`` check the
chain against them (``governance.audit.verify_chain(anchors=...)``). Someone who can write both the database
and this Redis can still forge both; keep the two under different credentials, or pin the heads that
``warden audit verify`` prints somewhere else as well (``--expect SEQ:HASH``).
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
from redis.asyncio import Redis

from governance.audit import Anchor, heads

log = logging.getLogger("warden.audit")
MAX_ANCHORS = 1000
ANCHOR_TTL_S = 400 * 24 * 3600


def anchor_key(prefix: str, tenant: str) -> str:
    return f"{prefix}:audit:anchors:{tenant}"


async def read_heads(engine: Any) -> dict[str, Anchor]:
    """Every tenant's current audit head, read from SQL in a worker thread."""
    return await anyio.to_thread.run_sync(heads, engine)


async def publish_heads(redis: Redis, prefix: str, current: dict[str, Anchor]) -> int:
    """Anchor these heads (``read_heads``); returns how many anchors were new."""
    if not current:
        return 0
    pipe = redis.pipeline(transaction=False)
    for tenant, (seq, digest) in current.items():
        key = anchor_key(prefix, tenant)
        pipe.zadd(key, {f"{seq}:{digest}": seq}, nx=True)
        pipe.zremrangebyrank(key, 0, -MAX_ANCHORS - 1)
        pipe.expire(key, ANCHOR_TTL_S)
    replies = await pipe.execute()
    return sum(int(r) for r in replies[::3])


async def read_anchors(redis: Redis, prefix: str, tenant: str | None = None) -> dict[str, list[Anchor]]:
    """The published anchors of one tenant, or of every tenant (SCAN over the anchor keys)."""
    if tenant is not None:
        keys = [anchor_key(prefix, tenant)]
    else:
        keys = [k async for k in redis.scan_iter(match=anchor_key(prefix, "*"), count=500)]
    out: dict[str, list[Anchor]] = {}
    head = anchor_key(prefix, "")
    for key in keys:
        name = key if isinstance(key, str) else key.decode()
        members = await redis.zrange(name, 0, -1)
        anchors: list[Anchor] = []
        for m in members:
            text = m if isinstance(m, str) else m.decode()
            seq, _, digest = text.partition(":")
            if seq.isdigit() and digest:
                anchors.append((int(seq), digest))
        if anchors:
            out[name[len(head):]] = anchors
    return out
