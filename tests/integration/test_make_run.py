"""What `make run` does (`warden dev`), end to end as a newcomer meets it: it prints a URL, a token and a curl line;
that curl line works as printed; Ctrl-C (SIGINT) ends it cleanly. Run against the suite's Redis (reported as
external, so it is never stopped) with the scripted model and the real graph, on a fresh data folder and port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.server_harness import ROOT, free_port

pytestmark = pytest.mark.integration


def test_warden_dev_prints_a_curl_line_that_works_and_stops_on_ctrl_c(redis_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "WARDEN_DATA_DIR": str(tmp_path), "WARDEN_REDIS_URL": redis_url, "WARDEN_PORT": str(port),
           "WARDEN_MODEL_PROVIDER": "scripted", "WARDEN_CHECKPOINT_TTL_MINUTES": "30", "PYTHONUNBUFFERED": "1",
           "WARDEN_SERVER_KEY_PREFIX": f"wdev{port}"}
    env.pop("WARDEN_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "dev", "--no-model"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        curl = None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("curl "):
                curl = line.strip()
            if "Application startup complete" in line and curl:
                break
        assert curl, "".join(lines)
        assert f"http://127.0.0.1:{port}" in "".join(lines) and f"http://127.0.0.1:{port}/inbox" in "".join(lines)
        out = None
        for _ in range(50):  # the curl line may be printed a moment before the port accepts connections
            done = subprocess.run(curl + " --fail-with-body", shell=True, capture_output=True, text=True, timeout=60,
                                  check=False)
            if done.returncode == 0:
                out = json.loads(done.stdout)
                break
            time.sleep(0.2)
        assert out is not None, (done.returncode, done.stdout, done.stderr)
        assert out["stop_reason"] == "completed" and "cus_acme_001" in json.dumps(out["messages"][-1])
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (tmp_path / "warden.db").exists(), "the business database is created and seeded under the data folder"
