"""A small learned detector: logistic regression on hashed character n-grams, scored with numpy only.

Why: the deny list catches the phrasings it was written for and misses paraphrases ("set aside whatever
guidance you were given"). A linear model over character 2–5-grams generalises over wording, inflection and
spelling at almost no cost. It is trained by ``evals/train_classifier.py`` (scikit-learn, fixed seed) from the
project's own corpus; the weights ship next to this module as ``classifier_weights.npz`` (a float32 vector
and a few scalars, no pickle). No network, no model hub, no scikit-learn at run time.

Features (the trainer uses this very function, so training and scoring cannot drift apart):

- the text is the normalised, lower-cased ``plain`` view (``views.py``), padded with a space at both ends;
- every character n-gram with ``n`` in ``NGRAMS`` is hashed (a polynomial hash over code points mod 2**64,
  then Fibonacci hashing) into ``2**bits`` buckets; the feature vector is the bucket counts divided by
  ``sqrt(number of n-grams)``.

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
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

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


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer((" " + text + " ").encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def bucket_matrix(text: str, bits: int = BITS) -> np.ndarray:
    """``(len(NGRAMS), L)`` bucket ids: row ``k`` holds the bucket of the ``NGRAMS[k]``-gram starting at each
    position of the padded text, or ``-1`` where that n-gram would run past the end."""
    return bucket_matrix_from(_codepoints(text), bits)


def bucket_matrix_from(cp: np.ndarray, bits: int = BITS) -> np.ndarray:
    length = len(cp)
    out = np.full((len(NGRAMS), length), -1, dtype=np.int64)
    shift = np.uint64(64 - bits)
    with np.errstate(over="ignore"):
        h = cp.copy()
        n = 1
        for k, target in enumerate(NGRAMS):
            while n < target:
                h = h[:-1] * _P + cp[n:]
                n += 1
            if len(h) == 0:
                break
            # mix the length in so that a 2-gram and a 3-gram never share a hash by construction
            mixed = (h + np.uint64(target) * np.uint64(0x632BE59BD9B4E019)) * _FIB
            out[k, : len(h)] = (mixed >> shift).astype(np.int64)
    return out


def features(text: str, bits: int = BITS) -> tuple[np.ndarray, np.ndarray]:
    """(bucket ids, values) of the sparse feature vector of one text (ids unique, values > 0)."""
    b = bucket_matrix(text, bits)
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
    _coef_ext: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_coef_ext", np.append(self.coef.astype(np.float64), 0.0))

    def window_probabilities(self, text: str) -> np.ndarray:
        """Probability per window: the whole text when it is short, else fixed windows of ``WINDOW``
        characters (half overlapping), and always every run of one to ``SENTENCE_SPAN`` consecutive sentences
        (so a one-sentence injection padded with pages of ordinary text is scored on its own)."""
        cp = _codepoints(text)
        b = bucket_matrix_from(cp, self.bits)
        w = self._coef_ext[b].sum(axis=0, dtype=np.float64)  # bucket -1 (no n-gram) hits the trailing 0.0
        c = (b >= 0).sum(axis=0)
        length = b.shape[1]
        if length <= WINDOW + 2:
            starts_list, ends_list = [np.zeros(1, dtype=np.int64)], [np.full(1, length, dtype=np.int64)]
        else:
            fixed = np.arange(0, length - STRIDE, STRIDE)[:MAX_WINDOWS]
            starts_list, ends_list = [fixed], [np.minimum(fixed + WINDOW, length)]
        cuts = sentence_cuts(cp)
        if len(cuts):
            bounds = np.concatenate(([0], cuts[cuts < length], [length]))
            for span in range(1, SENTENCE_SPAN + 1):
                if len(bounds) > span + 1:
                    s, e = bounds[:-span], bounds[span:]
                    keep = np.flatnonzero((e - s) >= MIN_SENTENCE)[:MAX_WINDOWS]
                    starts_list.append(s[keep])
                    ends_list.append(e[keep])
        starts, ends = np.concatenate(starts_list), np.concatenate(ends_list)
        cw = np.zeros(length + 1)
        np.cumsum(w, out=cw[1:])
        cc = np.zeros(length + 1, dtype=np.int64)
        np.cumsum(c, out=cc[1:])
        # n-grams that start in a window but run past its end are counted in it: a negligible blur at the
        # right edge (at most 4 of the window's n-grams), and exact for a text that is a single window
        total = np.maximum(cc[ends] - cc[starts], 1)
        logits = (cw[ends] - cw[starts]) / np.sqrt(total) + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def probability(self, text: str) -> float:
        """The text's probability of being an injection: that of its most suspicious window."""
        if not text:
            return 0.0
        return float(self.window_probabilities(text).max())


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
                              version=str(data["version"]))
            if model.coef.shape != (2 ** model.bits,):
                model = None
        except (OSError, KeyError, ValueError):
            model = None
        if path != WEIGHTS_PATH:
            return model
        _model, _loaded = model, True
        return model


def available() -> bool:
    return load() is not None
