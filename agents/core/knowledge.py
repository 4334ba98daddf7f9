"""What a delegation can know: a persona's claims filtered to a scenario's knowledge date.

Personas are written as of late 2003 but sit in earlier scenarios too. A delegation is never
told a claim dated after its scenario's ``as_of``. The rule, in one place (``known_from``):

- an essay paragraph (``¶3``) is known from ``ESSAY_DATE``, 30 April 2003, the essay's date;
- a dated fact ``2003-01-10: ...`` is known from that day;
- a month-only date ``2003-07: ...`` from the last day of that month;
- a year-only date ``1998: ...`` from the last day of that year.

A claim is known at ``as_of`` when it is known from that day or earlier. Month and year dates
count from their end, so a claim is never shown before everything it might refer to happened.
"""

from __future__ import annotations

import calendar
from datetime import date

from agents.core.personas import Claim, Persona

ESSAY_DATE = date(2003, 4, 30)


def known_from(claim: Claim) -> date:
    """The first day on which ``claim`` is known (see the module's rule)."""
    if claim.essay_paragraph is not None:
        return ESSAY_DATE
    parts = [int(part) for part in claim.source.split(":", 1)[0].split("-")]
    if len(parts) == 3:
        return date(parts[0], parts[1], parts[2])
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(parts[0], 12, 31)


def known_at(claim: Claim, as_of: date | str) -> bool:
    """Whether a delegation living on ``as_of`` (a date or ``YYYY-MM-DD``) can know ``claim``."""
    day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
    return known_from(claim) <= day


def persona_as_of(persona: Persona, as_of: date | str) -> tuple[Persona, list[Claim]]:
    """``persona`` with only the claims known at ``as_of``, and the claims left out.

    The returned persona is not re-validated: a list may be left empty (an opening position
    with no claim known yet), which the caller must refuse (see ``Catalog.cast``).
    """
    dropped: list[Claim] = []

    def keep(claims: list[Claim]) -> list[Claim]:
        kept: list[Claim] = []
        for claim in claims:
            (kept if known_at(claim, as_of) else dropped).append(claim)
        return kept

    def keep_keyed(claims: dict[str, Claim]) -> dict[str, Claim]:
        kept: dict[str, Claim] = {}
        for key, claim in claims.items():
            if known_at(claim, as_of):
                kept[key] = claim
            else:
                dropped.append(claim)
        return kept

    filtered = persona.model_copy(
        update={
            "interests": keep(persona.interests),
            "red_lines": keep(persona.red_lines),
            "opening_position": keep(persona.opening_position),
            "priorities": keep_keyed(persona.priorities),
            "relationships": keep_keyed(persona.relationships),
            "private_instructions": keep(persona.private_instructions),
        }
    )
    return filtered, dropped


def empty_fields(persona: Persona) -> list[str]:
    """The required claim lists left empty by filtering (``opening_position``, ``interests``)."""
    return [field for field in ("interests", "opening_position") if not getattr(persona, field)]
