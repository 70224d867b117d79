"""The official langgraph-sdk client, unmodified, against the server in a subprocess: assistants, threads, runs
(create / wait / stream in every supported mode / get / list / join / join_stream / cancel / delete)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient
from langgraph_sdk.errors import NotFoundError

from tests.integration.server_harness import ServerProcess, auth, redis_url, server, server_prefix, token

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.environ.get("WARDEN_TEST_GRAPH") == "real", reason="stand-in graph protocol")]
__all__ = ["redis_url", "server", "server_prefix"]


def msg(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


@pytest.fixture()
async def client(server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    async with get_client(url=server.url, headers=auth(token())) as c:
        yield c


async def test_assistants(client: LangGraphClient) -> None:
    found = await client.assistants.search()
    assert [a["graph_id"] for a in found] == ["warden"]
    aid = found[0]["assistant_id"]
    assert aid == str(uuid.uuid5(uuid.NAMESPACE_URL, "warden"))
    assert (await client.assistants.get("warden"))["assistant_id"] == aid
    assert (await client.assistants.get(aid))["name"] == "warden"
    assert await client.assistants.search(graph_id="other") == []
    graph = await client.assistants.get_graph(aid)
    assert {n["id"] for n in graph["nodes"]} >= {"__start__", "approval", "__end__"}
    schemas = await client.assistants.get_schemas("warden")
    assert schemas["graph_id"] == "warden"
    assert "messages" in schemas["input_schema"]["properties"]
    assert set(schemas["context_schema"]["properties"]) >= {"tenant", "user", "roles"}
    with pytest.raises(NotFoundError):
        await client.assistants.get(str(uuid.uuid4()))


async def test_threads_crud_search_and_state(client: LangGraphClient) -> None:
    t = await client.threads.create(metadata={"case": "crud"})
    tid = t["thread_id"]
    assert t["status"] == "idle" and t["metadata"] == {"case": "crud"}
    assert (await client.threads.get(tid))["thread_id"] == tid
    found = await client.threads.search(metadata={"case": "crud"})
    assert [x["thread_id"] for x in found] == [tid]
    empty = await client.threads.get_state(tid)
    assert empty["values"] == {} and empty["next"] == [] and empty["interrupts"] == []

    out = await client.runs.wait(tid, "warden", input=msg("hello world"))
    assert isinstance(out, dict)
    assert out["messages"][-1]["content"] == "echo: hello world"
    state = await client.threads.get_state(tid)
    assert state["values"]["messages"][-1]["type"] == "ai"
    assert state["checkpoint"]["thread_id"] == tid and state["checkpoint"]["checkpoint_id"]
    assert state["parent_checkpoint"] is not None and state["next"] == [] and state["tasks"] == []
    assert state["metadata"]["step"] >= 1
    at = await client.threads.get_state(tid, checkpoint_id=state["checkpoint"]["checkpoint_id"])
    assert at["values"] == state["values"]
    history = await client.threads.get_history(tid, limit=3)
    assert len(history) == 3 and history[0]["checkpoint"] == state["checkpoint"]
    thread = await client.threads.get(tid)
    assert thread["status"] == "idle" and thread["values"]["messages"][-1]["content"] == "echo: hello world"

    await client.threads.delete(tid)
    with pytest.raises(NotFoundError):
        await client.threads.get(tid)
    with pytest.raises(NotFoundError):
        await client.threads.get_state(tid)


async def test_stream_modes(client: LangGraphClient) -> None:
    tid = (await client.threads.create())["thread_id"]
    events = [(p.event, p.data) async for p in client.runs.stream(
        tid, "warden", input=msg("stream me please"), stream_mode=["values", "updates", "messages-tuple"])]
    names = [e for e, _ in events]
    assert names[0] == "metadata" and set(events[0][1]) == {"run_id", "attempt"}
    assert names[-1] == "end" and events[-1][1]["status"] == "success"
    assert "values" in names and "updates" in names and "messages" in names
    updates = [d for e, d in events if e == "updates"]
    assert any("chat" in u for u in updates)
    tuples = [d for e, d in events if e == "messages"]
    assert all(isinstance(t, list) and len(t) == 2 for t in tuples)
    assert "".join(t[0]["content"] for t in tuples) == "echo: stream me please"

    events = [(p.event, p.data) async for p in client.runs.stream(
        tid, "warden", input=msg("again"), stream_mode="messages")]
    names = [e for e, _ in events]
    assert "messages/metadata" in names and "messages/partial" in names and "values" not in names
    last_partial = [d for e, d in events if e == "messages/partial"][-1]
    assert last_partial[0]["content"] == "echo: again"

    parts = [p async for p in client.runs.stream(tid, "warden", input=msg("v2"), stream_mode="values",
                                                  version="v2")]
    assert parts[-1]["type"] == "values" and parts[-1]["data"]["messages"][-1]["content"] == "echo: v2"


async def test_background_run_get_list_join(client: LangGraphClient) -> None:
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(tid, "warden", input=msg("slow 0.3"), metadata={"k": "v"})
    assert run["status"] in ("pending", "running") and run["thread_id"] == tid and run["metadata"] == {"k": "v"}
    assert (await client.threads.get(tid))["status"] == "busy"
    joined_stream = [p.event async for p in client.runs.join_stream(tid, run["run_id"])]
    assert joined_stream[0] == "metadata" and joined_stream[-1] == "end"
    result = await client.runs.join(tid, run["run_id"])
    assert result["messages"][-1]["content"] == "slept 1 steps"
    got = await client.runs.get(tid, run["run_id"])
    assert got["status"] == "success"
    listed = await client.runs.list(tid)
    assert [r["run_id"] for r in listed] == [run["run_id"]]
    assert await client.runs.list(tid, status="error") == []
    assert (await client.threads.get(tid))["status"] == "idle"
    await client.runs.delete(tid, run["run_id"])
    with pytest.raises(NotFoundError):
        await client.runs.get(tid, run["run_id"])


async def test_cancel_running_and_pending(client: LangGraphClient) -> None:
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(tid, "warden", input=msg("slow 0.2 steps 50"))
    await asyncio.sleep(0.5)
    await client.runs.cancel(tid, run["run_id"])
    await client.runs.join(tid, run["run_id"])
    got = await client.runs.get(tid, run["run_id"])
    assert got["status"] == "interrupted"
    state = await client.threads.get_state(tid)
    assert 1 <= state["values"]["steps_done"] < 50
    assert (await client.threads.get(tid))["status"] == "idle"
    # the thread is free again
    out = await client.runs.wait(tid, "warden", input=msg("after cancel"))
    assert out["messages"][-1]["content"] == "echo: after cancel"


async def test_failing_run_reports_error(client: LangGraphClient) -> None:
    tid = (await client.threads.create())["thread_id"]
    events = [(p.event, p.data) async for p in client.runs.stream(tid, "warden", input=msg("fail"))]
    errors = [d for e, d in events if e == "error"]
    assert errors and errors[0]["error"] == "ValueError"
    assert events[-1] == ("end", {"run_id": events[0][1]["run_id"], "status": "error"})
    with pytest.raises(Exception, match="ValueError"):
        await client.runs.wait(tid, "warden", input=msg("fail"))
    out = await client.runs.wait(tid, "warden", input=msg("fail"), raise_error=False)
    assert isinstance(out, dict) and out["__error__"]["error"] == "ValueError"
    assert (await client.threads.get(tid))["status"] == "error"


async def test_stateless_and_if_not_exists(client: LangGraphClient) -> None:
    out = await client.runs.wait(None, "warden", input=msg("stateless"))
    assert isinstance(out, dict) and out["messages"][-1]["content"] == "echo: stateless"
    tid = str(uuid.uuid4())
    with pytest.raises(httpx.HTTPStatusError) as err:  # wait uses the reconnecting path: plain httpx errors
        await client.runs.wait(tid, "warden", input=msg("x"))
    assert err.value.response.status_code == 404
    out = await client.runs.wait(tid, "warden", input=msg("created"), if_not_exists="create")
    assert isinstance(out, dict) and out["messages"][-1]["content"] == "echo: created"
    assert (await client.threads.get(tid))["thread_id"] == tid


async def test_client_context_cannot_change_the_principal(client: LangGraphClient) -> None:
    tid = (await client.threads.create())["thread_id"]
    out = await client.runs.wait(tid, "warden", input=msg("refund 700"),
                                 context={"tenant": "globex", "user": "mallory", "roles": ["admin"]},
                                 config={"configurable": {"tenant": "globex", "user": "mallory"}})
    assert isinstance(out, dict)
    approval = out["__interrupt__"][0]["value"]["approval"]
    assert approval["tenant"] == "acme" and approval["requested_by"] == "alice"


async def test_long_wait_and_join_keep_the_connection_alive(client: LangGraphClient) -> None:
    """Past ~4.5 s the wait/join bodies stream newlines as keep-alives, then the JSON (the SDK parses it)."""
    tid = (await client.threads.create())["thread_id"]
    out = await client.runs.wait(tid, "warden", input=msg("slow 6"))
    assert isinstance(out, dict) and out["messages"][-1]["content"] == "slept 1 steps"
    run = await client.runs.create(tid, "warden", input=msg("slow 5.5"))
    joined = await client.runs.join(tid, run["run_id"])
    assert joined["messages"][-1]["content"] == "slept 2 steps"


async def test_stream_disconnect_cancels_when_asked(client: LangGraphClient) -> None:
    tid = (await client.threads.create())["thread_id"]
    run_id = None
    async for part in client.runs.stream(tid, "warden", input=msg("slow 0.2 steps 50"), stream_mode="values",
                                         on_disconnect="cancel"):
        if part.event == "metadata":
            run_id = part.data["run_id"]
        if part.event == "values":
            break
    assert run_id is not None
    for _ in range(100):
        if (await client.runs.get(tid, run_id))["status"] == "interrupted":
            break
        await asyncio.sleep(0.1)
    assert (await client.runs.get(tid, run_id))["status"] == "interrupted"
    assert (await client.threads.get(tid))["status"] == "idle"
