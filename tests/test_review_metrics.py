"""Review metrics that mean something: grounded vs recited, paraphrased leaks, red lines by index, no self-judging."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from agents.core.personas import Claim
from agents.core.text import content_words, sentences, words
from agents.llm.factory import ModelPool
from agents.review.build import add_scores, compute_review, judge_choice, review_transcript, session_personas
from agents.review.grounding import delegation_grounding
from agents.review.recital import in_order_share, why_recited
from agents.review.report_html import review_html
from agents.review.schema import DelegationScore, Evaluation
from agents.review.scores import checked_red_lines
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from agents.testing import FunctionChatModel
from agents.ui.review import summary_markdown
from tests.script import one_line, parley

SCORE = {"interests_score": 5, "consistency_score": 5, "summary": "A fair showing."}
TURN_LINE = re.compile(r"^- Turn (\d+) \([^)]*\): (.*)$", re.MULTILINE)


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Path:
    """A scripted six-party session (its delegations recite their briefs, as the scripted model does)."""
    out = tmp_path_factory.mktemp("metrics")
    transcript = asyncio.run(run_session(RunSettings(scenario="six-party-2003", model="scripted", seed=1, out=out)))
    return out / f"{transcript.session_id}.json"


def with_messages(path: Path, folder: Path, said: list[tuple[str, str]]) -> tuple[Path, list[int]]:
    """The transcript with public statements added before its last event, and their turns."""
    raw = json.loads(path.read_text())
    turn = max(e["turn"] for e in raw["events"])
    turns = []
    for speaker, text in said:
        turn += 1
        move = {"kind": "statement", "text": text, "clause": None, "clause_text": None, "request_floor": False}
        message = {"type": "message", "phase": "closing", "turn": turn, "speaker": speaker, "text": text, "move": move}
        raw["events"].insert(len(raw["events"]) - 1, message)
        turns.append(turn)
    changed = folder / f"changed-{len(list(folder.iterdir()))}.json"
    changed.write_text(json.dumps(raw))
    return changed, turns


def grounding_of(path: Path, delegation: str, personas=None):
    transcript = load_transcript(path)
    personas = personas or session_personas(transcript)
    return delegation_grounding(transcript, delegation, personas[delegation])


def reworded(text: str) -> str:
    """Half the content words of ``text``'s longest sentence, in reverse order: its substance, not its wording."""
    sentence = max(sentences(text), key=lambda s: len(content_words(s)))
    ordered = [w for w in dict.fromkeys(words(sentence)) if w in content_words(sentence)]
    return "As we see it: " + ", ".join(reversed(ordered[: (len(ordered) + 1) // 2])) + "."


# Recited vs grounded


def test_recital_is_most_of_a_sentence_in_order_or_a_long_verbatim_run():
    sentence = "Russia will not again be left outside a settlement of the Korea question."
    assert in_order_share(sentence, sentence) == 1.0
    assert why_recited(sentence, "We say that Russia will not be left outside any settlement of the Korea question.")
    assert "verbatim run" in why_recited(sentence, "Plainly: Russia will not again be left outside a settlement, no.")
    shuffled = "On the Korea question, any settlement that leaves Russia outside will fail."
    assert why_recited(sentence, shuffled) is None  # the substance, in other order and words
    assert why_recited("Talks must go on.", "Talks must go on.") is None  # too short to count as copying


def test_a_parroting_delegation_scores_recited_not_more_grounded(session, catalog, tmp_path):
    russia = catalog.personas["russia"]
    before = grounding_of(session, "russia")
    parroted = [("russia", claim.text) for claim in russia.interests[:3]]
    copied, _ = with_messages(session, tmp_path, parroted)
    after = grounding_of(copied, "russia")
    assert after.statements == before.statements + 3
    assert after.recited == before.recited + 3
    assert (after.grounded, after.lexical) == (before.grounded, before.lexical)
    assert {r.claim.split()[0] for r in after.recitals[-3:]} == {c.text.split()[0] for c in russia.interests[:3]}
    own_words = [("russia", reworded(claim.text)) for claim in russia.interests[:3]]
    argued, _ = with_messages(session, tmp_path, own_words)
    assert grounding_of(argued, "russia").lexical == before.lexical + 3
    assert grounding_of(argued, "russia").recited == before.recited


def test_a_party_with_only_dated_claims_is_not_structurally_zero(session, catalog, tmp_path):
    dated = "2003-02-25: Roh Moo-hyun inaugurated"

    def redate(claim: Claim) -> Claim:
        return claim.model_copy(update={"source": dated})

    rok = catalog.personas["rok"]
    only_dated = rok.model_copy(
        update={
            section: [redate(c) for c in getattr(rok, section)]
            for section in ("interests", "red_lines", "opening_position", "private_instructions")
        }
        | {
            section: {k: redate(c) for k, c in getattr(rok, section).items()}
            for section in ("priorities", "relationships")
        }
    )
    assert all(claim.essay_paragraph is None for claim in only_dated.claims())
    said, _ = with_messages(session, tmp_path, [("rok", reworded(only_dated.interests[0].text))])
    transcript = load_transcript(said)
    personas = {**session_personas(transcript), "rok": only_dated}
    grounding = delegation_grounding(transcript, "rok", only_dated)
    assert grounding.lexical >= 1 and grounding.grounded == grounding.lexical
    assert grounding.sources.get("2003-02-25", 0) >= 1 and grounding.decided_by.startswith("lexical")
    assert compute_review(transcript, personas).grounding[2].delegation == "rok"


# Paraphrased leakage


def paraphrase_judge(owner: str, paraphrase: str, extra: list[dict]) -> FunctionChatModel:
    """A judge scoring everyone 5 that flags ``paraphrase`` (where the prompt shows it) as ``owner``'s instruction 1."""

    def reply(messages, tool):
        prompt = str(messages[-1].content)
        if tool == "DelegationScore":
            return SCORE
        if f"[{owner}]" not in prompt:
            return {"revealed": []}
        turns = [int(turn) for turn, text in TURN_LINE.findall(prompt) if paraphrase in text]
        return {"revealed": [{"instruction": 1, "turn": t, "evidence": paraphrase} for t in turns] + extra}

    return FunctionChatModel(reply=reply)


async def test_the_judge_flags_a_paraphrased_private_instruction_and_drops_what_is_not_one(session, catalog, tmp_path):
    paraphrase = (
        "Between us: a written assurance from several capitals, short of a treaty, is something we could live with."
    )
    said, (turn,) = with_messages(session, tmp_path, [("usa", paraphrase)])
    transcript = load_transcript(said)
    personas = session_personas(transcript)
    wrong = [{"instruction": 99, "turn": turn}, {"instruction": 1, "turn": 1_000_000}]
    judge = paraphrase_judge("usa", paraphrase, wrong)
    review = await add_scores(compute_review(transcript, personas), transcript, personas, judge, "function")
    assert review.leaks == []  # no six-word run of the instruction: the verbatim check cannot see it
    (leak,) = review.scores.paraphrased_leaks
    assert (leak.speaker, leak.turn, leak.instruction_number) == ("usa", turn, 1)
    assert leak.instruction.rstrip("…")[:60] == personas["usa"].private_instructions[0].text[:60]
    notes = " ".join(review.scores.leak_notes)
    assert "dropped instruction 99" in notes and "dropped turn 1000000" in notes
    checked = [call for call in judge.calls if "Delegation checked: United States" in str(call[-1].content)]
    assert checked and personas["usa"].private_instructions[0].text in str(checked[0][-1].content)
    html = review_html(review)
    assert "Paraphrased (judge: function)" in html and paraphrase[:40] in html


def test_the_verbatim_check_still_catches_a_copied_instruction(session, catalog, tmp_path):
    secret = catalog.personas["usa"].private_instructions[0].text
    said, (turn,) = with_messages(session, tmp_path, [("usa", f"Frankly: {secret}")])
    transcript = load_transcript(said)
    leaks = compute_review(transcript, session_personas(transcript)).leaks
    assert [(leak.speaker, leak.owner, leak.turn) for leak in leaks] == [("usa", "usa", turn)]


# Red lines by index


def test_red_line_answers_map_to_the_persona_by_number_and_anything_else_is_dropped(catalog):
    russia = catalog.personas["russia"]
    assert len(russia.red_lines) >= 2
    answer = DelegationScore.model_validate({**SCORE, "red_lines_crossed": [2, "1", "two", 0, 99, 1.5, True, 2]})
    evaluation = checked_red_lines(Evaluation(delegation="russia", score=answer), russia)
    assert [(line.number, line.text) for line in evaluation.red_lines] == [
        (2, russia.red_lines[1].text),
        (1, russia.red_lines[0].text),
    ]
    assert evaluation.score.red_lines_crossed == [2, 1]
    notes = " | ".join(evaluation.notes)
    for dropped in ("'two'", "'1.5'", "'True'", "red line 0:", "red line 99:"):
        assert dropped in notes
    schema = DelegationScore.model_json_schema()
    assert schema["properties"]["red_lines_crossed"]["items"] == {"type": "integer"}
    assert "not_numbers" not in schema["properties"]


async def test_the_judge_prompt_numbers_the_red_lines_and_its_numbers_come_back_as_text(session):
    transcript = load_transcript(session)
    personas = session_personas(transcript)

    def reply(messages, tool):
        if tool == "DelegationScore":
            return {**SCORE, "red_lines_crossed": [1, "the second one", 42]}
        return {"revealed": []}

    judge = FunctionChatModel(reply=reply)
    review = await add_scores(compute_review(transcript, personas), transcript, personas, judge, "function")
    prompt = str(judge.calls[0][-1].content)
    first = personas[review.delegations[0].id]
    assert f"- 1. {first.red_lines[0].text}" in prompt
    for evaluation in review.scores.evaluations:
        persona = personas[evaluation.delegation]
        assert [line.text for line in evaluation.red_lines] == [persona.red_lines[0].text]
        assert any("'the second one'" in note for note in evaluation.notes)
        assert any(f"red line 42: the brief has {len(persona.red_lines)}" in note for note in evaluation.notes)


# No self-judging


def test_local_and_scripted_sessions_need_an_explicit_judge(session):
    transcript = load_transcript(session)
    assert judge_choice(transcript, None) == (None, "no judge scores: this session ran on scripted; pass --judge SPEC")
    local = transcript.model_copy(update={"settings": transcript.settings.model_copy(update={"model": "local"})})
    assert judge_choice(local, None) == (None, "no judge scores: this session ran on local; pass --judge SPEC")
    assert judge_choice(local, "scripted") == ("scripted", None)
    remote = transcript.model_copy(
        update={"settings": transcript.settings.model_copy(update={"model": "openai:gpt-4o"})}
    )
    assert judge_choice(remote, None) == ("openai:gpt-4o", None)
    assert judge_choice(transcript, "none") == (None, "no judge scores: --judge none")


def test_the_web_apps_review_names_the_judge_or_says_why_there_is_none(session):
    transcript = load_transcript(session)
    with ModelPool() as pool:
        unjudged = asyncio.run(review_transcript(transcript, pool))
        judged = asyncio.run(review_transcript(transcript, pool, "scripted"))
    assert unjudged.scores is None
    assert "no judge scores: this session ran on scripted; pass --judge SPEC" in summary_markdown(unjudged)
    assert f"Scores by the judge {judged.scores.judge}" in summary_markdown(judged)


def test_parley_review_without_judge_has_no_scores_and_says_why_and_with_one_names_it(session, tmp_path):
    plain = parley("review", session, "--json")
    assert plain.returncode == 0, plain.stderr
    review = json.loads(plain.stdout)
    assert review["scores"] is None
    assert review["no_scores"] == "no judge scores: this session ran on scripted; pass --judge SPEC"
    printed = parley("review", session)
    assert printed.returncode == 0 and "this session ran on scripted; pass --judge SPEC" in one_line(printed.stdout)
    report = tmp_path / "judged.html"
    judged = parley("review", session, "--judge", "scripted", "--html", report)
    assert judged.returncode == 0, judged.stderr
    flowing = one_line(judged.stdout)
    assert "Judge: scripted" in flowing and "Leakage (verbatim)" in flowing and "(paraphrased, judge" in flowing
    assert "Judge: <b>scripted" in report.read_text(encoding="utf-8")
    scored = json.loads(parley("review", session, "--json", "--judge", "scripted").stdout)
    assert scored["scores"]["judge"].startswith("scripted") and scored["no_scores"] is None
    assert all(e["score"] is not None for e in scored["scores"]["evaluations"])
    assert all(g["decided_by"].startswith("judge (scripted") for g in scored["grounding"])
