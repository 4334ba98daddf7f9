"""Persona sources say what they are cited for, and no persona knows what happened after the opening day.

The first six-party round opened in Beijing on 27 August 2003. A persona is the brief a delegation
(or the chair) carries into that room, so no claim may rest on a later date, and the chair must not
be handed the round's actual closing summary of 29 August in advance.
"""

from __future__ import annotations

import re

import pytest

from agents.core.personas import Persona

OPENING_DAY = (2003, 8, 27)
DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?:")
LATER_YEAR = re.compile(r"\b(200[4-9]|20[1-9]\d)\b")
LATER_ROUNDS = re.compile(r"\b(second|third|fourth|fifth|sixth) round\b|joint statement of|september 2005", re.I)
SUMMARY = re.compile(r"\bchair(?:man)?'s summary\b", re.I)
MEET_AGAIN = re.compile(r"\bmeet again\b|\bnext round\b", re.I)
SEQUENCING = re.compile(r"\bparallel\b|\bsimultaneous|\bsynchronous|\bstep[- ]by[- ]step\b", re.I)
NO_ESCALATION = re.compile(r"escalat", re.I)
BILATERAL_FIRST = re.compile(
    r"(struck|settled?|sorted out|resolved|worked out) between (the United States|Washington) and "
    r"(the DPRK|Pyongyang|North Korea)|between themselves",
    re.I,
)


def latest_day(source: str) -> tuple[int, int, int] | None:
    """The latest day a dated source can mean: '2003-08' could be 31 August."""
    match = DATE.match(source)
    if not match:
        return None
    year, month, day = match.groups()
    return (int(year), int(month or 12), int(day or 31))


def texts(persona: Persona) -> list[str]:
    return [persona.style, *(claim.text for claim in persona.claims())]


def essay_citations(persona: Persona) -> int:
    return sum(claim.essay_paragraph is not None for claim in persona.claims())


def test_no_claim_rests_on_a_date_after_the_opening_day(catalog):
    late = [
        f"{pid}: {claim.source}"
        for pid, persona in catalog.personas.items()
        for claim in persona.claims()
        if (day := latest_day(claim.source)) and day > OPENING_DAY
    ]
    assert not late


def test_no_persona_describes_later_years_or_later_rounds(catalog):
    for pid, persona in catalog.personas.items():
        for claim in persona.claims():
            for text in (claim.text, claim.source):
                assert not LATER_YEAR.search(text), f"{pid}: {text[:60]!r}"
                assert not LATER_ROUNDS.search(text), f"{pid}: {text[:60]!r}"


@pytest.mark.parametrize("persona_id", ["chair-prc", "prc"])
def test_the_chinese_briefs_do_not_hold_the_real_closing_summary(catalog, persona_id):
    for text in texts(catalog.personas[persona_id]):
        assert not SUMMARY.search(text), f"{persona_id}: {text[:60]!r}"
        assert not MEET_AGAIN.search(text), f"{persona_id}: {text[:60]!r}"
        both = SEQUENCING.search(text) and NO_ESCALATION.search(text)
        assert not both, f"{persona_id} carries the summary's points together: {text[:60]!r}"


PEACE_BY_DIALOGUE = re.compile(r"\bpeaceful\b.*\bdialogue\b|\bdialogue\b.*\bpeaceful", re.I)
CONTINUE_TALKS = re.compile(r"\bcontinue\b.*\b(talks|process)\b|diplomatic channels", re.I)


@pytest.mark.parametrize("scenario_id", ["six-party-2003"])
def test_the_chairs_starting_draft_does_not_hold_the_real_closing_summary(catalog, scenario_id):
    """The clauses the chair tables on the first day are an opening text, not the summary of 29 August."""
    clauses = [item.chair_clause for item in catalog.cast(scenario_id).scenario.agenda if item.chair_clause]
    assert clauses
    for text in clauses:
        for pattern in (SUMMARY, MEET_AGAIN, SEQUENCING, NO_ESCALATION, PEACE_BY_DIALOGUE, CONTINUE_TALKS):
            assert not pattern.search(text), f"{scenario_id}: {text!r}"
        assert not (re.search(r"nuclear", text) and re.search(r"security concerns", text)), text


def test_no_persona_expects_a_chair_summary(catalog):
    for pid, persona in catalog.personas.items():
        assert not any(SUMMARY.search(text) for text in texts(persona)), pid


def test_russia_opens_with_the_multilateral_bargain_not_the_old_bilateral_line(catalog):
    russia = catalog.personas["russia"]
    for claim in russia.opening_position:
        assert not BILATERAL_FIRST.search(claim.text), claim.text
    assert any(c.source == "¶3" and re.search(r"six-party|multilateral", c.text) for c in russia.opening_position)
    assert any(c.source == "¶5" for c in russia.opening_position)


def test_russia_cites_the_paragraphs_that_say_it(catalog):
    russia = catalog.personas["russia"]
    strike = [c for c in russia.red_lines if re.search(r"military strike|attack", c.text, re.I)]
    assert strike and all(c.source == "¶1" for c in strike)
    sanctions = [c for c in russia.red_lines if re.search(r"sanction", c.text, re.I)]
    assert sanctions and all(c.source == "¶4" for c in sanctions)
    needed = [c for c in russia.claims() if re.search(r"need(s)? Moscow|Moscow useful|useful to", c.text)]
    assert needed and all(c.source == "¶2" for c in needed)
    fallback = [c for c in russia.private_instructions if c.text.startswith("Fallback")]
    assert fallback and all(c.source != "¶2" for c in fallback)
    assert any(c.source.startswith("2003-01-") and "Losyukov" in c.text for c in russia.claims())


def test_usa_hears_the_regional_states_and_knows_how_others_see_its_guarantees(catalog):
    usa = catalog.personas["usa"]
    assert any(c.source == "¶5" for c in usa.claims())
    assert any(c.source == "¶4" and re.search(r"guarantee|assurance", c.text) for c in usa.claims())
    assert usa.priorities["multilateral"].source != "¶3" or "constrain" not in usa.priorities["multilateral"].text
    assert usa.relationships["russia"].source == "¶3"


@pytest.mark.parametrize("persona_id", ["rok", "japan", "prc", "dprk"])
def test_the_essay_is_cited_where_it_speaks_of_a_party(catalog, persona_id):
    assert essay_citations(catalog.personas[persona_id]) >= 4


def test_prc_chairmanship_is_not_pinned_on_the_essay(catalog):
    multilateral = catalog.personas["prc"].priorities["multilateral"]
    assert not (multilateral.source == "¶2" and "chair" in multilateral.text.lower())


def test_chair_russia_cites_paragraph_one_for_the_putin_kim_access(catalog):
    assert catalog.personas["chair-russia"].relationships["dprk"].source == "¶1"


def test_the_record_before_the_round_is_in_the_right_hands(catalog):
    usa, dprk, japan = (catalog.personas[p] for p in ("usa", "dprk", "japan"))
    for persona in (usa, dprk):
        assert any(c.source.startswith("2003-04-24") and "Li Gun" in c.text for c in persona.claims())
    plan = [c for c in dprk.claims() if re.search(r"four[- ]stage", c.text, re.I)]
    assert plan and all(re.search(r"\b(will|intends|plans?|propose)\b", c.text) for c in plan)
    assert any("abduct" in c.text and "margins" in c.text for c in japan.private_instructions)
    others = [pid for pid, p in catalog.personas.items() if pid != "dprk"]
    assert not any(re.search(r"four[- ]stage", t, re.I) for pid in others for t in texts(catalog.personas[pid]))
