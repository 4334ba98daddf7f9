"""The web server as started by `parley ui`, over HTTP: no uploads, no foreign origins, few wrong passwords.

Starts the installed `parley ui` (Chainlit and uvicorn for real) with password login, and talks to
it with httpx. The server trusts ``X-Forwarded-For`` from loopback, as behind a reverse proxy on
the same machine: each test claims its own client address that way, so the per-address counts
of one test do not spill into another's.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import chainlit
import httpx
import pytest

from agents.ui.login_limit import PER_ADDRESS, PER_USER
from agents.ui.web import REFUSAL_KEY, WRONG_PASSWORD, WRONG_PASSWORD_KEY
from tests.helpers import running_ui

USERS = {"alice": "alice-password", "bob": "bob-password", "carol": "carol-password"}
FOREIGN = "http://evil.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    users = ",".join(f"{user}:{password}" for user, password in USERS.items())
    with running_ui(tmp_path_factory.mktemp("web"), users, probe="/auth/config") as url:
        yield url


def log_in(url: str, user: str, password: str, address: str) -> httpx.Response:
    # Multipart, as the login page posts it.
    form = {"username": (None, user), "password": (None, password)}
    return httpx.post(f"{url}/login", files=form, headers={"X-Forwarded-For": address}, timeout=10)


def test_the_served_settings_have_file_upload_off(server):
    response = log_in(server, "carol", USERS["carol"], "10.0.0.1")
    assert response.status_code == 200
    settings = httpx.get(f"{server}/project/settings", cookies=response.cookies, timeout=10)
    assert settings.status_code == 200
    assert settings.json()["features"]["spontaneous_file_upload"]["enabled"] is False


def test_cors_answers_the_servers_own_origin_and_not_a_foreign_one(server):
    cookies = {"access_token": "anything"}  # with a cookie, an allow-all setting would echo any origin
    foreign = httpx.get(f"{server}/auth/config", headers={"Origin": FOREIGN}, cookies=cookies, timeout=10)
    assert foreign.status_code == 200 and "access-control-allow-origin" not in foreign.headers
    own = httpx.get(f"{server}/auth/config", headers={"Origin": server}, cookies=cookies, timeout=10)
    assert own.headers.get("access-control-allow-origin") == server
    preflight = {"Origin": FOREIGN, "Access-Control-Request-Method": "POST"}
    refused = httpx.options(f"{server}/login", headers=preflight, timeout=10)
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers


async def test_a_burst_of_wrong_passwords_is_cut_off_per_user(server):
    async with httpx.AsyncClient(timeout=30) as client:
        form = {"username": (None, "alice"), "password": (None, "guess")}
        burst = [client.post(f"{server}/login", files=form, headers={"X-Forwarded-For": "10.0.1.1"}) for _ in range(40)]
        statuses = sorted(response.status_code for response in await asyncio.gather(*burst))
    assert statuses == [401] * PER_USER + [429] * (40 - PER_USER)  # checked one at a time: no race past the limit
    right = log_in(server, "alice", USERS["alice"], "10.0.1.2")  # the right password, from elsewhere
    assert_refused(right)
    assert log_in(server, "bob", USERS["bob"], "10.0.1.1").status_code == 200  # bob's count is his own


def test_wrong_passwords_from_one_address_are_cut_off_whatever_the_user(server):
    statuses = [log_in(server, f"nobody{i}", "guess", "10.0.2.1").status_code for i in range(PER_ADDRESS + 1)]
    assert statuses == [401] * PER_ADDRESS + [429]
    assert_refused(log_in(server, "bob", USERS["bob"], "10.0.2.1"))
    assert log_in(server, "bob", USERS["bob"], "10.0.2.2").status_code == 200


def test_the_login_page_can_word_the_refusal(server):
    translations = httpx.get(f"{server}/project/translations", params={"language": "en-US"}, timeout=10)
    errors = translations.json()["translation"]["auth"]["login"]["errors"]
    assert "Too many failed sign-ins" in errors[REFUSAL_KEY]  # looked up by the 429's status text
    assert errors["credentialsSignin"] == WRONG_PASSWORD


CHAINLIT_LANGUAGES = sorted(path.stem for path in (Path(chainlit.__file__).parent / "translations").glob("*.json"))


@pytest.mark.parametrize("language", CHAINLIT_LANGUAGES)
def test_every_language_asks_for_a_username_and_words_a_wrong_password(server, language):
    translations = httpx.get(f"{server}/project/translations", params={"language": language}, timeout=10)
    login = translations.json()["translation"]["auth"]["login"]
    assert login["form"]["email"]["label"] == "Username"
    assert login["errors"][WRONG_PASSWORD_KEY] == WRONG_PASSWORD  # looked up by the 401's status text
    assert "Too many failed sign-ins" in login["errors"][REFUSAL_KEY]
    assert login["form"]["password"]["label"]  # the rest of the language is still there


def test_a_wrong_password_is_answered_in_plain_words(server):
    answer = log_in(server, "carol", "not-carol-password", "10.0.3.1")
    assert answer.status_code == 401 and answer.json() == {"detail": WRONG_PASSWORD}
    assert log_in(server, "carol", USERS["carol"], "10.0.3.1").status_code == 200  # and the right one still works


@pytest.mark.parametrize("path", ["/", "/login", "/thread/any"])
def test_the_page_links_nothing_on_another_host(server, path):
    headers = {"Accept": "text/html,application/xhtml+xml", "Accept-Encoding": "gzip, br"}
    page = httpx.get(f"{server}{path}", headers=headers, timeout=10)
    assert page.status_code == 200 and '<div id="root">' in page.text
    assert re.findall(r"""\b(?:href|src)=["'](?:[a-z]+:)?//""", page.text) == []
    assert 'src="/assets/' in page.text  # the page's own script is still there


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 429 and response.reason_phrase == REFUSAL_KEY
    detail = response.json()["detail"]
    assert detail.startswith("Too many failed sign-ins for this user or from this address: try again in ")
    assert 0 < int(response.headers["Retry-After"]) <= 900
    assert detail.endswith(f"try again in {response.headers['Retry-After']} s.")
