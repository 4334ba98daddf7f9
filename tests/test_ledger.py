"""The position ledger: built by rules from moves, bounded, private where it was said, shown in every prompt."""

from __future__ import annotations

from agents.core.draft import Draft
from agents.core.ledger import OPENING_CHARS, Ledger, describe, gist, record_move
from agents.core.memory import RECENT_TURNS, Memory, TurnRecord
from agents.core.moves import Move
from agents.delegates.base import TurnContext, VoteContext
from agents.delegates.model import turn_messages, vote_messages
from agents.engine.programme import build_programme


def said(ledger: Ledger, party: str, move: Move, turn: int, **where) -> Ledger:
    where.setdefault("phase", "discussion")
    where.setdefault("item", "nuclear")
    return record_move(ledger, move, party=party, turn=turn, **where)


def test_an_opening_statement_is_kept_in_full_and_only_the_first():
    long_opening = "We seek a verifiable end to the programme. " * 80
    ledger = said(Ledger(), "usa", Move(kind="statement", text=long_opening), 1, phase="opening", item=None)
    ledger = said(ledger, "usa", Move(kind="statement", text="A second word."), 7, phase="opening", item=None)
    assert ledger.openings["usa"] == " ".join(long_opening.split())[: OPENING_CHARS - 1] + "…"
    assert ledger.entries == []


def test_the_latest_word_per_party_and_item_is_kept_with_how_often_it_was_repeated():
    ledger = Ledger()
    for turn in range(1, 31):
        ledger = said(ledger, "dprk", Move(kind="statement", text=f"Point number {turn}."), turn, item="security")
    ledger = said(ledger, "dprk", Move(kind="statement", text="On the economy."), 31, item="economy")
    entries = {entry.item: entry for entry in ledger.entries}
    assert len(ledger.entries) == 2
    assert entries["security"].text == "Point number 30." and entries["security"].times == 30
    assert entries["economy"].times == 1


def test_a_change_of_stance_on_a_clause_keeps_what_came_before():
    ledger = said(Ledger(), "prc", Move(kind="support", clause=3, text="We back it."), 10)
    ledger = said(ledger, "prc", Move(kind="objection", clause=3, text="Not as amended."), 20, clause=3)
    (entry,) = ledger.on_clause(3)
    assert entry.kind == "objection" and entry.earlier == ["support"] and entry.times == 2
    assert "earlier supports it" in describe(entry, {}, {})


def test_the_embedded_models_ledger_lines_keep_fewer_words_and_every_other_part():
    long = "We seek a verified freeze of every programme at Yongbyon, then dismantlement in steps."
    ledger = said(Ledger(), "usa", Move(kind="statement", text=long), 7, item="nuclear")
    (entry,) = ledger.entries
    assert describe(entry, {}, {}) == f"[nuclear], turn 7: {long}"
    assert describe(entry, {}, {}, text_chars=30) == "[nuclear], turn 7: We seek a verified freeze of …"


def test_a_proposal_is_noted_on_its_clause_with_its_wording_and_its_condition():
    move = Move(kind="proposal", text="We propose.", clause_text="A freeze for fuel.", conditional_on="clause 2 stays")
    ledger = said(Ledger(), "rok", move, 5, phase="drafting", item=None, clause=4)
    (entry,) = ledger.on_clause(4)
    assert entry.wording == "A freeze for fuel." and entry.conditional_on == "clause 2 stays"
    assert '"A freeze for fuel."' in describe(entry, {}, {})
    assert "the draft's current text" in describe(entry, {}, {4: "A freeze for fuel."})
    assert ledger.conditions() == [entry]


def test_side_meeting_entries_stay_in_their_members_ledgers():
    secret = "In confidence: we could accept a phased freeze."
    ledger = said(
        Ledger(),
        "usa",
        Move(kind="statement", text=secret),
        8,
        phase="side_meeting",
        item=None,
        audience=("dprk", "usa"),
    )
    assert [e.text for e in ledger.visible_to("dprk").entries] == [secret]
    assert ledger.visible_to("japan").entries == [] and ledger.public().entries == []


def test_courtesies_are_left_out_of_the_gist():
    assert gist("We thank the chair and the hosts. We want dismantlement first.", 120) == "We want dismantlement first."
    assert gist("Thank you.", 120) == "Thank you."


def test_private_turns_fade_from_verbatim_memory_as_public_ones_do():
    memory = Memory().remember(
        TurnRecord(
            turn=1, phase="side_meeting", speaker="usa", kind="statement", text="secret", audience=("usa", "dprk")
        )
    )
    assert [r.text for r in memory.heard_by("dprk")] == ["secret"]
    for turn in range(2, 2 + RECENT_TURNS):
        memory = memory.remember(TurnRecord(turn=turn, phase="discussion", speaker="prc", kind="statement", text="x"))
    assert "secret" not in [r.text for r in memory.heard_by("dprk")]


def six_party_ledger(cast) -> Ledger:
    ledger = Ledger()
    for turn, party in enumerate(cast.scenario.parties, start=1):
        ledger = said(
            ledger,
            party,
            Move(kind="statement", text=f"Opening of {party}: our aims."),
            turn,
            phase="opening",
            item=None,
        )
    ledger = said(ledger, "usa", Move(kind="statement", text="Complete dismantlement comes first."), 7)
    ledger = said(ledger, "dprk", Move(kind="objection", clause=1, text="Never disarm first."), 8, clause=1)
    return ledger


def test_turn_and_ballot_prompts_show_the_others_openings_and_positions(catalog):
    cast = catalog.cast("six-party-2003")
    ledger = six_party_ledger(cast)
    draft = Draft().add("The parties seek a nuclear-free peninsula.", "chair-prc", 0, "tabled")
    vote_phase = next(p for p in cast.scenario.phases if p.kind == "consensus")
    ballot = vote_messages(VoteContext(cast, cast.delegations["dprk"], vote_phase, draft, Memory(), 9, ledger))
    text = "\n".join(str(m.content) for m in ballot)
    assert all(f"Opening of {p}: our aims." in text for p in cast.scenario.parties if p != "dprk")
    assert "Complete dismantlement comes first." in text and "Never disarm first." in text
    segment = next(s for s in build_programme(cast.scenario) if s.kind == "discussion")
    context = TurnContext(
        cast,
        cast.delegations["usa"],
        segment.phase,
        segment.agenda_item,
        segment.allowed_moves,
        draft,
        Memory(),
        9,
        ledger=ledger,
    )
    turn = "\n".join(str(m.content) for m in turn_messages(context))
    assert "Opening of dprk: our aims." in turn and "Never disarm first." in turn
    assert "Opening of usa" not in turn  # its own opening: its brief already states its position


def test_the_ledger_stops_growing_once_every_party_has_spoken_on_every_topic(catalog):
    from langchain_core.messages.utils import count_tokens_approximately

    cast = catalog.cast("six-party-2003")
    parties, items = cast.scenario.parties, [item.id for item in cast.scenario.agenda]
    segment = next(s for s in build_programme(cast.scenario) if s.kind == "discussion")
    ledger, sizes = Ledger(), {}
    for turn in range(1, 401):
        party = parties[turn % len(parties)]
        if turn % 3:
            move = Move(kind="statement", text=f"Turn {turn}: " + "we restate our position at length. " * 10)
            ledger = said(ledger, party, move, turn, item=items[turn % len(items)])
        else:
            ledger = said(ledger, party, Move(kind="objection", clause=turn % 8 + 1, text="No. " * 50), turn)
        if turn in (100, 400):
            context = TurnContext(
                cast,
                cast.delegations["usa"],
                segment.phase,
                segment.agenda_item,
                segment.allowed_moves,
                Draft(),
                Memory(),
                turn,
                ledger=ledger,
            )
            sizes[turn] = count_tokens_approximately(turn_messages(context))
    assert len(ledger.entries) <= len(parties) * (len(items) + 8)
    assert sizes[400] <= 1.02 * sizes[100], sizes
