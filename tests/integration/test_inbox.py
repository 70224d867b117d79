"""The approvers' inbox page over the real server: served without a token (it carries no data), locked down by
its headers, and written so that text from outsiders can never become markup or script."""

from __future__ import annotations

import re
import shutil
import subprocess

import httpx
import pytest

from tests.integration.server_harness import ServerProcess, auth, redis_url, server, server_prefix, token

pytestmark = pytest.mark.integration
__all__ = ["redis_url", "server", "server_prefix"]


def test_the_page_and_its_assets_need_no_token_and_are_locked_down(server: ServerProcess) -> None:
    page = httpx.get(f"{server.url}/inbox")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    # every script is an external file of this origin: the CSP would block an inline one anyway
    assert re.findall(r"<script\b[^>]*>", page.text) == ['<script src="/inbox/inbox.js" defer>']
    js = httpx.get(f"{server.url}/inbox/inbox.js")
    css = httpx.get(f"{server.url}/inbox/inbox.css")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    # the data the page shows still needs a token
    assert httpx.get(f"{server.url}/approvals").status_code == 401
    assert "/inbox" in httpx.get(f"{server.url}/openapi.json", headers=auth(token())).json()["paths"]


def test_the_script_never_turns_data_into_markup(server: ServerProcess) -> None:
    """Descriptions and arguments hold outsiders' text (ticket bodies, tainted values): only textContent/value."""
    js = httpx.get(f"{server.url}/inbox/inbox.js").text
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setTimeout(\"", "setTimeout('"):
        assert sink not in js, sink
    assert "textContent" in js and "/approvals" in js and "?wait=true" in js
    node = shutil.which("node")
    if node:
        checked = subprocess.run([node, "--check", "-"], input=js, capture_output=True, text=True, timeout=60,
                                 check=False)
        assert checked.returncode == 0, checked.stderr
