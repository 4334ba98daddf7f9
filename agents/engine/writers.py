"""How the engine's steps write events: tagged with their graph task, and marked with their audience.

Every event a step emits goes first to the session's ``record`` (a transcript's journal),
inside the step, and only then into the stream: see ``Session.run`` for why.
"""

from __future__ import annotations

from collections.abc import Callable

from langgraph.config import get_config, get_stream_writer

from agents.core.events import Event
from agents.engine.programme import Segment

# What nodes write events with; ``Session.run``'s ``record`` has the same shape.
EventWriter = Callable[[Event], None]


def task_writer(record: EventWriter) -> EventWriter:
    """The node's event writer, tagging each event with the graph task that emitted it.

    Each event is passed to ``record`` (see ``Session.run``) at once, inside the task, then
    streamed.
    """
    write = get_stream_writer()
    task = get_config()["metadata"].get("langgraph_checkpoint_ns")

    def emit(event: Event) -> None:
        event.task = task
        record(event)
        write(event)

    return emit


def ignore(event: Event) -> None:
    """The ``record`` of a session run without one."""


def audience(segment: Segment) -> list[str] | None:
    """Who hears what is said in ``segment``: its members if it is private, else None (everyone)."""
    return list(segment.audience) if segment.audience else None


def audience_writer(emit: EventWriter, segment: Segment) -> EventWriter:
    """A writer that marks every event it writes as heard only by ``segment``'s audience."""
    members = audience(segment)
    if members is None:
        return emit

    def emit_private(event: Event) -> None:
        event.audience = members
        emit(event)

    return emit_private
