"""Cross-lingual concept features for the classifier: words mapped to language-independent concepts.

Why: the character n-grams learn an attack's wording in the languages they were trained on, and the corpus is
two-thirds English with ~10-300 texts for each of 40 other languages, so an ignore-previous or
forward-the-records request in Swedish or Thai is often missed (blind sets: English ~86% recall, the other
languages ~47%). Mapping each word to a concept (IGNORE, PREVIOUS, INSTRUCTION, SEND, ALL, CUSTOMER, ...) by a
per-language lexicon (``concepts.json``) lets what the model learns from English attacks ("IGNORE ... PREVIOUS
... INSTRUCTION", "SEND ALL CUSTOMER DATA EXTERNAL EMAIL") weigh the same concepts in any language the
lexicon covers, whatever the word order.

The lexicon was written by five writers (one per language family, 44 languages, 63 concepts, ~48k stems) and
then pruned of cross-language collisions: a stem of one language that starts frequent words of another
language with a different meaning there (Latvian "mi " = AI is Spanish "my") was dropped (``evals/lexicon/``).

Matching:

- a stem matches where a word starts (the character before is not a word character) and the text there begins
  with the stem (prefix match: "инструкц" matches инструкция/инструкций; "anweisung" Anweisungen); a stem
  written with a trailing space must end a word there ("alle "); stems may hold spaces ("from now on");
- stems of scripts without spaces (Chinese, Japanese kana and kanji, Thai, Lao, Khmer, Myanmar) match at any
  of their characters;
- at each position the longest stem wins, and a match starting inside an earlier match is a piece of it;
- the stems are two Aho-Corasick automata (``pyahocorasick``): the word stems are keyed with ``MARK`` before
  each of their word starts and run over the text with ``MARK`` put before each of its word starts, so they are
  only reported where words start; the stems of scripts without spaces run over those scripts' runs only. The
  automaton reports every stem that matches; the longest at each start is kept in numpy (a batch, a long text)
  or in Python (one short text: ``_matches_small``, the same result).

``rows`` gives the classifier three feature rows: the concept at each match position, and the unordered pair
of it with each of the two concepts before it in the same text (within ``PAIR_SPAN`` characters), so the
pairs do not depend on a language's word order.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np

LEXICON_PATH = Path(__file__).resolve().parent / "concepts.json"
PAIR_SPAN = 120        # characters: two concepts farther apart than this are not a pair
PAIR_BACK = 2          # each concept pairs with up to this many concepts before it
ROWS = 1 + PAIR_BACK

_FIB = np.uint64(0x9E3779B97F4A7C15)
_UNI_MIX = np.uint64(0x8CB92BA72F3D8DD7)
_PAIR_MIX = np.uint64(0xC2B2AE3D27D4EB4F)
_PAIR_K = np.uint64(0x165667B19E3779F9)


def _anywhere_script(ch: str) -> bool:
    """Scripts written without spaces between words: their stems match at any position."""
    o = ord(ch)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x0E00 <= o <= 0x0EFF or 0x1780 <= o <= 0x17FF or 0x1000 <= o <= 0x109F or 0xFF66 <= o <= 0xFF9F)


def _is_word(cp: np.ndarray) -> np.ndarray:
    """``classifier._is_word`` (the same definition; the classifier imports this module)."""
    lower = ((cp >= 97) & (cp <= 122)) | ((cp >= 48) & (cp <= 57)) | ((cp >= 65) & (cp <= 90))
    high = (cp >= 0xC0) & ~((cp >= 0x2000) & (cp <= 0x206F)) & ~((cp >= 0x3000) & (cp <= 0x303F)) \
        & ~((cp >= 0xFF00) & (cp <= 0xFF20))
    return lower | high | (cp == 95)


def _anywhere_mask(cp: np.ndarray) -> np.ndarray:
    return (((cp >= 0x3040) & (cp <= 0x30FF)) | ((cp >= 0x3400) & (cp <= 0x4DBF)) | ((cp >= 0x4E00) & (cp <= 0x9FFF))
            | ((cp >= 0xF900) & (cp <= 0xFAFF)) | ((cp >= 0x0E00) & (cp <= 0x0EFF)) | ((cp >= 0x1780) & (cp <= 0x17FF))
            | ((cp >= 0x1000) & (cp <= 0x109F)) | ((cp >= 0xFF66) & (cp <= 0xFF9F)))


def _word_char(ch: str) -> bool:
    """``classifier._is_word`` of one character."""
    o = ord(ch)
    return (ch.isascii() and (ch.isalnum() or ch == "_")) or (
        o >= 0xC0 and not (0x2000 <= o <= 0x206F or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFF20))


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[str, ...]
    words: ahocorasick.Automaton      # stems matched where a word starts, keyed with MARK before each word start
    anywhere: ahocorasick.Automaton   # stems of scripts without spaces, matched at any of their characters
    digest: str                       # sha256 of the file: weights trained with concepts record it
    stems: int
    longest_anywhere: int             # characters of the longest ``anywhere`` stem


# An automaton's value for a stem (STORE_INTS: no Python object per stem): its concept, whether it must end a
# word, the length of its key and the length of the stem itself.
_CID_BITS, _LEN_BITS = 7, 10
_LEN_MASK = (1 << _LEN_BITS) - 1


def _value(cid: int, whole: bool, key: str, stem: str) -> int:
    if cid >= 1 << _CID_BITS or max(len(key), len(stem)) > _LEN_MASK:
        raise ValueError(f"concept {cid} or stem {stem!r} does not fit an automaton value")
    return cid | (int(whole) << _CID_BITS) | (len(key) << (_CID_BITS + 1)) | (len(stem) << (_CID_BITS + 1 + _LEN_BITS))


def _unpack(values: Any) -> tuple[Any, Any, Any, Any]:
    """(concept, must end a word, key length, stem length) of an automaton value, or of an array of them."""
    return (values & ((1 << _CID_BITS) - 1), (values >> _CID_BITS) & 1,
            (values >> (_CID_BITS + 1)) & _LEN_MASK, (values >> (_CID_BITS + 1 + _LEN_BITS)) & _LEN_MASK)


MARK = "\x01"   # put before every word start of the text and of each word stem: a word stem's key can only
                # match where a word starts, and the automaton reports nothing inside words
_WORD_CLASS = "[0-9A-Za-z_\u00c0-\u1fff\u2070-\u2fff\u3040-\ufeff\uff21-\U0010ffff]"   # _is_word, as a class
_WORD_START = re.compile(f"(?<!{_WORD_CLASS})(?={_WORD_CLASS})")
_ANYWHERE_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff"
                           "\u1780-\u17ff\u1000-\u109f\uff66-\uff9f]+")                   # _anywhere_mask


def _automaton(entries: dict[str, int]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for key, value in entries.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


def build(data: dict[str, dict[str, list[str]]], digest: str = "") -> Lexicon:
    """A lexicon from ``{language: {CONCEPT: [stem, ...]}}``. Stems are NFKC-folded and lower-cased (what the
    classifier reads); a stem listed under two concepts keeps the first (languages in file order)."""
    names = sorted({c for by_concept in data.values() for c in by_concept})
    index = {c: i for i, c in enumerate(names)}
    word: dict[str, int] = {}
    anywhere: dict[str, int] = {}
    seen: set[str] = set()
    for by_concept in data.values():
        for concept, stems in by_concept.items():
            for raw in stems:
                stem = unicodedata.normalize("NFKC", raw).lower()
                core = stem.strip()
                if len(core) < 2 or (len(core) < 3 and ord(core[0]) < 0x0530 and not stem.endswith(" ")):
                    continue   # a Latin, Greek or Cyrillic prefix of two letters starts too many words
                if core in seen:
                    continue
                if _anywhere_script(core[0]):
                    seen.add(core)
                    anywhere[core] = _value(index[concept], False, core, core)
                elif _word_char(core[0]):
                    seen.add(core)
                    key = _WORD_START.sub(MARK, core)
                    word[key] = _value(index[concept], stem.endswith(" "), key, core)
    return Lexicon(tuple(names), _automaton(word), _automaton(anywhere), digest, len(word) + len(anywhere),
                   max(map(len, anywhere), default=0))


_lock = threading.Lock()
_lexicon: Lexicon | None = None


def load(path: Path = LEXICON_PATH) -> Lexicon:
    """The shipped lexicon (``path``'s), read and built once per process (~0.1 s)."""
    global _lexicon
    if _lexicon is not None and path == LEXICON_PATH:
        return _lexicon
    with _lock:
        raw = path.read_bytes()
        lex = build(json.loads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest())
        if path == LEXICON_PATH:
            _lexicon = lex
        return lex


def _found(automaton: ahocorasick.Automaton, text: str, start: int = 0, end: int | None = None) -> np.ndarray:
    """Every (end position, value) the automaton reports in ``text[start:end]``, as an ``(n, 2)`` array."""
    got = automaton.iter(text, start, len(text) if end is None else end)
    flat = np.fromiter(chain.from_iterable(got), dtype=np.int64)
    return flat.reshape(-1, 2)


def _longest(starts: np.ndarray, ends: np.ndarray, cids: np.ndarray) -> tuple[np.ndarray, ...]:
    """Of the matches at each start, the longest; sorted by start."""
    order = np.lexsort((ends, starts))
    starts, ends, cids = starts[order], ends[order], cids[order]
    last = np.ones(len(starts), dtype=bool)
    last[:-1] = starts[1:] != starts[:-1]
    return starts[last], ends[last], cids[last]


SMALL = 1024   # code points: one text up to this long is matched by ``_matches_small`` (the same matches,
               # without the ~20 numpy calls that cost more than the whole match on a short text)
_FIRST_ANYWHERE = 0x0E00   # no script without spaces starts below this code point


def _matches_small(text: str, lex: Lexicon) -> tuple[list[int], list[int]]:
    """``matches`` of one short text (its padded string), in plain Python."""
    marked = _WORD_START.sub(MARK, text.replace(MARK, "\x02"))
    marks = [m.start() for m in _MARKS.finditer(marked)]
    length = len(text)
    best: dict[int, tuple[int, int]] = {}   # start -> (end, concept) of the longest stem there
    for end_m, value in lex.words.iter(marked):
        cid, whole, key_len, stem_len = _unpack(value)
        k = bisect_left(marks, end_m - key_len + 1)   # the key starts at the k-th MARK: k MARKs before it
        start = marks[k] - k
        end = start + stem_len
        if whole and end < length and _WORD_AT.match(text, end):
            continue
        if end > best.get(start, (-1, -1))[0]:
            best[start] = (end, cid)
    found = [(start, end, cid) for start, (end, cid) in sorted(best.items())]
    if lex.longest_anywhere and _ANYWHERE_RUN.search(text):
        best_any: dict[int, tuple[int, int]] = {}
        for end_i, value in lex.anywhere.iter(text):
            cid, _, _, stem_len = _unpack(value)
            start = end_i + 1 - stem_len
            if end_i + 1 > best_any.get(start, (-1, -1))[0]:
                best_any[start] = (end_i + 1, cid)
        found += [(start, end, cid) for start, (end, cid) in best_any.items()]
        found.sort(key=lambda f: f[0])   # stable: a word start before an anywhere match at the same position
    positions: list[int] = []
    concepts: list[int] = []
    reach = -1
    for start, end, cid in found:
        if start >= reach:
            positions.append(start)
            concepts.append(cid)
        reach = max(reach, end)
    return positions, concepts


_MARKS = re.compile(MARK)
_WORD_AT = re.compile(_WORD_CLASS)



def matches(cp: np.ndarray, is_word: np.ndarray | None, owner_end: np.ndarray | None,
            lex: Lexicon, text: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(positions, concept ids) of the concept matches in the code points ``cp`` (texts laid end to end, each
    padded with a space; ``owner_end[p]``: the end of the text position ``p`` belongs to, or None for one
    text; ``text``: the same as a string, when the caller has it), sorted by position: at each word start (and
    each character of a script without spaces) the longest stem that ends inside the text, except where that
    position lies inside an earlier match."""
    length = len(cp)
    empty = np.zeros(0, dtype=np.int64)
    if length < 3:
        return empty, empty
    if text is None:
        text = cp.astype(np.uint32).tobytes().decode("utf-32-le")
    if owner_end is None and length <= SMALL:
        positions, concepts = _matches_small(text, lex)
        return np.array(positions, dtype=np.int64), np.array(concepts, dtype=np.int64)
    if is_word is None:
        is_word = _is_word(cp)
    # The text with MARK before each word start (a MARK already in it cannot start a key: made another
    # character that is in no stem, so nothing matches across it either, as before).
    first = np.flatnonzero(is_word[1:] & ~is_word[:-1]) + 1
    if is_word[0]:
        first = np.concatenate([[0], first])
    marked_cp = np.insert(np.where(cp == ord(MARK), 2, cp).astype(np.uint32), first, ord(MARK))
    found = _found(lex.words, marked_cp.tobytes().decode("utf-32-le"))
    starts, ends, cids = empty, empty, empty
    if len(found):
        cid, whole, key_len, stem_len = _unpack(found[:, 1])
        # a key starts at a MARK: the k-th MARK sits at first[k] + k in the marked text
        starts = first[np.searchsorted(first + np.arange(len(first)), found[:, 0] - key_len + 1)]
        ends = starts + stem_len
        ok = (whole == 0) | (ends >= length) | ~is_word[np.minimum(ends, length - 1)]
        if owner_end is not None:
            ok &= ends <= owner_end[starts]
        starts, ends, cids = _longest(starts[ok], ends[ok], cid[ok])
    if lex.longest_anywhere and cp.max() >= _FIRST_ANYWHERE and _ANYWHERE_RUN.search(text):
        reach = lex.longest_anywhere
        span_start, span_end = -1, -1
        spans: list[tuple[int, int]] = []
        for m in _ANYWHERE_RUN.finditer(text):   # the runs of those scripts, with room for a stem to end past
            if m.start() > span_end:
                if span_end > 0:
                    spans.append((span_start, span_end))
                span_start = m.start()
            span_end = min(m.end() + reach, length)
        spans.append((span_start, span_end))
        parts = [_found(lex.anywhere, text, a, b) for a, b in spans]
        found = np.concatenate(parts) if len(parts) > 1 else parts[0]
        if len(found):
            cid, _, _, stem_len = _unpack(found[:, 1])
            e2 = found[:, 0] + 1
            s2 = e2 - stem_len
            ok = np.ones(len(s2), dtype=bool) if owner_end is None else e2 <= owner_end[s2]
            s2, e2, c2 = _longest(s2[ok], e2[ok], cid[ok])
            starts, ends, cids = (np.concatenate([starts, s2]), np.concatenate([ends, e2]),
                                  np.concatenate([cids, c2]))
            order = np.argsort(starts, kind="stable")   # a word start first, then an anywhere match there
            starts, ends, cids = starts[order], ends[order], cids[order]
    if len(starts) > 1:   # a match starting inside an earlier one is a piece of it ("now" in "from now on")
        reach_to = np.maximum.accumulate(ends)
        keep = np.ones(len(starts), dtype=bool)
        keep[1:] = starts[1:] >= reach_to[:-1]
        starts, cids = starts[keep], cids[keep]
    return starts, cids


def rows(cp: np.ndarray, is_word: np.ndarray | None, bits: int, owner_end: np.ndarray | None = None,
         lex: Lexicon | None = None, text: str | None = None) -> np.ndarray:
    """``(ROWS, L)`` bucket ids: the concept matched at each position, and its unordered pair with each of the
    ``PAIR_BACK`` concepts before it in the same text within ``PAIR_SPAN`` characters (``-1`` elsewhere)."""
    lex = lex or load()
    out = np.full((ROWS, len(cp)), -1, dtype=np.int64)
    pos, con = matches(cp, is_word, owner_end, lex, text)
    if not len(pos):
        return out
    shift = np.uint64(64 - bits)
    c = con.astype(np.uint64)
    out[0, pos] = (((c + _UNI_MIX) * _FIB) >> shift).astype(np.int64)
    limit = owner_end if owner_end is not None else None
    for back in range(1, PAIR_BACK + 1):
        if len(pos) <= back:
            break
        a, b = c[:-back], c[back:]
        near = (pos[back:] - pos[:-back]) <= PAIR_SPAN
        if limit is not None:
            near &= pos[back:] < limit[pos[:-back]]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        h = (((lo * _PAIR_K + hi + _PAIR_MIX) * _FIB) >> shift).astype(np.int64)
        out[back, pos[back:][near]] = h[near]
    return out
