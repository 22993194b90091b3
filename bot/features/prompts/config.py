"""`[prompts]` in config.toml: when and where discussion prompts are posted."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from bot.config_model import ConfigSection, checked, one_of, true_or_false
from bot.settings import SettingError, check_channel

CADENCES = ("daily", "weekly", "fortnightly", "never")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HHMM = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def _clock(value: Any) -> Any:
    match = _HHMM.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise SettingError('must be a time of day like "10:00" (24-hour clock)')
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _channel(value: Any) -> Any:
    return check_channel(value)


class PromptsConfig(ConfigSection):
    """When and where a discussion prompt is posted (`channel` empty: the updates
    channel), and whether days with a meeting are skipped."""

    cadence: Annotated[str, checked(one_of(*CADENCES))] = "weekly"
    day: Annotated[str, checked(one_of(*WEEKDAYS))] = "wednesday"
    time: Annotated[str, checked(_clock)] = "10:00"
    channel: Annotated[str, checked(_channel)] = ""
    skip_meeting_days: Annotated[bool, checked(true_or_false)] = True

    @property
    def clock_time(self) -> dt.time:
        """The checked "HH:MM" as a time of day."""
        hours, minutes = self.time.split(":")
        return dt.time(int(hours), int(minutes))
