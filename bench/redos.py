"""Adversarial texts for the guard's regexes: a string drawn from each signature's own parse tree (lookarounds
skipped), then "pumped" — a piece of it repeated until the text is a segment long, so the regex almost matches
everywhere and fails at the end. That is the shape of a catastrophic-backtracking (ReDoS) attack: the guard
reads text written by outsiders, and a regex that is cubic in a 600-character segment made one 20 KB ticket
cost 70 s of CPU before session 8 (``send_to_address_xx``'s ``envia\\w*[^\\n]{0,80}?[a-z0-9._%+-]+@``).

Deterministic for a seed. Used by ``bench/bench_guard.py`` (worst case per signature, and end to end).
"""

from __future__ import annotations

import random
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

SEGMENT = 600  # what the scanner hands a regex at most (``scanner.SEGMENT``; a long line gets windows of it)

# characters tried for a class (its own members and ranges' ends are tried too)
_CATEGORY = {C.CATEGORY_DIGIT: "0123456789", C.CATEGORY_SPACE: " \t\n", C.CATEGORY_WORD: "abcxyzéждАк_09",
             C.CATEGORY_NOT_DIGIT: "ab -", C.CATEGORY_NOT_SPACE: "ab1-", C.CATEGORY_NOT_WORD: " -.,!"}
_OUTSIDE = "abcxyz -.,:/?=&0"
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT))
_IGNORED = (C.AT, C.ASSERT, C.ASSERT_NOT, C.GROUPREF)


def _draw(items: Any, rnd: random.Random) -> str:
    out: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op is C.NOT_LITERAL:
            out.append(rnd.choice([c for c in "ax -" if ord(c) != av]))
        elif op is C.ANY:
            out.append(rnd.choice("ab -"))
        elif op is C.IN:
            pool: list[str] = []
            for o, a in av:
                if o is C.LITERAL:
                    pool.append(chr(a))
                elif o is C.RANGE:
                    pool += [chr(a[0]), chr(a[1]), chr((a[0] + a[1]) // 2)]
                elif o is C.CATEGORY:
                    pool += list(_CATEGORY.get(a, "a"))
            if any(o is C.NEGATE for o, _ in av):
                pool = [c for c in _OUTSIDE if c not in pool]
            out.append(rnd.choice(pool or ["a"]))
        elif op is C.BRANCH:
            out.append(_draw(rnd.choice(av[1]), rnd))
        elif op is C.SUBPATTERN:
            out.append(_draw(av[3], rnd))
        elif op is getattr(C, "ATOMIC_GROUP", None):
            out.append(_draw(av, rnd))
        elif op in _REPEATS:
            lo, hi, sub = av
            out.append("".join(_draw(sub, rnd) for _ in range(rnd.randint(lo, min(hi, lo + 6)))))
        elif op not in _IGNORED:
            raise ValueError(f"no generator for {op}")
    return "".join(out)


def pumped(pattern: str, flags: int, n: int, seed: int, size: int = SEGMENT) -> list[str]:
    """``n`` near-miss texts of at most ``size`` characters for ``pattern``: a drawn match with one piece of it
    repeated (in place, or the match's head repeated, or the piece repeated before a character no class
    expects), each ending in something that usually breaks the match."""
    rnd = random.Random(seed)
    tree = P.parse(pattern, flags)
    out = []
    for _ in range(n):
        m = _draw(tree, rnd)
        if not m:
            continue
        i = rnd.randrange(len(m))
        j = rnd.randint(i + 1, min(len(m), i + 12))
        piece, k = m[i:j], rnd.random()
        if k < 0.4:
            s = m[:i] + piece * (size // len(piece)) + m[j:]
        elif k < 0.7:
            s = m[:j] * (size // j + 1)
        else:
            s = m[:i] + piece * rnd.randint(20, 200) + "\u2603" + m[j:]
        out.append(s[:size - 8] + rnd.choice(["!", " zq", "\n", "", '"', "]"]))
    return out
