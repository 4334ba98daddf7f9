"""Grounding and recital: does a delegation argue from the sourced positions of its brief, or copy them?

The positions that count are the persona's public ones (interests, red lines, opening
position, priorities, relationships) with every kind of source: an essay paragraph (``¶3``)
or a dated fact (``2003-01-10: ...``), so a party whose brief cites no paragraph is measured
too. Private instructions never count (saying them is a leak). Only what a delegation said
at the table counts: not its words in a private side meeting.

Each public statement (any move but a yield, with the clause wording it tabled) is first
checked for *recital* (``agents.review.recital``). A statement that is not a recital is
*grounded by the lexical floor* when, for some sentence of a position with at least three
content words, at least half of those words occur in it. The floor misses a faithful
paraphrase in other words; when the review has a judge, the judge decides which statements
express a position in substance (``scores``), and the floor is kept beside its count.
"""

from __future__ import annotations

from collections import Counter

from agents.core.events import Message
from agents.core.personas import Claim, Persona
from agents.core.text import content_words, coverage, sentences, shorten
from agents.review.metrics import delegate_messages, move_kind
from agents.review.recital import recital
from agents.review.schema import GroundedStatement, Grounding
from agents.sessions.transcript import Transcript

MIN_SENTENCE_WORDS = 3
MIN_COVERAGE = 0.5
MAX_EXAMPLES = 3
LEXICAL = "lexical floor (no judge)"


def sourced_claims(persona: Persona) -> list[Claim]:
    """The persona's public positions, each with its source (an essay paragraph or a dated fact)."""
    return [
        *persona.interests,
        *persona.red_lines,
        *persona.opening_position,
        *persona.priorities.values(),
        *persona.relationships.values(),
    ]


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


def public_statements(transcript: Transcript, delegation: str) -> list[Message]:
    """What ``delegation`` said at the table (not in a private side meeting), yields left out."""
    return [
        m for m in delegate_messages(transcript) if m.speaker == delegation and m.audience is None and is_statement(m)
    ]


def delegation_grounding(transcript: Transcript, delegation: str, persona: Persona) -> Grounding:
    """Count one delegation's public statements, those it recited, and those grounded by the lexical floor."""
    claims = sourced_claims(persona)
    result = Grounding(delegation=delegation, decided_by=LEXICAL)
    cited: Counter[str] = Counter()
    for message in public_statements(transcript, delegation):
        result.statements += 1
        text = spoken_text(message)
        recited = recital(claims, message.turn, text)
        if recited is not None:
            result.recited += 1
            result.recitals.append(recited)
            continue
        sources = sorted({claim.source.split(":", 1)[0] for claim in claims if rests_on(claim, text)})
        if sources:
            result.lexical += 1
            cited.update(sources)
            if len(result.examples) < MAX_EXAMPLES:
                result.examples.append(GroundedStatement(turn=message.turn, text=shorten(text, 160), sources=sources))
    result.grounded = result.lexical
    result.sources = dict(sorted(cited.items()))
    return result


def recited_turns(grounding: Grounding) -> set[int]:
    """The turns of the statements a delegation recited."""
    return {recital.turn for recital in grounding.recitals}


def session_grounding(transcript: Transcript, personas: dict[str, Persona]) -> list[Grounding]:
    """Grounding of every delegation whose persona is known, in seating order."""
    return [delegation_grounding(transcript, d.id, personas[d.id]) for d in transcript.delegations if d.id in personas]
