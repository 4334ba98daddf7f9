"""Show a session's events in the terminal with Rich: each delegation in its colour, text streamed."""

from __future__ import annotations

from typing import assert_never

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.events import (
    CHAIR,
    ControlEvent,
    DraftUpdated,
    EndedEarly,
    ErrorEvent,
    Event,
    FloorGiven,
    FloorRequested,
    MeetingRequested,
    Message,
    NewsRead,
    PhaseStarted,
    PlanMade,
    SeatChanged,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    Token,
    TurnPassed,
    VoteCast,
)
from agents.core.outcome import Outcome
from agents.core.text import shorten
from agents.core.verdict import (
    STATUS_STYLES,
    SUMMARY_KINDS,
    VOTE_LEGEND,
    VOTE_MARKS,
    condition_lines,
    counts,
    summary_parties,
    verdict,
)


class EventPrinter:
    """Translate events to terminal output. Holds only display state (is a line open?)."""

    def __init__(self, cast: Cast, console: Console | None = None):
        self.console = console or Console(highlight=False)
        self.names = cast.names()
        self.colours = {pid: p.colour for pid, p in cast.delegations.items()}
        self.colours[CHAIR] = cast.chair.colour
        self.streaming: str | None = None

    def name(self, seat: str | None) -> Text:
        seat = seat or CHAIR
        return Text(self.names.get(seat, seat), style=f"bold {self.colours.get(seat, 'white')}")

    def who(self, event: Event, seat: str | None = None) -> Text:
        """The name of ``seat`` (else the event's speaker), marked when it spoke in a private side meeting."""
        name = self.name(seat or event.speaker)
        return name if event.audience is None else Text.assemble(name, Text(" (private)", style="magenta"))

    def __call__(self, event: Event) -> None:
        match event:
            case SessionStarted():
                self.on_session_started(event)
            case PhaseStarted():
                self.on_phase_started(event)
            case FloorGiven():
                self.on_floor_given(event)
            case FloorRequested():
                # The terminal shows who gets the floor, not who asked for it: a request changes nothing yet.
                return
            case MeetingRequested():
                self.on_meeting_requested(event)
            case Token():
                self.on_token(event)
            case Message():
                self.on_message(event)
            case DraftUpdated():
                self.on_draft_updated(event)
            case VoteCast():
                self.on_vote_cast(event)
            case PlanMade():
                self.on_plan(event)
            case SessionEnded():
                self.on_session_ended(event)
            case SessionPaused() | SessionResumed() | NewsRead() | EndedEarly() | TurnPassed() | SeatChanged():
                self.on_chair_notice(event)
            case ErrorEvent():
                self.on_error(event)
            case _:
                assert_never(event)

    def _end_stream(self) -> None:
        if self.streaming is not None:
            self.console.print()
            self.streaming = None

    def on_session_started(self, event: SessionStarted) -> None:
        self.console.print(Rule(Text(event.title, style="bold")))
        self.console.print(f"Session {event.session_id}", style="dim")

    def on_phase_started(self, event: PhaseStarted) -> None:
        self._end_stream()
        heading = event.title + (f": {event.agenda_item}" if event.agenda_item else "")
        if event.round and event.round > 1:
            heading += f" (round {event.round})"
        self.console.print(Rule(heading, style="cyan"))
        self.console.print(Text.assemble(self.name(CHAIR), ": ", event.text))

    def on_floor_given(self, event: FloorGiven) -> None:
        self._end_stream()
        self.console.print(Text.assemble("\n", self.who(event, CHAIR), ": ", Text(event.text, style="dim")))

    def on_meeting_requested(self, event: MeetingRequested) -> None:
        self._end_stream()
        self.console.print(Text.assemble("  ", self.name(CHAIR), ": ", Text(event.text, style="magenta")))

    def on_chair_notice(self, event: ControlEvent) -> None:
        """An instructor's control as the chair announces it (a pause, news, a passed turn, a seat handed over)."""
        self._end_stream()
        self.console.print(Text.assemble("  ", self.who(event, CHAIR), ": ", Text(event.text, style="yellow")))

    def on_token(self, event: Token) -> None:
        if self.streaming != event.speaker:
            self._end_stream()
            self.console.print(Text.assemble(self.who(event), ": "), end="")
            self.streaming = event.speaker
        self.console.print(event.delta, end="", style=self.colours.get(event.speaker or CHAIR), markup=False)

    def on_message(self, event: Message) -> None:
        if self.streaming != event.speaker:
            self._end_stream()
            self.console.print(Text.assemble(self.who(event), ": ", event.text))
        self._end_stream()
        if event.move is not None and event.move.kind != "statement":
            clause = f" clause {event.move.clause}" if event.move.clause else ""
            self.console.print(f"  [{event.move.kind}{clause}]", style="dim", markup=False)

    def on_draft_updated(self, event: DraftUpdated) -> None:
        self._end_stream()
        self.console.print(f"  draft: {event.change}", style="yellow")
        if event.speaker == CHAIR or "proposed" in event.change or "amended" in event.change:
            self.print_draft(event.draft)

    def on_vote_cast(self, event: VoteCast) -> None:
        self._end_stream()
        marks = " ".join(f"{v.clause}:{VOTE_MARKS[v.vote]}" for v in event.votes)
        self.console.print(Text.assemble("  ", self.name(event.speaker), f" votes {marks}"))

    def on_plan(self, event: PlanMade) -> None:
        self._end_stream()
        goals = "; ".join(event.plan.goals) or "no goals given"
        heading = Text.assemble("  ", self.who(event), f" plans for the {event.for_phase.replace('_', ' ')}: ")
        self.console.print(Text.assemble(heading, Text(goals, style="dim")))

    def on_error(self, event: ErrorEvent) -> None:
        self._end_stream()
        self.console.print(Text.assemble("  ⚠ ", self.name(event.speaker), f": {event.text}"), style="red")

    def on_session_ended(self, event: SessionEnded) -> None:
        self._end_stream()
        self.print_draft(event.draft)
        outcome = event.outcome
        if outcome.clauses:
            self.print_outcome(outcome)
        if outcome.chair_summary:
            self.print_summary(outcome)
        head, _, detail = verdict(outcome, self.names).partition(": ")
        title = Text(f"{head.upper()} ({outcome.rule.replace('_', '-')})" + (f": {detail}" if detail else ""))
        self.console.print(Rule(title, style="green" if outcome.consensus else "red"))

    def print_outcome(self, outcome: Outcome) -> None:
        """Each clause's result and who gave no answer on it: an undecided clause is never shown as agreed."""
        table = Table(title=f"Consensus call ({VOTE_LEGEND})", expand=False)
        for heading in ("#", "result", "✓ ✗ – ?", "no answer from"):
            table.add_column(heading)
        for clause in outcome.clauses:
            silent = ", ".join(self.names.get(p, p) for p in clause.no_answer)
            table.add_row(
                str(clause.clause), Text(clause.status, style=STATUS_STYLES[clause.status]), counts(clause), silent
            )
        self.console.print(table)
        for line in condition_lines(outcome, self.names):
            self.console.print(Text(f"Condition: {line}"))

    def print_summary(self, outcome: Outcome) -> None:
        """The chair's summary, one row a point, with the parties behind each."""
        table = Table(title="The chair's summary", expand=False)
        for heading in ("", "point", "parties"):
            table.add_column(heading)
        for point in outcome.chair_summary:
            style = "green" if point.kind == "common_ground" else "red"
            kind = Text(SUMMARY_KINDS[point.kind], style=style)
            table.add_row(kind, Text(shorten(point.text, 160)), Text(summary_parties(point, self.names)))
        self.console.print(table)

    def print_draft(self, draft: Draft) -> None:
        table = Table(title="Draft joint statement", show_lines=False, expand=False)
        table.add_column("#", justify="right")
        table.add_column("Clause")
        table.add_column("By")
        for clause in draft.clauses:
            by = self.names.get(clause.proposed_by, clause.proposed_by)
            if clause.amended_by:
                by += " (amended: " + ", ".join(self.names.get(a, a) for a in clause.amended_by) + ")"
            table.add_row(str(clause.number), clause.text, by)
        self.console.print(table)
