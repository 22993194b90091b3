"""`[retention]` in config.toml: how long check-in answers, feedback, minutes and closed
safeguarding cases are kept before the daily sweep deletes them.

Kept beside, not inside, `bot/config.py` so the retention rules live in one place.
`closed_cases_days` used to be `[concerns] retention_days`; that key still works.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.settings import SettingError

MAX_DAYS = 36500


@dataclass(frozen=True, slots=True)
class RetentionConfig:
    """How many days each kind of record is kept; 0 keeps it until someone deletes it."""

    # Check-ins (answers and private notes) and finished one-to-one requests. A year,
    # so a facilitator's `/checkin summary days=366` still sees the whole year.
    checkin_answers_days: int = 366
    # Feedback that has been shared or hidden (waiting feedback is never deleted).
    feedback_days: int = 366
    # Minutes, their action items (once all are done) and agenda points: the group's
    # own record, kept unless the group chooses a period.
    minutes_days: int = 0
    # Closed safeguarding cases: kept until a lead deletes one, unless the group's
    # safeguarding policy sets a period.
    closed_cases_days: int = 0


def _days(minimum: int, why: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingError(f"must be a whole number of days: 0 (keep) or from "
                               f"{minimum} to {MAX_DAYS}")
        if value != 0 and not minimum <= value <= MAX_DAYS:
            raise SettingError(f"must be 0 (keep) or from {minimum} to {MAX_DAYS}{why}; "
                               f"it is {value}")
        return value
    return check


RETENTION_SCHEMA: dict[str, Any] = {
    "checkin_answers_days": _days(30, " (a shorter time could delete a check-in still "
                                      "waiting for its answer)"),
    "feedback_days": _days(1, ""),
    "minutes_days": _days(1, ""),
    "closed_cases_days": _days(1, ""),
}


def retention_config(values: Mapping[str, Any], concerns_retention_days: int | None = None,
                     ) -> RetentionConfig:
    """The checked `[retention]` values over the defaults; `[concerns] retention_days`
    (the older name) fills `closed_cases_days` when that is not set."""
    chosen = {k: v for k, v in values.items() if k in RETENTION_SCHEMA}
    if "closed_cases_days" not in chosen and concerns_retention_days is not None:
        chosen["closed_cases_days"] = concerns_retention_days
    return RetentionConfig(**chosen)


def retention_problems(values: Mapping[str, Any], concerns_values: Mapping[str, Any],
                       ) -> list[str]:
    """Config lines that contradict each other (the same period set twice, differently)."""
    new, old = values.get("closed_cases_days"), concerns_values.get("retention_days")
    if new is not None and old is not None and new != old:
        return [f"[retention] closed_cases_days: it is {new}, but [concerns] retention_days "
                f"(the older name for the same thing) is {old}. Keep only "
                "closed_cases_days under [retention]"]
    return []
