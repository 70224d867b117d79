"""``build_graph()``: the ONE place nodes are wired. Routers return ``Literal`` node names.

    START -> guard -> planner -> executor <-> approval
                        ^  |         |            |
                        |  +-> evaluator <--------+
                        +------ (replan) <- evaluator -> END

Compile once per process; the returned graph has its ``Deps`` bound (``with_config``) and expects the principal
as runtime context: ``graph.ainvoke(input, config, context=Principal(...), durability="sync")``.
"""

from __future__ import annotations

from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from governance.auth import Principal
from nodes.approval import approval
from nodes.audit import with_request_audit
from nodes.context import DEPS_KEY, Deps
from nodes.evaluator import evaluator
from nodes.executor import executor
from nodes.guard import guard
from nodes.planner import planner
from nodes.state import InputState, OutputState, State

GRAPH_ID = "warden"


def after_guard(state: State) -> Literal["planner", "__end__"]:
    return END if state.get("stop_reason") else "planner"


def after_planner(state: State) -> Literal["planner", "executor", "evaluator", "__end__"]:
    if state.get("stop_reason"):
        return END
    plan = state.get("plan")
    if plan is None:
        return "planner"
    return "executor" if plan["steps"] else "evaluator"


def after_executor(state: State) -> Literal["approval", "evaluator"]:
    pending = state.get("pending")
    return "approval" if pending and not pending.get("approved") else "evaluator"


def after_approval(state: State) -> Literal["executor", "evaluator"]:
    pending = state.get("pending")
    return "executor" if pending and pending.get("approved") else "evaluator"


def after_evaluator(state: State) -> Literal["planner", "executor", "__end__"]:
    if state.get("stop_reason"):
        return END
    return "planner" if state.get("plan") is None else "executor"


def build_graph(*, deps: Deps, checkpointer: BaseCheckpointSaver | None = None) -> CompiledStateGraph:
    builder = StateGraph(State, context_schema=Principal, input_schema=InputState, output_schema=OutputState)
    builder.add_node("guard", with_request_audit(guard))  # audits every request and a guard stop
    builder.add_node("planner", planner)
    builder.add_node("executor", executor)
    builder.add_node("approval", approval)
    builder.add_node("evaluator", evaluator)
    builder.add_edge(START, "guard")
    builder.add_conditional_edges("guard", after_guard)
    builder.add_conditional_edges("planner", after_planner)
    builder.add_conditional_edges("executor", after_executor)
    builder.add_conditional_edges("approval", after_approval)
    builder.add_conditional_edges("evaluator", after_evaluator)
    compiled = builder.compile(checkpointer=checkpointer, name=GRAPH_ID)
    return compiled.with_config(configurable={DEPS_KEY: deps})
