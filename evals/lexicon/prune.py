"""Drop cross-language collisions from a merged concept lexicon (see README.md; run by hand, needs ``wordfreq``).

    python evals/lexicon/prune.py merged.json governance/injection/concepts.json [LIMIT]

For every language of the lexicon that ``wordfreq`` has a list for, its 30,000 most frequent words are matched
(longest stem at the word's start) against the merged lexicon and against that language's own stems. Where the
two give different concepts and the merged match is another language's stem, the word's frequency is charged to
that stem; stems charged more than LIMIT (default 5e-5, summed frequency) are dropped from their language.
Phrases (stems with a space) and scripts without spaces are left as they are.
"""

from __future__ import annotations

import collections
import json
import sys
import unicodedata
from pathlib import Path

WORDFREQ_NAME = {"no": "nb", "tl": "fil", "hr": "sh", "sr": "sh"}
SKIP = {"sw"}   # wordfreq has no Swahili list (it falls back to English)
TOP = 30_000

Key = tuple[str, bool]            # (stem without its trailing space, must end a word)
Entry = tuple[str, str]           # (concept, language)


def norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).lower()


def no_spaces_script(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x0E00 <= o <= 0x0EFF


def stems_of(data: dict[str, dict[str, list[str]]], langs: list[str]) -> dict[Key, Entry]:
    out: dict[Key, Entry] = {}
    for lang in langs:
        for concept, stems in data[lang].items():
            for raw in stems:
                stem = norm(raw)
                core = stem.strip()
                if len(core) < 2 or no_spaces_script(core[0]) or " " in core:
                    continue
                if len(core) < 3 and ord(core[0]) < 0x530 and not stem.endswith(" "):
                    continue
                out.setdefault((core, stem.endswith(" ")), (concept, lang))
    return out


def by_length(stems: dict[Key, Entry]) -> dict[int, dict[Key, Entry]]:
    out: dict[int, dict[Key, Entry]] = collections.defaultdict(dict)
    for key, value in stems.items():
        out[len(key[0])][key] = value
    return out


def longest(word: str, index: dict[int, dict[Key, Entry]]) -> tuple[Key, Entry] | None:
    for length in range(min(len(word), max(index)), 1, -1):
        table = index.get(length)
        if not table:
            continue
        prefix = word[:length]
        if length == len(word) and (prefix, True) in table:
            return (prefix, True), table[(prefix, True)]
        if (prefix, False) in table:
            return (prefix, False), table[(prefix, False)]
    return None


def main(argv: list[str]) -> int:
    import wordfreq  # a curation tool's dependency, not the project's

    src, dst = Path(argv[0]), Path(argv[1])
    limit = float(argv[2]) if len(argv) > 2 else 5e-5
    data = json.loads(src.read_text(encoding="utf-8"))
    merged = by_length(stems_of(data, list(data)))
    charge: collections.Counter[tuple[Key, Entry]] = collections.Counter()
    for lang in data:
        if lang in SKIP or any(no_spaces_script(s[0]) for s in data[lang].get("IGNORE", [])[:1]):
            continue   # Chinese, Japanese, Thai: their stems are matched anywhere, not at word starts
        try:
            freq = wordfreq.get_frequency_dict(WORDFREQ_NAME.get(lang, lang))
        except (LookupError, OSError, ValueError) as exc:
            print(f"  {lang}: no word list ({exc})")
            continue
        own = by_length(stems_of(data, [lang]))
        for word in sorted(freq, key=freq.get, reverse=True)[:TOP]:
            hit = longest(norm(word), merged)
            if hit is None or hit[1][1] == lang:
                continue
            mine = longest(norm(word), own)
            if hit[1][0] != (mine[1][0] if mine else None):
                charge[hit] += freq[word]
    drop = {(key[0], key[1], entry[1]) for (key, entry), f in charge.items() if f > limit}
    out: dict[str, dict[str, list[str]]] = {}
    removed = 0
    for lang, by_concept in data.items():
        out[lang] = {}
        for concept, stems in by_concept.items():
            keep = [s for s in stems if (norm(s).strip(), norm(s).endswith(" "), lang) not in drop]
            removed += len(stems) - len(keep)
            out[lang][concept] = keep
    dst.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"stems charged {len(charge)}, dropped {len(drop)}, entries removed {removed}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
