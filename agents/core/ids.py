"""The one rule for ids that become file names: session, scenario, persona and agenda ids.

A session id names its transcript (``<out>/<session_id>.json``), a scenario id starts the
session ids made from it, and a persona id names its file. An id read from a file a user
can edit (or plant) must therefore not be able to climb out of the folder it is used in:
``../../escaped/pwn`` is refused when the file is read, with the field named, long before
anything is written.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

MAX_ID_LENGTH = 128
SAFE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SAFE_ID_RULE = (
    f"lowercase letters, digits and '-', starting with a letter or digit, "
    f"at most {MAX_ID_LENGTH} characters (pattern {SAFE_ID_PATTERN})"
)
_SAFE_ID = re.compile(SAFE_ID_PATTERN)
_SHOWN = 40  # characters of a refused id quoted back: enough to recognise it, not a page of it


def is_safe_id(value: str) -> bool:
    """Whether ``value`` may be used as (part of) a file name."""
    # fullmatch: ``$`` alone would let a trailing newline through.
    return len(value) <= MAX_ID_LENGTH and _SAFE_ID.fullmatch(value) is not None


def check_id(value: str) -> str:
    """``value`` unchanged if it is a safe id; else ValueError quoting it and stating the rule."""
    if not is_safe_id(value):
        shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "..."
        raise ValueError(f"{shown!r} is not a valid id: {SAFE_ID_RULE}")
    return value


SafeId = Annotated[
    str,
    AfterValidator(check_id),
    WithJsonSchema({"type": "string", "pattern": SAFE_ID_PATTERN, "maxLength": MAX_ID_LENGTH}),
]
"""A ``str`` field that must be a safe id; pydantic names the field when it is not."""
