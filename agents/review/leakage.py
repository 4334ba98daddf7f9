"""Leakage: did a delegation say in public what a private instruction (its own or another's) says?

Every delegation's public words (what it said and the clause wordings it tabled) are compared
with every private instruction of the delegations at the table, as runs of six words
(lower-cased, punctuation dropped). A run counts only if no persona says it publicly (in any
interest, red line, opening position, priority, relationship or style), so a delegation
repeating its public brief is not a leak. One shared run is reported as a leak.
"""

from __future__ import annotations

from agents.core.personas import Persona
from agents.core.text import all_ngrams, ngrams, shorten, words
from agents.review.grounding import spoken_text
from agents.review.metrics import delegate_messages
from agents.review.schema import Leak
from agents.sessions.transcript import Transcript

NGRAM = 6


def public_texts(persona: Persona) -> list[str]:
    """Everything a persona states that is not private."""
    private = {claim.text for claim in persona.private_instructions}
    return [claim.text for claim in persona.claims() if claim.text not in private] + [persona.style]


def private_runs(personas: dict[str, Persona]) -> dict[tuple[str, int], set[tuple[str, ...]]]:
    """For every private instruction, keyed by (owner, index), its word runs that no persona says publicly."""
    public = all_ngrams((text for p in personas.values() for text in public_texts(p)), NGRAM)
    return {
        (owner, index): ngrams(words(claim.text), NGRAM) - public
        for owner, persona in personas.items()
        for index, claim in enumerate(persona.private_instructions)
    }


def session_leaks(transcript: Transcript, personas: dict[str, Persona]) -> list[Leak]:
    """Every (statement, private instruction) pair sharing at least one private six-word run."""
    runs = private_runs(personas)
    leaks = []
    for message in delegate_messages(transcript):
        said = ngrams(words(spoken_text(message)), NGRAM)
        for (owner, index), secret in runs.items():
            shared = said & secret
            if shared:
                instruction = personas[owner].private_instructions[index].text
                leaks.append(
                    Leak(
                        speaker=message.speaker or "",
                        owner=owner,
                        own=message.speaker == owner,
                        turn=message.turn,
                        instruction=shorten(instruction, 160),
                        shared_ngrams=len(shared),
                        phrase=" ".join(min(shared)),
                    )
                )
    return leaks
