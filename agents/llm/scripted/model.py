"""A deterministic, offline chat model that plays a delegation from the prompt it is given.

It reads the persona, phase, agenda and draft out of the rendered prompt (the headings of
``prompts/*.j2``) and answers with a plausible move chosen by a hash of the prompt and the
seed: the same prompt and seed always give the same answer. It is not a language model, and
names itself ``scripted`` in every transcript. Streaming, usage and tool binding come from
``FunctionChatModel``, so the engine runs through the same path as with a remote model.
"""

from __future__ import annotations

import hashlib
import json

from langchain_core.messages import BaseMessage

from agents.llm.function_model import FunctionChatModel
from agents.llm.scripted.bridge import bridge_for
from agents.llm.scripted.judge import disclosure_reply, judge_reply
from agents.llm.scripted.moves import PromptFacts, ballot_for, floor_choice_for, move_for
from agents.llm.scripted.plans import plan_for
from agents.llm.scripted.record import departure_reply, record_reply

SCRIPTED_MODEL_NAME = "scripted"


class ScriptedChatModel(FunctionChatModel):
    """Deterministic rehearsal model. ``bind_tools`` selects which schema it answers."""

    seed: int = 0
    model_name: str = SCRIPTED_MODEL_NAME

    @property
    def _llm_type(self) -> str:
        return "parley-scripted"

    def reply_text(self, messages: list[BaseMessage]) -> str:
        if self.tool_name == "DelegationScore":  # the review's judge: scores by rule, from the prompt
            return json.dumps(judge_reply(messages))
        if self.tool_name == "Disclosures":  # the review's paraphrased-leak check, by rule
            return json.dumps(disclosure_reply(messages))
        if self.tool_name == "RecordJudgement":  # the review against the record: the lexical rule, from the prompt
            return json.dumps(record_reply(messages))
        if self.tool_name == "DepartureJudgement":  # departures from the record's lines, by the same rule
            return json.dumps(departure_reply(messages))
        if self.tool_name == "ChairProposal":  # the chair's bridging wording, from the clause and its objections
            return json.dumps(bridge_for(messages))
        facts = PromptFacts.read(messages)
        digest = hashlib.sha256(f"{self.seed}\n{facts.fingerprint}".encode()).digest()
        if self.tool_name == "Ballot":
            return json.dumps(ballot_for(facts, digest))
        if self.tool_name == "FloorChoice":
            return json.dumps(floor_choice_for(facts, digest))
        if self.tool_name == "Plan":
            return json.dumps(plan_for(facts, messages, digest))
        if self.tool_name == "Advice":
            salted = [hashlib.sha256(digest + bytes([i])).digest() for i in range(3)]
            return json.dumps({"suggestions": [move_for(facts, d) for d in salted]})
        return json.dumps(move_for(facts, digest))
