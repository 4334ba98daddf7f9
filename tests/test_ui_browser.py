"""End to end in a real Chromium: a person joins six-party-2003 as Russia, plays, votes, finds it in history;
the login page in plain words; a session that loads nothing from other hosts.

Starts `parley ui --model scripted` on a free loopback port with password login enabled,
drives Debian's Chromium through Playwright, and saves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import ARTIFACTS, BROWSER_MARKS, click_and_wait_until_gone, launch, new_page
from tests.browser import log_in as sign_in
from tests.helpers import running_ui

OTHERS = ["United States", "North Korea", "South Korea", "China", "Japan"]
STATEMENT = "Russia proposes a standing regional security meeting, to be held in Vladivostok."
USER, PASSWORD = "tester", "correct horse battery"
pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ui")
    # Two delegate turns a phase: every phase is held, each delegation speaks, the chair tables
    # its clauses and the ballots are opened as in a full session, in a fraction of its clicks.
    with running_ui(folder, f"{USER}:{PASSWORD}", phase_turns=2) as url:
        yield {"url": url, "folder": folder}


async def log_in(page, url: str) -> None:
    await sign_in(page, url, USER, PASSWORD)


async def play_as_russia(page) -> int:
    """Answer every question until the outcome shows: one typed statement at the table (not in a
    private meeting, whose words are not said to the table), then yields; accept all."""
    statement_button = page.get_by_role("button", name="Make a statement")
    yield_button = page.get_by_role("button", name="Yield the floor")
    accept_button = page.get_by_role("button", name="Accept", exact=True)
    outcome = page.get_by_text(re.compile(r"Outcome: (Consensus reached|No consensus)"))
    spoke, votes = False, 0
    for _ in range(60):
        await statement_button.or_(accept_button).or_(outcome).first.wait_for(timeout=120_000)
        if await outcome.count():
            return votes
        if await accept_button.count():
            await click_and_wait_until_gone(accept_button.first)
            votes += 1
        elif not spoke and "Private side meeting" not in await page.get_by_text("Choose your move:").last.inner_text():
            await click_and_wait_until_gone(statement_button.first)
            await page.get_by_text("Type your statement:").wait_for()
            await page.fill("#chat-input", STATEMENT)
            await page.keyboard.press("Enter")
            spoke = True
        else:
            await click_and_wait_until_gone(yield_button.first)
    raise AssertionError("the session did not reach its outcome")


async def test_a_person_plays_russia_votes_and_finds_the_session_in_history(ui_server):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch(playwright)
        page = await new_page(browser, viewport={"width": 1400, "height": 1000})
        await log_in(page, ui_server["url"])
        await page.locator("#chat-profiles").get_by_text("six-party-2003").wait_for()
        await page.get_by_role("button", name="Russia", exact=True).click()
        await page.get_by_role("button", name="Ask for the floor").click()
        try:
            votes = await play_as_russia(page)
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "ui-failure.png"), full_page=True)
            raise

        text = await page.locator("body").inner_text()
        for name in [*OTHERS, "Chair - China"]:
            assert f"{name}:" in text, f"{name} never spoke under its own name"
        assert f"Russia: {STATEMENT}" in text
        assert "Russia asks for the floor." in text
        assert votes >= 4  # the chair tabled one clause per agenda item
        assert re.search(r"six-party-2003, Russia's view, \d+ \w{3} \d{4} \d\d\.\d\d UTC\.json", text)
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "ui-session.png"), full_page=True)

        transcripts = list((ui_server["folder"] / "transcripts").glob("*.json"))
        assert len(transcripts) == 1

        await page.reload()
        history = page.locator("#thread-history a")
        await history.first.wait_for(timeout=30_000)
        assert await history.count() >= 1
        assert "six-party-2003: Russia" in await history.first.inner_text()
        await history.first.click()
        await page.get_by_text(STATEMENT).first.wait_for(timeout=30_000)
        await browser.close()


async def test_the_login_page_says_so_when_wrong_passwords_are_refused(ui_server):
    from playwright.async_api import async_playwright

    from agents.ui.login_limit import PER_USER

    async with async_playwright() as playwright:
        browser = await launch(playwright)
        page = await new_page(browser)
        await page.route(re.compile(r"^(?!http://(127\.0\.0\.1|localhost)).*"), lambda route: route.abort())
        await page.goto(ui_server["url"])
        statuses = []
        for _ in range(PER_USER + 1):  # another user than the session test's: its count is its own
            await page.fill("#email", "mallory")
            await page.fill("#password", "guess")
            async with page.expect_response(re.compile(r".*/login$")) as answer:
                await page.click("button[type=submit]")
            statuses.append((await answer.value).status)
        assert statuses == [401] * PER_USER + [429]
        await page.get_by_text(re.compile(r"Too many failed sign-ins.*Try again later")).wait_for()  # the form
        await page.get_by_text(re.compile(r"Too many failed sign-ins.*try again in \d+ s")).wait_for()  # the toast
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "ui-login-refused.png"))


async def test_the_login_page_asks_for_a_username_and_words_a_wrong_password(ui_server):
    from playwright.async_api import async_playwright

    from agents.ui.web import WRONG_PASSWORD

    async with async_playwright() as playwright:
        browser = await launch(playwright)
        page = await new_page(browser)
        await page.goto(ui_server["url"])
        await page.locator("label[for=email]", has_text=re.compile(r"^Username$")).wait_for()
        await page.fill("#email", USER)
        await page.fill("#password", "not the password")
        async with page.expect_response(re.compile(r".*/login$")) as answer:
            await page.click("button[type=submit]")
        assert (await answer.value).status == 401
        await page.get_by_text(WRONG_PASSWORD, exact=True).wait_for()  # the form
        await page.get_by_text(f"Unauthorized: {WRONG_PASSWORD}").wait_for()  # the toast
        text = await page.locator("body").inner_text()
        assert "credentialssignin" not in text.lower() and "Email" not in text
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "ui-login-wrong-password.png"))
        await browser.close()


async def test_a_session_loads_nothing_from_other_hosts(ui_server):
    """Every request the page makes, from the login page to the outcome and its review, goes to the server itself.

    Nothing is blocked here (other tests abort outside requests): the requests are only recorded.
    """
    from urllib.parse import urlsplit

    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch(playwright)
        page = await new_page(browser, viewport={"width": 1400, "height": 1000})
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.on("websocket", lambda socket: requested.append(socket.url))
        await page.goto(ui_server["url"])
        await page.fill("#email", USER)
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        landing = page.get_by_text(re.compile(r"^Parley stages a diplomatic negotiation"))
        await landing.wait_for(timeout=60_000)
        await page.get_by_text(re.compile(r"choose your seat below to negotiate, or Observer to watch")).wait_for()
        await page.get_by_role("button", name="Observer (watch only)").click()
        outcome = page.get_by_text(re.compile(r"Outcome: (Consensus reached|No consensus)"))
        await outcome.first.wait_for(timeout=120_000)
        await page.get_by_role("button", name="Review", exact=True).click()  # its charts are Plotly's
        await page.get_by_role("heading", name=re.compile(r"^Review: ")).wait_for(timeout=120_000)
        await page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "ui-observer-offline.png"), full_page=True)
        await browser.close()

    hosts = {urlsplit(url).hostname for url in requested}
    assert any(urlsplit(url).path.startswith("/assets/") for url in requested)  # the recording saw the page load
    assert any(urlsplit(url).scheme == "ws" for url in requested)  # and the session's socket
    assert hosts <= {"127.0.0.1", "localhost"}, sorted(url for url in requested if "127.0.0.1" not in url)
