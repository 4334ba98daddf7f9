"""The instructor's side of a ``Session``: the calls a classroom makes on a running session.

Each call records a request in ``Controls`` (``agents.engine.controls``) that the chair applies
at the start of its next step, between turns; only a person's running answer is acted on at
once (more time, or passed). ``Session`` inherits these methods, so a room calls
``session.pause()``, ``session.hand_seat(...)`` and so on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from agents.core.catalog import Cast
from agents.delegates.base import Delegate
from agents.delegates.clock import TimedSeat
from agents.engine import controls
from agents.engine.programme import Segment
from agents.engine.state import SessionState
from agents.engine.writers import EventWriter


class Instructor:
    """The instructor's controls, mixed into ``Session`` (which sets the attributes below)."""

    cast: Cast
    parties: list[str]
    delegates: dict[str, Delegate]
    programme: list[Segment]
    controls: controls.Controls
    _answering: set[str]  # the seats answering now: one turn, or every pending ballot

    def pause(self) -> None:
        """Start no new turn, ballot or plan until ``resume_play``; a call already running finishes."""
        self.controls.resumed.clear()

    def resume_play(self) -> None:
        """Go on after ``pause`` (not to be confused with ``run(resume=True)``, which resumes a checkpoint)."""
        self.controls.resumed.set()

    def inject_news(self, text: str, audience: list[str] | None = None, dated: str | None = None) -> None:
        """The chair reads ``text`` to ``audience`` (None: everyone) at the next point between turns.

        Raises:
            InputRejected: the text is empty or too long, or the audience names no seated delegation.
        """
        self.controls.news.append(controls.check_news(self.cast, text, audience, dated))

    def end_early(self) -> None:
        """Close the current segment at the next point between turns and go to the consensus call."""
        self.controls.end = True

    def hand_seat(self, seat: str, delegate: Delegate) -> None:
        """``delegate`` holds ``seat`` from the next turn the chair gives."""
        if seat not in self.parties:
            raise ValueError(f"no seat {seat!r} at this table")
        self.controls.seats.append((seat, delegate))

    def extend_turn(self, seconds: float, seat: str | None = None) -> bool:
        """Give the person answering now (a turn, or a ballot at the consensus call) ``seconds`` more.

        Every person whose ballot is pending gets them, or only ``seat``'s. False if no such answer is running.
        """
        # A list, not a generator: ``any`` must not stop at the first seat it extends.
        return seconds > 0 and any([person.extend_time(seconds) for person in self._timed_seats(seat)])

    def pass_turn(self, seat: str | None = None) -> bool:
        """The chair passes the running person's answer: a turn yields, a ballot gives no answer on any clause.

        Every pending person's ballot is passed, or only ``seat``'s. False if no such answer is running.
        """
        return any([person.pass_turn() for person in self._timed_seats(seat)])  # every seat, as above

    def _timed_seats(self, seat: str | None) -> list[TimedSeat]:
        """The seats answering now whose clock the instructor can reach: ``seat`` only, if given."""
        seats = sorted(self._answering) if seat is None else [seat] if seat in self._answering else []
        delegates = [self.delegates[s] for s in seats]
        return [delegate for delegate in delegates if isinstance(delegate, TimedSeat)]

    @contextmanager
    def answering(self, seat: str) -> Iterator[None]:
        """While ``seat`` answers (its turn or its ballot), the instructor's clock controls reach it."""
        self._answering.add(seat)
        try:
            yield
        finally:
            self._answering.discard(seat)

    async def apply_controls(self, work: SessionState, emit: EventWriter) -> None:
        """The instructor's requests, at the start of the chair's step: between turns."""
        await controls.hold_while_paused(self.controls, work, emit)
        controls.hand_seats(self.cast, self.controls, self.delegates, work, emit)
        news, self.controls.news = self.controls.news, []
        for item in news:
            controls.read_news(self.cast, work, item, emit)
        vote_at = next((i for i, s in enumerate(self.programme) if s.is_vote), len(self.programme))
        controls.end_now(self.controls, work, vote_at, emit)
