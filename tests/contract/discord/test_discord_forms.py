"""Slash commands opening modals, long forms split into steps, refused forms reopened,
buttons and select menus before and after a restart, the message context menu."""

from __future__ import annotations

from typing import Any

from bot import catalog
from bot.features.concerns.wording import CONCERN_SHORTCUT_LABEL
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.contract.discord.conftest import buttons
from tests.contract.discord.conftest import inputs
from tests.fakes.discord import FakeDiscord


async def _open_long_form(fake: FakeDiscord, who: str = "alice") -> dict[str, Any]:
    interaction = await fake.slash(who, "probe", [{"name": "form", "type": 1, "options": []}])
    response = await fake.wait_response(interaction)
    assert response["type"] == 9, "the modal must be the first response"
    return dict(response["data"])


async def _fill_long_form(fake: FakeDiscord, title: str) -> dict[str, Any]:
    """Fill both steps; return the final interaction."""
    first = await _open_long_form(fake)
    step1 = await fake.submit("alice", first, {"title": title, "where": "Hall",
                                               "when": "Tue", "who": "All", "notes": "n"})
    saved = (await fake.wait_response(step1))["data"]
    assert saved["content"] == catalog.discord_step_saved(1, 2) and saved["flags"] & 64
    (cont,) = buttons(saved)
    message = fake.messages_in(fake.by_name["#general"])[-1]
    press = await fake.press("alice", message, cont["custom_id"])
    second = await fake.wait_response(press)
    assert second["type"] == 9
    assert [i["custom_id"] for i in inputs(second["data"])] == ["colour", "ok"]
    step2 = await fake.submit("alice", second["data"], {"colour": "BLUE", "ok": "y"})
    await fake.wait_response(step2)
    return step2


async def test_slash_command_opens_a_modal_within_discords_limits(harness: Harness) -> None:
    modal = await _open_long_form(harness.fake)
    fields = inputs(modal)
    assert [i["custom_id"] for i in fields] == ["title", "where", "when", "who", "notes"]
    assert modal["title"] == "Plan a meeting (1/2)"
    assert all(len(i["label"]) <= 45 for i in fields)
    assert fields[4]["style"] == 2 and fields[4]["max_length"] == 4000  # paragraph, capped
    callbacks = [r for r in harness.fake.requests if r.path.endswith("/callback")]
    assert len(callbacks) == 1  # no defer before the modal


async def test_long_form_in_two_steps_then_delivered(harness: Harness) -> None:
    fake = harness.fake
    done = await _fill_long_form(fake, "Picnic")
    reply = fake.response_to(done)
    assert reply is not None
    assert reply["data"]["content"] == "Saved Picnic (blue, yes)."
    await harness.settle()
    (posted,) = fake.messages_in(fake.by_name["#updates"])
    assert posted["content"] == "Planned: Picnic (@everyone)"
    assert_no_mentions(posted["_body"])
    kinds = [c["type"] for c in buttons(posted)]
    assert kinds == [2, 3]  # a button and a select menu
    assert posted["_body"]["nonce"] and posted["_body"]["enforce_nonce"] is True


async def test_refused_form_lists_problems_and_reopens_prefilled(harness: Harness) -> None:
    fake = harness.fake
    first = await _open_long_form(fake)
    step1 = await fake.submit("alice", first, {"title": "Quiz"})
    saved = (await fake.wait_response(step1))["data"]
    message = fake.messages_in(fake.by_name["#general"])[-1]
    press = await fake.press("alice", message, buttons(saved)[0]["custom_id"])
    second = (await fake.wait_response(press))["data"]
    step2 = await fake.submit("alice", second, {"colour": "green"})
    refused = (await fake.wait_response(step2))["data"]
    assert refused["content"].startswith("Nothing was saved yet.")
    assert "“Colour” needs to be one of: Red, Blue" in refused["content"]
    (retry,) = buttons(refused)
    assert retry["label"] == catalog.DISCORD_TRY_AGAIN
    message = fake.messages_in(fake.by_name["#general"])[-1]
    again = await fake.wait_response(await fake.press("alice", message, retry["custom_id"]))
    assert again["type"] == 9
    assert inputs(again["data"])[0]["value"] == "Quiz"  # pre-filled
    await harness.settle()
    assert fake.messages_in(fake.by_name["#updates"]) == []


async def test_buttons_and_select_work_before_and_after_a_restart(harness: Harness) -> None:
    fake = harness.fake
    await _fill_long_form(fake, "Walk")
    await harness.settle()
    (posted,) = fake.messages_in(fake.by_name["#updates"])
    button, select = buttons(posted)
    before = await fake.wait_response(await fake.press("bob", posted, button["custom_id"]))
    assert before["type"] == 7 and before["data"]["content"] == "Bob is going to Walk"
    assert_no_mentions(before["data"])

    await harness.restart()
    after = await fake.wait_response(await fake.press("alice", posted, button["custom_id"]))
    assert after["type"] == 7 and after["data"]["content"] == "Alice is going to Walk"
    picked = await fake.wait_response(
        await fake.press("carol", posted, select["custom_id"], values=["tue", "fri"]))
    assert picked["type"] == 4 and picked["data"]["content"] == "Picked tue,fri"
    assert picked["data"]["flags"] & 64
    assert fake.identifies and len(fake.identifies) == 2


async def test_a_modal_opened_before_a_restart_still_arrives(harness: Harness) -> None:
    fake = harness.fake
    menu = next(c["name"] for c in fake.commands[fake.guild_id]
                if c["type"] == 3 and c["name"] != CONCERN_SHORTCUT_LABEL)
    target = fake.post("bob", "a worrying message")
    opened = await fake.wait_response(await fake.message_command("alice", menu, target))
    assert opened["type"] == 9
    await harness.restart()
    sent = await fake.submit("alice", opened["data"], {"what": "It upset someone."})
    answer = (await fake.wait_response(sent))["data"]
    assert answer["content"] == "Thank you. Only the safeguarding leads will see this."
    await harness.settle()
    (relayed,) = fake.messages_in(fake.by_name["#leads"])
    assert relayed["content"] == f"A concern about message {target['id']}: It upset someone."
    assert fake.public_posts("#general") == []


async def test_a_half_filled_long_form_after_a_restart_says_out_of_date(
        harness: Harness) -> None:
    fake = harness.fake
    first = await _open_long_form(fake)
    await harness.restart()
    step1 = await fake.submit("alice", first, {"title": "x"})
    answer = (await fake.wait_response(step1))["data"]
    assert answer["content"] == catalog.form_expired()
    await harness.settle()
    assert fake.messages_in(fake.by_name["#updates"]) == []
