"""Every shipped persona validates, cites a source for every claim, and stays out of the essay's words."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agents.core.personas import Persona
from tests.helpers import ROOT
from tests.script import parley

DELEGATIONS = ["usa", "dprk", "rok", "prc", "japan", "russia"]
AGENDA_IDS = {"nuclear", "security", "economy", "multilateral"}
SOURCE = re.compile(r"^(¶[1-6]|\d{4}(-\d{2}){0,2}: .+)$")
ESSAY_OVERLAP = ROOT.parent / "shared" / "tools" / "essay-overlap"


def test_all_six_delegations_and_the_chairs_are_shipped(catalog):
    personas = catalog.personas
    assert set(DELEGATIONS) <= set(personas)
    assert all(personas[pid].kind == "delegation" for pid in DELEGATIONS)
    chairs = {pid for pid, p in personas.items() if p.kind == "chair"}
    assert {"chair-prc", "chair-russia", "chair-four-party", "chair-facilitator"} <= chairs


@pytest.mark.parametrize("persona_id", DELEGATIONS)
def test_delegation_has_every_section_with_sources(catalog, persona_id):
    persona: Persona = catalog.personas[persona_id]
    assert persona.head.name and persona.head.title
    assert persona.interests and persona.red_lines and persona.opening_position and persona.private_instructions
    assert set(persona.priorities) == AGENDA_IDS
    assert set(persona.relationships) == set(DELEGATIONS) - {persona_id}
    for claim in persona.claims():
        assert SOURCE.match(claim.source), f"{persona_id}: unsourced claim {claim.text[:40]!r}"


def test_russia_carries_every_paragraph_of_the_essay(catalog):
    cited = {claim.essay_paragraph for claim in catalog.personas["russia"].claims()}
    assert {1, 2, 3, 4, 5, 6} <= cited


def test_russia_proposes_vladivostok_and_keeps_its_weak_leverage_private(catalog):
    russia = catalog.personas["russia"]
    public = " ".join(c.text for c in [*russia.opening_position, *russia.interests])
    private = " ".join(c.text for c in russia.private_instructions)
    assert "Vladivostok" in public
    assert any(c.source == "¶6" for c in russia.private_instructions + russia.opening_position)
    assert private and private not in public


def test_every_scenario_resolves_its_parties_and_chair(catalog):
    paths = catalog.scenario_paths()
    assert {p.stem for p in paths} == {"six-party-2003", "four-party", "vladivostok", "bilateral"}
    for path in paths:
        cast = catalog.cast(path.stem)
        assert cast.scenario.agenda and cast.scenario.phases
        assert list(cast.delegations) == cast.scenario.parties


def test_scenarios_match_the_essay(catalog):
    assert catalog.cast("six-party-2003").chair.represents == "prc"
    assert "russia" not in catalog.cast("four-party").scenario.parties
    assert catalog.cast("vladivostok").chair.represents == "russia"
    assert "Vladivostok" in catalog.cast("vladivostok").scenario.venue
    bilateral = catalog.cast("bilateral")
    assert bilateral.scenario.parties == ["usa", "dprk"] and bilateral.chair.represents is None


@pytest.mark.skipif(not ESSAY_OVERLAP.exists(), reason="the essay-overlap tool lives in ../shared, absent here")
def test_no_sentence_of_the_essay_is_copied():
    result = subprocess.run([str(ESSAY_OVERLAP), str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 run(s) of 10+ words copied from the essay")


def test_personas_folder_holds_only_yaml(catalog):
    folder: Path = catalog.personas_folder
    assert sorted(p.suffix for p in folder.iterdir()) == [".yaml"] * len(list(folder.iterdir()))


def test_a_bad_persona_in_parley_home_is_a_named_error(tmp_path):
    for folder in ("prompts", "personas", "scenarios"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    with (tmp_path / "personas" / "russia.yaml").open("a", encoding="utf-8") as stream:
        stream.write("kind: chair\n")  # a second kind: once made Russia a chair without a word
    result = parley("personas", env={"PARLEY_HOME": str(tmp_path)})
    assert result.returncode == 2
    assert "russia.yaml: invalid" in result.stderr and "duplicate key 'kind' (first at line 4)" in result.stderr
