"""What the Chromium tests share: Debian's browser and its marks, signing in, clicking an ask-button."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from tests.helpers import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
OUTSIDE = re.compile(r"^(?!http://(127\.0\.0\.1|localhost)).*")  # any host but this machine


async def log_in(page, url: str, user: str, password: str, block_outside: bool = True) -> None:
    """Open ``url`` and sign in; requests to other hosts are refused unless ``block_outside`` is off."""
    if block_outside:
        await page.route(OUTSIDE, lambda route: route.abort())
    await page.goto(url)
    await page.fill("#email", user)
    await page.fill("#password", password)
    await page.click("button[type=submit]")


async def click_and_wait_until_gone(button) -> None:
    """Click an ask-button and wait until Chainlit removes it, so the next look sees fresh buttons."""
    handle = await button.element_handle()
    await handle.click()
    await handle.wait_for_element_state("hidden")


async def launch(playwright):
    """Debian's Chromium, headless, as the machine allows it (no sandbox, no GPU, no background traffic)."""
    return await playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )


# How long a click or a wait may take: a long conversation renders slowly on 2 busy cores, and
# Playwright's default (30 s) then fails a test that is only slow. Still a limit, not a sleep.
ACTION_TIMEOUT_MS = 120_000


async def new_page(browser, **options):
    """A page (``options`` as Playwright's ``new_page``) whose clicks and waits allow ``ACTION_TIMEOUT_MS``."""
    page = await browser.new_page(**options)
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    return page
