"""End to end: a class at one table, in four browser contexts of Debian's Chromium.

The instructor hosts a room (no seat of their own), the United States joins by the room's
link, North Korea by typing the code, and an observer by the link. The instructor starts
the session; the models play the four empty seats. The instructor pauses and resumes the
talks and has the chair read a piece of news to North Korea alone. The United States and
North Korea meet in private after the opening (the scenario's side meeting) and each says
a secret there.

What each screen shows, and does not: the secrets only on the two members' pages; the news
only on North Korea's; each brief only on its own seat's page; the observer and the
instructor see none of it, and every page reaches the outcome. The transcript names the
people in their seats and records the news with its audience.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import uuid

import pytest

from agents.core.catalog import Catalog
from tests.browser import ARTIFACTS, BROWSER_MARKS, click_and_wait_until_gone, launch, log_in, new_page
from tests.helpers import running_ui

PASSWORD = "a long enough password"
HOST, USA, DPRK, WATCHER = "instructor", "alice", "bob", "carol"
NONCE = uuid.uuid4().hex[:8]
SECRET = {"usa": f"usa-secret-{NONCE}", "dprk": f"dprk-secret-{NONCE}"}
PUBLIC = {"usa": f"usa-public-{NONCE}", "dprk": f"dprk-public-{NONCE}"}
NEWS = f"news-for-pyongyang-{NONCE}: the rail link talks resume"
NAMES = ("host", "usa", "dprk", "watcher")  # the four pages, in this order
SEATED = ("usa", "dprk")
OUTCOME = re.compile(r"Outcome: (Consensus reached|No consensus)")
pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ui-classroom")
    users = ",".join(f"{user}:{PASSWORD}" for user in (HOST, USA, DPRK, WATCHER))
    with running_ui(folder, users) as url:
        yield {"url": url, "folder": folder}


async def press(page, label: str) -> None:
    """Click the one button ``label`` of a question and wait until the question is answered (it goes)."""
    button = page.get_by_role("button", name=label, exact=True)
    await button.click()  # a locator: clicked once the page has settled, however often it re-renders
    await button.wait_for(state="detached")


async def type_in(page, text: str) -> None:
    await page.fill("#chat-input", text)
    await page.keyboard.press("Enter")


async def host_a_room(page, url: str) -> str:
    """Open a short room with no seat for the host; its code, read from the board."""
    await log_in(page, url, HOST, PASSWORD)
    await press(page, "Host a room (a class at one table)")
    await press(page, "5 minutes")
    await press(page, "Short: every phase, 2 turns each")
    await press(page, "No seat: only run the room")
    heading = page.get_by_role("heading", name=re.compile(r"^Room [A-Z2-9]{6}$"))
    await heading.first.wait_for()
    return (await heading.first.inner_text()).split()[-1]


async def join(page, url: str, user: str, seat_label: str, code: str, by_link: bool) -> None:
    if by_link:
        await log_in(page, f"{url}/?room={code}", user, PASSWORD)
    else:
        await log_in(page, url, user, PASSWORD)
        await press(page, "Join a room (code)")
        await page.get_by_text("Type the room's code").first.wait_for()
        await type_in(page, code.lower())  # typed as a person would: any case
    await press(page, seat_label)
    await page.get_by_text(f"You are in room {code}").first.wait_for()


async def make_statement(page, text: str) -> None:
    await press(page, "Make a statement")
    await page.get_by_text("Type your statement:").last.wait_for()
    await type_in(page, text)
    await page.get_by_text(text).first.wait_for()  # the engine took the move and the page shows it


async def take_part(page, seat: str, reload_first: bool = False) -> None:
    """Answer every question until the outcome: the secret in the side meeting, one public
    statement, then yield; accept every clause. With ``reload_first``, the page is reloaded at
    the first question, which must be asked again there."""
    yield_button = page.get_by_role("button", name="Yield the floor")
    accept_button = page.get_by_role("button", name="Accept", exact=True)
    outcome = page.get_by_text(OUTCOME)
    spoke_in_public = False
    for _ in range(80):
        await yield_button.or_(accept_button).or_(outcome).first.wait_for()
        if reload_first:
            reload_first = False
            await page.reload()  # the address is the conversation's: Chainlit reopens it, the room takes it back
            await page.get_by_text("You are back in room").first.wait_for()
            await yield_button.or_(accept_button).first.wait_for()  # asked again
        if await outcome.count():
            return
        if await accept_button.count():
            await click_and_wait_until_gone(accept_button.first)
            continue
        asked = await page.get_by_text("Choose your move:").last.inner_text()
        if "Private side meeting" in asked:
            await make_statement(page, SECRET[seat])
        elif not spoke_in_public:
            await make_statement(page, PUBLIC[seat])
            spoke_in_public = True
        else:
            await click_and_wait_until_gone(yield_button.first)
    raise AssertionError(f"{seat}'s page did not reach the outcome")


async def instruct(host, watcher) -> None:
    """Pause, resume (each seen on the observer's page), then news for North Korea alone."""
    await host.get_by_role("button", name="Pause", exact=True).last.click()
    await watcher.get_by_text("The chair pauses the talks.").first.wait_for()
    await host.get_by_role("button", name="Resume", exact=True).last.click()
    await watcher.get_by_text("The chair resumes the talks.").first.wait_for()
    await host.get_by_role("button", name="Read news", exact=True).last.click()
    await host.get_by_text("Type the news the chair reads out").last.wait_for()
    await type_in(host, f"27 August 2003: {NEWS}")
    await press(host, "Chosen delegations")
    await press(host, "North Korea")
    await press(host, "Done (North Korea)")
    await host.get_by_text("The chair reads the news to North Korea").first.wait_for()
    await watcher.get_by_text("Private side meeting").first.wait_for()  # the meeting is called at the table
    await host.get_by_role("button", name="Hand a seat to the model", exact=True).last.click()
    await press(host, f"United States ({USA})")
    await host.get_by_text("The model holds United States from the next turn.").first.wait_for()


async def page_text(page, seated: bool) -> str:
    """All the page shows, its side panel opened (the draft; the brief on a seated page)."""
    await page.locator("#parley-panel").click()
    await page.get_by_text("Draft joint statement").first.wait_for()
    if seated:
        await page.get_by_text("Private instructions (yours only)").first.wait_for()
    return await page.locator("body").inner_text()


async def test_a_class_at_one_table_each_screen_sees_what_its_seat_may(ui_server):
    from playwright.async_api import async_playwright

    url = ui_server["url"]
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        pages = [await new_page(await browser.new_context(viewport={"width": 1400, "height": 1000})) for _ in range(4)]
        host, usa, dprk, watcher = pages
        try:
            code = await host_a_room(host, url)
            await join(usa, url, USA, "United States", code, by_link=True)
            await join(dprk, url, DPRK, "North Korea", code, by_link=False)
            await join(watcher, url, WATCHER, "Observer (watch only)", code, by_link=True)
            board = host.get_by_text(re.compile(r"Observers: 1\."))
            await board.last.wait_for()  # the host's board lists everyone who came
            board_text = await host.locator(".step").filter(has_text="Observers: 1.").last.inner_text()
            assert USA in board_text and DPRK in board_text

            await press(host, "Start the session")
            await asyncio.gather(
                take_part(usa, "usa"), take_part(dprk, "dprk", reload_first=True), instruct(host, watcher)
            )
            for page in (host, watcher):
                await page.get_by_text(OUTCOME).first.wait_for()

            seen = {
                name: await page_text(page, name in ("usa", "dprk")) for name, page in zip(NAMES, pages, strict=True)
            }
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            for name, page in zip(NAMES, pages, strict=True):
                await page.screenshot(path=str(ARTIFACTS / f"ui-classroom-{name}.png"), full_page=True)
            raise
        finally:
            await browser.close()

    transcripts = list((ui_server["folder"] / "transcripts").glob("*.json"))
    assert len(transcripts) == 1  # one session for the whole room
    record = json.loads(transcripts[0].read_text())
    events = record["events"]
    private = [e for e in events if e.get("audience")]
    assert any(set(e["audience"]) == {"usa", "dprk"} for e in private)  # the side meeting was held

    # The side meeting's secrets: both members' pages, nobody else's.
    for secret in SECRET.values():
        assert any(secret in e.get("text", "") for e in private)
        assert secret in seen["usa"] and secret in seen["dprk"]
        assert secret not in seen["watcher"] and secret not in seen["host"]
    # The news: North Korea's page only, recorded with its audience.
    news = [e for e in events if e["type"] == "news"]
    assert [e["audience"] for e in news] == [["dprk"]] and NEWS in news[0]["text"]
    assert news[0]["dated"] == "27 August 2003"
    assert NEWS in seen["dprk"]
    assert NEWS not in seen["usa"] and NEWS not in seen["watcher"]
    assert seen["host"].count(NEWS) == 1  # as the instructor typed it; the chair's reading went to North Korea
    # Each brief (its private instructions) on its own seat's page only.
    cast = Catalog().cast("six-party-2003")
    for seat in ("usa", "dprk"):
        instruction = cast.delegations[seat].private_instructions[0].text
        assert instruction in seen[seat]
        assert all(instruction not in seen[name] for name in seen if name != seat)
    # Public words reach everyone, the observer and the instructor included.
    for public in PUBLIC.values():
        assert all(public in seen[name] for name in seen)
    # The pause was read to the table.
    assert all("The chair pauses the talks." in seen[name] for name in seen)

    # The record: who held each seat, and from which turn the model took the United States over.
    delegations = {d["id"]: d for d in record["delegations"]}
    assert delegations["usa"]["model"] == f"person ({USA})" and delegations["dprk"]["model"] == f"person ({DPRK})"
    assert all(delegations[seat]["model"].startswith("scripted") for seat in ("rok", "prc", "japan", "russia"))
    handed = [e for e in events if e["type"] == "seat_changed"]
    assert [(e["speaker"], e["previous"]) for e in handed] == [("usa", f"person ({USA})")]
    holders = delegations["usa"]["held_by"]
    assert [h["model"] for h in holders] == [f"person ({USA})", handed[0]["current"]]
    assert holders[1]["from_turn"] == handed[0]["from_turn"] > 1
    later = [
        e for e in events if e["type"] == "message" and e["speaker"] == "usa" and e["turn"] >= holders[1]["from_turn"]
    ]
    assert later and all(e["model"] != f"person ({USA})" for e in later)  # the model spoke for the seat from then on
    # Every participant's history lists the room's conversation, by seat.
    with sqlite3.connect(ui_server["folder"] / "ui.sqlite") as db:
        rows = db.execute('SELECT u.identifier, t.name FROM threads t JOIN users u ON u.id = t."userId"').fetchall()
    names = dict(rows)
    room = names[HOST].split("room ")[1].split(",")[0]
    assert names == {
        HOST: f"six-party-2003: room {room}, host",
        USA: f"six-party-2003: room {room}, United States",
        DPRK: f"six-party-2003: room {room}, North Korea",
        WATCHER: f"six-party-2003: room {room}, observer",
    }
