"""The typed events a session emits: the only thing the CLI, the UI and the transcript see.

One discriminated union on ``type``. ``token`` events carry streamed text as it arrives
and are not kept in transcripts; the complete text follows in a ``message`` event. A
``plan`` event is a delegation's private plan: only its own seat is in its ``audience``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, PrivateAttr, TypeAdapter, computed_field

from agents.core.draft import Draft
from agents.core.moves import CastVote, Move
from agents.core.outcome import Outcome
from agents.core.plans import Plan
from agents.core.usage import Usage

CHAIR = "chair"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class EventBase(BaseModel):
    phase: str = Field(description="the phase kind the event belongs to, or 'session'")
    turn: int = Field(default=0, description="delegate turns completed when it happened")
    speaker: str | None = Field(default=None, description="a delegation id or 'chair'")
    time: str = Field(default_factory=now)
    audience: list[str] | None = Field(
        default=None, description="None: said at the table, for all; else the only seats that heard it"
    )
    # The engine task that emitted the event (kept in the journal, not in transcripts): on
    # resume, events of tasks that will run again are dropped so nothing is doubled.
    _task: str | None = PrivateAttr(default=None)

    @property
    def task(self) -> str | None:
        return self._task

    @task.setter
    def task(self, value: str | None) -> None:
        self._task = value

    # mypy cannot type a decorated property (python/mypy#1362); pydantic documents this ignore.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def visibility(self) -> Literal["public", "private"]:
        """Written to transcripts so every event says who could see it (derived from ``audience``)."""
        return "public" if self.audience is None else "private"

    def visible_to(self, seat: str | None) -> bool:
        """Whether ``seat`` saw this event; ``None`` stands for someone reviewing the whole session."""
        return self.audience is None or seat is None or seat in self.audience


class SessionStarted(EventBase):
    type: Literal["session_started"] = "session_started"
    session_id: str
    scenario_id: str
    title: str
    parties: list[str]


class PhaseStarted(EventBase):
    type: Literal["phase_started"] = "phase_started"
    title: str
    agenda_item: str | None = None
    round: int | None = None
    text: str = ""
    members: list[str] | None = Field(default=None, description="a private side meeting's members")


class MeetingRequested(EventBase):
    """A delegation asked the chair for a private side meeting; the chair's ruling is public."""

    type: Literal["meeting_requested"] = "meeting_requested"
    members: list[str]
    granted: bool
    text: str = ""


# Why a seat has the floor: the floor policy's reason, or "chair" when the chair's model chose.
FloorGivenReason = Literal["order", "request", "follow-up", "chair"]


class FloorGiven(EventBase):
    type: Literal["floor_given"] = "floor_given"
    reason: FloorGivenReason
    text: str = ""
    model: str | None = Field(default=None, description="set when the chair's model chose")
    usage: Usage | None = None


class FloorRequested(EventBase):
    """A delegation asked for the floor. ``held``: it could not be heard where the floor was
    (a private meeting it is not in); the chair keeps the request for the table's next pass and
    says so in ``text``, to that delegation only."""

    type: Literal["floor_requested"] = "floor_requested"
    held: bool = False
    text: str = ""


class Token(EventBase):
    type: Literal["token"] = "token"
    delta: str


class Message(EventBase):
    """A completed utterance: a delegate's move, or the chair speaking."""

    type: Literal["message"] = "message"
    text: str
    move: Move | None = None
    model: str | None = None
    usage: Usage | None = None
    repaired: bool = Field(default=False, description="the first reply did not parse; a retry did")
    fallback: bool = Field(default=False, description="no reply parsed; the text became a statement")


class DraftUpdated(EventBase):
    type: Literal["draft_updated"] = "draft_updated"
    change: str
    draft: Draft


class VoteCast(EventBase):
    type: Literal["vote_cast"] = "vote_cast"
    votes: list[CastVote]
    model: str | None = None
    usage: Usage | None = None


class PlanMade(EventBase):
    """A delegation's private plan, made as the chair is about to open a phase: ``audience`` is its own seat."""

    type: Literal["plan"] = "plan"
    plan: Plan
    for_phase: str = Field(description="the phase kind the plan is for")
    model: str | None = None
    usage: Usage | None = None


class SessionEnded(EventBase):
    type: Literal["session_ended"] = "session_ended"
    outcome: Outcome
    draft: Draft
    text: str = ""


class ChairNotice(EventBase):
    """An instructor's control as the chair announces it, in ``text``."""

    text: str = ""


class SessionPaused(ChairNotice):
    """The instructor paused the talks: the chair starts no new turn, ballot or plan until resumed."""

    type: Literal["session_paused"] = "session_paused"


class SessionResumed(ChairNotice):
    """The talks go on after a pause."""

    type: Literal["session_resumed"] = "session_resumed"


class NewsRead(ChairNotice):
    """The chair reads a scenario event (news) between turns; ``audience`` is who heard it (None: all)."""

    type: Literal["news"] = "news"
    text: str
    dated: str | None = Field(default=None, description="the date the news carries, as the instructor gave it")
    news: str | None = Field(
        default=None, description="the news as the instructor gave it (``text`` is the chair's words around it)"
    )


class EndedEarly(ChairNotice):
    """The chair closed the talks before the programme ran out; the consensus call still decides the outcome."""

    type: Literal["ended_early"] = "ended_early"


class TurnPassed(ChairNotice):
    """The chair passed ``speaker``'s turn (the instructor's call): the seat yielded without answering."""

    type: Literal["turn_passed"] = "turn_passed"


class SeatChanged(ChairNotice):
    """Seat ``speaker`` changed hands: ``previous`` held it, ``current`` holds it from turn ``from_turn``."""

    type: Literal["seat_changed"] = "seat_changed"
    previous: str
    current: str
    from_turn: int


ControlEvent = SessionPaused | SessionResumed | NewsRead | EndedEarly | TurnPassed | SeatChanged
"""The instructor's controls as the chair announces them: every one carries the chair's ``text``."""


class ErrorEvent(EventBase):
    type: Literal["error"] = "error"
    text: str
    recoverable: bool = True


Event = Annotated[
    SessionStarted
    | PhaseStarted
    | FloorGiven
    | FloorRequested
    | MeetingRequested
    | Token
    | Message
    | DraftUpdated
    | VoteCast
    | PlanMade
    | SessionEnded
    | SessionPaused
    | SessionResumed
    | NewsRead
    | EndedEarly
    | TurnPassed
    | SeatChanged
    | ErrorEvent,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
