"""Discord command descriptions carry a localization for each translation we have whose
language Discord offers. Discord offers no Welsh, so none today; with Welsh pretended to
be one of Discord's languages, the Welsh descriptions show where Discord would read them,
and each fits Discord's 100 characters."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord import commands
from bot.app import App
from bot.config import Config
from storage.interface import Storage


def _poll(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    return next(p for p in payloads if p["name"] == "poll")


async def test_no_localizations_while_discord_offers_none_of_our_languages(
        storage: Storage) -> None:
    app = App(Config(), storage)
    built = commands.build(app.registry, app.shortcuts)
    assert all("description_localizations" not in p for p in built.payloads)
    assert _poll(built.payloads)["description"].startswith("Start a poll.")


async def test_a_language_discord_offers_gets_its_localizations(
        storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(commands.DISCORD_LOCALES, "cy", ("fr",))
    app = App(Config(), storage)
    poll = _poll(commands.build(app.registry, app.shortcuts).payloads)
    assert poll["description"].startswith("Start a poll.")
    assert poll["description_localizations"]["fr"].startswith("Dechrau pôl.")
    assert len(poll["description_localizations"]["fr"]) <= 100
    question = next(o for o in poll["options"] if o["name"] == "question")
    assert question["description_localizations"]["fr"].startswith("beth i'w ofyn")
    # An untranslated part has none: its description is the same in every language.
    feedback = next(p for p in commands.build(app.registry, app.shortcuts).payloads
                   if p["name"] == "feedback")
    assert "description_localizations" not in feedback
