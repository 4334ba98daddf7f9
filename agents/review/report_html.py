"""The review (and a comparison) as one self-contained HTML file: styles, plotly.js and data inline.

Nothing is fetched when the file is opened: plotly.js is embedded once in the page's head
(``plotly.offline.get_plotlyjs``), every chart is a ``<div>`` with its data inline, and the
styles use the system's fonts. The file works offline and can be mailed as it is.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import plotly.graph_objects as go
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from agents.core.moves import MOVE_KINDS
from agents.core.verdict import VOTE_MARKS
from agents.review.charts import compare_figures, review_figures
from agents.review.compare import Comparison
from agents.review.schema import Review

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_CONFIG = {"displaylogo": False, "responsive": True}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _plotly_js() -> Markup:
    return Markup(get_plotlyjs())


def _css() -> Markup:
    return Markup((TEMPLATES / "base.css").read_text(encoding="utf-8"))


def figure_html(figure: go.Figure, name: str) -> Markup:
    """A chart as a ``<div>`` and its drawing script, without plotly.js (the page carries it once)."""
    html = figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{name}", config=CHART_CONFIG)
    return Markup(f'<div class="chart">{html}</div>')


def render_page(template: str, names: dict[str, str], **variables: object) -> str:
    """Render one of the report templates with the styles, plotly.js and a ``name`` filter (id to display name)."""
    environment = _environment().overlay()
    environment.filters["name"] = lambda seat: names.get(seat, seat)
    page = environment.get_template(template)
    return page.render(css=_css(), plotly_js=_plotly_js(), names=names, **variables)


def review_html(review: Review) -> str:
    """The full report of one review as an HTML document."""
    charts = {name: figure_html(figure, name) for name, figure in review_figures(review).items()}
    return render_page(
        "report.html.j2",
        review.names(),
        review=review,
        charts=charts,
        move_kinds=MOVE_KINDS,
        marks=VOTE_MARKS,
        changed_by={history.number: history.changed_by for history in review.clauses},
        grounding={g.delegation: g for g in review.grounding},
        leak_count=Counter(leak.speaker for leak in review.leaks),
        paraphrased_count=Counter(leak.speaker for leak in (review.scores.paraphrased_leaks if review.scores else [])),
        evaluations={e.delegation: e for e in review.scores.evaluations} if review.scores else {},
    )


def write_html(path: Path, html: str) -> Path:
    """Write ``html`` to ``path`` (creating its folder) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def comparison_html(comparison: Comparison) -> str:
    """Two sessions side by side as an HTML document, differences highlighted."""
    a, b = comparison.a, comparison.b
    figures = compare_figures(a, b)
    names = {**b.names(), **a.names()}
    return render_page(
        "compare.html.j2",
        names,
        a=a,
        b=b,
        sections=comparison.sections,
        clauses=comparison.clauses,
        differences=comparison.differences,
        charts={name: figure_html(figure, f"compare-{name}") for name, figure in figures.items()},
    )
