"""The computed review of one transcript: plain pydantic data, printed as JSON by ``parley review --json``.

Every number here is computed from the transcript alone (plus the personas, for grounding
and leakage), except ``scores``, which a judge model gives. Delegations are named by id; the
renderers look their display names up with ``Review.names``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from agents.core.events import CHAIR
from agents.core.outcome import SummaryPoint
from agents.core.plans import Plan
from agents.core.usage import Usage
from agents.review.findings import CrossedRedLine, ParaphrasedLeak, RecitedStatement, red_line_number
from agents.review.record_schema import RecordReview

ClauseStatus = Literal["agreed", "rejected", "undecided", "not voted"]


class Seat(BaseModel):
    """A delegation (or the chair) and the model that played it."""

    id: str
    name: str
    short_name: str
    model: str
    colour: str | None = None


class ClauseResult(BaseModel):
    """One clause of the final draft and what the consensus call made of it."""

    number: int
    text: str
    proposed_by: str
    status: ClauseStatus
    accept: list[str] = Field(default_factory=list)
    object: list[str] = Field(default_factory=list)
    abstain: list[str] = Field(default_factory=list)
    no_answer: list[str] = Field(default_factory=list, description="gave no answer: its ballot failed or left it out")


class DroppedClause(BaseModel):
    """Wording that was put forward but never reached the vote, and why."""

    by: str
    turn: int
    text: str
    why: str


class OutcomeSummary(BaseModel):
    """``agreed``: passed under the rule; ``rejected``: every delegation answered and it did not pass;
    ``undecided``: some delegation gave no answer; ``dropped``: never voted on."""

    voted: bool
    consensus: bool
    rule: str
    clauses: list[ClauseResult] = Field(default_factory=list)
    dropped: list[DroppedClause] = Field(default_factory=list)
    chair_summary: list[SummaryPoint] = Field(
        default_factory=list, description="the chair's points of common ground and of difference, from the vote"
    )

    def numbers(self, status: ClauseStatus) -> list[int]:
        """The clause numbers with this status."""
        return [clause.number for clause in self.clauses if clause.status == status]


class PhaseSpan(BaseModel):
    """One segment of the programme (a phase, on one agenda item, in one round) and who spoke in it."""

    phase: str
    title: str
    agenda_item: str | None = None
    round: int | None = None
    first_turn: int
    last_turn: int
    started: str
    speakers: list[str] = Field(default_factory=list)


class FloorTurn(BaseModel):
    """A delegate turn: who held the floor, why they had it, and what they did with it."""

    turn: int
    speaker: str
    phase: str
    kind: str
    words: int
    time: str
    floor: str = "order"
    text: str = ""


class SpeakingShare(BaseModel):
    """Turns and words of one delegation, and its share of all delegations' turns and words."""

    delegation: str
    turns: int
    words: int
    turn_share: float
    word_share: float


class Speaking(BaseModel):
    """Speaking share per delegation; ``gini`` of turns: 0 when all spoke equally, towards 1 when one spoke."""

    rows: list[SpeakingShare] = Field(default_factory=list)
    gini: float = 0.0


class MoveCounts(BaseModel):
    """How many moves of each kind a delegation made."""

    delegation: str
    counts: dict[str, int] = Field(default_factory=dict)


class DiffPiece(BaseModel):
    """A run of words that a revision kept, added or removed."""

    op: Literal["same", "added", "removed"]
    text: str


class ClauseVersion(BaseModel):
    """One wording of a clause; ``diff`` is against the wording before it (all ``added`` for the first)."""

    by: str
    turn: int
    action: str
    text: str
    diff: list[DiffPiece] = Field(default_factory=list)


class ClauseHistory(BaseModel):
    """A clause from first proposal to final text."""

    number: int
    agenda_item: str | None = None
    status: ClauseStatus
    versions: list[ClauseVersion] = Field(default_factory=list)
    supporters: list[str] = Field(default_factory=list)
    objectors: list[str] = Field(default_factory=list)

    @property
    def changed_by(self) -> list[str]:
        """Who changed the clause after its first wording, in order."""
        return [version.by for version in self.versions[1:]]


class VoteCell(BaseModel):
    """One delegation's vote on one clause, with its reason."""

    delegation: str
    clause: int
    vote: str
    reason: str = ""


class CostRow(BaseModel):
    """Tokens of one seat and what they cost; ``cost`` is None when no price matches the model."""

    seat: str
    model: str
    usage: Usage
    price_key: str | None = None
    cost: float | None = None


class Costs(BaseModel):
    """Per seat and in total. ``total_cost`` adds the priced seats only; ``unpriced`` names the others."""

    rows: list[CostRow] = Field(default_factory=list)
    total: Usage = Field(default_factory=Usage)
    total_cost: float = 0.0
    unpriced: list[str] = Field(default_factory=list)


class GroundedStatement(BaseModel):
    """A statement that carries one of the persona's sourced public positions (by the lexical floor)."""

    turn: int
    text: str
    sources: list[str] = Field(description="the sources of the positions it carries: ``¶3`` or a date")


class Grounding(BaseModel):
    """How a delegation's public statements stand to the sourced positions of its brief.

    ``grounded`` is the count that decided (``decided_by``): the judge's when the review has
    one, else the lexical floor. ``lexical`` is always the floor; ``recited`` statements copy
    the brief and count in neither.
    """

    delegation: str
    statements: int = 0
    grounded: int = 0
    decided_by: str = "lexical floor (no judge)"
    lexical: int = 0
    recited: int = 0
    judged: int | None = Field(default=None, description="statements the judge found grounded; None: no judge")
    sources: dict[str, int] = Field(default_factory=dict)
    examples: list[GroundedStatement] = Field(default_factory=list)
    recitals: list[RecitedStatement] = Field(default_factory=list)


class Leak(BaseModel):
    """Words of a private instruction that a delegation said in public."""

    speaker: str
    owner: str
    own: bool
    turn: int
    instruction: str
    shared_ngrams: int
    phrase: str


class DelegationScore(BaseModel):
    """Your evaluation of one delegation's result in the session, judged against its brief."""

    interests_score: int = Field(
        ge=0, le=10, description="how far the agreed text serves this delegation's interests: 0 not at all, 10 fully"
    )
    interests_reasons: list[str] = Field(default_factory=list, description="short reasons, one per point")
    red_lines_crossed: list[int] = Field(
        default_factory=list,
        description="the numbers of its red lines (as numbered in the brief, 1 for the first) that the agreed text "
        "crosses; empty if none",
    )
    grounded_turns: list[int] = Field(
        default_factory=list,
        description="the turn numbers of its statements that express one of its numbered sourced positions in "
        "substance, in its own words",
    )
    consistency_score: int = Field(
        ge=0, le=10, description="how consistently it acted in character and by its brief: 0 never, 10 always"
    )
    consistency_reasons: list[str] = Field(default_factory=list, description="short reasons, one per point")
    summary: str = Field(default="", description="one or two sentences")
    # Answers to red_lines_crossed that are not whole numbers, kept for the evaluation's notes.
    not_numbers: SkipJsonSchema[list[str]] = Field(default_factory=list, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _numbers_only(cls, data: Any) -> Any:
        """Keep the red-line answers that are whole numbers; set the others aside rather than fail the answer."""
        if not isinstance(data, dict) or not isinstance(data.get("red_lines_crossed"), list):
            return data
        numbers: list[int] = []
        others: list[str] = []
        for answer in data["red_lines_crossed"]:
            number = red_line_number(answer)
            if number is None:
                others.append(str(answer))
            else:
                numbers.append(number)
        return {**data, "red_lines_crossed": numbers, "not_numbers": others}


class Evaluation(BaseModel):
    """The judge's score of one delegation, or why there is none."""

    delegation: str
    score: DelegationScore | None = None
    error: str | None = None
    red_lines: list[CrossedRedLine] = Field(default_factory=list, description="the red lines crossed, by index")
    notes: list[str] = Field(default_factory=list, description="answers of the judge that were dropped, and why")


class Scores(BaseModel):
    """Every delegation's evaluation, by which judge, at what cost."""

    judge: str
    evaluations: list[Evaluation] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    paraphrased_leaks: list[ParaphrasedLeak] = Field(default_factory=list)
    leak_notes: list[str] = Field(default_factory=list, description="why a delegation's paraphrase check failed")

    def of(self, delegation: str) -> DelegationScore | None:
        """The score of ``delegation``, or None if it was not scored."""
        found = next((e for e in self.evaluations if e.delegation == delegation), None)
        return found.score if found else None


class MeetingLine(BaseModel):
    """One turn said in a private side meeting."""

    turn: int
    speaker: str
    text: str


class MeetingSummary(BaseModel):
    """A private side meeting: its members, who asked for it (None: set in the scenario), what was said."""

    members: list[str]
    turn: int
    requested_by: str | None = None
    said: list[MeetingLine] = Field(default_factory=list)


class NewsItem(BaseModel):
    """News the chair read out at the instructor's request, after ``turn`` delegate turns.

    ``audience`` None: read to every delegation; else only these heard it.
    """

    turn: int
    dated: str | None = None
    text: str
    audience: list[str] | None = None


class PlanSummary(BaseModel):
    """A delegation's private plan, made after ``turn`` turns for the phase ``for_phase``."""

    turn: int
    delegation: str
    for_phase: str
    plan: Plan


class Review(BaseModel):
    """Everything ``parley review`` reports about one session.

    ``viewer`` is the seat whose view this is (None: the whole session, private meetings and
    every delegation's private plans included).
    """

    session_id: str
    scenario_id: str
    title: str
    venue: str
    date: str
    status: str
    chair: Seat
    delegations: list[Seat]
    outcome: OutcomeSummary
    phases: list[PhaseSpan] = Field(default_factory=list)
    turns: list[FloorTurn] = Field(default_factory=list)
    speaking: Speaking = Field(default_factory=Speaking)
    moves: list[MoveCounts] = Field(default_factory=list)
    clauses: list[ClauseHistory] = Field(default_factory=list)
    votes: list[VoteCell] = Field(default_factory=list)
    costs: Costs = Field(default_factory=Costs)
    grounding: list[Grounding] = Field(default_factory=list)
    leaks: list[Leak] = Field(default_factory=list)
    scores: Scores | None = None
    no_scores: str | None = Field(default=None, description="why no judge scored this review")
    viewer: str | None = None
    meetings: list[MeetingSummary] = Field(default_factory=list)
    plans: list[PlanSummary] = Field(default_factory=list)
    news: list[NewsItem] = Field(default_factory=list, description="news the chair read, as far as this view heard it")
    record: RecordReview | None = Field(default=None, description="the session against the real meeting's record")

    def names(self) -> dict[str, str]:
        """Display name by id, for the delegations and the chair (under its persona id and ``chair``)."""
        names = {seat.id: seat.short_name for seat in self.delegations}
        names[self.chair.id] = names[CHAIR] = self.chair.short_name
        return names

    def name(self, seat: str) -> str:
        """The display name of a seat id (the id itself if unknown)."""
        return self.names().get(seat, seat)

    def to_whom(self, item: NewsItem) -> str:
        """Who heard ``item``: ``all``, or the delegations' names."""
        return "all" if item.audience is None else ", ".join(self.name(seat) for seat in item.audience)

    def vote(self, delegation: str, clause: int) -> VoteCell | None:
        """``delegation``'s vote on ``clause``, or None if it cast none."""
        return next((v for v in self.votes if v.delegation == delegation and v.clause == clause), None)
