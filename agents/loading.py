"""Read YAML and JSON files into strict pydantic models, with errors that name the file and field.

Every file a user can edit (personas, scenarios, transcripts) passes through here, so a
mistake is reported once, in one format: ``path: field.sub[2]: what is wrong``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)


class ConfigError(ValueError):
    """A user-supplied file is malformed. The message names the file and the field."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{self.path}: invalid\n{lines}")


def _field_path(location: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as ``agenda[2].title``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def describe_validation_error(error: ValidationError) -> list[str]:
    """One line per problem, each starting with the field it concerns.

    Whole-model validators report no location; ours start their message with the field
    (``chair: ...``), so their lines keep that instead of ``(top level): Value error, ...``.
    """
    lines = []
    for item in error.errors():
        message = item["msg"]
        if not item["loc"] and message.startswith("Value error, "):
            lines.append(message.removeprefix("Value error, "))
        else:
            lines.append(f"{_field_path(item['loc'])}: {message}")
    return lines


def read_text(path: Path) -> str:
    """Read a UTF-8 file, turning I/O and encoding failures into ConfigError."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except UnicodeDecodeError as error:
        raise ConfigError(path, [f"not UTF-8 text (byte {error.start})"]) from None
    except OSError as error:
        raise ConfigError(path, [f"cannot read: {error.strerror}"]) from None


def parse_document(path: Path) -> object:
    """Parse a YAML or JSON file (by suffix) into plain Python data."""
    text = read_text(path)
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise ConfigError(path, [f"invalid JSON at line {error.lineno}: {error.msg}"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(path, [f"invalid YAML{where}: {problem}"]) from None


def load_model(path: Path | str, model: type[ModelT]) -> ModelT:
    """Load ``path`` and validate it as ``model``; raise ConfigError on any problem."""
    path = Path(path)
    data = parse_document(path)
    if not isinstance(data, dict):
        raise ConfigError(path, ["(top level): expected a mapping of fields"])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ConfigError(path, describe_validation_error(error)) from None
