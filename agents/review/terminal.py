"""The review in the terminal: Rich tables, one per section of the report."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agents.core.moves import MOVE_KINDS
from agents.core.plans import plan_lines
from agents.core.text import shorten
from agents.core.verdict import VOTE_LEGEND
from agents.review.compare import Comparison, Row
from agents.review.record_terminal import print_record
from agents.review.schema import ClauseHistory, DiffPiece, Review
from agents.review.terminal_scores import grounding_lines, leak_lines, score_notes, scores_table

STATUS_STYLES = {"agreed": "green", "rejected": "red", "undecided": "bold yellow", "not voted": "yellow"}
VOTE_CELLS = {
    "accept": ("✓", "green"),
    "object": ("✗", "bold red"),
    "abstain": ("–", "dim"),
    "no_answer": ("?", "bold yellow"),
}
DIFF_STYLES = {"same": "", "added": "bold green", "removed": "red strike"}


def header(review: Review) -> Panel:
    """The session, its models and the verdict in a box."""
    verdict = "Consensus" if review.outcome.consensus else "No consensus" if review.outcome.voted else "No vote taken"
    models = sorted({seat.model for seat in review.delegations})
    lines = [
        f"[bold]{review.title}[/]",
        f"{review.venue}, {review.date}. Chair: {review.chair.short_name}.",
        f"Session {review.session_id} ({review.status}). Models: {'; '.join(models)}.",
        f"[bold]{verdict}[/] under the {review.outcome.rule.replace('_', '-')} rule: "
        f"{status_counts(review)}, {len(review.outcome.dropped)} dropped.",
        viewer_line(review),
    ]
    return Panel("\n".join(lines), title="Review", expand=False)


def status_counts(review: Review) -> str:
    """``2 agreed, 1 rejected, 3 undecided``: the undecided count only when there are any."""
    outcome = review.outcome
    text = f"{len(outcome.numbers('agreed'))} agreed, {len(outcome.numbers('rejected'))} rejected"
    undecided = len(outcome.numbers("undecided"))
    return text + (f", {undecided} undecided (no answer from some delegations)" if undecided else "")


def viewer_line(review: Review) -> str:
    """Whose view of the session this is."""
    if review.viewer is None:
        return "Whole-session review: private side meetings and every delegation's private plans included."
    return (
        f"As seen by {review.name(review.viewer)}: private meetings it did not sit in, "
        "and the other delegations' private plans, are left out."
    )


def meetings_table(review: Review) -> Table:
    """Each private side meeting: its members, who asked, and what was said (when this view holds it)."""
    table = Table(title="Private side meetings", title_justify="left")
    for column in ("turn", "members", "asked by", "what was said"):
        table.add_column(column, ratio=1 if column == "what was said" else None)
    for meeting in review.meetings:
        said = "\n".join(f"{review.name(line.speaker)}: {shorten(line.text, 160)}" for line in meeting.said)
        table.add_row(
            str(meeting.turn),
            " + ".join(review.name(m) for m in meeting.members),
            review.name(meeting.requested_by) if meeting.requested_by else "the scenario",
            said or "(not in this view)",
        )
    return table


def news_table(review: Review) -> Table:
    """Each piece of news the chair read, as far as this view heard it."""
    table = Table(title="News read by the chair", title_justify="left")
    for column in ("turn", "dated", "to", "news"):
        table.add_column(column, ratio=1 if column == "news" else None)
    for item in review.news:
        table.add_row(str(item.turn), item.dated or "-", review.to_whom(item), item.text)
    return table


def plans_table(review: Review) -> Table:
    """Each private plan this view holds: whose, for which phase, and what it says."""
    table = Table(title="Private plans", title_justify="left")
    for column in ("turn", "delegation", "for", "plan"):
        table.add_column(column, ratio=1 if column == "plan" else None)
    names = review.names()
    for made in review.plans:
        text = "\n".join(line.removeprefix("- ") for line in plan_lines(made.plan, names))
        # Text, not a markup string: a model's words may hold square brackets.
        table.add_row(str(made.turn), review.name(made.delegation), made.for_phase.replace("_", " "), Text(text))
    return table


def outcome_table(review: Review) -> Table:
    """Each clause of the final draft: status, votes, who proposed and changed it, its text."""
    table = Table(title="Outcome by clause", title_justify="left")
    table.add_column("#")
    table.add_column("status", no_wrap=True)
    table.add_column("✓ ✗ – ?", no_wrap=True)
    table.add_column("proposed; changed by", max_width=20)
    table.add_column("final text", ratio=1)
    histories = {h.number: h for h in review.clauses}
    for clause in review.outcome.clauses:
        changed = histories[clause.number].changed_by if clause.number in histories else []
        by = review.name(clause.proposed_by)
        if changed:
            by += "; " + ", ".join(review.name(seat) for seat in changed)
        table.add_row(
            str(clause.number),
            Text(clause.status, style=STATUS_STYLES[clause.status]),
            f"{len(clause.accept)} {len(clause.object)} {len(clause.abstain)} {len(clause.no_answer)}",
            by,
            shorten(clause.text, 120),
        )
    return table


def summary_table(review: Review) -> Table:
    """The chair's summary: each point of common ground or difference, with the parties behind it."""
    table = Table(title="The chair's summary", title_justify="left")
    for heading in ("point", "what", "parties"):
        table.add_column(heading, overflow="fold", ratio=1 if heading == "what" else None)
    for point in review.outcome.chair_summary:
        common = point.kind == "common_ground"
        kind = Text("common ground", style="green") if common else Text("difference", style="red")
        table.add_row(kind, Text(shorten(point.text, 200)), Text(", ".join(review.name(p) for p in point.parties)))
    return table


def dropped_table(review: Review) -> Table:
    """Wording that never reached the vote, and why."""
    table = Table(title="Dropped: put forward, never voted on", title_justify="left")
    for heading in ("turn", "by", "why", "wording"):
        table.add_column(heading, overflow="fold")
    for dropped in review.outcome.dropped:
        table.add_row(str(dropped.turn), review.name(dropped.by), dropped.why, shorten(dropped.text, 90))
    return table


def timeline_table(review: Review) -> Table:
    """Each phase with its turns and who held the floor, in order."""
    table = Table(title="Timeline: who held the floor, by phase", title_justify="left")
    for heading in ("phase", "item", "turns", "speakers in order"):
        table.add_column(heading, overflow="fold")
    for span in review.phases:
        turns = f"{span.first_turn}-{span.last_turn}" if span.speakers else "-"
        speakers = " → ".join(review.name(s) for s in span.speakers) or "(no delegate turns)"
        table.add_row(span.title, span.agenda_item or "", turns, speakers)
    return table


def speaking_table(review: Review) -> Table:
    """Turns and words per delegation, with the Gini of turns as caption."""
    caption = f"Chair's fairness: Gini of turns {review.speaking.gini:.3f} (0 = everyone spoke equally often)"
    table = Table(title="Speaking share", title_justify="left", caption=caption, caption_justify="left")
    for heading in ("delegation", "turns", "% turns", "words", "% words"):
        table.add_column(heading, justify="left" if heading == "delegation" else "right")
    for row in review.speaking.rows:
        table.add_row(
            review.name(row.delegation),
            str(row.turns),
            f"{100 * row.turn_share:.1f}",
            str(row.words),
            f"{100 * row.word_share:.1f}",
        )
    return table


def moves_table(review: Review) -> Table:
    """Moves per delegation by kind."""
    table = Table(title="Moves per delegation", title_justify="left")
    table.add_column("delegation")
    for kind in MOVE_KINDS:
        table.add_column(kind, justify="right")
    for row in review.moves:
        table.add_row(review.name(row.delegation), *[str(row.counts.get(kind, 0)) for kind in MOVE_KINDS])
    return table


def diff_text(pieces: list[DiffPiece]) -> Text:
    """A word diff as styled text, marked as git marks words: ``[-removed-]`` in red, ``{+added+}`` in green."""
    text = Text()
    for piece in pieces:
        if text:
            text.append(" ")
        marked = {"added": f"{{+{piece.text}+}}", "removed": f"[-{piece.text}-]"}.get(piece.op, piece.text)
        text.append(marked, style=DIFF_STYLES[piece.op])
    return text


def evolution_lines(review: Review, history: ClauseHistory) -> Iterator[RenderableType]:
    """One clause's versions: the first in full, each later one as a word diff."""
    yield Text(f"Clause {history.number} ({history.status})", style=f"bold {STATUS_STYLES[history.status]}")
    for index, version in enumerate(history.versions):
        who = f"  {version.action} by {review.name(version.by)} at turn {version.turn}: "
        body = Text(version.text) if index == 0 else diff_text(version.diff)
        yield Text(who, style="dim") + body


def evolution(review: Review) -> Group:
    """Every clause's evolution."""
    lines: list[RenderableType] = [Text("Draft evolution ([-removed-] {+added+})", style="italic")]
    for history in review.clauses:
        lines += list(evolution_lines(review, history))
    return Group(*lines)


def votes_table(review: Review) -> Table:
    """The vote matrix, delegation by clause."""
    numbers = [clause.number for clause in review.outcome.clauses]
    table = Table(title=f"Votes ({VOTE_LEGEND})", title_justify="left")
    table.add_column("delegation")
    for number in numbers:
        table.add_column(str(number), justify="center")
    for seat in review.delegations:
        cells = []
        for number in numbers:
            vote = review.vote(seat.id, number)
            mark, style = VOTE_CELLS.get(vote.vote if vote else "no_answer", ("?", ""))
            cells.append(Text(mark, style=style))
        table.add_row(seat.short_name, *cells)
    return table


def objection_lines(review: Review) -> list[str]:
    """One line per objection at the consensus call, with its reason."""
    return [
        f"{review.name(v.delegation)} objects to clause {v.clause}: {v.reason or '(no reason)'}"
        for v in review.votes
        if v.vote == "object"
    ]


def costs_table(review: Review) -> Table:
    """Tokens and estimated cost per seat, and the total."""
    costs = review.costs
    note = " (some tokens estimated)" if costs.total.estimated else ""
    table = Table(title="Tokens and estimated cost" + note, title_justify="left")
    numbers = ("input", "of which cached", "output", "cost")
    for heading in ("seat", "model", "input", "of which cached", "output", "price key", "cost"):
        table.add_column(heading, justify="right" if heading in numbers else "left")
    for row in costs.rows:
        cost = "unpriced" if row.cost is None else f"${row.cost:.4f}"
        usage = row.usage
        table.add_row(
            review.name(row.seat),
            shorten(row.model, 40),
            str(usage.input_tokens),
            str(usage.cached_input_tokens),
            str(usage.output_tokens),
            row.price_key or "-",
            cost,
        )
    total = f"${costs.total_cost:.4f}" + (" + unpriced" if costs.unpriced else "")
    used = costs.total
    table.add_row(
        "[bold]total[/]", "", str(used.input_tokens), str(used.cached_input_tokens), str(used.output_tokens), "", total
    )
    return table


def print_review(review: Review, console: Console) -> None:
    """Print every section of the review."""
    console.print(header(review))
    console.print(outcome_table(review))
    if review.outcome.chair_summary:
        console.print(summary_table(review))
    if review.outcome.dropped:
        console.print(dropped_table(review))
    for part in (timeline_table, speaking_table, moves_table, evolution, votes_table):
        console.print(part(review))
    if review.meetings:
        console.print(meetings_table(review))
    if review.plans:
        console.print(plans_table(review))
    if review.news:
        console.print(news_table(review))
    for line in objection_lines(review):
        console.print(line, markup=False)
    console.print(costs_table(review))
    console.print(scores_table(review))
    for line in score_notes(review) + grounding_lines(review) + leak_lines(review):
        console.print(line, markup=False)
    print_record(review, console)


def section_table(title: str, rows: list[Row], a_label: str, b_label: str) -> Table:
    """Compared rows, A beside B; rows that differ are marked ``≠`` and highlighted."""
    table = Table(title=title, title_justify="left")
    for heading in ("", "", a_label, b_label):
        table.add_column(heading, overflow="fold")
    for row in rows:
        style = "bold yellow" if row.differs else ""
        table.add_row("≠" if row.differs else "", row.label, Text(row.a, style=style), Text(row.b, style=style))
    return table


def clauses_table(comparison: Comparison) -> Table:
    """Every clause number with both statuses and B's wording diffed against A's."""
    table = Table(title="Clause texts (B's wording against A's: [-only in A-] {+only in B+})", title_justify="left")
    for heading in ("", "#", "A", "B", "text"):
        table.add_column(heading, overflow="fold")
    for pair in comparison.clauses:
        text = diff_text(pair.diff) if pair.a_text and pair.b_text else Text(pair.a_text or pair.b_text or "")
        mark = Text("≠", style="bold yellow") if pair.differs else ""
        table.add_row(mark, str(pair.number), pair.a_status, pair.b_status, text)
    return table


def print_comparison(comparison: Comparison, console: Console) -> None:
    """Print the two sessions side by side, differences highlighted."""
    a, b = comparison.a, comparison.b
    lines = [f"A: {a.session_id} ({a.scenario_id})", f"B: {b.session_id} ({b.scenario_id})"]
    lines.append(f"{comparison.differences} differences, marked ≠")
    console.print(Panel("\n".join(lines), title="Compare", expand=False))
    for section in comparison.sections:
        console.print(section_table(section.title, section.rows, "A", "B"))
    console.print(clauses_table(comparison))
