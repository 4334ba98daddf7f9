"""The review's record section in the terminal: the real chair's points, the verdict, the departures."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agents.core.text import shorten
from agents.review.record_schema import RecordReview
from agents.review.schema import Review


def record_table(record: RecordReview) -> Table:
    """Each point of the real chair's summary: reached or not, where, and what decided."""
    caption = f"Verdict: {record.verdict} ({'in' if record.in_band else 'outside'} the historical band)"
    table = Table(
        title=f"Against the record ({record.how}): {record.title}",
        title_justify="left",
        caption=caption,
        caption_justify="left",
    )
    for heading in ("point", "reached", "where", "decided by", "source"):
        table.add_column(heading, overflow="fold", ratio=1 if heading == "point" else None)
    for point in record.points:
        reached = Text("yes", style="green") if point.matched else Text("no", style="red")
        table.add_row(Text(point.text), reached, point.where or "-", Text(point.how), Text(point.source))
    return table


def departure_lines(review: Review, record: RecordReview) -> list[str]:
    """One line per departure from a delegation's documented line, or one saying there was none."""
    lines = []
    for delegation, found in record.departures.items():
        for d in found:
            at = f"clause {d.clause}" + (f" at turn {d.turn}" if d.turn is not None else "")
            why = "though it carries what it held" if d.kind == "objected" else "though it carries what it refused"
            lines.append(
                f"Departure: {review.name(delegation)} {d.kind} {at}, {why} at the real round: "
                f'"{shorten(d.recorded, 90)}" [{d.source}] ({d.how}{": " + d.reason if d.reason else ""})'
            )
    none = f"Departures: no delegation voted or drafted against its documented line ({record.departures_how})."
    return lines or [none]


def print_record(review: Review, console: Console) -> None:
    """The record section, when the review has one."""
    if review.record is None:
        return
    console.print(record_table(review.record))
    for line in [
        *departure_lines(review, review.record),
        *(f"After the real round: {line}" for line in review.record.aftermath),
    ]:
        console.print(line, markup=False)
