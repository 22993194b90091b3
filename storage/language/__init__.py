"""Members' chosen languages: the SQL implementing `bot.languages.LanguageStore`,
migration 17, and a member's choice in `coprod export` and `coprod erase`."""

from __future__ import annotations

from storage.language.members import LANGUAGE, erase_language, export_language
from storage.language.schema import MIGRATIONS
from storage.language.sql import SqlLanguages
from storage.package import StoragePackage

STORAGE = StoragePackage(
    feature="language",
    sql=SqlLanguages,
    migrations=MIGRATIONS,
    export_sections=(LANGUAGE,),
    export=export_language,
    erase=erase_language,
)

__all__ = ["STORAGE", "SqlLanguages"]
