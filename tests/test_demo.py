"""The quick start's short session: every phase held, each cut to a few turns; one round of plans.

``phase_turns`` caps the delegate turns of each segment (a phase, or one round on one agenda
item), ``item_turns`` an agenda item's round apart; ``parley run --demo`` sets two turns a phase,
one an agenda item, and plans once, before the drafting (issue 16).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

from agents.core.catalog import Catalog
from agents.engine.programme import build_programme
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from tests.script import parley


def turns_by_segment(transcript) -> list[tuple[str, str | None, int]]:
    """Each segment the chair opened (phase, agenda item) with the delegate turns taken in it."""
    segments: list[tuple[str, str | None, int]] = []
    for event in transcript.events:
        if event.type == "phase_started":
            segments.append((event.phase, event.agenda_item, 0))
        elif event.type == "message" and event.speaker != "chair" and segments:
            phase, item, turns = segments[-1]
            segments[-1] = (phase, item, turns + 1)
    return segments


def test_a_phase_cap_holds_every_phase_each_cut_to_its_turns(tmp_path):
    options = RunSettings(scenario="six-party-2003", model="scripted", seed=2, phase_turns=1, out=tmp_path)
    transcript = asyncio.run(run_session(options))
    programme = build_programme(Catalog().cast("six-party-2003").scenario)
    segments = turns_by_segment(transcript)
    held = {(phase, item) for phase, item, _ in segments}
    assert {(s.kind, s.agenda_item.id if s.agenda_item else None) for s in programme} <= held
    assert max(turns for _, _, turns in segments) == 1  # the cap, reached
    spoken = Counter(phase for phase, _, turns in segments if turns)
    assert set(spoken) >= {"opening", "discussion", "drafting", "amendments", "closing"}
    assert spoken["discussion"] == 4  # one turn on each of the four agenda items
    assert transcript.outcome is not None and transcript.outcome.chair_summary  # the vote and the summary stay


def test_parley_run_demo_plans_once_and_keeps_every_phase(tmp_path):
    result = parley("run", "--model", "scripted", "--seed", "1", "--demo", "--quiet", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    [path] = tmp_path.glob("*.json")
    transcript = json.loads(path.read_text(encoding="utf-8"))
    settings = transcript["settings"]
    assert (settings["phase_turns"], settings["item_turns"], settings["plan_before"]) == (2, 1, ["drafting"])
    spoken = Counter(e["phase"] for e in transcript["events"] if e["type"] == "message" and e["speaker"] != "chair")
    assert spoken["discussion"] == 4 and spoken["opening"] == 2  # one turn an agenda item, two a phase
    plans = [e for e in transcript["events"] if e["type"] == "plan"]
    assert len(plans) == 6 and {e["phase"] for e in plans} == {"drafting"}
    phases = {e["phase"] for e in transcript["events"] if e["type"] == "phase_started"}
    assert phases >= {"opening", "discussion", "drafting", "amendments", "consensus", "closing"}
    assert transcript["outcome"]["chair_summary"]


def test_a_phase_cap_is_refused_below_one_and_plans_never_precede_a_side_meeting():
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError, match="phase_turns"):
        RunSettings(phase_turns=0)
    with pytest.raises(pydantic.ValidationError, match="item_turns"):
        RunSettings(item_turns=0)
    with pytest.raises(pydantic.ValidationError, match="never before a side meeting"):
        RunSettings(plan_before=["side_meeting"])
