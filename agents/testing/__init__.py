"""Test helpers for Parley users and for our own tests: offline chat models and a fast cast.

``FunctionChatModel`` answers with whatever a function returns (a dict of tool arguments,
or a raw string to simulate malformed output) and records every prompt it is sent.
``ScriptedChatModel`` plays a persona deterministically from the prompt. ``scripted_session``
builds a ready-to-run session with every seat held by the scripted model.
"""

from __future__ import annotations

from agents.core.catalog import Catalog
from agents.delegates.model import ModelDelegate
from agents.engine import Session, SessionConfig
from agents.llm.function_model import FunctionChatModel
from agents.llm.scripted.model import ScriptedChatModel

__all__ = ["FunctionChatModel", "ScriptedChatModel", "scripted_session"]


def scripted_session(scenario: str = "six-party-2003", seed: int = 0, **config) -> Session:
    """A session of ``scenario`` with the scripted model in every seat and in the chair."""
    cast = Catalog().cast(scenario)
    model = ScriptedChatModel(seed=seed)
    delegates = {seat: ModelDelegate(seat, model, "scripted") for seat in cast.delegations}
    return Session(cast, delegates, chair_model=model, config=SessionConfig(**config))
