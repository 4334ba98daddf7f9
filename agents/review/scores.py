"""Scores: a judge model evaluates each delegation against its persona, through a typed answer.

The judge sees one delegation at a time: its brief (interests, red lines, opening position,
style; never its private instructions) with its red lines and its sourced positions
numbered, the final text with each clause's fate, its ballot, its moves on the draft and what
it said, with the lexical grounding counts computed in code. It answers with
``DelegationScore`` through ``ask_structured``, so any backend works; the scripted model
answers deterministically (``agents.llm.scripted.judge``). A judge that gives no valid
answer, or fails, leaves that delegation unscored with the reason.

The judge names crossed red lines by number; ``check_answer`` maps each back to the persona's
red line and drops (with a note) any answer that is not one of them. It names grounded
statements by turn; turns that are not public statements of the delegation, or that it
recited, are dropped the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from agents.core.moves import CLAUSE_MOVES, DRAFTING_MOVES
from agents.core.personas import Persona
from agents.core.prompts import render
from agents.core.text import shorten
from agents.core.usage import Usage
from agents.llm.structured import ask_structured
from agents.review.grounding import is_statement, public_statements, recited_turns, sourced_claims, spoken_text
from agents.review.metrics import delegate_messages, move_kind
from agents.review.schema import (
    ClauseResult,
    CrossedRedLine,
    DelegationScore,
    Evaluation,
    Grounding,
    Review,
    Scores,
    VoteCell,
)
from agents.sessions.transcript import Transcript

DRAFT_MOVES = DRAFTING_MOVES | CLAUSE_MOVES
STATEMENT_CHARS = 300
ERROR_CHARS = 240
PRIVATE = ", in a side meeting"  # the scripted judge reads this mark: such words are not public


@dataclass
class JudgeEvidence:
    """The record of one delegation that the judge template shows."""

    consensus: bool
    rule: str
    clauses: list[ClauseResult] = field(default_factory=list)
    ballot: list[VoteCell] = field(default_factory=list)
    draft_moves: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    grounded: int = 0
    recited: int = 0
    positions: list[str] = field(default_factory=list)


def draft_moves(transcript: Transcript, delegation: str) -> list[str]:
    """One line per move the delegation made on the draft: ``Turn 12: support clause 3``."""
    lines = []
    for message in delegate_messages(transcript):
        kind = move_kind(message)
        if message.speaker != delegation or kind not in DRAFT_MOVES:
            continue
        clause = f" clause {message.move.clause}" if message.move and message.move.clause else ""
        wording = message.move.clause_text if message.move and kind in DRAFTING_MOVES else None
        lines.append(f"Turn {message.turn}: {kind}{clause}" + (f": {shorten(wording, 200)}" if wording else ""))
    return lines


def statements(transcript: Transcript, delegation: str) -> list[str]:
    """What the delegation put on the record, one line per statement (side-meeting words marked)."""
    return [
        f"Turn {m.turn} ({move_kind(m)}{PRIVATE if m.audience else ''}): {shorten(spoken_text(m), STATEMENT_CHARS)}"
        for m in delegate_messages(transcript)
        if m.speaker == delegation and is_statement(m)
    ]


def evidence_for(transcript: Transcript, review: Review, delegation: str, grounding: Grounding | None) -> JudgeEvidence:
    """The judge's view of one delegation, from the transcript and the computed review."""
    return JudgeEvidence(
        consensus=review.outcome.consensus,
        rule=review.outcome.rule,
        clauses=review.outcome.clauses,
        ballot=[vote for vote in review.votes if vote.delegation == delegation],
        draft_moves=draft_moves(transcript, delegation),
        statements=statements(transcript, delegation),
        grounded=grounding.lexical if grounding else 0,
        recited=grounding.recited if grounding else 0,
    )


def positions(persona: Persona) -> list[str]:
    """The persona's sourced public positions as the judge sees them: ``text (source)``."""
    return [f"{claim.text} ({claim.citation})" for claim in sourced_claims(persona)]


def judge_messages(transcript: Transcript, persona: Persona, evidence: JudgeEvidence) -> list[BaseMessage]:
    """The judge's prompt for one delegation, from ``prompts/judge_system.j2`` and ``judge.j2``."""
    return [
        SystemMessage(content=render("judge_system.j2", scenario=transcript.scenario)),
        HumanMessage(content=render("judge.j2", persona=persona, evidence=evidence, positions=positions(persona))),
    ]


async def _evaluate(model: BaseChatModel, delegation: str, messages: list[BaseMessage]) -> tuple[Evaluation, Usage]:
    try:
        reply = await ask_structured(model, messages, DelegationScore, text_field="summary")
    except Exception as error:  # a failing judge leaves the delegation unscored; the report still renders
        failure = shorten(f"the judge failed: {type(error).__name__}: {error}", ERROR_CHARS)
        return Evaluation(delegation=delegation, error=failure), Usage()
    if reply.value is None:
        failure = shorten(f"the judge gave no valid answer: {reply.error}", ERROR_CHARS)
        return Evaluation(delegation=delegation, error=failure), reply.usage
    return Evaluation(delegation=delegation, score=reply.value), reply.usage


def checked_red_lines(evaluation: Evaluation, persona: Persona) -> Evaluation:
    """``evaluation`` with its red-line numbers mapped to the persona's red lines; other answers dropped, noted."""
    score = evaluation.score
    if score is None:
        return evaluation
    notes = [f"dropped red line answer {answer!r}: not a red-line number" for answer in score.not_numbers]
    kept: list[int] = []
    for number in score.red_lines_crossed:
        if not 1 <= number <= len(persona.red_lines):
            notes.append(f"dropped red line {number}: the brief has {len(persona.red_lines)} red line(s)")
        elif number not in kept:
            kept.append(number)
    crossed = [CrossedRedLine(number=n, text=persona.red_lines[n - 1].text) for n in kept]
    score = score.model_copy(update={"red_lines_crossed": kept, "not_numbers": []})
    return evaluation.model_copy(update={"score": score, "red_lines": crossed, "notes": evaluation.notes + notes})


def checked_grounding(evaluation: Evaluation, transcript: Transcript, grounding: Grounding | None) -> Evaluation:
    """``evaluation`` keeping the grounded turns that are public statements of the delegation it did not recite."""
    score = evaluation.score
    if score is None:
        return evaluation
    recited = recited_turns(grounding) if grounding else set()
    public = {m.turn for m in public_statements(transcript, evaluation.delegation)}
    turns = list(dict.fromkeys(score.grounded_turns))
    copied = [turn for turn in turns if turn in recited]
    elsewhere = [turn for turn in turns if turn not in public]
    notes = [f"grounded turns {_listed(copied)} not counted: those statements recite the brief"] if copied else []
    if elsewhere:
        notes.append(f"dropped grounded turns {_listed(elsewhere)}: not public statements of this delegation")
    kept = [turn for turn in turns if turn in public and turn not in recited]
    score = score.model_copy(update={"grounded_turns": kept})
    return evaluation.model_copy(update={"score": score, "notes": evaluation.notes + notes})


def _listed(turns: list[int]) -> str:
    return ", ".join(str(turn) for turn in turns)


def judged_grounding(grounding: Grounding, evaluation: Evaluation | None, judge: str) -> Grounding:
    """``grounding`` decided by the judge's count when it scored this delegation (the lexical floor kept)."""
    if evaluation is None or evaluation.score is None:
        return grounding.model_copy(update={"decided_by": "lexical floor (the judge gave no score)"})
    judged = len(evaluation.score.grounded_turns)
    return grounding.model_copy(update={"judged": judged, "grounded": judged, "decided_by": f"judge ({judge})"})


async def score_delegations(
    transcript: Transcript, review: Review, personas: dict[str, Persona], model: BaseChatModel, judge: str
) -> Scores:
    """Ask ``model`` (labelled ``judge``) to score every delegation whose persona is known, one after another.

    One at a time: the embedded model's server answers one request at a time, and queued
    requests would sit without a streamed chunk long enough to time out.
    """
    grounding = {g.delegation: g for g in review.grounding}
    answers = []
    for seat in review.delegations:
        persona = personas.get(seat.id)
        if persona is not None:
            evidence = evidence_for(transcript, review, seat.id, grounding.get(seat.id))
            evaluation, usage = await _evaluate(model, seat.id, judge_messages(transcript, persona, evidence))
            evaluation = checked_red_lines(evaluation, persona)
            answers.append((checked_grounding(evaluation, transcript, grounding.get(seat.id)), usage))
    evaluations = [evaluation for evaluation, _ in answers]
    unknown = [seat.id for seat in review.delegations if seat.id not in personas]
    evaluations += [Evaluation(delegation=seat, error="no persona with this id to judge against") for seat in unknown]
    return Scores(judge=judge, evaluations=evaluations, usage=sum((usage for _, usage in answers), Usage()))
