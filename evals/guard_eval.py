"""Recall and false-positive rate of the guard per family, and its scan throughput.

    python -m evals.guard_eval [--write]     # prints the tables; --write updates evals/reports/guard.md

Four corpora (see ``evals/corpus``): ``dev.jsonl`` tuned the rules and trained the classifier (its numbers
are an upper bound), ``heldout.jsonl`` was written after the rules were frozen, ``heldout_v2.jsonl`` before
the classifier was trained and ``heldout_v3.jsonl`` before the third round of rule changes and retraining
(commit d5434fc); none is ever used for tuning — those are the numbers to believe. Every table
shows the rules alone and rules + classifier. Texts labelled ``meta`` (customers *discussing* attacks)
are reported apart from the benign false-positive rate. Documents: each corpus's injections buried among its
own benign texts, and documents of benign texts alone (a long benign text is flagged more often than one of
its parts). Throughput is CPU time (``time.process_time``), so a busy machine does not make the guard look
slower than it is; short texts one call each (``scan_untrusted``) and batched (``scan_many``, what
``warden scan`` does).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from governance.guard import scan_many, scan_untrusted

CORPUS = Path(__file__).resolve().parent / "corpus"
REPORTS = Path(__file__).resolve().parent / "reports"


def load(name: str) -> list[dict[str, Any]]:
    with (CORPUS / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def per_family(records: list[dict[str, Any]]) -> tuple[str, dict[str, float]]:
    """Flag rate per (label, family) with the rules alone and with rules + classifier."""
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in records:
        cell = stats[(r["label"], r["family"])]
        cell[0] += 1
        cell[1] += scan_untrusted(r["text"], use_classifier=False).flagged
        cell[2] += scan_untrusted(r["text"]).flagged
    lines = ["| label | family | n | rules only | rules + classifier |", "|---|---|---|---|---|"]
    for (label, family), (n, rules, both) in sorted(stats.items()):
        lines.append(f"| {label} | {family} | {n} | {rules} ({rules / n:.1%}) | {both} ({both / n:.1%}) |")
    totals: dict[str, float] = {}
    for label, name in (("injection", "recall"), ("benign", "fpr")):
        cells = [v for (lab, _), v in stats.items() if lab == label]
        n = sum(c[0] for c in cells)
        totals[f"{name}_rules"] = sum(c[1] for c in cells) / max(1, n)
        totals[name] = sum(c[2] for c in cells) / max(1, n)
        totals[label] = n
        lines.append(f"| **{label}** | all | {n} | **{name.upper() if name == 'fpr' else name} "
                     f"{totals[name + '_rules']:.1%}** | **{totals[name]:.1%}** |")
    return "\n".join(lines), totals


def documents(records: list[dict[str, Any]], seed: int = 7) -> tuple[str, dict[str, float]]:
    """Long texts, as tool outputs are: each injection of the corpus buried at a random place among six of the
    corpus's own benign texts (recall), and documents of six benign texts alone (false-positive rate)."""
    rng = random.Random(seed)
    benign = [r["text"] for r in records if r["label"] == "benign"]
    attacks = [r["text"] for r in records if r["label"] == "injection"]
    buried = 0
    for attack in attacks:
        parts = [rng.choice(benign) for _ in range(6)]
        parts.insert(rng.randint(0, 6), attack)
        buried += scan_untrusted("\n".join(parts), max_chars=100_000).flagged
    n_docs = 100
    fp = sum(scan_untrusted("\n".join(rng.choice(benign) for _ in range(6)), max_chars=100_000).flagged
             for _ in range(n_docs))
    out = {"buried_recall": buried / max(1, len(attacks)), "benign_doc_fpr": fp / n_docs}
    line = (f"| {len(attacks)} | {buried} ({out['buried_recall']:.1%}) | {n_docs} | {fp} "
            f"({out['benign_doc_fpr']:.1%}) |")
    return line, out


ORDINARY = {"ordinary", "ordinary_generated", "para_b_request", "para_b_record", "para_b_operational",
            "carrier_benign", "kb_article", "para_b_kb", "angry_email", "para_b_angry", "para_b_retraction"}


def _docs(texts: list[str], target: int) -> list[str]:
    docs, buf = [], ""
    for t in texts * 4:
        buf += t + "\n"
        if len(buf) >= target:
            docs.append(buf)
            buf = ""
    return docs


def _best_mb_s(size: int, run: Callable[[], object], repeat: int) -> float:
    """MB/s of the fastest of ``repeat`` runs (CPU time): on a shared machine the slower runs measure the
    neighbours' cache and memory traffic, not the guard."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return size / max(best, 1e-9) / 1e6


def throughput(texts: list[str], benign: list[str], repeat: int = 3, ordinary: list[str] | None = None
               ) -> dict[str, float]:
    """MB/s (CPU time, best of ``repeat``) on short texts and on 2 KB / 16 KB documents made by concatenating
    corpus texts: all of them (attack-dense), the benign ones only (the risky-looking support-desk text) and,
    if given, the ordinary ones (requests, tool records, KB, complaints: what most real traffic looks like)."""
    scan_untrusted("warm up")  # the classifier's weights load once per process
    out: dict[str, float] = {}
    size = sum(len(t.encode()) for t in texts)
    out["short_texts_mb_s"] = _best_mb_s(size, lambda: [scan_untrusted(t) for t in texts], repeat)
    out["short_texts_batched_mb_s"] = _best_mb_s(size, lambda: scan_many(texts), repeat)
    out["short_texts_avg_bytes"] = size / len(texts)
    pools = [("docs", texts), ("benign_docs", benign)] + ([("ordinary_docs", ordinary)] if ordinary else [])
    for name, pool in pools:
        for target in (2_000, 16_000):
            docs = _docs(pool, target)[:200]
            out[f"{name}_{target // 1000}k_mb_s"] = _best_mb_s(
                sum(len(d.encode()) for d in docs),
                lambda docs=docs, target=target: [scan_untrusted(d, max_chars=10 * target) for d in docs], repeat)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.guard_eval", description=__doc__)
    parser.add_argument("--write", action="store_true", help="write evals/reports/guard.md")
    args = parser.parse_args(argv)
    dev, heldout, heldout2 = load("dev.jsonl"), load("heldout.jsonl"), load("heldout_v2.jsonl")
    heldout3 = load("heldout_v3.jsonl")
    dev_table, dev_tot = per_family(dev)
    ho_table, ho_tot = per_family(heldout)
    ho2_table, ho2_tot = per_family(heldout2)
    ho3_table, ho3_tot = per_family(heldout3)
    tp = throughput([r["text"] for r in dev + heldout], [r["text"] for r in dev if r["label"] == "benign"],
                    ordinary=[r["text"] for r in dev if r["family"] in ORDINARY])
    doc_rows = []
    doc_tot = {}
    for name, records in (("held-out v1", heldout), ("held-out v2", heldout2), ("held-out v3", heldout3),
                          ("dev", dev)):
        line, doc_tot[name] = documents(records)
        doc_rows.append(f"| {name} {line}")
    doc_table = "\n".join(["| corpus | injections | buried in benign text, flagged | benign documents | flagged |",
                           "|---|---|---|---|---|", *doc_rows])
    speed = "\n".join(f"- {k}: {v:.2f}" for k, v in tp.items())
    text = (f"# Guard evaluation (generated by `python -m evals.guard_eval --write`)\n\n"
            f"Each cell: texts flagged (rate) by the rules alone and by rules + classifier (the shipped guard).\n\n"
            f"## Held-out corpus v1 (written after the rules were frozen; never tuned on)\n\n{ho_table}\n\n"
            f"## Held-out corpus v2 (written before the classifier was trained; never tuned on)\n\n{ho2_table}\n\n"
            f"## Held-out corpus v3 (written before the third round of rule changes and retraining; never tuned "
            f"on)\n\n{ho3_table}\n\n"
            f"## Dev corpus (rules tuned and classifier trained on it: an upper bound; out-of-fold classifier "
            f"figures are printed by `python -m evals.train_classifier`)\n\n{dev_table}\n\n"
            f"## Documents (rules + classifier; six texts of the same corpus joined by line breaks)\n\n"
            f"{doc_table}\n\n"
            f"## Throughput (MB/s, CPU time, one core)\n\n{speed}\n")
    print(text)
    for name, tot in (("held-out v1", ho_tot), ("held-out v2", ho2_tot), ("held-out v3", ho3_tot),
                      ("dev", dev_tot)):
        print(f"{name}: recall {tot['recall_rules']:.1%} -> {tot['recall']:.1%}, "
              f"FPR {tot['fpr_rules']:.1%} -> {tot['fpr']:.1%} (rules -> rules + classifier)")
    print(f"targets: recall >= 95% at FPR <= 1%, >= 5 MB/s. short texts {tp['short_texts_mb_s']:.2f} MB/s, "
          f"16 KB docs {tp['docs_16k_mb_s']:.2f} MB/s")
    if args.write:
        REPORTS.mkdir(exist_ok=True)
        (REPORTS / "guard.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
