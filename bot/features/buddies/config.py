"""`[buddies]` in config.toml: how often buddies are paired, on which day and at what
time, and how many past rounds a pairing avoids repeating. The registry declares it as
the buddies feature's section."""

from __future__ import annotations

from typing import Annotated

from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.config_model import day_of_week
from bot.config_model import time_of_day
from bot.config_model import whole_number


class BuddiesConfig(ConfigSection):
    """How often buddies are paired, and how many past rounds to avoid repeating."""

    every_weeks: Annotated[int, checked(whole_number(1, 52, say_value=False))] = 2
    avoid_rounds: Annotated[int, checked(whole_number(0, 52, say_value=False))] = 3
    day: Annotated[str, checked(day_of_week)] = "monday"
    time: Annotated[str, checked(time_of_day)] = "10:00"
