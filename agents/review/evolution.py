"""The draft's evolution: each clause from its first wording to its final text, with word-level diffs."""

from __future__ import annotations

import difflib

from agents.review.outcome import clause_statuses, final_draft
from agents.review.schema import ClauseHistory, ClauseVersion, DiffPiece
from agents.sessions.transcript import Transcript


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """``new`` against ``old`` word by word: runs kept, removed and added, in reading order."""
    before, after = old.split(), new.split()
    pieces: list[DiffPiece] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(DiffPiece(op="same", text=" ".join(after[b_start:b_end])))
            continue
        if a_end > a_start:
            pieces.append(DiffPiece(op="removed", text=" ".join(before[a_start:a_end])))
        if b_end > b_start:
            pieces.append(DiffPiece(op="added", text=" ".join(after[b_start:b_end])))
    return pieces


def clause_histories(transcript: Transcript) -> list[ClauseHistory]:
    """Every clause of the final draft with each version, who wrote it, and the diff from the one before."""
    statuses = clause_statuses(transcript)
    histories = []
    for clause in final_draft(transcript).clauses:
        versions, previous = [], ""
        for revision in clause.history:
            diff = word_diff(previous, revision.text)
            versions.append(
                ClauseVersion(by=revision.by, turn=revision.turn, action=revision.action, text=revision.text, diff=diff)
            )
            previous = revision.text
        histories.append(
            ClauseHistory(
                number=clause.number,
                agenda_item=clause.agenda_item,
                status=statuses[clause.number],
                versions=versions,
                supporters=clause.supporters,
                objectors=clause.objectors,
            )
        )
    return histories
