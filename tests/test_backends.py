"""Model backends are registered by name: a spec names one, and a new one is one entry."""

from __future__ import annotations

import pytest

from agents.llm.factory import BACKENDS, Backend, ModelHandle, ModelPool, ModelSpecError, check_spec
from agents.testing import FunctionChatModel


def test_a_registered_backend_is_built_from_its_spec(monkeypatch):
    def echo(pool: ModelPool, argument: str, settings) -> ModelHandle:
        return ModelHandle(FunctionChatModel(reply=lambda messages, tool: {"kind": "yield"}), f"echo:{argument}")

    monkeypatch.setitem(BACKENDS, "echo", Backend("echo:<word>", lambda word: word.isalpha(), echo))
    handle = ModelPool().get("echo:hello")
    assert handle.label == "echo:hello" and isinstance(handle.model, FunctionChatModel)
    with pytest.raises(ModelSpecError, match="echo:<word>"):
        check_spec("echo:42")


@pytest.mark.parametrize("spec", ["openai:", "local:x", "scripted:fast", "gpt5", ""])
def test_a_spec_no_backend_accepts_is_refused_naming_every_form(spec):
    with pytest.raises(ModelSpecError) as refused:
        check_spec(spec)
    for usage in ("openai:<model name>", "local", "scripted:<seconds>"):
        assert usage in str(refused.value)
