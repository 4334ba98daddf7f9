"""Private side meetings in a review: who met, who asked, and (when the reviewer may see it) what was said."""

from __future__ import annotations

from agents.core.events import MeetingRequested, Message, PhaseStarted
from agents.review.schema import MeetingLine, MeetingSummary
from agents.sessions.transcript import Transcript


def side_meetings(transcript: Transcript) -> list[MeetingSummary]:
    """Every side meeting the transcript announces, with the words of those the reviewer may see.

    The announcement is public; the words are kept only in the views of the members (and of a
    whole-session review), so in another seat's view a meeting shows with nothing said.
    """
    meetings: list[MeetingSummary] = []
    requested = _granted_requests(transcript)
    current: MeetingSummary | None = None
    for event in transcript.events:
        if isinstance(event, PhaseStarted):
            current = None
            if event.members:
                asker = requested.pop(frozenset(event.members), None)
                current = MeetingSummary(members=event.members, turn=event.turn, requested_by=asker)
                meetings.append(current)
        elif isinstance(event, Message) and current is not None and event.audience:
            current.said.append(MeetingLine(turn=event.turn, speaker=event.speaker or "", text=event.text))
    return meetings


def _granted_requests(transcript: Transcript) -> dict[frozenset[str], str]:
    """Who asked for each granted meeting, by its members."""
    return {
        frozenset(event.members): event.speaker or ""
        for event in transcript.events
        if isinstance(event, MeetingRequested) and event.granted
    }
