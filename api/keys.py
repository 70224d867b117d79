"""The server's Redis key layout (every key carries a TTL; ``P`` is the prefix, ``warden`` by default).

    P:thread:{tid}                 hash   thread record: tenant, created_at, updated_at, metadata, status,
                                          values, interrupts, last_run_id
    P:thread:{tid}:lock            string run id holding the thread (SET NX; TTL refreshed by the heartbeat)
    P:thread:{tid}:runs            zset   run ids by creation time
    P:thread:{tid}:approvals       set    interrupt ids indexed for this thread
    P:tenant:{tenant}:threads      zset   the tenant's thread ids by creation time
    P:tenant:{tenant}:approvals    zset   the tenant's PENDING approval ids by creation time
    P:approval:{interrupt_id}      hash   approval index entry: tenant, thread_id, run_id, status, value, ...
    P:run:{rid}                    hash   run record: status, attempt, worker, principal, payload, result, ...
    P:run:{rid}:events             stream the run's stream events (fields e=event, d=JSON data)
    P:run:{rid}:done               stream one entry when the run ends (s=status, r=result): what waiters block on
    P:queue                        list   "{rid} {tid}" entries waiting for a worker (LPUSH / BLMOVE RIGHT)
    P:workers                      set    live worker-process ids
    P:worker:{wid}                 string the process's lease (PX run_lease_s, refreshed every lease/3)
    P:worker:{wid}:inflight        list   entries this process has claimed and not finished
    P:audit:anchors:{tenant}       zset   published audit heads (api.anchors)

The checkpointer's own keys (``checkpoint:*`` ...) are LangGraph's and carry its TTL.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    prefix: str = "warden"

    def thread(self, tid: str) -> str:
        return f"{self.prefix}:thread:{tid}"

    def thread_lock(self, tid: str) -> str:
        return f"{self.prefix}:thread:{tid}:lock"

    def thread_runs(self, tid: str) -> str:
        return f"{self.prefix}:thread:{tid}:runs"

    def thread_approvals(self, tid: str) -> str:
        return f"{self.prefix}:thread:{tid}:approvals"

    def tenant_threads(self, tenant: str) -> str:
        return f"{self.prefix}:tenant:{tenant}:threads"

    def tenant_approvals(self, tenant: str) -> str:
        return f"{self.prefix}:tenant:{tenant}:approvals"

    def approval(self, iid: str) -> str:
        return f"{self.prefix}:approval:{iid}"

    def run(self, rid: str) -> str:
        return f"{self.prefix}:run:{rid}"

    def run_events(self, rid: str) -> str:
        return f"{self.prefix}:run:{rid}:events"

    def run_done(self, rid: str) -> str:
        return f"{self.prefix}:run:{rid}:done"

    @property
    def queue(self) -> str:
        return f"{self.prefix}:queue"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    def worker(self, wid: str) -> str:
        return f"{self.prefix}:worker:{wid}"

    def inflight(self, wid: str) -> str:
        return f"{self.prefix}:worker:{wid}:inflight"


def entry(rid: str, tid: str) -> str:
    """A queue entry names the run and its thread, so a worker can address the thread lock before reading."""
    return f"{rid} {tid}"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def now_ms() -> int:
    return int(time.time() * 1000)
