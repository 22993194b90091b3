"""A case, its notes and its audit as Markdown, for the group's own safeguarding records
(`coprod case export REF`). The export itself is audited.

The command line opens the database and hands the store in (`run_export`), so this
module needs nothing of how the bot is put together.

The record is in English, whatever the group's language: it is written for whoever runs
the command (like every command-line line), the same case must read the same whoever
exports it and whenever, it may be handed to social services or the police, and what it
quotes (the audit's actions, how a case was raised) is stored as English codes. The
member's own words are quoted as they wrote them, in any language.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC
from datetime import datetime
from pathlib import Path

from bot.features.concerns.common import clean_ref
from bot.features.concerns.store import AuditEntry
from bot.features.concerns.store import Concern
from bot.features.concerns.store import ConcernStore

CLI_ACTOR = "command-line"


def _md(text: str) -> str:
    """Member words as an indented Markdown block (inert: nothing renders as markup)."""
    lines = text.splitlines() or [""]
    return "\n".join("    " + line for line in lines)


def _when(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


async def export_case(storage: ConcernStore, raw_ref: str, now: datetime) -> str | None:
    """The Markdown record of a case, or None if there is no such case."""
    ref = clean_ref(raw_ref)
    concern = await storage.concern(ref) if ref else None
    if concern is None:
        return None
    await storage.record_case_audit([AuditEntry(ref, CLI_ACTOR, "coprod case export",
                                                "exported", "", now)])
    notes = await storage.case_notes(ref)
    trail = await storage.case_audit(ref)
    reporter = ("not named (raised anonymously)" if concern.anonymous or
                not concern.reporter_name else concern.reporter_name)
    out = [
        f"# Safeguarding case {ref}",
        "",
        "Restricted: for the group's safeguarding leads only. Keep this file in the "
        "group's safeguarding records and delete it when the retention period ends.",
        "",
        f"- Exported: {_when(now)}",
        f"- Raised: {_when(concern.created_at)} (through: {concern.source})",
        f"- Status: {concern.status.value}",
        f"- Immediate danger reported: {'yes' if concern.danger else 'no'}",
        f"- Reported by: {reporter}",
        f"- May a lead contact them: {_contact(concern)}",
        f"- Acknowledged by: {concern.acknowledged_by or '-'} at "
        f"{_when(concern.acknowledged_at) or '-'}",
        f"- Assigned to: {concern.assignee or '-'}",
        f"- Closed: {_when(concern.closed_at) or '-'}",
        f"- Escalations: {concern.escalations}",
        "",
        "## What was reported",
        "",
        _md(concern.text) if concern.text else "(deleted)",
        "",
    ]
    if concern.about:
        out += ["## Who it is about", "", _md(concern.about), ""]
    if concern.link or concern.quoted:
        out += ["## The message it is about", "", f"Link: {concern.link or '-'}", "",
                _md(concern.quoted), ""]
    if concern.outcome:
        out += ["## Outcome", "", _md(concern.outcome), ""]
    out += ["## Notes", ""]
    if not notes:
        out.append("No notes.")
    for note in notes:
        out += [f"### {note.kind.value.upper()}: {note.author_name} ({note.author_id}), "
                f"{_when(note.at)}", "", _md(note.text), ""]
    out += ["", "## Audit", "", "| When | Who | What | Detail |", "|---|---|---|---|"]
    for entry in trail:
        who = (f"{entry.actor_name} ({entry.actor_id})" if entry.actor_id else
               ("the reporter" if entry.action == "raised" else "the bot"))
        cells = [_when(entry.at), who, entry.action, entry.detail]
        out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ")
                                     for c in cells) + " |")
    return "\n".join(out) + "\n"


def write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


OpenStore = Callable[[], AbstractAsyncContextManager[ConcernStore]]
"""Opens the database (checked and migrated) for the length of a `with` block."""


async def run_export(opened: OpenStore, database: str, ref: str, out: Path | None) -> int:
    """`coprod case export REF [--out PATH]`: write the case as Markdown; exit code.
    `opened` opens the store; `database` names it in the message when there is no case."""
    async with opened() as storage:
        text = await export_case(storage, ref, datetime.now(UTC))
    if text is None:
        print(f"There is no case {clean_ref(ref) or ref!r} in {database}.",
              file=sys.stderr)
        return 1
    path = out or Path(f"case-{clean_ref(ref)}.md")
    write_private(path, text)
    print(f"Wrote case {clean_ref(ref)} to {path} (readable only by you). Keep it with "
          "the group's safeguarding records.")
    return 0


def _contact(concern: Concern) -> str:
    if concern.may_contact and (concern.anonymous or not concern.reporter_name):
        return "no, not named; they asked to be told when a lead acknowledged it"
    return "yes" if concern.may_contact else "no"
