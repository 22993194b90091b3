"""The one date reader (`bot.dates`): what a meeting's "when" understands, a poll's and
an amendment's closing time, a due date and a check-in pause understand too."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.dates import WhenError
from bot.dates import read_day
from bot.dates import read_moment
from bot.errors import UserError
from bot.features.meetings.when import parse_due_date
from bot.features.meetings.when import parse_when
from bot.features.polls import wording as poll_wording
from bot.features.polls.package import parse_closes

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday, 09:00 in London


@pytest.mark.parametrize(("text", "expected"), [
    ("tomorrow 5pm", datetime(2026, 1, 6, 17, 0, tzinfo=LONDON)),
    ("next friday 5pm", datetime(2026, 1, 9, 17, 0, tzinfo=LONDON)),
    ("Friday 14:00", datetime(2026, 1, 9, 14, 0, tzinfo=LONDON)),
    ("in 2 hours", datetime(2026, 1, 5, 11, 0, tzinfo=LONDON)),
    ("2026-02-01 18:00", datetime(2026, 2, 1, 18, 0, tzinfo=LONDON)),
])
def test_the_same_words_work_for_meetings_and_polls(text: str, expected: datetime) -> None:
    assert parse_when(text, LONDON, NOW) == expected
    assert parse_closes(text, NOW, LONDON) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("tomorrow", datetime(2026, 1, 6, 17, 0, tzinfo=LONDON)),
    ("next friday", datetime(2026, 1, 9, 17, 0, tzinfo=LONDON)),
    ("2026-01-20", datetime(2026, 1, 20, 17, 0, tzinfo=LONDON)),
    ("8 February", datetime(2026, 2, 8, 17, 0, tzinfo=LONDON)),
])
def test_a_poll_given_a_day_closes_at_five_that_day(text: str, expected: datetime) -> None:
    assert parse_closes(text, NOW, LONDON) == expected
    # A meeting needs its time of day, and says so kindly.
    with pytest.raises(WhenError) as refused:
        parse_when(text, LONDON, NOW)
    assert "needs a time of day too" in str(refused.value)


@pytest.mark.parametrize(("text", "length"), [
    ("3d", timedelta(days=3)), ("12h", timedelta(hours=12)), ("90m", timedelta(minutes=90)),
    ("2 days", timedelta(days=2)), ("in 3 days", timedelta(days=3)),
])
def test_poll_lengths_still_work(text: str, length: timedelta) -> None:
    assert parse_closes(text, NOW, LONDON) == NOW + length


@pytest.mark.parametrize(("text", "expected"), [
    ("2020-01-01", poll_wording.N_("That closing time has already passed. Please choose a time to "
                                   "come.")),
    ("yesterday", poll_wording.N_("That closing time has already passed. Please choose a time to "
                                  "come.")),
    ("200d", poll_wording.N_("A poll can stay open for at most 90 days. Please choose a sooner "
                             "time.")),
    ("soon", poll_wording.poll_bad_close("2026-12-01 17:00")),
    ("2026-13-45", poll_wording.poll_bad_close("2026-12-01 17:00")),
])
def test_poll_closing_times_that_cannot_be_used(text: str, expected: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_closes(text, NOW, LONDON)
    assert refused.value.text == expected


def test_days_are_read_alike_everywhere() -> None:
    assert read_day("next monday", LONDON, NOW) == date(2026, 1, 12)
    assert read_day("2026-12-08", LONDON, NOW) == date(2026, 12, 8)
    assert read_day("8 December", LONDON, NOW) == date(2026, 12, 8)
    assert read_day("  ", LONDON, NOW) is None
    assert parse_due_date("tomorrow", LONDON, NOW) == date(2026, 1, 6)


def test_a_time_the_clocks_skip_is_refused_kindly() -> None:
    with pytest.raises(WhenError) as refused:
        read_moment("2026-03-29 01:30", LONDON, NOW)
    assert "clocks go forward" in str(refused.value)
    with pytest.raises(UserError) as poll:
        parse_closes("2026-03-29 01:30", NOW, LONDON)
    assert "clocks go forward" in poll.value.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example("next friday 5pm")
@example("in 9999 weeks")
@example("2026-02-30 10:00")
@example("9999-12-31 23:59")
@example("0001-01-01")
@example("\x00tomorrow")
def test_any_text_is_read_or_refused_kindly(text: str) -> None:
    """Free text never crashes the reader: a moment, None, or a kind `WhenError`."""
    for default in (None, time(17, 0)):
        try:
            found = read_moment(text, LONDON, NOW, default_time=default)
        except WhenError as exc:
            assert str(exc)
        else:
            assert found is None or found.tzinfo is not None
    try:
        closes = parse_closes(text, NOW, LONDON)
    except UserError as exc:
        assert exc.text
    else:
        assert NOW < closes <= NOW + timedelta(days=90)
    day = read_day(text, LONDON, NOW)
    assert day is None or isinstance(day, date)
