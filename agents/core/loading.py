"""Read YAML and JSON files into strict pydantic models, with errors that name the file and field.

Every file a user can edit (personas, scenarios, transcripts) passes through here, so a
mistake is reported once, in one format: ``path: field.sub[2]: what is wrong``.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import NamedTuple, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from agents.core.strict_yaml import load_yaml, value_problem

ModelT = TypeVar("ModelT", bound=BaseModel)
MB = 1024 * 1024
# Far deeper than any Parley file (a transcript nests about ten levels), far shallower than
# the depth at which Python's parsers or pydantic run out of stack.
MAX_DEPTH = 100


class SizeLimit(NamedTuple):
    """The largest file of a kind that Parley reads, and what to call that kind in the refusal."""

    bytes: int
    what: str

    def refusal(self, size: int) -> str:
        return f"the file is {size / MB:.1f} MB, over the {self.bytes // MB} MB limit for {self.what}"


CONFIG_FILE = SizeLimit(5 * MB, "personas, scenarios and price files")
TRANSCRIPT_FILE = SizeLimit(200 * MB, "transcripts and batch manifests")


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
    Pydantic's ``Value error, `` prefix is dropped everywhere: our validators' messages say it.
    """
    lines = []
    for item in error.errors():
        message = item["msg"]
        if not item["loc"] and message.startswith("Value error, "):
            lines.append(message.removeprefix("Value error, "))
        else:
            lines.append(f"{_field_path(item['loc'])}: {message.removeprefix('Value error, ')}")
    return lines


def read_text(path: Path, limit: SizeLimit = CONFIG_FILE) -> str:
    """Read a UTF-8 file of at most ``limit``, turning every way it can fail into ConfigError.

    The file must be a regular file: ``/dev/zero`` would be read forever, a FIFO would block.
    """
    try:
        check_regular_file(path, limit)
        with path.open(encoding="utf-8") as stream:
            text = stream.read(limit.bytes + 1)  # st_size can lie (files in /proc say 0)
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except UnicodeDecodeError as error:
        raise ConfigError(path, [f"not UTF-8 text (byte {error.start})"]) from None
    except OSError as error:
        raise ConfigError(path, [f"cannot read: {error.strerror}"]) from None
    if len(text) > limit.bytes:
        raise ConfigError(path, [limit.refusal(len(text))])
    return text


def check_regular_file(path: Path, limit: SizeLimit) -> None:
    """A regular file within ``limit``, else ConfigError: ``/dev/zero`` would be read forever, a FIFO would block."""
    mode = path.stat()
    if stat.S_ISDIR(mode.st_mode):
        raise ConfigError(path, ["is a folder, not a file"])
    if not stat.S_ISREG(mode.st_mode):
        raise ConfigError(path, ["not a regular file (a device, pipe or socket); give a file"])
    if mode.st_size > limit.bytes:
        raise ConfigError(path, [limit.refusal(mode.st_size)])


def parse_document(path: Path, limit: SizeLimit = CONFIG_FILE) -> object:
    """Parse a YAML or JSON file (by suffix) into plain Python data; ConfigError on any problem.

    Refused besides malformed text: a file over ``limit``, data nested over ``MAX_DEPTH``, a
    repeated key, a number too long to convert.
    """
    text = read_text(path, limit)
    data = _parse_json(path, text) if path.suffix == ".json" else _parse_yaml(path, text)
    if nesting_exceeds(data, MAX_DEPTH):
        raise ConfigError(path, [f"nested more than {MAX_DEPTH} levels deep"])
    return data


def _parse_json(path: Path, text: str) -> object:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise ConfigError(path, [f"invalid JSON at line {error.lineno}: {error.msg}"]) from None
    except RecursionError:
        raise ConfigError(path, [f"invalid JSON: nested more than {MAX_DEPTH} levels deep"]) from None
    except ValueError as error:  # a duplicate key, or a number too long to convert
        problem = str(error) if isinstance(error, DuplicateKey) else value_problem(error)
        raise ConfigError(path, [f"invalid JSON: {problem}"]) from None


class DuplicateKey(ValueError):
    """A JSON object names the same key twice (``json`` would keep the last silently)."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data = dict(pairs)
    if len(data) == len(pairs):
        return data
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise DuplicateKey(f"duplicate key {key!r}")
        seen.add(key)
    return data


def _parse_yaml(path: Path, text: str) -> object:
    try:
        return load_yaml(text, MAX_DEPTH)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(path, [f"invalid YAML{where}: {problem}"]) from None
    except RecursionError:
        raise ConfigError(path, [f"invalid YAML: nested more than {MAX_DEPTH} levels deep"]) from None


def nesting_exceeds(data: object, limit: int) -> bool:
    """Whether lists and mappings nest deeper than ``limit``; iterative, so depth cannot crash it.

    A YAML alias makes one list appear in many places: each is walked again only when met
    deeper than before, so a file of aliases costs at most ``limit`` walks of each container.
    """
    deepest: dict[int, int] = {}
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > limit:
            return True
        if deepest.get(id(value), 0) >= depth:
            continue
        deepest[id(value)] = depth
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children)
    return False


def load_model(path: Path | str, model: type[ModelT], limit: SizeLimit = CONFIG_FILE) -> ModelT:
    """Load ``path`` (at most ``limit`` big) and validate it as ``model``; raise ConfigError on any problem."""
    path = Path(path)
    data = parse_document(path, limit)
    if not isinstance(data, dict):
        raise ConfigError(path, ["(top level): expected a mapping of fields"])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ConfigError(path, describe_validation_error(error)) from None
