"""Render the prompt templates in ``prompts/`` strictly: a missing variable is an error, not a blank."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from agents.core.paths import prompts_dir

_PLAIN = (str, int, float, bool, type(None))
_STATIC_CACHE_SIZE = 1024
_static: dict[tuple[object, ...], tuple[tuple[object, ...], str]] = {}


@cache
def _environment(folder: str) -> Environment:
    return Environment(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        auto_reload=False,  # templates are data shipped with the package; don't stat them on every render
    )


@cache
def _template(folder: str, name: str) -> Template:
    # Jinja caches compiled templates too, but finding one there costs as much as a small render.
    return _environment(folder).get_template(name)


def render(template: str, **variables: object) -> str:
    """Render ``prompts/<template>`` with ``variables``; surrounding blank lines are stripped."""
    return _template(str(prompts_dir()), template).render(**variables).strip()


def render_static(template: str, **variables: object) -> str:
    """``render``, remembering the text for these very variables: for text that never changes.

    Plain values (strings, numbers, tuples of them) are compared by value, anything else (a
    persona, a phase) by identity: the same objects give the same text, which is rendered
    once. The cache keeps the objects alive, so their ids cannot be reused while it holds
    them. Only for objects nobody changes in place, as the loaded personas and scenarios.
    """
    key = (str(prompts_dir()), template, *((name, _identity(value)) for name, value in variables.items()))
    cached = _static.get(key)
    if cached is not None:
        return cached[1]
    if len(_static) >= _STATIC_CACHE_SIZE:
        _static.clear()
    text = render(template, **variables)
    _static[key] = (tuple(variables.values()), text)
    return text


def _identity(value: object) -> object:
    if isinstance(value, _PLAIN):
        return type(value), value  # the type too: True and 1 are equal, but render differently
    if isinstance(value, tuple) and all(isinstance(item, _PLAIN) for item in value):
        return tuple, tuple(_identity(item) for item in value)
    return id, id(value)


def template_names() -> list[str]:
    """Every template shipped under ``prompts/``, for the test that renders them all."""
    return sorted(_environment(str(prompts_dir())).list_templates(extensions=["j2"]))
