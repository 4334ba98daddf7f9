"""Token prices and what a session cost, per seat and in total.

A price table maps a model label or spec prefix to US dollars per million input and output
tokens, and input tokens the provider served from its prompt cache (``cached_input``; the
input price when not given). The longest key that starts the seat's model label wins, so ``openai:gpt-4o-mini``
beats ``openai:gpt-4o`` for that model. Local, scripted and human seats cost nothing. A file
given with ``--prices`` (JSON or YAML, same shape) is laid over the defaults::

    openai:gpt-4o-mini: {input: 0.15, cached_input: 0.075, output: 0.60}
    openai:my-model: {input: 1.0, output: 2.0}

The defaults are list prices at the time of writing; check your provider's.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from agents.core.events import CHAIR
from agents.core.loading import ConfigError, describe_validation_error, parse_document
from agents.core.usage import Usage
from agents.review.schema import CostRow, Costs
from agents.sessions.transcript import Transcript

PER_TOKENS = 1_000_000


class Price(BaseModel):
    """US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0, description="input read from the prompt cache")

    def of(self, usage: Usage) -> float:
        """What ``usage`` costs at these prices, in dollars."""
        cached = min(usage.cached_input_tokens, usage.input_tokens)
        cached_rate = self.input if self.cached_input is None else self.cached_input
        fresh = (usage.input_tokens - cached) * self.input + cached * cached_rate
        return (fresh + usage.output_tokens * self.output) / PER_TOKENS


FREE = Price(input=0, output=0)
DEFAULT_PRICES: dict[str, Price] = {
    "scripted": FREE,
    "local": FREE,
    "person": FREE,
    "rules": FREE,
    "openai:gpt-4o-mini": Price(input=0.15, cached_input=0.075, output=0.60),
    "openai:gpt-4o": Price(input=2.50, cached_input=1.25, output=10.00),
    "openai:gpt-4.1-nano": Price(input=0.10, cached_input=0.025, output=0.40),
    "openai:gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60),
    "openai:gpt-4.1": Price(input=2.00, cached_input=0.50, output=8.00),
    "openai:gpt-5-nano": Price(input=0.05, cached_input=0.005, output=0.40),
    "openai:gpt-5-mini": Price(input=0.25, cached_input=0.025, output=2.00),
    "openai:gpt-5": Price(input=1.25, cached_input=0.125, output=10.00),
    "openai:o4-mini": Price(input=1.10, cached_input=0.275, output=4.40),
}
_TABLE = TypeAdapter(dict[str, Price])


class PriceTable:
    """Prices by label prefix; ``match`` finds the one for a model label."""

    def __init__(self, prices: dict[str, Price] | None = None):
        self.prices = dict(DEFAULT_PRICES if prices is None else prices)

    def match(self, label: str) -> tuple[str, Price] | None:
        """The longest key that ``label`` starts with, and its price; None if there is none."""
        keys = [key for key in self.prices if label.startswith(key)]
        if not keys:
            return None
        key = max(keys, key=len)
        return key, self.prices[key]

    def cost(self, label: str, usage: Usage) -> float | None:
        """What ``usage`` of the model ``label`` costs, in dollars; None if unpriced."""
        found = self.match(label)
        if found is None:
            return None
        return found[1].of(usage)


def load_prices(path: Path | str | None) -> PriceTable:
    """The default table, with a user's JSON or YAML file (if given) laid over it."""
    if path is None:
        return PriceTable()
    path = Path(path)
    data = parse_document(path)
    if not isinstance(data, dict):
        raise ConfigError(path, ["(top level): expected a mapping of model label to {input, output}"])
    try:
        given = _TABLE.validate_python(data)
    except ValidationError as error:
        raise ConfigError(path, describe_validation_error(error)) from None
    return PriceTable({**DEFAULT_PRICES, **given})


def session_costs(transcript: Transcript, table: PriceTable) -> Costs:
    """Tokens and cost of every delegation and of the chair, and their totals."""
    used = transcript.usage_by_speaker()
    seats = [(d.id, d.model) for d in transcript.delegations] + [(CHAIR, transcript.chair.model)]
    rows = []
    for seat, label in seats:
        usage = used.get(seat, Usage())
        found = table.match(label)
        rows.append(
            CostRow(
                seat=seat,
                model=label,
                usage=usage,
                price_key=found[0] if found else None,
                cost=table.cost(label, usage),
            )
        )
    unpriced = [row.seat for row in rows if row.cost is None and row.usage.total_tokens]
    total = sum((row.usage for row in rows), Usage())
    return Costs(rows=rows, total=total, total_cost=sum(row.cost or 0.0 for row in rows), unpriced=unpriced)
