"""End to end on a phone-sized screen (390 px): one session played as Japan in a real Chromium.

One played session checks what a person follows the talks with: the floor request made while
others meet in private is answered, the side panel does not cover the chat when the draft
changes and reopens on demand, the question waiting is in view with its time counting down,
the consensus call shows no other ballot before the person has voted and then opens them all
together, and every confirmation names its clause. The model pauses a little per call
(``scripted:0.75``) so that the private meeting lasts long enough to ask for the floor in it.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import ARTIFACTS, BROWSER_MARKS, click_and_wait_until_gone, launch, new_page
from tests.browser import log_in as sign_in
from tests.helpers import running_ui

OTHERS = ["United States", "North Korea", "South Korea", "China", "Russia"]
USER, PASSWORD = "phone", "small screen large stakes"
MEETING = "United States and North Korea now meet in private"
pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ui-view")
    # Two delegate turns a phase: every phase is held, the private meeting as long as in a full
    # session, Japan speaks and votes on every clause, in a fraction of the full session's turns.
    with running_ui(folder, f"{USER}:{PASSWORD}", model="scripted:0.75", phase_turns=2) as url:
        yield {"url": url, "folder": folder}


async def log_in(page, url: str) -> None:
    await sign_in(page, url, USER, PASSWORD)


class Play:
    """Japan's side of the session, with the checks made on the way."""

    def __init__(self, page):
        self.page = page
        self.yield_button = page.get_by_role("button", name="Yield the floor")
        self.accept_button = page.get_by_role("button", name="Accept", exact=True)
        self.outcome = page.get_by_text(re.compile(r"Outcome: (Consensus reached|No consensus)"))
        self.meeting = page.get_by_text(MEETING)
        self.draft_flagged = page.locator("#parley-panel.parley-updated")
        self.tabled = page.get_by_text(re.compile(r"Draft: The chair tabled clauses"))
        self.dialog = page.get_by_role("dialog")
        self.asked_in_meeting = False
        self.checked_panel = False
        self.checked_question = False
        self.votes = 0

    async def body(self) -> str:
        return await self.page.locator("body").inner_text()

    async def ask_for_the_floor_in_the_meeting(self) -> None:
        """While the US and North Korea meet, Japan asks for the floor: the chair answers Japan."""
        await self.page.locator("#parley-floor").click()
        await self.page.get_by_text("cannot give Japan the floor while United States and North Korea meet").wait_for()
        self.asked_in_meeting = True

    async def open_the_panel(self, *expected: str) -> None:
        """The bar's button opens the panel over the chat, under its one title, showing ``expected``."""
        from playwright.async_api import expect

        await self.page.locator("#parley-panel").click()
        await expect(self.page.locator("#side-view-title")).to_have_text("Draft and brief")
        for text in ("Draft joint statement", "Your brief", *expected):  # redrawn as the draft changes: retried
            await expect(self.dialog).to_contain_text(text)

    async def close_the_panel(self) -> None:
        await self.page.keyboard.press("Escape")
        await self.dialog.wait_for(state="detached")

    async def check_the_panel(self) -> None:
        """A draft update flags the panel button but leaves the chat uncovered; the button reopens it."""
        assert await self.dialog.count() == 0, "the side panel popped over the chat on a draft update"
        await self.open_the_panel("Clause 1.", "Supported by:", "Objections:", "Red lines")
        ARTIFACTS.mkdir(exist_ok=True)
        await self.page.screenshot(path=str(ARTIFACTS / "ui-phone-panel.png"))
        await self.close_the_panel()
        self.checked_panel = True

    async def check_the_question(self, button) -> None:
        """The question waiting is scrolled into view, its time counts down, the text box says why it waits."""
        from playwright.async_api import expect

        await expect(button).to_be_in_viewport()
        clock = self.page.locator("#parley-clock")
        await expect(clock).to_have_text(re.compile(r"⏱ \d+:\d\d left to answer"))
        first = await clock.inner_text()
        await expect(clock).not_to_have_text(first, timeout=5_000)  # it counts down
        placeholder = await self.page.locator("#chat-input").get_attribute("placeholder")
        assert placeholder.startswith("Answer with the buttons above"), placeholder
        self.checked_question = True

    async def vote(self) -> None:
        if self.votes == 0:  # the consensus call: nobody's ballot is shown before the person has voted
            text = await self.body()
            assert "ballots are opened" not in text and not re.search(r"\bvotes:", text)
            for name in OTHERS:
                assert f"{name}: clause" not in text
        question = self.page.locator("[data-step-type]", has_text=re.compile(r"Consensus call: clause \d+")).last
        number = re.search(r"Consensus call: clause (\d+)", await question.inner_text()).group(1)
        await click_and_wait_until_gone(self.accept_button.first)
        await self.page.get_by_text(f"Clause {number}: you accept.").wait_for()
        self.votes += 1

    async def run(self) -> None:
        waiting = self.yield_button.or_(self.accept_button).or_(self.outcome)
        for _ in range(200):
            if not self.asked_in_meeting and await self.meeting.count():
                await self.ask_for_the_floor_in_the_meeting()
            if not self.checked_panel and await self.tabled.count():
                await self.draft_flagged.wait_for()
                await self.check_the_panel()
            if await self.outcome.count():
                return
            if await self.accept_button.count():
                await self.vote()
            elif await self.yield_button.count():
                if not self.checked_question:
                    await self.check_the_question(self.yield_button.first)
                await click_and_wait_until_gone(self.yield_button.first)
            else:
                targets = waiting
                if not self.asked_in_meeting:
                    targets = targets.or_(self.meeting)
                if not self.checked_panel:
                    targets = targets.or_(self.tabled)
                await targets.first.wait_for(timeout=120_000)
        raise AssertionError("the session did not reach its outcome")


async def test_a_person_follows_the_talks_on_a_phone(ui_server):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch(playwright)
        page = await new_page(browser, viewport={"width": 390, "height": 844})
        play = Play(page)
        try:
            await log_in(page, ui_server["url"])
            await page.locator("#parley-bar[data-told]").wait_for()  # the server knows the screen is narrow
            await page.get_by_role("button", name="Japan", exact=True).click()
            await page.locator("#parley-floor").wait_for()  # shown once the person has a seat
            await page.get_by_text("You sit as Japan").wait_for()
            assert await play.dialog.count() == 0  # the panel waits to be asked for on a narrow screen
            await play.open_the_panel("No clauses yet.")
            await play.close_the_panel()
            await play.run()
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "ui-phone-failure.png"), full_page=True)
            raise
        assert play.asked_in_meeting and play.checked_panel and play.checked_question
        from playwright.async_api import expect

        await expect(page.get_by_role("button", name="Review")).to_be_in_viewport()  # the chat followed to the end
        await expect(page.locator("#chat-input")).to_have_attribute("placeholder", re.compile("session has ended"))
        assert not await page.locator("#parley-floor").is_visible()
        assert play.votes >= 4  # the chair tabled one clause per agenda item
        text = await play.body()
        opened = text[text.index("The ballots are opened") :]
        for name in [*OTHERS, "Japan"]:
            assert f"{name}: clause" in opened, f"{name}'s ballot was not shown with the others"
        assert text.index("The ballots are opened") > text.rindex("you accept.")  # revealed after the last vote
        assert re.search(r"six-party-2003, Japan's view, \d+ \w{3} \d{4} \d\d\.\d\d UTC\.json", text)
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "ui-phone-session.png"))
        await browser.close()
