"""Members' chosen languages: the SQL implementing `bot.languages.LanguageStore`,
migration 17, and a member's choice in `coprod export` and `coprod erase`."""

from __future__ import annotations

from storage.language import members
from storage.language.schema import MIGRATIONS
from storage.language.sql import SqlLanguages
from storage.package import declare

STORAGE = declare(__name__, SqlLanguages, MIGRATIONS, members)

__all__ = ["STORAGE", "SqlLanguages"]
