"""The examples work as ``docs/your-own-scenario.md`` says: through the installed script and the public API.

Run in subprocesses, as a user would (with PYTHONPATH kept, so they import this checkout).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

PARLEY = Path(sys.executable).parent / "parley"
EXAMPLE = ROOT / "examples" / "river-treaty"
SCENARIO = EXAMPLE / "scenarios" / "river-treaty.yaml"
PERSONAS = sorted((EXAMPLE / "personas").glob("*.yaml"))


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)


def test_the_example_holds_a_scenario_two_delegations_and_a_chair():
    assert [path.stem for path in PERSONAS] == ["chair-commission", "lowland", "upland"]
    assert (EXAMPLE / "prompts" / "turn.j2").exists()  # the link to the shipped templates


def test_parley_validate_accepts_every_example_file(tmp_path):
    result = run([str(PARLEY), "validate", *map(str, PERSONAS), str(SCENARIO)], tmp_path, PARLEY_HOME=str(EXAMPLE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok") == len(PERSONAS) + 1


def test_persona_files_validate_without_parley_home(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "PARLEY_HOME"}
    result = subprocess.run(
        [str(PARLEY), "validate", *map(str, PERSONAS)], cwd=tmp_path, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_run_session_script_prints_the_outcome(tmp_path):
    result = run([sys.executable, str(ROOT / "examples" / "run_session.py"), "--out", str(tmp_path)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Outcome: consensus" in result.stdout or "Outcome: no consensus" in result.stdout
    assert "clause 1:" in result.stdout
    transcript = json.loads(next(tmp_path.glob("river-treaty-*.json")).read_text())
    assert transcript["status"] == "complete"
    assert [d["id"] for d in transcript["delegations"]] == ["upland", "lowland"]
    assert set(transcript["settings"]["persona_for"]) == {"upland", "lowland", "chair-commission"}


def test_a_session_of_the_example_can_be_forked_and_replayed_with_its_printer(tmp_path):
    """The printer of ``fork`` and ``replay --no-quiet`` finds the example's personas through the transcript."""
    run([sys.executable, str(ROOT / "examples" / "run_session.py"), "--out", str(tmp_path)], tmp_path)
    transcript = next(tmp_path.glob("river-treaty-*.json"))
    forked = run([str(PARLEY), "fork", str(transcript), "--at", "2", "--out", str(tmp_path / "fork")], tmp_path)
    assert forked.returncode == 0, forked.stdout + forked.stderr
    assert "Upland" in forked.stdout
    replayed = run([str(PARLEY), "replay", str(transcript), "--no-quiet", "--out", str(tmp_path / "replay")], tmp_path)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "Identical to the original" in replayed.stdout


def test_parley_run_finds_the_example_scenario_by_id_under_parley_home(tmp_path):
    args = [str(PARLEY), "run", "--scenario", "river-treaty", "--model", "scripted", "--seed", "1", "--quiet"]
    result = run([*args, "--max-turns", "2", "--out", str(tmp_path)], tmp_path, PARLEY_HOME=str(EXAMPLE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "complete" in result.stdout
