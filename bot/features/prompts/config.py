"""`[prompts]` in config.toml: when and where discussion prompts are posted."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from typing import Any

from bot.config_model import WEEKDAYS
from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.config_model import one_of
from bot.config_model import time_of_day
from bot.config_model import true_or_false
from bot.dates import parse_hhmm
from bot.settings import check_channel

CADENCES = ("daily", "weekly", "fortnightly", "never")


def _channel(value: Any) -> Any:
    return check_channel(value)


class PromptsConfig(ConfigSection):
    """When and where a discussion prompt is posted (`channel` empty: the updates
    channel), and whether days with a meeting are skipped."""

    cadence: Annotated[str, checked(one_of(*CADENCES))] = "weekly"
    day: Annotated[str, checked(one_of(*WEEKDAYS))] = "wednesday"
    time: Annotated[str, checked(time_of_day)] = "10:00"
    channel: Annotated[str, checked(_channel)] = ""
    skip_meeting_days: Annotated[bool, checked(true_or_false)] = True

    @property
    def clock_time(self) -> dt.time:
        """The checked "HH:MM" as a time of day."""
        return parse_hhmm(self.time)
