"""(guard) Injection-guard scan throughput: MB/s of CPU time on one core, target >= 5 MB/s.

What is scanned: the evaluation corpora (``evals/corpus``: dev + held-out v1, about half attacks) as short
texts (~110 bytes), one call each (``scan_untrusted``) and in one batch (``scan_many``); documents of 2 KB and
16 KB made by joining corpus texts with line breaks (as ``evals/guard_eval.py`` does): all texts
(attack-dense), the benign ones (risky-looking support-desk text) and the ordinary ones (requests, tool records,
KB articles, complaints); and ``warden scan`` on a generated JSONL file of a few MB, end to end in a child
process (wall time including start-up, and the steady state: the CPU time of a big file minus that of a
one-line file, so start-up and the database load are left out), in one process and with its default worker
processes (one per usable CPU: the wall-clock row is what a caller waits for).

CPU time (``time.process_time``, and the children's rusage for ``warden scan``), best of ``REPEAT``: the box
has 2 vCPUs shared with other work, and the slower runs measure the neighbours. Also reported: what one short
text costs alone, the Hyperscan database's compile time (uncached) and load time (cached), and the same
short-text and document rows on the pure-Python path (``WARDEN_GUARD_ENGINE=python``) for comparison.

    python -m bench --only guard
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import ROOT, check, row
from evals.guard_eval import ORDINARY, join_docs  # the same documents and ordinary families as the eval

SECTION = "guard"
TARGET_MB_S = 5.0
REPEAT = 3
JSONL_MB = 4
CORPUS = ROOT / "evals" / "corpus"


def _load(name: str) -> list[dict[str, Any]]:
    out = []
    for line in (CORPUS / name).read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            out.append(record)
    return out


def _best_cpu(run: Callable[[], object], repeat: int = REPEAT) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return max(best, 1e-9)


def _mb_s(metric: str, size: int, seconds: float, note: str = "", *, target: bool = True) -> dict[str, Any]:
    value = round(size / seconds / 1e6, 2)
    return row(SECTION, metric, value, "MB/s", target=f">= {TARGET_MB_S:g}" if target else None,
               met=check(value, ">=", TARGET_MB_S) if target else None, note=note)


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _warden_scan(path: Path, workers: int | None = 1) -> tuple[float, float, int]:
    """(wall s, CPU s, output lines) of ``warden scan FILE`` in a child process (``workers=None``: its default,
    one process per usable CPU)."""
    cpu0, wall0 = _children_cpu(), time.monotonic()
    extra = [] if workers is None else ["--workers", str(workers)]
    proc = subprocess.run([sys.executable, "-c", "import sys, cli; sys.exit(cli.main())", "scan", *extra, str(path)],
                          cwd=ROOT, capture_output=True, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall, cpu = time.monotonic() - wall0, _children_cpu() - cpu0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"warden scan exited {proc.returncode}: {proc.stderr.decode()[-300:]}")
    return wall, cpu, proc.stdout.count(b"\n")


def _jsonl_rows(texts: list[str]) -> list[dict[str, Any]]:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="warden-bench-guard-") as tmp:
        big, one = Path(tmp) / "big.jsonl", Path(tmp) / "one.jsonl"
        lines: list[str] = []
        size = 0
        while size < JSONL_MB * 1_000_000:
            line = json.dumps({"text": rng.choice(texts)}, ensure_ascii=False) + "\n"
            lines.append(line)
            size += len(line.encode())
        big.write_text("".join(lines))
        one.write_text(lines[0])
        _warden_scan(one)  # a compiled database in the cache, as after any first run
        best_big = min((_warden_scan(big) for _ in range(2)), key=lambda r: r[1])
        best_one = min((_warden_scan(one) for _ in range(REPEAT)), key=lambda r: r[1])
        best_pool = min((_warden_scan(big, None) for _ in range(2)), key=lambda r: r[0])
    wall, cpu, out_lines = best_big
    assert out_lines == len(lines) == best_pool[2], (out_lines, len(lines), best_pool[2])
    steady = max(cpu - best_one[1], 1e-9)
    note = f"{len(lines)} records, {size / 1e6:.1f} MB"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return [
        _mb_s("warden scan JSONL, steady state (CPU)", size, steady,
              f"{note}; one process; CPU of the file minus a 1-line file"),
        _mb_s("warden scan JSONL, incl. start-up (CPU)", size, cpu,
              f"{note}; one process; start-up {best_one[1]:.2f} s CPU"),
        _mb_s("warden scan JSONL, incl. start-up (wall, one process)", size, wall, f"{note}; shared box",
              target=False),
        _mb_s("warden scan JSONL, incl. start-up (wall, default workers)", size, best_pool[0],
              f"{note}; {min(cpus, 8)} worker processes on {cpus} usable CPUs; shared box"),
    ]


REDOS_TARGET_MS = 10.0  # the most one signature's regex may take on one adversarial 600-character segment


def _adversarial_rows() -> list[dict[str, Any]]:
    """Catastrophic backtracking: each signature's regex alone on near-miss segments drawn from its own parse
    tree (``bench/redos.py``; what Hyperscan would let through to it, since its translations are supersets), the
    worst one reported; and all those texts through ``scan_many``, end to end."""
    from bench.redos import pumped
    from governance.guard import scan_many
    from governance.injection.signatures import SIGNATURES

    worst, texts = (0.0, ""), []
    for k, sig in enumerate(SIGNATURES):
        search = sig.pattern.compiled.search
        for text in pumped(sig.pattern.pattern, int(sig.pattern.flags), 40, seed=k):
            started = time.perf_counter()
            search(text)
            worst = max(worst, (time.perf_counter() - started, sig.id))
            texts.append(text)
    ms = round(worst[0] * 1000, 2)
    size = sum(len(t.encode()) for t in texts)
    cpu = _best_cpu(lambda: scan_many(texts), repeat=1)
    other = _other_regexes()
    other_worst = (0.0, "")
    for k, (name, pattern) in enumerate(other):
        for text in pumped(pattern.pattern, pattern.flags & ~re.UNICODE, 40, seed=k):
            started = time.perf_counter()
            pattern.search(text)
            other_worst = max(other_worst, (time.perf_counter() - started, name))
    other_ms = round(other_worst[0] * 1000, 2)
    return [row(SECTION, "adversarial segments, slowest signature regex", ms, "ms",
                target=f"<= {REDOS_TARGET_MS:g}", met=check(ms, "<=", REDOS_TARGET_MS),
                note=f"{worst[1]}; {len(texts)} near-miss texts of <= 600 chars, 40 per signature"),
            _mb_s("adversarial near-miss texts, scan_many", size, cpu, f"{len(texts)} texts", target=False),
            row(SECTION, "adversarial segments, slowest other regex on outsiders' text", other_ms, "ms",
                target=f"<= {REDOS_TARGET_MS:g}", met=check(other_ms, "<=", REDOS_TARGET_MS),
                note=f"{other_worst[1]}; {len(other)} module-level regexes of {len(OUTSIDER_TEXT_MODULES)} "
                     f"modules, `search` on 40 near-miss texts each")]


# Modules whose compiled regexes read text an outsider wrote (tickets, documents, tool outputs, model replies,
# HTTP input). Their module-level patterns are fuzzed like the signatures, with ``search`` (the worst use: a
# pattern the code only ``fullmatch``es is measured under ``search`` too). Pydantic field patterns are left out:
# pydantic-core runs them with Rust's linear-time regex engine.
OUTSIDER_TEXT_MODULES = (
    "governance.injection.views", "governance.injection.scanner", "governance.injection.classifier",
    "governance.injection.topics", "governance.pii", "governance.guard", "governance.quarantine",
    "tools._private", "nodes.plan", "api.routes.runs", "api.errors",
)


def _other_regexes() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled ``str`` pattern bound at module level in ``OUTSIDER_TEXT_MODULES`` (or one level down, in a
    tuple, list or dict there), by ``module.name``."""
    import importlib

    found: dict[int, tuple[str, re.Pattern[str]]] = {}
    for module in OUTSIDER_TEXT_MODULES:
        for attr, value in vars(importlib.import_module(module)).items():
            items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple | list) else (value,)
            for item in items:
                if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                    found.setdefault(id(item), (f"{module}.{attr}", item))
    return list(found.values())


def run() -> list[dict[str, Any]]:
    from governance.guard import scan_many, scan_untrusted
    from governance.injection import hsengine
    from governance.injection.scanner import hyperscan_engine
    from governance.injection.signatures import SIGNATURES

    dev, heldout = _load("dev.jsonl"), _load("heldout.jsonl")
    texts = [r["text"] for r in dev + heldout]
    benign = [r["text"] for r in dev if r.get("label") == "benign"]
    ordinary = [r["text"] for r in dev if r.get("family") in ORDINARY]
    size = sum(len(t.encode()) for t in texts)
    rows: list[dict[str, Any]] = []

    engine_name = "hyperscan" if hyperscan_engine() is not None else "python (hyperscan not installed)"
    scan_untrusted("warm up")  # the classifier's weights, and the database from the cache
    for mode in (["auto", "python"] if hsengine.enabled() else ["python"]):
        previous = hsengine.set_mode(mode)
        try:
            label = "" if mode == "auto" else " [pure-Python path]"
            reference = mode == "python" and hsengine.available()
            one = _best_cpu(lambda: [scan_untrusted(t) for t in texts])
            rows.append(_mb_s(f"short texts, one call each{label}", size, one,
                              f"{len(texts)} texts, {size / len(texts):.0f} B avg; {one / len(texts) * 1e6:.0f} us "
                              f"CPU per call", target=not reference))
            batched = _best_cpu(lambda: scan_many(texts))
            rows.append(_mb_s(f"short texts, scan_many{label}", size, batched,
                              f"{batched / len(texts) * 1e6:.0f} us CPU per text", target=not reference))
            for name, pool in (("attack-dense", texts), ("risky-benign", benign), ("ordinary", ordinary)):
                for target in (2_000, 16_000):
                    docs = join_docs(pool, target)[:200 if mode == "auto" else 60]
                    doc_size = sum(len(d.encode()) for d in docs)
                    seconds = _best_cpu(lambda docs=docs, target=target: [
                        scan_untrusted(d, max_chars=10 * target) for d in docs])
                    rows.append(_mb_s(f"{target // 1000} KB docs, {name}{label}", doc_size, seconds,
                                      f"{len(docs)} docs", target=not reference))
        finally:
            hsengine.set_mode(previous)

    rows += _adversarial_rows()
    if hsengine.enabled():
        rows += _jsonl_rows(texts)
        started = time.perf_counter()
        compiled = hsengine.Engine([s.pattern for s in SIGNATURES], cache=None)
        compile_s = time.perf_counter() - started
        started = time.perf_counter()
        hsengine.Engine([s.pattern for s in SIGNATURES], cache=hsengine.cache_dir())
        load_s = time.perf_counter() - started
        rows.append(row(SECTION, "hyperscan database compile (uncached)", round(compile_s, 2), "s",
                        note=f"{len(SIGNATURES)} signatures, {len(compiled.fallback)} on the fallback path "
                             f"{sorted(SIGNATURES[i].id for i in compiled.fallback)}"))
        rows.append(row(SECTION, "hyperscan database load (cached)", round(load_s * 1000, 1), "ms",
                        note=str(hsengine.cache_dir())))
        with tempfile.TemporaryDirectory() as empty:   # a fresh machine or container: the shipped database
            started = time.perf_counter()
            shipped = hsengine.Engine([s.pattern for s in SIGNATURES], cache=Path(empty), shipped=hsengine.SHIPPED)
            shipped_s = time.perf_counter() - started
        rows.append(row(SECTION, "hyperscan database load (empty cache, shipped)", round(shipped_s * 1000, 1), "ms",
                        note="loaded from governance/injection/hsdb" if shipped.from_shipped else
                        "not for this environment: compiled"))
    rows.append(row(SECTION, "engine", engine_name, ""))
    return rows


if __name__ == "__main__":
    from bench.__main__ import table

    print(table(run()))
