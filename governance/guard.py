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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any, BinaryIO, Literal, TypeVar

import orjson

from governance.injection.scanner import FLAG_THRESHOLD, Analysis, analyse, analyse_many
from governance.injection.topics import TopicPolicy, TopicVerdict
from governance.injection.views import normalize as _normalize

__all__ = ["FLAG_THRESHOLD", "GuardPolicy", "Verdict", "normalize", "scan", "scan_jsonl", "scan_jsonl_stream",
           "scan_many", "scan_untrusted", "screen_request", "verdict_json"]

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
    batch, it scans here): the same verdicts in the same order, at most ``2 * workers`` batches read ahead.
    ``scan_jsonl_stream`` is the same over bytes (what ``warden scan`` runs)."""
    lines, size = iter(lines), max(1, batch)
    head = next(lines, None)
    if head is not None and (head := head.removeprefix(_BOM)):  # a byte order mark at the very start is
        lines = chain([head], lines)                                # dropped, as ``scan_jsonl_stream`` does
    chunks = iter(lambda: list(islice(lines, size)), [])
    jobs = _numbered((chunk, len(chunk)) for chunk in chunks)
    for verdicts in _ordered_map(_scan_lines, jobs, max_chars, workers if batch > 1 else 1):
        yield from verdicts


def scan_jsonl_stream(source: BinaryIO, sink: BinaryIO, *, max_chars: int = UNTRUSTED_MAX_CHARS,
                      batch: int = JSONL_BATCH, workers: int = 1) -> int:
    r"""``scan_jsonl`` from bytes to bytes: JSONL read from ``source`` (UTF-8, a byte order mark at the start
    ignored; undecodable bytes become U+FFFD, lines end at ``\n``, ``\r\n`` or ``\r`` as in text mode), one
    JSON verdict a line written to ``sink`` in input order, a batch at a time (each flushed: ``batch=1`` answers
    every line before reading the next).
    Returns how many lines were unreadable (each got an error verdict).

    Each batch is decoded, parsed, scanned and encoded by whoever scans it, so with ``workers`` > 1 the main
    process only moves bytes: the work spreads over the worker processes instead of queueing behind one
    process's JSON (the ``scan_jsonl`` path sends lines out and dicts back)."""
    size = max(1, batch)
    blocks = _without_bom(iter(lambda: b"".join(islice(source, size)), b""))
    jobs = _numbered((block, _line_count(block)) for block in blocks)
    bad = 0
    for out, errors in _ordered_map(_scan_block, jobs, max_chars, workers if batch > 1 else 1):
        sink.write(out)
        sink.flush()
        bad += errors
    return bad


_BOM = "\ufeff"


def _without_bom(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """``blocks`` with a UTF-8 byte order mark at the very start of the input dropped (Windows editors and
    PowerShell write one; RFC 8259 lets a parser ignore it). Anywhere else it stays, and that line is not JSON."""
    first = next(blocks, None)
    if first is None:
        return
    first = first.removeprefix(_BOM.encode())
    if first:
        yield first
    yield from blocks


def _numbered(items: Iterable[tuple[Any, int]]) -> Iterator[tuple[int, Any]]:
    """(number of the first line, item) for items of ``n`` lines each, the first line being line 1."""
    first = 1
    for item, n in items:
        yield first, item
        first += n


def _line_count(block: bytes) -> int:
    r"""How many lines text mode reads from ``block`` (complete lines of a file, but maybe its last one):
    ``\n``, ``\r\n`` and a lone ``\r`` each end one, and a last line needs no end."""
    n = block.count(b"\n")
    if b"\r" in block:
        n += block.count(b"\r") - block.count(b"\r\n")
    return n + (not block.endswith((b"\n", b"\r")))


_fast_loads = orjson.loads  # ~0.4 us a record instead of ~1.8; it accepts nothing the stdlib would refuse
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # one encoder (json.dumps with options makes one per call)
_CLEAN = _ENCODE({"flagged": False, "score": 0.0, "reasons": []})  # most lines' verdict, encoded once


def _encode(verdict: dict[str, Any]) -> str:
    if verdict["score"] == 0.0 and not verdict["flagged"] and not verdict["reasons"] and len(verdict) == 3:
        return _CLEAN
    return _ENCODE(verdict)


def _scan_block(first: int, block: bytes, max_chars: int) -> tuple[bytes, int]:
    """The verdicts of the lines in ``block`` (the first being line ``first`` of the input) as JSONL bytes,
    and how many of those lines were unreadable."""
    text = block.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    verdicts = _scan_lines(first, lines, max_chars)
    return ("\n".join(map(_encode, verdicts)) + "\n").encode(), sum("error" in v for v in verdicts)


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


_T = TypeVar("_T")


def _ordered_map(fn: Callable[[int, Any, int], _T], jobs: Iterator[tuple[int, Any]], max_chars: int,
                 workers: int) -> Iterator[_T]:
    """``fn(first, item, max_chars)`` for each job, results in job order; with ``workers`` > 1 (and fork, and
    more than one job) in that many forked processes, at most ``2 * workers`` jobs read ahead. The Hyperscan
    database and the classifier's weights are loaded here first, so every child starts with them in memory;
    each child compiles the signature regexes its texts need (``signatures.LazyRegex``): compiling them all
    here first measured the same wall time (~0.3 s in one process, instead of in parallel) and costs more
    where most texts are benign and need few."""
    first_job = next(jobs, None)
    if first_job is None:
        return
    second_job = next(jobs, None) if workers > 1 and _can_fork() else None
    if second_job is None:           # one process (or one job: a pool would cost more than it saves)
        yield fn(*first_job, max_chars)
        for job in jobs:
            yield fn(*job, max_chars)
        return
    from collections import deque
    from itertools import chain
    from multiprocessing import get_context

    scan_many(["warm up"])           # the database and the weights loaded once, before forking
    with get_context("fork").Pool(processes=workers) as pool:
        in_flight: deque[Any] = deque()
        for job in chain((first_job, second_job), jobs):
            in_flight.append(pool.apply_async(fn, (*job, max_chars)))
            if len(in_flight) >= 2 * workers:
                yield in_flight.popleft().get()
        while in_flight:
            yield in_flight.popleft().get()


def _parse_line(n: int, line: str) -> str | dict[str, Any]:
    """The text of one JSONL line (its line break, if any, is not part of it), or the error verdict for a
    line that is not ``{"text": "..."}``."""
    line = line.removesuffix("\n")  # lines read from a text file: messages then say "line 1 column N" either way
    if not line.strip():
        return _error_verdict(n, "empty_line", "blank line")
    try:
        record = _fast_loads(line)
    except ValueError:  # what orjson refuses (NaN, a lone surrogate, a huge number) is read as the stdlib reads it,
        try:            # and a line that is not JSON gets the stdlib's message
            record = json.loads(line)
        except ValueError as exc:
            return _error_verdict(n, "invalid_json", str(exc))
        except RecursionError:
            return _error_verdict(n, "invalid_json", "nested too deeply")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return _error_verdict(n, "invalid_record", 'each line must be an object with a string "text"')
    return str(record["text"])
