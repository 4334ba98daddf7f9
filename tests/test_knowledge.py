"""A delegation is never told a claim dated after its scenario's knowledge date (issue 13)."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from agents.core.catalog import Catalog
from agents.core.knowledge import ESSAY_DATE, known_at, known_from, persona_as_of
from agents.core.loading import ConfigError
from agents.core.personas import Claim
from agents.delegates.model import system_prompt
from agents.review.build import session_personas
from agents.review.grounding import sourced_claims
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from tests.helpers import ROOT
from tests.script import one_line, parley

SCENARIOS = ["six-party-2003", "four-party", "vladivostok", "bilateral"]
CITED_DATE = re.compile(r"\[(\d{4}(?:-\d{2}){0,2})\]")


def claim(source: str) -> Claim:
    return Claim(text="A claim long enough to be valid.", source=source)


@pytest.mark.parametrize(
    ("source", "first_day"),
    [
        ("¶3", ESSAY_DATE),
        ("2003-01-10: DPRK announces NPT withdrawal", date(2003, 1, 10)),
        ("2003-07: Dai Bingguo carries messages", date(2003, 7, 31)),
        ("2004-02: a leap-year month", date(2004, 2, 29)),
        ("1998: a year-only fact", date(1998, 12, 31)),
    ],
)
def test_a_claim_is_known_from_its_date_or_the_end_of_its_month_or_year(source, first_day):
    assert known_from(claim(source)) == first_day
    assert known_at(claim(source), first_day)
    assert known_at(claim(source), first_day.isoformat())
    assert not known_at(claim(source), date.fromordinal(first_day.toordinal() - 1))


def test_the_essay_is_known_from_its_date_only():
    assert ESSAY_DATE == date(2003, 4, 30)
    assert not known_at(claim("¶1"), "2003-04-29")
    assert known_at(claim("¶1"), "2003-08-27")


def test_persona_as_of_returns_what_it_left_out():
    persona = Catalog().personas["prc"]
    kept, dropped = persona_as_of(persona, "2003-06-15")
    assert dropped and all(not known_at(c, "2003-06-15") for c in dropped)
    assert all(known_at(c, "2003-06-15") for c in kept.claims())
    assert len(kept.claims()) + len(dropped) == len(persona.claims())
    assert persona_as_of(persona, "2003-12-31")[1] == []


@pytest.mark.parametrize("name", SCENARIOS)
def test_no_seat_is_told_a_claim_dated_after_the_scenario(name):
    cast = Catalog().cast(name)
    as_of = cast.scenario.knowledge_date
    assert cast.scenario.date >= as_of.isoformat()
    for seat in [*cast.delegations, cast.chair.id]:
        persona = cast.persona(seat)
        assert persona.opening_position and persona.interests
        assert all(known_at(c, as_of) for c in persona.claims()), seat
        prompt = system_prompt(persona, cast)
        for cited in CITED_DATE.findall(prompt):
            assert known_from(claim(f"{cited}: x")) <= as_of, (name, seat, cited)


def test_the_shipped_earlier_scenarios_leave_later_claims_out():
    catalog = Catalog()
    assert catalog.cast("vladivostok").left_out  # China's July 2003 brief, Japan's June inspections
    assert set(catalog.cast("bilateral").left_out) == {"usa"}
    assert catalog.cast("six-party-2003").left_out == {}


def scenario_file(tmp_path: Path, **changes: str) -> Path:
    data = yaml.safe_load((ROOT / "scenarios" / "bilateral.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "early.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_cast_refuses_a_persona_left_without_an_opening_position(tmp_path):
    path = scenario_file(tmp_path, as_of="1990-01-01")
    with pytest.raises(ConfigError) as caught:
        Catalog().cast(str(path))
    assert "as_of: 'usa' would be left without any opening_position claim" in str(caught.value)


def test_as_of_after_the_date_is_refused(tmp_path):
    path = scenario_file(tmp_path, as_of="2003-12-01")
    with pytest.raises(ConfigError, match="as_of: '2003-12-01' is after the scenario's date"):
        Catalog().cast(str(path))


def test_validate_warns_about_left_out_claims_and_still_passes():
    result = parley("validate", ROOT / "scenarios" / "vladivostok.yaml")
    out = one_line(result.stdout)
    assert result.returncode == 0, result.stderr
    assert "warn prc: 5 claim(s) dated after 2003-06-15 left out" in out
    assert "and 2 more" in out


def test_validate_refuses_a_scenario_that_leaves_no_opening_position(tmp_path):
    result = parley("validate", scenario_file(tmp_path, as_of="1990-01-01"))
    assert result.returncode == 1
    assert "as_of: 'usa' would be left without any opening_position claim known at 1990-01-01" in one_line(
        result.stderr
    )


def test_shipped_files_validate():
    files = sorted((ROOT / "personas").glob("*.yaml")) + sorted((ROOT / "scenarios").glob("*.yaml"))
    result = parley("validate", *files)
    assert result.returncode == 0, result.stderr
    assert "bad" not in result.stderr


def test_the_review_measures_a_delegation_against_the_brief_it_was_told(tmp_path):
    """Grounding, leaks and judges read the session's persona cut to its knowledge date, not the whole file."""
    transcript = asyncio.run(run_session(RunSettings(scenario="bilateral", model="scripted", seed=1, out=tmp_path)))
    assert transcript.scenario.knowledge_date == "2003-05-20"
    left_out = {claim.text for claim in Catalog().cast("bilateral").left_out["usa"]}
    told = session_personas(transcript)["usa"]
    assert left_out and not left_out & {claim.text for claim in sourced_claims(told) + told.private_instructions}
    older = transcript.model_copy(update={"scenario": transcript.scenario.model_copy(update={"as_of": None})})
    assert older.scenario.knowledge_date == older.scenario.date  # a transcript written before as_of was kept
