"""What the web page shows, decided without a browser: the draft panel, sealed ballots, names, moves offered.

Also the engine's answer to a floor request made while others meet in private.
"""

from __future__ import annotations

import dataclasses
import re

from agents.core.draft import Draft
from agents.core.events import FloorRequested, PhaseStarted, VoteCast
from agents.testing import scripted_session
from agents.ui.draft_panel import clause_status, draft_panel_markdown, word_diff
from agents.ui.presenter import Presenter
from agents.ui.transcript_files import started_words, transcript_file_names
from tests.helpers import ROOT
from tests.test_ui_unit import clicks, contexts

NAMES = {"usa": "United States", "dprk": "North Korea", "japan": "Japan", "chair-prc": "Chair - China"}


def test_an_amendment_is_shown_as_a_word_diff():
    before = "The parties agree to talk about security."
    after = "The parties resolve to talk about security guarantees now."
    assert (
        word_diff(before, after)
        == "The parties ~~agree~~ **resolve** to talk about ~~security.~~ **security guarantees now.**"
    )
    assert word_diff("Same words.", "Same words.") == "Same words."
    assert word_diff("", "New clause.") == "**New clause.**"


def amended_draft() -> Draft:
    draft = Draft().add("Talks shall continue.", "chair-prc", 0, "tabled")
    draft = draft.add("Sanctions end at once.", "dprk", 2, "proposed")
    draft = draft.replace(2, {"supporters": ["usa"], "objectors": ["japan"]})
    clause = draft.clause(1)
    revision = clause.history[0].model_copy(update={"text": "Talks shall continue in Beijing.", "by": "usa", "turn": 4})
    revision = revision.model_copy(update={"action": "amended"})
    return draft.replace(1, {"text": revision.text, "history": [*clause.history, revision], "supporters": ["usa"]})


def test_each_clause_shows_its_supporters_objectors_with_reasons_and_amenders_by_name():
    draft = amended_draft()
    reasons = {2: {"japan": "Sanctions end only when the programme is verifiably ended."}}
    second = clause_status(draft.clause(2), NAMES, reasons)
    assert second[0] == "Proposed by North Korea"
    assert "Supported by: United States" in second
    assert "Objections: Japan (“Sanctions end only when the programme is verifiably ended.”)" in second
    first = clause_status(draft.clause(1), NAMES, reasons)
    assert first[0] == "Tabled by the chair" and "Objections: none" in first and "Amended by: United States" in first
    panel = draft_panel_markdown(draft, NAMES, reasons)
    assert panel.startswith("## Draft joint statement")
    assert "Amended by United States (turn 4): Talks shall ~~continue.~~ **continue in Beijing.**" in panel
    assert "dprk" not in panel and "usa" not in panel  # names, never ids
    assert "*No clauses yet.*" in draft_panel_markdown(Draft(), NAMES)


async def present_all(seat: str | None, seed: int = 2):
    session = scripted_session(seed=seed)
    events = [event async for event in session.run()]
    presenter = Presenter(session.cast, seat)
    return session, events, [(event, presenter.present(event)) for event in events]


async def test_chair_notes_name_delegations_not_ids():
    session, _, pairs = await present_all("russia")
    notes = [s.content for _, shown in pairs for s in shown if s.content.startswith("*Draft: ")]
    assert notes, "no draft notes"
    ids = set(session.cast.delegations)
    for note in notes:
        assert note.split()[1] not in ids, note
    assert any(
        re.match(r"\*Draft: (The chair|China|Japan|Russia|United States|North Korea|South Korea) ", n) for n in notes
    )


async def test_ballots_stay_sealed_until_every_delegation_has_voted_then_show_together():
    session, events, pairs = await present_all("russia")
    parties = session.cast.scenario.parties
    votes_seen = 0
    reveals = []
    for event, shown in pairs:
        if isinstance(event, VoteCast):
            votes_seen += 1
        for item in shown:
            if item.style == "vote":
                assert votes_seen == len(parties), "a ballot was shown before all were cast"
                reveals.append(item.content)
    assert len(reveals) == 1
    for persona in session.cast.delegations.values():
        assert f"**{persona.short_name}**:" in reveals[0]
    assert votes_seen == len(parties)
    outcome = next(s for _, shown in pairs for s in shown if s.kind == "outcome")
    draft = next(e for e in events if e.type == "session_ended").draft
    for clause in draft.clauses:  # each clause's own wording in the outcome
        assert clause.text in outcome.content


async def test_the_outcome_gives_each_objectors_reason():
    session, events, pairs = await present_all(None, seed=2)
    objections = [
        (v.clause, e.speaker, v.reason)
        for e in events
        if isinstance(e, VoteCast)
        for v in e.votes
        if v.vote == "object" and v.reason
    ]
    assert objections, "the seed has no objection with a reason: pick another"
    outcome = next(s for _, shown in pairs for s in shown if s.kind == "outcome").content
    clause, party, reason = objections[0]
    assert f"- {session.cast.name(party)} objects: “{reason.split()[0]}" in outcome


def test_support_and_objection_are_not_offered_without_clauses(catalog):
    from agents.ui.prompter import offered_moves

    turn, _ = contexts(catalog)
    programme_moves = ("statement", "support", "objection", "amendment", "withdraw", "yield")
    empty = dataclasses.replace(turn, allowed_moves=programme_moves, draft=Draft())
    assert offered_moves(empty) == ["statement", "yield"]
    with_clause = dataclasses.replace(empty, draft=turn.draft)  # a chair clause: not Russia's to withdraw
    assert offered_moves(with_clause) == ["statement", "support", "objection", "amendment", "yield"]


async def test_a_ballot_question_and_its_confirmation_name_the_clause(catalog):
    _, vote = contexts(catalog)
    vote = dataclasses.replace(vote, draft=vote.draft.add("Another clause.", "usa", 3, "proposed"))
    prompter = clicks(["accept", "object", "Not in this form."])
    ballot = await prompter.ask_ballot(vote)
    assert [(v.clause, v.vote) for v in ballot.votes] == [(1, "accept"), (2, "object")]
    assert "clause 1" in prompter.asked[0] and "A clause." in prompter.asked[0]
    assert prompter.confirmed[0].startswith("**Clause 1**: you accept.") and "A clause." in prompter.confirmed[0]
    assert prompter.confirmed[1].startswith("**Clause 2**: you object.")


async def test_asking_for_the_floor_outside_a_private_meeting_is_held_and_answered():
    """Japan asks while the US and North Korea meet: the chair tells Japan, alone, and takes it up at the table."""
    session = scripted_session(seed=2)
    asked = []

    def ask_during_meeting(event):  # called inside the engine's step, as the chair announces the meeting
        if isinstance(event, PhaseStarted) and event.members and "japan" not in event.members and not asked:
            asked.append(event)
            session.request_floor("japan")

    events = [event async for event in session.run(record=ask_during_meeting)]
    requests = [e for e in events if isinstance(e, FloorRequested) and e.speaker == "japan"]
    held = [e for e in requests if e.held]
    assert len(held) == 1
    assert held[0].audience == ["japan"] and held[0].phase == "side_meeting"
    assert "United States and North Korea meet in private" in held[0].text
    later = requests[requests.index(held[0]) + 1]
    assert not later.held and later.audience is None and later.phase != "side_meeting"  # heard at the table
    given = next(e for e in events[events.index(later) :] if e.type == "floor_given")
    assert (given.speaker, given.reason) == ("japan", "request")
    shown = {seat: Presenter(session.cast, seat).present(held[0]) for seat in ("japan", "usa", None)}
    assert shown["usa"] == [] and shown[None] == []
    assert "cannot give Japan the floor" in shown["japan"][0].content


async def test_a_member_asking_for_the_floor_in_a_meeting_is_heard_there():
    session = scripted_session(seed=2)

    def ask_during_meeting(event):
        if isinstance(event, PhaseStarted) and event.members:
            session.request_floor(event.members[0])

    events = [event async for event in session.run(record=ask_during_meeting)]
    inside = [e for e in events if isinstance(e, FloorRequested) and e.phase == "side_meeting"]
    assert inside and not any(e.held for e in inside) and all(e.audience for e in inside)


async def test_transcript_downloads_have_readable_names(tmp_path):
    from agents import RunSettings
    from agents.sessions.run import run_session

    transcript = await run_session(RunSettings(model="scripted", seed=1, max_turns=2, out=tmp_path))
    cast = scripted_session(seed=1).cast
    json_name, markdown_name = transcript_file_names(transcript, cast, "russia")
    assert json_name.startswith("six-party-2003, Russia's view, ") and json_name.endswith(" UTC.json")
    assert markdown_name == json_name[: -len("json")] + "md"
    assert transcript_file_names(transcript, cast, None)[0].startswith("six-party-2003, observer's view, ")
    assert started_words("2026-11-30T21:47:33+00:00") == "30 Nov 2026 21.47 UTC"


def test_the_page_script_protocol_and_the_answer_time_line():
    from agents.ui.client import CLIENT_KEY, SERVER_KEY, answer_time, client_request

    assert client_request({CLIENT_KEY: "floor"}) == ("floor", {CLIENT_KEY: "floor"})
    assert client_request({CLIENT_KEY: "hello", "narrow": True})[1]["narrow"] is True
    assert client_request({SERVER_KEY: "hello"}) is None  # the server's own message, handed back by the page
    assert client_request({CLIENT_KEY: "delete-everything"}) is None and client_request("floor") is None
    assert answer_time(300) == "⏱ 5:00 to answer" and answer_time(61.7) == "⏱ 1:01 to answer"
    script = (ROOT / "public" / "parley.js").read_text(encoding="utf-8")
    assert "\\u23F1\\s*(\\d+):(\\d{2}) to answer" in script  # the script reads the line the server writes


def test_the_brief_has_its_own_heading_in_the_panel(catalog):
    from agents.ui.draft_panel import BRIEF_HEADING, brief_panel_markdown
    from agents.ui.presenter import brief_markdown

    panel = brief_panel_markdown(brief_markdown(catalog.personas["japan"]))
    assert panel.startswith(BRIEF_HEADING + "\n\n## Japan")


def test_a_ballots_note_waits_for_the_opening_and_a_missing_ballot_does_not_keep_the_box_shut(catalog):
    from agents.core.events import ErrorEvent
    from agents.core.moves import CastVote

    cast = catalog.cast("six-party-2003")
    parties = cast.scenario.parties
    presenter = Presenter(cast, "japan")

    def ballot(party):
        return VoteCast(phase="consensus", speaker=party, votes=[CastVote(clause=1, vote="accept")])

    note = ErrorEvent(phase="consensus", speaker="dprk", text="North Korea's ballot: timed out")
    assert presenter.present(note) == []  # it would say how North Korea's ballot went
    assert all(presenter.present(ballot(p)) == [] for p in parties[:-1])
    opened = presenter.present(ballot(parties[-1]))
    assert [s.style for s in opened] == ["vote", "error"] and "timed out" in opened[1].content
    assert all(f"**{cast.name(p)}**: clause 1: accept" in opened[0].content for p in parties)

    presenter = Presenter(cast, "japan")
    presenter.present(ballot(parties[0]))
    closing = PhaseStarted(phase="closing", title="Closing statements", text="We come to closing statements.")
    shown = presenter.present(closing)
    assert shown[0].style == "vote" and cast.name(parties[0]) in shown[0].content and shown[1].style == "phase"
