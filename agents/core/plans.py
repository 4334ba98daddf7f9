"""A delegation's private plan for the next phase of the talks.

``Plan`` is the schema handed to models as a structured-output tool, so its docstring and
field descriptions are part of the prompt: keep them short and plain. Every field may be
left empty, so a weak model's ``{}`` is still a (blank) plan rather than an error.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Concession(BaseModel):
    """Something your delegation could give, and what it wants in return."""

    give: str = Field(default="", description="what your delegation could concede")
    in_return: str = Field(default="", description="what it asks for in return")


class Plan(BaseModel):
    """Your delegation's private plan for the coming phase. No other delegation sees it."""

    goals: list[str] = Field(default_factory=list, description="what your delegation wants from this phase")
    concessions: list[Concession] = Field(
        default_factory=list, description="what it could concede, each for something in return"
    )
    work_with: list[str] = Field(default_factory=list, description="ids of delegations to work with")
    red_lines_at_risk: list[str] = Field(
        default_factory=list, description="which of your red lines this phase or the draft may push against"
    )

    def is_blank(self) -> bool:
        """Whether the plan says nothing at all (a model that answered ``{}``)."""
        return not (self.goals or self.concessions or self.work_with or self.red_lines_at_risk)


def plan_lines(plan: Plan, names: dict[str, str]) -> list[str]:
    """The plan for people to read, one Markdown bullet per part it fills (delegations by name)."""
    lines = []
    if plan.goals:
        lines.append("- Goals: " + "; ".join(plan.goals))
    for concession in plan.concessions:
        lines.append(f"- Could give: {concession.give}; in return for: {concession.in_return}")
    if plan.work_with:
        lines.append("- Work with: " + ", ".join(names.get(seat, seat) for seat in plan.work_with))
    if plan.red_lines_at_risk:
        lines.append("- Red lines at risk: " + "; ".join(plan.red_lines_at_risk))
    return lines or ["- (a blank plan)"]
