"""`/setup language=` answers "Saved" in the language the member reads once the change is
made: the group's new one when they read the group's, else their own choice or their
platform's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.i18n import PSEUDO

pytestmark = pytest.mark.usefixtures("pseudo")


async def test_saved_follows_the_group_only_for_who_reads_the_groups(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    bot.adapter.member("dana", "Facilitator")
    bot.adapter.members["erin"] = replace(bot.adapter.member("erin", "Facilitator"),
                                          locale="cy-GB")
    await bot.run("dana", "/language cy")
    # carol reads the group's: the new language at once
    assert reply_text(await bot.run("carol", f"/setup language={PSEUDO}")).startswith("⟦")
    # erin's platform says Welsh, dana chose Welsh: both keep it
    for name in ("erin", "dana"):
        assert reply_text(await bot.run(name, "/setup language=en")).startswith(
            "Wedi'i gadw: language."), name
    # and a change that is not the language leaves everyone's as it was
    assert reply_text(await bot.run("carol", "/setup timezone=UTC")).startswith(
        "Saved: timezone.")
