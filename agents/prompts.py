"""Render the prompt templates in ``prompts/`` strictly: a missing variable is an error, not a blank."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agents.paths import prompts_dir


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


def render(template: str, **variables: object) -> str:
    """Render ``prompts/<template>`` with ``variables``; surrounding blank lines are stripped."""
    environment = _environment(str(prompts_dir()))
    return environment.get_template(template).render(**variables).strip()


def template_names() -> list[str]:
    """Every template shipped under ``prompts/``, for the test that renders them all."""
    return sorted(_environment(str(prompts_dir())).list_templates(extensions=["j2"]))
