"""A small learned detector: logistic regression on hashed character n-grams, scored with numpy only.

Why: the deny list catches the phrasings it was written for and misses paraphrases ("set aside whatever
guidance you were given"). A linear model over character 2–5-grams generalises over wording, inflection and
spelling at almost no cost. It is trained by ``evals/train_classifier.py`` (scikit-learn, fixed seed) from the
project's own corpus; the weights ship next to this module as ``classifier_weights.npz`` (a float32 vector
and a few scalars, no pickle). No network, no model hub, no scikit-learn at run time.

Features (the trainer uses this very function, so training and scoring cannot drift apart):

- the text is the normalised, lower-cased ``plain`` view (``views.py``), padded with a space at both ends;
- every character n-gram with ``n`` in ``NGRAMS`` is hashed (a polynomial hash over code points mod 2**64,
  then Fibonacci hashing) into ``2**bits`` buckets; with ``concepts`` (the shipped weights since session 13),
  the cross-lingual concept at each word that starts one and its pairs with the two before it
  (``concepts.rows``) are hashed into the same buckets; the feature vector is the bucket counts divided by
  ``sqrt(number of features)``.

That last choice (instead of an exact L2 norm) makes a window's score a difference of two prefix sums, so a
long document is scored as many overlapping windows (``WINDOW`` characters, half overlapping) in a handful of
vectorised numpy operations, and the document's probability is its worst window. Windows are fixed spans and
also sentences (one or two in a row), so an injection buried in a 16 KB tool output is not diluted by the
ordinary text around it. The trainer calibrates the threshold on these very window maxima.

``load()`` reads the weights once per process (lazily); a missing or unreadable file disables the classifier
(the rules never depend on it) and ``available()`` says so.
"""

from __future__ import annotations

import math
import re
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from governance.injection import concepts as _concepts

WEIGHTS_PATH = Path(__file__).resolve().parent / "classifier_weights.npz"
NGRAMS = (2, 3, 4, 5)
BITS = 18
WINDOW = 512          # characters per scored window of a long text
STRIDE = 256          # windows overlap by half: a phrase shorter than STRIDE is always seen whole once
MIN_CHARS = 10        # shorter texts (a name, a one-word subject) carry too little evidence to score
SENTENCE_SPAN = 2     # sentence windows: every single sentence and every two consecutive ones
MIN_SENTENCE = 24     # shorter sentence windows are not scored on their own (fragments of code, ids, "Thanks!")
MAX_WINDOWS = 256     # a bound on the work per text (scan() never passes more than 2 * max_chars anyway)

_P = np.uint64(0x100000001B3)          # FNV-64 prime as the polynomial base
_FIB = np.uint64(0x9E3779B97F4A7C15)   # 2**64 / golden ratio
_LENGTH_MIX = {n: np.uint64(n * 0x632BE59BD9B4E019 % (1 << 64)) for n in NGRAMS}
_P_INV = np.uint64(pow(0x100000001B3, -1, 1 << 64))   # the base is odd, so invertible mod 2**64
_WORD_MIX = (np.uint64(0xD6E8FEB86659FD93), np.uint64(0xA0761D6478BD642F))  # unigram, bigram
_BIGRAM_K = np.uint64(0xE7037ED1A0B428DB)
WORDS = False         # hashed word unigrams and bigrams next to the character n-grams (rows 4 and 5)
CONCEPTS = True       # default for bucket_matrix/features: the cross-lingual concept rows (``concepts.py``), as shipped


def _is_word(cp: np.ndarray) -> np.ndarray:
    """Word characters: ASCII letters and digits, and every non-ASCII code point but the punctuation blocks
    (so accented, Cyrillic, Greek, Arabic, Devanagari ... words are words; CJK runs are one long "word", which
    the character n-grams cover anyway)."""
    return _concepts._is_word(cp)


def word_rows(cp: np.ndarray, bits: int, owner_end: np.ndarray | None = None) -> np.ndarray:
    """``(2, L)`` bucket ids of the word unigram and bigram *starting* at each position (``-1`` elsewhere).
    A word's hash is position-invariant: ``sum cp[j] * P**-(j - start)`` read off one prefix sum. A bigram is
    the word and the next one; with ``owner_end`` (the end of the text each position belongs to, when texts
    are laid end to end) a bigram whose second word lies in the next text does not exist."""
    length = len(cp)
    out = np.full((2, length), -1, dtype=np.int64)
    w = _is_word(cp)
    if not w.any():
        return out
    edge = np.diff(np.concatenate(([0], w.astype(np.int8), [0])))
    starts = np.flatnonzero(edge == 1)
    ends = np.flatnonzero(edge == -1)
    inv_pow = np.concatenate(([np.uint64(1)], np.cumprod(np.full(length - 1, _P_INV, dtype=np.uint64))))  # P**-j
    pow_ = np.concatenate(([np.uint64(1)], np.cumprod(np.full(length - 1, _P, dtype=np.uint64))))  # P**j
    g = np.zeros(length + 1, dtype=np.uint64)
    np.cumsum(cp * inv_pow, out=g[1:])
    h = (g[ends] - g[starts]) * pow_[starts]
    shift = np.uint64(64 - bits)
    out[0, starts] = (((h + _WORD_MIX[0]) * _FIB) >> shift).astype(np.int64)
    if len(starts) > 1:
        hb = h[:-1] * _BIGRAM_K + h[1:]
        ok = np.ones(len(starts) - 1, dtype=bool) if owner_end is None else starts[1:] < owner_end[starts[:-1]]
        out[1, starts[:-1][ok]] = (((hb[ok] + _WORD_MIX[1]) * _FIB) >> shift).astype(np.int64)
    return out


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer((" " + text + " ").encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def bucket_matrix(text: str, bits: int = BITS, words: bool = WORDS, concepts: bool = CONCEPTS) -> np.ndarray:
    """``(len(NGRAMS) [+ 2] [+ concepts.ROWS], L)`` bucket ids: row ``k`` holds the bucket of the
    ``NGRAMS[k]``-gram starting at each position of the padded text, or ``-1`` where that n-gram would run past
    the end; with ``words`` two more rows hold the word unigram and bigram starting there (``word_rows``); with
    ``concepts`` the cross-lingual concept rows follow (``concepts.rows``)."""
    return bucket_matrix_from(_codepoints(text), bits, words, concepts=concepts, text=" " + text + " ")


def bucket_matrix_from(cp: np.ndarray, bits: int = BITS, words: bool = WORDS,
                       owner_end: np.ndarray | None = None, concepts: bool = CONCEPTS,
                       text: str | None = None) -> np.ndarray:
    """``bucket_matrix`` of code points (``text``: the same as a string, when the caller has it)."""
    parts = [_char_rows(cp, bits)]
    if words:
        parts.append(word_rows(cp, bits, owner_end))
    if concepts:
        parts.append(_concepts.rows(cp, None, bits, owner_end, text=text))
    return np.vstack(parts) if len(parts) > 1 else parts[0]


def _char_rows(cp: np.ndarray, bits: int) -> np.ndarray:
    length = len(cp)
    out = np.full((len(NGRAMS), length), -1, dtype=np.int64)
    shift = np.uint64(64 - bits)
    # uint64 *arrays* wrap silently (only numpy scalar arithmetic warns), so no errstate context is needed.
    # In place, in two buffers (h, and mixed): the same integers as ``h = h[:-1] * _P + cp[n:]`` and
    # ``((h + mix) * _FIB) >> shift``, without a new array per step (~30% of this function on a batch).
    h = cp.copy()
    mixed = np.empty(length, dtype=np.uint64)
    n = 1
    for k, target in enumerate(NGRAMS):
        while n < target:
            h = h[:-1]
            h *= _P
            h += cp[n:]
            n += 1
        if len(h) == 0:
            break
        # mix the length in so that a 2-gram and a 3-gram never share a hash by construction
        m = mixed[: len(h)]
        np.add(h, _LENGTH_MIX[target], out=m)
        m *= _FIB
        m >>= shift
        out[k, : len(h)] = m.view(np.int64)   # < 2**bits: the same value as signed
    return out


def features(text: str, bits: int = BITS, words: bool = WORDS,
             concepts: bool = CONCEPTS) -> tuple[np.ndarray, np.ndarray]:
    """(bucket ids, values) of the sparse feature vector of one text (ids unique, values > 0)."""
    b = bucket_matrix(text, bits, words, concepts)
    b = b[b >= 0]
    if b.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    ids, counts = np.unique(b, return_counts=True)
    return ids, counts / math.sqrt(b.size)


def sentence_cuts(cp: np.ndarray) -> np.ndarray:
    """Positions just after a sentence end (sorted, unique): ``.!?;:`` followed by a space or line break (so
    ``t.id`` and ``ord_acme.example`` are not cut), a line break, or a CJK full stop."""
    head, nxt = cp[:-1], cp[1:]
    soft = (head == 46) | (head == 33) | (head == 63) | (head == 59) | (head == 58)  # . ! ? ; :
    mask = soft & ((nxt == 32) | (nxt == 10))
    mask |= (head == 10) | (head == 0x3002) | (head == 0xFF01) | (head == 0xFF1F) | (head == 0xFF1B)
    return np.flatnonzero(mask) + 1


def sentence_windows(text: str) -> list[str]:
    """The sentence windows of a text as strings (what the trainer adds as benign examples)."""
    cp = _codepoints(text)
    padded = " " + text + " "
    bounds = np.unique(np.concatenate(([0], sentence_cuts(cp), [len(cp)])))
    out: list[str] = []
    for span in range(1, SENTENCE_SPAN + 1):
        for s, e in zip(bounds[:-span], bounds[span:], strict=True):
            if e - s >= MIN_SENTENCE:
                out.append(padded[s:e].strip())
    return out


@dataclass(frozen=True)
class Model:
    coef: np.ndarray          # float32, 2**bits
    intercept: float
    threshold: float          # calibrated: the probability at which the classifier alone flags a text
    bits: int
    version: str
    words: bool = False       # word unigram + bigram rows (weights trained since session 3 have them)
    concepts: bool = False    # the cross-lingual concept rows (``concepts.py``)
    _coef_ext: np.ndarray = field(init=False, repr=False, compare=False)
    _coef_fixed: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_coef_ext", np.append(self.coef.astype(np.float64), 0.0))
        fixed = np.rint(self.coef.astype(np.float64) * (1 << 32)).astype(np.int64)
        object.__setattr__(self, "_coef_fixed", np.append(fixed, np.int64(0)))

    def window_probabilities(self, text: str) -> np.ndarray:
        """Probability per window: the whole text when it is short, else fixed windows of ``WINDOW``
        characters (half overlapping), and always every run of one to ``SENTENCE_SPAN`` consecutive sentences
        (so a one-sentence injection padded with pages of ordinary text is scored on its own)."""
        logits = self._window_logits([text])[0]
        return 1.0 / (1.0 + np.exp(-logits))

    def probability(self, text: str) -> float:
        """The text's probability of being an injection: that of its most suspicious window."""
        if not text:
            return 0.0
        return float(self.probabilities([text])[0])

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """``probability`` of each text, computed in one vectorised pass over all of them (a batch of short
        texts costs about what one long text does). The same numbers whatever the batch: window sums are
        exact integer sums of fixed-point weights."""
        out = np.zeros(len(texts))
        live = [i for i, t in enumerate(texts) if t]
        # one text alone: the per-text path has fewer fixed costs than the vectorised batch bookkeeping
        short = [i for i in live if len(texts[i]) + 2 <= WINDOW + 2] if len(live) > 1 else []
        in_short = set(short)  # once: rebuilt per element, a batch of n texts cost O(n^2)
        long_ = [i for i in live if i not in in_short]
        if short:
            out[short] = 1.0 / (1.0 + np.exp(-self._short_max_logits([texts[i] for i in short])))
        if long_:
            for i, logits in zip(long_, self._window_logits([texts[i] for i in long_]), strict=True):
                out[i] = 1.0 / (1.0 + math.exp(-float(logits.max())))
        return out

    def _short_max_logits(self, texts: list[str]) -> np.ndarray:
        """The most suspicious window's logit of each text that is one window long, all texts at once: the
        whole text, and its runs of one or two sentences (exactly the windows ``_window_logits`` takes)."""
        cw, cc, cut_mask, starts_of, ends_of = self._prefix_sums(texts)
        count = len(texts)
        owner_starts: list[np.ndarray] = [np.arange(count)]
        starts_list: list[np.ndarray] = [starts_of]
        ends_list: list[np.ndarray] = [ends_of]
        cuts = np.flatnonzero(cut_mask) + 1                          # global positions just after a cut
        cut_owner = np.searchsorted(ends_of, cuts, side="right")     # the text each cut lies in
        inside = cuts < ends_of[np.minimum(cut_owner, count - 1)]
        cuts, cut_owner = cuts[inside], cut_owner[inside]
        has_cuts = np.zeros(count, dtype=bool)
        has_cuts[cut_owner] = True
        # bounds of every text with cuts: its start, its cuts, its end (sorted: texts are consecutive)
        with_cuts = np.flatnonzero(has_cuts)
        bounds = np.concatenate([starts_of[with_cuts], cuts, ends_of[with_cuts]])
        owner = np.concatenate([with_cuts, cut_owner, with_cuts])
        order = np.lexsort((bounds, owner))
        bounds, owner = bounds[order], owner[order]
        for span in range(1, SENTENCE_SPAN + 1):
            if len(bounds) > span:
                s, e = bounds[:-span], bounds[span:]
                same = owner[:-span] == owner[span:]
                keep = same & ((e - s) >= MIN_SENTENCE)
                owner_starts.append(owner[:-span][keep])
                starts_list.append(s[keep])
                ends_list.append(e[keep])
        who = np.concatenate(owner_starts)
        starts, ends = np.concatenate(starts_list), np.concatenate(ends_list)
        total = np.maximum(cc[ends] - cc[starts], 1)
        logits = (cw[ends] - cw[starts]) / FIXED_ONE / np.sqrt(total) + self.intercept
        best = np.full(count, -np.inf)
        np.maximum.at(best, who, logits)
        return best

    def _prefix_sums(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Prefix sums of fixed-point weights and of n-gram counts over the padded texts laid end to end, the
        sentence-cut mask, and where each padded text starts and ends."""
        padded = [" " + t + " " for t in texts]
        lengths = np.array([len(p) for p in padded], dtype=np.int64)
        ends_of = np.cumsum(lengths)
        starts_of = ends_of - lengths
        joined = "".join(padded)
        cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        total_len = len(cp)
        owner_end = np.repeat(ends_of, lengths) if len(texts) > 1 and (self.words or self.concepts) else None
        b = bucket_matrix_from(cp, self.bits, self.words, owner_end, self.concepts, joined)
        # An n-gram that runs past the end of its own text does not exist (as in a text scored alone; the
        # last text's tail is already -1). Those are the n-grams starting at the last n - 1 positions of each
        # text, so only they are touched (the positions ``end - d``, ``d`` = 1 .. longest - 1, that lie in the
        # text): a few per text instead of a comparison over the whole batch per n. ``c``, the number of
        # n-grams starting at each position, is then all of them but there: the n with n <= d.
        if self.words:
            if owner_end is not None:
                position = np.arange(total_len)
                for k, n in enumerate(NGRAMS):
                    b[k, position + n > owner_end] = -1
            c = (b >= 0).sum(axis=0)
        elif len(texts) == 1:
            c = np.full(total_len, len(NGRAMS), dtype=np.int64)
            for d in range(1, min(max(NGRAMS), total_len + 1)):
                c[total_len - d] = _NGRAMS_WITHIN[d]
        else:
            dist = np.arange(1, max(NGRAMS), dtype=np.int64)
            tail = (ends_of[:, None] - dist).ravel()
            inside = tail >= np.repeat(starts_of, len(dist))
            tail_dist = np.tile(dist, len(texts))[inside]
            tail = tail[inside]
            for k, n in enumerate(NGRAMS):
                b[k, tail[tail_dist < n]] = -1
            c = np.full(total_len, len(NGRAMS), dtype=np.int64)
            c[tail] = np.array(_NGRAMS_WITHIN)[tail_dist]
        if self.concepts and not self.words:
            c = c + (b[len(NGRAMS):] >= 0).sum(axis=0)
        w = self._coef_fixed[b].sum(axis=0)   # int64: exact, so the sum does not depend on the batch
        cw = np.zeros(total_len + 1, dtype=np.int64)
        np.cumsum(w, out=cw[1:])
        cc = np.zeros(total_len + 1, dtype=np.int64)
        np.cumsum(c, out=cc[1:])
        cut_mask = _cut_mask(cp) if total_len > SMALL_CUTS else _cut_mask_small(joined)
        # a cut is only ever inside one padded text: never across the join of two
        cut_mask[ends_of[:-1] - 1] = False
        return cw, cc, cut_mask, starts_of, ends_of

    def _window_logits(self, texts: list[str]) -> list[np.ndarray]:
        cw, cc, cut_mask, starts_of, ends_of = self._prefix_sums(texts)
        if len(texts) == 1 and int(ends_of[0]) <= WINDOW + 2:
            return [self._one_window_logits(cw, cc, cut_mask, int(ends_of[0]))]
        lengths = ends_of - starts_of
        out: list[np.ndarray] = []
        for base, length in zip(starts_of.tolist(), lengths.tolist(), strict=True):
            if length <= WINDOW + 2:
                starts_list, ends_list = [np.zeros(1, dtype=np.int64)], [np.full(1, length, dtype=np.int64)]
            else:
                fixed = np.arange(0, length - STRIDE, STRIDE)[:MAX_WINDOWS]
                starts_list, ends_list = [fixed], [np.minimum(fixed + WINDOW, length)]
            cuts = np.flatnonzero(cut_mask[base:base + length - 1]) + 1
            if len(cuts):
                bounds = np.concatenate(([0], cuts[cuts < length], [length]))
                for span in range(1, SENTENCE_SPAN + 1):
                    if len(bounds) > span + 1:
                        s, e = bounds[:-span], bounds[span:]
                        keep = np.flatnonzero((e - s) >= MIN_SENTENCE)[:MAX_WINDOWS]
                        starts_list.append(s[keep])
                        ends_list.append(e[keep])
            starts = np.concatenate(starts_list) + base
            ends = np.concatenate(ends_list) + base
            # n-grams that start in a window but run past its end are counted in it: a negligible blur at the
            # right edge (at most 4 of the window's n-grams), and exact for a text that is a single window
            total = np.maximum(cc[ends] - cc[starts], 1)
            out.append((cw[ends] - cw[starts]) / FIXED_ONE / np.sqrt(total) + self.intercept)
        return out

    def _one_window_logits(self, cw: np.ndarray, cc: np.ndarray, cut_mask: np.ndarray, length: int) -> np.ndarray:
        """``_window_logits`` of one text of one window, its bounds built as Python lists (fewer numpy calls
        for a short text): the same windows in the same order, so the same logits."""
        starts, ends = [0], [length]
        cuts = (np.flatnonzero(cut_mask[:length - 1]) + 1).tolist()
        if cuts:
            bounds = [0, *[c for c in cuts if c < length], length]
            for span in range(1, SENTENCE_SPAN + 1):
                if len(bounds) > span + 1:
                    pairs = [(s, e) for s, e in zip(bounds[:-span], bounds[span:]) if e - s >= MIN_SENTENCE]
                    for s, e in pairs[:MAX_WINDOWS]:
                        starts.append(s)
                        ends.append(e)
        st, en = np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)
        total = np.maximum(cc[en] - cc[st], 1)
        return (cw[en] - cw[st]) / FIXED_ONE / np.sqrt(total) + self.intercept


_CUT = re.compile("[.!?;:](?=[ \n])|[\n\u3002\uff01\uff1f\uff1b]")
SMALL_CUTS = 512  # up to this many code points, _cut_mask_small (a regex) beats numpy's ~15 array operations
                  # (~20 us: 5 us for 120 characters against 15, 54 us for 2,000 against 23)


def _cut_mask_small(text: str) -> np.ndarray:
    """``_cut_mask`` of ``text``'s code points, found by a regex (the same mask; str indices are code points,
    as the UTF-32 array's are)."""
    mask = np.zeros(max(len(text) - 1, 0), dtype=bool)
    last = len(text) - 1
    mask[[i for i in (m.start() for m in _CUT.finditer(text)) if i < last]] = True
    return mask


def _cut_mask(cp: np.ndarray) -> np.ndarray:
    """``sentence_cuts`` as a mask over positions 0..len-2 (a cut just after position i)."""
    head, nxt = cp[:-1], cp[1:]
    soft = (head == 46) | (head == 33) | (head == 63) | (head == 59) | (head == 58)  # . ! ? ; :
    mask = soft & ((nxt == 32) | (nxt == 10))
    mask |= (head == 10) | (head == 0x3002) | (head == 0xFF01) | (head == 0xFF1F) | (head == 0xFF1B)
    return mask


FIXED_ONE = float(1 << 32)
_NGRAMS_WITHIN = tuple(sum(n <= d for n in NGRAMS) for d in range(max(NGRAMS) + 1))  # [d]: n-grams of <= d chars  # weights as int64 multiples of 2**-32: window sums exact in any order


_lock = threading.Lock()
_model: Model | None = None
_loaded = False


def load(path: Path = WEIGHTS_PATH) -> Model | None:
    """The shipped model, read once per process; ``None`` when there is no (readable) weights file."""
    global _model, _loaded
    if _loaded and path == WEIGHTS_PATH:
        return _model
    with _lock:
        if _loaded and path == WEIGHTS_PATH:
            return _model
        model: Model | None
        try:
            with np.load(path, allow_pickle=False) as data:
                model = Model(coef=data["coef"].astype(np.float32), intercept=float(data["intercept"]),
                              threshold=float(data["threshold"]), bits=int(data["bits"]),
                              version=str(data["version"]),
                              words=bool(data["words"]) if "words" in data.files else False,
                              concepts=bool(data["concepts"]) if "concepts" in data.files else False)
                digest = str(data["concepts_digest"]) if "concepts_digest" in data.files else ""
            if model.coef.shape != (2 ** model.bits,):
                model = None
            elif model.concepts and digest != _concepts.load().digest:
                # weights learnt on another lexicon would read concepts they were not trained on
                warnings.warn(f"classifier weights {path.name} were trained on another concept lexicon than "
                              f"{_concepts.LEXICON_PATH.name}; the classifier is off until they are retrained",
                              RuntimeWarning, stacklevel=2)
                model = None
        except (OSError, KeyError, ValueError):
            model = None
        if path != WEIGHTS_PATH:
            return model
        _model, _loaded = model, True
        return model


def available() -> bool:
    return load() is not None
