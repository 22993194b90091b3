"""The check-in main flow through the real Discord adapter (discord.py against the fake
Discord): opt in by slash command, the check-in by DM with word buttons, "Not so good"
offering a one-to-one that reaches the facilitator privately once asked, closed DMs
told privately (never in a channel), and a buddy introduction sent to each member of the
pair (bots have no group DMs on Discord)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from bot.features.buddies.feature import ROUND_SCHEDULE
from bot.features.buddies.feature import Buddies
from bot.features.checkins import wording as checkins_wording
from bot.features.checkins.feature import Checkins
from scheduler import Firing
from tests.contract.discord.conftest import Guild
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.contract.discord.conftest import buttons
from tests.contract.discord.conftest import sent_bodies
from tests.fakes.discord import FakeDiscord


@pytest.fixture
def guild() -> Guild:
    return Guild(members=(("alice",), ("bob",), ("carol", "Facilitator")), admins=())


def _checkins(app: App) -> Checkins:
    return app.features["checkins"].actions["checkin.on"].__self__  # type: ignore[attr-defined, no-any-return]


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    return {c["label"]: c["custom_id"] for c in buttons(message)}


def _channel_posts(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Messages anyone in a channel could see (not DMs, not "only you can see this")."""
    return [m for m in fake.messages.values()
            if fake.channels[m["channel_id"]]["type"] != 1 and not (m.get("flags", 0) & 64)]


async def _sub(fake: FakeDiscord, who: str, command: str, sub: str) -> dict[str, Any]:
    sent = await fake.slash(who, command, [{"name": sub, "type": 1, "options": []}])
    return dict(await fake.wait_response(sent))


async def _fire(harness: Harness, who: str) -> None:
    app = harness.app
    assert app is not None
    user = harness.fake.by_name[who]
    group = harness.fake.guild_id
    now = app.clock.now()
    assert await _checkins(app).fire(group, user, Firing(Checkins.schedule_id(group, user),
                                                         now))
    await harness.settle()


async def test_check_in_and_one_to_one_request_on_discord(harness: Harness) -> None:
    fake = harness.fake
    await fake.wait_response(await fake.slash("carol", "help"))  # Carol is seen acting
    on = await _sub(fake, "alice", "checkin", "on")
    assert on["data"]["content"].startswith("Your check-ins are on.")
    assert on["data"]["flags"] & 64
    await _fire(harness, "alice")
    (checkin,) = fake.dms_to("alice")
    assert checkin["content"].startswith("**How are things going for you in the group?**")
    labels = _buttons(checkin)
    assert list(labels) == ["Good", "Okay", "Not so good", "I'd like a one-to-one",
                            "Add a private note"]
    assert_no_mentions(checkin["_body"])
    pressed = await fake.press("alice", checkin, labels["Not so good"])
    answer = await fake.wait_response(pressed)
    assert "Nobody has been told" in answer["data"]["content"]
    await harness.settle()
    assert fake.dms_to("carol") == []  # only asking reaches a facilitator
    pressed = await fake.press("alice", checkin, labels["I'd like a one-to-one"])
    answer = await fake.wait_response(pressed)
    assert "Carol will be in touch with you privately" in answer["data"]["content"]
    await harness.settle()
    (request,) = fake.dms_to("carol")
    assert request["content"].startswith("**Alice would like a one-to-one.**")
    arranged = await fake.wait_response(await fake.press(
        "carol", request, _buttons(request)["Mark arranged"]))
    assert "Marked arranged" in arranged["data"]["content"]
    assert _channel_posts(fake) == []


async def test_closed_dms_are_told_privately_on_discord(harness: Harness) -> None:
    fake = harness.fake
    await fake.wait_response(await fake.slash("carol", "help"))
    await _sub(fake, "bob", "checkin", "on")
    fake.dms_closed.add(fake.by_name["bob"])
    await _fire(harness, "bob")
    (told,) = fake.dms_to("carol")
    assert told["content"] == checkins_wording.checkin_unreachable_for_facilitator("Bob")
    asked = await fake.slash("bob", "buddy", [{"name": "status", "type": 1, "options": []}])
    later = await fake.wait_response(asked)
    assert later["data"]["flags"] & 64  # only Bob sees the answer (and the notice with it)
    await fake.wait_for(lambda: any("A note just for you: I couldn't send you your check-in, "
                                    "because your direct messages are closed to me. Your check-ins "
                                    "are paused. If you'd like them back, allow direct messages "
                                    "from this group's members and type /checkin "
                                    "on." in b.get("content", "")
                                    for b in sent_bodies(fake)))
    assert _channel_posts(fake) == []


async def test_buddy_introduction_reaches_each_member_by_dm_on_discord(
        harness: Harness) -> None:
    fake = harness.fake
    app = harness.app
    assert app is not None
    for who in ("alice", "bob"):
        joined = await _sub(fake, who, "buddy", "join")
        assert joined["data"]["content"].startswith("You're in.")
    buddies = app.features["buddies"].commands[0].handler.__self__  # type: ignore[attr-defined]
    assert isinstance(buddies, Buddies)
    assert await buddies.run_round(fake.guild_id, Firing(ROUND_SCHEDULE, app.clock.now()))
    await harness.settle()
    for who in ("alice", "bob"):
        (intro,) = fake.dms_to(who)
        assert intro["content"].startswith("**Meet your buddies: ")
        assert "Alice" in intro["content"] and "Bob" in intro["content"]
    assert _channel_posts(fake) == []


async def test_each_member_gets_their_check_in_in_their_language_on_discord(
        harness: Harness) -> None:
    """Bob chose Welsh: his check-in and its buttons are Welsh, Alice's English; his
    request reaches Carol in her language (English)."""
    fake = harness.fake
    await fake.wait_response(await fake.slash("carol", "help"))
    await fake.wait_response(await fake.slash(
        "bob", "language", [{"name": "language", "type": 3, "value": "Cymraeg"}]))
    on = await _sub(fake, "bob", "checkin", "on")
    assert on["data"]["content"].startswith("Mae eich gwiriadau ymlaen.")
    await _sub(fake, "alice", "checkin", "on")
    await _fire(harness, "bob")
    await _fire(harness, "alice")
    (welsh,) = fake.dms_to("bob")
    (english,) = fake.dms_to("alice")
    assert welsh["content"].startswith("**Sut mae pethau'n mynd i chi yn y grŵp?**")
    assert list(_buttons(welsh)) == ["Da", "Iawn", "Ddim cystal",
                                     "Hoffwn i gael sgwrs un-i-un", "Ychwanegu nodyn preifat"]
    assert english["content"].startswith("**How are things going for you in the group?**")
    answer = await fake.wait_response(await fake.press(
        "bob", welsh, _buttons(welsh)["Hoffwn i gael sgwrs un-i-un"]))
    assert answer["data"]["content"].startswith("Diolch am ddweud wrtha i. Bydd Carol")
    await harness.settle()
    (request,) = fake.dms_to("carol")
    assert request["content"].startswith("**Bob would like a one-to-one.**")
    note = await fake.wait_response(await fake.press(
        "bob", welsh, _buttons(welsh)["Ychwanegu nodyn preifat"]))
    assert note["type"] == 9 and note["data"]["title"] == "Nodyn preifat"
    assert _channel_posts(fake) == []
