"""Whole sessions with the scripted model: every phase, every delegation, votes, a valid transcript."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from agents.core.events import CHAIR
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from agents.testing import scripted_session

PHASES = ["opening", "side_meeting", "discussion", "drafting", "amendments", "consensus", "closing"]


async def collect(session):
    return [event async for event in session.run()]


async def test_six_party_session_runs_every_phase_and_everyone_speaks():
    session = scripted_session("six-party-2003", seed=1)
    events = await collect(session)
    types = Counter(event.type for event in events)
    assert events[0].type == "session_started" and events[-1].type == "session_ended"
    assert types["error"] == 0
    phases_in_order = list(dict.fromkeys(e.phase for e in events if e.type == "phase_started"))
    assert phases_in_order == PHASES  # the scenario sets a US-DPRK side meeting after the opening
    speakers = {e.speaker for e in events if e.type == "message" and e.speaker != CHAIR}
    assert speakers == set(session.parties)
    opening = [e.speaker for e in events if e.type == "message" and e.phase == "opening"]
    assert sorted(opening) == sorted(session.parties)  # everyone once, nobody twice
    voters = [e.speaker for e in events if e.type == "vote_cast"]
    assert sorted(voters) == sorted(session.parties)


async def test_outcome_matches_the_votes_cast():
    events = await collect(scripted_session("six-party-2003", seed=1))
    ended = events[-1]
    draft_numbers = [c.number for c in ended.draft.clauses]
    assert draft_numbers and [c.clause for c in ended.outcome.clauses] == draft_numbers
    for clause in ended.outcome.clauses:
        objectors = sorted(
            e.speaker
            for e in events
            if e.type == "vote_cast"
            for v in e.votes
            if v.clause == clause.clause and v.vote == "object"
        )
        # An acceptance whose clause condition failed counts as an objection.
        lapsed = [c.party for c in ended.outcome.conditions if c.clause == clause.clause and c.met is False]
        assert sorted(clause.object) == sorted(objectors + lapsed)
        proposer = next(c.proposed_by for c in ended.draft.clauses if c.number == clause.clause)
        backed = [p for p in clause.accept if p != proposer]
        assert not clause.no_answer and clause.agreed == (not (objectors + lapsed) and bool(backed))
    assert ended.outcome.consensus == all(c.agreed for c in ended.outcome.clauses)


async def test_draft_records_who_proposed_and_amended_each_clause():
    events = await collect(scripted_session("six-party-2003", seed=1))
    draft = events[-1].draft
    tabled = [c for c in draft.clauses if c.proposed_by == "chair-prc"]
    assert len(tabled) == 4  # one per agenda item
    proposals = [e for e in events if e.type == "message" and e.move and e.move.kind == "proposal"]
    for event in proposals:
        if any(c.history[0].turn == event.turn for c in draft.clauses):
            clause = next(c for c in draft.clauses if c.history[0].turn == event.turn)
            assert clause.proposed_by == event.speaker
    amended = [c for c in draft.clauses if c.amended_by]
    kept = {c.number for c in draft.clauses}  # a withdrawn clause takes its amendments along
    amended_numbers = [re.match(r"\S+ amended clause (\d+)", e.change) for e in events if e.type == "draft_updated"]
    amendments = [m for m in amended_numbers if m and int(m[1]) in kept]  # the chair's "... with bridging wording" too
    assert len(amendments) == sum(len(c.amended_by) for c in amended)


@pytest.mark.parametrize("scenario", ["four-party", "vladivostok", "bilateral"])
async def test_every_shipped_scenario_runs_to_the_end(scenario):
    session = scripted_session(scenario, seed=2)
    events = await collect(session)
    assert events[-1].type == "session_ended"
    assert {e.speaker for e in events if e.type == "vote_cast"} == set(session.parties)


async def test_same_seed_same_session_and_another_seed_differs():
    def texts(events):
        return [e.text for e in events if e.type == "message"]

    first = texts(await collect(scripted_session(seed=5)))
    again = texts(await collect(scripted_session(seed=5)))
    other = texts(await collect(scripted_session(seed=6)))
    assert first == again and first != other


async def test_max_turns_caps_the_talk_but_the_draft_is_tabled_and_voted():
    events = await collect(scripted_session(seed=1, max_turns=5))
    delegate_messages = [e for e in events if e.type == "message" and e.speaker != CHAIR]
    assert len(delegate_messages) == 5
    assert len([e for e in events if e.type == "vote_cast"]) == 6
    assert events[-1].draft.clauses  # the chair's text was still tabled


async def test_tokens_stream_before_each_message_and_spell_its_text():
    events = await collect(scripted_session(seed=1, max_turns=3))
    streamed = ""
    for event in events:
        if event.type == "token":
            streamed += event.delta
        elif event.type == "message" and event.speaker != CHAIR:
            assert streamed == event.move.text
            streamed = ""


async def test_run_session_writes_a_transcript_that_validates(tmp_path):
    transcript = await run_session(RunSettings(model="scripted", seed=3, out=tmp_path))
    path = tmp_path / f"{transcript.session_id}.json"
    loaded = load_transcript(path)
    assert loaded.status == "complete" and loaded.outcome is not None
    assert [d.id for d in loaded.delegations] == ["usa", "dprk", "rok", "prc", "japan", "russia"]
    assert all("scripted" in d.model for d in loaded.delegations)
    data = json.loads(path.read_text())
    assert {"schema_version", "session_id", "scenario", "delegations", "events", "draft", "outcome"} <= set(data)
    vote = next(e for e in data["events"] if e["type"] == "vote_cast")
    assert vote["phase"] == "consensus" and vote["speaker"] in {d.id for d in loaded.delegations}
    message = next(e for e in data["events"] if e["type"] == "message" and e["move"])
    assert message["usage"]["input_tokens"] > 0 and message["time"]
    assert not any(e["type"] == "token" for e in data["events"])
    assert (tmp_path / f"{transcript.session_id}.md").read_text().startswith("# Six-Party Talks")
    assert not (tmp_path / f"{transcript.session_id}.events.jsonl").exists()
    assert (tmp_path / "checkpoints.sqlite").stat().st_size > 0
