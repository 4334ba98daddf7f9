"""Map engine events to chat messages: what the web page shows, decided without Chainlit.

``Presenter.present(event)`` returns a list of ``Shown`` items (a message to post, text to
stream into the speaker's open message, a message to finish, or a draft to redraw). The
Chainlit app only executes them, so this mapping is unit-tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, assert_never

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.events import (
    CHAIR,
    DraftUpdated,
    ErrorEvent,
    Event,
    FloorGiven,
    FloorRequested,
    MeetingRequested,
    Message,
    PhaseStarted,
    PlanMade,
    SessionEnded,
    SessionStarted,
    Token,
    VoteCast,
)
from agents.core.moves import DRAFTING_MOVES
from agents.core.outcome import Outcome
from agents.core.plans import plan_lines
from agents.core.verdict import VOTE_WORDS, condition_lines, summary_markdown, undecided_note, vote_in

ShownKind = Literal["post", "stream", "finish", "draft", "outcome"]
Style = Literal["phase", "floor", "speech", "vote", "error", "outcome", "notice"]


@dataclass
class Shown:
    """One thing to do on the page. ``author`` is the display name (ASCII, avatar file name)."""

    kind: ShownKind
    author: str
    content: str = ""
    style: Style = "speech"
    draft: Draft | None = None
    outcome: Outcome | None = None


@dataclass
class Presenter:
    """Turns events into ``Shown`` items for one viewer sitting in ``seat`` (None: observer)."""

    cast: Cast
    seat: str | None = None
    streaming: str | None = field(default=None)

    def author(self, seat: str | None) -> str:
        return self.cast.name(seat)

    def present(self, event: Event) -> list[Shown]:
        """What to show for ``event``: nothing when it was said in a side meeting this seat was not in.

        An observer (``seat`` None) sits in no meeting, so sees only what was said at the table.
        """
        if event.audience is not None and self.seat not in event.audience:
            return []
        match event:
            case SessionStarted():
                # The page is opened (greeting, brief, draft panel) before the session starts.
                return []
            case PhaseStarted():
                return self._on_phase_started(event)
            case FloorGiven():
                return self._on_floor_given(event)
            case FloorRequested():
                return self._on_floor_requested(event)
            case MeetingRequested():
                return self._on_meeting_requested(event)
            case Token():
                return self._on_token(event)
            case Message():
                return self._on_message(event)
            case DraftUpdated():
                return self._on_draft_updated(event)
            case VoteCast():
                return self._on_vote_cast(event)
            case PlanMade():
                return self._on_plan(event)
            case SessionEnded():
                return self._on_session_ended(event)
            case ErrorEvent():
                return self._on_error(event)
            case _:
                assert_never(event)

    def private_tag(self, event: Event) -> str:
        return " *(in private)*" if event.audience is not None else ""

    def _on_meeting_requested(self, event: MeetingRequested) -> list[Shown]:
        return [Shown("post", self.author(CHAIR), f"*{event.text}*", "notice")]

    def _on_phase_started(self, event: PhaseStarted) -> list[Shown]:
        heading = event.title
        if event.agenda_item:
            heading += f": {self.cast.scenario.agenda_item(event.agenda_item).title}"
        if event.round and event.round > 1:
            heading += f" (round {event.round})"
        text = f"### {heading}\n\n**{self.author(CHAIR)}:** {event.text}"
        return [Shown("post", self.author(CHAIR), text, "phase")]

    def _on_floor_given(self, event: FloorGiven) -> list[Shown]:
        yours = " **It is your turn.**" if event.speaker == self.seat else ""
        return [Shown("post", self.author(CHAIR), f"*{event.text}*{yours}", "floor")]

    def _on_floor_requested(self, event: FloorRequested) -> list[Shown]:
        return [Shown("post", self.author(CHAIR), f"*{self.author(event.speaker)} asks for the floor.*", "floor")]

    def _on_token(self, event: Token) -> list[Shown]:
        if event.speaker == self.seat:
            return []
        prefix = ""
        if self.streaming != event.speaker:
            self.streaming = event.speaker
            prefix = f"**{self.author(event.speaker)}:** "
        return [Shown("stream", self.author(event.speaker), prefix + event.delta)]

    def _on_message(self, event: Message) -> list[Shown]:
        name = self.author(event.speaker)
        tag = ""
        if event.move is not None and event.move.kind != "statement":
            clause = f" {event.move.clause}" if event.move.clause else ""
            tag = f" `[{event.move.kind}{clause}]`"
        wording = ""
        if event.move is not None and event.move.clause_text and event.move.kind in DRAFTING_MOVES:
            wording = f"\n\n> {event.move.clause_text}"
        content = f"**{name}:**{self.private_tag(event)} {event.text}{tag}{wording}"
        was_streaming = self.streaming == event.speaker
        self.streaming = None
        return [Shown("finish" if was_streaming else "post", name, content, "speech")]

    def _on_draft_updated(self, event: DraftUpdated) -> list[Shown]:
        note = Shown("post", self.author(CHAIR), f"*Draft: {event.change}.*", "notice")
        return [note, Shown("draft", self.author(CHAIR), draft=event.draft)]

    def _on_vote_cast(self, event: VoteCast) -> list[Shown]:
        marks = ", ".join(f"{v.clause}: {VOTE_WORDS[v.vote]}" for v in event.votes) or "no clauses"
        return [Shown("post", self.author(event.speaker), f"**{self.author(event.speaker)}** votes: {marks}", "vote")]

    def _on_plan(self, event: PlanMade) -> list[Shown]:
        """A plan reaches only its own seat's page (see ``present``): for a person, the advisor's suggestion."""
        phase = event.for_phase.replace("_", " ")
        lines = "\n".join(plan_lines(event.plan, self.cast.names()))
        text = f"**Advisor** suggests a private plan for the {phase} (only you see it):\n\n{lines}"
        return [Shown("post", self.author(CHAIR), text, "notice")]

    def _on_error(self, event: ErrorEvent) -> list[Shown]:
        return [Shown("post", self.author(CHAIR), f"⚠ {self.author(event.speaker)}: {event.text}", "error")]

    def _on_session_ended(self, event: SessionEnded) -> list[Shown]:
        return [
            Shown(
                "outcome",
                self.author(CHAIR),
                outcome_markdown(self, event.outcome),
                "outcome",
                event.draft,
                event.outcome,
            )
        ]


def draft_markdown(draft: Draft, names: dict[str, str]) -> str:
    """The draft joint statement as Markdown, with who proposed and amended each clause."""
    if not draft.clauses:
        return "*No clauses yet.*"
    lines = []
    for clause in draft.clauses:
        by = names.get(clause.proposed_by, clause.proposed_by)
        if clause.amended_by:
            by += ", amended by " + ", ".join(names.get(a, a) for a in clause.amended_by)
        lines.append(f"{clause.number}. {clause.text} *({by})*")
    return "\n".join(lines)


def outcome_markdown(presenter: Presenter, outcome: Outcome) -> str:
    """The outcome with a clause-by-delegation table; an undecided clause says whose answer is missing."""
    parties = list(presenter.cast.delegations)
    heading = "Consensus reached" if outcome.consensus else "No consensus"
    lines = [f"## Outcome: {heading}", "", f"Rule: {outcome.rule.replace('_', '-')}.", ""]
    note = undecided_note(outcome, presenter.cast.names())
    if note:
        lines += [f"{note}: silence is not counted as consent.", ""]
    if outcome.clauses:
        lines.append("| Clause | " + " | ".join(presenter.author(p) for p in parties) + " | Result |")
        lines.append("|---" * (len(parties) + 2) + "|")
        for clause in outcome.clauses:
            cells = [VOTE_WORDS[vote_in(clause, p)] for p in parties]
            lines.append(f"| {clause.clause} | " + " | ".join(cells) + f" | {clause.status} |")
    conditions = condition_lines(outcome, presenter.cast.names())
    if conditions:
        lines += ["", "**Conditional acceptances**", *(f"- {line}" for line in conditions)]
    if outcome.chair_summary:  # the chair read it out in its last message; here it is the record
        lines += ["", "### The chair's summary", "", *summary_markdown(outcome.chair_summary, presenter.cast.names())]
    elif outcome.summary:
        lines += ["", outcome.summary]
    return "\n".join(lines)


def landing_markdown(scenario_title: str) -> str:
    """The first thing a new chat shows, above the seat buttons: what Parley is, and what to do."""
    return (
        "**Parley** stages a diplomatic negotiation: a chair gives the floor to delegations played by AI models.\n\n"
        f"**{scenario_title}**: choose your seat below to negotiate, or *Observer* to watch"
        " (other scenarios: the menu at the top)."
    )


def brief_markdown(persona) -> str:
    """A delegation's own brief, private instructions included: shown only to that delegation's person."""

    def claims(title: str, items) -> list[str]:
        return [f"**{title}**", *[f"- {c.text} ({c.source})" for c in items], ""] if items else []

    lines = [f"## {persona.name}", f"{persona.head.name}, {persona.head.title}", ""]
    lines += claims("Interests", persona.interests)
    lines += claims("Red lines", persona.red_lines)
    lines += claims("Opening position", persona.opening_position)
    lines += claims(
        "Priorities", [c.model_copy(update={"text": f"{k}: {c.text}"}) for k, c in persona.priorities.items()]
    )
    lines += claims("Private instructions (yours only)", persona.private_instructions)
    lines += ["**Style**", persona.style]
    return "\n".join(lines)
