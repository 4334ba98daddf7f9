"""The review's scores in the terminal: the judge that scored (or why none did), grounding, recital, leaks."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from agents.core.text import shorten
from agents.review.schema import Review


def judge_line(review: Review) -> str:
    """Which judge scored, at what cost; or why no judge did."""
    if review.scores is None:
        return review.no_scores or "no judge scores"
    usage = review.scores.usage
    return f"{shorten(review.scores.judge, 60)}, {usage.input_tokens} tokens in, {usage.output_tokens} out"


def scores_table(review: Review) -> Table:
    """The judge's scores with grounding, recital and both leak counts, per delegation."""
    table = Table(title=f"Scores (judge: {judge_line(review)})", title_justify="left")
    headings = ("delegation", "interests", "red lines crossed", "consistency", "grounded", "recited", "leaks")
    for heading in headings:
        table.add_column(heading, overflow="fold")
    grounding = {g.delegation: g for g in review.grounding}
    paraphrased = review.scores.paraphrased_leaks if review.scores else []
    for seat in review.delegations:
        score = review.scores.of(seat.id) if review.scores else None
        ground = grounding.get(seat.id)
        leaks = sum(1 for leak in review.leaks if leak.speaker == seat.id)
        said_otherwise = sum(1 for leak in paraphrased if leak.speaker == seat.id)
        leak_cell = f"{leaks} verbatim" + (f", {said_otherwise} paraphrased" if review.scores else "")
        table.add_row(
            seat.short_name,
            f"{score.interests_score}/10" if score else "-",
            ", ".join(f"#{n}" for n in score.red_lines_crossed) or "none" if score else "-",
            f"{score.consistency_score}/10" if score else "-",
            f"{ground.grounded}/{ground.statements} ({_decider(ground.decided_by)}; floor {ground.lexical})"
            if ground
            else "-",
            str(ground.recited) if ground else "-",
            Text(leak_cell, style="bold red" if leaks or said_otherwise else ""),
        )
    return table


def _decider(decided_by: str) -> str:
    return "judge" if decided_by.startswith("judge") else "lexical"


def score_notes(review: Review) -> list[str]:
    """The judge's summary per delegation, the red lines it found crossed, or why it gave no score."""
    if review.scores is None:
        return [review.no_scores] if review.no_scores else []
    notes = [f"Judge: {review.scores.judge}"]
    for evaluation in review.scores.evaluations:
        name = review.name(evaluation.delegation)
        if evaluation.score is None:
            notes.append(f"{name}: not scored ({evaluation.error})")
            continue
        score = evaluation.score
        headline = f"interests {score.interests_score}/10, consistency {score.consistency_score}/10"
        notes.append(f"{name}: {score.summary or headline}")
        notes += [f"  red line {line.number} crossed: {shorten(line.text, 110)}" for line in evaluation.red_lines]
        notes += [f"  note: {shorten(note, 140)}" for note in evaluation.notes]
    return notes


def grounding_lines(review: Review) -> list[str]:
    """One line per delegation: grounded (and by what), the lexical floor, recited."""
    return [
        f"Grounding, {review.name(g.delegation)}: {g.grounded} of {g.statements} grounded ({g.decided_by}; "
        f"lexical floor {g.lexical}), {g.recited} recited"
        for g in review.grounding
    ]


def leak_lines(review: Review) -> list[str]:
    """The verbatim leaks and the judge's paraphrased ones, each labelled, or a line saying there was none."""
    if not review.leaks:
        lines = ["Leakage (verbatim): no delegation repeated a private instruction (its own or another's) in public."]
    else:
        lines = [
            f'Leak (verbatim) at turn {leak.turn}: {review.name(leak.speaker)} said "{leak.phrase}" from '
            f"{'its own' if leak.own else review.name(leak.owner) + chr(39) + 's'} private instruction"
            for leak in review.leaks
        ]
    if review.scores is None:
        return [*lines, f"Leakage (paraphrased): not checked ({review.no_scores or 'no judge'})."]
    paraphrased = review.scores.paraphrased_leaks
    if not paraphrased:
        lines.append(f"Leakage (paraphrased, judge {review.scores.judge}): none found.")
    lines += [
        f"Leak (paraphrased, judge) at turn {leak.turn}: {review.name(leak.speaker)} revealed its private "
        f'instruction {leak.instruction_number} ("{shorten(leak.instruction, 80)}"): "{leak.evidence}"'
        for leak in paraphrased
    ]
    return lines + [f"  note: {note}" for note in review.scores.leak_notes]
