"""Fresh prompts: facilitators keep the list; one is posted at the cadence, none repeats
until all have been used, and none on a day with a meeting if the group prefers."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.clock import FakeClock
from bot.features.prompts import wording as prompt_words
from bot.features.prompts.config import PromptsConfig
from bot.features.prompts.feature import Prompts
from bot.features.prompts.feature import next_slot
from bot.features.prompts.feature import pick_next
from scheduler import Firing

LONDON = ZoneInfo("Europe/London")


def prompts_of(bot: MemoryBot) -> Prompts:
    feature = bot.app.features["prompts"]
    owner = getattr(feature.commands[0].handler, "__self__", None)
    assert isinstance(owner, Prompts)
    return owner


async def _add_three(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    for text in ("What helped this month?", "What would you change?", "Who inspired you?"):
        reply = await bot.run("carol", f'/prompt add text="{text}"')
        assert reply_text(reply).startswith("Added."), reply_text(reply)


async def test_only_facilitators_manage_prompts(bot: MemoryBot) -> None:
    refused = await bot.run("alice", '/prompt add text="Hello"')
    assert reply_text(refused) == catalog.not_allowed("prompt add", ["facilitator"])
    bot.adapter.member("carol", "Facilitator")
    assert reply_text(await bot.run("carol", "/prompt list")) == (
        "There are no prompts yet. Add one with /prompt add.")
    await _add_three(bot)
    listed = reply_text(await bot.run("carol", "/prompt list"))
    assert "1. What helped this month? (not used yet) <- next" in listed
    dup = await bot.run("carol", '/prompt add text="who inspired you?"')
    assert reply_text(dup) == (
        "That prompt is already on the list. Nothing was saved.")
    empty = await bot.run("carol", '/prompt add text="   "')
    assert "empty" in reply_text(empty)
    assert len(await bot.app.storage.prompts(bot.group_id)) == 3


async def test_rotation_never_repeats_until_all_used(bot: MemoryBot, clock: FakeClock) -> None:
    await _add_three(bot)
    feature = prompts_of(bot)
    feature.meeting_days = _never
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)
    posted = []
    for week in range(7):
        firing = Firing(f"prompts:{bot.group_id}", start + timedelta(weeks=week))
        prompt = await feature.post(bot.group_id, firing)
        assert prompt is not None
        posted.append(prompt.text)
        # The same occurrence never posts twice.
        assert await feature.post(bot.group_id, firing) is None
        await bot.settle()
    assert posted[:3] == sorted(posted[:3], key=posted.index)
    assert len(set(posted[:3])) == 3 and posted[3:6] == posted[:3] and posted[6] == posted[0]
    messages = bot.adapter.sent_to_channel("updates")
    assert messages and messages[0].text == prompt_words.prompt_post(posted[0])
    assert all(m.text in [prompt_words.prompt_post(p) for p in posted] for m in messages)
    listed = reply_text(await bot.run("carol", "/prompt list"))
    assert "(used 3 times)" in listed and "(used 2 times)" in listed


async def test_new_prompt_goes_first_then_rotation_continues(bot: MemoryBot) -> None:
    await _add_three(bot)
    feature = prompts_of(bot)
    feature.meeting_days = _never
    base = datetime(2026, 3, 2, 12, tzinfo=UTC)
    for week in range(3):
        await feature.post(bot.group_id, Firing("prompts:x", base + timedelta(weeks=week)))
    await bot.run("carol", '/prompt add text="A new one"')
    fourth = await feature.post(bot.group_id, Firing("prompts:x", base + timedelta(weeks=3)))
    assert fourth is not None and fourth.text == "A new one"


async def test_no_prompt_on_a_meeting_day(bot: MemoryBot) -> None:
    await _add_three(bot)
    feature = prompts_of(bot)
    asked: list[date] = []

    async def meets(group_id: str, day: date) -> bool:
        asked.append(day)
        return day.weekday() == 2

    feature.meeting_days = meets
    wednesday = datetime(2026, 3, 4, 10, tzinfo=UTC)
    assert await feature.post(bot.group_id, Firing("prompts:x", wednesday)) is None
    assert asked == [date(2026, 3, 4)]
    feature.config = feature.config.model_copy(update={"skip_meeting_days": False})
    assert await feature.post(bot.group_id, Firing("prompts:x", wednesday)) is not None


async def test_meeting_check_reads_the_meetings_storage(bot: MemoryBot) -> None:
    feature = prompts_of(bot)
    # No meetings stored: no day is a meeting day (the default check asks storage).
    from bot.features.prompts.feature import meeting_on_day
    assert await meeting_on_day(feature.host)(bot.group_id, date(2026, 3, 4)) is False
    assert feature.meeting_days is not None


async def test_scheduled_posting_at_the_cadence(bot: MemoryBot, clock: FakeClock) -> None:
    await _add_three(bot)
    feature = prompts_of(bot)
    feature.meeting_days = _never
    due = bot.app.scheduler.next_due(f"prompts:{bot.group_id}")
    assert due is not None
    local = due.astimezone(bot.app.settings.for_group(bot.group_id).zone)
    assert (local.strftime("%A"), local.strftime("%H:%M")) == ("Wednesday", "10:00")
    clock.advance(due - clock.now() + timedelta(seconds=1))
    await bot.app.scheduler.run_due()
    await bot.settle()
    assert len(bot.adapter.sent_to_channel("updates")) == 1


def test_next_slot_for_each_cadence() -> None:
    after = datetime(2026, 3, 2, 12, tzinfo=UTC)  # a Monday
    weekly = next_slot(after, LONDON, PromptsConfig())
    assert weekly == datetime(2026, 3, 4, 10, tzinfo=UTC)
    daily = next_slot(after, LONDON, PromptsConfig(cadence="daily", time="09:30"))
    assert daily == datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    fortnight = next_slot(after, LONDON, PromptsConfig(cadence="fortnightly"))
    assert fortnight is not None and fortnight.isocalendar().week % 2 == 0
    assert next_slot(after, LONDON, PromptsConfig(cadence="never")) is None
    summer = next_slot(datetime(2026, 7, 1, 12, tzinfo=UTC), LONDON, PromptsConfig())
    assert summer == datetime(2026, 7, 8, 9, tzinfo=UTC)  # 10:00 BST


def test_pick_next_prefers_least_used_then_oldest() -> None:
    assert pick_next([]) is None


async def _never(group_id: str, day: date) -> bool:
    return False
