"""Injected news in the review: the terminal, the HTML report and the web Review list each piece
the chair read (turn, date, text, to whom), and a seat's view never shows private news it did not hear."""

from __future__ import annotations

import asyncio
import json

import pytest
from rich.console import Console

from agents.core.events import CHAIR, Message
from agents.review.build import compute_review, session_personas
from agents.review.report_html import review_html
from agents.review.terminal import print_review
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript, new_transcript
from agents.sessions.writer import TranscriptWriter
from agents.testing import scripted_session
from agents.ui.review import review_view

PRIVATE = "Pyongyang radio reports a reactor restart"
PUBLIC = "A typhoon closes Beijing airport"


@pytest.fixture(scope="module")
def transcript_path(tmp_path_factory):
    """A short session in which the chair reads private news to the DPRK, then news for all, after turn 1."""
    folder = tmp_path_factory.mktemp("news")
    session = scripted_session(seed=1, max_turns=4)
    labels = {party: "scripted" for party in session.parties}
    writer = TranscriptWriter(new_transcript(session.cast, session.session_id, labels, RunSettings()), folder)

    def record(event):
        writer.add(event)
        if isinstance(event, Message) and event.speaker != CHAIR and event.turn == 1:
            session.inject_news(PRIVATE, audience=["dprk"], dated="2003-08-28")
            session.inject_news(PUBLIC)

    async def run():
        async for _ in session.run(record=record):
            pass

    asyncio.run(run())
    writer.finish()
    return writer.json_path


def review_as(path, viewer):
    transcript = load_transcript(path)
    return compute_review(transcript, session_personas(transcript), viewer=viewer)


def test_the_whole_session_review_lists_every_piece_of_news(transcript_path):
    review = review_as(transcript_path, None)
    rows = [(n.turn, n.dated, n.text, n.audience) for n in review.news]
    assert rows == [(1, "2003-08-28", PRIVATE, ["dprk"]), (1, None, PUBLIC, None)]
    assert [review.to_whom(n) for n in review.news] == ["North Korea", "all"]


@pytest.mark.parametrize(("viewer", "hears_private"), [("dprk", True), ("usa", False), ("observer", False)])
def test_each_view_shows_only_the_news_its_seat_heard(transcript_path, viewer, hears_private):
    review = review_as(transcript_path, viewer)
    assert [n.text for n in review.news] == ([PRIVATE, PUBLIC] if hears_private else [PUBLIC])
    console = Console(record=True, width=200)
    print_review(review, console)
    terminal = console.export_text()
    view = review_view(review)
    for shown in (terminal, review_html(review), view.content, view.report_html):
        assert "News read by the chair" in shown and PUBLIC in shown
        assert (PRIVATE in shown) == hears_private


def test_the_terminal_and_the_report_say_when_and_to_whom(transcript_path):
    review = review_as(transcript_path, None)
    console = Console(record=True, width=200)
    print_review(review, console)
    line = next(line for line in console.export_text().splitlines() if PRIVATE in line)
    assert "2003-08-28" in line and "North Korea" in line
    assert "| 1 | 2003-08-28 | North Korea | " + PRIVATE + " |" in review_view(review).content
    assert '<section id="news">' in review_html(review)


def test_news_from_a_transcript_without_the_raw_text_shows_the_chairs_words(transcript_path, tmp_path):
    data = json.loads(transcript_path.read_text())
    for event in data["events"]:
        if event["type"] == "news":
            del event["news"]  # as a transcript written before the field was kept
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data))
    review = review_as(older, None)
    assert [n.text.startswith("The chair reads news") for n in review.news] == [True, True]
    assert PRIVATE in review.news[0].text and review.news[0].dated == "2003-08-28"


def test_a_session_without_news_has_no_news_section(tmp_path):
    transcript = asyncio.run(run_session(RunSettings(model="scripted", seed=2, max_turns=2)))
    review = compute_review(transcript, session_personas(transcript))
    assert review.news == [] and "News read by the chair" not in review_html(review)
    assert "News read by the chair" not in review_view(review).content
