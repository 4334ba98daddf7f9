"""Two reviews side by side: outcome, clause texts, votes, speaking share and scores, with what differs marked.

Rows pair the two sessions' values as display strings and say whether they differ, so the
terminal and the HTML renderings only have to highlight. Delegations and clauses are
matched by id and number; one missing from a session shows as ``-``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from agents.core.verdict import VOTE_LEGEND, VOTE_MARKS
from agents.review.evolution import word_diff
from agents.review.schema import ClauseResult, DiffPiece, Review

MISSING = "-"


class Row(BaseModel):
    """One compared value: its label, its display in A and in B, and whether they differ."""

    label: str
    a: str
    b: str
    differs: bool


class Section(BaseModel):
    """A titled group of compared rows."""

    title: str
    rows: list[Row] = Field(default_factory=list)

    @property
    def differences(self) -> int:
        """How many rows differ."""
        return sum(row.differs for row in self.rows)


class ClausePair(BaseModel):
    """A clause number in both sessions: each final text and status, and B's wording against A's."""

    number: int
    a_text: str | None = None
    b_text: str | None = None
    a_status: str = MISSING
    b_status: str = MISSING
    diff: list[DiffPiece] = Field(default_factory=list)
    differs: bool = False


class Comparison(BaseModel):
    """Everything ``parley compare`` reports; ``a`` and ``b`` are the two full reviews."""

    a: Review
    b: Review
    sections: list[Section] = Field(default_factory=list)
    clauses: list[ClausePair] = Field(default_factory=list)

    @property
    def differences(self) -> int:
        """How many rows and clauses differ."""
        return sum(section.differences for section in self.sections) + sum(pair.differs for pair in self.clauses)


def _row(label: str, a: object, b: object) -> Row:
    a_text, b_text = str(a), str(b)
    return Row(label=label, a=a_text, b=b_text, differs=a_text != b_text)


def _verdict(review: Review) -> str:
    if not review.outcome.voted:
        return "no vote taken"
    return "consensus" if review.outcome.consensus else "no consensus"


def outcome_section(a: Review, b: Review) -> Section:
    """Scenario, status, verdict, clause counts, turns, fairness, tokens and cost."""

    def facts(r: Review) -> list[object]:
        cost = f"${r.costs.total_cost:.4f}" + (" + unpriced" if r.costs.unpriced else "")
        return [
            f"{r.scenario_id} ({r.title})",
            r.status,
            _verdict(r),
            r.outcome.rule.replace("_", "-"),
            len(r.outcome.numbers("agreed")),
            len(r.outcome.numbers("rejected")),
            len(r.outcome.numbers("undecided")),
            len(r.outcome.dropped),
            len(r.turns),
            f"{r.speaking.gini:.3f}",
            r.costs.total.total_tokens,
            cost,
        ]

    labels = [
        "scenario",
        "status",
        "verdict",
        "rule",
        "clauses agreed",
        "clauses rejected",
        "clauses undecided",
        "dropped",
        "delegate turns",
        "Gini of turns",
        "tokens",
        "estimated cost",
    ]
    return Section(title="Outcome", rows=[_row(*triple) for triple in zip(labels, facts(a), facts(b), strict=True)])


def _delegations(a: Review, b: Review) -> list[tuple[str, str]]:
    """Delegation ids of both sessions (A's seating order first) with a display name."""
    seen: dict[str, str] = {}
    for seat in [*a.delegations, *b.delegations]:
        seen.setdefault(seat.id, seat.short_name)
    return list(seen.items())


def _votes(review: Review, delegation: str) -> str:
    if not any(seat.id == delegation for seat in review.delegations):
        return MISSING
    marks = []
    for clause in review.outcome.clauses:
        vote = review.vote(delegation, clause.number)
        marks.append(f"{clause.number}{VOTE_MARKS.get(vote.vote, '?') if vote else '?'}")
    return " ".join(marks) or "no vote"


def votes_section(a: Review, b: Review) -> Section:
    """Each delegation's votes, clause by clause."""
    rows = [_row(name, _votes(a, seat), _votes(b, seat)) for seat, name in _delegations(a, b)]
    return Section(title=f"Votes (clause number, {VOTE_LEGEND})", rows=rows)


def _speaking(review: Review, delegation: str) -> str:
    row = next((r for r in review.speaking.rows if r.delegation == delegation), None)
    if row is None:
        return MISSING
    return f"{row.turns} turns ({100 * row.turn_share:.0f}%), {row.words} words ({100 * row.word_share:.0f}%)"


def speaking_section(a: Review, b: Review) -> Section:
    """Each delegation's turns and words."""
    rows = [_row(name, _speaking(a, seat), _speaking(b, seat)) for seat, name in _delegations(a, b)]
    return Section(title="Speaking share", rows=rows)


def _score(review: Review, delegation: str) -> str:
    if not any(seat.id == delegation for seat in review.delegations):
        return MISSING
    score = review.scores.of(delegation) if review.scores else None
    ground = next((g for g in review.grounding if g.delegation == delegation), None)
    leaks = sum(1 for leak in review.leaks if leak.speaker == delegation)
    parts = [
        f"interests {score.interests_score}/10" if score else "not scored",
        f"consistency {score.consistency_score}/10" if score else "",
        f"red lines crossed {', '.join(f'#{n}' for n in score.red_lines_crossed) or 'none'}" if score else "",
        f"grounded {ground.grounded}/{ground.statements}" if ground else "",
        f"recited {ground.recited}" if ground else "",
        f"leaks {leaks}",
        f"paraphrased {sum(1 for p in review.scores.paraphrased_leaks if p.speaker == delegation)}"
        if review.scores
        else "",
    ]
    return ", ".join(part for part in parts if part)


def scores_section(a: Review, b: Review) -> Section:
    """The judge, then each delegation's scores, grounding, recitals and leaks (verbatim, paraphrased)."""
    rows = [_row("judge", _judge(a), _judge(b))]
    rows += [_row(name, _score(a, seat), _score(b, seat)) for seat, name in _delegations(a, b)]
    return Section(title="Scores", rows=rows)


def _judge(review: Review) -> str:
    """The judge that scored the session, or why none did."""
    return review.scores.judge if review.scores else review.no_scores or "no judge scores"


def clause_pairs(a: Review, b: Review) -> list[ClausePair]:
    """Every clause number of either session, its final text in each, and B's text diffed against A's."""
    a_clauses: dict[int, ClauseResult] = {c.number: c for c in a.outcome.clauses}
    b_clauses: dict[int, ClauseResult] = {c.number: c for c in b.outcome.clauses}
    pairs = []
    for number in sorted(a_clauses.keys() | b_clauses.keys()):
        left, right = a_clauses.get(number), b_clauses.get(number)
        pair = ClausePair(
            number=number,
            a_text=left.text if left else None,
            b_text=right.text if right else None,
            a_status=left.status if left else MISSING,
            b_status=right.status if right else MISSING,
        )
        pair.diff = word_diff(pair.a_text or "", pair.b_text or "")
        pair.differs = (pair.a_text, pair.a_status) != (pair.b_text, pair.b_status)
        pairs.append(pair)
    return pairs


def _record_facts(review: Review, ids: list[str]) -> list[str]:
    record = review.record
    if record is None:
        return [MISSING] * (len(ids) + 3)
    points = {point.id: point for point in record.points}
    cells = [MISSING if p is None else f"yes ({p.where})" if p.matched else "no" for p in map(points.get, ids)]
    departed = sum(len(found) for found in record.departures.values())
    return [record.verdict, f"{record.matched}/{len(record.points)} ({record.how})", str(departed), *cells]


def record_section(a: Review, b: Review) -> Section:
    """Both sessions against the record: verdict, points matched, departures, then each point."""
    ids = list(dict.fromkeys(p.id for r in (a.record, b.record) if r for p in r.points))
    labels = ["verdict", "record points matched", "departures", *(f"point: {i}" for i in ids)]
    rows = [_row(*triple) for triple in zip(labels, _record_facts(a, ids), _record_facts(b, ids), strict=True)]
    return Section(title="Against the record", rows=rows)


def compare_reviews(a: Review, b: Review) -> Comparison:
    """Compare two reviewed sessions."""
    sections = [outcome_section(a, b), votes_section(a, b), speaking_section(a, b), scores_section(a, b)]
    if a.record or b.record:
        sections.append(record_section(a, b))
    return Comparison(a=a, b=b, sections=sections, clauses=clause_pairs(a, b))
