"""Recall and false-positive rate of the guard per family, and its scan throughput.

    python -m evals.guard_eval [--write]     # prints the tables; --write updates evals/reports/guard.md

Corpora (see ``evals/corpus``): ``dev.jsonl`` tuned the rules and trained the classifier (its numbers
are an upper bound). ``heldout.jsonl`` (written after the rules were frozen), ``heldout_v2.jsonl`` (before
the classifier was trained) and ``heldout_v3.jsonl`` (before the third round) were held out until session 3
retired them into training: their numbers are upper bounds now. ``heldout_v4.jsonl`` (session 3, written by
someone who never read the guard) and every other ``heldout*.jsonl`` that appears are never used for tuning —
those, and the external set, are the numbers to believe. ``external_agentdojo.jsonl``
is an EXTERNAL held-out set nobody here wrote (AgentDojo's tool outputs, benign and with its attacks injected;
``evals/corpus/build_external.py``), never trained or tuned on, reported in its own section. Every table
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
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from governance.guard import Verdict, scan_many, scan_untrusted

CORPUS = Path(__file__).resolve().parent / "corpus"
REPORTS = Path(__file__).resolve().parent / "reports"


EXTERNAL = "external_agentdojo.jsonl"  # never trained or tuned on; see evals/corpus/THIRD_PARTY.md
# How each known held-out file was written; any other heldout*.jsonl gets the generic line.
HELDOUT_NOTES = {
    "heldout.jsonl": "written after the rules were frozen; RETIRED into training and rule tuning in session 3 "
                     "(an upper bound now)",
    "heldout_v2.jsonl": "written before the classifier was trained; RETIRED into training and rule tuning in "
                        "session 3 (an upper bound now)",
    "heldout_v3.jsonl": "written before the third round of rule changes and retraining; RETIRED into training and "
                        "rule tuning in session 3 (an upper bound now)",
    "heldout_v4.jsonl": "written in session 3 by someone who never read the guard, the corpus or the tests, before "
                        "that session's rule and classifier changes; never tuned on (only aggregate figures were "
                        "looked at between rounds)",
    "heldout_v5.jsonl": "written in session 4 by two writers who never read the guard, the corpus or the tests; measured "
                        "once as a pristine set (session-3 guard: recall 68.6%, see evals/README.md), then RETIRED into "
                        "rule tuning and classifier training (an upper bound now)",
    "heldout_v6.jsonl": "written in session 6 by two writers who never read the guard, the corpus or the tests (English, "
                        "mostly subtle; 20 other languages); measured once on the session-5 guard (0a354d7: recall 55.8%, "
                        "FPR 5.4%), then kept pristine: only aggregate figures are looked at",
    "heldout_v7.jsonl": "written in session 7 by two more writers who never read the guard, the corpus or the tests "
                        "(200 / 300 English, mostly subtle, a fifth long; 130 / 200 in 20 other languages), after that "
                        "session's changes were decided; measured once, on the guard that session shipped; pristine",
    "heldout_v8.jsonl": "written in session 8 by two more writers who never read the guard, the corpus or the tests: "
                        "150 / 250 tool outputs (JSON records, carrier and webhook payloads, CRM exports, web pages, "
                        "logs, inbox listings; the injection buried in one field, 138 of 150 without the usual trigger "
                        "words) and 150 / 250 tickets, notes, emails and chats (60% English, the rest in 20 other "
                        "languages); measured once, on the guard that session shipped; pristine",
    "heldout_v9.jsonl": "written in session 9 by two more writers who never read the guard, the corpus or the tests, "
                        "as a representative mix rather than only subtle text: 170 / 230 English and 130 / 170 in 20 "
                        "other languages; the injections a third direct (ignore-previous, fake system blocks, to-dos for "
                        "the assistant), a third hidden or obfuscated (comments, fields, homoglyphs, base64), a third "
                        "subtle social engineering; tickets, emails, chats, notes, KB and tool outputs; measured once, "
                        "on the guard that session shipped; pristine",
    "heldout_v10.jsonl": "written in session 10 by two more writers who never read the guard, the corpus or the tests, "
                         "composed like v9: 170 / 230 English and 130 / 170 in 20 other languages (15 texts each); the "
                         "injections a third direct, a third hidden or obfuscated (comments, fields, homoglyphs, "
                         "zero-width, base64, buried in long content), a third subtle; a third of the texts under 200 "
                         "characters, a third 200-600, a third 600-2,500; measured once, on the guard that session "
                         "shipped; pristine",
    "heldout_v11.jsonl": "written in session 11 by one more writer who never read the guard, the corpus or the tests: "
                         "200 / 220 in 20 languages, no English (10 injections and ~11 benign each); the injections 40% "
                         "direct (orders to the bot, prompt leaks, persona switches), 35% hidden in ordinary content, "
                         "25% subtle; 42% under 250 characters; measured once, on the guard that session shipped; "
                         "pristine",
    "heldout_v12.jsonl": "written in session 12 by one more writer who never read the guard, the corpus or the tests: "
                         "200 / 240, 40% English and 11 texts in each of 24 other languages; the injections a third "
                         "direct, a third hidden in ordinary content, a third subtle; a third of each label under 300 "
                         "characters, a third 300-900, a third 900-3,000; measured once, on the guard that session "
                         "shipped; pristine",
}
HELDOUT_DEFAULT_NOTE = "written independently of the rules and the classifier; never used for tuning"


def load(name: str) -> list[dict[str, Any]]:
    with (CORPUS / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _heldout_version(path: Path) -> int:
    m = re.fullmatch(r"heldout(?:_v(\d+))?\.jsonl", path.name)
    return int(m.group(1) or 1) if m else 10_000


def heldout_files() -> list[tuple[str, str, str]]:
    """(file name, short name, how it was written) for every ``heldout*.jsonl`` in the corpus directory, in
    version order (``heldout.jsonl`` is v1), so a new held-out file is evaluated as soon as it lands."""
    out = []
    for path in sorted(CORPUS.glob("heldout*.jsonl"), key=lambda p: (_heldout_version(p), p.name)):
        m = re.fullmatch(r"heldout(?:_v(\d+))?\.jsonl", path.name)
        short = f"held-out v{m.group(1) or 1}" if m else path.stem.replace("heldout", "held-out ").strip()
        out.append((path.name, short, HELDOUT_NOTES.get(path.name, HELDOUT_DEFAULT_NOTE)))
    return out


def load_corpora() -> dict[str, list[dict[str, Any]]]:
    """Every corpus the report covers, by short name: the held-out files, ``dev`` and the external
    AgentDojo set (``external``; absent only if its file was never built)."""
    corpora = {short: load(name) for name, short, _ in heldout_files()}
    corpora["dev"] = load("dev.jsonl")
    if (CORPUS / EXTERNAL).exists():
        corpora["external"] = load(EXTERNAL)
    return corpora


def verdicts(records: list[dict[str, Any]]) -> list[tuple[Verdict, Verdict]]:
    """(rules alone, rules + classifier) for each record."""
    return [(scan_untrusted(r["text"], use_classifier=False), scan_untrusted(r["text"])) for r in records]


def per_family(records: list[dict[str, Any]], seen: list[tuple[Verdict, Verdict]] | None = None,
               key: str = "family") -> tuple[str, dict[str, float]]:
    """Flag rate per (label, family) with the rules alone and with rules + classifier (``seen``: the
    verdicts already computed for ``records``; ``key``: the field to group by)."""
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for r, (rules_v, both_v) in zip(records, seen if seen is not None else verdicts(records)):
        cell = stats[(r["label"], r[key])]
        cell[0] += 1
        cell[1] += rules_v.flagged
        cell[2] += both_v.flagged
    lines = [f"| label | {key} | n | rules only | rules + classifier |", "|---|---|---|---|---|"]
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


_ATTACK_START = re.compile(r"TODO: |Ignore your previous|###\(system_message\)|IMPORTANT!!!|<INFORMATION>")


def _reason(reason: str) -> str:
    return re.sub(r":[0-9.]+(?=$|@)", "", reason)  # "classifier:0.93" -> "classifier", ":0.99@quoted" -> "@quoted"


def _excerpt(text: str, width: int = 220) -> str:
    """The attack part of a record (from its first attack marker), on one line."""
    m = _ATTACK_START.search(text)
    start = m.start() if m else 0
    out = " ".join(text[start:start + width].split())
    return ("…" if start else "") + out + ("…" if len(text) > start + width else "")


def external_section(records: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """The external AgentDojo set: per family and per suite (rules alone, rules + classifier), benign
    *documents* (its benign texts joined like ``join_docs`` does, 2 KB and 16 KB), the commonest false-positive
    reasons and a few missed injections."""
    seen = verdicts(records)
    table, tot = per_family(records, seen)
    for r in records:
        r.setdefault("suite", r["source"].split("/", 1)[0])
    suite_table, _ = per_family(records, seen, key="suite")
    for kind, prefix in (("embedded", ""), ("bare", "_bare")):
        rows = [(r, v) for r, v in zip(records, seen) if r["label"] == "injection"
                and r["family"].endswith("_bare") == (prefix == "_bare")]
        tot[f"recall_{kind}_rules"] = sum(v[0].flagged for _, v in rows) / max(1, len(rows))
        tot[f"recall_{kind}"] = sum(v[1].flagged for _, v in rows) / max(1, len(rows))
        tot[f"n_{kind}"] = len(rows)
    benign = [r["text"] for r in records if r["label"] == "benign"]
    doc_rows = []
    for target in (2_000, 16_000):
        docs = join_docs(benign, target)
        rules = sum(scan_untrusted(d, max_chars=10 * target, use_classifier=False).flagged for d in docs)
        both = sum(scan_untrusted(d, max_chars=10 * target).flagged for d in docs)
        tot[f"benign_docs_{target // 1000}k"] = (len(docs), rules, both)
        doc_rows.append(f"| {target // 1000} KB | {len(docs)} | {rules} ({rules / max(1, len(docs)):.1%}) | "
                        f"{both} ({both / max(1, len(docs)):.1%}) |")
    fp_reasons = Counter(_reason(x) for r, (_, v) in zip(records, seen) if r["label"] == "benign" and v.flagged
                         for x in v.reasons)
    fp_rules = Counter(_reason(x) for r, (v, _) in zip(records, seen) if r["label"] == "benign" and v.flagged
                       for x in v.reasons)
    tot["fp_reasons"] = fp_reasons.most_common(10)
    missed: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r, (_, v) in zip(records, seen):
        key = (r["family"], r["suite"], str(r.get("task")))
        if r["label"] == "injection" and not v.flagged and key not in missed:
            missed[key] = r
    tot["missed"] = Counter(r["family"] for r, (_, v) in zip(records, seen)
                            if r["label"] == "injection" and not v.flagged)
    probs = sorted(float(x.split(":", 1)[1]) for r, (_, v) in zip(records, seen)
                   if r["label"] == "benign" and v.flagged for x in v.reasons if x.startswith("classifier:"))
    p_line = (f"Classifier probability on the flagged benign texts: min {probs[0]:.2f}, median "
              f"{probs[len(probs) // 2]:.2f}, max {probs[-1]:.2f}." if probs else "")
    fp_lines = [f"- `{reason}`: {n} (rules alone: {fp_rules.get(reason, 0)})"
                for reason, n in fp_reasons.most_common(10)] or ["- none"]
    miss_lines = [f"- {r['family']} (`{r['source']}`, {r.get('task')}): {_excerpt(r['text'])}"
                  for r in list(missed.values())[:12]] or ["- none"]
    flagged_benign = [f"- {r['family']} (`{r['source']}`): {' '.join(r['text'][:100].split())}…"
                      for r, (_, v) in zip(records, seen) if r["label"] == "benign" and v.flagged][:10]
    text = (f"{table}\n\nPer suite:\n\n{suite_table}\n\n"
            f"Injections inside a tool output: recall {tot['recall_embedded_rules']:.1%} (rules) / "
            f"{tot['recall_embedded']:.1%} (rules + classifier) of {tot['n_embedded']}; the attack text alone "
            f"(`*_bare`): {tot['recall_bare_rules']:.1%} / {tot['recall_bare']:.1%} of {tot['n_bare']}.\n\n"
            f"Benign documents (the {len(benign)} benign texts joined by line breaks in order, four times over, "
            f"cut at 2 KB / 16 KB, as the throughput documents are):\n\n"
            f"| size | documents | flagged, rules | flagged, rules + classifier |\n|---|---|---|---|\n"
            + "\n".join(doc_rows) + "\n\n"
            "Commonest reasons on flagged benign texts (rules + classifier; a text can give several):\n\n"
            + "\n".join(fp_lines) + f"\n\n{p_line}\n\nFirst flagged benign texts:\n\n"
            + ("\n".join(flagged_benign) or "- none")
            + f"\n\nMissed injections (rules + classifier) by family: {dict(sorted(tot['missed'].items()))}; "
            f"the first of each (family, suite, goal), up to 12:\n\n" + "\n".join(miss_lines))
    return text, tot


ORDINARY = {"ordinary", "ordinary_generated", "para_b_request", "para_b_record", "para_b_operational",
            "carrier_benign", "kb_article", "para_b_kb", "angry_email", "para_b_angry", "para_b_retraction"}


def join_docs(texts: list[str], target: int) -> list[str]:
    """Texts joined by line breaks into documents of about ``target`` characters (as a tool output joins records;
    the benchmark reads documents the same way)."""
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
            docs = join_docs(pool, target)[:200]
            out[f"{name}_{target // 1000}k_mb_s"] = _best_mb_s(
                sum(len(d.encode()) for d in docs),
                lambda docs=docs, target=target: [scan_untrusted(d, max_chars=10 * target) for d in docs], repeat)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.guard_eval", description=__doc__)
    parser.add_argument("--write", action="store_true", help="write evals/reports/guard.md")
    args = parser.parse_args(argv)
    corpora = load_corpora()
    dev, heldout = corpora["dev"], corpora["held-out v1"]
    notes = {short: note for _, short, note in heldout_files()}
    held = [name for name in corpora if name.startswith("held-out")]
    tables = {name: per_family(corpora[name]) for name in [*held, "dev"]}
    tp = throughput([r["text"] for r in dev + heldout], [r["text"] for r in dev if r["label"] == "benign"],
                    ordinary=[r["text"] for r in dev if r["family"] in ORDINARY])
    external = corpora.get("external")
    ext_text, ext_tot = external_section(external) if external else ("(not built)", None)
    doc_rows = []
    doc_tot = {}
    for name in [*held, "dev", *(["external"] if external else [])]:
        line, doc_tot[name] = documents(corpora[name])
        doc_rows.append(f"| {name} {line}")
    doc_table = "\n".join(["| corpus | injections | buried in benign text, flagged | benign documents | flagged |",
                           "|---|---|---|---|---|", *doc_rows])
    speed = "\n".join(f"- {k}: {v:.2f}" for k, v in tp.items())
    sections = "".join(f"## Held-out corpus {name.split()[-1]} ({notes[name]})\n\n{tables[name][0]}\n\n"
                       for name in held)
    text = (f"# Guard evaluation (generated by `python -m evals.guard_eval --write`)\n\n"
            f"Each cell: texts flagged (rate) by the rules alone and by rules + classifier (the shipped guard).\n\n"
            f"{sections}"
            f"## Dev corpus (rules tuned and classifier trained on it: an upper bound; out-of-fold classifier "
            f"figures are printed by `python -m evals.train_classifier`)\n\n{tables['dev'][0]}\n\n"
            f"## External held-out: AgentDojo (never trained or tuned on)\n\n"
            f"`corpus/{EXTERNAL}`, built by `evals/corpus/build_external.py` from AgentDojo 0.1.35 (MIT; "
            f"`corpus/THIRD_PARTY.md`): the texts its four suites' tools return, benign (injection vectors at "
            f"their defaults) and with each of its six attacks × each injection-task goal at each injection "
            f"vector (families = attack names), plus the attack texts alone (`*_bare`). Nobody here wrote "
            f"it; note that the attack *templates* themselves were known when the rules and the dev corpus "
            f"were written, the carriers, goals and benign texts were not.\n\n{ext_text}\n\n"
            f"## Documents (rules + classifier; six texts of the same corpus joined by line breaks)\n\n"
            f"{doc_table}\n\n"
            f"## Throughput (MB/s, CPU time, one core)\n\n{speed}\n")
    print(text)
    for name in [*held, "dev"]:
        tot = tables[name][1]
        print(f"{name}: recall {tot['recall_rules']:.1%} -> {tot['recall']:.1%}, "
              f"FPR {tot['fpr_rules']:.1%} -> {tot['fpr']:.1%} (rules -> rules + classifier)")
    if ext_tot is not None:
        n2, r2, b2 = ext_tot["benign_docs_2k"]
        n16, r16, b16 = ext_tot["benign_docs_16k"]
        print(f"external AgentDojo (never trained or tuned on): recall {ext_tot['recall_rules']:.1%} -> "
              f"{ext_tot['recall']:.1%} (in tool outputs {ext_tot['recall_embedded_rules']:.1%} -> "
              f"{ext_tot['recall_embedded']:.1%}, bare {ext_tot['recall_bare_rules']:.1%} -> "
              f"{ext_tot['recall_bare']:.1%}), FPR {ext_tot['fpr_rules']:.1%} -> {ext_tot['fpr']:.1%} "
              f"({int(ext_tot['benign'])} benign texts); benign documents flagged 2 KB {r2}/{n2} -> {b2}/{n2}, "
              f"16 KB {r16}/{n16} -> {b16}/{n16}; buried among its benign texts "
              f"{doc_tot['external']['buried_recall']:.1%}, six-text benign documents "
              f"{doc_tot['external']['benign_doc_fpr']:.1%}")
    print(f"targets: recall >= 95% at FPR <= 1%, >= 5 MB/s. short texts {tp['short_texts_mb_s']:.2f} MB/s, "
          f"16 KB docs {tp['docs_16k_mb_s']:.2f} MB/s")
    if args.write:
        REPORTS.mkdir(exist_ok=True)
        (REPORTS / "guard.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
