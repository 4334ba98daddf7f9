"""Paraphrased leakage: did a delegation reveal one of its private instructions in public, in any words?

The verbatim check (``leakage``) sees only copied six-word runs. This one asks the judge:
it is shown one delegation's private instructions, numbered, and what that delegation said
at the table (``prompts/disclosure.j2``), and answers ``Disclosures`` through
``ask_structured``: the number of each instruction revealed, the turn that revealed it and
the words. An answer naming no instruction of the delegation, or no public statement of
it, is dropped with a note. Only a delegation's own instructions are asked about: another's
private brief is not in its prompts, so it can only repeat it if told, which the verbatim
check sees. The scripted model answers by rule (``agents.llm.scripted.judge``).
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from agents.core.personas import Persona
from agents.core.prompts import render
from agents.core.text import shorten
from agents.core.usage import Usage
from agents.llm.structured import ask_structured
from agents.review.findings import Disclosures, ParaphrasedLeak
from agents.review.grounding import public_statements, spoken_text
from agents.sessions.transcript import Transcript

STATEMENT_CHARS = 300
ERROR_CHARS = 240


def disclosure_messages(transcript: Transcript, persona: Persona) -> list[BaseMessage]:
    """The paraphrase check's prompt for one delegation."""
    said = [
        f"Turn {m.turn} ({m.move.kind if m.move else 'statement'}): {shorten(spoken_text(m), STATEMENT_CHARS)}"
        for m in public_statements(transcript, persona.id)
    ]
    return [
        SystemMessage(content=render("judge_system.j2", scenario=transcript.scenario)),
        HumanMessage(content=render("disclosure.j2", persona=persona, statements=said)),
    ]


def checked_disclosures(
    answer: Disclosures, transcript: Transcript, persona: Persona
) -> tuple[list[ParaphrasedLeak], list[str]]:
    """The disclosures naming one of the persona's instructions and a public turn of it; notes for the rest."""
    turns = {m.turn for m in public_statements(transcript, persona.id)}
    count = len(persona.private_instructions)
    leaks: list[ParaphrasedLeak] = []
    notes: list[str] = []
    for found in answer.revealed:
        if not 1 <= found.instruction <= count:
            notes.append(
                f"{persona.id}: dropped instruction {found.instruction}: it has {count} private instruction(s)"
            )
        elif found.turn not in turns:
            notes.append(f"{persona.id}: dropped turn {found.turn}: not a public statement of this delegation")
        elif not any(leak.instruction_number == found.instruction and leak.turn == found.turn for leak in leaks):
            text = persona.private_instructions[found.instruction - 1].text
            leaks.append(
                ParaphrasedLeak(
                    speaker=persona.id,
                    turn=found.turn,
                    instruction_number=found.instruction,
                    instruction=shorten(text, 160),
                    evidence=shorten(found.evidence, 160),
                )
            )
    return leaks, notes


async def delegation_disclosures(
    transcript: Transcript, persona: Persona, model: BaseChatModel
) -> tuple[list[ParaphrasedLeak], list[str], Usage]:
    """Ask ``model`` whether the delegation ``persona`` played revealed a private instruction in paraphrase."""
    if not persona.private_instructions or not public_statements(transcript, persona.id):
        return [], [], Usage()  # nothing to reveal, or nothing said: no call
    try:
        reply = await ask_structured(model, disclosure_messages(transcript, persona), Disclosures, text_field="")
    except Exception as error:  # a failing check leaves a note; the report still renders
        return (
            [],
            [shorten(f"{persona.id}: the paraphrase check failed: {type(error).__name__}: {error}", 240)],
            Usage(),
        )
    if reply.value is None:
        return (
            [],
            [shorten(f"{persona.id}: the paraphrase check gave no valid answer: {reply.error}", 240)],
            reply.usage,
        )
    leaks, notes = checked_disclosures(reply.value, transcript, persona)
    return leaks, notes, reply.usage
