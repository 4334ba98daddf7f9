"""``agents.review``: the report of a session, its numbers checked against counts made here from the raw JSON."""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from agents.core.text import content_words, sentences, words
from agents.llm.factory import ModelPool
from agents.review.build import add_scores, compute_review, review_transcript, session_personas
from agents.review.compare import compare_reviews
from agents.review.evolution import word_diff
from agents.review.metrics import gini
from agents.review.report_html import comparison_html, review_html
from agents.review.terminal import print_comparison, print_review
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from agents.testing import FunctionChatModel, ScriptedChatModel

# Seeds picked so that between them the sessions have objections, dropped proposals and a consensus.
SEEDS = {"six-party-2003": 1, "four-party": 2, "vladivostok": 3, "bilateral": 3}
REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)
WORD = re.compile(r"\w+(?:['’-]\w+)*")


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory) -> dict[str, Path]:
    """One scripted transcript per shipped scenario."""
    out = tmp_path_factory.mktemp("review")
    paths = {}
    for scenario, seed in SEEDS.items():
        transcript = asyncio.run(run_session(RunSettings(scenario=scenario, model="scripted", seed=seed, out=out)))
        paths[scenario] = out / f"{transcript.session_id}.json"
    return paths


def reviewed(path: Path, judge: str | None = "scripted"):
    transcript = load_transcript(path)
    with ModelPool() as pool:
        return asyncio.run(review_transcript(transcript, pool, judge))


def independent_counts(raw: dict) -> dict:
    """Counts made straight from the JSON, without any of the review's code."""
    seats = [d["id"] for d in raw["delegations"]]
    spoken = [e for e in raw["events"] if e["type"] == "message" and e["speaker"] in seats]
    proposals = {(e["speaker"], e["turn"]) for e in spoken if (e.get("move") or {}).get("kind") == "proposal"}
    updates = [e for e in raw["events"] if e["type"] == "draft_updated"]
    added = {(e["speaker"], e["turn"]) for e in updates if "proposed" in e["change"]}
    return {
        "turns": Counter(e["speaker"] for e in spoken),
        "words": Counter({s: sum(len(WORD.findall(e["text"])) for e in spoken if e["speaker"] == s) for s in seats}),
        "moves": Counter((e["speaker"], (e.get("move") or {}).get("kind", "statement")) for e in spoken),
        "agreed": sum(c["agreed"] for c in raw["outcome"]["clauses"]),
        "rejected": sum(not c["agreed"] and not c["no_answer"] for c in raw["outcome"]["clauses"]),
        "dropped": len(proposals - added) + len(raw["draft"].get("withdrawn", [])),
        "versions": {c["number"]: len(c["history"]) for c in raw["draft"]["clauses"]},
        "votes": {(p, v["clause"]): v["vote"] for p, votes in raw["outcome"]["votes"].items() for v in votes},
        "input_tokens": sum((e.get("usage") or {}).get("input_tokens", 0) for e in raw["events"]),
        "phases": sum(e["type"] == "phase_started" for e in raw["events"]),
    }


def gini_by_ranks(values: list[int]) -> float:
    """The Gini coefficient by the rank formula (the review uses mean absolute differences)."""
    ordered, n = sorted(values), len(values)
    return 2 * sum((i + 1) * x for i, x in enumerate(ordered)) / (n * sum(ordered)) - (n + 1) / n


@pytest.mark.parametrize("scenario", list(SEEDS))
def test_the_report_renders_for_every_shipped_scenario(transcripts, scenario):
    review = reviewed(transcripts[scenario])
    html = review_html(review)
    assert html.startswith("<!doctype html>") and review.title in html
    for section in ("outcome", "timeline", "speaking", "moves", "draft", "votes", "costs", "scores"):
        assert f'<section id="{section}">' in html
    for chart in ("timeline", "speaking", "moves", "votes", "tokens", "scores"):
        assert f'id="chart-{chart}"' in html
    for seat in review.delegations:
        assert seat.short_name in html
    console = Console(record=True, width=160)
    print_review(review, console)
    printed = console.export_text()
    assert "Gini of turns" in printed and "Votes" in printed and review.session_id in printed


@pytest.mark.parametrize("scenario", list(SEEDS))
def test_the_numbers_match_counts_made_from_the_raw_json(transcripts, scenario):
    raw = json.loads(transcripts[scenario].read_text())
    expected = independent_counts(raw)
    review = reviewed(transcripts[scenario], judge="none")
    assert {r.delegation: r.turns for r in review.speaking.rows} == {s: expected["turns"][s] for s in expected["words"]}
    assert {r.delegation: r.words for r in review.speaking.rows} == dict(expected["words"])
    assert review.speaking.gini == pytest.approx(gini_by_ranks([r.turns for r in review.speaking.rows]))
    counted = Counter({(row.delegation, kind): n for row in review.moves for kind, n in row.counts.items() if n})
    assert counted == expected["moves"]
    assert len(review.outcome.numbers("agreed")) == expected["agreed"]
    assert len(review.outcome.numbers("rejected")) == expected["rejected"]
    assert len(review.outcome.dropped) == expected["dropped"]
    assert {h.number: len(h.versions) for h in review.clauses} == expected["versions"]
    assert {(v.delegation, v.clause): v.vote for v in review.votes} == expected["votes"]
    assert review.costs.total.input_tokens == expected["input_tokens"]
    assert len(review.phases) == expected["phases"]
    assert len(review.turns) == sum(expected["turns"].values())


def test_the_sessions_cover_what_the_report_must_show(transcripts):
    """Guard for the test above: between them the sessions object, drop and agree, so the counts are not all zero."""
    reviews = [reviewed(path, judge="none") for path in transcripts.values()]
    assert any(r.outcome.numbers("rejected") for r in reviews)
    assert any(r.outcome.dropped for r in reviews)
    assert any(r.outcome.consensus for r in reviews)
    assert any(len(h.versions) > 1 for r in reviews for h in r.clauses)


def test_the_html_report_loads_nothing_from_the_network(transcripts):
    html = review_html(reviewed(transcripts["six-party-2003"]))
    assert not REMOTE.findall(html)
    assert "@import" not in html and "url(http" not in html
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js itself is inline


def test_the_remote_reference_check_would_catch_a_cdn_script():
    assert REMOTE.findall('<script src="https://cdn.plot.ly/plotly-2.min.js"></script>')
    assert REMOTE.findall("<link rel=stylesheet href='//fonts.example/x.css'>")


def test_scores_from_the_scripted_judge_are_deterministic(transcripts):
    first = reviewed(transcripts["six-party-2003"]).scores
    second = reviewed(transcripts["six-party-2003"]).scores
    assert first is not None and first.model_dump() == second.model_dump()
    assert all(e.score is not None for e in first.evaluations)
    assert "scripted" in first.judge


def test_no_judge_leaves_scores_out_but_keeps_grounding_and_leakage(transcripts):
    review = reviewed(transcripts["vladivostok"], judge="none")
    assert review.scores is None
    assert [g.delegation for g in review.grounding] == [s.id for s in review.delegations]
    assert "no judge scores: --judge none" in review_html(review)
    assert review.no_scores == "no judge scores: --judge none"


def _majority_transcript(path: Path, tmp_path: Path) -> Path:
    """The transcript rewritten so that Russia objected to clause 1 with a red-line reason, and it passed anyway."""
    raw = json.loads(path.read_text())
    raw["outcome"]["rule"] = "majority"
    clause = raw["outcome"]["clauses"][0]
    clause["status"] = "agreed"
    parties = [d["id"] for d in raw["delegations"]]
    clause["accept"], clause["object"], clause["abstain"] = [p for p in parties if p != "russia"], ["russia"], []
    reason = "It conflicts with our view that russia will not again be left outside a settlement of the Korea question."
    for party, votes in raw["outcome"]["votes"].items():  # the ballots agree with the rewritten count
        for vote in votes:
            if vote["clause"] != clause["clause"]:
                continue
            if party == "russia":
                vote.update(vote="object", reason=reason)
            else:
                vote.update(vote="accept")
    changed = tmp_path / path.name
    changed.write_text(json.dumps(raw))
    return changed


def test_the_scripted_judge_finds_a_crossed_red_line_when_an_objected_clause_passes(transcripts, tmp_path):
    review = reviewed(_majority_transcript(transcripts["six-party-2003"], tmp_path))
    russia = next(e for e in review.scores.evaluations if e.delegation == "russia")
    assert len(russia.red_lines) == 1 and "left outside a settlement" in russia.red_lines[0].text
    red_lines = [
        claim.text for claim in session_personas(load_transcript(transcripts["six-party-2003"]))["russia"].red_lines
    ]
    assert russia.score.red_lines_crossed == [red_lines.index(russia.red_lines[0].text) + 1]
    assert all(not review.scores.of(s.id).red_lines_crossed for s in review.delegations if s.id != "russia")


async def test_a_judge_that_answers_nonsense_leaves_delegations_unscored_and_the_report_renders(transcripts):
    transcript = load_transcript(transcripts["bilateral"])
    personas = session_personas(transcript)
    nonsense = FunctionChatModel(reply=lambda messages, tool: "this is not JSON")
    review = await add_scores(compute_review(transcript, personas), transcript, personas, nonsense, "nonsense")
    assert all(e.score is None and "no valid answer" in e.error for e in review.scores.evaluations)
    assert "not scored" in review_html(review)


async def test_the_judge_never_sees_private_instructions(transcripts):
    transcript = load_transcript(transcripts["six-party-2003"])
    personas = session_personas(transcript)
    judge = ScriptedChatModel()
    await add_scores(compute_review(transcript, personas), transcript, personas, judge, "scripted")
    # The scoring prompts; the paraphrase check's prompts show each delegation its own instructions.
    scoring = [call for call in judge.calls if "Delegation judged:" in str(call[-1].content)]
    prompts = "\n".join(str(m.content) for call in scoring for m in call)
    assert len(scoring) == len(transcript.delegations)
    for persona in personas.values():
        assert persona.interests[0].text in prompts
        assert all(claim.text not in prompts for claim in persona.private_instructions)


def _with_message(path: Path, tmp_path: Path, speaker: str, text: str, kind: str = "statement") -> Path:
    raw = json.loads(path.read_text())
    turn = max(e["turn"] for e in raw["events"]) + 1
    move = {"kind": kind, "text": text, "clause": None, "clause_text": None, "request_floor": False}
    message = {"type": "message", "phase": "closing", "turn": turn, "speaker": speaker, "text": text, "move": move}
    raw["events"].insert(len(raw["events"]) - 1, message)
    changed = tmp_path / path.name
    changed.write_text(json.dumps(raw))
    return changed


def test_leakage_names_who_repeated_whose_private_instruction(transcripts, tmp_path, catalog):
    assert reviewed(transcripts["six-party-2003"], judge="none").leaks == []
    secret = catalog.personas["russia"].private_instructions[0].text
    leaked = _with_message(transcripts["six-party-2003"], tmp_path, "usa", f"We hear that {secret}")
    leaks = reviewed(leaked, judge="none").leaks
    assert leaks and {(leak.speaker, leak.owner, leak.own) for leak in leaks} == {("usa", "russia", False)}


def test_a_delegation_repeating_its_public_brief_is_not_a_leak(transcripts, tmp_path, catalog):
    public = catalog.personas["russia"].interests[0].text
    repeated = _with_message(transcripts["six-party-2003"], tmp_path, "russia", public)
    assert reviewed(repeated, judge="none").leaks == []


def test_grounding_counts_statements_that_carry_a_sourced_claim_and_recital_those_that_copy_it(
    transcripts, tmp_path, catalog
):
    before = {g.delegation: g for g in reviewed(transcripts["six-party-2003"], judge="none").grounding}["russia"]
    claim = next(c for c in catalog.personas["russia"].interests if c.essay_paragraph)
    copied = _with_message(transcripts["six-party-2003"], tmp_path, "russia", claim.text)
    after = {g.delegation: g for g in reviewed(copied, judge="none").grounding}["russia"]
    assert (after.statements, after.grounded, after.recited) == (
        before.statements + 1,
        before.grounded,
        before.recited + 1,
    )
    sentence = max(sentences(claim.text), key=lambda s: len(content_words(s)))
    ordered = [w for w in dict.fromkeys(words(sentence)) if w in content_words(sentence)]
    reworded = "As we see it: " + ", ".join(reversed(ordered[: (len(ordered) + 1) // 2])) + "."
    grounded = _with_message(transcripts["six-party-2003"], tmp_path, "russia", reworded)
    after = {g.delegation: g for g in reviewed(grounded, judge="none").grounding}["russia"]
    assert (after.statements, after.grounded, after.recited) == (
        before.statements + 1,
        before.grounded + 1,
        before.recited,
    )
    assert after.sources[claim.source] == before.sources.get(claim.source, 0) + 1
    padded = _with_message(transcripts["six-party-2003"], tmp_path, "russia", "We thank the chair for the coffee.")
    unchanged = {g.delegation: g for g in reviewed(padded, judge="none").grounding}["russia"]
    assert (unchanged.statements, unchanged.grounded) == (before.statements + 1, before.grounded)


def test_a_proposal_the_chair_could_not_add_counts_as_dropped(transcripts, tmp_path):
    before = len(reviewed(transcripts["bilateral"], judge="none").outcome.dropped)
    proposed = _with_message(transcripts["bilateral"], tmp_path, "usa", "The parties agree to meet.", "proposal")
    dropped = reviewed(proposed, judge="none").outcome.dropped
    not_added = [d for d in dropped if d.why.startswith("not added")]
    assert len(dropped) == before + 1 and not_added[-1].by == "usa" and "full" in not_added[-1].why


def test_an_interrupted_session_has_no_vote_and_every_clause_is_dropped(transcripts, tmp_path):
    raw = json.loads(transcripts["six-party-2003"].read_text())
    cut = next(i for i, e in enumerate(raw["events"]) if e["type"] == "phase_started" and e["phase"] == "consensus")
    raw.update(events=raw["events"][:cut], outcome=None, draft=None, status="interrupted")
    path = tmp_path / "interrupted.json"
    path.write_text(json.dumps(raw))
    review = reviewed(path, judge="none")
    assert not review.outcome.voted and review.votes == []
    assert review.clauses and all(h.status == "not voted" for h in review.clauses)
    unvoted = [d for d in review.outcome.dropped if d.why.startswith("never put to the vote")]
    assert len(unvoted) == len(review.clauses)
    assert "no vote taken" in review_html(review)


def test_word_diff_keeps_removes_and_adds_in_reading_order():
    pieces = word_diff("The parties seek peace now, in good faith.", "The parties seek lasting peace, in good faith.")
    assert [(p.op, p.text) for p in pieces] == [
        ("same", "The parties seek"),
        ("removed", "peace now,"),
        ("added", "lasting peace,"),
        ("same", "in good faith."),
    ]
    assert [p.op for p in word_diff("", "New clause.")] == ["added"]


def test_gini_is_zero_for_an_even_floor_and_grows_as_one_delegation_takes_it():
    assert gini([3, 3, 3, 3]) == 0 and gini([]) == 0 and gini([0, 0]) == 0
    assert gini([12, 0, 0, 0]) == pytest.approx(0.75)
    assert gini([4, 3, 3, 2]) < gini([6, 3, 2, 1])


def test_compare_highlights_what_differs_and_nothing_when_a_session_meets_itself(transcripts):
    a, b = reviewed(transcripts["six-party-2003"]), reviewed(transcripts["vladivostok"])
    comparison = compare_reviews(a, b)
    rows = {row.label: row for section in comparison.sections for row in section.rows}
    assert rows["scenario"].differs and rows["Russia"].differs
    assert comparison.differences > 0
    html = comparison_html(comparison)
    assert '<tr class="differs">' in html and not REMOTE.findall(html)
    console = Console(record=True, width=160)
    print_comparison(comparison, console)
    assert "≠" in console.export_text()
    same = compare_reviews(a, a)
    assert same.differences == 0 and '<tr class="differs">' not in comparison_html(same)


def test_the_chairs_summary_is_in_the_review_the_html_report_and_the_terminal(transcripts):
    from markupsafe import escape

    raw = json.loads(transcripts["six-party-2003"].read_text())
    review = reviewed(transcripts["six-party-2003"], judge="none")
    points = raw["outcome"]["chair_summary"]
    assert points and [point.model_dump() for point in review.outcome.chair_summary] == points
    html = review_html(review)
    assert "<h3>The chair's summary</h3>" in html
    for point in review.outcome.chair_summary:
        assert str(escape(point.text)) in html
    console = Console(record=True, width=200)
    print_review(review, console)
    printed = console.export_text()
    assert "The chair's summary" in printed and "common ground" in printed
    assert {point["kind"] for point in points} <= {"common_ground", "difference"}  # no other kind of point
