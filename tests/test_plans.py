"""Private planning: each delegation plans before the phases the scenario names, and only it sees its plan."""

from __future__ import annotations

import dataclasses
import io

import pytest
from langchain_core.messages import BaseMessage, SystemMessage
from rich.console import Console

from agents.core.catalog import Cast
from agents.core.events import CHAIR, PlanMade
from agents.core.loading import ConfigError
from agents.core.plans import Plan
from agents.core.scenarios import Scenario, load_scenario
from agents.delegates.model import ModelDelegate, plan_shown
from agents.engine import Session
from agents.engine.planning import plans_due
from agents.engine.programme import build_programme
from agents.engine.state import SessionState
from agents.review.build import compute_review, session_personas
from agents.review.report_html import review_html
from agents.review.terminal import print_review
from agents.sessions.markdown import transcript_markdown
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.testing import FunctionChatModel, ScriptedChatModel
from tests.helpers import ROOT

DEFAULT_POINTS = ["opening", "drafting", "consensus"]
PLAN_HEADING = "Your delegation's latest private plan."


async def collect(session: Session) -> list:
    return [event async for event in session.run()]


def session_of(cast: Cast, model: FunctionChatModel, **update: object) -> Session:
    """A session of ``cast`` (its scenario changed by ``update``) with ``model`` in every seat and the chair."""
    cast = dataclasses.replace(cast, scenario=cast.scenario.model_copy(update=update))
    delegates = {seat: ModelDelegate(seat, model, "test") for seat in cast.delegations}
    return Session(cast, delegates, chair_model=model)


def seat_of(messages: list[BaseMessage]) -> str | None:
    system = str(messages[0].content) if isinstance(messages[0], SystemMessage) else ""
    return system.split("Delegation id: ", 1)[1].split("\n", 1)[0] if "Delegation id: " in system else None


def plan_messages_in(messages: list[BaseMessage]) -> list[str]:
    return [str(m.content) for m in messages if str(m.content).startswith(PLAN_HEADING)]


@pytest.fixture(scope="module")
def planned_session():
    """A whole scripted session with the default plan points: its transcript (recording included)."""
    import asyncio

    return asyncio.run(run_session(RunSettings(model="scripted", seed=1)))


def test_every_delegation_plans_at_the_three_default_points_in_private(planned_session):
    transcript = planned_session
    parties = [d.id for d in transcript.delegations]
    plans = [e for e in transcript.events if isinstance(e, PlanMade)]
    assert len(plans) == 3 * len(parties)
    for phase in DEFAULT_POINTS:
        made = [e for e in plans if e.for_phase == phase]
        assert sorted(e.speaker for e in made) == sorted(parties)
        assert all(e.phase == phase and e.model == "scripted" and e.usage for e in made)
    assert all(e.audience == [e.speaker] and e.visibility == "private" for e in plans)
    assert all(not e.plan.is_blank() for e in plans)


def test_the_plans_are_made_as_the_chair_is_about_to_open_their_phase(planned_session):
    events = planned_session.events
    for phase in DEFAULT_POINTS:
        opened = next(i for i, e in enumerate(events) if e.type == "phase_started" and e.phase == phase)
        before = events[opened - 6 : opened]
        assert [e.type for e in before] == ["plan"] * 6 and {e.for_phase for e in before} == {phase}
        assert not any(e.for_phase == phase for e in events[opened + 1 :] if isinstance(e, PlanMade))


def test_a_plan_reaches_its_own_later_prompts_and_no_other_seats(planned_session):
    recording = planned_session.recording
    latest: dict[str, Plan] = {}
    rendered_by_seat: dict[str, set[str]] = {}
    shown = 0
    for call in recording:
        seat = seat_of([SystemMessage(content=call.request[0].content)]) if call.request[0].role == "system" else None
        texts = [m.content for m in call.request]
        in_prompt = [t for t in texts if t.startswith(PLAN_HEADING)]
        if call.kind == "Plan":
            latest[call.seat] = Plan.model_validate_json(call.arguments)
            rendered_by_seat.setdefault(call.seat, set()).add(str(plan_shown(latest[call.seat])[0].content))
            continue
        if call.kind in ("Move", "Ballot"):
            assert seat == call.seat
            expected = [str(m.content) for m in plan_shown(latest.get(call.seat))]
            assert in_prompt == expected, f"{call.seat} {call.kind} at turn {call.turn}"
            if expected:
                assert texts[-2] == expected[0]  # right before the instruction
                shown += 1
        else:
            assert in_prompt == []  # the chair's prompts hold no plan
        others = [text for other, made in rendered_by_seat.items() if other != call.seat for text in made]
        assert not any(text in "\n".join(texts) for text in others)
    assert shown > 50


def test_every_prompt_keeps_its_order_system_briefing_turns_plan_instruction(planned_session):
    for call in planned_session.recording:
        roles = [m.role for m in call.request]
        texts = [m.content for m in call.request]
        plans = [i for i, t in enumerate(texts) if t.startswith(PLAN_HEADING)]
        if plans:
            assert plans == [len(texts) - 2] and roles[0] == "system" and roles[1] == "human"


@pytest.mark.parametrize(("points", "expected"), [([], []), (["amendments"], ["amendments"])])
async def test_plan_before_sets_where_plans_are_made(catalog, points, expected):
    model = ScriptedChatModel(seed=1)
    session = session_of(catalog.cast("six-party-2003"), model, plan_before=points)
    events = await collect(session)
    assert events[-1].type == "session_ended"
    made = [e.for_phase for e in events if isinstance(e, PlanMade)]
    assert made == [phase for phase in expected for _ in session.parties]
    plan_calls = [c for c in model.calls if "Answer by calling the Plan tool" in str(c[-1].content)]
    assert len(plan_calls) == len(made)


def failing_for(seat: str, when: str = ""):
    """The scripted model's answers; ``seat``'s Plan call raises (only before the phase ``when`` names, if given)."""
    scripted = ScriptedChatModel(seed=1)

    def reply(messages: list[BaseMessage], tool: str | None) -> str:
        if tool == "Plan" and seat_of(messages) == seat and when in str(messages[-1].content):
            raise ConnectionError("the planning line went dead")
        return scripted.bind_tools([{"name": tool}]).reply_text(messages)

    return reply


async def test_a_failing_plan_call_leaves_a_private_error_and_the_session_goes_on(catalog):
    model = FunctionChatModel(reply=failing_for("dprk"), model_name="scripted")
    session = session_of(catalog.cast("six-party-2003"), model)
    events = await collect(session)
    assert events[-1].type == "session_ended"
    errors = [e for e in events if e.type == "error" and e.speaker == "dprk"]
    assert len(errors) == 3 and all("ConnectionError" in e.text and e.audience == ["dprk"] for e in errors)
    plans = [e for e in events if isinstance(e, PlanMade)]
    assert "dprk" not in {e.speaker for e in plans} and len(plans) == 3 * (len(session.parties) - 1)
    assert len([e for e in events if e.type == "vote_cast"]) == len(session.parties)
    dprk_prompts = [c for c in model.calls if seat_of(c) == "dprk"]
    assert dprk_prompts and not any(plan_messages_in(c) for c in dprk_prompts)


async def test_a_seat_whose_plan_fails_keeps_its_last_plan(catalog):
    model = FunctionChatModel(reply=failing_for("dprk", when="Consensus call"), model_name="scripted")
    events = await collect(session_of(catalog.cast("six-party-2003"), model))
    drafting = [e.plan for e in events if isinstance(e, PlanMade) and e.speaker == "dprk"][-1]
    ballot = next(c for c in model.calls if seat_of(c) == "dprk" and "Ballot tool" in str(c[-1].content))
    assert plan_messages_in(ballot) == [str(plan_shown(drafting)[0].content)]


async def test_a_blank_plan_is_recorded_but_not_shown(catalog):
    scripted = ScriptedChatModel(seed=1)

    def reply(messages: list[BaseMessage], tool: str | None) -> dict | str:
        return {} if tool == "Plan" else scripted.bind_tools([{"name": tool}]).reply_text(messages)

    model = FunctionChatModel(reply=reply)
    events = await collect(session_of(catalog.cast("six-party-2003"), model, max_turns=8))
    plans = [e for e in events if isinstance(e, PlanMade)]
    assert plans and all(e.plan.is_blank() for e in plans)
    assert not any(plan_messages_in(c) for c in model.calls)


def test_markdown_and_review_as_a_seat_show_only_its_own_plans(planned_session):
    transcript = planned_session
    names = transcript.names()
    whole = transcript_markdown(transcript)
    for seat in ("usa", "russia"):
        assert whole.count(f"**{names[seat]}** (plan for the drafting) *(private: {names[seat]})*:") == 1
    own = transcript_markdown(transcript.seen_by("usa"))
    assert own.count("(plan for the") == 3 and own.count("*(private: United States)*:") == 3
    russia_goal = next(e.plan.goals[0] for e in transcript.events if isinstance(e, PlanMade) and e.speaker == "russia")
    assert russia_goal in whole and "(private: Russia)*:" not in own
    personas = session_personas(transcript)
    review = compute_review(transcript, personas, viewer="usa")
    assert len(review.plans) == 3 and {p.delegation for p in review.plans} == {"usa"}
    whole_review = compute_review(transcript, personas)
    assert len(whole_review.plans) == 18
    sections = [
        html.split('<section id="plans">')[1].split("</section>")[0]
        for html in map(review_html, (whole_review, review))
    ]
    assert sections[0].count("<td>Russia</td>") == 3 and sections[1].count("<td>United States</td>") == 3
    assert "<td>Russia</td>" not in sections[1]
    printed = io.StringIO()
    print_review(review, Console(file=printed, width=200))
    assert "Private plans" in printed.getvalue() and "the other delegations' private plans" in printed.getvalue()


def test_plans_are_due_once_at_a_phases_first_segment_and_never_for_a_meeting(catalog):
    scenario = catalog.cast("six-party-2003").scenario
    programme = build_programme(scenario)
    due = [
        segment.kind
        for index, segment in enumerate(programme)
        if plans_due(scenario, SessionState(segment=index), segment, budget_spent=False)
    ]
    assert due == ["opening", "drafting"]  # the vote has no clauses on the table here: nothing to plan for
    vote = next(i for i, s in enumerate(programme) if s.is_vote)
    tabled = SessionState(segment=vote, draft=SessionState().draft.add("A clause.", "usa", 1, "proposed"))
    assert plans_due(scenario, tabled, programme[vote], budget_spent=True)
    assert not plans_due(scenario, tabled.model_copy(update={"planned": vote}), programme[vote], budget_spent=True)
    drafting = next(i for i, s in enumerate(programme) if s.kind == "drafting")
    assert not plans_due(scenario, SessionState(segment=drafting), programme[drafting], budget_spent=True)
    meetings = [s for s in programme if s.meeting is not None]
    assert meetings and not any(plans_due(scenario, SessionState(), s, False) for s in meetings)


def scenario_file(tmp_path, plan_before: str) -> ConfigError | Scenario:
    text = (ROOT / "scenarios" / "six-party-2003.yaml").read_text(encoding="utf-8")
    path = tmp_path / "six-party-2003.yaml"
    path.write_text(text + f"\nplan_before: {plan_before}\n", encoding="utf-8")
    try:
        return load_scenario(path)
    except ConfigError as error:
        return error


def test_plan_before_defaults_to_three_points_and_refuses_what_is_no_phase(tmp_path, catalog):
    assert catalog.cast("six-party-2003").scenario.plan_before == DEFAULT_POINTS
    assert scenario_file(tmp_path, "[]").plan_before == []
    assert scenario_file(tmp_path, "[closing, discussion]").plan_before == ["closing", "discussion"]
    for given, says in (
        ("[lunch]", "plan_before"),
        ("[side_meeting]", "plan_before[0]"),
        ("[opening, opening]", "plan_before[1]"),
    ):
        refused = scenario_file(tmp_path, given)
        assert isinstance(refused, ConfigError) and says in str(refused), given


def test_the_plan_prompt_says_what_comes_that_it_is_private_and_that_no_agreement_is_legitimate(planned_session):
    prompts = [c for c in planned_session.recording if c.kind == "Plan" and c.seat == "dprk"]
    assert len(prompts) == 3
    last = prompts[-1].request[-1].content
    assert "about to open the next phase: Consensus call." in last
    assert "no other delegation, and not the chair, will see it" in last
    assert "without agreed text is a legitimate outcome" in last
    assert "Your delegation's red lines:" in last and "(usa, rok, prc, japan, russia)" in last
    assert CHAIR not in [c.seat for c in planned_session.recording if c.kind == "Plan"]
