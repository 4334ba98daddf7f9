"""Measure a session's outcome against the record by rule: the lexical matcher and the historical band.

The lexical matcher is what decides when no judge model is given (and what a batch uses).
A record sentence *matches* a text when at least ``THRESHOLD`` (half) of the sentence's
content stems occur in it, leaving out the record's ``table_words`` (the subject of the talks,
such as ``DPRK`` or ``issue``, which every text names). Content stems are the content words of ``agents.core.text``
(stop words and words under three letters dropped), split at hyphens, with a possessive
``'s`` dropped, ``-ise`` spelt ``-ize``, and one common ending cut when four letters remain
(``-ations``, ``-ing``, ``-ed``, ``-es``, ``-ly``, ``-s``, a final ``-e``, ...; ``-ies`` becomes
``-y``). It counts shared words, not meaning: it misses a paraphrase in other words and can
be fooled by a text that names a point to deny it. A judge model (``--judge``) reads for meaning instead.

The verdict places a session against the first Beijing round, where the chair summed up
some common ground and no joint statement was agreed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from agents.core.draft import Draft
from agents.core.outcome import Outcome
from agents.core.record import Record
from agents.core.text import STOP_WORDS, words

LEXICAL = "lexical matcher"
THRESHOLD = 0.5
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s", "e")
_TO_Y = ("ies", "ied")  # parties, party; denied, deny
_ISE = re.compile(r"is(e|es|ed|ing|ation|ations)$")
_AGREED_CLAUSE = re.compile(r"^Clause \d+ is agreed:")

Verdict = Literal["partial common ground, no full accord", "full accord", "no common ground"]
IN_BAND: Verdict = "partial common ground, no full accord"
FULL_ACCORD: Verdict = "full accord"
NO_COMMON_GROUND: Verdict = "no common ground"


def stem(word: str) -> str:
    """A word cut to a light stem: ``resolved`` and ``resolve`` both give ``resolv``."""
    word = _ISE.sub(r"iz\1", word.split("'")[0])
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix in _TO_Y else "")
    return word


def stems(text: str, skip: frozenset[str] = frozenset()) -> set[str]:
    """The content stems of ``text``, leaving out the stems of the words in ``skip``."""
    parts = (part for word in words(text) for part in word.split("-"))
    found = {stem(part) for part in parts if len(part) > 2 and part not in STOP_WORDS}
    return found - {stem(word) for word in skip}


def overlap(sentence: str, text: str, skip: frozenset[str] = frozenset()) -> float:
    """The share of ``sentence``'s content stems that occur in ``text`` (0 when it has none)."""
    wanted = stems(sentence, skip)
    return len(wanted & stems(text, skip)) / len(wanted) if wanted else 0.0


def matches(sentence: str, text: str, skip: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` carries ``sentence`` by the lexical rule."""
    return overlap(sentence, text, skip) >= THRESHOLD


def table_words(record: Record) -> frozenset[str]:
    """The record's words for the subject of the talks, lower-cased: present in every text, they decide nothing."""
    return frozenset(word.lower() for word in record.table_words)


@dataclass(frozen=True)
class Candidate:
    """A text a record point may appear in: an agreed clause, or a point of the chair's summary."""

    where: str
    text: str


def candidates(outcome: Outcome | None, draft: Draft | None) -> list[Candidate]:
    """The agreed clauses, then any point of common ground in the chair's summary that is not one of them."""
    if outcome is None:
        return []
    texts = draft.texts() if draft is not None else {}
    found = [Candidate(f"clause {n}", texts[n]) for n in outcome.numbers("agreed") if n in texts]
    found += [
        Candidate("the chair's summary", point.text)
        for point in outcome.chair_summary
        if point.kind == "common_ground" and not _AGREED_CLAUSE.match(point.text)
    ]
    return found


@dataclass(frozen=True)
class PointMatch:
    """One record point and where, if anywhere, the lexical matcher found it."""

    point_id: str
    matched: bool
    where: str | None = None
    score: float = 0.0


def lexical_points(record: Record, found: list[Candidate]) -> list[PointMatch]:
    """Each record point matched against its best candidate text."""
    results, skip = [], table_words(record)
    for point in record.points:
        scored = [(overlap(point.text, c.text, skip), c.where) for c in found]
        score, where = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        matched = score >= THRESHOLD
        results.append(PointMatch(point.id, matched, where if matched else None, round(score, 3)))
    return results


def band_verdict(consensus: bool, matched: int) -> Verdict:
    """Full accord when every clause was agreed; else the band when some record point matched; else none."""
    if consensus:
        return FULL_ACCORD
    return IN_BAND if matched else NO_COMMON_GROUND
