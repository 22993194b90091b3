"""`[meetings]` in config.toml: when reminders go out, when "coming up this week" is
posted, and who may post minutes.

Kept beside, not inside, `bot/config.py` so the meetings feature owns its own rules; the
registry declares it as the meetings feature's section.
"""

from __future__ import annotations

import re
from typing import Annotated
from typing import Any

from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.config_model import one_of
from bot.settings import SettingError


def _minute_list(value: Any) -> Any:
    if (not isinstance(value, list) or len(value) > 5
            or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 40320
                       for v in value)):
        raise SettingError("must be a list of up to five numbers of minutes from 1 to 40320 "
                           "(four weeks), like [1440, 60]")
    return tuple(sorted(set(value), reverse=True))


def _clock_time(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value.strip()):
        raise SettingError('must be a 24-hour time in quotes, like "09:00"')
    return value.strip()


class MeetingsConfig(ConfigSection):
    """Reminder offsets for new meetings (minutes before), the day and time of the
    "coming up this week" post ("never": not posted), and who may post minutes."""

    reminder_minutes: Annotated[tuple[int, ...], checked(_minute_list)] = (1440, 60)
    coming_up_day: Annotated[str, checked(one_of(
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "never"))] = "monday"
    coming_up_time: Annotated[str, checked(_clock_time)] = "09:00"
    minutes_by: Annotated[str, checked(one_of("facilitators", "members"))
                          ] = "facilitators"
