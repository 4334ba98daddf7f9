"""A YAML loader that refuses what ``yaml.safe_load`` silently accepts or turns into a traceback.

``safe_load`` keeps the last of two equal keys, so a persona with a second ``kind:`` further
down quietly became another kind of persona; here a repeated key is an error naming the key
and both lines. A value YAML cannot build (a number longer than Python converts, a 30 February)
raises ValueError deep inside PyYAML; here it is a YAML error with the line of the value. Data
nested deeper than ``max_depth`` is refused as it is read, before Python's stack runs out.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

_MERGE_TAG = "tag:yaml.org,2002:merge"


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate keys and deep nesting, and reports unbuildable values
    with their line."""

    def __init__(self, stream: str, max_depth: int):
        super().__init__(stream)
        self.max_depth = max_depth
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                problem = f"nested more than {self.max_depth} levels deep"
                # types-PyYAML leaves Parser.peek_event unannotated.
                raise ComposerError(None, None, problem, self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            # types-PyYAML says the index is an int, but PyYAML passes the key node (or None) for
            # a mapping's entries; it only hands the index on to resolvers.
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            self._refuse_duplicate_keys(node)
        # types-PyYAML wants a MappingNode, but a scalar tagged ``!!map`` arrives here too, and
        # PyYAML's own check turns it into a ConstructorError with its line.
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]

    def _refuse_duplicate_keys(self, node: yaml.MappingNode) -> None:
        # Merge keys (``<<: *base``) may legitimately be overridden, so only written keys count.
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node)
            if key in first_line:
                problem = f"duplicate key {key!r} (first at line {first_line[key] + 1})"
                raise ConstructorError("while reading a mapping", node.start_mark, problem, key_node.start_mark)
            first_line[key] = key_node.start_mark.line

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except ValueError as error:
            raise ConstructorError(None, None, value_problem(error), node.start_mark) from None


def value_problem(error: ValueError) -> str:
    """A ValueError from building a value, said for a user (not ``use sys.set_int_max_str_digits()``)."""
    if "integer string conversion" in str(error):
        return f"a number with more than {sys.get_int_max_str_digits()} digits"
    return f"cannot read this value: {error}"


def load_yaml(text: str, max_depth: int) -> object:
    """Parse one YAML document strictly; raises ``yaml.YAMLError`` (with a line) on any problem."""
    loader = StrictLoader(text, max_depth)  # a SafeLoader: no arbitrary objects
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
