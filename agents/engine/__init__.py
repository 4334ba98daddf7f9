"""The session engine: the only place that knows the rules of the talks."""

from agents.engine.session import Session, SessionConfig

__all__ = ["Session", "SessionConfig"]
