"""`[agreement]` and `[prompts]` in config.toml: how amendments are decided, whether
facilitators see readers' names, and when and where prompts are posted.

Kept beside, not inside, `bot/config.py` so these features own their own rules; the
registry declares each as its feature's section.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from bot.config_model import ConfigSection, checked, true_or_false, whole_number
from bot.settings import SettingError, check_channel

OUTCOME_RULES = ("majority", "two_thirds")
CADENCES = ("daily", "weekly", "fortnightly", "never")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _one_of(*choices: str) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise SettingError("must be one of " + ", ".join(f'"{c}"' for c in choices))
        return value.strip().lower()
    return check






_HHMM = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def _clock(value: Any) -> Any:
    match = _HHMM.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise SettingError('must be a time of day like "10:00" (24-hour clock)')
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _channel(value: Any) -> Any:
    return check_channel(value)


class AgreementConfig(ConfigSection):
    """How an amendment to the group agreement is decided.

    `outcome_rule`: "majority" passes with more yes than no among the votes cast (a tie
    fails); "two_thirds" needs at least two thirds yes. `min_turnout`: fewer votes cast
    than this and the amendment fails whatever the split. `show_reader_names`: facilitators
    see who has read the agreement, not only how many.
    """

    outcome_rule: Annotated[str, checked(_one_of(*OUTCOME_RULES))] = "majority"
    min_turnout: Annotated[int, checked(whole_number(1, 1000, say_value=False))] = 3
    voting_days: Annotated[int, checked(whole_number(1, 60, say_value=False))] = 7
    show_reader_names: Annotated[bool, checked(true_or_false)] = False


class PromptsConfig(ConfigSection):
    """When and where a discussion prompt is posted (`channel` empty: the updates
    channel), and whether days with a meeting are skipped."""

    cadence: Annotated[str, checked(_one_of(*CADENCES))] = "weekly"
    day: Annotated[str, checked(_one_of(*WEEKDAYS))] = "wednesday"
    time: Annotated[str, checked(_clock)] = "10:00"
    channel: Annotated[str, checked(_channel)] = ""
    skip_meeting_days: Annotated[bool, checked(true_or_false)] = True

    @property
    def clock_time(self) -> dt.time:
        """The checked "HH:MM" as a time of day."""
        hours, minutes = self.time.split(":")
        return dt.time(int(hours), int(minutes))
