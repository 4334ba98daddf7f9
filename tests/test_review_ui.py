"""The web app's *Review*: what it shows, decided without a browser, and its wiring with Chainlit stand-ins."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from agents.core.loading import ConfigError
from agents.llm.factory import ModelPool
from agents.review.build import review_transcript
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from agents.ui import client as client_module
from agents.ui import page as page_module
from agents.ui import review as review_module
from agents.ui.page import Page
from agents.ui.presenter import Presenter
from agents.ui.review import REVIEW_ACTION, review_payload, review_view, transcript_for


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("review-ui")
    transcript = asyncio.run(run_session(RunSettings(scenario="bilateral", model="scripted", seed=1, out=out)))
    return out / f"{transcript.session_id}.json"


@dataclass
class FakeMessage:
    """Records what would be posted, instead of posting it."""

    author: str = ""
    content: str = ""
    elements: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    sent: list = field(default_factory=list)

    async def send(self):
        self.sent.append(self)
        return self


def fake_chainlit(posted: list) -> SimpleNamespace:
    def message(**kwargs):
        return FakeMessage(sent=posted, **kwargs)

    async def window_message(data: dict) -> None:
        posted.append(SimpleNamespace(kind="window", data=data))

    return SimpleNamespace(
        send_window_message=window_message,
        Message=message,
        Action=lambda **kwargs: SimpleNamespace(**kwargs),
        File=lambda **kwargs: SimpleNamespace(kind="file", **kwargs),
        Plotly=lambda **kwargs: SimpleNamespace(kind="plotly", **kwargs),
    )


def test_the_review_view_has_the_summary_the_charts_and_the_report(session):
    with ModelPool() as pool:
        review = asyncio.run(review_transcript(load_transcript(session), pool, "scripted"))
    view = review_view(review)
    assert view.content.startswith("## Review: ")
    assert "Gini of turns" in view.content and "| Delegation | Turns |" in view.content
    for seat in review.delegations:
        assert f"| {seat.short_name} | " in view.content
    assert [name for name, _ in view.charts] == ["Timeline", "Speaking share", "Moves", "Votes", "Tokens", "Scores"]
    assert view.report_name == f"{review.session_id}-review.html"
    assert view.report_html.startswith("<!doctype html>")


def test_the_review_view_shows_the_session_against_the_record(tmp_path):
    settings = RunSettings(scenario="six-party-2003", model="scripted", seed=1, out=tmp_path)
    transcript = asyncio.run(run_session(settings))
    with ModelPool() as pool:
        review = asyncio.run(review_transcript(transcript, pool, "none"))
    record = review.record
    content = review_view(review).content
    assert f"**Verdict: {record.verdict}**" in content
    assert f"{record.matched} of {len(record.points)} points of the real chair's summary reached" in content
    for point in record.points:
        assert f"| {point.text} | {'yes' if point.matched else 'no'} |" in content
    departures = sum(len(found) for found in record.departures.values())
    assert f"Departures from the documented line (lexical matcher): {departures or 'none'}." in content


def test_a_scenario_without_a_record_shows_no_record_section(session):
    with ModelPool() as pool:
        review = asyncio.run(review_transcript(load_transcript(session), pool, "none"))
    assert review.record is None and "Against the record" not in review_view(review).content


def test_the_review_button_only_reaches_transcripts_in_the_output_folder(session):
    out = session.parent
    assert transcript_for(out, review_payload(session.stem), session.stem) == session
    for payload in ({"session_id": "../../etc/passwd"}, {"session_id": ""}, {}, {"session_id": "no-such-session"}):
        with pytest.raises(ConfigError):
            transcript_for(out, payload, payload.get("session_id"))


def test_the_review_button_only_reaches_the_conversations_own_session(session):
    """The transcript is in the folder, but a (forged) button from another conversation is refused."""
    out = session.parent
    for own in ("bilateral-20030827-000000-abcdef", None):
        with pytest.raises(ConfigError, match="not the session of this conversation"):
            transcript_for(out, review_payload(session.stem), own)


async def test_the_outcome_message_offers_a_review_button(session, monkeypatch, catalog):
    posted: list = []
    monkeypatch.setattr(page_module, "cl", fake_chainlit(posted))
    monkeypatch.setattr(client_module, "cl", fake_chainlit([]))  # the page's script is told the end
    transcript = load_transcript(session)
    writer = SimpleNamespace(json_path=session, markdown_path=session.with_suffix(".md"))
    await Page(Presenter(catalog.cast("bilateral"))).close(transcript, writer)
    (outcome,) = posted
    assert [(a.name, a.payload, a.label) for a in outcome.actions] == [
        (REVIEW_ACTION, {"session_id": transcript.session_id}, "Review")
    ]


async def test_show_review_posts_the_charts_and_the_report_as_elements(session, monkeypatch, catalog):
    posted: list = []
    monkeypatch.setattr(review_module, "cl", fake_chainlit(posted))
    with ModelPool() as pool:
        payload = review_payload(session.stem)
        judge = "scripted"  # a scripted session is not judged by its own model unless asked
        await review_module.show_review(
            session.parent, payload, session.stem, pool, catalog, "Facilitator", "usa", judge
        )
    notice, result = posted
    assert "Reviewing" in notice.content and result.author == "Facilitator"
    kinds = [element.kind for element in result.elements]
    assert kinds == ["plotly"] * 6 + ["file"]
    report = result.elements[-1]
    assert report.name.endswith("-review.html") and report.mime == "text/html" and report.content.startswith(b"<!")


async def test_show_review_says_why_when_the_transcript_is_gone(tmp_path, monkeypatch, catalog):
    posted: list = []
    monkeypatch.setattr(review_module, "cl", fake_chainlit(posted))
    with ModelPool() as pool:
        await review_module.show_review(tmp_path, {"session_id": "gone-1"}, "gone-1", pool, catalog, "Chair", "usa")
    (message,) = posted
    assert "not available" in message.content and "file not found" in message.content


async def test_the_transcript_offered_for_download_is_the_seats_own_view(tmp_path, monkeypatch, catalog):
    posted: list = []
    monkeypatch.setattr(page_module, "cl", fake_chainlit(posted))
    monkeypatch.setattr(client_module, "cl", fake_chainlit([]))  # the page's script is told the end
    written = await run_session(RunSettings(scenario="six-party-2003", model="scripted", seed=1, out=tmp_path))
    path = tmp_path / f"{written.session_id}.json"
    transcript = load_transcript(path)
    secret = next(e.text for e in transcript.events if e.type == "message" and e.audience == ["usa", "dprk"])
    writer = SimpleNamespace(json_path=path, markdown_path=path.with_suffix(".md"))
    for seat, sees in (("usa", True), ("japan", False), (None, False)):
        posted.clear()
        await Page(Presenter(catalog.cast("six-party-2003"), seat)).close(transcript, writer)
        (outcome,) = posted
        offered = [element.content.decode() for element in outcome.elements]
        assert [secret in text for text in offered] == [sees, sees], seat
        assert all('"recording": []' in text for text in offered[:1])  # nobody downloads others' prompts
