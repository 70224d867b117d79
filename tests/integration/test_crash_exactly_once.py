"""SIGKILL the worker between the effect and the next checkpoint, and at random moments, over 100 seeded
trials; a fresh process then recovers every thread. Every refund must exist exactly once, and every run must
finish (none lost). Measured before the ledger: a plain side effect ran twice in 30 of 40 such runs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from graph.runtime import open_runtime
from graph.settings import Settings
from tests.integration.graph_helpers import ask, new_config
from tools.db import LedgerEntry, Refund

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TRIALS = int(os.environ.get("WARDEN_CRASH_TRIALS", "100"))
PARALLEL = 2
ROOT = Path(__file__).resolve().parents[2]


def _env(settings: Settings) -> dict[str, str]:
    return os.environ | {
        "WARDEN_REDIS_URL": settings.effective_redis_url,
        "WARDEN_DATABASE_URL": settings.effective_database_url,
        "WARDEN_MODEL_PROVIDER": "scripted",
        "WARDEN_DATA_DIR": str(settings.data_dir),
    }


class Zygote:
    """One pre-imported worker process that forks a fresh child per trial (see crash_worker)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, settings: Settings) -> Zygote:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.integration.crash_worker", "zygote", cwd=ROOT, env=_env(settings),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        z = cls(proc)
        assert await z._line() == ["READY"]
        return z

    async def _line(self) -> list[str]:
        assert self.proc.stdout is not None
        return (await self.proc.stdout.readline()).decode().split()

    async def trial(self, thread_id: str, seed: int) -> str:
        rng = random.Random(seed)
        mode = "after-effect" if seed % 2 == 0 else "random"
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{thread_id} {mode}\n".encode())
        await self.proc.stdin.drain()
        tag, pid = await self._line()
        assert tag == "PID"
        if mode == "random":
            await asyncio.sleep(rng.uniform(0.0, 0.8))
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        tag, _, code = await self._line()
        assert tag == "EXIT"
        killed = int(code) == -signal.SIGKILL
        return f"{mode}:{'killed' if killed else 'exit' + code}"

    async def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        await self.proc.wait()


async def test_sigkill_trials_leave_every_effect_exactly_once(settings: Settings, seeded_engine: Engine) -> None:
    rt = await open_runtime(settings)
    threads: list[str] = []
    try:
        for _ in range(TRIALS):
            config = new_config()
            out = await ask(rt, config, "refund 1 cents on order ord_acme_001_1")
            assert "__interrupt__" in out
            threads.append(config["configurable"]["thread_id"])
    finally:
        await rt.aclose()

    zygotes = await asyncio.gather(*(Zygote.start(settings) for _ in range(PARALLEL)))

    async def lane(z: Zygote, lane_no: int) -> list[str]:
        return [await z.trial(threads[i], seed=i) for i in range(lane_no, TRIALS, PARALLEL)]

    try:
        outcomes = [o for lane_out in await asyncio.gather(*(lane(z, n) for n, z in enumerate(zygotes)))
                    for o in lane_out]
    finally:
        for z in zygotes:
            await z.close()
    after_effect = [o for o in outcomes if o.startswith("after-effect")]
    assert after_effect == ["after-effect:killed"] * len(after_effect)  # died between effect and checkpoint
    print("trial outcomes:", {o: outcomes.count(o) for o in sorted(set(outcomes))})

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.integration.crash_worker", "recover", *threads, cwd=ROOT,
        env=_env(settings), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await proc.communicate()
    assert proc.returncode == 0, stderr.decode()[-2000:]
    finished = dict(line.split() for line in stdout.decode().splitlines())
    assert set(finished) == set(threads)
    assert set(finished.values()) == {"completed"}

    with Session(seeded_engine) as s:
        per_thread = dict(s.execute(
            select(LedgerEntry.thread_id, func.count()).join(Refund, Refund.idempotency_key == LedgerEntry.idempotency_key)
            .group_by(LedgerEntry.thread_id)).all())
        total = s.scalar(select(func.count()).select_from(Refund))
    assert per_thread == dict.fromkeys(threads, 1)
    assert total == TRIALS
