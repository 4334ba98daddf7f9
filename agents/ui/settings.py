"""Settings of the web app, read from the environment that ``parley ui`` prepares."""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

from agents.llm.factory import check_spec, default_spec


def parse_users(text: str) -> dict[str, str]:
    """``alice:secret, bob:pw`` (or one pair per line) to ``{"alice": "secret", ...}``."""
    users = {}
    for entry in text.replace("\n", ",").split(","):
        name, sep, password = entry.strip().partition(":")
        if sep and name and password:
            users[name] = password
    return users


@dataclass
class UiSettings:
    models: list[str]
    db_path: Path
    out: Path
    users: dict[str, str] = field(default_factory=dict)
    origins: list[str] = field(default_factory=list)  # other sites allowed to call the server (CORS)
    judge: str | None = None  # the review's judge; None: the session's model, unless local or scripted
    phase_turns: int | None = None  # cap on delegate turns per phase of a session at one seat; None: no cap

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> UiSettings:
        env = os.environ if environ is None else environ
        models = [check_spec(s.strip()) for s in env.get("PARLEY_UI_MODELS", "").split(",") if s.strip()]
        users_text = env.get("PARLEY_UI_USERS", "")
        users_file = env.get("PARLEY_UI_USERS_FILE")
        if users_file:
            users_text += "\n" + Path(users_file).read_text(encoding="utf-8")
        return cls(
            models=models or [default_spec(dict(env))[0]],
            db_path=Path(env.get("PARLEY_UI_DB", ".parley/ui.sqlite")),
            out=Path(env.get("PARLEY_UI_OUT", "transcripts")),
            users=parse_users(users_text),
            origins=[o.strip().rstrip("/") for o in env.get("PARLEY_UI_ORIGINS", "").split(",") if o.strip()],
            judge=env.get("PARLEY_UI_JUDGE") or None,
            phase_turns=int(env["PARLEY_UI_PHASE_TURNS"]) if env.get("PARLEY_UI_PHASE_TURNS") else None,
        )

    @property
    def auth_enabled(self) -> bool:
        return bool(self.users) and bool(os.environ.get("CHAINLIT_AUTH_SECRET"))

    def check_password(self, username: str, password: str) -> bool:
        expected = self.users.get(username)
        return expected is not None and hmac.compare_digest(expected.encode(), password.encode())
