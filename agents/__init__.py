"""Parley: role-play multi-party diplomatic negotiations with LLM delegations.

The public API. Run a session and read its transcript::

    import asyncio
    from agents import RunSettings, run_session

    transcript = asyncio.run(run_session(RunSettings(model="scripted", seed=1)))
    print(transcript.outcome.consensus)

The package is layered (each layer imports only those below it): ``core`` (personas,
scenarios, moves, the draft, events, outcome) ← ``llm`` (model backends) ← ``delegates``
(who holds a seat) ← ``engine`` (the rules of the talks) ← ``sessions`` (run, transcript,
resume, replay, fork) and ``testing`` ← ``batch`` and ``review`` ← ``cli`` and ``ui``.
"""

from importlib.metadata import version as _version

from agents.core.catalog import Cast, Catalog
from agents.core.events import (
    EVENT_ADAPTER,
    DraftUpdated,
    EndedEarly,
    ErrorEvent,
    Event,
    FloorGiven,
    FloorRequested,
    MeetingRequested,
    Message,
    NewsRead,
    PhaseStarted,
    PlanMade,
    SeatChanged,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    Token,
    TurnPassed,
    VoteCast,
)
from agents.core.outcome import ClauseOutcome, Outcome
from agents.core.usage import Usage
from agents.delegates.base import Delegate
from agents.engine.session import Session, SessionConfig
from agents.llm.factory import ModelHandle, ModelPool, ModelSettings, ModelSpecError
from agents.sessions.run import prepare, run_prepared, run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript, load_transcript

__version__ = _version("parley")

__all__ = (
    "EVENT_ADAPTER",
    "Cast",
    "Catalog",
    "ClauseOutcome",
    "Delegate",
    "DraftUpdated",
    "ErrorEvent",
    "EndedEarly",
    "NewsRead",
    "SeatChanged",
    "SessionPaused",
    "SessionResumed",
    "TurnPassed",
    "Event",
    "FloorGiven",
    "FloorRequested",
    "MeetingRequested",
    "Message",
    "ModelHandle",
    "ModelPool",
    "ModelSettings",
    "ModelSpecError",
    "Outcome",
    "PhaseStarted",
    "PlanMade",
    "RunSettings",
    "Session",
    "SessionConfig",
    "SessionEnded",
    "SessionStarted",
    "Token",
    "Transcript",
    "Usage",
    "VoteCast",
    "__version__",
    "load_transcript",
    "prepare",
    "run_prepared",
    "run_session",
)
