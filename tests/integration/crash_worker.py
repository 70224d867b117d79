"""Worker processes for the crash tests.

    python -m tests.integration.crash_worker zygote
    python -m tests.integration.crash_worker recover <thread_id> [<thread_id> ...]

Importing LangGraph and LangChain costs seconds per process here, so ``zygote`` imports once and then, for each
``<thread_id> <after-effect|random>`` line on stdin, forks a fresh child that opens its own runtime (its own
Redis client, saver and SQL engine), approves the parked action and runs the thread on. The zygote prints
``PID <pid>`` when the child starts and ``EXIT <pid> <status>`` when it ends (negative: killed by that signal).
An ``after-effect`` child SIGKILLs itself right after a tool's effect commits, before LangGraph checkpoints the
step: the worst moment. A ``random`` child is killed by the test at a random moment. ``recover`` is the fresh
process that finishes every thread afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from langgraph.types import Command

from governance.auth import Principal
from graph.runtime import DURABILITY, WardenRuntime, open_runtime
from graph.settings import Settings

APPROVER = Principal("acme", "bob", ("support_lead",))
ACCEPT = {"decision": "accept", "decided_by": APPROVER.as_dict()}


def _die_after_effects(rt: WardenRuntime) -> None:
    registry = rt.deps.registry
    original = registry.execute

    def execute(*args: Any, **kwargs: Any) -> Any:
        outcome = original(*args, **kwargs)
        if outcome.ok and not outcome.replayed:
            os.kill(os.getpid(), signal.SIGKILL)
        return outcome

    registry.execute = execute  # type: ignore[method-assign]


async def resume(thread_id: str, *, die_after_effect: bool) -> None:
    rt = await open_runtime(Settings())
    try:
        if die_after_effect:
            _die_after_effects(rt)
        config = {"configurable": {"thread_id": thread_id}}
        await rt.graph.ainvoke(Command(resume=ACCEPT), config, context=APPROVER, durability=DURABILITY)
    finally:
        await rt.aclose()


async def recover(rt: WardenRuntime, thread_id: str) -> str:
    """Finish a thread whatever moment its worker died at: re-approve if still parked, else continue.

    ``state.next`` is not the test of "finished": it omits tasks that already saved their writes, so a worker
    killed after a step's writes but before the next checkpoint leaves ``next == ()`` on an unfinished run.
    ``state.tasks`` lists every task of the current superstep; none means the run has ended.
    """
    config = {"configurable": {"thread_id": thread_id}}
    state = await rt.graph.aget_state(config)
    if any(t.name == "approval" and t.interrupts for t in state.tasks):
        out = await rt.graph.ainvoke(Command(resume=ACCEPT), config, context=APPROVER, durability=DURABILITY)
    elif state.tasks:
        out = await rt.graph.ainvoke(None, config, context=APPROVER, durability=DURABILITY)
    else:
        out = state.values
    return str(out.get("stop_reason"))


def zygote() -> int:
    print("READY", flush=True)
    for line in sys.stdin:
        thread_id, mode = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                asyncio.run(resume(thread_id, die_after_effect=mode == "after-effect"))
            finally:
                os._exit(0)
        print("PID", pid, flush=True)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print("EXIT", pid, code, flush=True)
    return 0


async def recover_all(thread_ids: list[str]) -> int:
    rt = await open_runtime(Settings())
    try:
        for thread_id in thread_ids:
            print(thread_id, await recover(rt, thread_id), flush=True)
    finally:
        await rt.aclose()
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "zygote":
        sys.exit(zygote())
    sys.exit(asyncio.run(recover_all(sys.argv[2:])))
