"""The per-deployment topic allow-list: what a user may ask this agent about at all.

Why: an agent with refund and email tools should not be a general chatbot. A request that names none of the
deployment's topics ("write me a poem", "what is the capital of France") is refused with a structured reason
before any model reads it, which also takes away a free channel for probing the model.

A policy is data (``TopicPolicy.from_mapping`` / ``load``): topic name -> keywords. A keyword matches at a
word start (``refund`` matches "refunds", "refunded"); a keyword ending in ``_`` is an id prefix
(``ord_`` matches ``ord_acme_001_1``). ``enabled: false`` turns the allow-list off for a deployment.
The shipped default (``policies/topics.default.json``) covers a support desk in several languages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent.parent / "policies" / "topics.default.json"


class TopicPolicyError(ValueError):
    """A topic policy file or mapping is malformed: a deployment configuration error, raised at start-up."""


@dataclass(frozen=True)
class TopicVerdict:
    on_topic: bool
    topics: tuple[str, ...]          # the allow-listed topics the text touches
    reason: str | None = None        # "off_topic" when refused


@dataclass(frozen=True)
class TopicPolicy:
    name: str
    topics: tuple[tuple[str, re.Pattern[str]], ...]
    enabled: bool = True

    def check(self, text: str) -> TopicVerdict:
        """``text`` should be normalised; matching is case-insensitive."""
        if not self.enabled:
            return TopicVerdict(on_topic=True, topics=())
        low = text.lower()
        hits = tuple(name for name, pattern in self.topics if pattern.search(low))
        return TopicVerdict(on_topic=bool(hits), topics=hits, reason=None if hits else "off_topic")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> TopicPolicy:
        topics = data.get("topics")
        if not isinstance(topics, Mapping) or not topics:
            raise TopicPolicyError("a topic policy needs a non-empty 'topics' object: name -> [keywords]")
        compiled: list[tuple[str, re.Pattern[str]]] = []
        for name, words in topics.items():
            if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
                raise TopicPolicyError(f"topic {name!r}: keywords must be a non-empty list of strings")
            alternatives = "|".join(_keyword(w) for w in words)
            compiled.append((str(name), re.compile(rf"(?:{alternatives})")))
        enabled = data.get("enabled", True)
        if not isinstance(enabled, bool):
            raise TopicPolicyError("'enabled' must be true or false")
        return cls(name=str(data.get("name", "custom")), topics=tuple(compiled), enabled=enabled)

    @classmethod
    def load(cls, path: Path) -> TopicPolicy:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TopicPolicyError(f"cannot read topic policy {path}: {exc}") from None
        if not isinstance(data, Mapping):
            raise TopicPolicyError(f"topic policy {path} must be a JSON object")
        return cls.from_mapping(data)


def _keyword(word: str) -> str:
    w = word.strip().lower()
    escaped = re.escape(w)
    if w.endswith("_"):
        return rf"(?<![a-z0-9]){escaped}[a-z0-9_]+"
    if not w.isascii():  # CJK and other scripts have no word boundaries to lean on
        return escaped
    return rf"\b{escaped}"


@lru_cache(maxsize=1)
def default_topic_policy() -> TopicPolicy:
    """The shipped support-desk allow-list (read once, on first use; never at import time)."""
    return TopicPolicy.load(DEFAULT_POLICY_PATH)
