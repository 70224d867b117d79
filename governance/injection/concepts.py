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
- the stems form a trie in flat arrays; all word starts of a batch walk it together, one character a numpy step
  (a hash table finds each edge), the last few long walks finish in Python, and one short text is walked in
  Python altogether (``_matches_small``, the same result).

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
from dataclasses import dataclass, field
from pathlib import Path

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
class Trie:
    """The stems as a trie in flat arrays: the transition ``node --cp--> child`` is found by searching the key
    ``node << 21 | cp`` in ``keys`` (sorted); ``concept[node]`` is the concept of the stem ending there (or -1)
    and ``whole[node]`` says that stem must end a word."""

    keys: np.ndarray        # uint64, sorted
    child: np.ndarray       # int64, parallel to keys
    concept: np.ndarray     # int64 per node
    whole: np.ndarray       # bool per node
    slot_key: np.ndarray    # the same transitions as an open-addressing hash table (linear probing, load <= 1/3):
    slot_child: np.ndarray  # one or two gathers a lookup instead of a binary search's ~18 cache misses
    py: list[tuple[dict[int, int], list[int], list[bool]]] = field(default_factory=list, compare=False, repr=False)

    def find(self, key: np.ndarray) -> np.ndarray:
        """The child of each transition key, or -1 where the trie has no such edge."""
        mask = np.uint64(len(self.slot_key) - 1)
        slot = ((key * _FIB) >> np.uint64(20)) & mask
        out = np.full(len(key), -1, dtype=np.int64)
        todo = np.arange(len(key))
        while len(todo):
            k = self.slot_key[slot]
            hit = k == key
            out[todo[hit]] = self.slot_child[slot[hit]]
            more = ~hit & (k != _EMPTY)
            todo, key, slot = todo[more], key[more], (slot[more] + np.uint64(1)) & mask
        return out


_EMPTY = np.uint64((1 << 64) - 1)


def _hash_table(keys: np.ndarray, child: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    size = 1 << max(4, int(3 * max(len(keys), 1) - 1).bit_length())
    mask = np.uint64(size - 1)
    slot_key = np.full(size, _EMPTY, dtype=np.uint64)
    slot_child = np.full(size, -1, dtype=np.int64)
    todo = np.arange(len(keys))
    slot = ((keys * _FIB) >> np.uint64(20)) & mask
    while len(todo):
        free = slot_key[slot] == _EMPTY
        # of the keys that want one free slot, the first takes it; the rest probe on
        order = np.flatnonzero(free)
        _, first = np.unique(slot[order], return_index=True)
        placed = order[first]
        slot_key[slot[placed]] = keys[todo[placed]]
        slot_child[slot[placed]] = child[todo[placed]]
        rest = np.ones(len(todo), dtype=bool)
        rest[placed] = False
        todo, slot = todo[rest], (slot[rest] + np.uint64(1)) & mask
    return slot_key, slot_child


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[str, ...]
    words: Trie             # stems matched where a word starts
    anywhere: Trie          # stems of scripts without spaces, matched at any of their characters
    digest: str             # sha256 of the file: weights trained with concepts record it
    stems: int
    memo: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)  # _matches_small


def _trie(stems: dict[str, tuple[int, bool]]) -> Trie:
    edges: dict[tuple[int, int], int] = {}
    concept = [-1]
    whole = [False]
    for stem, (cid, must_end) in stems.items():
        node = 0
        for ch in stem:
            nxt = edges.get((node, ord(ch)))
            if nxt is None:
                nxt = edges[(node, ord(ch))] = len(concept)
                concept.append(-1)
                whole.append(False)
            node = nxt
        if concept[node] < 0 or (whole[node] and not must_end):   # a plain prefix beats a whole-word twin
            concept[node], whole[node] = cid, must_end
    keys = np.array([(n << 21) | c for n, c in edges], dtype=np.uint64)
    child = np.array(list(edges.values()), dtype=np.int64)
    order = np.argsort(keys)
    keys, child = keys[order], child[order]
    return Trie(keys, child, np.array(concept, dtype=np.int64), np.array(whole, dtype=bool),
                *_hash_table(keys, child))


def build(data: dict[str, dict[str, list[str]]], digest: str = "") -> Lexicon:
    """A lexicon from ``{language: {CONCEPT: [stem, ...]}}``. Stems are NFKC-folded and lower-cased (what the
    classifier reads); a stem listed under two concepts keeps the first (languages in file order)."""
    names = sorted({c for by_concept in data.values() for c in by_concept})
    index = {c: i for i, c in enumerate(names)}
    word: dict[str, tuple[int, bool]] = {}
    anywhere: dict[str, tuple[int, bool]] = {}
    for by_concept in data.values():
        for concept, stems in by_concept.items():
            for raw in stems:
                stem = unicodedata.normalize("NFKC", raw).lower()
                core = stem.strip()
                if len(core) < 2 or (len(core) < 3 and ord(core[0]) < 0x0530 and not stem.endswith(" ")):
                    continue   # a Latin, Greek or Cyrillic prefix of two letters starts too many words
                if _anywhere_script(core[0]):
                    anywhere.setdefault(core, (index[concept], False))
                elif _word_char(core[0]):
                    word.setdefault(core, (index[concept], stem.endswith(" ")))
    return Lexicon(tuple(names), _trie(word), _trie(anywhere), digest, len(word) + len(anywhere))


_lock = threading.Lock()
_lexicon: Lexicon | None = None


def load(path: Path = LEXICON_PATH) -> Lexicon:
    """The shipped lexicon, read once per process: from its compiled tries (``COMPILED_PATH``, ~20 ms) when they
    were compiled from this very file, else built from the JSON (~0.5 s)."""
    global _lexicon
    if _lexicon is not None and path == LEXICON_PATH:
        return _lexicon
    with _lock:
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        lex = _compiled(COMPILED_PATH, digest) if path == LEXICON_PATH else None
        if lex is None:
            lex = build(json.loads(raw.decode("utf-8")), digest)
        if path == LEXICON_PATH:
            _lexicon = lex
        return lex


COMPILED_PATH = LEXICON_PATH.with_name("concepts_trie.npz")
_TRIE_FIELDS = ("keys", "child", "concept", "whole")


def compile_lexicon(lex: Lexicon, path: Path = COMPILED_PATH) -> None:
    """Write ``lex``'s tries (``python -m governance.injection.concepts`` after editing ``concepts.json``)."""
    arrays: dict[str, np.ndarray] = {"digest": np.str_(lex.digest), "names": np.array(lex.concepts),
                                     "stems": np.int64(lex.stems)}
    for prefix, trie in (("w", lex.words), ("a", lex.anywhere)):
        arrays[f"{prefix}_keys"] = np.diff(trie.keys.astype(np.int64), prepend=np.int64(0))   # compresses
        arrays[f"{prefix}_child"] = trie.child
        arrays[f"{prefix}_concept"] = trie.concept
        arrays[f"{prefix}_whole"] = trie.whole
    np.savez_compressed(path, **arrays)


def _compiled(path: Path, digest: str) -> Lexicon | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["digest"]) != digest:
                return None
            tries = []
            for prefix in ("w", "a"):
                keys = np.cumsum(data[f"{prefix}_keys"]).astype(np.uint64)
                child = data[f"{prefix}_child"].astype(np.int64)
                tries.append(Trie(keys, child, data[f"{prefix}_concept"].astype(np.int64),
                                  data[f"{prefix}_whole"].astype(bool), *_hash_table(keys, child)))
            return Lexicon(tuple(str(n) for n in data["names"]), tries[0], tries[1], digest, int(data["stems"]))
    except (OSError, KeyError, ValueError):
        return None


def _walk(trie: Trie, cp: np.ndarray, is_word: np.ndarray, starts: np.ndarray,
          limit: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends, concepts) of the longest stem beginning at each of ``starts`` (those with one): all
    starts walk the trie together, one character a step, and drop out where it has no edge."""
    n = len(starts)
    best_end = np.full(n, -1, dtype=np.int64)
    best_concept = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(trie.keys) == 0:
        return starts[:0], best_end[:0], best_concept[:0]
    active = np.arange(n)
    node = np.zeros(n, dtype=np.int64)
    pos = starts.copy()
    lim = limit[starts]
    length = len(cp)
    while len(active):
        inside = pos < lim[active]
        active, node, pos = active[inside], node[inside], pos[inside]
        if not len(active):
            break
        if len(active) < FINISH_IN_PYTHON:   # the last few long walks: a numpy level costs ~35 calls
            edges, concept, whole = _py_trie(trie)
            for a, nd, j in zip(active.tolist(), node.tolist(), pos.tolist(), strict=True):
                end = int(lim[a])
                while j < end:
                    nd = edges.get((nd << 21) | int(cp[j]), -1)
                    if nd < 0:
                        break
                    j += 1
                    cid = concept[nd]
                    if cid >= 0 and (not whole[nd] or j >= length or not is_word[j]):
                        best_end[a], best_concept[a] = j, cid
            break
        nxt = trie.find((node.astype(np.uint64) << np.uint64(21)) | cp[pos])
        found = nxt >= 0
        active, node, pos = active[found], nxt[found], pos[found] + 1
        cid = trie.concept[node]
        end_ok = cid >= 0
        if end_ok.any():
            need_end = trie.whole[node] & end_ok
            if need_end.any():
                end_ok &= ~need_end | ~is_word[np.minimum(pos, length - 1)] | (pos >= length)
            best_end[active[end_ok]] = pos[end_ok]
            best_concept[active[end_ok]] = cid[end_ok]
    hit = best_end >= 0
    return starts[hit], best_end[hit], best_concept[hit]


SMALL = 1024   # code points: one text up to this long is matched by ``_matches_small`` (~40 us for 100
               # characters on this box, where the vectorised walk's ~35 numpy calls a trie level cost ~300 us)
_WORD_RUN = re.compile("[0-9A-Za-z_\u00c0-\u1fff\u2070-\u2fff\u3040-\ufeff\uff21-\U0010ffff]+")   # _is_word
_ANYWHERE_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff"
                            "\u1780-\u17ff\u1000-\u109f\uff66-\uff9f]")                   # _anywhere_mask
MEMO_LIMIT = 1 << 17   # words (with the character after them) whose match ``_matches_small`` remembers
FINISH_IN_PYTHON = 48   # walks still going when fewer than this many remain finish one by one in Python


def _py_trie(trie: Trie) -> tuple[dict[int, int], list[int], list[bool]]:
    """The trie's arrays as Python containers (built on first use, kept on the trie), for the Python walks."""
    if not trie.py:
        trie.py.append((dict(zip(trie.keys.tolist(), trie.child.tolist(), strict=True)),
                        trie.concept.tolist(), trie.whole.tolist()))
    return trie.py[0]


def _longest(trie: tuple[dict[int, int], list[int], list[bool]], text: str, start: int) -> tuple[int, int, int]:
    """(end, concept, last) of the longest stem at ``start`` of ``text``, or (-1, -1, last): ``_walk`` for one
    start. ``last`` is the last position the walk read (so the answer depends on ``text[start:last + 1]`` only)."""
    edges, concept, whole = trie
    node, end, cid_best, j, n = 0, -1, -1, start, len(text)
    while j < n:
        node = edges.get((node << 21) | ord(text[j]), -1)
        if node < 0:
            return end, cid_best, j
        j += 1
        cid = concept[node]
        if cid >= 0 and (not whole[node] or j >= n or _WORD_RUN.match(text, j) is None):
            end, cid_best = j, cid
    return end, cid_best, n


def _matches_small(text: str, lex: Lexicon) -> tuple[list[int], list[int]]:
    """``matches`` of one text (its padded string), in Python: the same positions and concepts."""
    found: list[tuple[int, int, int]] = []
    words = _py_trie(lex.words)
    memo = lex.memo   # word + the character after it -> (length, concept)
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    for m in _WORD_RUN.finditer(text):
        start, stop = m.span()
        # a word's match depends on the word and the character after it, unless the walk read on (a phrase)
        key = text[start:stop + 1]
        got = memo.get(key)
        if got is None:
            end, cid, last = _longest(words, text, start)
            got = (end - start, cid)
            if last <= stop:
                memo[key] = got
        if got[1] >= 0:
            found.append((start, start + got[0], got[1]))
    if len(lex.anywhere.keys) and _ANYWHERE_CHAR.search(text):
        anywhere = _py_trie(lex.anywhere)
        for m in _ANYWHERE_CHAR.finditer(text):
            end, cid, _ = _longest(anywhere, text, m.start())
            if cid >= 0:
                found.append((m.start(), end, cid))
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


def matches(cp: np.ndarray, is_word: np.ndarray | None, owner_end: np.ndarray | None,
            lex: Lexicon, text: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(positions, concept ids) of the concept matches in the code points ``cp`` (texts laid end to end, each
    padded with a space; ``owner_end[p]``: the end of the text position ``p`` belongs to, or None for one
    text), sorted by position: at each word start (and each character of a script without spaces) the longest
    stem, except where that position lies inside an earlier match."""
    length = len(cp)
    empty = np.zeros(0, dtype=np.int64)
    if length < 3:
        return empty, empty
    if owner_end is None and length <= SMALL:
        pos_list, con_list = _matches_small(text if text is not None else
                                            cp.astype(np.uint32).tobytes().decode("utf-32-le"), lex)
        return np.array(pos_list, dtype=np.int64), np.array(con_list, dtype=np.int64)
    if is_word is None:
        is_word = _is_word(cp)
    limit = owner_end if owner_end is not None else np.full(length, length, dtype=np.int64)
    starts = np.flatnonzero(is_word[1:] & ~is_word[:-1]) + 1
    s1, e1, c1 = _walk(lex.words, cp, is_word, starts, limit)
    where = np.flatnonzero(_anywhere_mask(cp)) if len(lex.anywhere.keys) else empty
    if len(where):
        s2, e2, c2 = _walk(lex.anywhere, cp, is_word, where, limit)
        s1, e1, c1 = np.concatenate([s1, s2]), np.concatenate([e1, e2]), np.concatenate([c1, c2])
        order = np.argsort(s1, kind="stable")
        s1, e1, c1 = s1[order], e1[order], c1[order]
    if len(s1) > 1:   # a match starting inside an earlier one is a piece of it ("now" in "from now on")
        reach = np.maximum.accumulate(e1)
        keep = np.ones(len(s1), dtype=bool)
        keep[1:] = s1[1:] >= reach[:-1]
        s1, c1 = s1[keep], c1[keep]
    return s1, c1


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


if __name__ == "__main__":
    raw_bytes = LEXICON_PATH.read_bytes()
    built = build(json.loads(raw_bytes.decode("utf-8")), hashlib.sha256(raw_bytes).hexdigest())
    compile_lexicon(built)
    print(f"wrote {COMPILED_PATH} ({COMPILED_PATH.stat().st_size / 1e6:.2f} MB): {built.stems} stems, "
          f"{len(built.concepts)} concepts, {len(built.words.keys) + len(built.anywhere.keys)} trie edges")
