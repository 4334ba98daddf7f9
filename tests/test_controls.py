"""The instructor's controls on scripted sessions: pause, news, ending early, a person's clock, a seat handed over."""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.messages import SystemMessage
from rich.console import Console

from agents.cli.console import EventPrinter
from agents.core.events import (
    CHAIR,
    EVENT_ADAPTER,
    EndedEarly,
    Message,
    NewsRead,
    SeatChanged,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    TurnPassed,
    VoteCast,
)
from agents.core.moves import Ballot, ClauseVote, Move
from agents.delegates.human import HumanDelegate, InputRejected
from agents.delegates.model import ModelDelegate
from agents.engine.tally import tally
from agents.sessions.markdown import transcript_markdown
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript, new_transcript
from agents.sessions.writer import TranscriptWriter
from agents.testing import ScriptedChatModel, scripted_session


async def play(session, on_record=lambda event: None) -> list:
    """Run ``session``, calling ``on_record`` inside the step that emits each event (as a journal would)."""
    return [event async for event in session.run(record=on_record)]


def turns(events) -> list[int]:
    return [e.turn for e in events if isinstance(e, Message) and e.speaker != CHAIR]


# -- pause and resume ----------------------------------------------------------------------


async def test_a_paused_session_takes_no_turn_until_resumed_then_completes():
    session = scripted_session(seed=1, max_turns=6)
    seen: list = []

    def on_record(event):
        seen.append(event)
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn == 2:
            session.pause()

    running = asyncio.create_task(play(session, on_record))
    for _ in range(300):
        if any(isinstance(e, SessionPaused) for e in seen):
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    assert max(turns(seen)) == 2 and not running.done()
    session.resume_play()
    events = await asyncio.wait_for(running, 60)
    kinds = [type(e) for e in events]
    assert kinds.index(SessionPaused) < kinds.index(SessionResumed)
    assert max(turns(events)) > 2 and isinstance(events[-1], SessionEnded)
    paused = next(e for e in events if isinstance(e, SessionPaused))
    assert paused.speaker == CHAIR and paused.audience is None and paused.turn == 2


# -- news ----------------------------------------------------------------------------------

PRIVATE_NEWS = "Pyongyang radio reports a reactor restart"
PUBLIC_NEWS = "A typhoon closes Beijing airport"


def seat_of(prompt, cast) -> str | None:
    system = str(prompt[0].content) if isinstance(prompt[0], SystemMessage) else ""
    return next((pid for pid in cast.delegations if f"Delegation id: {pid}\n" in system), None)


async def test_news_reaches_its_audience_only_and_every_prompt_respects_it():
    session = scripted_session(seed=1, max_turns=8)

    def on_record(event):
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn == 1:
            session.inject_news(PRIVATE_NEWS, audience=["dprk"], dated="2003-08-28")
            session.inject_news(PUBLIC_NEWS)

    events = await play(session, on_record)
    news = [e for e in events if isinstance(e, NewsRead)]
    assert [n.audience for n in news] == [["dprk"], None]
    assert news[0].dated == "2003-08-28" and news[0].visibility == "private" and news[0].turn == 1
    model = next(iter(session.delegates.values())).model
    told = {"dprk": 0}
    for prompt in model.calls:
        text = "\n".join(str(message.content) for message in prompt)
        seat = seat_of(prompt, session.cast)
        if PRIVATE_NEWS in text:
            assert seat == "dprk", f"private news reached {seat or 'the chair'}'s prompt"
            told["dprk"] += 1
    assert told["dprk"] > 0
    heard = {seat_of(p, session.cast) for p in model.calls if PUBLIC_NEWS in "\n".join(str(m.content) for m in p)}
    assert len(heard - {None, "dprk"}) >= 2  # public news: heard in other seats' next prompts


def test_news_is_checked_before_it_is_queued():
    session = scripted_session()
    with pytest.raises(InputRejected, match="empty"):
        session.inject_news("   ")
    with pytest.raises(InputRejected, match="limit"):
        session.inject_news("x" * 5000)
    with pytest.raises(InputRejected, match="atlantis"):
        session.inject_news("News.", audience=["atlantis"])
    assert session.controls.news == []


# -- ending early --------------------------------------------------------------------------


async def test_ending_early_goes_straight_to_the_vote_and_the_outcome_says_so():
    session = scripted_session(seed=1)

    def on_record(event):
        if isinstance(event, Message) and event.phase == "amendments" and event.speaker != CHAIR:
            session.end_early()

    events = await play(session, on_record)
    ended = next(i for i, e in enumerate(events) if isinstance(e, EndedEarly))
    after = events[ended:]
    assert not [e for e in after if isinstance(e, Message) and e.speaker != CHAIR]
    ballots = {e.speaker: e.votes for e in after if isinstance(e, VoteCast)}
    assert set(ballots) == set(session.parties)
    end = events[-1]
    assert isinstance(end, SessionEnded) and end.outcome.ended_early
    counted = tally(end.draft, ballots, session.parties, session.cast.scenario.consensus_rule)
    assert end.outcome.consensus == counted.consensus
    assert [c.status for c in end.outcome.clauses] == [c.status for c in counted.clauses]
    assert "ended early" in end.outcome.summary


async def test_ending_early_with_nothing_tabled_claims_no_agreement():
    session = scripted_session(seed=1)

    def on_record(event):
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn == 1:
            session.end_early()

    events = await play(session, on_record)
    end = events[-1]
    assert isinstance(end, SessionEnded) and end.outcome.ended_early
    assert not end.outcome.consensus and not any(isinstance(e, VoteCast) for e in events)
    assert max(turns(events)) == 1
    assert "ended early, before any clause came to a vote" in end.outcome.summary


# -- a person's clock ----------------------------------------------------------------------


class SlowPrompter:
    """Answers a move after ``delay`` seconds; never marks a ballot."""

    def __init__(self, delay: float):
        self.delay = delay
        self.told: list[str] = []

    async def ask_move(self, context):
        await asyncio.sleep(self.delay)
        return Move(kind="statement", text="We have thought it over.")

    async def ask_ballot(self, context):
        return None

    async def tell(self, text: str) -> None:
        self.told.append(text)


def person_session(prompter, timeout: float):
    session = scripted_session(seed=1, max_turns=3)
    first = session.parties[0]
    session.delegates[first] = HumanDelegate(first, prompter, timeout_seconds=timeout, grace_seconds=0)
    return session, first


def when_floor_goes_to(seat: str, act):
    def on_record(event):
        if event.type == "floor_given" and event.speaker == seat:
            asyncio.get_running_loop().call_later(0.05, act)

    return on_record


async def test_extra_seconds_let_a_slow_person_answer():
    prompter = SlowPrompter(delay=0.4)
    session, seat = person_session(prompter, timeout=0.2)
    events = await play(session, when_floor_goes_to(seat, lambda: session.extend_turn(2)))
    said = [e for e in events if isinstance(e, Message) and e.speaker == seat]
    assert said[0].move.kind == "statement"
    assert not [text for text in prompter.told if "yields" in text]


async def test_without_extra_seconds_the_slow_person_yields():
    prompter = SlowPrompter(delay=0.4)
    session, seat = person_session(prompter, timeout=0.2)
    events = await play(session)
    said = [e for e in events if isinstance(e, Message) and e.speaker == seat]
    assert said[0].move.kind == "yield" and not any(isinstance(e, TurnPassed) for e in events)


async def test_the_chair_passes_a_persons_turn():
    prompter = SlowPrompter(delay=30)
    session, seat = person_session(prompter, timeout=30)
    events = await asyncio.wait_for(play(session, when_floor_goes_to(seat, session.pass_turn)), 20)
    passed = [e for e in events if isinstance(e, TurnPassed)]
    assert [e.speaker for e in passed] == [seat] and "passes" in passed[0].text
    said = [e for e in events if isinstance(e, Message) and e.speaker == seat]
    assert said[0].move.kind == "yield"
    assert "passed your turn" in prompter.told[0]


def test_no_running_answer_means_nothing_to_extend_or_pass():
    session, _ = person_session(SlowPrompter(0), timeout=1)
    assert not session.extend_turn(5) and not session.pass_turn()


# -- a person's ballot ---------------------------------------------------------------------


class BallotPrompter:
    """Answers a move at once; accepts every clause ``delay`` seconds after its ballot is asked,
    calling ``on_ballot`` (an instructor's act) as the ballot opens."""

    def __init__(self, delay: float, on_ballot=lambda: None):
        self.delay = delay
        self.on_ballot = on_ballot
        self.told: list[str] = []

    async def ask_move(self, context):
        return Move(kind="statement", text="We hear every delegation.")

    async def ask_ballot(self, context):
        asyncio.get_running_loop().call_later(0.05, self.on_ballot)
        await asyncio.sleep(self.delay)
        return Ballot(votes=[ClauseVote(clause=n, vote="accept", reason="We agree.") for n in context.draft.numbers()])

    async def tell(self, text: str) -> None:
        self.told.append(text)


def balloting_session(*prompters: BallotPrompter, timeout: float):
    """A short session (three turns, then drafting and the consensus call) with a person in the first seats."""
    session = scripted_session(seed=1, max_turns=3)
    for seat, prompter in zip(session.parties, prompters, strict=False):
        session.delegates[seat] = HumanDelegate(seat, prompter, timeout_seconds=timeout, grace_seconds=0)
    return session


def ballot_of(events, seat: str) -> list:
    return next(e.votes for e in events if isinstance(e, VoteCast) and e.speaker == seat)


async def test_extra_seconds_reach_a_persons_pending_ballot():
    extended: list[bool] = []
    prompter = BallotPrompter(delay=0.4, on_ballot=lambda: extended.append(session.extend_turn(2)))
    session = balloting_session(prompter, timeout=0.2)
    events = await play(session)
    votes = ballot_of(events, session.parties[0])
    assert votes and {v.vote for v in votes} == {"accept"}
    assert extended == [True] and not [text for text in prompter.told if "Time is up" in text]


async def test_without_extra_seconds_a_slow_ballot_is_no_answer():
    prompter = BallotPrompter(delay=0.4)
    session = balloting_session(prompter, timeout=0.2)
    votes = ballot_of(await play(session), session.parties[0])
    assert votes and {v.vote for v in votes} == {"no_answer"}


async def test_a_passed_ballot_is_no_answer_on_every_clause_and_never_an_abstention():
    first = BallotPrompter(delay=30, on_ballot=lambda: passed.append(session.pass_turn(first_seat)))
    second = BallotPrompter(delay=0.3)  # balloting at the same time: the pass must not reach it
    passed: list[bool] = []
    session = balloting_session(first, second, timeout=30)
    first_seat, second_seat = session.parties[:2]
    events = await asyncio.wait_for(play(session), 20)
    assert passed == [True]
    votes = ballot_of(events, first_seat)
    assert votes and {(v.vote, v.reason) for v in votes} == {("no_answer", "the chair passed the ballot")}
    assert {v.vote for v in ballot_of(events, second_seat)} == {"accept"}
    notice = [e for e in events if isinstance(e, TurnPassed)]
    assert [(e.speaker, e.phase) for e in notice] == [(first_seat, "consensus")] and "ballot" in notice[0].text
    assert "passed your ballot" in first.told[-1]
    outcome = events[-1].outcome
    assert all(first_seat in clause.no_answer and first_seat not in clause.abstain for clause in outcome.clauses)
    assert not outcome.consensus


# -- a seat handed over --------------------------------------------------------------------


async def test_a_seat_handed_over_is_played_by_the_new_delegate_from_the_next_turn():
    session = scripted_session(seed=1, max_turns=8)
    seat = session.parties[2]
    handed = ModelDelegate(seat, ScriptedChatModel(seed=1), "model-b")

    def on_record(event):
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn == 2:
            session.hand_seat(seat, handed)

    events = await play(session, on_record)
    changed = [e for e in events if isinstance(e, SeatChanged)]
    assert len(changed) == 1
    assert (changed[0].speaker, changed[0].previous, changed[0].current, changed[0].from_turn) == (
        seat,
        "scripted",
        "model-b",
        3,
    )
    assert session.delegates[seat] is handed
    assert handed.model.calls, "the new delegate was never asked"


def test_hand_seat_refuses_an_unknown_seat():
    session = scripted_session()
    with pytest.raises(ValueError, match="atlantis"):
        session.hand_seat("atlantis", next(iter(session.delegates.values())))


# -- records -------------------------------------------------------------------------------


async def test_control_events_survive_a_transcript_and_show_in_markdown_and_the_console(tmp_path):
    session = scripted_session(seed=1, max_turns=4)
    seat = session.parties[1]

    labels = {party: "scripted" for party in session.parties}
    writer = TranscriptWriter(new_transcript(session.cast, session.session_id, labels, RunSettings()), tmp_path)

    def on_record(event):
        writer.add(event)
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn == 1:
            session.inject_news("Markets fall.", audience=[seat], dated="2003-08-28")
            session.hand_seat(seat, ModelDelegate(seat, ScriptedChatModel(seed=2), "model-b"))
            session.end_early()

    await play(session, on_record)
    transcript = writer.finish()
    loaded = load_transcript(writer.json_path)
    types = {e.type for e in loaded.events}
    assert {"news", "seat_changed", "ended_early"} <= types
    for event in loaded.events:
        assert EVENT_ADAPTER.validate_json(EVENT_ADAPTER.dump_json(event)) == event
    info = next(d for d in loaded.delegations if d.id == seat)
    assert [(h.model, h.from_turn) for h in info.held_by] == [("scripted", 1), ("model-b", 2)]
    others = [d for d in loaded.delegations if d.id != seat]
    assert all("Markets fall." not in str(e) for e in loaded.seen_by(others[0].id).events if e.type == "news")
    assert any(e.type == "news" for e in loaded.seen_by(seat).events)
    markdown = transcript_markdown(transcript)
    assert "Markets fall." in markdown and "ends the talks early" in markdown
    assert "scripted (from turn 1) → model-b (from turn 2)" in markdown
    console = Console(record=True, width=200)
    printer = EventPrinter(session.cast, console)
    for event in loaded.events:
        printer(event)
    shown = console.export_text()
    assert "Markets fall." in shown and "model-b" in shown


# -- resuming from a checkpoint ------------------------------------------------------------


async def test_a_resumed_session_keeps_the_news_and_does_not_read_it_again(tmp_path):
    from agents.engine.checkpoints import open_checkpointer

    config = {"session_id": "six-party-controls", "checkpoint_path": tmp_path / "checkpoints.sqlite", "max_turns": 8}
    first = scripted_session(seed=1, **config)

    def on_record(event):
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn == 1:
            first.inject_news(PRIVATE_NEWS, audience=["dprk"])

    stream = first.run(record=on_record)
    async for event in stream:
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn == 3:
            break  # an interruption, two steps after the news was read
    await stream.aclose()
    again = scripted_session(seed=1, **config)
    events = [event async for event in again.run(resume=True)]
    assert not [e for e in events if isinstance(e, NewsRead)]
    assert isinstance(events[-1], SessionEnded)
    async with open_checkpointer(config["checkpoint_path"]) as saver:
        state = await again.build_graph().compile(checkpointer=saver).aget_state(again.run_config)
    news = [r for r in state.values["memory"].private if r.kind == "news"]
    assert [r.audience for r in news] == [("dprk",)]
