"""Malformed personas, scenarios and transcripts are refused with the file and the field named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agents.catalog import Catalog
from agents.loading import ConfigError
from agents.personas import load_persona
from agents.transcript import load_transcript
from tests.conftest import ROOT


def persona_data() -> dict:
    return yaml.safe_load((ROOT / "personas" / "russia.yaml").read_text(encoding="utf-8"))


def scenario_data() -> dict:
    return yaml.safe_load((ROOT / "scenarios" / "six-party-2003.yaml").read_text(encoding="utf-8"))


def write(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d.pop("red_lines") and d.pop("head"), "head", "Field required"),
        (lambda d: d.update(interests="not a list"), "interests", "valid list"),
        (lambda d: d.update(intrests=[]), "intrests", "Extra inputs are not permitted"),
        (lambda d: d["interests"][1].update(source="the essay"), "interests[1].source", "essay paragraph"),
        (lambda d: d["interests"][0].update(source="¶9"), "interests[0].source", "does not exist"),
        (lambda d: d["priorities"]["nuclear"].pop("source"), "priorities.nuclear.source", "Field required"),
        (lambda d: d.update(colour="red"), "colour", "pattern"),
    ],
)
def test_bad_persona_names_file_and_field(tmp_path, change, field, words):
    data = persona_data()
    change(data)
    path = write(tmp_path, "russia.yaml", data)
    with pytest.raises(ConfigError) as caught:
        load_persona(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"{field}: " in message and words in message


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: russia\ninterests: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.yaml.*\n.*invalid YAML at line"):
        load_persona(path)


def test_wrong_encoding_is_refused(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("id: russia\nname: Rossi\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_persona(path)


def catalog_with(tmp_path: Path, scenario: dict) -> tuple[Catalog, Path]:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    path = write(folder, "test.yaml", scenario)
    return Catalog(personas=ROOT / "personas", scenarios=folder), path


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d["parties"].__setitem__(2, "rusia"), "parties[2]", "unknown party 'rusia'"),
        (lambda d: d.update(chair="usa"), "chair", "'usa' is a delegation, not a chair"),
        (
            lambda d: d.update(chair="chair-russia", parties=["usa", "dprk"]),
            "chair",
            "represents 'russia', which is not a party",
        ),
        (lambda d: d.update(parties=["usa", "dprk", "japan"]), "chair", "represents 'prc', which is not a party"),
        (lambda d: d.update(agenda=[]), "agenda", "at least 1 item"),
        (lambda d: d["parties"].append("usa"), "parties[6]", "duplicate id 'usa'"),
        (lambda d: d["agenda"].append(dict(d["agenda"][0])), "agenda[4]", "duplicate id"),
        (lambda d: d["phases"].append({"kind": "lunch"}), "phases[6].kind", "Input should be"),
        (lambda d: d.update(date=20030827), "date", "valid string"),
        (lambda d: d.update(consensus="yes"), "consensus", "Extra inputs"),
        (
            lambda d: d["side_meetings"][0].update(members=["usa", "india"]),
            "side_meetings[0].members",
            "'india' is not a party",
        ),
        (lambda d: d["side_meetings"][0].update(members=["usa"]), "side_meetings[0].members", "at least 2"),
        (lambda d: d["side_meetings"][0].update(after="closing"), "side_meetings[0].after", "Input should be"),
        (lambda d: d["phases"].insert(1, {"kind": "side_meeting"}), "phases[1].kind", "go under 'side_meetings'"),
    ],
)
def test_bad_scenario_names_file_and_field(tmp_path, change, field, words):
    data = scenario_data()
    change(data)
    catalog, path = catalog_with(tmp_path, data)
    with pytest.raises(ConfigError) as caught:
        catalog.cast("test")
    message = str(caught.value)
    assert str(path) in message and field in message and words in message


def test_unknown_scenario_lists_the_shipped_ones(catalog):
    with pytest.raises(ConfigError, match="no scenario 'six-party' .*six-party-2003"):
        catalog.cast("six-party")


def test_truncated_transcript_is_refused(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{"schema_version": 1, "session_id": "x", "events": [', encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid JSON"):
        load_transcript(path)


def test_transcript_of_another_version_says_which_is_expected(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{"schema_version": 0, "session_id": "x"}', encoding="utf-8")
    with pytest.raises(ConfigError, match="schema_version: found 0, this Parley reads version 1"):
        load_transcript(path)
