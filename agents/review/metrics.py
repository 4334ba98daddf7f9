"""Who spoke, when and how much: the timeline by phase, speaking share, the chair's fairness, moves by kind.

A *turn* is one delegate message: the delegation held the floor and spoke (a yield is a
turn too). The chair's own announcements are not turns. Words are counted in what the
delegation said aloud (``text``), not in clause wordings.
"""

from __future__ import annotations

from collections import Counter

from agents.core.events import CHAIR, FloorGiven, Message, PhaseStarted
from agents.core.moves import MOVE_KINDS
from agents.core.text import shorten, word_count
from agents.review.schema import FloorTurn, MoveCounts, PhaseSpan, Speaking, SpeakingShare
from agents.sessions.transcript import Transcript


def delegate_messages(transcript: Transcript) -> list[Message]:
    """The messages delegations spoke (not the chair's), in order."""
    seats = {delegation.id for delegation in transcript.delegations}
    return [e for e in transcript.events if isinstance(e, Message) and e.speaker in seats and e.speaker != CHAIR]


def move_kind(message: Message) -> str:
    """The kind of move a message made; a message without a move counts as a statement."""
    return message.move.kind if message.move is not None else "statement"


def floor_turns(transcript: Transcript) -> list[FloorTurn]:
    """Every delegate turn, with why the speaker had the floor (order, request, follow-up, chair)."""
    seats = {delegation.id for delegation in transcript.delegations}
    reasons: dict[str, str] = {}
    turns = []
    for event in transcript.events:
        if isinstance(event, FloorGiven) and event.speaker:
            reasons[event.speaker] = event.reason
        elif isinstance(event, Message) and event.speaker in seats:
            turns.append(
                FloorTurn(
                    turn=event.turn,
                    speaker=event.speaker,
                    phase=event.phase,
                    kind=move_kind(event),
                    words=word_count(event.text),
                    time=event.time,
                    floor=reasons.pop(event.speaker, "order"),
                    text=shorten(event.text, 200),
                )
            )
    return turns


def phase_spans(transcript: Transcript) -> list[PhaseSpan]:
    """The programme's segments in order, each with the turns taken in it and who took them."""
    seats = {delegation.id for delegation in transcript.delegations}
    spans: list[PhaseSpan] = []
    for event in transcript.events:
        if isinstance(event, PhaseStarted):
            spans.append(
                PhaseSpan(
                    phase=event.phase,
                    title=event.title,
                    agenda_item=event.agenda_item,
                    round=event.round,
                    first_turn=event.turn + 1,
                    last_turn=event.turn,
                    started=event.time,
                )
            )
        elif isinstance(event, Message) and event.speaker in seats and spans:
            spans[-1].last_turn = event.turn
            spans[-1].speakers.append(event.speaker)
    return spans


def gini(values: list[int]) -> float:
    """The Gini coefficient: mean absolute difference over twice the mean; 0 for equal values or no data."""
    if not values or sum(values) == 0:
        return 0.0
    n, total = len(values), sum(values)
    difference = sum(abs(a - b) for a in values for b in values)
    return difference / (2 * n * total)


def speaking_share(transcript: Transcript) -> Speaking:
    """Turns and words per delegation (every delegation, silent ones too) and the Gini of turns."""
    messages = delegate_messages(transcript)
    turns = Counter(message.speaker for message in messages)
    words: Counter[str | None] = Counter()
    for message in messages:
        words[message.speaker] += word_count(message.text)
    all_turns, all_words = sum(turns.values()), sum(words.values())
    rows = [
        SpeakingShare(
            delegation=d.id,
            turns=turns[d.id],
            words=words[d.id],
            turn_share=turns[d.id] / all_turns if all_turns else 0.0,
            word_share=words[d.id] / all_words if all_words else 0.0,
        )
        for d in transcript.delegations
    ]
    return Speaking(rows=rows, gini=gini([row.turns for row in rows]))


def move_counts(transcript: Transcript) -> list[MoveCounts]:
    """Moves per delegation by kind, every kind listed (zeros included) in the order ``Move`` defines."""
    counted: dict[str, Counter[str]] = {d.id: Counter() for d in transcript.delegations}
    for message in delegate_messages(transcript):
        if message.speaker in counted:  # always: only seated delegations' messages are kept
            counted[message.speaker][move_kind(message)] += 1
    return [
        MoveCounts(delegation=seat, counts={kind: counts[kind] for kind in MOVE_KINDS})
        for seat, counts in counted.items()
    ]
