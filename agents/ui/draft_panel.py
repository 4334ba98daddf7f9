"""The side panel's text: the draft joint statement clause by clause, and the person's brief.

Each clause shows its status (who tabled or proposed it, who supports it, who objects and
why, who amended it) and every amendment as a word diff of the wording before and after
(removed words struck through, added words in bold). Objection reasons are the objectors'
own words at the table, which the presenter collects from the messages it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from difflib import SequenceMatcher

from agents.core.draft import Clause, Draft

DRAFT_HEADING = "## Draft joint statement"
BRIEF_HEADING = "## Your brief"
REASON_CHARS = 160
Reasons = Mapping[int, Mapping[str, str]]  # clause number -> party -> the objection's words


def word_diff(before: str, after: str) -> str:
    """``after`` as Markdown, with the words of ``before`` it dropped struck through and its new words in bold."""
    old, new = before.split(), after.split()
    parts: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"~~{' '.join(old[i1:i2])}~~")
        if op in ("insert", "replace"):
            parts.append(f"**{' '.join(new[j1:j2])}**")
        if op == "equal":
            parts.append(" ".join(old[i1:i2]))
    return " ".join(parts)


def short(text: str, limit: int = REASON_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clause_status(clause: Clause, names: Mapping[str, str], reasons: Reasons | None = None) -> list[str]:
    """One line each: origin, supporters, objectors with their reasons, amenders."""

    def name(party: str) -> str:
        return names.get(party, party)

    origin = "Tabled by the chair" if clause.history and clause.history[0].action == "tabled" else "Proposed by"
    lines = [f"{origin} {name(clause.proposed_by)}" if origin == "Proposed by" else origin]
    lines.append("Supported by: " + (", ".join(map(name, clause.supporters)) or "nobody yet"))
    said = (reasons or {}).get(clause.number, {})
    objections = [f"{name(p)} (“{short(said[p])}”)" if said.get(p) else name(p) for p in clause.objectors]
    lines.append("Objections: " + ("; ".join(objections) or "none"))
    if clause.amended_by:
        lines.append("Amended by: " + ", ".join(dict.fromkeys(map(name, clause.amended_by))))
    return lines


def amendment_diffs(clause: Clause, names: Mapping[str, str]) -> list[str]:
    """Each amendment of ``clause``, oldest first, as a word diff against the wording it replaced."""
    diffs = []
    for previous, revision in zip(clause.history, clause.history[1:], strict=False):
        if revision.action == "amended":
            who = names.get(revision.by, revision.by)
            diffs.append(f"Amended by {who} (turn {revision.turn}): {word_diff(previous.text, revision.text)}")
    return diffs


def clause_markdown(clause: Clause, names: Mapping[str, str], reasons: Reasons | None = None) -> str:
    lines = [f"**Clause {clause.number}.** {clause.text}", ""]
    lines += [f"- {line}" for line in clause_status(clause, names, reasons)]
    lines += [f"- {diff}" for diff in amendment_diffs(clause, names)]
    return "\n".join(lines)


def draft_panel_markdown(draft: Draft, names: Mapping[str, str], reasons: Reasons | None = None) -> str:
    """The draft under its own heading, clause by clause with its status and amendments."""
    if not draft.clauses:
        return f"{DRAFT_HEADING}\n\n*No clauses yet.*"
    parts = [DRAFT_HEADING, *(clause_markdown(c, names, reasons) for c in draft.clauses)]
    if draft.withdrawn:
        parts.append("*Withdrawn: " + ", ".join(f"clause {c.number}" for c in draft.withdrawn) + ".*")
    return "\n\n".join(parts)


def brief_panel_markdown(brief: str) -> str:
    """The person's brief under its own heading."""
    return f"{BRIEF_HEADING}\n\n{brief}"
