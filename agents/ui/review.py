"""The review inside the web app: the summary and charts of ``parley review`` as Chainlit elements.

``review_view`` decides what to show (Markdown, named figures, the HTML report to download)
without Chainlit, so it is unit-tested; ``show_review`` only turns that into ``cl.Plotly``
and ``cl.File`` elements on one message. The review itself comes from ``agents.review``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import chainlit as cl
import plotly.graph_objects as go

from agents.core.catalog import Catalog
from agents.core.ids import is_safe_id
from agents.core.loading import ConfigError
from agents.llm.factory import ModelPool
from agents.review.build import review_transcript
from agents.review.charts import review_figures
from agents.review.report_html import review_html
from agents.review.schema import Review
from agents.sessions.transcript import load_transcript

REVIEW_ACTION = "review"
CHART_TITLES = {
    "timeline": "Timeline",
    "speaking": "Speaking share",
    "moves": "Moves",
    "votes": "Votes",
    "tokens": "Tokens",
    "scores": "Scores",
}


@dataclass
class ReviewView:
    """What the page shows for a review: one message's Markdown, its charts, and the report file."""

    content: str
    charts: list[tuple[str, go.Figure]] = field(default_factory=list)
    report_name: str = ""
    report_html: str = ""


def review_payload(session_id: str) -> dict[str, str]:
    """The payload of the *Review* button for a finished session."""
    return {"session_id": session_id}


def transcript_for(out: Path, payload: dict, own_session: str | None) -> Path:
    """The transcript a *Review* button names; ConfigError unless it is ``own_session``'s, inside ``out``.

    The payload comes back from the browser, so it is not trusted: a conversation reviews
    only the session it ran (``own_session``), which Chainlit ties to the logged-in user.
    """
    session_id = str(payload.get("session_id", ""))
    path = out / f"{session_id}.json"
    if not is_safe_id(session_id):
        raise ConfigError(path, ["session_id: not a session id"])
    if session_id != own_session:
        raise ConfigError(path, ["session_id: not the session of this conversation"])
    if not path.is_file():
        raise ConfigError(path, ["file not found: the transcript is no longer in the output folder"])
    return path


def _scores_lines(review: Review) -> list[str]:
    grounding = {g.delegation: g for g in review.grounding}
    headings = ["Delegation", "Turns", "Words", "Interests", "Red lines crossed", "Consistency", "Grounded", "Recited"]
    lines = ["| " + " | ".join(headings) + " |", "|---" * len(headings) + "|"]
    for row in review.speaking.rows:
        score = review.scores.of(row.delegation) if review.scores else None
        ground = grounding.get(row.delegation)
        cells = [
            review.name(row.delegation),
            str(row.turns),
            str(row.words),
            f"{score.interests_score}/10" if score else "-",
            ", ".join(f"#{n}" for n in score.red_lines_crossed) or "none" if score else "-",
            f"{score.consistency_score}/10" if score else "-",
            f"{ground.grounded}/{ground.statements} ({ground.decided_by})" if ground else "-",
            str(ground.recited) if ground else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def record_markdown(review: Review) -> list[str]:
    """The review against the record of the real meeting, when the scenario has one: points, verdict, departures."""
    record = review.record
    if record is None:
        return []
    lines = [
        f"### Against the record: {record.title}",
        "",
        f"**Verdict: {record.verdict}** ({'in' if record.in_band else 'outside'} the historical band). "
        f"{record.matched} of {len(record.points)} points of the real chair's summary reached "
        f"(decided by the {record.how}).",
        "",
        "| Point of the real summary | Reached | Where |",
        "|---|---|---|",
        *(f"| {p.text} | {'yes' if p.matched else 'no'} | {p.where or '-'} |" for p in record.points),
        "",
    ]
    found = [d for departures in record.departures.values() for d in departures]
    lines.append(f"Departures from the documented line ({record.departures_how}): {len(found) or 'none'}.")
    for d in found:
        at = f"clause {d.clause}" + (f" at turn {d.turn}" if d.turn is not None else "")
        held = "held" if d.kind == "objected" else "refused"
        lines.append(f"- {review.name(d.delegation)} {d.kind} {at}; at the real round it {held}: {d.recorded}")
    return [*lines, ""]


def news_markdown(review: Review) -> list[str]:
    """The news the chair read, as far as this viewer heard it (the review is the viewer's view)."""
    if not review.news:
        return []
    lines = ["### News read by the chair", "", "| Turn | Dated | To | News |", "|---|---|---|---|"]
    for item in review.news:
        text = item.text.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {item.turn} | {item.dated or '-'} | {review.to_whom(item)} | {text} |")
    return [*lines, ""]


def summary_markdown(review: Review) -> str:
    """The review's headline numbers and per-delegation table, as Markdown."""
    outcome = review.outcome
    verdict = "Consensus" if outcome.consensus else "No consensus" if outcome.voted else "No vote taken"
    costs = review.costs
    cost = f"${costs.total_cost:.4f}" + (" plus unpriced seats" if costs.unpriced else "")
    leaks = f"**{len(review.leaks)} verbatim leak(s)** of private instructions" if review.leaks else "no verbatim leaks"
    if review.scores:
        said = len(review.scores.paraphrased_leaks)
        leaks += f", **{said} paraphrased (judge)**" if said else ", none paraphrased (judge)"
    judge = f"Scores by the judge {review.scores.judge}." if review.scores else f"{review.no_scores or 'No judge'}."
    lines = [
        f"## Review: {verdict}",
        "",
        f"{len(outcome.numbers('agreed'))} clauses agreed, {len(outcome.numbers('rejected'))} rejected, "
        f"{len(outcome.numbers('undecided'))} undecided (no answer from some delegations), "
        f"{len(outcome.dropped)} dropped ({outcome.rule.replace('_', '-')} rule). "
        f"{len(review.turns)} delegate turns; the chair's Gini of turns is {review.speaking.gini:.2f} (0 is even).",
        f"Tokens: {costs.total.input_tokens} in ({costs.total.cached_input_tokens} from the prompt cache), "
        f"{costs.total.output_tokens} out; estimated cost {cost}; {leaks}.",
        "",
        *_scores_lines(review),
        "",
        *news_markdown(review),
        *record_markdown(review),
        f"{judge} The full report, with the draft's evolution and every vote's reason, is attached.",
    ]
    return "\n".join(lines)


def review_view(review: Review) -> ReviewView:
    """Everything the page shows for ``review``."""
    charts = [(CHART_TITLES.get(name, name), figure) for name, figure in review_figures(review).items()]
    return ReviewView(
        content=summary_markdown(review),
        charts=charts,
        report_name=f"{review.session_id}-review.html",
        report_html=review_html(review),
    )


async def show_review(
    out: Path,
    payload: dict,
    own_session: str | None,
    pool: ModelPool,
    catalog: Catalog,
    author: str,
    viewer: str,
    judge: str | None = None,
) -> None:
    """Review the transcript the button names (if it is ``own_session``'s) and post the summary, charts and report.

    The review is of the session as ``viewer`` (the person's seat) saw it, scored by ``judge``
    (``parley ui --judge``; by default the session's model, which a local or scripted session
    may not use: its review then says so and has no scores).
    """
    try:
        transcript = load_transcript(transcript_for(out, payload, own_session))
    except ConfigError as error:
        await cl.Message(author=author, content=f"The review is not available: {error}").send()
        return
    await cl.Message(author=author, content="*Reviewing the session: the judge scores each delegation...*").send()
    view = review_view(await review_transcript(transcript, pool, judge, catalog=catalog, viewer=viewer))
    elements: list = [cl.Plotly(name=t, figure=figure, display="inline", size="large") for t, figure in view.charts]
    elements.append(
        cl.File(name=view.report_name, content=view.report_html.encode(), mime="text/html", display="inline")
    )
    await cl.Message(author=author, content=view.content, elements=elements).send()
