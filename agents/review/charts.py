"""Plotly figures of a review, shared by the HTML report and the web app (``cl.Plotly``).

Each function takes a ``Review`` and returns a ``go.Figure``; ``review_figures`` lists them
by a stable name. Delegations keep their persona colours, so every chart matches the others.
"""

from __future__ import annotations

import plotly.graph_objects as go

from agents.core.moves import MOVE_KINDS
from agents.core.verdict import VOTE_LEGEND, VOTE_MARKS, VOTE_WORDS
from agents.review.schema import Review

PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d")
PHASE_FILLS = ("#f3f4f7", "#e6e9f0")
KIND_SYMBOLS = {
    "statement": "circle",
    "proposal": "star",
    "amendment": "diamond",
    "withdraw": "triangle-down",
    "support": "triangle-up",
    "objection": "x",
    "question": "square",
    "yield": "circle-open",
}
KIND_COLOURS = {
    "statement": "#9aa5b1",
    "proposal": "#2a9d8f",
    "amendment": "#e9c46a",
    "withdraw": "#8d6a9f",
    "support": "#57a773",
    "objection": "#d1495b",
    "question": "#6c8ebf",
    "yield": "#cfd4da",
}
VOTE_LEVELS = {"object": 0, "no_answer": 1, "abstain": 2, "accept": 3}
RED, AMBER, GREY, GREEN = "#d1495b", "#e9c46a", "#cfd4da", "#57a773"
VOTE_SCALE = [
    [0.0, RED], [0.24, RED], [0.25, AMBER], [0.49, AMBER], [0.5, GREY], [0.74, GREY], [0.75, GREEN], [1.0, GREEN]
]  # fmt: skip


def colours(review: Review) -> dict[str, str]:
    """A colour per delegation: its persona's, else one from the palette."""
    return {seat.id: seat.colour or PALETTE[i % len(PALETTE)] for i, seat in enumerate(review.delegations)}


def _layout(figure: go.Figure, title: str, height: int) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "y": 0.98, "yanchor": "top", "yref": "container", "font": {"size": 15}},
        height=height,
        template="plotly_white",
        margin={"l": 110, "r": 20, "t": 50, "b": 40},
        font={"family": "system-ui, -apple-system, 'Segoe UI', sans-serif", "size": 12},
        legend={"orientation": "h", "y": -0.18},
    )
    return figure


def _phase_label(title: str, agenda_item: str | None) -> str:
    short = title.replace("Discussion of the agenda", "Discussion").replace(" the joint statement", "")
    return f"{short}: {agenda_item}" if agenda_item else short


def _phase_bands(figure: go.Figure, review: Review) -> None:
    """Shaded bands, one per segment of the programme, labelled above the plot."""
    for index, span in enumerate(review.phases):
        start, end = span.first_turn - 0.5, max(span.last_turn, span.first_turn - 1) + 0.5
        figure.add_vrect(x0=start, x1=end, fillcolor=PHASE_FILLS[index % 2], line_width=0, layer="below")
        if end - start < 0.1:  # a phase with no delegate turns (the consensus call): a line
            figure.add_vline(x=start, line_dash="dot", line_color="#9aa5b1")
        figure.add_annotation(
            x=(start + end) / 2,
            y=1.0,
            xref="x",
            yref="paper",
            text=_phase_label(span.title, span.agenda_item),
            showarrow=False,
            textangle=-50,
            xanchor="left",
            yanchor="bottom",
            font={"size": 10, "color": "#52606d"},
        )


def _kind_legend(figure: go.Figure, review: Review) -> None:
    """Legend entries for the marker shapes (the delegations are the rows)."""
    kinds = [kind for kind in MOVE_KINDS if any(turn.kind == kind for turn in review.turns)]
    for kind in kinds:
        marker = {"size": 10, "color": "#616e7c", "symbol": KIND_SYMBOLS.get(kind, "circle")}
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=kind, marker=marker))


def timeline_figure(review: Review) -> go.Figure:
    """Who held the floor at each turn, shaped by move kind, over bands for the phases."""
    figure = go.Figure()
    names, palette = review.names(), colours(review)
    _phase_bands(figure, review)
    for seat in review.delegations:
        turns = [t for t in review.turns if t.speaker == seat.id]
        symbols = [KIND_SYMBOLS.get(t.kind, "circle") for t in turns]
        marker = {"size": 11, "color": palette[seat.id], "symbol": symbols, "line": {"width": 1, "color": "white"}}
        figure.add_trace(
            go.Scatter(
                x=[t.turn for t in turns],
                y=[names[seat.id]] * len(turns),
                mode="markers",
                name=names[seat.id],
                showlegend=False,
                marker=marker,
                customdata=[[t.kind, t.phase, t.floor, t.words, t.text] for t in turns],
                hovertemplate="Turn %{x}: %{y}<br>%{customdata[0]} (%{customdata[1]}, floor: %{customdata[2]}, "
                "%{customdata[3]} words)<br>%{customdata[4]}<extra></extra>",
            )
        )
    _kind_legend(figure, review)
    figure.update_xaxes(title="turn", dtick=5, showgrid=False)
    figure.update_yaxes(categoryorder="array", categoryarray=[names[s.id] for s in reversed(review.delegations)])
    title = "Timeline: who held the floor at each turn, by phase (marker shape: move kind)"
    figure = _layout(figure, title, 330 + 30 * len(review.delegations))
    figure.update_layout(margin={"t": 170}, legend={"y": -0.25})
    return figure


def speaking_figure(review: Review) -> go.Figure:
    """Each delegation's share of turns and of words, side by side."""
    names = [review.name(row.delegation) for row in review.speaking.rows]
    figure = go.Figure()
    for label, values, colour in (
        ("share of turns", [100 * r.turn_share for r in review.speaking.rows], "#4c78a8"),
        ("share of words", [100 * r.word_share for r in review.speaking.rows], "#f58518"),
    ):
        figure.add_trace(
            go.Bar(
                y=names,
                x=values,
                name=label,
                orientation="h",
                marker_color=colour,
                hovertemplate="%{y}: %{x:.1f}%<extra>" + label + "</extra>",
            )
        )
    figure.update_xaxes(title="% of all delegations", ticksuffix="%")
    figure.update_yaxes(autorange="reversed")
    title = f"Speaking share (Gini of turns {review.speaking.gini:.2f}: 0 is perfectly even)"
    return _layout(figure, title, 120 + 48 * len(names))


def moves_figure(review: Review) -> go.Figure:
    """Moves per delegation, stacked by kind."""
    names = [review.name(row.delegation) for row in review.moves]
    figure = go.Figure()
    for kind in MOVE_KINDS:
        counts = [row.counts.get(kind, 0) for row in review.moves]
        if any(counts):
            figure.add_trace(go.Bar(x=names, y=counts, name=kind, marker_color=KIND_COLOURS.get(kind, GREY)))
    figure.update_layout(barmode="stack", legend_traceorder="normal")
    figure.update_yaxes(title="moves")
    return _layout(figure, "Moves per delegation by kind", 380)


def votes_figure(review: Review) -> go.Figure:
    """The vote matrix: delegation by clause, accept, object, abstain or no answer, the reason on hover."""
    clauses = [c.number for c in review.outcome.clauses]
    seats = review.delegations
    cells = [[review.vote(seat.id, number) for number in clauses] for seat in seats]
    figure = go.Figure(
        go.Heatmap(
            z=[[VOTE_LEVELS.get(c.vote if c else "no_answer", 1) for c in row] for row in cells],
            x=[f"Clause {n}" for n in clauses],
            y=[seat.short_name for seat in seats],
            text=[[VOTE_MARKS.get(c.vote if c else "no_answer", "") for c in row] for row in cells],
            customdata=[
                [f"{VOTE_WORDS.get(c.vote, c.vote)}: {c.reason}" if c else "no answer" for c in row] for row in cells
            ],
            texttemplate="%{text}",
            textfont={"size": 16},
            hovertemplate="%{y}, %{x}<br>%{customdata}<extra></extra>",
            colorscale=VOTE_SCALE,
            zmin=0,
            zmax=3,
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    figure.update_yaxes(autorange="reversed")
    return _layout(
        figure,
        f"Votes at the consensus call ({VOTE_LEGEND}; hover for the reason)",
        140 + 40 * len(seats),
    )


def tokens_figure(review: Review) -> go.Figure:
    """Input and output tokens per seat, stacked, with the estimated cost on hover."""
    rows = review.costs.rows
    names = [review.name(row.seat) for row in rows]
    costs = ["unpriced" if row.cost is None else f"${row.cost:.4f}" for row in rows]
    figure = go.Figure()
    for label, values, colour in (
        ("input tokens", [row.usage.input_tokens for row in rows], "#4c78a8"),
        ("output tokens", [row.usage.output_tokens for row in rows], "#f58518"),
    ):
        figure.add_trace(
            go.Bar(
                x=names,
                y=values,
                name=label,
                marker_color=colour,
                customdata=costs,
                hovertemplate="%{x}: %{y} " + label + "<br>cost %{customdata}<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack", legend_traceorder="normal")
    return _layout(figure, "Tokens per seat", 360)


def scores_figure(review: Review) -> go.Figure:
    """The judge's interest and consistency scores per delegation (unscored ones left blank)."""
    scores = review.scores
    seats = review.delegations
    figure = go.Figure()
    for label, field, colour in (
        ("interests served", "interests_score", "#2a9d8f"),
        ("consistency", "consistency_score", "#6c8ebf"),
    ):
        values = [getattr(scores.of(s.id), field) if scores and scores.of(s.id) else None for s in seats]
        labels = ["" if value is None else str(value) for value in values]
        figure.add_trace(
            go.Bar(x=[s.short_name for s in seats], y=values, name=label, marker_color=colour, text=labels)
        )
    figure.update_traces(textposition="outside", cliponaxis=False)
    figure.update_yaxes(range=[0, 10.5], title="score (0-10)")
    judge = scores.judge if scores else "no judge"
    return _layout(figure, f"Scores by the judge ({judge})", 360)


def review_figures(review: Review) -> dict[str, go.Figure]:
    """Every chart of the review by name, in report order (scores only when there are some)."""
    figures = {
        "timeline": timeline_figure(review),
        "speaking": speaking_figure(review),
        "moves": moves_figure(review),
        "votes": votes_figure(review),
        "tokens": tokens_figure(review),
    }
    if review.scores is not None:
        figures["scores"] = scores_figure(review)
    return figures


def _paired_bars(title: str, a: Review, b: Review, value, axis: str) -> go.Figure:
    """One bar per delegation and session, A beside B; ``value(review, id)`` gives a bar or None."""
    seats: dict[str, str] = {}
    for seat in [*a.delegations, *b.delegations]:
        seats.setdefault(seat.id, seat.short_name)
    figure = go.Figure()
    for label, review, colour in ((f"A: {a.session_id}", a, "#4c78a8"), (f"B: {b.session_id}", b, "#f58518")):
        figure.add_trace(
            go.Bar(x=list(seats.values()), y=[value(review, seat) for seat in seats], name=label, marker_color=colour)
        )
    figure.update_yaxes(title=axis)
    return _layout(figure, title, 360)


def _turns(review: Review, seat: str) -> int | None:
    return next((row.turns for row in review.speaking.rows if row.delegation == seat), None)


def _interests(review: Review, seat: str) -> int | None:
    score = review.scores.of(seat) if review.scores else None
    return score.interests_score if score else None


def compare_figures(a: Review, b: Review) -> dict[str, go.Figure]:
    """Charts of two sessions side by side: turns per delegation and, when both were judged, interest scores."""
    figures = {"turns": _paired_bars("Turns per delegation", a, b, _turns, "turns")}
    if a.scores is not None and b.scores is not None:
        figures["interests"] = _paired_bars("Interests served (judge's score)", a, b, _interests, "score (0-10)")
    return figures
