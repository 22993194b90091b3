"""The welcome on join and the agreement flow through the real Discord adapter
(discord.py against the fake Discord): a newcomer's welcome DM (with the opt-in members
intent), the private note to facilitators when DMs are closed, and an amendment proposed,
voted on with buttons, decided, announced and shown in the history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from adapters.discord.client import intents
from bot.config import Config
from bot.features.agreement import wording as agreement_words
from bot.features.agreement.feature import Agreement
from bot.features.welcome import wording as welcome_words
from scheduler import Firing
from storage.interface import Storage
from tests.contract.discord.conftest import Guild
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.contract.discord.conftest import buttons
from tests.fakes.discord import FakeDiscord


class JoinHarness(Harness):
    """The standard harness with `[discord] member_join_events = true`."""

    @property
    def config(self) -> Config:
        base = super().config
        return replace(base, discord=base.discord.model_copy(update={"member_join_events": True}))


@pytest.fixture
def guild() -> Guild:
    return Guild(channels=("facilitators",),
                 members=(("alice",), ("bob",), ("erin",), ("carol", "Facilitator")), admins=())


@pytest.fixture
def make_harness() -> Callable[[FakeDiscord, Storage], Harness]:
    return JoinHarness


def _sub(name: str, **options: object) -> list[dict[str, Any]]:
    kinds = {str: 3, int: 4}
    return [{"name": name, "type": 1, "options": [
        {"name": k, "type": kinds[type(v)], "value": v} for k, v in options.items()]}]


def test_members_intent_is_opt_in() -> None:
    assert not intents().members
    assert intents(True).members and not intents(True).message_content


async def test_welcome_dm_on_join_and_private_note_when_dms_closed(harness: Harness) -> None:
    fake = harness.fake
    await fake.join("dana")
    await fake.wait_for(lambda: fake.dms_to("dana"))
    await harness.settle()
    (welcome,) = fake.dms_to("dana")
    assert welcome["content"].lower().startswith("welcome, dana!")
    assert "/concern" in welcome["content"] and "/help" in welcome["content"]
    assert_no_mentions(welcome["_body"])
    uid = fake.member("frank")
    fake.dms_closed.add(uid)
    await fake.dispatch("GUILD_MEMBER_ADD", {**fake.members[uid], "guild_id": fake.guild_id})
    await fake.wait_for(lambda: fake.public_posts("#facilitators"))
    await harness.settle()
    (note,) = fake.public_posts("#facilitators")
    assert note["content"].lower() == welcome_words.welcome_undelivered("frank").lower()
    for channel in ("#general", "#updates"):
        assert not any("frank" in m["content"].lower() for m in fake.public_posts(channel))


async def test_agreement_amendment_vote_and_history_on_discord(harness: Harness) -> None:
    fake = harness.fake
    app = harness.app
    assert app is not None
    started = await fake.wait_response(await fake.slash(
        "carol", "agreement", _sub("start", points="We listen\\nWe start on time")))
    updates = f"<#{fake.by_name['#updates']}>"  # a channel link, which pings nobody
    assert started["data"]["content"] == f"Saved as version 1, and announced in {updates}."
    shown = await fake.wait_response(await fake.slash("alice", "agreement", _sub("show")))
    assert "1. We listen\n2. We start on time" in shown["data"]["content"]
    assert shown["data"]["flags"] & 64
    (read,) = buttons(shown["data"])
    assert read["label"] == "I have read it"
    proposed = await fake.wait_response(await fake.slash("carol", "agreement", _sub(
        "propose", change="add", text="Phones on silent", reason="Fewer distractions")))
    assert f"posted in {updates} for the group" in proposed["data"]["content"]
    await harness.settle()
    post = fake.public_posts("#updates")[-1]
    assert "A proposed change to our agreement" in post["content"]
    yes, no = buttons(post)
    assert [yes["label"], no["label"]] == [agreement_words.AMENDMENT_YES_BUTTON,
                                           agreement_words.AMENDMENT_NO_BUTTON]
    for who, button in (("alice", yes), ("bob", yes), ("erin", no)):
        answer = await fake.wait_response(await fake.press(who, post, button["custom_id"]))
        assert answer["data"]["content"].startswith("Your vote is counted")
        assert answer["data"]["flags"] & 64
    feature = app._actions["agreement.vote"].__self__  # type: ignore[attr-defined]
    assert isinstance(feature, Agreement)
    (amendment,) = await app.storage.open_amendments()
    assert await feature.decide(amendment.amendment_id, Firing(
        f"amendment-close:{amendment.amendment_id}", amendment.closes_at)) is not None
    await harness.settle()
    result = fake.public_posts("#updates")[-1]
    assert "(2 yes, 1 no)" in result["content"] and "Version 2 is now in force" in result[
        "content"]
    assert_no_mentions(result["_body"])
    history = await fake.wait_response(await fake.slash("erin", "agreement", _sub("history")))
    text = history["data"]["content"]
    assert "Version 1" in text and "Version 2" in text and "Fewer distractions" in text
