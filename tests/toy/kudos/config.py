"""`[kudos]` in config.toml."""

from __future__ import annotations

from typing import Annotated
from typing import Any

from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.settings import SettingError


def _length(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or not 10 <= value <= 500:
        raise SettingError("must be a whole number from 10 to 500")
    return value


def _days(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 36500:
        raise SettingError("must be 0 (keep) or a whole number of days up to 36500")
    return value


class KudosConfig(ConfigSection):
    """How long a thank-you may be, and how long thank-yous are kept."""

    max_length: Annotated[int, checked(_length)] = 140
    # Days a thank-you is kept before the daily retention sweep deletes it (0: keep).
    keep_days: Annotated[int, checked(_days)] = 0
