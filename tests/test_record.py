"""The record of the first Beijing round, and sessions measured against it: review, batch, compare.

The record is data for the review only: it loads strictly, its points are matched by a judge
or by the documented lexical matcher (and the report says which), and no delegate or chair
prompt of a session ever holds a sentence of it.
"""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from agents.batch.interval import wilson_interval
from agents.cli import app
from agents.core.catalog import Catalog
from agents.core.draft import Draft
from agents.core.loading import ConfigError
from agents.core.outcome import ClauseOutcome, Outcome, SummaryPoint
from agents.core.record import find_record, load_record, record_path
from agents.core.record_match import (
    FULL_ACCORD,
    IN_BAND,
    LEXICAL,
    NO_COMMON_GROUND,
    band_verdict,
    candidates,
    lexical_points,
    matches,
    stems,
    table_words,
)
from agents.core.text import all_ngrams, words
from agents.review.build import compute_review, session_personas
from agents.review.record_judge import with_judged_record
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript, load_transcript
from agents.testing import FunctionChatModel
from tests.script import parley

SCENARIO = "six-party-2003"
PARTIES = ["usa", "dprk", "rok", "prc", "japan", "russia"]
RUN = 8  # words: a run this long of a record sentence in a prompt would be the record leaking


@pytest.fixture(scope="module")
def record():
    return find_record(SCENARIO)


@pytest.fixture(scope="module")
def sessions(tmp_path_factory) -> list[Path]:
    """Two scripted six-party sessions (seeds 1 and 3), as transcript files."""
    out = tmp_path_factory.mktemp("record")
    paths = []
    for seed in (1, 3):
        transcript = asyncio.run(run_session(RunSettings(scenario=SCENARIO, model="scripted", seed=seed, out=out)))
        paths.append(out / f"{transcript.session_id}.json")
    return paths


def test_the_shipped_record_holds_the_round_with_a_dated_source_on_every_item(record):
    assert record.scenario == SCENARIO and list(record.delegations) == PARTIES
    assert [p.id for p in record.points] == ["dialogue", "denuclearisation", "sequencing", "no-escalation", "continue"]
    assert all(p.source.startswith("2003-08-29: chairman's summary") for p in record.points)
    assert "not a text the six had agreed" in record.summary_note
    assert record.delegations["usa"].head.startswith("James Kelly")
    assert any("four stages" in item.text for item in record.delegations["dprk"].holds)
    assert any(item.source.startswith("2003-08-30") and "useless" in item.text for item in record.aftermath)


def _write(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(record_path(SCENARIO).read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "records" / f"{SCENARIO}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["points"][1].update(source="Xinhua, 29 August"), "points[1].source: source must be a day"),
        (lambda d: d["points"][2].update(id="dialogue"), "points[2].id: duplicate id 'dialogue'"),
        (lambda d: d["delegations"]["usa"].pop("holds"), "delegations.usa.holds: Field required"),
        (lambda d: d.update(verdict="band"), "verdict: Extra inputs are not permitted"),
        (lambda d: d["aftermath"][0].update(source="2003-02-30: KCNA report"), "'2003-02-30' is not a calendar date"),
    ],
)
def test_a_malformed_record_is_refused_naming_the_file_and_the_field(tmp_path, change, field):
    path = _write(tmp_path, change)
    with pytest.raises(ConfigError) as caught:
        load_record(path)
    assert str(path) in str(caught.value) and field in str(caught.value)


def test_parley_validate_checks_a_record_and_its_name(tmp_path):
    assert parley("validate", record_path(SCENARIO)).returncode == 0
    bad = _write(tmp_path, lambda d: d.update(scenario="bilateral"))
    result = parley("validate", bad)
    assert result.returncode == 1 and "scenario: 'bilateral' must match the file name" in result.stderr


def test_the_lexical_matcher_stems_lightly_and_needs_half_the_content_words(record):
    assert stems("resolved, resolve") == {"resolv"} and stems("parties") == stems("party")
    assert stems("denuclearisation") == stems("denuclearization") and stems("nuclear-free") == {"nuclear", "free"}
    dialogue = record.points[0].text
    skip = table_words(record)
    assert matches(dialogue, "The nuclear question should be settled by peaceful dialogue.", skip)
    assert not matches(dialogue, "The parties will discuss economic and energy cooperation.", skip)
    # "DPRK" and "issue" name the subject of the talks: left out, they cannot make a match.
    refusal = record.delegations["japan"].rejects[0].text
    assert matches(refusal, "The DPRK issue will be resolved.")
    assert not matches(refusal, "The DPRK issue will be resolved.", skip)


def crafted(texts: list[str], statuses: list[str], summary: list[SummaryPoint] | None = None):
    """A draft of ``texts`` and an outcome giving each clause its status (consensus when all agreed)."""
    draft = Draft()
    for text in texts:
        draft = draft.add(text, "usa", 1, "proposed")
    clauses = [ClauseOutcome(clause=n, status=s, accept=list(PARTIES)) for n, s in enumerate(statuses, 1)]
    consensus = all(s == "agreed" for s in statuses)
    return draft, Outcome(consensus=consensus, rule="no_objection", clauses=clauses, chair_summary=summary or [])


def test_points_match_agreed_clauses_and_the_chairs_common_ground_only(record):
    talks = "The six will continue their talks and set the next round through diplomatic channels."
    escalation = "Every party will avoid words and actions that escalate the situation."
    draft, outcome = crafted([talks, escalation], ["agreed", "rejected"])
    found = {m.point_id: m for m in lexical_points(record, candidates(outcome, draft))}
    assert found["continue"].matched and found["continue"].where == "clause 1"
    assert not found["no-escalation"].matched  # rejected: not common ground
    said = SummaryPoint(
        kind="common_ground", text="All sides agreed to avoid escalating the situation by words or actions."
    )
    draft, outcome = crafted([talks], ["rejected"], [said])
    found = {m.point_id: m for m in lexical_points(record, candidates(outcome, draft))}
    assert found["no-escalation"].matched and found["no-escalation"].where == "the chair's summary"
    assert not found["continue"].matched


def test_the_chairs_starting_draft_matches_no_point_of_the_real_summary(record):
    scenario = Catalog().cast(SCENARIO).scenario
    tabled = [item.chair_clause for item in scenario.agenda if item.chair_clause]
    draft, outcome = crafted(tabled, ["agreed"] * len(tabled))
    assert not any(m.matched for m in lexical_points(record, candidates(outcome, draft)))


def test_the_verdict_names_the_three_outcomes():
    assert band_verdict(consensus=True, matched=0) == FULL_ACCORD == "full accord"
    assert band_verdict(consensus=False, matched=2) == IN_BAND == "partial common ground, no full accord"
    assert band_verdict(consensus=False, matched=0) == NO_COMMON_GROUND == "no common ground"


def _reviewed_with(path: Path, texts: list[str], statuses: list[str]):
    transcript = load_transcript(path)
    draft, outcome = crafted(texts, statuses)
    changed = transcript.model_copy(update={"draft": draft, "outcome": outcome})
    return compute_review(changed, session_personas(changed)).record


@pytest.mark.parametrize(
    ("statuses", "verdict", "in_band"),
    [
        (["agreed", "agreed"], "full accord", False),
        (["agreed", "rejected"], "partial common ground, no full accord", True),
        (["rejected", "agreed"], "no common ground", False),
    ],
)
def test_the_review_places_consensus_partial_and_empty_sessions(sessions, statuses, verdict, in_band):
    texts = ["The nuclear question is to be settled peacefully, through dialogue.", "The parties met in Beijing."]
    section = _reviewed_with(sessions[0], texts, statuses)
    assert section.verdict == verdict and section.in_band is in_band
    assert section.matched == (1 if statuses[0] == "agreed" else 0)


def test_a_departure_names_the_delegation_and_the_clause(sessions):
    texts = ["The United States will sign a non-aggression treaty with the DPRK."]
    transcript = load_transcript(sessions[0])
    draft, outcome = crafted(texts, ["agreed"])
    changed = transcript.model_copy(update={"draft": draft, "outcome": outcome})
    section = compute_review(changed, {}).record
    usa = section.departures["usa"]  # it proposed the clause (turn 1) and voted for it
    assert [(d.kind, d.clause, d.turn, d.how) for d in usa] == [
        ("accepted", 1, None, LEXICAL),
        ("proposed", 1, 1, LEXICAL),
    ]
    assert usa[0].recorded == "A non-aggression treaty with the DPRK." and usa[0].source.startswith("2003-08-29")
    assert section.departures["dprk"] == []  # it held the treaty: accepting it is its own line


def test_review_json_has_the_record_section_labelled_by_what_decided(sessions):
    lexical = json.loads(parley("review", sessions[0], "--json", "--judge", "none").stdout)["record"]
    assert lexical["how"] == "lexical matcher" and len(lexical["points"]) == 5
    assert {p["how"] for p in lexical["points"]} == {"lexical matcher"}
    assert {"text", "source", "matched", "how"} <= set(lexical["points"][0])
    assert set(lexical["departures"]) == set(PARTIES)
    assert lexical["verdict"] in ("full accord", "partial common ground, no full accord", "no common ground")
    judged = json.loads(parley("review", sessions[0], "--json", "--judge", "scripted").stdout)["record"]
    assert judged["how"].startswith("judge: scripted") and all(p["how"] == judged["how"] for p in judged["points"])
    shown = parley("review", sessions[0], "--judge", "none").stdout
    assert "Against the record (lexical matcher)" in shown and "Verdict:" in shown


def _judge(answer) -> FunctionChatModel:
    return FunctionChatModel(reply=lambda messages, tool: answer, model_name="fn")


def test_the_judge_decides_the_points_it_answers_and_a_failing_judge_leaves_the_lexical_matcher(sessions):
    transcript = load_transcript(sessions[0])
    review = compute_review(transcript, {})
    says = {"points": [{"point": "continue", "matched": True, "where": "clause 4", "reason": "same in substance"}]}
    judged = asyncio.run(with_judged_record(review, transcript, _judge(says), "fn")).record
    by_id = {p.id: p for p in judged.points}
    assert by_id["continue"].matched and by_id["continue"].how == "judge: fn" and judged.how == "judge: fn"
    assert by_id["dialogue"].how == LEXICAL  # not answered: the lexical matcher's decision stands, labelled
    failed = asyncio.run(with_judged_record(review, transcript, _judge("not json"), "fn")).record
    assert failed.how == LEXICAL and {p.how for p in failed.points} == {LEXICAL}


def test_the_judge_decides_departures_in_substance_and_its_answers_are_checked(sessions):
    """A paraphrase the lexical matcher misses is the judge's to find; an act or line it invents is dropped."""
    paraphrase = ["The United States will bind itself by treaty never to attack the North."]
    transcript = load_transcript(sessions[0])
    draft, outcome = crafted(paraphrase, ["agreed"])
    changed = transcript.model_copy(update={"draft": draft, "outcome": outcome})
    review = compute_review(changed, {})
    assert review.record.departures["usa"] == []  # the words differ: the lexical matcher sees nothing

    def judge(messages, tool):
        prompt = messages[-1].content
        if tool != "DepartureJudgement":
            return {"points": []}
        if "United States" not in prompt.splitlines()[0]:
            return "not json"  # every other delegation: the judge fails, the lexical decision stands
        assert "- [refused 2] It refused: A non-aggression treaty with the DPRK." in prompt
        assert "- [accepted clause 1] " + paraphrase[0] in prompt
        return {
            "departures": [
                {"act": "[accepted clause 1]", "line": "refused 2", "reason": "a treaty in other words"},
                {"act": "accepted clause 1", "line": "held 1", "reason": "wrong kind: accepting what it held"},
                {"act": "objected clause 1", "line": "held 1", "reason": "it never objected"},
            ]
        }

    judged = asyncio.run(with_judged_record(review, changed, _judge_by(judge), "fn")).record
    usa = judged.departures["usa"]
    assert [(d.kind, d.clause, d.recorded, d.how, d.reason) for d in usa] == [
        ("accepted", 1, "A non-aggression treaty with the DPRK.", "judge: fn", "a treaty in other words")
    ]
    assert judged.departures["dprk"] == review.record.departures["dprk"]
    assert {d.how for seat in ("dprk", "rok") for d in judged.departures[seat]} <= {LEXICAL}
    assert judged.departures_how == "judge: fn" and review.record.departures_how == LEXICAL


def _judge_by(reply) -> FunctionChatModel:
    return FunctionChatModel(reply=reply, model_name="fn")


def test_compare_shows_both_sessions_against_the_record(sessions):
    result = parley("compare", *sessions, "--json", "--judge", "none")
    comparison = json.loads(result.stdout)
    section = next(s for s in comparison["sections"] if s["title"] == "Against the record")
    rows = {row["label"]: row for row in section["rows"]}
    assert rows["verdict"]["a"] == comparison["a"]["record"]["verdict"]
    assert rows["verdict"]["b"] == comparison["b"]["record"]["verdict"]
    matched = [sum(p["matched"] for p in comparison[side]["record"]["points"]) for side in ("a", "b")]
    assert rows["record points matched"]["a"].startswith(f"{matched[0]}/5")
    assert rows["record points matched"]["b"].startswith(f"{matched[1]}/5")
    assert {f"point: {pid}" for pid in ("dialogue", "continue")} <= set(rows)


def test_a_batch_reports_the_band_rate_and_each_points_rate_with_intervals(tmp_path):
    args = ["batch", "--scenario", SCENARIO, "-n", "3", "--concurrency", "2", "--model", "scripted"]
    result = CliRunner().invoke(app, [*args, "--seed-base", "1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "aggregate.csv").open()))
    answered = [row for row in rows if row["answered"] == "True"]
    assert {"record_verdict", "in_band", "points_matched"} <= set(rows[0])
    band = sum(row["in_band"] == "True" for row in answered)
    low, high = wilson_interval(band, len(answered))
    line = f"{band}/{len(answered)} = {band / len(answered):.1%} (95% Wilson interval {low:.1%} to {high:.1%})"
    output = " ".join(result.output.split())
    assert "Historical band (partial common ground, no full accord; " in output and line in output
    reached = sum("dialogue" in row["points_matched"].split() for row in answered)
    assert f"record point 'dialogue' reached: {reached}/{len(answered)}" in output
    assert line in (tmp_path / "summary.html").read_text()


def _record_runs(record) -> set[tuple[str, ...]]:
    return all_ngrams(record.texts(), RUN)


def test_no_delegate_or_chair_prompt_holds_the_record(sessions, record):
    runs = _record_runs(record)
    sentences = [" ".join(words(text)) for text in record.texts()]
    for path in sessions:
        transcript: Transcript = load_transcript(path)
        assert transcript.recording
        for call in transcript.recording:
            prompt = " ".join(message.content for message in call.request)
            said = " ".join(words(prompt))
            assert not any(sentence in said for sentence in sentences), call.kind
            assert not runs & all_ngrams([prompt], RUN), (call.kind, sorted(runs & all_ngrams([prompt], RUN))[:2])
