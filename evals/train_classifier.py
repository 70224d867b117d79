"""Train the guard's classifier from the dev corpus and write ``governance/injection/classifier_weights.npz``.

    python -m evals.train_classifier            # deterministic: same corpus + same seed -> same weights

Needs scikit-learn (a dev dependency); the guard itself reads the weights with numpy only.

- Data: ``evals/corpus/dev.jsonl`` (``injection`` = 1, ``benign`` = 0; ``meta`` left out). The held-out files
  are never opened here.
- Features: ``governance.injection.classifier.features`` — the very function the guard scores with.
- De-biasing: the corpus was written with ``evil.example`` as the attacker's domain; left alone, the model
  learns that word instead of the attack. Every address and domain is replaced by one drawn from a shared pool
  (the same pool for both labels), so a domain tells nothing.
- Benign documents: windows of random concatenations of benign training texts are benign examples too
  (``document_windows``): without them, windows that straddle two benign texts of a long tool output were
  flagged far more often than any single text.
- Model: ``LogisticRegression`` (L2, liblinear, class-balanced), ``C`` fixed below.
- Calibration: 5-fold out-of-fold probabilities on the dev corpus, each text scored as the guard scores it
  (``Model.probability``: the maximum over its windows); the threshold is the smallest probability
  at which the out-of-fold false-positive rate on benign texts is at most ``TARGET_FPR`` (a margin under the
  1% target: held-out benign text is not dev benign text) — both on all benign texts and on the risky-looking
  ones alone (every benign family but the generated easy ones in ``EASY_FAMILIES``), whichever is stricter, so
  that adding plain operational requests or tool records to the corpus cannot loosen the threshold. The out-of-fold recall per family is printed — the
  honest dev figure for the classifier (in-sample figures would be near 100%).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from governance.injection import classifier as clf
from governance.injection.views import normalize

CORPUS = Path(__file__).resolve().parent / "corpus" / "dev.jsonl"
SEED = 20251124
C = 4.0
FOLDS = 5
TARGET_FPR = 0.005
VERSION = "char2-5-hash18-lr-v2"
DOCS = 600  # benign documents whose windows are added as benign examples (per fit)
EASY_FAMILIES = frozenset({"ordinary_generated", "para_b_operator", "para_b_operational", "para_b_record",
                           "para_b_short_field"})

_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.(?:example|com|net|org|io)\b")
_DOMAIN = re.compile(r"\b(?:https?://)?[\w-]*evil[\w-]*\.(?:example|com|net|org)(?:/\S*)?")
_POOL_USERS = ("ops", "billing", "audit", "jane.doe", "support", "records", "finance", "m.lee", "it-team",
               "accounts", "backup", "sam", "priya", "leads", "hr", "info")
_POOL_DOMAINS = ("gmail.example", "acme-client.example", "partner-co.com", "outlook.example", "mail.example",
                 "ourco.example", "protonmail.example", "fastmail.com", "supplier.net", "globex.example",
                 "contoso.com", "evil.example", "example.org")


def debias(text: str, rng: random.Random) -> str:
    text = _ADDRESS.sub(lambda _: f"{rng.choice(_POOL_USERS)}@{rng.choice(_POOL_DOMAINS)}", text)
    return _DOMAIN.sub(lambda _: f"https://{rng.choice(_POOL_DOMAINS)}/{rng.choice(_POOL_USERS)}", text)


def classifier_text(text: str) -> str:
    """What the guard feeds the classifier: the normalised text, lower-cased (``scanner.analyse``)."""
    return normalize(text).lower()


def load() -> list[dict[str, Any]]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [r for r in (json.loads(line) for line in fh if line.strip()) if r["label"] in ("injection", "benign")]


def matrix(texts: list[str], bits: int):  # -> scipy.sparse.csr_matrix
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for t in texts:
        ids, vals = clf.features(t, bits)
        indices.append(ids)
        data.append(vals)
        indptr.append(indptr[-1] + len(ids))
    return csr_matrix((np.concatenate(data), np.concatenate(indices), np.array(indptr)),
                      shape=(len(texts), 2 ** bits))


def document_windows(benign: list[str], rng: random.Random, docs: int = DOCS) -> list[str]:
    """Windows of benign *documents*: the guard scores a long text window by window (fixed spans and runs of
    sentences, ``classifier.Model.window_probabilities``), and a window of a ticket list or a mail thread mixes
    the end of one benign text with the start of the next, which no single training text shows. Each document
    joins a few benign texts with line breaks, as a tool output would."""
    out: list[str] = []
    for _ in range(docs):
        doc = "\n".join(rng.choice(benign) for _ in range(rng.randint(3, 8)))
        padded = " " + doc + " "
        if len(padded) > clf.WINDOW + 2:
            out.extend(padded[i:i + clf.WINDOW].strip() for i in range(0, len(padded) - clf.STRIDE, clf.STRIDE))
        out.extend(w for w in clf.sentence_windows(doc) if "\n" in w)  # the ones that cross a boundary
    return out


def fit(x, y):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=2000,
                               random_state=SEED)
    return model.fit(x, y)


def calibrate(p_benign: np.ndarray) -> float:
    """The smallest threshold with at most TARGET_FPR of the benign out-of-fold probabilities at or above it."""
    allowed = int(np.floor(TARGET_FPR * len(p_benign)))
    ordered = np.sort(p_benign)[::-1]
    # flag iff p >= t: choose t just above the (allowed+1)-th highest benign probability
    return float(min(0.99, np.nextafter(ordered[allowed], 1.0))) if len(ordered) > allowed else 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.train_classifier", description=__doc__)
    parser.add_argument("--out", type=Path, default=clf.WEIGHTS_PATH)
    parser.add_argument("--bits", type=int, default=clf.BITS)
    args = parser.parse_args(argv)
    from sklearn.model_selection import StratifiedKFold

    records = load()
    rng = random.Random(SEED)
    texts = [classifier_text(debias(r["text"], rng)) for r in records]
    y = np.array([1 if r["label"] == "injection" else 0 for r in records])
    x = matrix(texts, args.bits)
    # Every sentence window of a benign text is benign too: the guard scores windows, so it must know that a
    # fragment of a code snippet or of an angry email is not an attack. (A fragment of an attack may be
    # harmless, so attack texts are only used whole.)
    frag_owner = [i for i, t in enumerate(texts) if y[i] == 0 for _ in clf.sentence_windows(t)]
    frag_x = matrix([w for i, t in enumerate(texts) if y[i] == 0 for w in clf.sentence_windows(t)], args.bits)
    frag_owner_arr = np.array(frag_owner)

    def with_fragments(rows: np.ndarray, seed: int):
        from scipy.sparse import vstack

        keep = np.isin(frag_owner_arr, rows)
        docs = matrix(document_windows([texts[i] for i in rows if y[i] == 0], random.Random(seed)), args.bits)
        return (vstack([x[rows], frag_x[keep], docs]).tocsr(),
                np.concatenate([y[rows], np.zeros(int(keep.sum()) + docs.shape[0], int)]))

    oof = np.zeros(len(records))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(x, y):
        fold = fit(*with_fragments(train, SEED + len(test) + int(test[0])))
        scorer = clf.Model(coef=fold.coef_.ravel().astype(np.float32), intercept=float(fold.intercept_[0]),
                           threshold=0.5, bits=args.bits, version="fold")
        # scored exactly as the guard scores: the most suspicious window (sentences, fixed spans) per text
        oof[test] = [scorer.probability(texts[i]) for i in test]
    hard = np.array([r["label"] == "benign" and r["family"] not in EASY_FAMILIES for r in records])
    threshold = max(calibrate(oof[y == 0]), calibrate(oof[hard]))

    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r, p in zip(records, oof, strict=True):
        cell = per[(r["label"], r["family"])]
        cell[0] += 1
        cell[1] += int(p >= threshold)
    print(f"out-of-fold ({FOLDS} folds), classifier alone at threshold {threshold:.4f}:")
    for (label, family), (n, k) in sorted(per.items()):
        print(f"  {label:9} {family:28} {k:4}/{n:<4} {k / n:6.1%}")
    print(f"  recall {(oof[y == 1] >= threshold).mean():.1%}  FPR {(oof[y == 0] >= threshold).mean():.2%}")

    model = fit(*with_fragments(np.arange(len(records)), SEED))
    coef = model.coef_.ravel().astype(np.float32)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, coef=coef, intercept=np.float64(model.intercept_[0]),
                        threshold=np.float64(threshold), bits=np.int64(args.bits), version=np.str_(VERSION))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(records)} texts, "
          f"{int((coef != 0).sum())} non-zero weights, threshold {threshold:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
