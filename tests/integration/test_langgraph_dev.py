"""``langgraph dev`` serves our ``langgraph.json`` and completes a run: what LangGraph Studio relies on.

Loading the graph is not enough: langgraph-api pickles run configs (our bound Deps) and refuses blocking
calls on its event loop; both broke every Studio run before (measured by the benchmark).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from langgraph_sdk import get_sync_client
from sqlalchemy import Engine

from graph.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_langgraph_dev_runs_the_warden_graph(settings: Settings, seeded_engine: Engine, tmp_path: Path) -> None:
    exe = ROOT / ".venv" / "bin" / "langgraph"
    home = tmp_path / "lgdev"
    home.mkdir()
    shutil.copy(ROOT / "langgraph.json", home / "langgraph.json")
    config = (home / "langgraph.json").read_text().replace('"./graph/studio.py', f'"{ROOT}/graph/studio.py')
    config = config.replace('"dependencies": ["."]', f'"dependencies": ["{ROOT}"]').replace('"env": ".env.example"',
                                                                                          '"env": {}')
    (home / "langgraph.json").write_text(config)
    port = _free_port()
    env = os.environ | {
        "LANGGRAPH_CLI_NO_ANALYTICS": "1", "LANGGRAPH_NO_VERSION_CHECK": "true", "LANGSMITH_TRACING": "false",
        "WARDEN_DATABASE_URL": settings.effective_database_url, "WARDEN_MODEL_PROVIDER": "scripted",
        "WARDEN_DATA_DIR": str(settings.data_dir), "PYTHONPATH": str(ROOT),
    }
    log = (tmp_path / "lgdev.log").open("w")
    proc = subprocess.Popen([str(exe), "dev", "--no-browser", "--no-reload", "--host", "127.0.0.1", "--port",
                             str(port), "--config", str(home / "langgraph.json")], cwd=home, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        announced = None
        while announced is None and time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "lgdev.log").read_text()[-3000:]
            m = re.search(r"http://127\.0\.0\.1:(\d+)", re.sub(r"\x1b\[[0-9;]*m", "", (tmp_path / "lgdev.log").read_text()))
            announced = int(m[1]) if m else None
            time.sleep(0.2)
        assert announced == port
        client = get_sync_client(url=f"http://127.0.0.1:{port}")
        thread = client.threads.create()
        out = client.runs.wait(thread["thread_id"], "warden",
                               input={"messages": [{"role": "user", "content": "show customer cus_acme_001"}]},
                               context={"tenant": "acme", "user": "studio", "roles": ["support_agent"]})
        assert isinstance(out, dict) and out.get("stop_reason") == "completed", out["messages"][-1]["content"]
        assert "cus_acme_001" in out["messages"][-1]["content"]
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()
