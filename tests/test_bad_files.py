"""Malformed personas, scenarios and transcripts are refused with the file and the field named."""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import pytest
import yaml

from agents.batch.manifest import MANIFEST_FILE, load_manifest
from agents.core.catalog import Catalog
from agents.core.loading import ConfigError
from agents.core.personas import load_persona
from agents.sessions.resume import resume_session
from agents.sessions.transcript import load_transcript, new_transcript
from tests.helpers import ROOT
from tests.script import one_line, parley

ESCAPING_ID = "../../../escaped/pwn"


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
        (
            lambda d: d["phases"].insert(3, {"kind": "discussion"}),
            "phases[3].kind",
            "'discussion' is already phases[1]",
        ),
        (lambda d: d.update(id="../six-party"), "id", "is not a valid id"),
        (lambda d: d["parties"].__setitem__(0, "usa/../../x"), "parties[0]", "is not a valid id"),
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
    with pytest.raises(ConfigError, match="schema_version: found 0, this Parley reads versions 1 and 2"):
        load_transcript(path)


# Ids that become file names: refused where the file is read, with the field named.


def transcript_data(catalog: Catalog) -> dict:
    """A valid transcript (a session's header, as written when it starts)."""
    cast = catalog.cast("bilateral")
    labels = {seat: "scripted" for seat in cast.delegations}
    header = new_transcript(cast, "bilateral-20261130-155341-ab12cd", labels, {"scenario": "bilateral"})
    return header.model_dump(mode="json")


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_path_as_session_id_is_refused_naming_the_field_and_the_rule(tmp_path, catalog):
    path = write_json(tmp_path / "t.json", {**transcript_data(catalog), "session_id": ESCAPING_ID})
    with pytest.raises(ConfigError) as caught:
        load_transcript(path)
    message = str(caught.value)
    assert "session_id: " in message and repr(ESCAPING_ID) in message and "^[a-z0-9][a-z0-9-]*$" in message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(parent={"session_id": "../other", "turn": 1}), "parent.session_id"),
        (lambda d: d["scenario"].update(id="/etc/x"), "scenario.id"),
        (lambda d: d["delegations"][0].update(id="usa\n"), "delegations[0].id"),
        (lambda d: d.update(session_id="a" * 129), "session_id"),
    ],
)
def test_every_transcript_id_that_names_a_path_is_checked(tmp_path, catalog, change, field):
    data = transcript_data(catalog)
    change(data)
    with pytest.raises(ConfigError, match=rf"\n  {re.escape(field)}: '.*' is not a valid id"):
        load_transcript(write_json(tmp_path / "t.json", data))


def test_resume_refuses_a_transcript_that_holds_another_session(tmp_path, catalog):
    write_json(tmp_path / "bilateral-other.json", transcript_data(catalog))
    with pytest.raises(ConfigError, match="session_id: the file holds 'bilateral-20261130-155341-ab12cd', not 'bil"):
        asyncio.run(resume_session("bilateral-other", tmp_path, pool=None))  # refused before any model is needed


def test_a_persona_id_that_is_a_path_is_refused(tmp_path):
    data = persona_data()
    data["id"] = "../russia"
    with pytest.raises(ConfigError, match=r"\n  id: '\.\./russia' is not a valid id"):
        load_persona(write(tmp_path, "russia.yaml", data))


def test_a_batch_entry_naming_a_path_is_refused(tmp_path):
    entry = {"index": 0, "seed": 0, "session_id": ESCAPING_ID, "status": "running"}
    manifest = {"version": 1, "config": {"scenario": "bilateral", "model": "scripted"}, "sessions": {"0": entry}}
    write_json(tmp_path / MANIFEST_FILE, manifest)
    with pytest.raises(ConfigError, match=r"sessions\.0\.session_id: '\.\./\.\./\.\./escaped/pwn' is not a valid id"):
        load_manifest(tmp_path)


def test_validate_names_session_id_for_a_planted_transcript(tmp_path, catalog):
    path = write_json(tmp_path / "planted.json", {**transcript_data(catalog), "session_id": ESCAPING_ID})
    result = parley("validate", path)
    assert result.returncode == 1
    assert "session_id: " in result.stderr and "[a-z0-9" in result.stderr  # the rule, not eaten by Rich markup


# Files Parley cannot or must not read: a named refusal, never a traceback.


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def long_number(digits: int = 5000) -> str:
    return "7" * digits


def persona_text() -> str:
    return (ROOT / "personas" / "russia.yaml").read_text(encoding="utf-8")


BAD_FILES = {
    "yaml nested 5,000 deep": ("russia.yaml", f"id: russia\nkind: {nested(5000)}\n", "nested more than 100 levels"),
    "yaml nested 150 deep": ("russia.yaml", f"id: russia\nkind: {nested(150)}\n", "nested more than 100 levels"),
    "json nested 5,000 deep": ("t.json", f'{{"schema_version": 1, "events": {nested(5000)}}}', "nested more than 100"),
    "yaml 5,000-digit number": ("russia.yaml", f"id: russia\nkind: {long_number()}\n", "line 2: a number with more"),
    "json 5,000-digit number": ("t.json", f'{{"schema_version": {long_number()}}}', "a number with more than"),
    "duplicate yaml key": ("russia.yaml", persona_text() + "kind: chair\n", "duplicate key 'kind' (first at line 4)"),
    "duplicate json key": ("t.json", '{"schema_version": 1, "events": [], "events": []}', "duplicate key 'events'"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_named_reason(tmp_path, case):
    name, text, words = BAD_FILES[case]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_transcript(path) if name.endswith(".json") else load_persona(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


def special_file(tmp_path: Path, kind: str) -> Path:
    if kind == "device":
        return Path("/dev/zero")
    if kind == "folder":
        (tmp_path / "folder.yaml").mkdir()
        return tmp_path / "folder.yaml"
    os.mkfifo(tmp_path / "pipe.json")  # opening it to read would wait for a writer forever
    return tmp_path / "pipe.json"


SPECIAL_FILES = {"device": "not a regular file", "folder": "is a folder", "pipe": "not a regular file"}


@pytest.mark.parametrize("kind", list(SPECIAL_FILES))
def test_only_regular_files_are_read(tmp_path, kind):
    path = special_file(tmp_path, kind)
    for load in (load_persona, load_transcript):
        with pytest.raises(ConfigError, match=SPECIAL_FILES[kind]):
            load(path)


def big_persona(folder: Path) -> Path:
    path = folder / "russia.yaml"
    path.write_text(persona_text() + "# padding\n" * 630_000, encoding="utf-8")  # 6.0 MB
    return path


def test_a_6_mb_persona_is_refused_naming_the_limit(tmp_path):
    with pytest.raises(ConfigError, match=r"the file is 6\.\d MB, over the 5 MB limit for personas"):
        load_persona(big_persona(tmp_path))


def test_validate_names_every_bad_file_in_one_run(tmp_path):
    """One ``parley validate`` over every kind of bad file: each named with its reason, exit 1, no traceback."""
    expected: dict[Path, str] = {}
    for number, (name, text, words) in enumerate(BAD_FILES.values()):
        (tmp_path / f"case{number}").mkdir()
        path = tmp_path / f"case{number}" / name
        path.write_text(text, encoding="utf-8")
        expected[path] = words
    for kind, words in SPECIAL_FILES.items():
        expected[special_file(tmp_path, kind)] = words
    expected[big_persona(tmp_path)] = "over the 5 MB limit for personas"
    result = parley("validate", *expected, timeout=60)
    assert result.returncode == 1
    reports = one_line(result.stderr).split("bad ")[1:]
    unreported = [
        f"{path}: {words}"
        for path, words in expected.items()
        if not any(report.startswith(f"{path}: invalid") and words in report for report in reports)
    ]
    assert not unreported, result.stderr


def test_yaml_merge_keys_may_still_be_overridden(tmp_path):
    path = tmp_path / "russia.yaml"
    text = persona_text().replace(
        "head:\n", "base: &head\n  name: Someone Else\n  title: Nobody\nhead:\n  <<: *head\n", 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="base: Extra inputs"):  # the merge itself is accepted
        load_persona(path)
