"""Two members of one group, each in their own language, through the real Discord
adapter (discord.py against the fake Discord): Dana chose Welsh with /language, Alice
did not. Each gets the new-poll modal and the answer to a vote in their own language;
the poll's post in the channel is in the group's. Discord offers no Welsh client, so
a Welsh speaker's interactions say "en-GB"; a French client with no French catalog
reads English too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.discord.conftest import Guild
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import buttons
from tests.contract.discord.conftest import inputs
from tests.fakes.discord import FakeDiscord


@pytest.fixture
def guild() -> Guild:
    return Guild(members=(("alice",), ("dana",), ("carol", "Facilitator")), admins=())


async def _answer(fake: FakeDiscord, interaction: dict[str, Any]) -> dict[str, Any]:
    return dict((await fake.wait_response(interaction))["data"])


async def test_a_welsh_member_and_an_english_member_each_get_their_language(
        harness: Harness) -> None:
    fake = harness.fake
    fake.locales[fake.by_name["alice"]] = "fr"
    chosen = await _answer(fake, await fake.slash(
        "dana", "language", [{"name": "language", "type": 3, "value": "Cymraeg"}]))
    assert chosen["content"].startswith("Wedi'i wneud. O hyn ymlaen bydda i'n ysgrifennu")
    assert chosen["flags"] & 64  # only Dana sees it

    welsh = await fake.wait_response(await fake.slash("dana", "poll"))
    english = await fake.wait_response(await fake.slash("alice", "poll"))
    assert welsh["type"] == english["type"] == 9
    assert welsh["data"]["title"] == "Pôl newydd"
    assert english["data"]["title"] == "New poll"
    assert [i["label"] for i in inputs(welsh["data"])][:3] == [
        "Cwestiwn", "Dewisiadau: 2 i 10, un ar bob llinell", "Pryd mae'n cau"]
    assert [i["label"] for i in inputs(english["data"])][:3] == [
        "Question", "Options: 2 to 10, one per line", "When it closes"]
    assert all(len(i["label"]) <= 45 for i in inputs(welsh["data"]))
    anonymous = inputs(welsh["data"])[3]
    assert anonymous["placeholder"] == "ie neu na"  # Welsh answers are read as they are

    made = await _answer(fake, await fake.slash("carol", "poll", [
        {"name": "question", "type": 3, "value": "Pa ddiwrnod?"},
        {"name": "options", "type": 3, "value": "Llun|Mawrth"},
        {"name": "closes", "type": 3, "value": "2d"}]))
    assert made["content"].startswith("Your poll will be posted in")
    await harness.settle()
    (post,) = fake.public_posts("#updates")
    assert post["content"].startswith("**Poll:** Pa ddiwrnod?")  # the group's language
    monday, tuesday = buttons(post)
    dana = await _answer(fake, await fake.press("dana", post, monday["custom_id"]))
    alice = await _answer(fake, await fake.press("alice", post, tuesday["custom_id"]))
    assert dana["content"].startswith("Mae eich pleidlais wedi'i chyfrif: Llun.")
    assert " am " in dana["content"]  # "Gwen 08 Rhag 2026 am 17:00": a Welsh date
    assert alice["content"].startswith("Your vote is counted: Mawrth.")
    assert dana["flags"] & 64 and alice["flags"] & 64
