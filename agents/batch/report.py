"""The batch summary as text lines (for the terminal) and as a small self-contained HTML page."""

from __future__ import annotations

from html import escape
from pathlib import Path

from agents.batch.aggregate import BatchSummary, SessionRow
from agents.batch.record import record_lines
from agents.core.output import write_atomically

HTML_FILE = "summary.html"


def summary_lines(summary: BatchSummary) -> list[str]:
    """The headline figures, one per line."""
    low, high = summary.consensus_interval
    return [
        f"Sessions complete: {summary.sessions}; {summary.undecided} undecided (some delegation gave no answer)",
        f"Consensus: {summary.consensus}/{summary.answered} = {summary.consensus_rate:.1%} "
        f"(95% Wilson interval {low:.1%} to {high:.1%})",
        f"  over the {summary.answered} sessions where every delegation answered every clause",
        f"Clauses agreed per session: {summary.mean_clauses_agreed:.2f} of {summary.mean_clauses_total:.2f}",
        f"Turns per session: {summary.mean_turns:.1f}",
        f"Tokens per session: {summary.mean_tokens_in:,.0f} in / {summary.mean_tokens_out:,.0f} out",
        *(record_lines(summary.record) if summary.record else []),
    ]


VOTE_HEADINGS = ["delegation", "accept", "object", "abstain", "no answer"]
SESSION_HEADINGS = [
    "#",
    "seed",
    "session",
    "consensus",
    "clauses agreed",
    "undecided",
    "turns",
    "tokens in",
    "tokens out",
]


def vote_rows(summary: BatchSummary) -> list[tuple[str, int, int, int, int]]:
    """``(delegation, accept, object, abstain, no answer)`` per delegation."""
    return [(party, c["accept"], c["object"], c["abstain"], c["no_answer"]) for party, c in summary.votes.items()]


def session_cells(row: SessionRow) -> tuple:
    """One session's cells under ``SESSION_HEADINGS``; ``undecided``: clauses some delegation gave no answer on."""
    consensus = "yes" if row.consensus else "no" if row.answered else "undecided"
    return (row.index, row.seed, row.session_id, consensus, f"{row.clauses_agreed}/{row.clauses_total}",
            row.clauses_undecided, row.turns, row.tokens_in, row.tokens_out)  # fmt: skip


def _table(headers: list[str], rows: list[tuple]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def summary_html(title: str, summary: BatchSummary, rows: list[SessionRow]) -> str:
    """A page with the headline figures, the vote patterns and one row per session."""
    figures = "".join(f"<li>{escape(line)}</li>" for line in summary_lines(summary))
    votes = _table(VOTE_HEADINGS, vote_rows(summary))
    sessions = _table(SESSION_HEADINGS, [session_cells(row) for row in rows])
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2em .6em}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title><style>{style}</style></head>"
        f"<body><h1>{escape(title)}</h1><ul>{figures}</ul><h2>Votes by delegation</h2>{votes}"
        f"<h2>Sessions</h2>{sessions}</body></html>\n"
    )


def write_html(folder: Path, title: str, summary: BatchSummary, rows: list[SessionRow]) -> Path:
    path = folder / HTML_FILE
    write_atomically(path, summary_html(title, summary, rows))
    return path
