"""Assemble a ``Review`` from a transcript: the computed parts, then (optionally) the judge's scores.

``compute_review`` needs no model; ``review_transcript`` adds the scores from a judge model
made from a spec (``--judge``; by default the model the session itself was run with, unless
that is ``local`` or ``scripted``: a tiny or rule-based model does not judge its own play, so
such a session has no scores without an explicit ``--judge``, and the review says why).
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from agents.core.catalog import Catalog
from agents.core.knowledge import persona_as_of
from agents.core.loading import ConfigError
from agents.core.personas import Persona, load_persona
from agents.llm.factory import ModelPool, ModelSettings, ModelSpecError, check_spec, default_spec
from agents.review.disclosure import delegation_disclosures
from agents.review.evolution import clause_histories
from agents.review.grounding import session_grounding
from agents.review.leakage import session_leaks
from agents.review.meetings import side_meetings
from agents.review.metrics import floor_turns, move_counts, phase_spans, speaking_share
from agents.review.news import news_read
from agents.review.outcome import outcome_summary, vote_cells
from agents.review.plans import private_plans
from agents.review.prices import PriceTable, session_costs
from agents.review.record import with_record
from agents.review.record_judge import with_judged_record
from agents.review.schema import Review, Seat
from agents.review.scores import judged_grounding, score_delegations
from agents.sessions.transcript import DelegationInfo, Transcript

NO_JUDGE = "none"
# Backends that may judge only when asked by name: they would be judging their own play.
NO_SELF_JUDGING = ("local", "scripted")
# A judge should not improvise, and its reasons need more room than a delegate's move.
JUDGE_SETTINGS = ModelSettings(seed=0, temperature=0.0, max_tokens=800)


def session_personas(transcript: Transcript, catalog: Catalog | None = None) -> dict[str, Persona]:
    """The briefs the delegations played: the session's own persona files where they still exist, else shipped.

    Each holds only the claims known at the session's knowledge date, as its delegation was
    told: grounding, leaks and judges measure a delegation against what it could know.
    """
    known = (catalog or Catalog()).personas
    for seat, path in transcript.settings.persona_for.items():
        if path.exists():
            try:
                known[seat] = load_persona(path)
            except ConfigError:
                continue  # the file changed since the session: judge against the shipped persona
    as_of = transcript.scenario.knowledge_date
    return {d.id: persona_as_of(known[d.id], as_of)[0] for d in transcript.delegations if d.id in known}


def _seat(info: DelegationInfo, persona: Persona | None) -> Seat:
    colour = persona.colour if persona is not None else None
    return Seat(id=info.id, name=info.name, short_name=info.short_name, model=info.model, colour=colour)


def compute_review(
    transcript: Transcript, personas: dict[str, Persona], prices: PriceTable | None = None, viewer: str | None = None
) -> Review:
    """Everything but the scores, from the transcript and the personas alone.

    With ``viewer`` (a seat id) the review covers only what that seat saw: no private side
    meeting it did not sit in, and no other delegation's private plan.
    """
    transcript = transcript.seen_by(viewer)
    scenario = transcript.scenario
    review = Review(
        session_id=transcript.session_id,
        scenario_id=scenario.id,
        title=scenario.title,
        venue=scenario.venue,
        date=scenario.date,
        status=transcript.status,
        chair=_seat(transcript.chair, None),
        delegations=[_seat(d, personas.get(d.id)) for d in transcript.delegations],
        outcome=outcome_summary(transcript),
        phases=phase_spans(transcript),
        turns=floor_turns(transcript),
        speaking=speaking_share(transcript),
        moves=move_counts(transcript),
        clauses=clause_histories(transcript),
        votes=vote_cells(transcript),
        costs=session_costs(transcript, prices or PriceTable()),
        grounding=session_grounding(transcript, personas),
        leaks=session_leaks(transcript, personas),
        viewer=viewer,
        meetings=side_meetings(transcript),
        plans=private_plans(transcript),
        news=news_read(transcript),
    )
    return with_record(review, transcript)


def judge_spec(transcript: Transcript, given: str | None) -> str | None:
    """The judge's model spec: ``given``; else the session's model; None for ``none`` (no scores)."""
    return judge_choice(transcript, given)[0]


def judge_choice(transcript: Transcript, given: str | None) -> tuple[str | None, str | None]:
    """The judge's spec and, when there is none, why: ``none`` asked, or a session model that may not judge itself."""
    if given == NO_JUDGE:
        return None, "no judge scores: --judge none"
    if given:
        return check_spec(given), None
    try:
        spec = check_spec(str(transcript.settings.model))
    except ModelSpecError:
        spec = default_spec()[0]
    backend = spec.split(":", 1)[0]
    if backend in NO_SELF_JUDGING:
        return None, f"no judge scores: this session ran on {backend}; pass --judge SPEC"
    return spec, None


async def add_scores(
    review: Review, transcript: Transcript, personas: dict[str, Persona], model: BaseChatModel, label: str
) -> Review:
    """The review with the judge's scores, its count of grounded statements and its paraphrase check."""
    scores = await score_delegations(transcript, review, personas, model, label)
    checked = [p for seat, p in personas.items() if review.viewer in (None, seat)]  # others' briefs: not in a view
    for persona in checked:
        leaks, notes, usage = await delegation_disclosures(transcript, persona, model)
        scores.paraphrased_leaks += leaks
        scores.leak_notes += notes
        scores.usage += usage
    evaluations = {e.delegation: e for e in scores.evaluations}
    grounding = [judged_grounding(g, evaluations.get(g.delegation), label) for g in review.grounding]
    return review.model_copy(update={"scores": scores, "grounding": grounding})


async def review_transcript(
    transcript: Transcript,
    pool: ModelPool,
    judge: str | None = None,
    prices: PriceTable | None = None,
    catalog: Catalog | None = None,
    viewer: str | None = None,
) -> Review:
    """The full review: computed parts, and scores from the judge ``judge`` resolves to (none for ``none``).

    With ``viewer``, the review and the judge see only what that seat saw.
    """
    personas = session_personas(transcript, catalog)
    review = compute_review(transcript, personas, prices, viewer)
    transcript = transcript.seen_by(viewer)
    spec, why_not = judge_choice(transcript, judge)
    if spec is None:
        return review.model_copy(update={"no_scores": why_not})
    handle = pool.get(spec, seed=0)
    review = await add_scores(review, transcript, personas, handle.model, handle.label)
    return await with_judged_record(review, transcript, handle.model, handle.label, catalog)
