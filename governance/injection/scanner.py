"""The scan itself: every view of a text against every signature, combined into one score with reasons.

Scoring is a noisy-OR over *distinct* signatures (``1 - prod(1 - weight)``), so one unambiguous phrase flags a
text on its own and two ambiguous ones together do. Two structural signals add weight because they are what
disguise looks like, not what customers write: invisible characters *inside* words, and words mixing Latin with
Cyrillic/Greek look-alikes. Text hidden where no view looks is read too (``hidden_texts``): ASCII carried by
invisible Unicode tag characters (flagged on its own: ``tag_characters``) and lines written backwards. A
signature found only after undoing an obfuscation adds the ``hidden`` signal too: someone went to the trouble of
hiding it.

The learned classifier (``classifier.py``) contributes one more signal when its weights file is present (the
rules never depend on it): a probability at or above its calibrated threshold flags the text on its own
(weight 0.5 at the threshold, rising to 1.0), reported as ``classifier:<p>``; below the threshold it adds
nothing and says nothing.

How signatures are found: each view is read in segments of whole lines (``_segment_spans``) and a signature
is found when its anchors occur in a segment and its Python regex matches there. Which signatures are even
tried is decided by a prefilter that may only say "cannot match": with Hyperscan (``hsengine.py``) one scan
per view reports, for all signatures at once, where a match of a superset of each may end, and only those
segments and signatures are tried; without it (or ``$WARDEN_GUARD_ENGINE=python``), the numpy literal
prefilter (``prefilter.py``) and the anchor index do. Both give the same findings in the same order, which
``tests/unit/test_guard_engine.py`` checks on every corpus.
"""

from __future__ import annotations

import math
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

import numpy as np

from governance.injection import classifier as _classifier
from governance.injection import hsengine as _hsengine
from governance.injection.prefilter import Prefilter
from governance.injection.quoting import Spans, quoted_spans
from governance.injection.signatures import INDEX, SQUASHED, AnchorIndex
from governance.injection.views import (
    View,
    gates_many,
    has_invisible_inside_words,
    has_mixed_script_word,
    normalize_many,
    plain_only,
    replace_surrogates,
    views,
)

FLAG_THRESHOLD = 0.5
TAG_WEIGHT = 0.6   # text written in invisible Unicode tag characters ("ASCII smuggling"): no benign use but flags
HIDDEN_WEIGHT = 0.35
INVISIBLE_WEIGHT = 0.35
MIXED_SCRIPT_WEIGHT = 0.35
SCAN_WINDOW_FACTOR = 2  # text beyond max_chars * this is not scanned (it is flagged too_long anyway)


@dataclass(frozen=True)
class Finding:
    """One matched signal: a signature id (or a structural signal), its family, weight and where it was seen."""

    id: str
    family: str
    weight: float
    view: str = "plain"

    @property
    def quoted(self) -> bool:
        """Seen only inside a quotation: by a signature's own fixed frame (its ``_quoted`` twin) or by
        position (``requote``)."""
        return self.view == "quoted" or self.id.endswith("_quoted")

    @property
    def reason(self) -> str:
        if self.family == "classifier":
            return f"classifier:{self.id}" + ("@quoted" if self.view == "quoted" else "")
        if self.family == "structure":
            return f"obfuscation:{self.id}"
        where = "" if self.view == "plain" else f"@{self.view.removeprefix('plain>')}"
        return f"signature:{self.id}{where}"


@dataclass(frozen=True)
class Analysis:
    flagged: bool
    score: float
    reasons: tuple[str, ...]
    normalized: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def families(self) -> frozenset[str]:
        return frozenset(f.family for f in self.findings)


ExtraSignal = Callable[[str], Finding | None]  # e.g. the classifier: normalised text -> a finding or None


def noisy_or(weights: Sequence[float]) -> float:
    remaining = 1.0
    for w in weights:
        remaining *= 1.0 - min(max(w, 0.0), 1.0)
    return round(1.0 - remaining, 4)


def score(findings: Sequence[Finding]) -> float:
    """The noisy-OR of the findings, where everything seen only inside quotations counts once, as its
    heaviest: a training or a phishing report that quotes five attacks is one text quoting attacks, not five
    pieces of evidence (an attacker who quotes his own instruction still adds that one signal)."""
    quoted = [f.weight for f in findings if f.quoted]
    weights = [f.weight for f in findings if not f.quoted]
    if quoted:
        weights.append(max(quoted))
    return noisy_or(weights)


SEGMENT = 600    # views are matched in segments of whole lines about this long: each regex runs only where
LONG_LINE = 2048  # its anchors are. A line longer than LONG_LINE is cut into overlapping windows.
OVERLAP = 300    # consecutive segments share a line (or this many characters), so a phrase that crosses a
                 # segment boundary is still seen whole


def _segments(text: str) -> list[str]:
    return [chunk for chunk, _ in _segment_spans(text)]


def _segment_spans(text: str) -> list[tuple[str, tuple[int, int] | None]]:
    """The segments of ``text`` with where each lies in it (``None`` for one made of windows of a long line,
    which is not a substring of the text)."""
    if len(text) <= SEGMENT:
        return [(text, (0, len(text)))]
    lines: list[tuple[str, int]] = []       # (line or window, offset; -1 for a window of a long line)
    offset = 0
    for line in text.split("\n"):
        if len(line) <= LONG_LINE:
            lines.append((line, offset))
        else:
            step = LONG_LINE - OVERLAP
            lines.extend((line[i:i + LONG_LINE], -1) for i in range(0, len(line) - OVERLAP, step))
        offset += len(line) + 1
    out: list[tuple[str, tuple[int, int] | None]] = []
    group: list[tuple[str, int]] = []
    size = 0

    def emit(items: list[tuple[str, int]]) -> None:
        chunk = "\n".join(line for line, _ in items)
        first, last = items[0], items[-1]
        contiguous = all(off >= 0 for _, off in items)
        out.append((chunk, (first[1], last[1] + len(last[0])) if contiguous else None))

    for item in lines:
        group.append(item)
        size += len(item[0]) + 1
        if size >= SEGMENT:
            emit(group)
            group, size = [item], len(item[0]) + 1  # the last line opens the next segment too
    if len(group) > 1 or not out:
        emit(group)
    return out


_LETTER = re.compile(r"[^\W\d_]")


def _anchor_tests(index: AnchorIndex) -> list[Callable[[str], bool]]:
    """Per signature, exactly ``AnchorIndex.candidates``' test: a word (a run of letters) starting with one of
    its prefix keys, or one of its substrings (symbols, CJK) anywhere. Always true without anchors."""
    keys: dict[int, list[str]] = {i: [] for i in range(len(index.signatures))}
    subs: dict[int, list[str]] = {i: [] for i in range(len(index.signatures))}
    for table in index.prefixes.values():
        for key, ids in table.items():
            for i in ids:
                keys[i].append(key)
    for anchor, i in (*index.substrings, *index.cjk):
        subs[i].append(anchor)
    always = set(index.always)
    letter = _LETTER.match

    def make(prefix: re.Pattern[str] | None, substrings: tuple[str, ...]) -> Callable[[str], bool]:
        def test(text: str) -> bool:
            if any(s in text for s in substrings):
                return True
            if prefix is not None:
                for m in prefix.finditer(text):
                    p = m.start()
                    if p == 0 or letter(text, p - 1) is None:
                        return True
            return False
        return test

    tests: list[Callable[[str], bool]] = []
    for i in range(len(index.signatures)):
        if i in always or not (keys[i] or subs[i]):
            tests.append(lambda _text: True)
            continue
        prefix = re.compile("|".join(re.escape(k) for k in sorted(set(keys[i]), key=len, reverse=True))) \
            if keys[i] else None
        tests.append(make(prefix, tuple(dict.fromkeys(subs[i]))))
    return tests


_PREFILTER: list[Prefilter] = []
_PREFILTER_LOCK = threading.Lock()


def prefilter() -> Prefilter:
    """The numpy literal prefilter of the pure-Python path, built on first use (~0.9 s of CPU: a process that
    scans with Hyperscan, such as ``warden scan``, never pays for it)."""
    if not _PREFILTER:
        with _PREFILTER_LOCK:
            if not _PREFILTER:
                _PREFILTER.append(Prefilter([s.pattern for s in INDEX.signatures]))
    return _PREFILTER[0]


ANCHOR_TESTS = _anchor_tests(INDEX)


def match_signatures(text: str, index: AnchorIndex = INDEX) -> list[Finding]:
    """Signatures found in any view of ``text`` (first view wins per signature).

    Each view is read in segments; in each, only the signatures that the literal prefilter has not ruled out
    (``prefilter.py``) and whose anchors occur are run, in signature order."""
    if index is not INDEX:
        return _match_signatures_slow(text, index)
    return match_signatures_many([text])[0]


def match_signatures_many(texts: Sequence[str]) -> list[list[Finding]]:
    """``match_signatures`` of each text. With Hyperscan (``hsengine.py``), each distinct segment is scanned
    once for every signature and only the signatures it reports are run. Without it, views short enough to be
    one segment (most texts: requests, fields, ticket bodies) are prefiltered together, in one scan of them all
    joined by line breaks; a key occurrence that straddles two of them can only keep a signature in, never rule
    one out."""
    hs = hyperscan_engine()
    if hs is not None:
        norms, sources = normalize_many(texts)
        return _match_many_hs(texts, [n.lower() for n in norms], sources, hs)
    all_views = [views(t) for t in texts]
    pieces: list[str] = []
    where: dict[tuple[int, int], tuple[int, int]] = {}
    offset = 0
    for ti, vs in enumerate(all_views):
        for vi, view in enumerate(vs):
            if not view.kind.endswith("despaced") and len(view.text) <= SEGMENT:
                pieces.append(view.text)
                where[(ti, vi)] = (offset, offset + len(view.text))
                offset += len(view.text) + 1
    if sum(len(piece) for piece in pieces) <= SMALL_BATCH and all(
            len(v.text) <= SEGMENT for vs in all_views for v in vs if not v.kind.endswith("despaced")):
        # one short text: the anchor index alone is cheaper than numpy's fixed cost (same verdicts: both only
        # skip signatures that cannot match)
        return [_match_views(vs, ti, {}, None, small=True) for ti, vs in enumerate(all_views)]
    batch_of = prefilter().spans("\n".join(pieces)) if pieces else None
    return [_match_views(vs, ti, where, batch_of) for ti, vs in enumerate(all_views)]


def _match_many_hs(texts: Sequence[str], plains: Sequence[str], sources: Sequence[str],
                   hs: _hsengine.Engine, plain_events: list[list[tuple[int, int]] | None] | None = None,
                   ) -> list[list[Finding]]:
    """``match_signatures_many`` with Hyperscan, given each text's plain view and folded text. The texts whose
    only view is the plain one (no event in ``views.gates_many``: most of them) get no ``View`` objects; every view
    of every text is scanned for the signatures in one pass over the batch (``Engine.events_many``), and a
    text whose views have no event at all has no finding (unless Hyperscan left some signature out).
    ``plain_events``: a list to receive each text's events in its plain view (for ``requote``)."""
    gates = gates_many(plains, sources)
    all_views: list[list[View] | None] = []     # None: the plain view alone (most texts; no View made for it)
    for i, text in enumerate(texts):
        if gates is None:
            all_views.append(views(text, plain=plains[i], source=sources[i]))
        elif plain_only(plains[i], gates[i]):
            all_views.append(None)
        else:
            all_views.append(views(text, plain=plains[i], source=sources[i], gates=gates[i]))
    flat: list[str] = []
    for plain, vs in zip(plains, all_views, strict=True):
        if vs is None:
            flat.append(plain)
        else:
            flat.extend(v.text for v in vs if not v.kind.endswith("despaced"))
    events = iter(hs.events_many(flat))
    out: list[list[Finding]] = []
    for plain, vs in zip(plains, all_views, strict=True):
        if vs is None:
            got = next(events)
            if plain_events is not None:
                plain_events.append(got)
            if got == [] and not hs.fallback:   # (a text whose one view has no event has no finding)
                out.append([])
                continue
            vs, per_view = [View("plain", plain)], [got]
        else:
            per_view = [None if v.kind.endswith("despaced") else next(events) for v in vs]
            if plain_events is not None:
                plain_events.append(per_view[0] if vs[0].kind == "plain" else None)
            if len(vs) == 1 and per_view[0] == [] and not hs.fallback:
                out.append([])
                continue
        out.append(_match_views_hs(vs, hs, per_view))
    return out


SMALL_BATCH = 600  # below this many characters of single-segment views in a batch, no numpy prefilter


def _match_views(vs: list[View], ti: int, where: dict[tuple[int, int], tuple[int, int]],
                 batch_of: Callable[[int, int], set[int]] | None, *, small: bool = False) -> list[Finding]:
    found: dict[str, Finding] = {}
    seen: set[str] = set()
    sigs = INDEX.signatures
    for vi, view in enumerate(vs):
        if view.kind.endswith("despaced"):
            for sid, family, weight, phrases in SQUASHED:
                if sid not in found and any(p in view.text for p in phrases):
                    found[sid] = Finding(sid, family, weight, view.kind)
            continue
        span_in_batch = where.get((ti, vi))
        segments = _segment_spans(view.text)
        of = None
        for chunk, span in segments:
            if chunk in seen:
                continue  # a derived view leaves most lines as they were: match each distinct segment once
            seen.add(chunk)
            if small and len(chunk) <= SEGMENT:
                for sig in INDEX.candidates(chunk):
                    if sig.id not in found and sig.search(chunk):
                        found[sig.id] = Finding(sig.id, sig.family, sig.weight, view.kind)
                continue
            if span_in_batch is not None and batch_of is not None:
                survivors = batch_of(*span_in_batch)
            elif span is None:
                survivors = prefilter().survivors(chunk)
            else:
                if of is None:
                    of = prefilter().spans(view.text)  # one scan of the view for all its segments
                survivors = of(*span)
            for i in sorted(survivors):
                sig = sigs[i]
                if sig.id not in found and ANCHOR_TESTS[i](chunk) and sig.search(chunk):
                    found[sig.id] = Finding(sig.id, sig.family, sig.weight, view.kind)
    return list(found.values())


_SIG_IDS = [sig.id for sig in INDEX.signatures]


def _first_search(i: int) -> Callable[[str], re.Match[str] | None]:
    def search(text: str) -> re.Match[str] | None:   # compiles signature i's regex, then steps aside
        found = _SIG_SEARCH[i] = INDEX.signatures[i].pattern.compiled.search
        return found(text)
    return search


_SIG_SEARCH = [_first_search(i) for i in range(len(INDEX.signatures))]  # each regex's own ``search``, once compiled
_FINDINGS: dict[tuple[int, str], Finding] = {}


def _finding(i: int, kind: str) -> Finding:
    """The finding of signature ``i`` in a view of this kind: one shared object per pair (findings are
    frozen; the pairs are bounded by the signatures times the view kinds, a few hundred in practice)."""
    got = _FINDINGS.get((i, kind))
    if got is None:
        sig = INDEX.signatures[i]
        got = _FINDINGS.setdefault((i, kind), Finding(sig.id, sig.family, sig.weight, kind))
    return got


def _match_views_hs(vs: list[View], hs: _hsengine.Engine,
                    scanned: Sequence[list[tuple[int, int]] | None] | None = None) -> list[Finding]:
    """``_match_views`` with Hyperscan as the prefilter. Each view is scanned once; a view with no match event
    is done with (most of them), and in the others only the segments in which some event ends are read, each
    with the signatures whose events end in it (plus those Hyperscan could not take), in signature order,
    confirmed by anchors and regex exactly as the other paths do: the findings and their order are the same.
    ``scanned``: the events of each view (``Engine.events_many``, from one scan of a whole batch; None for a
    despaced view), instead of one scan per view here."""
    found: dict[str, Finding] = {}
    seen: set[str] = set()
    always = hs.fallback

    def confirm(chunk: str, ids: set[int], kind: str) -> None:
        for i in sorted(always.union(ids)) if always else sorted(ids):
            sid = _SIG_IDS[i]
            if sid not in found and ANCHOR_TESTS[i](chunk) and _SIG_SEARCH[i](chunk) is not None:
                found[sid] = _finding(i, kind)

    for vi, view in enumerate(vs):
        text = view.text
        if view.kind.endswith("despaced"):
            for sid, family, weight, phrases in SQUASHED:
                if sid not in found and any(p in text for p in phrases):
                    found[sid] = Finding(sid, family, weight, view.kind)
            continue
        events = hs.events(text) if scanned is None else scanned[vi]
        if events is None:  # not UTF-8 (a lone surrogate): the anchor index, as the reference engine does
            for chunk in _segments(text):
                for sig in INDEX.candidates(chunk):
                    if sig.id not in found and sig.search(chunk):
                        found[sig.id] = Finding(sig.id, sig.family, sig.weight, view.kind)
            continue
        if not events and not always:
            continue
        if len(text) <= SEGMENT:  # one segment, the whole view
            if text not in seen:
                seen.add(text)
                confirm(text, {i for i, _ in events}, view.kind)
            continue
        ends = [e for _, e in events]
        ids = [i for i, _ in events]
        to_byte = _byte_offsets(text)
        for bounds in _segment_bounds(text):
            if isinstance(bounds, str):    # windows of a long line: not a substring, scanned on its own
                chunk, got = bounds, hs.candidates(bounds)
                cands = got if got is not None else set(range(len(INDEX.signatures)))
            else:
                start, end = bounds
                lo = bisect_right(ends, to_byte(start))
                hi = bisect_right(ends, to_byte(end), lo)
                if lo == hi and not always:
                    continue
                chunk, cands = text[start:end], set(ids[lo:hi])
            if chunk in seen:
                continue
            seen.add(chunk)
            confirm(chunk, cands, view.kind)
    return list(found.values())


def _segment_bounds_short_lines(lengths: list[int]) -> list[tuple[int, int] | str]:
    """``_segment_bounds`` when no line needs windows, from the line lengths alone: a segment runs from its
    first line to the first line that brings it to ``SEGMENT`` characters (found by bisection on the running
    total, rather than line by line), and that line opens the next one."""
    total = [0, *accumulate(n + 1 for n in lengths)]       # total[k]: where line k starts
    count = len(lengths)
    out: list[tuple[int, int] | str] = []
    first = 0
    while True:
        # the first segment may be one line long; the next ones always add at least one line to the carried one
        last = bisect_left(total, total[first] + SEGMENT, first + (1 if out else 0) + 1) - 1
        if last >= count:
            break
        out.append((total[first], total[last] + lengths[last]))
        first = last
    if count - first > 1 or not out:
        out.append((total[first], total[count - 1] + lengths[count - 1]))
    return out


def _byte_offsets(text: str) -> Callable[[int], int]:
    """Character offset -> UTF-8 byte offset in ``text`` (Hyperscan reports bytes, segments are characters)."""
    if text.isascii():
        return int
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    width = 1 + (cp >= 0x80).astype(np.int64) + (cp >= 0x800) + (cp >= 0x10000)
    cum = np.zeros(len(cp) + 1, dtype=np.int64)
    np.cumsum(width, out=cum[1:])
    return lambda i: int(cum[i])


def _segment_bounds(text: str) -> list[tuple[int, int] | str]:
    """``_segment_spans`` without building the chunks that are substrings of ``text``: their (start, end),
    and the chunk itself only for one made of windows of a long line."""
    if len(text) <= SEGMENT:
        return [(0, len(text))]
    lengths = [len(line) for line in text.split("\n")]
    if max(lengths) <= LONG_LINE:
        return _segment_bounds_short_lines(lengths)
    out: list[tuple[int, int] | str] = []
    group: list[tuple[str, int]] = []  # (line or window, offset; -1 for a window of a long line)
    windows = 0
    size = 0

    def emit() -> None:
        if windows:
            out.append("\n".join(line for line, _ in group))
        else:
            out.append((group[0][1], group[-1][1] + len(group[-1][0])))

    offset = 0
    for line in text.split("\n"):
        if len(line) <= LONG_LINE:
            items = [(line, offset)]
        else:
            step = LONG_LINE - OVERLAP
            items = [(line[i:i + LONG_LINE], -1) for i in range(0, len(line) - OVERLAP, step)]
        offset += len(line) + 1
        for item in items:
            group.append(item)
            windows += item[1] < 0
            size += len(item[0]) + 1
            if size >= SEGMENT:
                emit()
                group, size, windows = [item], len(item[0]) + 1, int(item[1] < 0)
    if len(group) > 1 or not out:
        emit()
    return out


_HS: dict[bool, _hsengine.Engine | None] = {}


def hyperscan_engine() -> _hsengine.Engine | None:
    """The Hyperscan engine for the signatures (loaded or compiled on first use), or None: not installed, or
    turned off (``$WARDEN_GUARD_ENGINE=python``, ``hsengine.set_mode``)."""
    if not _hsengine.enabled():
        return None
    if True not in _HS:
        _HS[True] = _hsengine.engine([s.pattern for s in INDEX.signatures])
    return _HS[True]


def _match_signatures_slow(text: str, index: AnchorIndex) -> list[Finding]:
    """The reference engine (anchors only, no literal prefilter): kept for other indexes and for tests."""
    found: dict[str, Finding] = {}
    seen: set[str] = set()
    for view in views(text):
        if view.kind.endswith("despaced"):
            for sid, family, weight, phrases in SQUASHED:
                if sid not in found and any(p in view.text for p in phrases):
                    found[sid] = Finding(sid, family, weight, view.kind)
            continue
        for chunk in _segments(view.text):
            if chunk in seen:
                continue
            seen.add(chunk)
            for sig in index.candidates(chunk):
                if sig.id not in found and sig.search(chunk):
                    found[sig.id] = Finding(sig.id, sig.family, sig.weight, view.kind)
    return list(found.values())


_TAG_CHAR = re.compile("[\U000E0020-\U000E007E]")
_TAG_RUN = re.compile("(?<![\U0001F3F4\U000E0020-\U000E007E])[\U000E0020-\U000E007E]{4,}")   # not a subdivision flag's tag letters
_REVERSED = ("eht", "dna", "ruoy", "uoy", "siht", "taht", "htiw", "rof", "lla", "snoitcurtsni", "erongi", "dnes",
             "dnufer", "liame", "ot", "fo", "esaelp", "redro", "tekcit", "remotsuc", "lanigiro", "metsys")  # none an English word
_REVERSED_WORDS = re.compile(r"(?<![^\W\d_])(?:" + "|".join(_REVERSED) + r")(?![^\W\d_])")
REVERSED_MIN = 4   # distinct reversed English function words before a text is also read backwards


def _few_reversed(lowered: str) -> bool:
    """Fewer than ``REVERSED_MIN`` of the reversed words occur in ``lowered`` even as substrings, so
    ``_REVERSED_WORDS`` (whole words only) cannot find that many: ~1 us of ``in`` tests instead of ~6 us of a
    regex that tries its lookbehind at every position. Most texts stop here."""
    found = 0
    for word in _REVERSED:
        if word in lowered:
            found += 1
            if found >= REVERSED_MIN:
                return False
    return True


# Substrings of everyday English ("not", "for", "profile"): the other reversed words are rare in any text, and a
# text with REVERSED_MIN distinct reversed words holds at least one of them, which one Hyperscan scan of a batch
# finds (``_maybe_reversed``).
_REVERSED_COMMON = ("ot", "fo", "rof")
assert len(_REVERSED_COMMON) < REVERSED_MIN
_REVERSED_RARE = tuple(re.compile(re.escape(w)) for w in _REVERSED if w not in _REVERSED_COMMON)


_REVERSED_ENGINE: list[_hsengine.Engine | None] = []
REVERSED_SCAN_MIN = 1000   # fewer characters in all: ``_few_reversed`` costs less than the scan's fixed cost


def _maybe_reversed(lowered: Sequence[str]) -> list[bool]:
    """For each (normalised, lower-cased) text: False when it certainly has fewer than ``REVERSED_MIN``
    reversed words, because it holds none of the rare ones (one Hyperscan scan of the batch, ~0.1 us a text,
    instead of ``_few_reversed``'s ~3 us); True when it may have more (or without Hyperscan)."""
    if sum(map(len, lowered)) < REVERSED_SCAN_MIN or not _hsengine.enabled():
        return [True] * len(lowered)
    if not _REVERSED_ENGINE:
        _REVERSED_ENGINE.append(_hsengine.engine(_REVERSED_RARE))
    engine = _REVERSED_ENGINE[0]
    if engine is None or engine.fallback:
        return [True] * len(lowered)
    return [events is None or bool(events) for events in engine.events_many(lowered)]


def hidden_texts(window: str, norm: str, *, maybe_reversed: bool = True) -> list[tuple[str, str]]:
    """Text an attacker hid where the views do not look: ("tags", ASCII carried by invisible Unicode tag
    characters, which normalisation strips) and ("reversed", the text read backwards, when it is full of
    reversed English words: "snoitcurtsni suoiverp erongi"). ``maybe_reversed=False``: the caller knows the
    text cannot be the latter (``_maybe_reversed``)."""
    out: list[tuple[str, str]] = []
    if not window.isascii() and _TAG_CHAR.search(window):   # (one class search first: _TAG_RUN's lookbehind
        runs = _TAG_RUN.findall(window)                      # is tried at every position)
        if runs:
            out.append(("tags", "\n".join("".join(chr(ord(c) - 0xE0000) for c in run) for run in runs)))
    if not maybe_reversed:
        return out
    lowered = norm.lower()
    if not _few_reversed(lowered) and len(
            {m.group(0) for m in _REVERSED_WORDS.finditer(lowered, 0, 20_000)}) >= REVERSED_MIN:
        out.append(("reversed", "\n".join(line[::-1] for line in lowered.split("\n"))))
    return out


def classifier_finding(norm: str) -> Finding | None:
    """The shipped classifier's signal for a normalised text, or None (below threshold, or no weights)."""
    return classifier_findings([norm])[0]


def classifier_findings(norms: Sequence[str]) -> list[Finding | None]:
    """``classifier_finding`` of each text, scored in one vectorised pass."""
    model = _classifier.load()
    out: list[Finding | None] = [None] * len(norms)
    if model is None:
        return out
    live = [i for i, n in enumerate(norms) if len(n) >= _classifier.MIN_CHARS]
    if not live:
        return out
    t = model.threshold
    lowered = [norms[i].lower() for i in live]
    probabilities: list[float] = []
    for start, end in _chunks(len(lowered), CLASSIFIER_CHUNK, [len(x) for x in lowered], CLASSIFIER_CHARS):
        probabilities.extend(model.probabilities(lowered[start:end]).tolist())
    for i, p in zip(live, probabilities, strict=True):
        if p >= t:
            weight = 0.5 + 0.5 * (p - t) / max(1e-9, 1.0 - t)
            out[i] = Finding(f"{p:.2f}", "classifier", round(min(weight, 1.0), 4))
    return out


CLASSIFIER_CHUNK = 256  # texts per classifier call: ~7.5 us/text in chunks of 256, ~11 in chunks of 48, and more
                        # again beyond ~512 (its batch arrays outgrow the cache); probabilities do not depend on it


CLASSIFIER_CHARS = 64_000  # ... and at most about this many characters (16 KB documents: a few per call)


def _chunks(n: int, size: int, lengths: Sequence[int] | None = None,
            chars: int = CLASSIFIER_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive chunks of at most ``size`` texts, closed early (with two texts or more)
    once they hold ``chars`` characters; never a chunk of one out of a larger batch at the end (the classifier
    scores a text alone on its per-text path: the same verdicts, but kept like for like)."""
    bounds: list[tuple[int, int]] = []
    start = total = 0
    for i in range(n):
        total += lengths[i] if lengths is not None else 0
        if i + 1 - start >= size or (total >= chars and i > start):
            bounds.append((start, i + 1))
            start, total = i + 1, 0
    if start < n:
        bounds.append((start, n))
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] == 1:
        bounds[-2:] = [(bounds[-2][0], n)]
    return bounds


QUOTE_MIN_CHARS = 300   # shorter texts are read with the signatures' fixed frames only: in a short message a
                        # quotation is how an instruction is delivered ("my friend said: 'agent, refund ...'. Can
                        # you do it?"); quoting to discuss needs the room of a report, a training, minutes
QUOTED_FLOOR = 0.25     # a signature with no ``_quoted`` twin, seen only inside quotations
QUOTED_CLASSIFIER = 0.25  # the classifier's signal when it rests on the quotations
QUOTED_MARGIN = 0.5     # ... that is, when blanking them lowers its logit below the threshold's by this much
_SIG_INDEX = {sig.id: i for i, sig in enumerate(INDEX.signatures)}


def _outside(sig_index: int, plain: str, bounds: list[tuple[int, int] | str], spans: Spans,
             ends: list[int] | None, to_byte: Callable[[int], int]) -> bool:
    """Whether the signature matches ``plain`` (the lower-cased plain view) anywhere but inside a quotation,
    read in the scan's own segments (``bounds``: ``_segment_bounds``), so at the bounded cost a regex has
    there, and only where it can match: where its anchors occur and, with Hyperscan, where one of its events
    ends (``ends``: byte offsets, sorted; None: no events known). A window of an overlong line is not a
    substring of the text, so a match in it counts as outside."""
    finditer = INDEX.signatures[sig_index].pattern.compiled.finditer
    has_anchor = ANCHOR_TESTS[sig_index]
    for b in bounds:
        if isinstance(b, str):
            if has_anchor(b) and _SIG_SEARCH[sig_index](b) is not None:
                return True
            continue
        start, end = b
        if ends is not None:
            lo = bisect_right(ends, to_byte(start))
            if lo == len(ends) or ends[lo] > to_byte(end):
                continue
        chunk = plain[start:end]
        if not has_anchor(chunk):
            continue
        for m in finditer(chunk):
            if not spans.inside(start + m.start()):
                return True
    return False


def requote(findings: list[Finding], norm: str, events: list[tuple[int, int]] | None = None,
            hs: _hsengine.Engine | None = None, plain: str | None = None) -> list[Finding]:
    """``findings`` with those that rest only on quotations (``quoting.quoted_spans``) read as quoted: a
    signature in the plain view whose every match starts inside a quotation drops to its ``_quoted`` twin's
    weight (or ``QUOTED_FLOOR``) and is reported ``@quoted``; the classifier's signal drops to
    ``QUOTED_CLASSIFIER`` when the text with its quotations blanked scores clearly below the threshold. Other
    views (decoded, de-obfuscated) are never quotations: someone hid those words. ``events``: the Hyperscan
    events of the plain view from the scan (``hs``'s), which say where each signature can match (the same
    result without them, only slower). ``plain``: ``norm.lower()``, when the caller has it."""
    plain = norm.lower() if plain is None else plain
    if len(plain) != len(norm):   # (lower-casing moved positions: no span can be trusted)
        return findings
    spans = Spans(quoted_spans(norm))
    if not spans:
        return findings
    by_sig: dict[int, list[int]] | None = None
    if events is not None and hs is not None:
        by_sig = {}
        for sid, end in events:
            by_sig.setdefault(sid, []).append(end)
    to_byte = _byte_offsets(plain) if by_sig is not None else int
    out: list[Finding] = []
    bounds = _segment_bounds(plain)
    for f in findings:
        i = _SIG_INDEX.get(f.id)
        if f.family == "classifier" and f.view == "plain":
            out.append(_requote_classifier(f, spans, norm))
            continue
        if f.view != "plain" or i is None or f.quoted:
            out.append(f)
            continue
        ends = None if by_sig is None or (hs is not None and i in hs.fallback) else sorted(by_sig.get(i, ()))
        if _outside(i, plain, bounds, spans, ends, to_byte):
            out.append(f)
        else:
            twin = _SIG_INDEX.get(f"{f.id}_quoted")
            floor = INDEX.signatures[twin].weight if twin is not None else min(f.weight, QUOTED_FLOOR)
            out.append(Finding(f.id, f.family, floor, "quoted"))
    return out


def _requote_classifier(f: Finding, spans: Spans, norm: str) -> Finding:
    model = _classifier.load()
    if model is None:
        return f
    p = float(model.probabilities([spans.blanked(norm).lower()])[0])
    if _logit(p) >= _logit(model.threshold) - QUOTED_MARGIN:
        return f
    return Finding(f.id, "classifier", QUOTED_CLASSIFIER, "quoted")


def _logit(p: float) -> float:
    p = min(max(p, 1e-12), 1.0 - 1e-12)
    return math.log(p / (1.0 - p))


def analyse(text: str, *, max_chars: int, allow_empty: bool = False,
            extra: Sequence[ExtraSignal] = (), use_classifier: bool = True) -> Analysis:
    """Score one text. ``max_chars``: longer is flagged ``too_long`` (and only a window is scanned).
    ``use_classifier=False`` scores with the rules alone (the evaluation's ablation)."""
    return analyse_many([text], max_chars=max_chars, allow_empty=allow_empty, extra=extra,
                        use_classifier=use_classifier)[0]


def analyse_many(texts: Sequence[str], *, max_chars: int, allow_empty: bool = False,
                 extra: Sequence[ExtraSignal] = (), use_classifier: bool = True) -> list[Analysis]:
    """``analyse`` of each text, in order, with the prefilter and the classifier run once over the batch
    (the same verdicts as one by one: nothing in a text's score depends on its neighbours)."""
    windows = [replace_surrogates(text[: max_chars * SCAN_WINDOW_FACTOR]) for text in texts]  # (they raised)
    norms, sources = normalize_many(windows)
    prepared: list[tuple[list[str], bool, str, str]] = []
    for text, window, norm in zip(texts, windows, norms, strict=True):
        reasons: list[str] = []
        hard_flag = False
        if len(text) > max_chars:
            reasons.append(f"too_long:{len(text)}>{max_chars}")
            hard_flag = True
        if not norm and not allow_empty:
            reasons.append("empty")
            hard_flag = True
        prepared.append((reasons, hard_flag, window, norm))
    scanned = [i for i, p in enumerate(prepared) if p[3]]
    hs = hyperscan_engine()
    maybe_reversed = [True] * len(scanned)
    plain_events: dict[int, list[tuple[int, int]] | None] = {}
    lowered: dict[int, str] = {}
    if hs is not None:
        plains = [norms[i].lower() for i in scanned]
        events: list[list[tuple[int, int]] | None] = []
        found = _match_many_hs([windows[i] for i in scanned], plains, [sources[i] for i in scanned], hs, events)
        plain_events = dict(zip(scanned, events, strict=True))
        lowered = dict(zip(scanned, plains, strict=True))
        maybe_reversed = _maybe_reversed(plains)
    else:
        found = match_signatures_many([windows[i] for i in scanned])
    matched = dict(zip(scanned, found, strict=True))
    learned = (dict(zip(scanned, classifier_findings([prepared[i][3] for i in scanned]), strict=True))
               if use_classifier else {})
    hidden = {i: h for i, maybe in zip(scanned, maybe_reversed, strict=True)
              if (h := hidden_texts(windows[i], norms[i], maybe_reversed=maybe))}
    if hidden:   # text smuggled in invisible tag characters, or written backwards: its signatures count too
        found_hidden = match_signatures_many([text for _, text in (h for texts_of in hidden.values() for h in texts_of)])
        pairs = iter(found_hidden)
        for i, texts_of in hidden.items():
            have = {f.id for f in matched[i]}
            for kind, _ in texts_of:
                for f in next(pairs):
                    if f.id not in have:
                        have.add(f.id)
                        matched[i].append(Finding(f.id, f.family, f.weight, f"{kind}>{f.view}"))
            if any(kind == "tags" for kind, _ in texts_of):
                matched[i].append(Finding("tag_characters", "structure", TAG_WEIGHT))
    out: list[Analysis] = []
    for i, (reasons, hard_flag, window, norm) in enumerate(prepared):
        findings = matched.get(i, [])
        if not findings and not hard_flag and not extra and learned.get(i) is None and (
                window.isascii() or not (has_invisible_inside_words(window) or has_mixed_script_word(norm.lower()))):
            # nothing seen: exactly what the general case below gives (noisy_or of nothing is 0.0, no reasons)
            out.append(Analysis(flagged=False, score=0.0, reasons=(), normalized=norm))
            continue
        if findings and all(f.view != "plain" for f in findings):
            findings.append(Finding("hidden", "structure", HIDDEN_WEIGHT))
        if has_invisible_inside_words(window):
            findings.append(Finding("invisible_in_word", "structure", INVISIBLE_WEIGHT))
        if has_mixed_script_word(norm.lower()):
            findings.append(Finding("mixed_script", "structure", MIXED_SCRIPT_WEIGHT))
        got = learned.get(i)
        if got is not None:
            findings.append(got)
        for signal in extra:
            extra_finding = signal(norm)
            if extra_finding is not None:
                findings.append(extra_finding)
        if len(norm) >= QUOTE_MIN_CHARS and any(f.view == "plain" or f.family == "classifier" for f in findings):
            findings = requote(findings, norm, plain_events.get(i), hs, lowered.get(i))
        total = 1.0 if hard_flag else score(findings)
        flagged = hard_flag or total >= FLAG_THRESHOLD
        # rules first (heaviest first): they say *what* was seen; the classifier's probability comes last
        reasons.extend(f.reason for f in sorted(findings, key=lambda f: (f.family == "classifier", -f.weight)))
        out.append(Analysis(flagged=flagged, score=total, reasons=tuple(reasons), normalized=norm,
                            findings=tuple(findings)))
    return out
