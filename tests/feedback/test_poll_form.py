"""Polls as /help describes them (issue 18.5): closes may be left out, polls read the
same dates and times as meetings, and a form answer that cannot be used is asked for
again instead of losing the form."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.features.polls import wording as poll_wording
from bot.features.polls.reading import form_problems

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


async def test_a_poll_without_closes_is_open_three_days(bot: MemoryBot) -> None:
    help_text = reply_text(await bot.run("alice", "/help poll"))
    assert "- closes: " in help_text and "(needed)" not in help_text.split("- closes")[1]
    made = await bot.run("alice", '/poll question="Tea or coffee?" options="Tea|Coffee"')
    assert "will be posted in #updates" in reply_text(made)
    (poll,) = await bot.app.storage.open_polls()
    assert poll.closes_at == NOW + timedelta(days=3)
    by_form = await bot.submit("alice", "poll.create", {
        "question": "Walk or sit?", "options": "Walk\nSit", "closes": "",
        "anonymous": "", "multiple": ""})
    assert "will be posted" in reply_text(by_form)
    assert {p.closes_at for p in await bot.app.storage.open_polls()} == {
        NOW + timedelta(days=3)}


@pytest.mark.parametrize(("closes", "expected"), [
    ("tomorrow", datetime(2026, 1, 6, 17, 0, tzinfo=LONDON)),
    ('"next friday 5pm"', datetime(2026, 1, 9, 17, 0, tzinfo=LONDON)),
    ('"in 2 hours"', NOW + timedelta(hours=2)),
    ("3d", NOW + timedelta(days=3)),
])
async def test_polls_read_times_as_meetings_do(bot: MemoryBot, closes: str,
                                               expected: datetime) -> None:
    made = await bot.run("carol", f'/poll question="Q?" options="A|B" closes={closes}')
    assert "will be posted" in reply_text(made), reply_text(made)
    (poll,) = await bot.app.storage.open_polls()
    assert poll.closes_at == expected


async def test_a_wrong_count_asks_for_the_options_again(bot: MemoryBot) -> None:
    reply = await bot.submit("alice", "poll.create", {
        "question": "Which day?", "options": "Monday", "closes": "soon",
        "anonymous": "", "multiple": ""})
    assert reply.field_errors == {
        "options": poll_wording.poll_too_few_options(1),
        "closes": poll_wording.poll_bad_close("2026-12-01 17:00")}
    assert reply.messages == ()
    assert await bot.app.storage.open_polls() == []
    assert sum((await bot.app.storage.delivery_counts()).values()) == 0
    fixed = await bot.submit("alice", "poll.create", {
        "question": "Which day?", "options": "Monday\nTuesday", "closes": "",
        "anonymous": "", "multiple": ""})
    assert "will be posted" in reply_text(fixed)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=st.text(max_size=40), options=st.text(max_size=80),
       closes=st.text(max_size=40))
def test_form_problems_name_only_fields_of_the_form(question: str, options: str,
                                                    closes: str) -> None:
    """Whatever is typed, each problem is a kind sentence about a field of the form."""
    problems = form_problems({"question": question, "options": options, "closes": closes},
                             NOW, LONDON)
    assert set(problems) <= {"question", "options", "closes"}
    assert all(text.strip() for text in problems.values())
