"""Grounding: how many of a delegation's statements rest on the essay, through its persona's ¶-sourced claims.

A statement (any spoken move but a yield, with the clause wording it tabled) *rests on* a
claim when, for some sentence of the claim with at least three content words, at least half
of those words occur in the statement. Only the persona's public positions count (interests,
red lines, opening position, priorities, relationships) and only those sourced to an essay
paragraph (``¶1``...), not dated facts. A lexical measure: it rewards staying close to the
brief's wording and misses a faithful paraphrase in other words.
"""

from __future__ import annotations

from collections import Counter

from agents.core.events import Message
from agents.core.personas import Claim, Persona
from agents.core.text import content_words, coverage, sentences, shorten
from agents.review.metrics import delegate_messages, move_kind
from agents.review.schema import GroundedStatement, Grounding
from agents.sessions.transcript import Transcript

MIN_SENTENCE_WORDS = 3
MIN_COVERAGE = 0.5
MAX_EXAMPLES = 3


def essay_claims(persona: Persona) -> list[Claim]:
    """The persona's public positions that cite an essay paragraph."""
    public = [
        *persona.interests,
        *persona.red_lines,
        *persona.opening_position,
        *persona.priorities.values(),
        *persona.relationships.values(),
    ]
    return [claim for claim in public if claim.essay_paragraph is not None]


def rests_on(claim: Claim, statement: str) -> bool:
    """Whether ``statement`` carries at least half the content words of one sentence of ``claim``."""
    return any(
        len(content_words(sentence)) >= MIN_SENTENCE_WORDS and coverage(sentence, statement) >= MIN_COVERAGE
        for sentence in sentences(claim.text)
    )


def spoken_text(message: Message) -> str:
    """What a statement put on the record: the words said and any clause wording tabled."""
    wording = message.move.clause_text if message.move is not None else None
    return f"{message.text} {wording or ''}".strip()


def is_statement(message: Message) -> bool:
    """Whether a message put anything on the record (a yield does not)."""
    return move_kind(message) != "yield" and bool(spoken_text(message))


def delegation_grounding(transcript: Transcript, delegation: str, persona: Persona) -> Grounding:
    """Count one delegation's statements and those that rest on its essay-sourced claims."""
    claims = essay_claims(persona)
    result = Grounding(delegation=delegation)
    cited: Counter[str] = Counter()
    for message in delegate_messages(transcript):
        if message.speaker != delegation or not is_statement(message):
            continue
        result.statements += 1
        text = spoken_text(message)
        sources = sorted({claim.source for claim in claims if rests_on(claim, text)})
        if sources:
            result.grounded += 1
            cited.update(sources)
            if len(result.examples) < MAX_EXAMPLES:
                result.examples.append(
                    GroundedStatement(turn=message.turn, text=shorten(text, 160), paragraphs=sources)
                )
    result.paragraphs = dict(sorted(cited.items()))
    return result


def session_grounding(transcript: Transcript, personas: dict[str, Persona]) -> list[Grounding]:
    """Grounding of every delegation whose persona is known, in seating order."""
    return [delegation_grounding(transcript, d.id, personas[d.id]) for d in transcript.delegations if d.id in personas]
