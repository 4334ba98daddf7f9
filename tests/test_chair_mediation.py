"""The chair mediates and sums up: it sees the draft when it gives the floor, tables bridging wording
for an objected clause in amendments, and ends every session with a summary written from the vote.

Sessions here are played by ``FunctionChatModel`` seats that follow a small script (who objects
to which clause, with what words; how each seat votes), so every assertion is about the rules.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.events import CHAIR, DraftUpdated, ErrorEvent, Message, SessionEnded
from agents.core.ledger import Ledger, record_move
from agents.core.memory import Memory, TurnRecord
from agents.core.moves import CastVote, Move
from agents.core.outcome import ClauseOutcome, Outcome
from agents.core.scenarios import Phase
from agents.delegates.model import ModelDelegate
from agents.engine import Session, chair
from agents.engine.mediation import clause_to_bridge
from agents.engine.positions import positions_on, recent_speech
from agents.engine.programme import build_programme
from agents.engine.summary import chair_summary
from agents.llm.factory import ModelHandle, ModelPool
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from agents.testing import FunctionChatModel, scripted_session

SHORT = [Phase(kind="drafting"), Phase(kind="amendments"), Phase(kind="consensus"), Phase(kind="closing")]
# Drafting: who objects to which tabled clause, and in what words; the US speaks for clause 2.
OBJECTIONS = {
    "dprk": (2, "Clause 2 ignores the hostile policy that forces us to deter."),
    "japan": (2, "Clause 2 says nothing of the abductions."),
    "russia": (1, "Clause 1 must say how the steps are sequenced."),
}
SUPPORT = {"usa": (2, "Clause 2 ties security to verified dismantlement, which we need.")}
SECRET = "our confidential fallback is a phased freeze"


def seat_of(messages) -> str:
    found = re.search(r"^Delegation id: (\S+)$", str(messages[0].content), re.MULTILINE)
    return found.group(1) if found else ""


def clause_numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^Clause (\d+):", text, re.MULTILINE)]


def accept_all(seat: str, numbers: list[int]) -> list[dict]:
    return [{"clause": n, "vote": "accept", "reason": "We can stand behind it."} for n in numbers]


def delegates_reply(objections=None, support=None, ballot=accept_all, request_floor=False, private=""):
    """Seats that object and support in drafting as scripted, make statements otherwise, and vote by ``ballot``."""
    objections = OBJECTIONS if objections is None else objections
    support = SUPPORT if support is None else support

    def reply(messages, tool):
        seat, last = seat_of(messages), str(messages[-1].content)
        if tool == "Ballot":
            return {"votes": ballot(seat, clause_numbers(last))}
        if "Phase: Drafting" in last and seat in objections:
            number, words = objections[seat]
            return {"kind": "objection", "clause": number, "text": words, "request_floor": request_floor}
        if "Phase: Drafting" in last and seat in support:
            number, words = support[seat]
            return {"kind": "support", "clause": number, "text": words, "request_floor": request_floor}
        if "Phase: Private side meeting" in last and private:
            return {"kind": "statement", "text": private}
        return {"kind": "statement", "text": f"{seat} has nothing to add.", "request_floor": request_floor}

    return reply


def chair_reply(bridge=None):
    """A chair that gives the floor to the first candidate and answers ``ChairProposal`` with ``bridge``."""

    def reply(messages, tool):
        last = str(messages[-1].content)
        if tool == "ChairProposal":  # the request is the second message; a repair comes after it
            asked = str(messages[1].content)
            number = int(re.search(r"^Clause (\d+) as it stands", asked, re.MULTILINE).group(1))
            return bridge(number, asked) if bridge else {}
        asked = re.findall(r"^These delegations have asked for the floor: (.+)$", last, re.MULTILINE)
        return {"speaker": re.findall(r"\[([a-z-]+)\]", asked[-1])[0]}

    return reply


def bridged(number: int, prompt: str) -> dict:
    return {"clause": number, "clause_text": f"Bridged wording for clause {number}.", "explanation": "Both sides gain."}


def cast_with(catalog, **update) -> Cast:
    cast = catalog.cast("six-party-2003")
    update.setdefault("phases", SHORT)
    update.setdefault("side_meetings", [])
    return dataclasses.replace(cast, scenario=cast.scenario.model_copy(update=update))


def session_of(cast: Cast, reply, chair_model=None) -> tuple[Session, FunctionChatModel]:
    model = FunctionChatModel(reply=reply)
    delegates = {seat: ModelDelegate(seat, model, "fn") for seat in cast.delegations}
    return Session(cast, delegates, chair_model=chair_model), model


async def run(session: Session) -> list:
    return [event async for event in session.run()]


def prompts_for(model: FunctionChatModel, tool_words: str) -> list[str]:
    return ["\n".join(str(m.content) for m in call) for call in model.calls if tool_words in str(call[-1].content)]


# -- the floor ------------------------------------------------------------------------------


class OneCast:
    """A ``CastSource`` for ``prepare`` that gives one prepared cast."""

    def __init__(self, cast: Cast):
        self._cast = cast

    def cast(self, name, overrides=None) -> Cast:
        return self._cast


async def test_the_recorded_floor_prompts_hold_the_draft_and_recent_public_speech(catalog, tmp_path):
    cast = cast_with(catalog)
    reply = delegates_reply(request_floor=True)
    handles = {seat: ModelHandle(FunctionChatModel(reply=reply), "fn") for seat in cast.delegations}
    handles[CHAIR] = ModelHandle(FunctionChatModel(reply=chair_reply(bridged)), "fn-chair")
    with ModelPool() as pool:
        prepared = prepare(RunSettings(model="scripted", out=tmp_path), pool, OneCast(cast), models=handles)
        transcript = await run_prepared(prepared)
    floor = [call for call in transcript.recording if call.kind == "FloorChoice"]
    assert floor and all(call.seat == CHAIR for call in floor)
    tabled = cast.scenario.agenda[0].chair_clause
    prompt = floor[0].request[-1].content
    heading = f"Clause 1 (proposed by {cast.chair.short_name}; backed by no delegation yet; objections from Russia)"
    assert heading in prompt
    assert tabled in prompt
    assert "- Japan (objection, clause 2): Clause 2 says nothing of the abductions." in prompt
    assert "These delegations have asked for the floor:" in prompt.splitlines()[-2]


async def test_the_floor_prompt_stays_the_same_size_however_long_the_session(catalog):
    cast = catalog.cast("six-party-2003")
    segment = next(s for s in build_programme(cast.scenario) if s.kind == "amendments")
    draft = Draft().add("A clause on the table.", cast.chair.id, 0, "tabled")
    sizes = []
    for turns in (10, 100):
        memory = Memory()
        for turn in range(1, turns + 1):
            text = f"Turn {turn:03d}. " + "We restate our position at length. " * 30
            speaker = cast.scenario.parties[turn % 6]
            record = TurnRecord(turn=turn, phase="amendments", speaker=speaker, kind="statement", text=text)
            memory = memory.remember(record)
        model = FunctionChatModel(reply=lambda messages, tool: {"speaker": "usa"})
        await chair.choose_speaker(cast, model, ["usa", "dprk"], "request", segment, memory, draft)
        sizes.append(len(model.calls[0][-1].content))
    assert sizes[0] == sizes[1]


# -- chair proposals ------------------------------------------------------------------------


async def test_the_chair_bridges_the_most_objected_clause_in_amendments(catalog):
    cast = cast_with(catalog)
    chair_model = FunctionChatModel(reply=chair_reply(bridged))
    session, _ = session_of(cast, delegates_reply(), chair_model)
    events = await run(session)
    asks = prompts_for(chair_model, "ChairProposal tool")
    assert len(asks) == 1  # one amendments round: at most one proposal
    ask = asks[0]
    assert "Clause 2 as it stands" in ask and cast.scenario.agenda[1].chair_clause in ask
    backers, objectors = ask.split("Who backs it")[1].split("Who objects")
    assert "- United States (supports): Clause 2 ties security to verified dismantlement" in backers
    assert "- North Korea: Clause 2 ignores the hostile policy" in objectors
    assert "- Japan: Clause 2 says nothing of the abductions." in objectors
    said = [e for e in events if isinstance(e, Message) and e.speaker == CHAIR and e.phase == "amendments"]
    assert len(said) == 1 and "Bridged wording for clause 2." in said[0].text and said[0].model == "function"
    assert said[0].usage is not None
    update = next(e for e in events if isinstance(e, DraftUpdated) and e.speaker == CHAIR and e.phase == "amendments")
    clause = update.draft.clause(2)
    assert clause.text == "Bridged wording for clause 2." and clause.amended_by == [cast.chair.id]
    assert clause.history[-1].action == "amended" and clause.objectors == [] and clause.supporters == []
    assert update.draft.clause(1).objectors == ["russia"]  # the other objected clause is left for a later round
    assert events[-1].draft.clause(2).text == "Bridged wording for clause 2."


async def test_the_chair_bridges_one_clause_a_round_never_the_same_twice(catalog):
    rounds = [Phase(kind="drafting"), Phase(kind="amendments", rounds=2), Phase(kind="consensus")]
    cast = cast_with(catalog, phases=rounds)
    chair_model = FunctionChatModel(reply=chair_reply(bridged))
    session, _ = session_of(cast, delegates_reply(), chair_model)
    events = await run(session)
    asks = prompts_for(chair_model, "ChairProposal tool")
    assert [re.search(r"^Clause (\d+) as it stands", a, re.MULTILINE).group(1) for a in asks] == ["2", "1"]
    changes = [e.change for e in events if isinstance(e, DraftUpdated) and e.speaker == CHAIR and e.phase != "drafting"]
    assert changes == ["chair amended clause 2 with bridging wording", "chair amended clause 1 with bridging wording"]


@pytest.mark.parametrize("case", ["turned off", "no objections", "no chair model"])
async def test_no_chair_proposal_without_objections_or_when_turned_off(catalog, case):
    cast = cast_with(catalog, chair_bridges=case != "turned off")
    chair_model = FunctionChatModel(reply=chair_reply(bridged))
    reply = delegates_reply(objections={} if case == "no objections" else None)
    session, _ = session_of(cast, reply, None if case == "no chair model" else chair_model)
    events = await run(session)
    assert prompts_for(chair_model, "ChairProposal tool") == []
    assert not [e for e in events if e.speaker == CHAIR and e.phase == "amendments" and e.type != "phase_started"]
    assert events[-1].draft.clause(2).text == cast.scenario.agenda[1].chair_clause


def current_text(prompt: str) -> str:
    return prompt.split("as it stands (proposed by Chair - China):\n")[1].split("\n")[0]


def raises(number, prompt):
    raise ConnectionError("the chair's line went dead")


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (raises, "the chair's model failed (ConnectionError)"),
        (lambda number, prompt: {}, "the reply gave no wording"),
        (lambda number, prompt: "no JSON here", "the reply did not parse"),
        (lambda number, prompt: {"clause": 3, "clause_text": "Other wording."}, "named clause 3, not clause 2"),
        (lambda number, prompt: {"clause_text": current_text(prompt)}, "repeated the clause's wording"),
    ],
)
async def test_an_unusable_or_failing_chair_model_leaves_the_draft_alone(catalog, answer, why):
    cast = cast_with(catalog)
    session, _ = session_of(cast, delegates_reply(), FunctionChatModel(reply=chair_reply(answer)))
    events = await run(session)
    notes = [e.text for e in events if isinstance(e, ErrorEvent) and e.speaker == CHAIR and e.phase == "amendments"]
    assert len(notes) == 1 and why in notes[0] and "tabled no bridging wording for clause 2" in notes[0]
    assert not [e for e in events if isinstance(e, DraftUpdated) and e.speaker == CHAIR and e.phase == "amendments"]
    assert isinstance(events[-1], SessionEnded)
    assert events[-1].draft.clause(2).text == cast.scenario.agenda[1].chair_clause
    assert events[-1].draft.clause(2).objectors == ["dprk", "japan"]


def test_the_most_objected_clause_is_chosen_and_the_lowest_number_on_a_tie():
    draft = Draft().add("One.", "chair-prc", 0, "tabled").add("Two.", "chair-prc", 0, "tabled")
    draft = draft.add("Three.", "chair-prc", 0, "tabled")
    assert clause_to_bridge(draft) is None
    draft = draft.replace(3, {"objectors": ["usa"]}).replace(2, {"objectors": ["dprk"]})
    assert clause_to_bridge(draft).number == 2
    assert clause_to_bridge(draft.replace(3, {"objectors": ["usa", "japan"]})).number == 3


# -- private words never reach the chair ----------------------------------------------------


def test_positions_and_recent_speech_leave_out_what_was_said_in_private(catalog):
    cast = catalog.cast("six-party-2003")
    clause = Draft().add("One.", "chair-prc", 0, "tabled").clauses[0].model_copy(update={"objectors": ["dprk"]})
    said = TurnRecord(turn=1, phase="side_meeting", speaker="dprk", kind="objection", text=SECRET, clause=1)
    memory = Memory().remember(said.model_copy(update={"audience": ("usa", "dprk")}))
    memory = memory.model_copy(update={"recent": [*memory.recent, *memory.private]})  # even if one slipped in
    move = Move(kind="objection", clause=1, text=SECRET)
    ledger = record_move(
        Ledger(), move, party="dprk", turn=1, phase="side_meeting", item=None, audience=("usa", "dprk")
    )
    positions = positions_on(clause, ledger, cast)
    assert positions.objectors[0].party == "dprk" and positions.objectors[0].words == ""
    assert recent_speech(memory, cast.names()) == []


async def test_the_words_of_a_side_meeting_never_reach_the_chairs_prompts(catalog):
    cast = catalog.cast("six-party-2003")  # the shipped scenario, its US-DPRK meeting included
    chair_model = FunctionChatModel(reply=chair_reply(bridged))
    session, model = session_of(cast, delegates_reply(request_floor=True, private=SECRET), chair_model)
    events = await run(session)
    assert any(e.phase == "side_meeting" and e.type == "message" and SECRET in e.text for e in events)
    assert prompts_for(chair_model, "ChairProposal tool") and prompts_for(chair_model, "FloorChoice tool")
    assert not any(SECRET in str(message.content) for call in chair_model.calls for message in call)


# -- the chair's summary --------------------------------------------------------------------


def scripted_ballot(seat: str, numbers: list[int]) -> list[dict]:
    """Clause 1 agreed by all; 2 rejected (North Korea objects); 3 undecided (Japan leaves it out); 4 agreed."""
    votes = []
    for number in numbers:
        if number == 3 and seat == "japan":
            continue
        if number == 2 and seat == "dprk":
            votes.append({"clause": 2, "vote": "object", "reason": "It crosses our red line on security."})
        else:
            votes.append({"clause": number, "vote": "accept", "reason": "We can stand behind it."})
    return votes


async def test_the_summary_matches_the_tally_and_is_stored_and_read_out(catalog, tmp_path):
    cast = cast_with(catalog)
    reply = delegates_reply(objections={}, support={}, ballot=scripted_ballot)
    handles = {seat: ModelHandle(FunctionChatModel(reply=reply), "fn") for seat in cast.delegations}
    handles[CHAIR] = ModelHandle(FunctionChatModel(reply=chair_reply(bridged)), "fn-chair")
    with ModelPool() as pool:
        prepared = prepare(RunSettings(model="scripted", out=tmp_path), pool, OneCast(cast), models=handles)
        transcript = await run_prepared(prepared)
    outcome = load_transcript(tmp_path / f"{transcript.session_id}.json").outcome
    statuses = [(c.clause, c.status) for c in outcome.clauses]
    assert statuses == [(1, "agreed"), (2, "rejected"), (3, "undecided"), (4, "agreed")]
    points = [(p.kind, p.text.split(":")[0], p.parties) for p in outcome.chair_summary]
    everyone = list(cast.delegations)
    assert points == [
        ("common_ground", "Clause 1 is agreed", everyone),
        ("common_ground", "Clause 4 is agreed", everyone),
        ("difference", "Clause 2 is not agreed", ["dprk"]),
        ("difference", "Clause 3 remains undecided", ["japan"]),
    ]
    assert "North Korea (It crosses our red line on security.)" in outcome.chair_summary[2].text
    assert "No answer came from Japan" in outcome.chair_summary[3].text
    last = [e for e in transcript.events if isinstance(e, Message) and e.speaker == CHAIR][-1]
    assert last.text == outcome.summary and last.phase == "closing"
    assert all(point.text in last.text for point in outcome.chair_summary)
    assert "no joint statement" in last.text and "adopted" not in last.text
    assert "Points of common ground:" in last.text and "Points of difference:" in last.text
    markdown = (tmp_path / f"{transcript.session_id}.md").read_text()
    assert "### The chair's summary" in markdown and "- **Difference**: Clause 2 is not agreed" in markdown
    raw = json.loads((tmp_path / f"{transcript.session_id}.json").read_text())
    assert raw["outcome"]["chair_summary"][0]["kind"] == "common_ground"


async def test_with_consensus_the_joint_statement_is_adopted_and_read_with_the_summary(catalog):
    cast = cast_with(catalog)
    session, _ = session_of(cast, delegates_reply(objections={}, support={}), FunctionChatModel(reply=chair_reply()))
    events = await run(session)
    ended = events[-1]
    assert ended.outcome.consensus and {p.kind for p in ended.outcome.chair_summary} == {"common_ground"}
    assert "the joint statement is adopted. It reads:" in ended.text
    for item in cast.scenario.agenda:
        assert item.chair_clause in ended.text
    assert "Points of difference" not in ended.text


async def test_when_no_clause_came_to_the_vote_the_summary_says_no_vote_was_held(catalog):
    cast = catalog.cast("six-party-2003")
    agenda = [item.model_copy(update={"chair_clause": None}) for item in cast.scenario.agenda]
    cast = cast_with(catalog, agenda=agenda)
    session, _ = session_of(cast, delegates_reply(objections={}, support={}), FunctionChatModel(reply=chair_reply()))
    events = await run(session)
    summary = events[-1].outcome.chair_summary
    assert len(summary) == 1 and summary[0].kind == "difference" and "no vote was held" in summary[0].text
    assert summary[0].text in events[-1].text and "joint statement is adopted" not in events[-1].text


def test_a_clause_carried_by_majority_over_objections_is_also_a_difference(catalog):
    cast = catalog.cast("six-party-2003")
    draft = Draft().add("Carried.", "usa", 1, "proposed").add("Failed quietly.", "usa", 1, "proposed")
    accept, others = ["usa", "rok", "prc", "japan"], ["dprk", "rok", "prc", "japan", "russia"]
    objections = {
        "dprk": [CastVote(clause=1, vote="object", reason="Never.")],
        "russia": [CastVote(clause=1, vote="object")],
    }
    outcome = Outcome(
        consensus=False,
        rule="majority",
        clauses=[
            ClauseOutcome(clause=1, status="agreed", accept=accept, object=["dprk", "russia"]),
            ClauseOutcome(clause=2, status="rejected", accept=["usa"], abstain=others),
        ],
        votes=objections,
    )
    points = chair_summary(outcome, draft, cast)
    assert [(p.kind, p.parties) for p in points] == [
        ("common_ground", accept),
        ("difference", ["dprk", "russia"]),
        ("difference", others),
    ]
    assert "carried over objections" in points[1].text and "North Korea (Never.); Russia." in points[1].text
    assert "Nobody objected, but it was accepted only by United States" in points[2].text


# -- closing statements see the outcome -----------------------------------------------------


async def test_closing_prompts_hold_the_outcome_and_the_summary(catalog):
    cast = cast_with(catalog)
    session, model = session_of(cast, delegates_reply(objections={}, support={}, ballot=scripted_ballot))
    events = await run(session)
    outcome = events[-1].outcome
    closing = prompts_for(model, "Phase: Closing statements")
    assert len(closing) == len(cast.delegations)
    for prompt in closing:
        assert "there is no consensus on the full text" in prompt
        assert "Clauses agreed: 1, 4." in prompt and "Clauses rejected: 2." in prompt
        assert "Clauses undecided: 3." in prompt
        assert "The chair's summary:" in prompt
        for point in outcome.chair_summary:
            assert point.text in prompt
        assert "Give a short closing statement on this outcome" in prompt
    earlier = [p for p in prompts_for(model, "Move tool") if "Phase: Closing statements" not in p]
    assert earlier and not any("The chair's summary:" in p for p in earlier)


# -- the scripted model plays the chair's part offline --------------------------------------


async def test_the_scripted_chair_bridges_with_the_objectors_concern():
    for seed in range(8):  # the first seed whose talks leave an objection for the chair to bridge
        events = await run(scripted_session("six-party-2003", seed=seed))
        said = [e for e in events if isinstance(e, Message) and e.speaker == CHAIR and e.phase == "amendments"]
        if said:
            break
    bridged = (e for e in events if isinstance(e, DraftUpdated) and e.speaker == CHAIR and e.phase == "amendments")
    update = next(bridged)
    number = int(re.search(r"clause (\d+)", update.change).group(1))
    clause = update.draft.clause(number)
    assert len(said) == 1 and said[0].model == "scripted" and clause.text in said[0].text
    assert ", with due regard to the concern that " in clause.text and clause.amended_by[-1] == "chair-prc"
    assert events[-1].outcome.chair_summary and events[-1].text.endswith("This session is closed.")


def test_the_terminal_prints_the_summary_with_the_parties_behind_each_point(catalog):
    from rich.console import Console

    from agents.cli.console import EventPrinter
    from agents.core.outcome import SummaryPoint

    cast = catalog.cast("six-party-2003")
    points = [
        SummaryPoint(kind="common_ground", text="Clause 1 is agreed: [sic] talks go on.", parties=["usa", "prc"]),
        SummaryPoint(kind="difference", text="Clause 2 is not agreed.", parties=["dprk"]),
    ]
    clauses = [ClauseOutcome(clause=1, status="agreed", accept=["usa", "prc"])]
    clauses.append(ClauseOutcome(clause=2, status="rejected"))
    outcome = Outcome(consensus=False, rule="no_objection", clauses=clauses, chair_summary=points)
    console = Console(record=True, width=200)
    EventPrinter(cast, console)(SessionEnded(phase="closing", outcome=outcome, draft=Draft()))
    printed = console.export_text()
    assert "The chair's summary" in printed
    assert "Clause 1 is agreed: [sic] talks go on." in printed and "United States, China" in printed
    assert "Difference" in printed and "North Korea" in printed
