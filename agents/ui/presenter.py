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
from agents.core.moves import DRAFTING_MOVES
from agents.core.outcome import Outcome
from agents.core.plans import plan_lines
from agents.core.verdict import VOTE_WORDS, condition_lines, summary_markdown, undecided_note, vote_in
from agents.ui.ballot_box import BallotBox, reveal_markdown
from agents.ui.draft_panel import draft_panel_markdown, short

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
    ballots: BallotBox | None = field(default=None)
    held: list[Shown] = field(default_factory=list)  # ballot notes, shown when the ballots are opened
    objections: dict[int, dict[str, str]] = field(default_factory=dict)  # clause -> party -> words

    def __post_init__(self) -> None:
        if self.ballots is None:
            self.ballots = BallotBox(list(self.cast.scenario.parties))

    def author(self, seat: str | None) -> str:
        return self.cast.name(seat)

    def named(self, text: str) -> str:
        """``text`` with a leading delegation id (an engine note: "dprk proposed clause 5") as its name."""
        first, space, rest = text.partition(" ")
        if first == CHAIR:
            return f"The chair{space}{rest}"
        if first in self.cast.delegations:
            return f"{self.author(first)}{space}{rest}"
        return text

    @property
    def box(self) -> BallotBox:
        assert self.ballots is not None
        return self.ballots

    def present(self, event: Event) -> list[Shown]:
        """What to show for ``event``: nothing when it was said in a side meeting this seat was not in.

        An observer (``seat`` None) sits in no meeting, so sees only what was said at the table.
        """
        if event.audience is not None and self.seat not in event.audience:
            return []
        if self.box.waiting and not isinstance(event, VoteCast | Token | ErrorEvent):
            return self._reveal() + self._present(event)  # a ballot never came: open the box anyway
        if self.held and isinstance(event, PhaseStarted | SessionEnded):
            held, self.held = self.held, []
            return held + self._present(event)
        return self._present(event)

    def _present(self, event: Event) -> list[Shown]:
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
            case SessionPaused() | SessionResumed() | NewsRead() | EndedEarly() | TurnPassed() | SeatChanged():
                # The instructor's controls, in the chair's words; the classroom page may do more later.
                return [Shown("post", self.author(CHAIR), f"*{event.text}*{self.private_tag(event)}", "notice")]
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
        if event.held:  # the chair's answer, to the requester alone
            return [Shown("post", self.author(CHAIR), f"*{event.text}*", "notice")]
        text = f"*{self.author(event.speaker)} asks for the floor.*{self.private_tag(event)}"
        return [Shown("post", self.author(CHAIR), text, "floor")]

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
        self._note_objection(event)
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

    def _note_objection(self, event: Message) -> None:
        """Keep an objector's words on a clause, for the draft panel; new wording clears them."""
        move = event.move
        if move is None or move.clause is None or event.speaker is None:
            return
        if move.kind == "objection":
            self.objections.setdefault(move.clause, {})[event.speaker] = event.text
        elif move.kind == "amendment":
            self.objections.pop(move.clause, None)

    def panel(self, draft: Draft) -> str:
        """The side panel's draft: every clause with its status and amendments."""
        return draft_panel_markdown(draft, self.cast.names(), self.objections)

    def _on_draft_updated(self, event: DraftUpdated) -> list[Shown]:
        note = Shown("post", self.author(CHAIR), f"*Draft: {self.named(event.change)}.*", "notice")
        return [note, Shown("draft", self.author(CHAIR), self.panel(event.draft), draft=event.draft)]

    def _on_vote_cast(self, event: VoteCast) -> list[Shown]:
        """Ballots are sealed until every delegation has voted, then opened together."""
        if not self.box.drop(event):
            return []
        return self._reveal()

    def _reveal(self) -> list[Shown]:
        opened = reveal_markdown(self.box.open(), self.cast.names())
        held, self.held = self.held, []
        return [Shown("post", self.author(CHAIR), opened, "vote"), *held]

    def _on_plan(self, event: PlanMade) -> list[Shown]:
        """A plan reaches only its own seat's page (see ``present``): for a person, the advisor's suggestion."""
        phase = event.for_phase.replace("_", " ")
        lines = "\n".join(plan_lines(event.plan, self.cast.names()))
        text = f"**Advisor** suggests a private plan for the {phase} (only you see it):\n\n{lines}"
        return [Shown("post", self.author(CHAIR), text, "notice")]

    def _on_error(self, event: ErrorEvent) -> list[Shown]:
        shown = Shown("post", self.author(CHAIR), f"⚠ {self.author(event.speaker)}: {event.text}", "error")
        if self.box.waiting or event.phase == "consensus":  # a ballot's note would tell how it went
            self.held.append(shown)
            return []
        return [shown]

    def _on_session_ended(self, event: SessionEnded) -> list[Shown]:
        return [
            Shown(
                "outcome",
                self.author(CHAIR),
                outcome_markdown(self, event.outcome, event.draft),
                "outcome",
                event.draft,
                event.outcome,
            )
        ]


def outcome_markdown(presenter: Presenter, outcome: Outcome, draft: Draft | None = None) -> str:
    """The outcome with a clause-by-delegation table, then each clause's text and the reasons of
    its objectors; an undecided clause says whose answer is missing."""
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
    lines += clause_lines(presenter, outcome, draft)
    conditions = condition_lines(outcome, presenter.cast.names())
    if conditions:
        lines += ["", "**Conditional acceptances**", *(f"- {line}" for line in conditions)]
    if outcome.chair_summary:  # the chair read it out in its last message; here it is the record
        lines += ["", "### The chair's summary", "", *summary_markdown(outcome.chair_summary, presenter.cast.names())]
    elif outcome.summary:
        lines += ["", outcome.summary]
    return "\n".join(lines)


def clause_lines(presenter: Presenter, outcome: Outcome, draft: Draft | None) -> list[str]:
    """Each voted clause: its wording, its result, and why each objector objected."""
    texts = draft.texts() if draft else {}
    reasons = presenter.box.objection_reasons()
    lines: list[str] = []
    for clause in outcome.clauses:
        lines += ["", f"**Clause {clause.clause}** ({clause.status}): {texts.get(clause.clause, '')}".rstrip()]
        for party in clause.object:
            why = reasons.get(clause.clause, {}).get(party, "")
            because = f": “{short(why)}”" if why else " (no reason given)"
            lines.append(f"- {presenter.author(party)} objects{because}")
    return lines


def landing_markdown(scenario_title: str) -> str:
    """The first thing a new chat shows, above the seat buttons: what Parley is, and what to do."""
    return (
        "**Parley** stages a diplomatic negotiation: a chair gives the floor to delegations played by AI models.\n\n"
        f"**{scenario_title}**: choose your seat below to negotiate, or *Observer* to watch"
        " (other scenarios: the menu at the top); a class shares one table in a room."
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
