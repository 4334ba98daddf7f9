"""The rules of rooms without a browser: seats, observers, the fan-out, each member's outbox.

A member's ``Line`` gets a context that stands for their browser and a ``use`` that records
which one was entered, so a test sees through whose line every event was shown.
"""

from __future__ import annotations

import pytest

from agents.core.catalog import Catalog
from agents.core.events import Event, SessionPaused
from agents.ui.rejoin import Line
from agents.ui.rooms import Member, Outbox, Room, RoomError, Rooms

CAST = Catalog().cast("six-party-2003")


def member(name: str, entered: list[str] | None = None) -> Member:
    line = Line(name, use=(entered.append if entered is not None else lambda context: None))
    return Member(name, name, line, thread_id=f"thread-{name}")


def room() -> Room:
    return Room("ABC234", CAST, "scripted", 300, 2, host=member("host"))


def notice(text: str) -> SessionPaused:
    return SessionPaused(phase="session", speaker="chair", text=text)


def test_a_free_seat_is_taken_and_a_taken_one_is_refused_naming_its_holder():
    table, ana, ben = room(), member("ana"), member("ben")
    table.take_seat(ana, "usa")
    with pytest.raises(RoomError, match="United States is taken by ana"):
        table.take_seat(ben, "usa")
    with pytest.raises(RoomError, match="no seat 'atlantis'"):
        table.take_seat(ben, "atlantis")
    assert table.holder("usa") is ana and ben.seat is None
    assert "usa" not in table.free_seats() and "dprk" in table.free_seats()


def test_one_person_holds_one_seat_and_a_second_choice_frees_the_first():
    table, ana = room(), member("ana")
    table.take_seat(ana, "usa")
    table.take_seat(ana, "dprk")
    assert table.people() == {"dprk": ana}
    assert "usa" in table.free_seats()
    assert table.members.count(ana) == 1


def test_once_the_session_runs_a_late_joiner_may_only_observe():
    table, late = room(), member("late")
    table.state = "running"
    with pytest.raises(RoomError, match="seats are no longer given"):
        table.take_seat(late, "usa")
    table.watch(late)
    assert late in table.observers() and table.holder("usa") is None


def test_the_seat_list_names_people_and_gives_the_other_seats_to_the_model():
    table, ana = room(), member("ana")
    table.take_seat(ana, "japan")
    held = dict(table.seat_list())
    assert held["Japan"] == "ana"
    assert held["Russia"] == "model (scripted)"


async def test_fan_out_reaches_only_members_whose_page_is_open():
    table, shown_to = room(), []
    open_page, waiting = member("open"), member("waiting")
    table.take_seat(open_page, "usa")
    table.watch(waiting)

    async def show(event: Event) -> None:
        shown_to.append(event.text)

    open_page.outbox = Outbox(open_page.line, show)
    table.fan_out(notice("paused"))
    await open_page.outbox.close()
    assert shown_to == ["paused"]
    assert waiting.outbox is None


async def test_an_outbox_shows_in_order_through_its_own_line_and_survives_a_failing_show():
    entered: list[str] = []
    ana, tried = member("ana", entered), []

    async def show(event: Event) -> None:
        tried.append(event.text)
        if event.text == "second":
            raise ConnectionError("the browser went away")

    outbox = Outbox(ana.line, show)
    for text in ("first", "second", "third"):
        outbox.put(notice(text))
    await outbox.close()
    assert tried == ["first", "second", "third"]
    assert entered == ["ana"] * 3  # every event entered this member's line before it was shown
    assert outbox.task.done() and outbox.task.exception() is None


def test_rooms_get_names_the_code_it_could_not_find_as_typed_normalised():
    rooms = Rooms()
    with pytest.raises(RoomError, match="No room is open with the code ZZ9Q"):
        rooms.get("zz-9 q")
    with pytest.raises(RoomError, match=r"\(none\)"):
        rooms.get(" - ")


def test_a_closed_room_is_not_found_by_its_code():
    rooms = Rooms()
    table = rooms.create(CAST, "scripted", 300, None, member("host"))
    assert rooms.get(table.code.lower()) is table
    rooms.close(table)
    with pytest.raises(RoomError, match=table.code):
        rooms.get(table.code)


def test_news_typed_with_a_leading_date_carries_that_date():
    from agents.ui.instructor import dated_news

    assert dated_news("27 August 2003: The rail talks resume.") == ("27 August 2003", "The rail talks resume.")
    assert dated_news("2003-08-27 : Talks resume") == ("2003-08-27", "Talks resume")
    assert dated_news("August 27, 2003: Talks\nresume") == ("August 27, 2003", "Talks\nresume")
    assert dated_news("  Talks resume: on Friday ") == (None, "Talks resume: on Friday")
