"""The consensus call as the page shows it: sealed ballots, revealed together.

The engine collects every delegation's ballot at once and counts them together; a model's
ballot usually arrives while the person is still voting. Showing it then would let the person
see how others voted before voting, and bury their own questions. So ballots stay sealed
until every delegation's is in, and are then shown in one message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from agents.core.events import VoteCast
from agents.core.verdict import VOTE_WORDS
from agents.ui.draft_panel import short


@dataclass
class BallotBox:
    """Ballots of one consensus call, kept sealed until all ``parties`` have voted."""

    parties: list[str]
    sealed: list[VoteCast] = field(default_factory=list)
    cast: dict[str, VoteCast] = field(default_factory=dict)  # every ballot seen, kept for the outcome

    def drop(self, ballot: VoteCast) -> bool:
        """Seal ``ballot``; True when it was the last one missing (time to reveal)."""
        self.sealed.append(ballot)
        if ballot.speaker is not None:
            self.cast[ballot.speaker] = ballot
        voted = {b.speaker for b in self.sealed}
        return all(party in voted for party in self.parties)

    @property
    def waiting(self) -> bool:
        return bool(self.sealed)

    def open(self) -> list[VoteCast]:
        """The sealed ballots, in seating order; the box is empty afterwards."""
        order = {party: i for i, party in enumerate(self.parties)}
        ballots = sorted(self.sealed, key=lambda b: order.get(b.speaker or "", len(order)))
        self.sealed = []
        return ballots

    def objection_reasons(self) -> dict[int, dict[str, str]]:
        """Clause number -> delegation -> the reason it gave for objecting at the call."""
        reasons: dict[int, dict[str, str]] = {}
        for party, ballot in self.cast.items():
            for vote in ballot.votes:
                if vote.vote == "object" and vote.reason.strip():
                    reasons.setdefault(vote.clause, {})[party] = vote.reason
        return reasons


def reveal_markdown(ballots: list[VoteCast], names: Mapping[str, str]) -> str:
    """All ballots in one message: each delegation's vote per clause, with objections' reasons."""
    lines = ["**The ballots are opened.** Every delegation voted at once; here is each vote:", ""]
    for ballot in ballots:
        marks = []
        for vote in ballot.votes:
            mark = f"clause {vote.clause}: {VOTE_WORDS[vote.vote]}"
            if vote.vote == "object" and vote.reason.strip():
                mark += f" (“{short(vote.reason)}”)"
            marks.append(mark)
        who = names.get(ballot.speaker or "", ballot.speaker or "")
        lines.append(f"- **{who}**: " + ("; ".join(marks) or "no clauses"))
    return "\n".join(lines)
