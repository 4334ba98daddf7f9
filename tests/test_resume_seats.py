"""A seat handed over survives a crash: ``resume`` seats the holder the journal names, where it can.

A web session's person (``person (alice)``) holds a seat; the instructor hands it to a model
(``openai:x``, served offline by a ``FaultServer`` that answers every call well); the process
dies. The resumed session must know who held the seat from which turn, and seat the model
again, not the settings' model. A person's seat never handed over cannot be seated by a
resume: a stand-in takes it, and the transcript says so instead of crediting the person.
"""

from __future__ import annotations

import pytest

from agents.core.events import CHAIR, Message, SeatChanged, VoteCast
from agents.core.moves import Move
from agents.delegates.human import HumanDelegate
from agents.delegates.model import ModelDelegate
from agents.llm.factory import LOCAL_LABEL, SCRIPTED_LABEL, ModelPool, ModelSettings, spec_of_label
from agents.sessions.resume import resume_session
from agents.sessions.run import prepare
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from tests.fault_server import FaultServer

SEAT = "dprk"
PERSON = "person (alice)"
HANDED = "openai:x"
SEED = 11
SERVED = "fault"  # the model name the FaultServer answers under
CRASH_AT = 6  # the delegate turn after which the process dies


class QuickPrompter:
    """A person who answers every turn at once, and never marks a ballot."""

    async def ask_move(self, context):
        return Move(kind="statement", text="Alice speaks for the delegation.")

    async def ask_ballot(self, context):
        return None

    async def tell(self, text: str) -> None:
        pass


@pytest.fixture
def pool():
    with FaultServer() as server:
        settings = ModelSettings(seed=SEED, max_retries=0, timeout_seconds=10)
        with ModelPool(settings, environ={"OPENAI_BASE_URL": server.base_url}) as pool:
            yield pool


async def crashed_session(out, pool: ModelPool, hand_over: bool) -> str:
    """A session with a person in ``SEAT`` (handed to ``HANDED`` after turn 2 if ``hand_over``),
    stopped after turn ``CRASH_AT`` without its transcript being finished, as a killed process leaves it."""
    person = HumanDelegate(SEAT, QuickPrompter(), timeout_seconds=30, label=PERSON)
    settings = RunSettings(model="scripted", seed=SEED, max_turns=14, out=out)
    prepared = prepare(settings, pool, seats={SEAT: person})
    session = prepared.session

    def record(event):
        prepared.writer.add(event)
        if hand_over and isinstance(event, Message) and event.speaker != CHAIR and event.turn == 2:
            session.hand_seat(SEAT, ModelDelegate(SEAT, pool.get(HANDED).model, HANDED))

    stream = session.run(record=record)
    async for event in stream:
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn == CRASH_AT:
            break
    await stream.aclose()
    prepared.writer.close()  # and no finish(): the process is gone
    return session.session_id


def seat_spoke(transcript, after: int) -> list[Message]:
    return [e for e in transcript.events if isinstance(e, Message) and e.speaker == SEAT and e.turn >= after]


async def test_a_persons_seat_handed_to_a_model_stays_with_the_model_on_resume(tmp_path, pool):
    session_id = await crashed_session(tmp_path, pool, hand_over=True)
    transcript = await resume_session(session_id, tmp_path, pool)
    assert transcript.status == "complete"
    changes = [e for e in transcript.events if isinstance(e, SeatChanged)]
    assert [(e.speaker, e.previous, e.current, e.from_turn) for e in changes] == [(SEAT, PERSON, HANDED, 3)]
    loaded = load_transcript(tmp_path / f"{session_id}.json")
    info = next(d for d in loaded.delegations if d.id == SEAT)
    assert info.model == PERSON
    assert [(h.model, h.from_turn) for h in info.held_by] == [(PERSON, 1), (HANDED, 3)]
    resumed_turns = seat_spoke(transcript, after=CRASH_AT + 1)
    assert resumed_turns, "the seat never spoke after the resume"
    assert {m.model for m in resumed_turns} == {SERVED}  # the handed model answered, not the scripted one
    ballots = [e for e in transcript.events if isinstance(e, VoteCast) and e.speaker == SEAT]
    assert [b.model for b in ballots] == [SERVED]


async def test_a_persons_seat_never_handed_over_gets_a_stand_in_and_the_transcript_says_so(tmp_path, pool):
    session_id = await crashed_session(tmp_path, pool, hand_over=False)
    transcript = await resume_session(session_id, tmp_path, pool)
    changes = [e for e in transcript.events if isinstance(e, SeatChanged)]
    assert len(changes) == 1
    change = changes[0]
    assert (change.speaker, change.previous, change.current) == (SEAT, PERSON, SCRIPTED_LABEL)
    assert change.from_turn > CRASH_AT - 1 and "resumed without person (alice)" in change.text
    assert all(m.model != PERSON for m in seat_spoke(transcript, after=change.from_turn))
    person_turns = [m for m in seat_spoke(transcript, after=1) if m.turn < change.from_turn]
    assert {m.text for m in person_turns} <= {"Alice speaks for the delegation."}
    info = next(d for d in load_transcript(tmp_path / f"{session_id}.json").delegations if d.id == SEAT)
    assert [(h.model, h.from_turn) for h in info.held_by] == [(PERSON, 1), (SCRIPTED_LABEL, change.from_turn)]


def test_a_holders_label_names_the_spec_that_seats_it_again():
    assert spec_of_label(SCRIPTED_LABEL) == "scripted"
    assert spec_of_label(LOCAL_LABEL) == "local"
    assert spec_of_label("openai:gpt-4o-mini") == "openai:gpt-4o-mini"
    assert spec_of_label(PERSON) is None and spec_of_label("person") is None
    assert spec_of_label("model-b") is None and spec_of_label("openai:") is None
