"""agents/llm/scripted."""
