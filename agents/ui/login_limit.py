"""How many wrong passwords the web app takes: so many per user name and per address, in a window.

Without a limit a script tries passwords as fast as the server answers (40 in half a second).
``LoginLimiter`` counts failed sign-ins per user name and per client address over a sliding
window; past either limit it refuses every attempt (the right password too) until the oldest
failure leaves the window, and says when that is. A successful sign-in clears the user's count
(not the address's: one right password must not buy an address more guesses at other users).

It only counts: ``agents.ui.web.LoginGuard`` asks it about each attempt and tells it the
outcome, one attempt at a time. It lives in the server process; a restart forgets it.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

PER_USER = 5
PER_ADDRESS = 20  # higher: people behind one NAT share an address
WINDOW_SECONDS = 900.0
SWEEP_ABOVE = 10_000  # keys tracked before the expired ones are swept (many made-up user names)


class TooManyAttempts(Exception):
    """Refused: too many failed sign-ins; ``retry_after`` seconds until the next attempt may be made."""

    def __init__(self, retry_after: float):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(
            f"Too many failed sign-ins for this user or from this address: try again in {self.retry_after} s."
        )


class LoginLimiter:
    """Failed sign-ins per user and per address over the last ``window_seconds``; see the module docstring."""

    def __init__(
        self,
        per_user: int = PER_USER,
        per_address: int = PER_ADDRESS,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limits = {"user": per_user, "address": per_address}
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def check(self, user: str, address: str) -> None:
        """Raise ``TooManyAttempts`` if ``user`` or ``address`` has used up its failures."""
        now = self.clock()
        if len(self._failures) > SWEEP_ABOVE:
            self._sweep(now)
        wait = max(self._wait(("user", user), now), self._wait(("address", address), now))
        if wait > 0:
            raise TooManyAttempts(wait)

    def failed(self, user: str, address: str) -> None:
        now = self.clock()
        for key in (("user", user), ("address", address)):
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, user: str) -> None:
        self._failures.pop(("user", user), None)

    def _wait(self, key: tuple[str, str], now: float) -> float:
        """Seconds until ``key`` may try again: 0 below its limit."""
        failures = self._failures.get(key)
        if failures is None:
            return 0.0
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return 0.0
        limit = self.limits[key[0]]
        if len(failures) < limit:
            return 0.0
        # Refused until enough of the oldest failures leave the window to fall below the limit.
        return failures[len(failures) - limit] + self.window - now

    def _sweep(self, now: float) -> None:
        for key in list(self._failures):
            self._wait(key, now)  # drops the key once all its failures are old
