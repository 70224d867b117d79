"""Helpers for driving the real graph on the real Redis saver, as separate processes would."""

from __future__ import annotations

import uuid
from typing import Any

from langgraph.types import Command

from governance.auth import Principal
from graph.runtime import DURABILITY, WardenRuntime

ALICE = Principal("acme", "alice", ("support_agent",))
BOB_LEAD = Principal("acme", "bob", ("support_lead",))
FRAN_FINANCE = Principal("acme", "fran", ("finance",))
GLOBEX_LEAD = Principal("globex", "gina", ("support_lead",))


def new_config() -> dict[str, Any]:
    return {"configurable": {"thread_id": f"t-{uuid.uuid4()}"}}


def user_input(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


async def ask(rt: WardenRuntime, config: dict[str, Any], text: str, who: Principal = ALICE) -> dict[str, Any]:
    return await rt.graph.ainvoke(user_input(text), config, context=who, durability=DURABILITY)


async def decide(rt: WardenRuntime, config: dict[str, Any], who: Principal, decision: Any,
                 **extra: Any) -> dict[str, Any]:
    resume = {"decision": decision, "decided_by": who.as_dict(), **extra}
    return await rt.graph.ainvoke(Command(resume=resume), config, context=who, durability=DURABILITY)
