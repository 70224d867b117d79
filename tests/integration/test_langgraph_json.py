"""``langgraph.json`` names a loadable graph: the one ``langgraph dev`` / Studio serves is our graph."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import Engine

from graph.settings import Settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_langgraph_json_graph_loads_and_runs(settings: Settings, seeded_engine: Engine,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    spec = json.loads((ROOT / "langgraph.json").read_text())
    assert set(spec["graphs"]) == {"warden"}
    path, _, attr = spec["graphs"]["warden"].partition(":")
    monkeypatch.setenv("WARDEN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("WARDEN_MODEL_PROVIDER", "scripted")
    monkeypatch.setenv("WARDEN_DATA_DIR", str(settings.data_dir))
    # Load it the way langgraph-api does: by file path, as a fresh module.
    modspec = importlib.util.spec_from_file_location("warden_studio_entry", ROOT / path)
    assert modspec is not None and modspec.loader is not None
    module = importlib.util.module_from_spec(modspec)
    monkeypatch.setitem(sys.modules, "warden_studio_entry", module)
    modspec.loader.exec_module(module)
    graph = getattr(module, attr)()
    assert graph is getattr(module, attr)()  # built once per process
    assert {"guard", "planner", "executor", "approval", "evaluator"} <= set(graph.get_graph().nodes)

    graph = graph.copy(update={"checkpointer": InMemorySaver()})  # langgraph dev attaches its own saver
    config = {"configurable": {"thread_id": "studio-1"}}
    out = graph.invoke({"messages": [{"role": "user", "content": "show customer cus_acme_001"}]}, config,
                       context={"tenant": "acme", "user": "studio", "roles": ["support_agent"]})
    assert out["stop_reason"] == "completed"
    assert "cus_acme_001" in out["messages"][-1].content
    unauth = graph.invoke({"messages": [{"role": "user", "content": "show customer cus_acme_001"}]},
                          {"configurable": {"thread_id": "studio-2"}})
    assert unauth["stop_reason"] == "unauthenticated"
    graph.config["configurable"]["warden_deps"].engine.dispose()
