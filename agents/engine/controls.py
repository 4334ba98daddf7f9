"""The instructor's controls: requests made from outside the graph, applied by the chair between turns.

A classroom's instructor (the web room, later) calls ``Session.pause``, ``inject_news``,
``end_early``, ``hand_seat`` and friends at any moment. Each call only records a request
here; the chair's step applies them at its next start (``apply``), which is between turns, so
the rules stay in one place and every change is an event emitted inside a graph step (journaled,
then checkpointed like any other). A call already running (a turn, a ballot) is never cut,
except that a person's answer may be given more time or passed (``agents.delegates.clock``).

News goes into the delegates' memory as a chair's record with the news's audience: every
later prompt of an addressee quotes it as the chair's words, and ``Memory.visible_to`` keeps
private news out of every other seat's prompt, as it does for side meetings.

Requests not yet applied live in this process only: a resumed session does not see them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from agents.core.catalog import Cast
from agents.core.events import CHAIR, EndedEarly, NewsRead, SeatChanged, SessionPaused, SessionResumed
from agents.core.memory import TurnRecord
from agents.core.outcome import Outcome
from agents.delegates.base import Delegate
from agents.delegates.human import InputRejected, clean_text
from agents.engine.state import SessionState
from agents.engine.writers import EventWriter

MAX_NEWS_CHARS = 2000


@dataclass(frozen=True)
class News:
    text: str
    audience: tuple[str, ...] | None
    dated: str | None


def check_news(cast: Cast, text: str, audience: list[str] | None, dated: str | None) -> News:
    """The news as the chair will read it; InputRejected names what is wrong."""
    text = clean_text(text, MAX_NEWS_CHARS)
    if audience is not None:
        unknown = [seat for seat in audience if seat not in cast.delegations]
        if unknown or not audience:
            raise InputRejected(
                f"News must go to seated delegations; not seated: {', '.join(unknown) or '(none given)'}."
            )
    dated = clean_text(dated, 40) if dated is not None else None
    return News(text, tuple(dict.fromkeys(audience)) if audience is not None else None, dated)


@dataclass
class Controls:
    """The requests waiting for the chair's next step."""

    resumed: asyncio.Event = field(default_factory=asyncio.Event)
    news: list[News] = field(default_factory=list)
    end: bool = False
    seats: list[tuple[str, Delegate]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.resumed.set()

    @property
    def paused(self) -> bool:
        return not self.resumed.is_set()


def news_words(cast: Cast, news: News) -> str:
    to = "" if news.audience is None else f" (for {', '.join(cast.name(seat) for seat in news.audience)} only)"
    dated = f" dated {news.dated}" if news.dated else ""
    return f"The chair reads news{dated}{to}: {news.text}"


def read_news(cast: Cast, work: SessionState, news: News, emit: EventWriter) -> None:
    """Read ``news`` out and keep it in memory for the addressees' later prompts."""
    words = news_words(cast, news)
    audience = list(news.audience) if news.audience is not None else None
    emit(
        NewsRead(
            phase="session",
            turn=work.turn,
            speaker=CHAIR,
            text=words,
            dated=news.dated,
            news=news.text,
            audience=audience,
        )
    )
    record = TurnRecord(turn=work.turn, phase="session", speaker=CHAIR, kind="news", text=words, audience=news.audience)
    work.memory = work.memory.remember(record)


async def hold_while_paused(controls: Controls, work: SessionState, emit: EventWriter) -> None:
    """Wait here, announced, while the instructor has the talks paused."""
    if not controls.paused:
        return
    emit(SessionPaused(phase="session", turn=work.turn, speaker=CHAIR, text="The chair pauses the talks."))
    await controls.resumed.wait()
    emit(SessionResumed(phase="session", turn=work.turn, speaker=CHAIR, text="The chair resumes the talks."))


def hand_seats(
    cast: Cast, controls: Controls, delegates: dict[str, Delegate], work: SessionState, emit: EventWriter
) -> None:
    """Seat each handed-over delegate; it plays from the next turn."""
    handed, controls.seats = controls.seats, []
    for seat, delegate in handed:
        previous = delegates[seat].label
        delegates[seat] = delegate
        emit(seat_changed(cast, seat, previous, delegate.label, work.turn + 1))


def seat_changed(cast: Cast, seat: str, previous: str, current: str, from_turn: int, why: str = "") -> SeatChanged:
    """The event of ``seat`` passing from ``previous`` to ``current`` holder, who plays from ``from_turn``."""
    text = f"{cast.name(seat)}'s seat passes from {previous} to {current} from turn {from_turn}{why}."
    return SeatChanged(
        phase="session",
        turn=from_turn - 1,
        speaker=seat,
        previous=previous,
        current=current,
        from_turn=from_turn,
        text=text,
    )


def end_now(controls: Controls, work: SessionState, vote_at: int, emit: EventWriter) -> None:
    """Close the current segment and go to the consensus call at ``vote_at`` (the programme's end if none)."""
    if not controls.end or work.ended_early:
        return
    controls.end = False
    work.ended_early = True
    work.meeting, work.meeting_queue = None, []
    if work.segment < vote_at:
        work.segment, work.segment_open = vote_at, False
    text = "The chair ends the talks early: the draft as it stands goes to the consensus call, then the chair closes."
    emit(EndedEarly(phase="session", turn=work.turn, speaker=CHAIR, text=text))


def early_end_note(outcome: Outcome) -> str:
    """What the chair's closing says first when the talks were ended early: no more than the votes show."""
    if not outcome.clauses:
        return "The talks were ended early, before any clause came to a vote."
    return "The talks were ended early; the outcome is only what the votes cast show."
