"""Words, content words and n-grams: the lexical measures behind grounding, leakage and the scripted judge.

Deliberately simple and deterministic: lower-cased word tokens, a short English stop-word
list, and set overlaps. They count what a reader could check by eye, not what a text means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")

STOP_WORDS = frozenset(
    """
    a about above after again against all also an and any are as at be because been before being between both
    but by can could did do does doing down during each even every few for from further had has have having
    he her here hers him his how i if in into is it its itself just may might more most must no nor not now
    of off on once only or other our ours out over own same shall she should so some such than that the their
    theirs them then there these they this those through to too under until up upon very was we were what
    when where which while who whom why will with would yet you your
    """.split()
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation dropped (``"Moscow's"`` stays one word)."""
    return [match.group(0).lower().replace("’", "'") for match in _WORD.finditer(text)]


def word_count(text: str) -> int:
    """How many words ``text`` has."""
    return len(words(text))


def content_words(text: str) -> set[str]:
    """The words that carry meaning: no stop words, nothing shorter than three letters."""
    return {word for word in words(text) if len(word) > 2 and word not in STOP_WORDS}


def sentences(text: str) -> list[str]:
    """``text`` split after sentence-ending punctuation (and semicolons and colons)."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def coverage(source: str, text: str) -> float:
    """The share of ``source``'s content words that also occur in ``text`` (0 when it has none)."""
    wanted = content_words(source)
    return len(wanted & content_words(text)) / len(wanted) if wanted else 0.0


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive tokens."""
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def all_ngrams(texts: Iterable[str], n: int) -> set[tuple[str, ...]]:
    """The word n-grams of several texts, each text taken on its own (no n-gram spans two)."""
    found: set[tuple[str, ...]] = set()
    for text in texts:
        found |= ngrams(words(text), n)
    return found


def shorten(text: str, limit: int = 90) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
