"""The transcript names who held each seat from which turn: a person by their label, every handover's turn.

Reading stays the same for transcripts written before ``held_by`` was kept: review and batch
read one with the field and the same one without it alike.
"""

from __future__ import annotations

import json

from agents.batch.aggregate import session_row
from agents.core.events import CHAIR, Message
from agents.core.moves import Move
from agents.delegates.human import HumanDelegate
from agents.delegates.model import ModelDelegate
from agents.llm.factory import ModelPool
from agents.review.build import compute_review, session_personas
from agents.sessions.run import prepare
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from agents.testing import ScriptedChatModel

SEAT = "rok"


class QuickPrompter:
    async def ask_move(self, context):
        return Move(kind="statement", text="We speak for our delegation.")

    async def ask_ballot(self, context):
        return None

    async def tell(self, text: str) -> None:
        pass


def person(label: str) -> HumanDelegate:
    return HumanDelegate(SEAT, QuickPrompter(), timeout_seconds=30, label=label)


async def handed_around(out) -> str:
    """A session whose seat goes from alice to a model after turn 2, then to bob after turn 4."""
    settings = RunSettings(model="scripted", seed=3, max_turns=8, out=out)
    with ModelPool() as pool:
        prepared = prepare(settings, pool, seats={SEAT: person("person (alice)")})
    session = prepared.session
    handovers = {2: ModelDelegate(SEAT, ScriptedChatModel(seed=2), "model-b"), 4: person("person (bob)")}

    def record(event):  # inside the step that emits the event, as the journal is written
        prepared.writer.add(event)
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn in handovers:
            session.hand_seat(SEAT, handovers.pop(event.turn))

    async for _ in session.run(record=record):
        pass
    return prepared.writer.finish().session_id


async def test_held_by_names_each_person_and_each_handovers_turn(tmp_path):
    session_id = await handed_around(tmp_path)
    loaded = load_transcript(tmp_path / f"{session_id}.json")
    info = next(d for d in loaded.delegations if d.id == SEAT)
    assert info.model == "person (alice)"
    holders = [(h.model, h.from_turn) for h in info.held_by]
    assert holders == [("person (alice)", 1), ("model-b", 3), ("person (bob)", 5)]
    assert all(not d.held_by for d in loaded.delegations if d.id != SEAT)
    markdown = (tmp_path / f"{session_id}.md").read_text()
    assert "person (alice) (from turn 1) → model-b (from turn 3) → person (bob) (from turn 5)" in markdown


async def test_review_and_batch_read_a_transcript_with_and_without_held_by_alike(tmp_path):
    session_id = await handed_around(tmp_path)
    path = tmp_path / f"{session_id}.json"
    data = json.loads(path.read_text())
    for delegation in data["delegations"]:
        delegation.pop("held_by")  # as a transcript written before the field was kept
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data))
    current, before = load_transcript(path), load_transcript(older)
    assert not any(d.held_by for d in before.delegations) and any(d.held_by for d in current.delegations)
    personas = session_personas(current)
    for viewer in (None, SEAT, "usa"):
        assert compute_review(current, personas, viewer=viewer) == compute_review(before, personas, viewer=viewer)
    assert session_row(0, 3, current) == session_row(0, 3, before)
