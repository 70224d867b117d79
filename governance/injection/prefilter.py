"""An exact literal prefilter: which signatures *cannot* match a text (or a segment of it), in one numpy pass.

Why: the deny list has ~100 regexes and ordinary support-desk text is full of the words they start from
("you", "system", "all", "send"), so running every candidate regex over every segment of every view cost
most of the scan time. A regex can only match where its *required literals* occur, and those can be read off
the regex itself:

- ``required_clauses(pattern)`` walks the parsed regex (``re._parser``) and returns clauses, each a set of
  strings of which at least one occurs in any text the regex matches (a conjunctive normal form):
  ``\\bignore\\s+(?:all|any)\\s+rules`` gives ``{ignore all rules, ignore any rules}``. Alternatives union
  their best clause, optional parts and wide classes give nothing, lookarounds are transparent, ``\\b`` is
  kept as a mark (``B``: no word character on that side), and a whitespace run is one space (the scanner
  reads the text the same way). Nothing is guessed: a clause is only kept when the regex cannot match
  without it.
- ``KeyScanner`` finds where each literal's *key* (a window of up to 6 characters, the rarest-looking one)
  occurs: every n-gram of the text is hashed in numpy and looked up in a bitmap. A hash collision can only
  add an occurrence, never hide one.
- ``Prefilter.spans(text)`` then gives, for any segment, the signatures whose every kept clause has a key
  occurrence in it (with its boundaries): the only ones worth running there.

The scanner still applies the signatures' anchors and regexes to the survivors, so verdicts are the same as
without the prefilter: ``tests/unit/test_guard_prefilter.py`` checks that no signature ever matches where it
was ruled out and that the engine equals the anchor-only one, and the evaluation compared every verdict on
every corpus before and after.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from re import _constants as _C  # type: ignore[attr-defined]
from re import _parser as _P  # type: ignore[attr-defined]
from typing import Any

import numpy as np

CAP = 4096        # largest set of alternative exact strings tracked before it becomes a clause
MIN_LITERAL = 3   # clauses holding a shorter string are dropped (too common in ordinary text to prune anything)
MAX_CLAUSES = 4   # per signature: the most selective clauses are enough to rule most texts out

Clause = frozenset[str]


def _info(items: Any) -> tuple[set[str] | None, list[Clause]]:
    """(exact, clauses) of a parsed sequence: ``exact`` is the finite set of strings it can match (or None)."""
    exact: set[str] | None = {""}
    clauses: list[Clause] = []
    whole = True

    def flush(ex: set[str] | None) -> None:
        if ex and "" not in ex and len(ex) <= CAP:
            clauses.append(frozenset(ex))

    for op, av in items:
        e, c = _item(op, av)
        clauses.extend(c)
        if e is not None and exact is not None and len(exact) * len(e) <= CAP:
            exact = {_collapse(a + b) for a in exact for b in e}
        else:
            whole = False
            flush(exact)
            exact = set(e) if e is not None else None
    if whole:
        return exact, clauses
    flush(exact)
    return None, clauses


def _best(e: set[str] | None, c: list[Clause]) -> Clause | None:
    if e is not None:
        return frozenset(e) if "" not in e else None
    if not c:
        return None
    return max(c, key=lambda s: (min(map(len, s)), -len(s)))


def _collapse(s: str) -> str:
    """Runs of spaces as one: the scanner reads every whitespace run of the text as a single space."""
    while "  " in s:
        s = s.replace("  ", " ")
    return s


def _item(op: Any, av: Any) -> tuple[set[str] | None, list[Clause]]:
    if op is _C.LITERAL:
        ch = chr(av)
        return {" " if ch.isspace() else ch}, []
    if op is _C.AT and av is _C.AT_BOUNDARY:
        return {B}, []                        # \\b: kept as a marker, read by ``_split_marks``
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return {""}, []                       # zero-width: transparent (lookarounds only narrow a match)
    if op is _C.SUBPATTERN:
        return _info(av[3])
    if op is _C.ATOMIC_GROUP:
        return _info(av)
    if op is _C.BRANCH:
        alts = [_info(a) for a in av[1]]
        if all(e is not None for e, _ in alts):
            union: set[str] = set().union(*[e for e, _ in alts if e is not None])
            if len(union) <= CAP:
                return union, []
        clause: set[str] = set()
        for e, c in alts:
            b = _best(e, c)
            if b is None:
                return None, []               # one alternative needs no literal: the branch needs none
            clause |= b
        return None, [frozenset(clause)]
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        e, c = _info(sub)
        if e is not None and e <= {" "}:
            return ({"", " "} if lo == 0 else {" "}), []  # a whitespace run is one space to the scanner
        if lo == 0:
            return (e | {""}, []) if hi == 1 and e is not None else (None, [])
        if lo == hi == 1:
            return e, c
        return None, c + ([frozenset(e)] if e is not None and "" not in e else [])
    if op is _C.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is _C.LITERAL:
                chars.add(" " if chr(a).isspace() else chr(a))
            elif o is _C.CATEGORY and a is _C.CATEGORY_SPACE:
                chars.add(" ")
            elif o is _C.RANGE and a[1] - a[0] < 8:
                chars |= {chr(x) for x in range(a[0], a[1] + 1)}
            else:
                return None, []               # negated sets, categories, wide ranges: anything goes
        return (chars if len(chars) <= 8 else None), []
    return None, []                           # ANY, NOT_LITERAL, GROUPREF, ...: no literal known


B = "\x00"  # stands for a word boundary (\\b) inside the strings of a clause


def _clean(s: str) -> str:
    """Boundary marks only at the ends, and only next to a word character (where they mean "not a word
    character on that side"); a mark anywhere else is dropped (a weaker, still necessary, condition)."""
    left = s.startswith(B)
    right = s.endswith(B) and len(s) > 1
    core = _collapse(s.replace(B, ""))
    if not core:
        return ""
    left = left and (core[0].isascii() and (core[0].isalnum() or core[0] == "_"))
    right = right and (core[-1].isascii() and (core[-1].isalnum() or core[-1] == "_"))
    return (B if left else "") + core + (B if right else "")


def required_clauses(pattern: str) -> list[Clause]:
    """Clauses (sets of strings) of which each has a member in every text ``pattern`` matches. A string may
    start or end with ``B``: the text holds it with no word character right before (after) it."""
    e, c = _info(_P.parse(pattern))
    if e is not None and "" not in e:
        c = [*c, frozenset(e)]
    cleaned = [frozenset(_clean(s) for s in x) for x in c]
    return [x for x in dict.fromkeys(cleaned) if "" not in x]


def literal(s: str) -> str:
    return s.replace(B, "")


_COMMON_SYMBOLS = frozenset(".,:;!?-'\"()/ \n")


def _rarity(clause: Clause) -> float:
    """How rare a clause's weakest member is likely to be in ordinary text: its length, with short symbol runs
    (``</``, ``<|``, ``@``) counted as rare and common punctuation as worthless."""
    def one(s: str) -> float:
        bonus = s.count(B) * 0.75  # "\\bai\\b" is far rarer than "ai"
        s = literal(s)
        if any(ch.isalnum() for ch in s):
            return len(s) + bonus
        return 0.0 if all(ch in _COMMON_SYMBOLS for ch in s) else 6.0
    return min(one(s) for s in clause)


def selective(clauses: Iterable[Clause], *, min_literal: int = MIN_LITERAL, limit: int = MAX_CLAUSES) -> list[Clause]:
    """The clauses worth testing: none whose weakest member is shorter than ``min_literal`` (or is common
    punctuation), the rarest first."""
    kept = [c for c in clauses if _rarity(c) >= min_literal]
    kept.sort(key=lambda c: (-_rarity(c), len(c), sorted(c)))
    return kept[:limit]


_BASE = np.uint32(0x01000193)             # FNV-32 prime as the polynomial base (arithmetic mod 2**32)
_FIB = np.uint32(0x9E3779B9)
KEY_LEN = 6                               # a literal is looked for by a window of at most KEY_LEN characters
KEY_LENGTHS = (1, 2, 3, 4, 6)             # (a longer key is cut to the next shorter one: fewer hash rows)
BITMAP_BITS = 16                          # 64 KB: stays in cache


def _key(lit: str) -> tuple[str, bool, bool]:
    """What a literal is looked for by: a window of it whose length is one of ``KEY_LENGTHS``, and whether the
    window starts (ends) where the literal does. Rarer windows prune more: one around the first symbol
    (``al:gra`` of ``approval:granted``), else one that spans the first inner space (the end of a word and the
    start of the next: ``al com`` of ``additional commands``), else the prefix."""
    n = max(k for k in KEY_LENGTHS if k <= len(lit))
    if n == len(lit):
        return lit, True, True
    symbol = next((i for i, ch in enumerate(lit) if not ch.isalnum() and ch not in " _'"), -1)
    space = lit.find(" ", 1)
    at = symbol if symbol >= 0 else (space if 0 < space < len(lit) - 1 else -1)
    if at < 0:
        return lit[:n], True, False
    a = min(max(0, at - n // 2), len(lit) - n)
    return lit[a:a + n], a == 0, a + n == len(lit)


def _key_hash(key: str) -> int:
    h = 0
    for ch in key:
        h = (h * 0x01000193 + ord(ch)) % (1 << 32)
    return h


class KeyScanner:
    """Where the keys (literal prefixes of at most ``KEY_LEN`` characters) of a fixed set occur in a text.

    Every n-gram of the text is hashed (numpy), looked up in a bitmap of the keys' hashes, and the few hits
    are resolved to key ids by binary search. A hash collision can only add a spurious occurrence, never hide
    a real one, so "key absent" is a proof that every literal starting with it is absent."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self.key_lengths = np.array([len(k) for k in self.keys], dtype=np.int64)
        self.lengths = np.array(sorted({len(k) for k in self.keys}), dtype=np.int64)
        self.longest = int(self.lengths.max()) if len(self.lengths) else 0
        mixed = np.array([_key_hash(k) + len(k) for k in self.keys], dtype=np.uint64).astype(np.uint32)
        order = np.argsort(mixed, kind="stable")
        self.table = mixed[order]
        self.table_ids = np.arange(len(self.keys), dtype=np.int64)[order]
        self.bitmap = np.zeros(1 << BITMAP_BITS, dtype=bool)
        self.bitmap[self._buckets(mixed)] = True

    @staticmethod
    def _buckets(mixed: np.ndarray) -> np.ndarray:
        return (mixed * _FIB) >> np.uint32(32 - BITMAP_BITS)  # uint32 arrays wrap silently

    def occurrences(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(start positions, ids) of every key occurrence in ``text``, sorted by position. The id is
        ``4 * key + flags``, one entry per flag combination the occurrence satisfies: bit 0 when no word
        character precedes it, bit 1 when none follows it (ASCII word characters; anything else may be a
        boundary, so it never rules a key out)."""
        empty = np.zeros(0, dtype=np.int64)
        raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        if not len(raw) or not self.longest:
            return empty, empty
        origin: np.ndarray | None = None
        cp = raw
        if _CANON.search(text):
            # every whitespace run read as one space (as the clauses were built); positions map back
            space = _SPACE[np.minimum(raw, len(_SPACE) - 1)]
            keep = np.ones(len(raw), dtype=bool)
            keep[1:] = ~(space[1:] & space[:-1])
            cp = np.where(space, np.uint32(32), raw)[keep]
            kept = np.flatnonzero(keep)
            # an occurrence starting with a space may use any character of its run: the run's last one
            last_of_run = np.append(kept[1:] - 1, len(raw) - 1)
            origin = np.where(space[kept], last_of_run, kept)
        size = len(cp)
        rows = np.zeros((self.longest, size), dtype=np.uint32)  # row n-1: hash of the n-gram at each position
        rows[0] = cp
        for n in range(2, self.longest + 1):
            if n > size:
                break
            np.multiply(rows[n - 2, : size - n + 1], _BASE, out=rows[n - 1, : size - n + 1])
            rows[n - 1, : size - n + 1] += cp[n - 1:]
        mixed = rows[self.lengths - 1] + self.lengths.astype(np.uint32)[:, None]
        r, pos = np.nonzero(self.bitmap[self._buckets(mixed)])
        fits = pos <= size - self.lengths[r]
        r, pos = r[fits], pos[fits]
        values = mixed[r, pos]
        at = np.minimum(np.searchsorted(self.table, values), len(self.table) - 1)
        exact = self.table[at] == values
        pos, kid = pos[exact], self.table_ids[at[exact]]
        exact_len = self.key_lengths[kid] == self.lengths[r[exact]]
        pos, kid = pos[exact_len], kid[exact_len]
        if not len(pos):
            return empty, empty
        word = _ASCII_WORD[np.minimum(cp, 128)]
        before = (pos == 0) | ~word[np.maximum(pos - 1, 0)]
        end = pos + self.key_lengths[kid]
        after = (end >= size) | ~word[np.minimum(end, size - 1)]
        base = kid * 4
        both = before & after
        pos_all = np.concatenate([pos, pos[before], pos[after], pos[both]])
        kid_all = np.concatenate([base, base[before] + 1, base[after] + 2, base[both] + 3])
        order = np.argsort(pos_all, kind="stable")
        pos_all = pos_all[order]
        return (origin[pos_all] if origin is not None else pos_all), kid_all[order]


_CANON = re.compile(r"\s\s|[^\S ]")  # whitespace other than single spaces: the text needs canonicalising
_SPACE = np.zeros(0x3002, dtype=bool)  # str.isspace (what ``\\s`` matches); the last slot stands for any higher
_SPACE[[c for c in range(0x3001) if chr(c).isspace()]] = True
_ASCII_WORD = np.zeros(129, dtype=bool)
for _ch in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
    _ASCII_WORD[ord(_ch)] = True


class Prefilter:
    """For a fixed list of compiled regexes: which of them can possibly match a given text or span of it."""

    def __init__(self, patterns: Sequence[Any]) -> None:  # re.Pattern or signatures.LazyRegex: .pattern is read
        self.clauses: list[list[Clause]] = []
        for p in patterns:
            every = required_clauses(p.pattern)
            self.clauses.append(selective(every) or selective(every, min_literal=1, limit=2))
        keys = sorted({_key(literal(s))[0] for cl in self.clauses for c in cl for s in c})
        self.scanner = KeyScanner(keys)
        key_id = {k: i for i, k in enumerate(keys)}

        def vid(s: str) -> int:
            core = literal(s)
            key, at_start, at_end = _key(core)
            flags = (1 if s.startswith(B) and at_start else 0) | (2 if s.endswith(B) and at_end else 0)
            return 4 * key_id[key] + flags

        # a clause as the set of key ids that may witness it (a literal is present only if its key is, with
        # the boundary it needs)
        self.key_clauses: list[list[frozenset[int]]] = [
            [frozenset(vid(s) for s in c) for c in cl] for cl in self.clauses]
        self.unfiltered = frozenset(i for i, cl in enumerate(self.clauses) if not cl)
        self.by_first_key: dict[int, list[int]] = {}
        for i, kc in enumerate(self.key_clauses):
            if kc:
                for k in kc[0]:
                    self.by_first_key.setdefault(k, []).append(i)
        self.first_keys = frozenset(self.by_first_key)

    def _from_keys(self, present: set[int]) -> set[int]:
        out = set(self.unfiltered)
        if not present:
            return out
        clauses = self.key_clauses
        for k in self.first_keys.intersection(present):
            for i in self.by_first_key[k]:
                if i not in out and all(not c.isdisjoint(present) for c in clauses[i][1:]):
                    out.add(i)
        return out

    def survivors(self, text: str) -> set[int]:
        """Indices of the patterns not ruled out for ``text`` (always including those with no clause)."""
        _, kid = self.scanner.occurrences(text)
        return self._from_keys(set(kid.tolist()))

    def span_survivors(self, text: str, spans: Sequence[tuple[int, int]]) -> list[set[int]]:
        """``survivors`` of each ``text[start:end]``, from one scan of ``text``."""
        of = self.spans(text)
        return [of(s, e) for s, e in spans]

    def spans(self, text: str) -> Callable[[int, int], set[int]]:
        """Scan ``text`` once; the result gives ``survivors(text[start:end])`` for any span, on demand."""
        pos, kid = self.scanner.occurrences(text)
        if not len(pos):
            return lambda _s, _e: set(self.unfiltered)
        positions = pos.tolist()
        kids = kid.tolist()

        def of(start: int, end: int) -> set[int]:
            return self._from_keys(set(kids[bisect_left(positions, start):bisect_left(positions, end)]))
        return of
