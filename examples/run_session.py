"""Run the river-treaty example scenario through Parley's public API and print its outcome.

    python examples/run_session.py [--model SPEC] [--seed N] [--out DIR]

The scenario and its three personas live in ``examples/river-treaty/``, not among the shipped
files. A scenario given as a file still finds its parties and chair among the shipped
personas only, so the example's own personas are handed over with ``persona_for``: persona
id -> persona file, for the two delegations and the chair alike. By default every seat is
played by the scripted model: offline, deterministic, about a second.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from agents import RunSettings, run_session

HERE = Path(__file__).resolve().parent / "river-treaty"
SCENARIO = HERE / "scenarios" / "river-treaty.yaml"
PERSONAS = {path.stem: path for path in sorted((HERE / "personas").glob("*.yaml"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="scripted", help="model spec for every seat (default: scripted)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="folder for the transcript (default: none written)")
    args = parser.parse_args()

    settings = RunSettings(scenario=str(SCENARIO), model=args.model, seed=args.seed, persona_for=PERSONAS, out=args.out)
    transcript = asyncio.run(run_session(settings))

    outcome = transcript.outcome
    assert outcome is not None  # a session that ran to its end always has one
    print(f"Session {transcript.session_id}: {transcript.status}")
    print(f"Outcome: {'consensus' if outcome.consensus else 'no consensus'} ({outcome.rule})")
    for clause in outcome.clauses:
        votes = f"{len(clause.accept)} accept, {len(clause.object)} object, {len(clause.abstain)} abstain"
        print(f"  clause {clause.clause}: {clause.status} ({votes}, {len(clause.no_answer)} no answer)")
    if args.out is not None:
        print(f"Transcript: {args.out / (transcript.session_id + '.json')}")


if __name__ == "__main__":
    main()
