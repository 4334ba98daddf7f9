"""The shipped personas and scenarios, loaded together so that references between them are checked.

A scenario names its parties and chair by persona id; ``Catalog.cast`` resolves them and
refuses, before any model is called, a scenario whose ids do not match persona files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agents.core.events import CHAIR
from agents.core.knowledge import empty_fields, persona_as_of
from agents.core.loading import ConfigError
from agents.core.paths import personas_dir, scenarios_dir
from agents.core.personas import Claim, Persona, load_persona
from agents.core.scenarios import Scenario, load_scenario


@dataclass(frozen=True)
class Cast:
    """A scenario with its personas resolved: ``delegations`` in seating order, then the chair.

    Each persona holds only the claims known at the scenario's ``as_of``; ``left_out`` lists, by
    persona id, the claims dropped because they are dated later.
    """

    scenario: Scenario
    chair: Persona
    delegations: dict[str, Persona]
    left_out: dict[str, list[Claim]] = field(default_factory=dict)

    def persona(self, persona_id: str) -> Persona:
        if persona_id == self.chair.id:
            return self.chair
        return self.delegations[persona_id]

    def party_names(self) -> dict[str, str]:
        """Each delegation's short name by id, in seating order (a fresh dict: callers may add to it)."""
        return {party: persona.short_name for party, persona in self.delegations.items()}

    def names(self) -> dict[str, str]:
        """Display name by seat: the delegations, then the chair under both ``chair`` and its persona id.

        The chair speaks as ``chair`` but tables clauses under its persona id, so both must resolve.
        """
        return {**self.party_names(), CHAIR: self.chair.short_name, self.chair.id: self.chair.short_name}

    def name(self, seat: str | None) -> str:
        """The display name of ``seat``; ``None`` is the chair, an unknown seat is shown as its id."""
        seat = seat or CHAIR
        return self.names().get(seat, seat)


def _check_persona_files(folder: Path) -> dict[str, tuple[Path, Persona]]:
    found: dict[str, tuple[Path, Persona]] = {}
    for path in sorted(folder.glob("*.yaml")):
        persona = load_persona(path)
        if persona.id != path.stem:
            raise ConfigError(path, [f"id: '{persona.id}' must match the file name '{path.stem}'"])
        found[persona.id] = (path, persona)
    return found


class Catalog:
    """Personas and scenarios from two folders (by default the shipped ones)."""

    def __init__(self, personas: Path | None = None, scenarios: Path | None = None):
        self.personas_folder = personas or personas_dir()
        self.scenarios_folder = scenarios or scenarios_dir()
        self._personas = _check_persona_files(self.personas_folder)

    @property
    def personas(self) -> dict[str, Persona]:
        return {persona_id: persona for persona_id, (_, persona) in self._personas.items()}

    def scenario_paths(self) -> list[Path]:
        return sorted(self.scenarios_folder.glob("*.yaml"))

    def scenario_path(self, name: str) -> Path:
        """A scenario id (``six-party-2003``) or a path to a scenario file."""
        as_path = Path(name)
        if as_path.suffix in {".yaml", ".yml"} or as_path.exists():
            return as_path
        path = self.scenarios_folder / f"{name}.yaml"
        if not path.exists():
            known = ", ".join(p.stem for p in self.scenario_paths())
            raise ConfigError(path, [f"no scenario '{name}' (shipped: {known})"])
        return path

    def cast(self, name: str, overrides: dict[str, Persona] | None = None) -> Cast:
        """Load a scenario and resolve its chair and parties; ``overrides`` swap in personas."""
        path = self.scenario_path(name)
        scenario = load_scenario(path)
        personas = {**self.personas, **(overrides or {})}
        problems = _reference_problems(scenario, personas)
        if problems:
            raise ConfigError(path, problems)
        seats = [*scenario.parties, scenario.chair]
        known: dict[str, Persona] = {}
        left_out: dict[str, list[Claim]] = {}
        for seat in seats:
            known[seat], dropped = persona_as_of(personas[seat], scenario.knowledge_date)
            if dropped:
                left_out[seat] = dropped
            for empty in empty_fields(known[seat]):
                problems.append(
                    f"as_of: '{seat}' would be left without any {empty} claim known at "
                    f"{scenario.knowledge_date.isoformat()} ({len(dropped)} claims dated later)"
                )
        if problems:
            raise ConfigError(path, problems)
        delegations = {party: known[party] for party in scenario.parties}
        return Cast(scenario=scenario, chair=known[scenario.chair], delegations=delegations, left_out=left_out)


def _reference_problems(scenario: Scenario, personas: dict[str, Persona]) -> list[str]:
    known = ", ".join(sorted(personas))
    problems = []
    for index, party in enumerate(scenario.parties):
        persona = personas.get(party)
        if persona is None:
            problems.append(f"parties[{index}]: unknown party '{party}' (known: {known})")
        elif persona.kind != "delegation":
            problems.append(f"parties[{index}]: '{party}' is a {persona.kind}, not a delegation")
    chair = personas.get(scenario.chair)
    if chair is None:
        problems.append(f"chair: unknown chair persona '{scenario.chair}' (known: {known})")
    elif chair.kind != "chair":
        problems.append(f"chair: '{scenario.chair}' is a {chair.kind}, not a chair")
    elif chair.represents and chair.represents not in scenario.parties:
        problems.append(f"chair: '{scenario.chair}' represents '{chair.represents}', which is not a party")
    return problems
