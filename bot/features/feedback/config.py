"""`[feedback]` in config.toml: topics, digest times and sizes, review, waiting and daily
limits.

Kept beside, not inside, `bot/config.py` so the feedback feature owns its own rules
(for example that a group digest never shows fewer than three items); the registry
declares it as the feedback feature's section.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated
from typing import Any

from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.config_model import text_list
from bot.config_model import whole_number
from bot.dates import parse_hhmm
from bot.settings import SettingError
from bot.settings import check_channel

# A digest to the whole group never holds fewer items than this: one or two items
# shown together would make guessing their authors too easy.
MIN_GROUP_DIGEST = 3


def _topics(value: Any) -> Any:
    topics = text_list(value, items="topics", like='["meetings", "other"]', most=20,
                       longest=80)
    if len({t.casefold() for t in topics}) != len(topics):
        raise SettingError("has the same topic twice")
    return topics


_HHMM = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def _times(value: Any) -> Any:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise SettingError('must be a list of times of day, like ["17:00"]')
    out = []
    for item in value:
        match = _HHMM.fullmatch(item.strip())
        if match is None:
            raise SettingError(f"“{item}” is not a time of day like \"17:00\" (24-hour clock)")
        out.append(f"{int(match.group(1)):02d}:{match.group(2)}")
    return tuple(sorted(set(out)))




def _channel(value: Any) -> Any:
    name = check_channel(value)
    if not name:
        raise SettingError('must name a channel, like "facilitators"')
    return name


class FeedbackConfig(ConfigSection):
    """How anonymous feedback is gathered and delivered."""

    topics: Annotated[tuple[str, ...], checked(_topics)] = (
        "meetings", "how the group works", "something else")
    group_digest_times: Annotated[tuple[str, ...], checked(_times)] = ("17:00",)
    group_min_items: Annotated[int, checked(whole_number(
        MIN_GROUP_DIGEST, 100, " (fewer would make authors easy to guess)"))] = 5
    facilitators_digest_times: Annotated[tuple[str, ...], checked(_times)] = ("17:00",)
    facilitators_min_items: Annotated[int, checked(whole_number(1, 100))] = 1
    facilitators_channel: Annotated[str, checked(_channel)] = "facilitators"
    max_wait_days: Annotated[int, checked(whole_number(1, 365))] = 14
    daily_limit: Annotated[int, checked(whole_number(1, 100))] = 5
    # How long facilitators can check a piece of feedback (and hide it) before a digest
    # may share it. Items become visible for review at the midnight after they were
    # written, so with the default 17:00 digests yesterday's feedback is shared today.
    review_hours: Annotated[int, checked(whole_number(0, 168))] = 12

    @staticmethod
    def clock_time(text: str) -> time:
        """A checked "HH:MM" as a time of day."""
        return parse_hhmm(text)
