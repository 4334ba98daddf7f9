"""Every renderer handles every event type: the terminal printer, the web presenter and the Markdown file.

Each dispatches with ``match event:`` ending in ``assert_never``, so mypy rejects a renderer
that misses a type. These tests say the same without mypy: the dispatch names every member of
the ``Event`` union, and one event of each type goes through each renderer without error.
"""

from __future__ import annotations

import ast
import inspect
import io
import textwrap
import typing
from collections.abc import Callable

import pytest
from rich.console import Console

from agents.cli.console import EventPrinter
from agents.core.catalog import Cast, Catalog
from agents.core.draft import Draft
from agents.core.events import (
    CHAIR,
    DraftUpdated,
    EndedEarly,
    ErrorEvent,
    Event,
    EventBase,
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
from agents.core.moves import CastVote, Move
from agents.core.outcome import ClauseOutcome, Outcome
from agents.core.plans import Plan
from agents.sessions import markdown
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import new_transcript
from agents.ui.presenter import Presenter

EVENT_TYPES: tuple[type[EventBase], ...] = typing.get_args(typing.get_args(Event)[0])

DISPATCHERS: dict[str, Callable[..., object]] = {
    "terminal": EventPrinter.__call__,
    "web": Presenter._present,  # ``present`` first holds back sealed ballots and hidden events
    "markdown": markdown._lines,
}

# What each renderer deliberately shows nothing for (each has a commented case saying why).
IGNORED: dict[str, set[type[EventBase]]] = {
    "terminal": {FloorRequested},
    "web": {SessionStarted},
    "markdown": {SessionStarted, FloorGiven, FloorRequested, Token, SessionEnded},
}


@pytest.fixture(scope="module")
def cast(catalog: Catalog) -> Cast:
    return catalog.cast("six-party-2003")


def one_of_each(cast: Cast) -> list[EventBase]:
    """A minimal event of every type, spoken by the first delegation where a speaker matters."""
    party = next(iter(cast.delegations))
    draft = Draft().add("The parties seek a nuclear-free peninsula.", cast.chair.id, 0, "tabled")
    outcome = Outcome(consensus=False, rule="unanimity", clauses=[ClauseOutcome(clause=1, status="undecided")])
    events: list[EventBase] = [
        SessionStarted(phase="session", session_id="s1", scenario_id=cast.scenario.id, title="T", parties=[party]),
        PhaseStarted(phase="opening", title="Opening", agenda_item=cast.scenario.agenda[0].id, text="Welcome."),
        FloorGiven(phase="opening", speaker=party, reason="order", text="The floor is yours."),
        FloorRequested(phase="opening", speaker=party),
        MeetingRequested(phase="opening", speaker=party, members=[party], granted=False, text="Not now."),
        Token(phase="opening", speaker=party, delta="We"),
        Message(phase="opening", speaker=party, text="We propose.", move=Move(kind="proposal", clause_text="A.")),
        DraftUpdated(phase="opening", speaker=party, change="clause 1 proposed", draft=draft),
        VoteCast(phase="vote", speaker=party, votes=[CastVote(clause=1, vote="accept")]),
        PlanMade(
            phase="drafting", speaker=party, audience=[party], plan=Plan(goals=["Hold firm."]), for_phase="drafting"
        ),
        SessionEnded(phase="session", outcome=outcome, draft=draft, text="Closed."),
        ErrorEvent(phase="opening", speaker=CHAIR, text="Something failed."),
        SessionPaused(phase="discussion", speaker=CHAIR, text="The chair suspends the talks."),
        SessionResumed(phase="discussion", speaker=CHAIR, text="The talks resume."),
        NewsRead(phase="discussion", speaker=CHAIR, text="News from Pyongyang.", dated="2003-08-28"),
        EndedEarly(phase="discussion", speaker=CHAIR, text="The chair closes the talks early."),
        TurnPassed(phase="discussion", speaker=party, text="The chair passes the turn."),
        SeatChanged(phase="discussion", speaker=party, previous="person", current="scripted", from_turn=3),
    ]
    assert {type(event) for event in events} == set(EVENT_TYPES), "add the new event type here"
    return events


def case_classes(function: Callable[..., object]) -> list[str]:
    """The class names in the ``case X():`` patterns of the function's ``match`` statement."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    matches = [node for node in ast.walk(tree) if isinstance(node, ast.Match)]
    assert len(matches) == 1, "the dispatch is one match statement"
    names = []
    for case in matches[0].cases:
        for pattern in ast.walk(case.pattern):
            if isinstance(pattern, ast.MatchClass) and isinstance(pattern.cls, ast.Name):
                names.append(pattern.cls.id)
    return names


def ends_in_assert_never(function: Callable[..., object]) -> bool:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    last = next(node for node in ast.walk(tree) if isinstance(node, ast.Match)).cases[-1]
    wildcard = isinstance(last.pattern, ast.MatchAs) and last.pattern.pattern is None
    calls = [node.func for node in ast.walk(last) if isinstance(node, ast.Call)]
    return wildcard and any(isinstance(func, ast.Name) and func.id == "assert_never" for func in calls)


@pytest.mark.parametrize("renderer", DISPATCHERS)
def test_the_dispatch_has_one_case_per_event_type_and_ends_in_assert_never(renderer):
    names = case_classes(DISPATCHERS[renderer])
    assert sorted(names) == sorted(cls.__name__ for cls in EVENT_TYPES)
    assert ends_in_assert_never(DISPATCHERS[renderer])


def test_the_dispatch_parameter_is_the_event_union_so_assert_never_type_checks():
    for function in DISPATCHERS.values():
        assert inspect.signature(function).parameters["event"].annotation == "Event"


def terminal_output(cast: Cast, event: EventBase) -> str:
    out = io.StringIO()
    EventPrinter(cast, Console(file=out, width=120, highlight=False))(event)  # type: ignore[arg-type]
    return out.getvalue()


def test_the_terminal_prints_every_event_type_it_does_not_ignore(cast):
    for event in one_of_each(cast):
        printed = terminal_output(cast, event)
        assert bool(printed.strip()) == (type(event) not in IGNORED["terminal"]), type(event).__name__


def test_the_web_presenter_shows_every_event_type_it_does_not_ignore(cast):
    for event in one_of_each(cast):
        seat = event.audience[0] if event.audience else None  # a private event (a plan) is shown to its own seat
        presenter = Presenter(cast, seat=seat)
        shown = presenter.present(event)  # type: ignore[arg-type]
        if isinstance(event, VoteCast):  # sealed: shown once every delegation has voted, or when the vote ends
            assert not shown
            outcome = Outcome(consensus=False, rule="no_objection")
            ended = SessionEnded(phase="session", outcome=outcome, draft=Draft(), text="x")
            voter = cast.name(event.speaker)
            shown = [item for item in presenter.present(ended) if voter in item.content]
        assert bool(shown) == (type(event) not in IGNORED["web"]), type(event).__name__


def test_the_markdown_file_renders_every_event_type_it_does_not_ignore(cast):
    labels = {party: "scripted" for party in cast.delegations}
    transcript = new_transcript(cast, "s1", labels, RunSettings())
    names = transcript.names()
    for event in one_of_each(cast):
        lines = markdown._lines(event, names)  # type: ignore[arg-type]
        assert bool(lines) == (type(event) not in IGNORED["markdown"]), type(event).__name__
    whole = transcript.model_copy(update={"events": one_of_each(cast)})
    assert "We propose." in markdown.transcript_markdown(whole)


def test_the_chair_is_named_under_its_seat_and_its_persona_id(cast):
    transcript = new_transcript(cast, "s1", {party: "scripted" for party in cast.delegations}, RunSettings())
    for names in (cast.names(), transcript.names()):
        assert names[CHAIR] == names[cast.chair.id] == cast.chair.short_name
        assert {party: names[party] for party in cast.delegations} == cast.party_names()
    assert cast.name(None) == cast.chair.short_name
    assert cast.name("nobody") == "nobody"
