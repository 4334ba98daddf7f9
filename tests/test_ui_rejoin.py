"""End to end: a person who reloads the page, or whose connection drops, keeps their seat.

Starts `parley ui --model scripted` with login, drives Debian's Chromium through Playwright.
At Russia's turn the page is reloaded (Chainlit reopens the same conversation by itself:
the address is already `/thread/<id>`): the question is asked again, answered, and the
session plays on to its outcome; the history lists it once; reopening it from the history
shows the outcome with its files and a working *Review* button. A second test cuts the
websocket under the page (Playwright's websocket routing): Chainlit's client reconnects
with the same session, and the question is asked again there. A third reloads on a phone-wide
page, whose address stays `/` (Chainlit moves it to the conversation's only from the history
sidebar, which a narrow page does not show): the new chat points the way back. A fourth drops
the connection of a server without login, where only that connection may come back.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from tests.browser import ARTIFACTS, BROWSER_MARKS, click_and_wait_until_gone, launch
from tests.helpers import running_ui

USER, PASSWORD = "rejoiner", "a long enough password"
DROPPED_USER = "dropped"  # each test has its own user: the first and the third count their history
PHONE_USER = "phone"
SAID_ON_A_PHONE = "Russia speaks from a small screen, after a reload."
STATEMENT = "Russia, back at the table after a reload, asks for a standing forum in Vladivostok."
SAID_AFTER_DROP = "Russia speaks again after its connection dropped."
CHOOSE_MOVE = "Choose your move:"
pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ui-rejoin")
    users = ",".join(f"{user}:{PASSWORD}" for user in (USER, DROPPED_USER, PHONE_USER))
    with running_ui(folder, users) as url:
        yield {"url": url, "folder": folder}


async def browser_page(playwright, width: int = 1400):
    browser = await launch(playwright)
    page = await browser.new_page(viewport={"width": width, "height": 1000})
    # A long conversation is slow to render on a busy machine: clicks may take far more than the default 30 s.
    page.set_default_timeout(120_000)
    await page.route(re.compile(r"^(?!http://(127\.0\.0\.1|localhost)).*"), lambda route: route.abort())
    return browser, page


async def log_in_as_russia(page, url: str, user: str = USER) -> None:
    await page.goto(url)
    await page.fill("#email", user)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.get_by_role("button", name="Russia", exact=True).click()
    await page.get_by_role("button", name="Make a statement").first.wait_for(timeout=120_000)  # Russia's turn


async def make_statement(page, text: str) -> None:
    await click_and_wait_until_gone(page.get_by_role("button", name="Make a statement").first)
    await page.get_by_text("Type your statement:").last.wait_for()
    await page.fill("#chat-input", text)
    await page.keyboard.press("Enter")
    await page.get_by_text(f"Russia: {text}").first.wait_for(timeout=60_000)  # the engine took the move


async def play_on_to_the_outcome(page) -> int:
    """Yield at every turn, accept every clause, until the outcome shows; the number of votes."""
    yield_button = page.get_by_role("button", name="Yield the floor")
    accept_button = page.get_by_role("button", name="Accept", exact=True)
    outcome = page.get_by_text(re.compile(r"Outcome: (Consensus reached|No consensus)"))
    votes = 0
    for _ in range(60):
        await yield_button.or_(accept_button).or_(outcome).first.wait_for(timeout=120_000)
        if await outcome.count():
            return votes
        if await accept_button.count():
            await click_and_wait_until_gone(accept_button.first)
            votes += 1
        else:
            await click_and_wait_until_gone(yield_button.first)
    raise AssertionError("the session did not reach its outcome")


async def expect_question_asked_again(page) -> None:
    """The word of welcome back, the question with its buttons, and the old copy of the question gone."""
    await page.get_by_text("You are back in your seat as Russia").first.wait_for(timeout=30_000)
    await page.get_by_role("button", name="Make a statement").first.wait_for(timeout=30_000)
    assert await page.get_by_text(CHOOSE_MOVE).count() == 1


async def screenshot_on_failure(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / name), full_page=True)


async def test_a_reload_mid_session_keeps_the_seat_and_the_history_lists_the_session_once(ui_server):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser, page = await browser_page(playwright)
        try:
            await log_in_as_russia(page, ui_server["url"])
            conversation = page.url
            assert "/thread/" in conversation  # Chainlit moved to the conversation's address

            await page.reload()  # Chainlit reopens the same conversation by itself
            await expect_question_asked_again(page)
            assert page.url == conversation
            await page.get_by_text("Russian Federation").first.wait_for()  # the brief is back in the side panel
            await make_statement(page, STATEMENT)
            votes = await play_on_to_the_outcome(page)

            transcripts = list((ui_server["folder"] / "transcripts").glob("*.json"))
            assert len(transcripts) == 1
            events = json.loads(transcripts[0].read_text())["events"]
            said = [e for e in events if e["type"] == "message" and e["speaker"] == "russia"]
            assert said and said[0]["text"] == STATEMENT  # answered on the new page, not timed out
            assert votes >= 1

            await page.goto(ui_server["url"])  # a new chat: the sidebar lists the user's conversations
            history = page.locator("#thread-history a")
            await history.first.wait_for(timeout=30_000)
            assert await history.all_inner_texts() == ["six-party-2003: Russia"]

            await history.first.click()  # reopen the finished session
            review = page.get_by_role("button", name="Review")
            await review.wait_for(timeout=30_000)
            assert await page.get_by_text(re.compile(r"Outcome: (Consensus reached|No consensus)")).count() == 1
            assert await page.get_by_text(re.compile(r"six-party-2003, Russia's view, .* UTC\.json")).count() >= 1
            await page.get_by_text(STATEMENT).first.wait_for()
            await review.click()
            await page.get_by_text(re.compile(r"Review: (Consensus|No consensus|No vote taken)")).wait_for(
                timeout=120_000
            )
            await screenshot_on_failure(page, "ui-rejoin-reopened.png")  # kept as a record, failure or not
        except Exception:
            await screenshot_on_failure(page, "ui-rejoin-failure.png")
            raise
        finally:
            await browser.close()


async def test_a_dropped_connection_reconnects_and_the_question_is_asked_again(ui_server):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser, page = await browser_page(playwright)
        sockets = []

        async def route(socket) -> None:
            server = socket.connect_to_server()
            sockets.append((socket, server))

        await page.route_web_socket(re.compile(r".*/ws/socket\.io/.*"), route)
        try:
            await log_in_as_russia(page, ui_server["url"], DROPPED_USER)
            conversation = page.url
            assert sockets, "the page's socket was not routed through the test"
            dropped = len(sockets)
            for socket, server in sockets:
                await server.close()
                await socket.close()
            await expect_question_asked_again(page)
            assert len(sockets) > dropped  # the same page connected again
            assert page.url == conversation
            await make_statement(page, SAID_AFTER_DROP)
        except Exception:
            await screenshot_on_failure(page, "ui-drop-failure.png")
            raise
        finally:
            await browser.close()


async def test_a_reload_on_a_narrow_page_opens_a_new_chat_that_points_back_to_the_running_session(ui_server):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser, page = await browser_page(playwright, width=500)
        try:
            await page.goto(ui_server["url"])
            await page.fill("#email", PHONE_USER)
            await page.fill("#password", PASSWORD)
            await page.click("button[type=submit]")
            await page.get_by_role("button", name="Russia", exact=True).click()
            await page.get_by_text(CHOOSE_MOVE).wait_for(state="attached")  # Russia's turn
            assert page.url.rstrip("/") == ui_server["url"], "Chainlit now moves a narrow page to the conversation"
            await page.reload()  # a new chat: Chainlit does not know which conversation this page was
            way_back = page.get_by_role("link", name="six-party-2003: Russia")
            await way_back.wait_for(timeout=30_000)
            async with page.context.expect_page() as opened:
                await way_back.click()  # Chainlit opens links in a new tab
            conversation = await opened.value
            conversation.set_default_timeout(120_000)
            await conversation.get_by_text("You are back in your seat as Russia").wait_for(state="attached")
            await conversation.keyboard.press("Escape")  # the side panel covers a narrow page
            await expect_question_asked_again(conversation)
            await make_statement(conversation, SAID_ON_A_PHONE)
        except Exception:
            await screenshot_on_failure(page, "ui-narrow-failure.png")
            raise
        finally:
            await browser.close()
        threads = sqlite3.connect(ui_server["folder"] / "ui.sqlite").execute(
            'SELECT name FROM threads WHERE "userIdentifier" = ?', (PHONE_USER,)
        )
        assert [name for (name,) in threads] == ["six-party-2003: Russia"]  # the new chat was never stored


async def test_without_login_a_dropped_connection_comes_back_to_its_session(tmp_path):
    """No login, no history: the connection that started the session (reconnecting) is the one that may rejoin it."""
    from playwright.async_api import async_playwright

    with running_ui(tmp_path, "") as url:
        async with async_playwright() as playwright:
            browser, page = await browser_page(playwright)
            sockets = []

            async def route(socket) -> None:
                sockets.append((socket, socket.connect_to_server()))

            await page.route_web_socket(re.compile(r".*/ws/socket\.io/.*"), route)
            try:
                await page.goto(url)
                await page.get_by_role("button", name="Russia", exact=True).click()
                await page.get_by_role("button", name="Make a statement").first.wait_for()
                for socket, server in list(sockets):
                    await server.close()
                    await socket.close()
                await expect_question_asked_again(page)
                await make_statement(page, SAID_AFTER_DROP)
            except Exception:
                await screenshot_on_failure(page, "ui-drop-no-login-failure.png")
                raise
            finally:
                await browser.close()
