"""Entry point named in ``langgraph.json`` for ``langgraph dev`` / LangGraph Studio.

``langgraph dev`` brings its own checkpointer and calls ``make_graph``; the graph is built once per process,
at import (server start-up): building creates the data folder and the schema, blocking calls that
langgraph-api's event-loop detector refuses inside a run (measured: ``BlockingError: os.mkdir``). It uses the
same ``Deps`` factories as the server. Studio runs need a principal as the run's context (the assistant's
context form): ``{"tenant": "acme", "user": "studio", "roles": ["support_agent"]}``; without one the guard
stops the run with ``stop_reason="unauthenticated"``.
"""

from __future__ import annotations

from functools import cache

from langgraph.graph.state import CompiledStateGraph

from graph.build import build_graph
from graph.runtime import make_deps
from graph.settings import Settings
from tools.db import create_schema


@cache
def make_graph() -> CompiledStateGraph:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    deps = make_deps(settings)
    create_schema(deps.engine)
    return build_graph(deps=deps)


make_graph()
