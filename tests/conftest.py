"""Shared fixtures. No test may reach beyond this machine: the guard below fails any attempt."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from agents.core.catalog import Catalog
from agents.llm.local_server import LocalModelServer


def _is_local(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost",):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True  # Unix sockets and the like stay on this machine


@pytest.fixture(autouse=True)
def block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection to a non-loopback address, and hide real API credentials."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if not _is_local(address):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True, scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory):
    """The embedded model's unpacked weights go to a folder of the test run, not the user's cache."""
    import os

    folder = tmp_path_factory.mktemp("parley-cache")
    before = os.environ.get("PARLEY_CACHE_DIR")
    os.environ["PARLEY_CACHE_DIR"] = str(folder)  # for this process and the parley commands tests start
    yield folder
    if before is None:
        os.environ.pop("PARLEY_CACHE_DIR", None)
    else:
        os.environ["PARLEY_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog()


@pytest.fixture(scope="session")
def local_server():
    """The embedded SmolLM2 model behind llama-cpp-python's OpenAI-compatible server, on loopback."""
    with LocalModelServer() as server:
        yield server
