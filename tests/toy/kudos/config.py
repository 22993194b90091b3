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


class KudosConfig(ConfigSection):
    """How long a thank-you may be."""

    max_length: Annotated[int, checked(_length)] = 140
