"""`[meetings]` in config.toml, as the meetings feature reads it: reminder offsets for new
meetings, when the weekly "coming up" post goes out, and who may post minutes.

For now read from the `Config.meetings_*` fields, which `bot/config.py` checks; the
config section model (pydantic) replaces this when the config work lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config


@dataclass(frozen=True, slots=True)
class MeetingsConfig:
    """Reminder offsets for new meetings (minutes before), the day and time of the
    "coming up this week" post ("never": not posted), and who may post minutes
    ("facilitators" or "members")."""

    reminder_minutes: tuple[int, ...] = (1440, 60)
    coming_up_day: str = "monday"
    coming_up_time: str = "09:00"
    minutes_by: str = "facilitators"

    @classmethod
    def of(cls, config: Config) -> MeetingsConfig:
        """The section, from the whole checked config."""
        return cls(config.meetings_reminder_minutes, config.meetings_coming_up_day,
                   config.meetings_coming_up_time, config.meetings_minutes_by)
