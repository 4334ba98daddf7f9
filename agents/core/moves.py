"""The typed answers a delegate gives: a move on its turn, a ballot at the consensus call.

These are the pydantic schemas handed to models as structured-output tools, so their
docstrings and field descriptions are part of the prompt: keep them short and plain.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

MoveKind = Literal["statement", "proposal", "amendment", "withdraw", "support", "objection", "question", "yield"]
MOVE_KINDS: tuple[MoveKind, ...] = get_args(MoveKind)
CLAUSE_MOVES = frozenset({"amendment", "withdraw", "support", "objection"})
DRAFTING_MOVES = frozenset({"proposal", "amendment"})
BallotChoice = Literal["accept", "object", "abstain"]
# What is recorded: a delegation's own choice, or ``no_answer`` when its ballot failed, timed
# out, did not parse or left the clause out. Only the first three are the delegation's word.
VoteChoice = Literal["accept", "object", "abstain", "no_answer"]


class Move(BaseModel):
    """Your move on this turn of the talks."""

    kind: MoveKind = Field(
        description="statement, proposal (new clause), amendment (rewrite a clause), withdraw (take back "
        "a clause your delegation proposed), support, objection, question, or yield (give up the floor)"
    )
    text: str = Field(default="", description="what your delegation says aloud, at the length the chair asks for")
    clause: int | None = Field(default=None, description="clause number, for amendment, withdraw, support or objection")
    clause_text: str | None = Field(default=None, description="the full wording of the new or amended clause")
    conditional_on: str | None = Field(
        default=None,
        description="optional: what your move depends on, e.g. 'if clause 2 keeps its wording' or another party's step",
    )
    request_floor: bool = Field(default=False, description="ask to speak again on this item")
    side_meeting: str | None = Field(
        default=None, description="optional: id of one delegation to meet in private after this round"
    )


class ClauseVote(BaseModel):
    """Your vote on one clause of the draft joint statement."""

    clause: int = Field(description="clause number")
    vote: BallotChoice = Field(description="accept, object, or abstain (take no position)")
    reason: str = Field(default="", description="one sentence")
    condition_clause: int | None = Field(
        default=None, description="optional, with accept: accept only if this other clause is agreed too"
    )
    condition: str = Field(default="", description="optional, with accept: the condition of your acceptance, in words")


class Ballot(BaseModel):
    """Your delegation's votes on the draft joint statement, one per clause."""

    votes: list[ClauseVote] = Field(default_factory=list)


class FloorChoice(BaseModel):
    """The chair's choice of the next speaker."""

    speaker: str = Field(description="id of the delegation to give the floor to")
    reason: str = Field(default="")


class ChairProposal(BaseModel):
    """The chair's bridging wording for a clause that draws objections."""

    clause: int = Field(default=0, description="the number of the clause the wording replaces")
    clause_text: str = Field(default="", description="the full new wording of the clause")
    explanation: str = Field(default="", description="one or two sentences: how it meets both sides")


class CastVote(BaseModel):
    """A vote as recorded: ``no_answer`` stands for a clause the ballot left out (or a ballot that failed).

    ``abstain`` is a delegation's deliberate choice not to take a position. Transcripts written
    before the two were told apart recorded a left-out clause as ``abstain``; they load as they are.
    """

    clause: int
    vote: VoteChoice
    reason: str = ""
    condition_clause: int | None = Field(
        default=None, description="an acceptance that stands only if this clause is agreed"
    )
    condition: str = ""


def normalise_ballot(
    ballot: Ballot | None, clause_numbers: list[int], missing: str = "no vote given"
) -> list[CastVote]:
    """One vote per clause of the draft, in clause order.

    Votes on clauses that do not exist are dropped; a clause the ballot does not mention (or
    every clause, when there is no ballot) is recorded as ``no_answer`` with ``missing`` as its
    reason: silence is neither consent nor abstention.
    """
    given = {vote.clause: vote for vote in (ballot.votes if ballot else [])}
    recorded = []
    for number in clause_numbers:
        vote = given.get(number)
        if vote is None:
            recorded.append(CastVote(clause=number, vote="no_answer", reason=missing))
        else:
            recorded.append(CastVote(clause=number, vote=vote.vote, reason=vote.reason.strip(), **_condition(vote)))
    return recorded


def _condition(vote: ClauseVote) -> dict[str, object]:
    """An acceptance's condition as recorded; other votes carry none, nor does a clause conditional on itself."""
    if vote.vote != "accept":
        return {}
    on_clause = vote.condition_clause if vote.condition_clause != vote.clause else None
    return {"condition_clause": on_clause, "condition": vote.condition.strip()}
