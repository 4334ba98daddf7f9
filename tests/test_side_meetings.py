"""Private side meetings: granted on request or set in the scenario, heard only by their members.

The proof of privacy records every prompt each seat (and the chair) is sent: a word said in
a side meeting never reaches a non-member, while the members do recall it.
"""

from __future__ import annotations

import re

from agents.core.catalog import Catalog
from agents.core.events import EVENT_ADAPTER
from agents.delegates.model import ModelDelegate
from agents.engine import Session, SessionConfig
from agents.review.build import compute_review, session_personas
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from agents.testing import FunctionChatModel

NONCE = re.compile(r"NONCE\d+")
# Each seat's wish for a side meeting whenever the turn prompt offers one.
WISHES = {"dprk": "usa", "russia": "China", "japan": "japan"}


def own_seat(messages) -> str:
    return re.search(r"Delegation id: (\S+)", str(messages[0].content)).group(1)


class Table:
    """Seats played by recording function models: private words carry a numbered nonce."""

    def __init__(self):
        self.said = 0

    def reply(self, messages, tool):
        if tool == "Ballot":
            return {"votes": []}
        if tool == "FloorChoice":
            return {"speaker": "nobody", "reason": "x"}
        last = str(messages[-1].content)
        if "This is a private meeting" in last:
            self.said += 1
            return {"kind": "statement", "text": f"In confidence NONCE{self.said} stays in this room."}
        wish = WISHES.get(own_seat(messages)) if '"side_meeting"' in last and "Discussion" in last else None
        return {"kind": "statement", "text": "We listen to all sides.", "request_floor": True, "side_meeting": wish}


def recorded_session(**config) -> tuple[Session, dict[str, FunctionChatModel], FunctionChatModel]:
    cast = Catalog().cast("six-party-2003")
    table = Table()
    models = {seat: FunctionChatModel(reply=table.reply) for seat in cast.delegations}
    delegates = {seat: ModelDelegate(seat, model, "function") for seat, model in models.items()}
    chair = FunctionChatModel(reply=table.reply)
    return Session(cast, delegates, chair_model=chair, config=SessionConfig(**config)), models, chair


async def run(session: Session) -> list:
    return [event async for event in session.run()]


def prompt_text(messages) -> str:
    return "\n".join(str(message.content) for message in messages)


async def test_requests_are_ruled_on_and_granted_meetings_are_held():
    session, _, _ = recorded_session()
    events = await run(session)
    rulings = [e for e in events if e.type == "meeting_requested"]
    granted = [sorted(e.members) for e in rulings if e.granted]
    assert granted == [["dprk", "usa"], ["prc", "russia"]]  # by id or by name; quota of 2 reached
    refused = {e.speaker: e.text for e in rulings if not e.granted}
    assert "is not another delegation" in refused["japan"]  # asking to meet itself
    quota_spent = [i for i, e in enumerate(events) if e.type == "meeting_requested" and e.granted][-1]
    assert not any(e.type == "meeting_requested" for e in events[quota_spent + 1 :])  # no longer offered
    held = [sorted(e.members) for e in events if e.type == "phase_started" and e.members]
    assert held == [["dprk", "usa"], ["dprk", "usa"], ["prc", "russia"]]  # the scenario's, then the two granted
    for meeting in held:
        start = next(
            i for i, e in enumerate(events) if e.type == "phase_started" and sorted(e.members or []) == meeting
        )
        following = [e for e in events[start + 1 :] if e.type == "message"]
        assert {following[0].speaker, following[1].speaker} == set(meeting)


async def test_no_prompt_outside_a_meeting_holds_a_word_of_it():
    session, models, chair = recorded_session()
    events = await run(session)
    private = [e for e in events if e.type == "message" and e.audience]
    members_of = {NONCE.search(e.text).group(): set(e.audience) for e in private}
    assert len(members_of) >= 6  # three meetings, two speakers each
    recalled = 0
    for seat, model in models.items():
        for messages in model.calls:
            for nonce in NONCE.findall(prompt_text(messages)):
                assert seat in members_of[nonce], f"{seat} was shown {nonce} from {members_of[nonce]}"
                recalled += 1
    assert recalled > 0  # the members do recall their meetings: the check above is not vacuous
    assert chair.calls and not any(NONCE.search(prompt_text(messages)) for messages in chair.calls)
    assert all(set(e.audience) == members_of[NONCE.search(e.text).group()] for e in private)


async def test_private_meeting_events_carry_their_audience_even_tokens():
    session, _, _ = recorded_session()
    events = await run(session)
    for event in events:
        if NONCE.search(getattr(event, "text", "") or getattr(event, "delta", "") or ""):
            assert event.audience and event.visibility == "private"
    announcements = [e for e in events if e.type == "phase_started" and e.members]
    assert announcements and all(e.audience is None for e in announcements)  # that they meet is public
    tokens = [e for e in events if e.type == "token" and e.phase == "side_meeting"]
    assert tokens and all(e.audience for e in tokens)


async def test_transcript_marks_visibility_and_a_seat_sees_only_its_meetings(tmp_path):
    written = await run_session(RunSettings(model="scripted", seed=1, out=tmp_path))
    path = tmp_path / f"{written.session_id}.json"
    transcript = load_transcript(path)
    raw = path.read_text(encoding="utf-8")
    assert raw.count('"visibility": "private"') == sum(1 for e in transcript.events if e.audience)
    assert all(
        EVENT_ADAPTER.validate_python(e.model_dump()).visibility in ("public", "private") for e in transcript.events
    )
    outsider = next(p for p in transcript.delegations if p.id not in ("usa", "dprk")).id
    seen = transcript.seen_by(outsider)
    assert not any(e.audience and outsider not in e.audience for e in seen.events)
    assert seen.recording == [] and transcript.seen_by(None) is transcript
    personas = session_personas(transcript)
    whole = compute_review(transcript, personas)
    partial = compute_review(transcript, personas, viewer=outsider)
    scenario_meeting = whole.meetings[0]
    assert scenario_meeting.members == ["usa", "dprk"] and scenario_meeting.requested_by is None
    assert scenario_meeting.said and not partial.meetings[0].said
    assert partial.viewer == outsider and len(partial.turns) < len(whole.turns)
    from agents.review.report_html import review_html

    words = scenario_meeting.said[0].text
    assert words in review_html(whole) and 'id="meetings"' in review_html(whole)
    partial_html = review_html(partial)
    assert words not in partial_html and "(not in this view)" in partial_html


def test_the_chair_refuses_what_it_cannot_grant(catalog):
    from agents.engine import chair
    from agents.engine.programme import MeetingCall, build_programme, meeting_segment

    cast = catalog.cast("six-party-2003")
    programme = build_programme(cast.scenario)
    discussion = next(s for s in programme if s.kind == "discussion")
    closing = programme[-1]
    met = [MeetingCall(members=("dprk", "usa"), requested_by="dprk")]

    def ruling(wanted, segment=discussion, granted=(), spent=False):
        return chair.rule_on_meeting(cast, "dprk", wanted, segment, list(granted), spent)

    assert ruling(None) is None and ruling("  ") is None
    assert ruling("United States").call.members == ("dprk", "usa")  # a name is as good as an id
    assert "not another delegation" in ruling("dprk").text and "not another delegation" in ruling("india").text
    assert "between the rounds" in ruling("usa", closing).text
    assert "between the rounds" in ruling("usa", meeting_segment(met[0])).text
    assert "already met" in ruling("usa", granted=met).text
    assert "no time remains" in ruling("prc", granted=met * 2).text and "no time" in ruling("prc", spent=True).text
    assert chair.may_ask_for_meeting(cast, discussion, met) and not chair.may_ask_for_meeting(cast, discussion, met * 2)
    assert not chair.may_ask_for_meeting(cast, closing, [])
