"""`[checkins]` in config.toml.

Kept beside, not inside, `bot/config.py` so the check-ins feature owns its own rules
(for example that a member is followed up at most once); the registry declares it as
the feature's section.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from typing import Any

from pydantic import Field

from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.config_model import day_of_week
from bot.config_model import time_of_day
from bot.config_model import true_or_false
from bot.config_model import whole_number
from bot.features.checkins.wording import CHECKIN_DEFAULT_HELPLINE
from bot.features.checkins.wording import CHECKIN_DEFAULT_PEER_SUPPORT
from bot.settings import SettingError


def _text(value: Any) -> Any:
    if not isinstance(value, str) or len(value) > 1000:
        raise SettingError("must be text in quotes, up to 1000 characters")
    return value.strip()


def _ids(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                              for v in value):
        raise SettingError('must be a list of user ids in quotes, like ["U0123ABCD"]')
    return tuple(v.strip() for v in value)


def _assign(value: Any) -> Any:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()):
        raise SettingError('must be a table of member id = "facilitator id"')
    return {k.strip(): v.strip() for k, v in value.items()}


class CheckinsConfig(ConfigSection):
    """How check-ins and one-to-one requests work.

    `facilitators` are platform user ids of facilitators (in addition to everyone the bot
    sees acting with the facilitator role); `assign` maps a member's id to their
    facilitator's id.
    """

    default_on: Annotated[bool, checked(true_or_false)] = False
    day: Annotated[str, checked(day_of_week)] = "monday"
    time: Annotated[str, checked(time_of_day)] = "10:00"
    follow_up_hours: Annotated[int, checked(whole_number(1, 24 * 14, say_value=False))] = 48
    pause_after_misses: Annotated[int, checked(whole_number(1, 52, say_value=False))] = 3
    arrange_within_days: Annotated[int, checked(whole_number(1, 60, say_value=False))] = 3
    # The defaults are said in each reader's language (wording.py); an operator's own
    # words are said as written.
    helpline: Annotated[str, checked(_text)] = str(CHECKIN_DEFAULT_HELPLINE)
    peer_support: Annotated[str, checked(_text)] = str(CHECKIN_DEFAULT_PEER_SUPPORT)
    facilitators: Annotated[tuple[str, ...], checked(_ids)] = ()
    assign: Annotated[Mapping[str, str], checked(_assign)] = Field(
        default_factory=dict)

