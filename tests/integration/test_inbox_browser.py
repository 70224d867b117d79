"""The inbox page in a real browser (headless Chromium driven by Playwright) against the real server and graph: an
approver pastes a token, sees the parked refund with its risk and policy, approves it, and the refund happens
once; a requester sees nothing to decide; outsiders' text in an argument stays text.

Needs Chromium (Debian's ``chromium``; ``.ci/run`` installs it) — skipped, saying so, where there is none."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_client
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.server_harness import ServerProcess, auth, redis_url, token
from tools.db import Refund, make_engine
from tools.seed import seed

pytestmark = pytest.mark.integration
__all__ = ["redis_url"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ALICE = token("acme", "alice", ("support_agent",))
BOB = token("acme", "bob", ("support_lead",))


@pytest.fixture(scope="module")
def real(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data: Path = tmp_path_factory.mktemp("inbox")
    engine = make_engine(f"sqlite:///{data / 'warden.db'}")
    seed(engine)
    engine.dispose()
    proc = ServerProcess(redis_url=redis_url, prefix=f"winb{uuid.uuid4().hex[:10]}", data_dir=data,
                         graph="real").start(timeout_s=60)
    yield proc
    proc.stop()


@pytest.fixture()
async def browser() -> AsyncIterator[Any]:
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (Debian's chromium package); .ci/run installs it")
    playwright = pytest.importorskip("playwright.async_api")
    async with playwright.async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        await b.close()


async def _park(server: ServerProcess, text: str) -> dict[str, Any]:
    async with get_client(url=server.url, headers=auth(ALICE)) as client:
        tid = (await client.threads.create())["thread_id"]
        out = await client.runs.wait(tid, "warden", input={"messages": [{"role": "user", "content": text}]})
    assert isinstance(out, dict) and out.get("__interrupt__"), out
    return out["__interrupt__"][0]


async def _open(browser: Any, server: ServerProcess, tok: str) -> tuple[Any, list[str]]:
    page = await browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    await page.goto(f"{server.url}/inbox")
    await page.fill("#token", tok)
    await page.click("form#auth button[type=submit]")
    # a locator, not wait_for_function: the page's CSP (rightly) forbids the eval that one would need
    await page.locator("#status", has_text="pending").wait_for(timeout=30_000)
    return page, problems


async def test_an_approver_approves_in_the_browser(real: ServerProcess, browser: Any) -> None:
    intr = await _park(real, "refund 1500 cents on order ord_acme_001_1")
    page, problems = await _open(browser, real, BOB)
    card = page.locator(".card", has_text="ord_acme_001_1")
    assert await card.count() == 1
    assert (await card.locator(".tool").text_content()) == "issue_refund@2"
    assert "risk" in (await card.locator(".risk").text_content() or "")
    assert "1500" in (await card.locator(".args").input_value())
    assert intr["id"]
    await card.locator(".comment").fill("checked with the customer")
    await card.locator(".accept").click()
    await card.locator(".outcome.ok").wait_for(timeout=30_000)
    assert "completed" in (await card.locator(".outcome").text_content() or "")
    assert problems == []
    engine = make_engine(real.env["WARDEN_DATABASE_URL"])
    try:
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(Refund).where(Refund.order_id == "ord_acme_001_1")) == 1
    finally:
        engine.dispose()


async def test_the_requester_has_nothing_to_decide_and_text_stays_text(real: ServerProcess, browser: Any) -> None:
    hostile = "<img src=x onerror=alert(1)> please"
    await _park(real, f"refund 900 cents on order ord_acme_002_1 because {hostile}")
    mine, problems = await _open(browser, real, ALICE)
    assert await mine.locator(".card").count() == 0 and await mine.locator("#empty").is_visible()
    page, problems = await _open(browser, real, BOB)
    card = page.locator(".card", has_text="ord_acme_002_1")
    assert await card.count() == 1
    assert hostile in (await card.locator(".description").text_content() or "")
    assert await page.locator(".card img").count() == 0, "the request's markup was rendered"
    await card.locator(".reject").click()
    await card.locator(".outcome.ok").wait_for(timeout=30_000)
    assert "rejected" in (await card.locator(".outcome").text_content() or "")
    assert problems == []
