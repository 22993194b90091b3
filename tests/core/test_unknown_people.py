"""Issue 18.6 on the memory adapter: a person named in /minutes or /buddy avoid who is not
in the group is refused kindly, by name, and nothing is saved; when the platform cannot
tell who is in the group, the name is taken as before (platform trouble never blocks)."""

from __future__ import annotations

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.features.buddies import wording as buddies_wording
from bot.features.meetings import wording
from bot.membership import not_in_group
from bot.messages import Reply


async def _minutes(bot: MemoryBot, actions: str) -> Reply:
    bot.adapter.member("carol", "Facilitator")
    opened = await bot.run("carol", "/minutes")
    assert opened.form is not None
    return await bot.submit("carol", opened.form.form_id,
                            {"summary": "We met.", "decisions": "", "actions": actions},
                            state=opened.form.state)


async def test_minutes_refuse_an_owner_who_is_not_in_the_group(bot: MemoryBot) -> None:
    bot.adapter.member("bob")
    reply = await _minutes(bot, "@U-bob: book the coach\n@zed: bring cake\n"
                                "@zed: and plates")
    assert reply.field_errors == {"actions": wording.action_owners_unknown(["zed", "zed"])}
    assert "“@zed”" in reply.field_errors["actions"]
    assert "U-bob" not in reply.field_errors["actions"]
    assert await bot.app.storage.open_actions(bot.group_id, None) == []
    assert bot.adapter.sent == []
    # A plain name is kept as written; a member of the group is reminded.
    done = await _minutes(bot, "@U-bob: book the coach\nZed: bring cake")
    assert not done.field_errors
    owners = {a.owner_id for a in await bot.app.storage.open_actions(bot.group_id, None)}
    assert owners == {"U-bob", ""}


async def test_when_the_platform_cannot_tell_owners_are_taken_as_given(
        bot: MemoryBot) -> None:
    bot.adapter.people_problem = "the platform is not answering"
    done = await _minutes(bot, "@U-zed: bring cake")
    assert not done.field_errors
    (item,) = await bot.app.storage.open_actions(bot.group_id, None)
    assert item.owner_id == "U-zed"


async def test_buddy_avoid_refuses_someone_who_is_not_in_the_group(bot: MemoryBot) -> None:
    refused = reply_text(await bot.run("alice", "/buddy avoid member=@nobody"))
    assert refused == buddies_wording.buddy_avoid_unknown("nobody")
    assert await bot.app.storage.buddy_avoids(bot.group_id) == []
    bot.adapter.member("bob")
    assert reply_text(await bot.run("alice", "/buddy avoid member=U-bob")) == (
        buddies_wording.BUDDY_AVOIDED)
    assert await bot.app.storage.buddy_avoids(bot.group_id) == [("U-alice", "U-bob")]
    # Bob leaves the group: Alice can still take him off her list.
    del bot.adapter.members["bob"]
    assert reply_text(await bot.run("alice", "/buddy avoid member=U-bob undo=yes")) == (
        "Saved: they're off your avoid list.")
    assert await bot.app.storage.buddy_avoids(bot.group_id) == []


async def test_someone_still_in_pairing_can_be_avoided_while_the_platform_forgets_them(
        bot: MemoryBot) -> None:
    await bot.run("dina", "/buddy join")
    del bot.adapter.members["dina"]
    assert reply_text(await bot.run("alice", "/buddy avoid member=U-dina")) == (
        buddies_wording.BUDDY_AVOIDED)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1,
                    max_size=30))
async def test_any_name_typed_is_saved_only_for_a_member(bot: MemoryBot, name: str) -> None:
    members = {a.user_id for a in bot.adapter.members.values()}
    before = await bot.app.storage.buddy_avoids(bot.group_id)
    reply = await bot.app.handle_text(bot.group_id, bot.adapter.member("alice"),
                                      f'/buddy avoid member="{name}"', "general")
    after = await bot.app.storage.buddy_avoids(bot.group_id)
    saved = set(after) - set(before)
    assert all(other in members for _, other in saved), (name, saved)
    assert reply_text(reply)
    assert (await not_in_group(bot.app, bot.group_id, [m for _, m in after])) == []
