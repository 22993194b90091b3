"""Reading action items from minutes: one per line, "owner: task (due date)".

The owner is a mention (`<@U123>`, `@sam`) when they should get a reminder by direct
message; a plain name is kept as written, with no reminder (there is nobody to DM).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.features.meetings import wording
from bot.features.meetings.store import NewAction
from bot.features.meetings.when import WhenError
from bot.features.meetings.when import due_moment
from bot.features.meetings.when import parse_due_date

_LINE = re.compile(
    r"^\s*(?:[-*•]\s*)?(?P<owner>[^:]{1,80}?)\s*:\s*(?P<task>.*?)\s*"
    r"(?:\((?:due\s*:?\s*)?(?P<due>[^()]{1,60})\))?\s*$", re.IGNORECASE)
_MENTION = re.compile(r"^<@!?(?P<id>[\w.-]+)>$|^@(?P<name>[\w.-]+)$")
MAX_ACTIONS = 30


def parse_actions(text: str, zone: ZoneInfo, now: datetime) -> list[NewAction]:
    """Every non-empty line as an action item; `WhenError` naming the first bad line."""
    actions: list[NewAction] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None or not match.group("task") or not match.group("owner").strip():
            raise WhenError(wording.action_line_bad(number, line))
        owner = match.group("owner").strip()
        mention = _MENTION.match(owner)
        owner_id = ""
        if mention is not None:
            owner_id = mention.group("id") or mention.group("name") or ""
        due = None
        if match.group("due"):
            try:
                due = due_moment(parse_due_date(match.group("due"), zone, now), zone)
            except WhenError as exc:
                raise WhenError(wording.action_line_problem(number, str(exc))) from None
        actions.append(NewAction(owner_id, owner.lstrip("@"), match.group("task"), due,
                                 zone.key))
    if len(actions) > MAX_ACTIONS:
        raise WhenError(wording.action_line_bad(MAX_ACTIONS + 1, "…"))
    return actions
