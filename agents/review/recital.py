"""Recital: a public statement that copies most of a sentence of the delegation's own persona.

A statement *recites* a persona sentence when either

- the sentence has at least ``MIN_RECITAL_WORDS`` content words and at least
  ``RECITED_SHARE`` (60%) of them occur in the statement in the same order (the longest
  common subsequence of the two content-word sequences), or
- the two share a verbatim run of at least ``VERBATIM_RUN`` (eight) consecutive words.

The sentences are those of the persona's sourced public positions (``grounding.sourced_claims``).
Copying the brief is not the same as arguing from it: a recited statement is reported as
such and counts as grounded in no measure.
"""

from __future__ import annotations

from agents.core.personas import Claim
from agents.core.text import content_words, ngrams, sentences, shorten, words
from agents.review.findings import RecitedStatement

RECITED_SHARE = 0.6
MIN_RECITAL_WORDS = 4
VERBATIM_RUN = 8


def content_sequence(text: str) -> list[str]:
    """The content words of ``text`` in reading order (repeats kept)."""
    wanted = content_words(text)
    return [word for word in words(text) if word in wanted]


def in_order_share(sentence: str, statement: str) -> float:
    """The share of ``sentence``'s content words that ``statement`` has in the same order (0 when it has none)."""
    source, said = content_sequence(sentence), content_sequence(statement)
    if not source:
        return 0.0
    previous = [0] * (len(said) + 1)  # longest common subsequence, one row at a time
    for word in source:
        current = [0]
        for index, other in enumerate(said):
            current.append(previous[index] + 1 if word == other else max(previous[index + 1], current[index]))
        previous = current
    return previous[-1] / len(source)


def longest_run(sentence: str, statement: str) -> int:
    """The longest run of consecutive words (punctuation dropped) the two share."""
    source, said = words(sentence), words(statement)
    longest = 0
    for size in range(1, min(len(source), len(said)) + 1):
        if not ngrams(source, size) & ngrams(said, size):
            break
        longest = size
    return longest


def why_recited(sentence: str, statement: str) -> str | None:
    """Why ``statement`` recites ``sentence``, or None if it does not."""
    run = longest_run(sentence, statement)
    if run >= VERBATIM_RUN:
        return f"a verbatim run of {run} words"
    if len(content_words(sentence)) >= MIN_RECITAL_WORDS:
        share = in_order_share(sentence, statement)
        if share >= RECITED_SHARE:
            return f"{round(100 * share)}% of the sentence's content words, in order"
    return None


def recital(claims: list[Claim], turn: int, statement: str) -> RecitedStatement | None:
    """The first persona sentence that ``statement`` recites, as a report line; None if it recites none."""
    for claim in claims:
        for sentence in sentences(claim.text):
            why = why_recited(sentence, statement)
            if why is not None:
                return RecitedStatement(
                    turn=turn, text=shorten(statement, 160), claim=shorten(sentence, 160), source=claim.source, why=why
                )
    return None
