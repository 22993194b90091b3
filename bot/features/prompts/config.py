"""`[prompts]` in config.toml: when and where a prompt is posted.

Its model is still written beside `[agreement]`'s (bot/features/agreement/config.py, one
file while the config sections become typed models); this is where the prompts feature
takes it from.
"""

from __future__ import annotations

from bot.features.agreement.config import CADENCES, WEEKDAYS, PromptsConfig

__all__ = ["CADENCES", "WEEKDAYS", "PromptsConfig"]
