"""Two `parley ui` servers from one install, in a real Chromium: one stops, the other goes on.

Chainlit deletes its app root's working files (``.files/``) when a server stops. Before each
server had its own app folder, both used the install's: once one stopped, every new
conversation on the other failed when a seat was chosen (``No such file or directory``, an
empty side panel, no session).
"""

from __future__ import annotations

import shutil
import signal

from agents.cli.app_folder import SERVERS_FOLDER
from tests.browser import ARTIFACTS, BROWSER_MARKS, launch, new_page
from tests.helpers import running_ui

USER, PASSWORD = "tester", "correct horse battery"
pytestmark = BROWSER_MARKS


async def test_a_server_goes_on_when_another_from_the_same_install_stops(tmp_path):
    from playwright.async_api import async_playwright

    shared_db = tmp_path / "shared" / "ui.sqlite"  # one database too: the servers differ by process alone
    (tmp_path / "survivor").mkdir()
    (tmp_path / "other").mkdir()
    with running_ui(tmp_path / "survivor", f"{USER}:{PASSWORD}", db=shared_db) as url:
        with running_ui(tmp_path / "other", f"{USER}:{PASSWORD}", db=shared_db, stop=signal.SIGINT):
            assert len(list((shared_db.parent / SERVERS_FOLDER).iterdir())) == 2  # one app folder each
        # The other server has stopped (Ctrl-C) and removed its own working files: only the survivor's are left.
        assert [path.parent.name for path in (shared_db.parent / SERVERS_FOLDER).glob("*/.files")] != []

        async with async_playwright() as playwright:
            browser = await launch(playwright)
            page = await new_page(browser, viewport={"width": 1400, "height": 1000})
            await page.goto(url)
            await page.fill("#email", USER)
            await page.fill("#password", PASSWORD)
            await page.click("button[type=submit]")
            try:
                await page.get_by_role("button", name="Russia", exact=True).click(timeout=120_000)
                await page.get_by_text("You sit as Russia.").wait_for(timeout=30_000)
                await page.get_by_role("button", name="Draft and brief", exact=True).click()  # as a user opens it
                await page.get_by_text("Private instructions (yours only)").wait_for()  # the brief, in the side panel
                await page.get_by_text("Opening statements").first.wait_for(timeout=30_000)  # the chair opens
            except Exception:
                ARTIFACTS.mkdir(exist_ok=True)
                await page.screenshot(path=str(ARTIFACTS / "ui-two-servers-failure.png"), full_page=True)
                shutil.copy(tmp_path / "survivor" / "server.log", ARTIFACTS / "ui-two-servers-survivor.log")
                raise
            assert "No such file or directory" not in await page.locator("body").inner_text()
            await browser.close()
