"""Deterministic input guard: normalisation, size limits, attack signatures and a topic allow-list, before any
model reads text. Checks return values (``Verdict``); the caller decides what to do with them.

Two entry points, one engine (``governance.injection``):

- ``scan(text)`` — the user's request: empty or over-long text is flagged, as is anything that scores at or
  above the threshold. ``screen_request`` adds the deployment's topic allow-list on top.
- ``scan_untrusted(text)`` — text written by outsiders as it enters the system (ticket bodies, customer notes,
  tool outputs): empty is fine, the size limit is larger. A flagged text is quarantined by the caller
  (``governance.quarantine``), not refused: it is data, the run goes on without it.

Beyond the rules, a small learned classifier (``injection/classifier.py``: logistic regression on hashed
character n-grams, numpy only, weights shipped in the package, trained by ``evals/train_classifier.py``) flags
paraphrases the deny list has no words for; its reason reads ``classifier:<probability>``.

The signatures are a first wall, not the defence: the plan is fixed before untrusted text is read, and
nothing an outsider wrote ever reaches the planner. Normalisation folds what attackers use to slip past string
matching (NFKC, zero-width and bidi characters, Cyrillic/Greek look-alikes, HTML entities and tags, base64,
hex, URL-encoding, escapes, leetspeak, letters spelled out one by one); see ``injection/views.py``. Text carried
by invisible Unicode tag characters ("ASCII smuggling") or written backwards is read as well (``scanner.hidden_texts``).

``scan_jsonl`` is what ``warden scan`` runs: one JSON verdict per input line, in order, never a traceback.

Speed: the signatures are prefiltered by Hyperscan when the ``hyperscan`` wheel is installed (one compiled
database, cached on disk; ``injection/hsengine.py``), with a pure-Python path of identical verdicts otherwise.
Many short texts should go through ``scan_many`` (the classifier runs once per chunk of them, not per text);
``bench/bench_guard.py`` measures both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Literal

from governance.injection.scanner import FLAG_THRESHOLD, Analysis, analyse, analyse_many
from governance.injection.topics import TopicPolicy, TopicVerdict
from governance.injection.views import normalize as _normalize

__all__ = ["FLAG_THRESHOLD", "GuardPolicy", "Verdict", "normalize", "scan", "scan_jsonl", "scan_many",
           "scan_untrusted", "screen_request", "verdict_json"]

REQUEST_MAX_CHARS = 4000
UNTRUSTED_MAX_CHARS = 20_000

Refusal = Literal["injection", "off_topic", "too_long", "empty"]


@dataclass(frozen=True)
class Verdict:
    flagged: bool
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)
    normalized: str = ""
    families: tuple[str, ...] = ()            # attack families seen (ignore_previous, exfiltration, ...)
    topics: tuple[str, ...] = ()              # allow-listed topics touched (screen_request only)
    refusal: Refusal | None = None            # why a request is refused (screen_request only)


@dataclass(frozen=True)
class GuardPolicy:
    """Per-deployment guard settings. ``topics=None`` turns the topic allow-list off."""

    topics: TopicPolicy | None = None
    max_untrusted_chars: int = UNTRUSTED_MAX_CHARS


def normalize(text: str) -> str:
    """NFKC, invisible/bidi characters removed, whitespace runs collapsed (case kept)."""
    return _normalize(text)


def scan(text: str, *, max_chars: int = REQUEST_MAX_CHARS, allow_empty: bool = False,
         use_classifier: bool = True) -> Verdict:
    """Score one text: flagged on a size violation, on empty text (unless ``allow_empty``), or when the
    combined score of signatures, structural signals and the classifier reaches ``FLAG_THRESHOLD``.
    ``use_classifier=False`` is the rules alone (for evaluation)."""
    return _verdict(analyse(text, max_chars=max_chars, allow_empty=allow_empty, use_classifier=use_classifier))


def scan_many(texts: list[str], *, max_chars: int = UNTRUSTED_MAX_CHARS, allow_empty: bool = True,
              use_classifier: bool = True) -> list[Verdict]:
    """``scan`` of each text, in order; the literal prefilter and the classifier run once over the batch, so
    many short texts (JSONL records, ticket fields) cost far less than one call each. The defaults are those
    of ``scan_untrusted``. Same verdicts as one by one."""
    return [_verdict(a) for a in analyse_many(texts, max_chars=max_chars, allow_empty=allow_empty,
                                              use_classifier=use_classifier)]


def _verdict(a: Analysis) -> Verdict:
    if not a.findings:
        return Verdict(flagged=a.flagged, score=a.score, reasons=a.reasons, normalized=a.normalized)
    families = tuple(sorted({f.family for f in a.findings if f.family != "structure"}))
    return Verdict(flagged=a.flagged, score=a.score, reasons=a.reasons, normalized=a.normalized,
                   families=families)


def scan_untrusted(text: str, *, max_chars: int = UNTRUSTED_MAX_CHARS, use_classifier: bool = True) -> Verdict:
    """Scan text an outsider wrote. Empty is not suspicious here; over-long is (padding hides payloads)."""
    return scan(text, max_chars=max_chars, allow_empty=True, use_classifier=use_classifier)


def screen_request(text: str, *, max_chars: int = REQUEST_MAX_CHARS, topics: TopicPolicy | None = None) -> Verdict:
    """The user's request: the injection scan, then the topic allow-list. ``refusal`` says which one refused."""
    verdict = scan(text, max_chars=max_chars)
    if verdict.flagged:
        first = verdict.reasons[0] if verdict.reasons else ""
        refusal: Refusal = ("too_long" if first.startswith("too_long") else "empty" if first == "empty"
                            else "injection")
        return _with(verdict, refusal=refusal)
    if topics is None:
        return verdict
    tv: TopicVerdict = topics.check(verdict.normalized)
    if tv.on_topic:
        return _with(verdict, topics=tv.topics)
    return _with(verdict, flagged=True, reasons=(*verdict.reasons, f"topic:{tv.reason}:{topics.name}"),
                 refusal="off_topic")


def _with(v: Verdict, **changes: Any) -> Verdict:
    data = {**v.__dict__, **changes}
    return Verdict(**data)


def verdict_json(v: Verdict | Analysis) -> dict[str, Any]:
    """The public JSON shape of a verdict (``warden scan`` output, API payloads). An ``Analysis`` has the same
    flagged, score and reasons as the verdict made from it."""
    return {"flagged": v.flagged, "score": v.score, "reasons": list(v.reasons)}


def _error_verdict(line_no: int, code: str, message: str) -> dict[str, Any]:
    # Fail closed: a consumer that only reads ``flagged`` must not let an unreadable record through.
    return {"flagged": True, "score": 1.0, "reasons": [f"error:{code}"],
            "error": {"line": line_no, "code": code, "message": message[:300]}}


JSONL_BATCH = 256  # records scanned together by ``scan_jsonl`` (verdicts still come out in input order)


def scan_jsonl(lines: Iterable[str], *, max_chars: int = UNTRUSTED_MAX_CHARS,
               batch: int = JSONL_BATCH, workers: int = 1) -> Iterator[dict[str, Any]]:
    """Exactly one verdict per input line, in input order. Input lines are ``{"text": "..."}``; any other
    line (blank, not JSON, not such an object) yields an error verdict (``flagged: true`` plus ``error``).
    Records are scanned ``batch`` at a time (``scan_many``), so verdicts come out batch by batch (``batch=1``
    answers each line as soon as it is read, at a lower throughput).

    ``workers`` > 1 scans batches in that many forked processes (Linux only; elsewhere, or for input of one
    batch, it scans here): the same verdicts in the same order, at most ``2 * workers`` batches read ahead."""
    if workers > 1 and batch > 1 and _can_fork():
        yield from _scan_jsonl_parallel(iter(lines), max_chars=max_chars, batch=batch, workers=workers)
        return
    lines, size, first = iter(lines), max(1, batch), 1
    while chunk := list(islice(lines, size)):
        yield from _scan_lines(first, chunk, max_chars)
        first += len(chunk)


def _scan_lines(first: int, lines: list[str], max_chars: int) -> list[dict[str, Any]]:
    """The verdicts of ``lines`` (the first of which is line ``first`` of the input), in order: ``scan_many``'s,
    in ``verdict_json``'s shape, taken from the analyses directly (a ``Verdict`` per line and its families,
    which the JSON does not show, were ~5% of ``warden scan``)."""
    parsed = [_parse_line(n, line) for n, line in enumerate(lines, start=first)]
    texts = [item for item in parsed if isinstance(item, str)]
    analyses = iter(analyse_many(texts, max_chars=max_chars, allow_empty=True)) if texts else iter(())
    return [verdict_json(next(analyses)) if isinstance(item, str) else item for item in parsed]


def _can_fork() -> bool:
    import multiprocessing
    import sys

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _scan_jsonl_parallel(lines: Iterator[str], *, max_chars: int, batch: int,
                         workers: int) -> Iterator[dict[str, Any]]:
    """``scan_jsonl`` over forked worker processes. The guard is loaded here first (signatures, Hyperscan
    database, classifier weights), so every child starts with it in memory instead of loading it again; batches
    go out in input order, at most ``2 * workers`` in flight, and come back in the same order."""
    from collections import deque
    from multiprocessing import get_context

    first_batch = list(islice(lines, batch))
    if len(first_batch) < batch:        # one batch or less: a pool would cost more than it saves
        if first_batch:
            yield from _scan_lines(1, first_batch, max_chars)
        return
    scan_many(["warm up"])              # load everything before forking, once
    ctx = get_context("fork")
    with ctx.Pool(processes=workers) as pool:
        in_flight: deque[Any] = deque()
        next_line = 1
        chunk: list[str] | None = first_batch
        while chunk or in_flight:
            while chunk and len(in_flight) < 2 * workers:
                in_flight.append(pool.apply_async(_scan_lines, (next_line, chunk, max_chars)))
                next_line += len(chunk)
                chunk = list(islice(lines, batch))
            yield from in_flight.popleft().get()


def _parse_line(n: int, line: str) -> str | dict[str, Any]:
    """The text of one JSONL line, or the error verdict for a line that is not ``{"text": "..."}``."""
    if not line.strip():
        return _error_verdict(n, "empty_line", "blank line")
    try:
        record = json.loads(line)
    except ValueError as exc:
        return _error_verdict(n, "invalid_json", str(exc))
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return _error_verdict(n, "invalid_record", 'each line must be an object with a string "text"')
    return str(record["text"])
