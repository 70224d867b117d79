"""Our Redis saver passes langgraph-checkpoint-conformance's base capabilities (stock 0.5.2 fails 5 list tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.capabilities import BASE_CAPABILITIES
from redis.asyncio import Redis

from graph.checkpointer import WardenRedisSaver, open_checkpointer

pytestmark = pytest.mark.integration


async def test_base_capabilities_pass(redis_url: str) -> None:
    @checkpointer_test(name="WardenRedisSaver")
    async def factory() -> AsyncIterator[WardenRedisSaver]:
        redis = Redis.from_url(redis_url)
        try:
            yield await open_checkpointer(redis, ttl_minutes=5)
        finally:
            await redis.aclose()

    report = await validate(factory, capabilities={c.value for c in BASE_CAPABILITIES})
    base = {c.value for c in BASE_CAPABILITIES}
    assert base <= set(report.results)
    failures = {cap: res.failures for cap, res in report.results.items() if cap in base and res.passed is not True}
    assert failures == {}
    assert report.results["list"].tests_passed >= 16
