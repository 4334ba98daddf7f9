"""An audit of every prompt a scripted session sends, and the withdraw move end to end.

The delegations are models reading their prompts top to bottom: what they are told about
the date, their sources, the table's rule and their own red lines must be there every time,
and nothing may push them to agree or hand them the essay's hopes.
"""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.messages import BaseMessage, SystemMessage

from agents.core.draft import Draft, apply_move
from agents.core.events import DraftUpdated, ErrorEvent, Message
from agents.core.moves import Move
from agents.engine import chair
from agents.engine.programme import ALLOWED_MOVES
from agents.engine.tally import tally
from agents.testing import FunctionChatModel, scripted_session

PRESSURE = ("The aim of this round", "joint statement the chair can read out", "cannot live with")
ESSAY_VIEWS = ("The essay", "essay's hope", "the essay urges", "the essay sets", "essay recalls")
RULE_WORDS = {"no_objection": "One objection", "unanimous": "every delegation", "majority": "more than half"}


def recorded_prompts(scenario: str = "six-party-2003", seed: int = 0) -> tuple[object, list[list[BaseMessage]]]:
    session = scripted_session(scenario, seed=seed)
    asyncio.run(_drain(session))
    model = next(iter(session.delegates.values())).model
    return session, [p for p in model.calls if "Delegation id: chair" not in str(p[0].content)]


async def _drain(session) -> list:
    return [event async for event in session.run()]


def seat_of(prompt: list[BaseMessage], cast) -> str | None:
    system = str(prompt[0].content) if isinstance(prompt[0], SystemMessage) else ""
    return next((pid for pid in cast.delegations if f"Delegation id: {pid}\n" in system), None)


@pytest.fixture(scope="module", params=["six-party-2003", "bilateral"])
def session_prompts(request):
    return recorded_prompts(request.param, seed=1)


def test_every_delegate_system_prompt_names_the_date_and_nothing_later(session_prompts):
    session, prompts = session_prompts
    scenario = session.cast.scenario
    delegate_prompts = [p for p in prompts if seat_of(p, session.cast)]
    assert delegate_prompts
    for prompt in delegate_prompts:
        system = str(prompt[0].content)
        assert f"Today is {scenario.long_date}." in system
        assert "knows nothing that happened after this date" in system


def test_the_embedded_models_compact_brief_keeps_the_substance_and_nothing_of_another_seat(tmp_path):
    """A seat played by the embedded model gets the compact brief (README, Models): no sources and
    no view of the others, but its interests, red lines, opening position, priorities and private
    instructions, in a session's every prompt; a seat of any other model keeps the full brief."""
    from agents.llm.factory import LOCAL_LABEL, ModelHandle, ModelPool, compact_prompts
    from agents.sessions.run import prepare, run_prepared
    from agents.sessions.settings import RunSettings
    from agents.testing import ScriptedChatModel

    assert compact_prompts(LOCAL_LABEL) and not compact_prompts("openai:gpt-4o") and not compact_prompts("scripted")
    model = ScriptedChatModel(seed=1)
    options = RunSettings(scenario="six-party-2003", model="scripted", seed=1, phase_turns=1, out=tmp_path)
    with ModelPool() as pool:
        handles = {seat: ModelHandle(model, LOCAL_LABEL) for seat in ["usa", "dprk"]}
        transcript = asyncio.run(run_prepared(prepare(options, pool, models=handles)))
    cast = scripted_session().cast
    seen = set()
    for call in transcript.recording:
        if call.seat not in cast.delegations:
            continue
        seen.add(call.seat)
        system = " ".join(call.request[0].content.split())
        persona = cast.delegations[call.seat]
        compact = call.seat in handles
        kept = [*persona.interests, *persona.red_lines, *persona.opening_position, *persona.private_instructions]
        kept += list(persona.priorities.values())
        for claim in kept:
            assert " ".join(claim.text.split()) in system, (call.seat, claim.text[:40])
            assert (f"{' '.join(claim.text.split())} [{claim.citation}]" in system) != compact, call.seat
        assert ("How you see the others:" in system) != compact
        others = [c.text for p in cast.delegations.values() if p is not persona for c in p.private_instructions]
        assert not any(" ".join(text.split()) in system for text in others)
        whole = " ".join(" ".join(str(m.content).split()) for m in call.request)
        if call.kind in ("Ballot", "Plan"):  # the compact ones leave the red lines to the brief
            assert ("Your delegation's red lines:" in whole) != compact, (call.seat, call.kind)
        if call.kind == "Ballot":  # every clause voted on is in the prompt, once at least
            assert transcript.draft.clauses
            assert all(" ".join(c.text.split()) in whole for c in transcript.draft.clauses), call.seat
    assert seen == set(cast.delegations)


def test_the_six_party_date_is_27_august_2003():
    session = scripted_session()
    assert session.cast.scenario.long_date == "27 August 2003"


def test_every_claim_reaches_its_delegation_with_its_source(session_prompts):
    session, prompts = session_prompts
    for prompt in prompts:
        seat = seat_of(prompt, session.cast)
        if seat is None:
            continue
        system = str(prompt[0].content)
        for claim in session.cast.delegations[seat].claims():
            assert f"{claim.text.strip()} [{claim.citation}]" in " ".join(system.split()), claim.text[:40]


def test_citations_are_essay_paragraphs_or_dates():
    session = scripted_session()
    for persona in session.cast.delegations.values():
        for claim in persona.claims():
            assert claim.citation.startswith("essay ¶") or claim.citation[:4].isdigit()
            assert ":" not in claim.citation


def test_each_ballot_restates_the_seats_red_lines_and_explains_the_rule(session_prompts):
    session, prompts = session_prompts
    rule = session.cast.scenario.consensus_rule
    ballots = [p for p in prompts if "Ballot tool" in str(p[-1].content)]
    assert len(ballots) == len(session.cast.delegations)
    for prompt in ballots:
        persona = session.cast.delegations[seat_of(prompt, session.cast)]
        ballot = str(prompt[-1].content)
        assert f'The rule at this table is "{rule.replace("_", " ")}"' in ballot
        assert RULE_WORDS[rule] in ballot
        assert "legitimate outcome" in ballot
        for claim in persona.red_lines:
            assert claim.text.strip() in " ".join(ballot.split())
        others = [c.text for p in session.cast.delegations.values() if p is not persona for c in p.red_lines]
        assert not any(text.strip() in " ".join(ballot.split()) for text in others)


def test_no_delegate_prompt_pushes_to_agree_or_carries_the_essays_hopes(session_prompts):
    session, prompts = session_prompts
    essay_view = " ".join(session.cast.scenario.essay_view.split())
    for prompt in prompts:
        everything = "\n".join(str(m.content) for m in prompt)
        for phrase in PRESSURE + ESSAY_VIEWS:
            assert phrase.lower() not in everything.lower(), phrase
        if essay_view:
            assert essay_view[:60] not in " ".join(everything.split())


@pytest.mark.parametrize("rule", ["no_objection", "unanimous", "majority"])
def test_the_ballot_explains_each_rule(rule):
    import dataclasses

    from agents.core.memory import Memory
    from agents.delegates.base import VoteContext
    from agents.delegates.model import vote_messages

    cast = scripted_session().cast
    cast = dataclasses.replace(cast, scenario=cast.scenario.model_copy(update={"consensus_rule": rule}))
    phase = next(p for p in cast.scenario.phases if p.kind == "consensus")
    draft = Draft().add("A clause for the vote here.", "usa", 1, "proposed")
    ballot = vote_messages(VoteContext(cast, cast.delegations["dprk"], phase, draft, Memory(), 2))[-1].content
    assert RULE_WORDS[rule] in ballot and f'"{rule.replace("_", " ")}"' in ballot


def test_turn_prompts_explain_amendment_and_withdrawal_and_set_a_length():
    session, prompts = recorded_prompts(seed=1)
    turns = [str(p[-1].content) for p in prompts if "Move tool" in str(p[-1].content)]
    drafting = [t for t in turns if "Phase: Drafting" in t or "Phase: Amendments" in t]
    assert drafting and all("an amendment replaces the clause's whole wording" in t for t in drafting)
    assert all("Only the delegation that proposed a clause may withdraw it" in t for t in drafting)
    opening = [t for t in turns if "Phase: Opening" in t]
    assert opening and all("up to about eight sentences" in t for t in opening)
    assert not any("1-4 sentences" in t for t in turns)


# -- withdraw -------------------------------------------------------------------------------


def two_clauses() -> Draft:
    return Draft().add("The chair's clause.", "chair-prc", 0, "tabled").add("Our clause.", "usa", 1, "proposed")


def test_the_proposer_withdraws_its_clause_and_its_number_is_not_reused():
    draft, change = apply_move(two_clauses(), Move(kind="withdraw", clause=2), "usa", 2, 8)
    assert change == "usa withdrew clause 2"
    assert draft.numbers() == [1] and [c.number for c in draft.withdrawn] == [2]
    draft, _ = apply_move(draft, Move(kind="proposal", clause_text="A new clause."), "dprk", 3, 8)
    assert draft.numbers() == [1, 3]


def test_another_party_cannot_withdraw_a_clause():
    draft = two_clauses()
    assert apply_move(draft, Move(kind="withdraw", clause=2), "dprk", 2, 8) == (draft, None)
    assert apply_move(draft, Move(kind="withdraw", clause=1), "usa", 2, 8) == (draft, None)
    cast = scripted_session().cast
    move, note = chair.rule_on_withdrawal(cast, Move(kind="withdraw", clause=2, text="Take it away."), draft, "dprk")
    assert move.kind == "statement" and move.clause is None and move.text == "Take it away."
    assert note and "only United States" in note


def test_withdraw_is_admitted_only_while_drafting_or_amending():
    admitted = {phase for phase, kinds in ALLOWED_MOVES.items() if "withdraw" in kinds}
    assert admitted == {"drafting", "amendments"}
    assert chair.admit(Move(kind="withdraw", clause=1), ALLOWED_MOVES["discussion"]).kind == "statement"


def test_a_withdrawn_clause_is_not_voted_on():
    draft, _ = apply_move(two_clauses(), Move(kind="withdraw", clause=2), "usa", 2, 8)
    outcome = tally(draft, {}, ["usa", "dprk"], "no_objection")
    assert [c.clause for c in outcome.clauses] == [1]


def test_a_session_refuses_a_withdrawal_by_anyone_but_the_proposer():
    session = scripted_session(seed=1)

    def reply(messages, tool):
        if tool == "Ballot":
            return {"votes": []}
        last = str(messages[-1].content)
        if "Phase: Amendments" in last:  # everyone tries to withdraw clause 1, the chair's
            return {"kind": "withdraw", "clause": 1, "text": "We withdraw clause 1."}
        if "Phase: Drafting" in last and "Delegation id: usa\n" in str(messages[0].content):
            return {"kind": "proposal", "text": "We propose.", "clause_text": "A clause of ours."}
        return {"kind": "statement", "text": "We listen."}

    recorder = FunctionChatModel(reply=reply)
    for delegate in session.delegates.values():
        delegate.model = recorder
    events = asyncio.run(_drain(session))
    refusals = [e for e in events if isinstance(e, ErrorEvent) and "may withdraw it" in e.text]
    assert len(refusals) == len(session.parties)
    withdrawn = [e for e in events if isinstance(e, DraftUpdated) and "withdrew" in e.change]
    assert withdrawn == []
    heard = [e for e in events if isinstance(e, Message) and e.phase == "amendments"]
    assert heard and all(e.move.kind == "statement" for e in heard)


def test_the_scripted_model_withdraws_its_own_clauses_now_and_then():
    withdrawals = []
    for seed in range(4):
        events = asyncio.run(_drain(scripted_session(seed=seed)))
        for event in events:
            if isinstance(event, DraftUpdated) and "withdrew" in event.change:
                withdrawals.append(event)
                number = event.draft.withdrawn[-1].number
                assert event.draft.withdrawn[-1].proposed_by == event.speaker
                ended = events[-1]
                assert number not in [c.clause for c in ended.outcome.clauses]
    assert withdrawals


# -- the ledger and the openings in every prompt ------------------------------------------


def test_every_ballot_holds_every_other_partys_opening_and_positions(session_prompts):
    session, prompts = session_prompts
    events = asyncio.run(_drain(scripted_session(session.cast.scenario.id, seed=1)))
    public = [e for e in events if isinstance(e, Message) and e.speaker in session.parties and e.audience is None]
    openings = {e.speaker: e.text for e in public if e.phase == "opening"}
    ballots = [p for p in prompts if "Ballot tool" in str(p[-1].content)]
    assert ballots and len(openings) == len(session.parties)
    for prompt in ballots:
        seat = seat_of(prompt, session.cast)
        everything = " ".join("\n".join(str(m.content) for m in prompt).split())
        for party, text in openings.items():
            if party != seat:
                assert " ".join(text.split()) in everything, (seat, party)
        for event in public:  # each other party's latest word on each clause it moved on
            if event.speaker != seat and event.move and event.move.clause and event.phase in ("drafting", "amendments"):
                assert f"clause {event.move.clause}, turn" in everything


def test_no_side_meeting_word_reaches_a_non_members_prompt(session_prompts):
    session, prompts = session_prompts
    events = asyncio.run(_drain(scripted_session(session.cast.scenario.id, seed=1)))
    private = [e for e in events if isinstance(e, Message) and e.audience and e.text]
    assert private or session.cast.scenario.id != "six-party-2003"  # its US-DPRK meeting is held
    for prompt in prompts:
        seat = seat_of(prompt, session.cast)
        everything = " ".join("\n".join(str(m.content) for m in prompt).split())
        for event in private:
            if seat not in event.audience:
                assert " ".join(event.text.split())[:80] not in everything, (seat, event.speaker)
