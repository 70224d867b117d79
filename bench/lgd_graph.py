"""``langgraph dev``'s entry point for the benchmark: ``graph/studio.py``'s graph, built once, at import time.

Same ``build_graph``, same nodes, same ``make_deps`` (scripted model, the bench's seeded SQLite); two
differences from ``graph/studio.py:make_graph``, both needed for ``langgraph dev`` to complete a run at all
(measured; reported as bugs of ``graph/studio.py``):

1. langgraph-api copies the graph's ``configurable`` (which carries ``Deps``: SQL engine, registry, model) into
   every checkpoint's metadata and serializes it; ``Deps`` holds a SQLAlchemy engine, so every run failed with
   ``AttributeError: Can't pickle local object 'create_engine.<locals>.connect'``. Here ``Deps`` pickles as a
   reference to this module's cached instance (a few bytes).
2. ``studio.make_graph`` creates the data folder and the schema inside the factory, which ``langgraph dev`` calls
   on its event loop at the first run: its blocking-call detector failed the run (``BlockingError: os.mkdir``)
   unless started with ``--allow-blocking``. Here that work happens at import time (server start-up).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from graph.build import build_graph
from graph.runtime import make_deps
from graph.settings import Settings
from nodes.context import Deps
from tools.db import create_schema


class PicklableDeps(Deps):
    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (deps, ())


@functools.cache
def deps() -> Deps:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    made = make_deps(settings)
    create_schema(made.engine)
    return PicklableDeps(**{f.name: getattr(made, f.name) for f in dataclasses.fields(made)})


@functools.cache
def make_graph() -> CompiledStateGraph:
    return build_graph(deps=deps())


make_graph()  # at import: no blocking call on langgraph dev's event loop later
