"""`[retention]` in config.toml: how long check-in answers, feedback, minutes and closed
safeguarding cases are kept before the daily sweep deletes them.

Kept beside, not inside, `bot/config.py` so the retention rules live in one place; the
registry declares it as the retention feature's section.
`closed_cases_days` used to be `[concerns] retention_days`; that key still works, and the
rule joining the two sections is declared here (`cross_problems`, `settle`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from typing import Any

from pydantic import BaseModel

from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.config_model import section_of
from bot.features.concerns.package import ConcernsConfig
from bot.settings import SettingError

MAX_DAYS = 36500


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


class RetentionConfig(ConfigSection):
    """How many days each kind of record is kept; 0 keeps it until someone deletes it."""

    # Check-ins (answers and private notes) and finished one-to-one requests. A year,
    # so a facilitator's `/checkin summary days=366` still sees the whole year.
    checkin_answers_days: Annotated[int, checked(_days(
        30, " (a shorter time could delete a check-in still waiting for its answer)"))] = 366
    # Feedback that has been shared or hidden (waiting feedback is never deleted).
    feedback_days: Annotated[int, checked(_days(1, ""))] = 366
    # Minutes, their action items (once all are done) and agenda points: the group's
    # own record, kept unless the group chooses a period.
    minutes_days: Annotated[int, checked(_days(1, ""))] = 0
    # Closed safeguarding cases: kept until a lead deletes one, unless the group's
    # safeguarding policy sets a period.
    closed_cases_days: Annotated[int, checked(_days(1, ""))] = 0

    @classmethod
    def cross_problems(cls, sections: Mapping[str, BaseModel]) -> list[str]:
        """The same period set twice, differently: here and under its older name,
        `[concerns] retention_days`."""
        retention, concerns = section_of(sections, cls), section_of(sections, ConcernsConfig)
        if ("closed_cases_days" in retention.model_fields_set
                and "retention_days" in concerns.model_fields_set
                and retention.closed_cases_days != concerns.retention_days):
            return [f"[retention] closed_cases_days: it is {retention.closed_cases_days}, but "
                    f"[concerns] retention_days (the older name for the same thing) is "
                    f"{concerns.retention_days}. Keep only closed_cases_days under [retention]"]
        return []

    @classmethod
    def settle(cls, sections: Mapping[str, BaseModel]) -> tuple[BaseModel, ...]:
        """`[concerns] retention_days` (the older name) fills `closed_cases_days` when that
        is not set, and both then hold the same period."""
        retention, concerns = section_of(sections, cls), section_of(sections, ConcernsConfig)
        if ("closed_cases_days" not in retention.model_fields_set
                and "retention_days" in concerns.model_fields_set):
            retention = retention.model_copy(
                update={"closed_cases_days": concerns.retention_days})
        return retention, concerns.model_copy(
            update={"retention_days": retention.closed_cases_days})
