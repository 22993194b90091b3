"""`[agreement]` in config.toml: how amendments are decided and whether facilitators see
readers' names.

Kept beside, not inside, `bot/config.py` so these features own their own rules; the
registry declares each as its feature's section.
"""

from __future__ import annotations

from typing import Annotated

from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.config_model import one_of
from bot.config_model import true_or_false
from bot.config_model import whole_number

OUTCOME_RULES = ("majority", "two_thirds")








class AgreementConfig(ConfigSection):
    """How an amendment to the group agreement is decided.

    `outcome_rule`: "majority" passes with more yes than no among the votes cast (a tie
    fails); "two_thirds" needs at least two thirds yes. `min_turnout`: fewer votes cast
    than this and the amendment fails whatever the split. `show_reader_names`: facilitators
    see who has read the agreement, not only how many.
    """

    outcome_rule: Annotated[str, checked(one_of(*OUTCOME_RULES))] = "majority"
    min_turnout: Annotated[int, checked(whole_number(1, 1000, say_value=False))] = 3
    voting_days: Annotated[int, checked(whole_number(1, 60, say_value=False))] = 7
    show_reader_names: Annotated[bool, checked(true_or_false)] = False
