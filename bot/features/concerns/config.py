"""`[concerns]` in config.toml: the emergency text, helplines, leads and fallback contacts,
and the times that drive acknowledgement, escalation, referral and retention.

Kept beside, not inside, `bot/config.py` so the concerns feature owns its own rules; the
registry declares it as the concerns feature's section.
"""

from __future__ import annotations

import re
from typing import Annotated
from typing import Any

from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.config_model import text_list
from bot.config_model import true_or_false
from bot.config_model import whole_number
from bot.features.concerns import wording
from bot.settings import SettingError

# The defaults' words live in the wording, so they are said in the reader's language
# (`wording.emergency_text`, `wording.helplines`); an operator's own text is shown as written.
DEFAULT_EMERGENCY = str(wording.DEFAULT_EMERGENCY)
DEFAULT_HELPLINES = tuple(str(line) for line in wording.DEFAULT_HELPLINES)


_MEMBER_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _ids(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingError('must be a list of member ids in quotes, like ["123456789012345678"]')
    out = []
    for item in value:
        text = item.strip().removeprefix("<@").removesuffix(">").lstrip("!@")
        if not _MEMBER_ID.fullmatch(text):
            raise SettingError(f"“{item}” is not a member id (Discord: a long number; "
                               "Slack: like U0123ABCD)")
        out.append(text)
    return tuple(dict.fromkeys(out))


def _long_text(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        raise SettingError("must be some text in quotes")
    if len(value) > 1500:
        raise SettingError("must be at most 1500 characters")
    return value.strip()


def _lines(value: Any) -> Any:
    return text_list(value, items="lines", like='["Samaritans: 116 123"]', most=10,
                     longest=200)






class ConcernsConfig(ConfigSection):
    """How safeguarding concerns are routed, escalated and kept."""

    emergency_text: Annotated[str, checked(_long_text)] = DEFAULT_EMERGENCY
    helplines: Annotated[tuple[str, ...], checked(_lines)] = DEFAULT_HELPLINES
    # Member ids of safeguarding leads, on top of those who registered in chat.
    leads: Annotated[tuple[str, ...], checked(_ids)] = ()
    # Whether each lead gets each new concern by direct message (the leads' private
    # channel gets it too, unless a lead is excluded from the case).
    lead_dms: Annotated[bool, checked(true_or_false)] = True
    # Member ids of deputies or outside contacts used when leads are excluded or cannot
    # be reached, and on every escalation.
    fallback_contacts: Annotated[tuple[str, ...], checked(_ids)] = ()
    acknowledge_minutes: Annotated[int, checked(whole_number(1, 1440))] = 30
    escalation_repeat_minutes: Annotated[int, checked(whole_number(5, 1440))] = 30
    referral_hours: Annotated[int, checked(whole_number(1, 720))] = 24
    # 0: cases are kept until a lead deletes one (no automatic deletion). The older name
    # of [retention] closed_cases_days, which settles both (see RetentionConfig.settle).
    retention_days: Annotated[int, checked(whole_number(0, 36500))] = 0
