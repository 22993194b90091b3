"""A length typed in parts ("1 day, 2 hours") is the parts added up wherever a closing
time is read (a poll's, and an amendment vote's: the agreement reads it with
`parse_closes`), in English and Welsh; text with a length in it that is not only lengths
is refused kindly, never read as some other time (issue 20)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.features.polls import wording as poll_wording
from bot.features.polls.package import parse_closes
from bot.i18n import speaking
from bot.typed_words import read_length

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 6, 14, 32, tzinfo=UTC)  # a Sunday, as the tester had it
DAY_AND_TWO_HOURS = timedelta(days=1, hours=2)


@pytest.mark.parametrize(("language", "text"), [
    ("en", "1 day, 2 hours"), ("en", "1d 2h"), ("en", "1 day and 2 hours"),
    ("en", "1 day 2 hours"), ("en", "1d, 2h"), ("en", "in 1 day, 2 hours"),
    ("en", "2 hours, 1 day"), ("en", "1 DAY, 2 HOURS."),
    ("cy", "1 diwrnod, 2 awr"), ("cy", "1 diwrnod a 2 awr"), ("cy", "1 diwrnod ac 2 awr"),
    ("cy", "1 diwrnod 2 awr"), ("cy", "1 day, 2 awr"), ("cy", "1 day and 2 hours"),
])
def test_a_poll_closes_after_every_part_of_its_length(language: str, text: str) -> None:
    with speaking(language):
        assert parse_closes(text, NOW, LONDON) == NOW + DAY_AND_TWO_HOURS


@pytest.mark.parametrize("text", [
    "1 day, 2 hours, then", "1 day, tomorrow", "tomorrow 2 hours", "1 day or 2 hours",
    "1 day, 2", "1 day,, soon",
])
def test_text_with_a_length_that_is_not_only_lengths_is_refused(text: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_closes(text, NOW, LONDON)
    assert refused.value.text == poll_wording.poll_bad_close("2026-12-01 17:00")


UNITS = {"en": [("minutes", 1), ("h", 60), ("hours", 60), ("d", 1440), ("days", 1440),
                ("weeks", 10080)],
         "cy": [("munud", 1), ("awr", 60), ("oriau", 60), ("diwrnod", 1440),
                ("wythnos", 10080)]}
JOINS = {"en": [" ", ", ", " and ", ", and "], "cy": [" ", ", ", " a ", " ac ", ", a "]}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["en", "cy"]).flatmap(lambda lang: st.tuples(
    st.just(lang),
    st.lists(st.tuples(st.integers(0, 999), st.sampled_from(UNITS[lang])), min_size=1,
             max_size=4),
    st.lists(st.sampled_from(JOINS[lang]), min_size=4, max_size=4))))
def test_any_compound_length_is_the_sum_of_its_parts(
        case: tuple[str, list[tuple[int, tuple[str, int]]], list[str]]) -> None:
    language, parts, joins = case
    text = "".join(f"{join if i else ''}{amount} {unit}"
                   for i, ((amount, (unit, _size)), join) in enumerate(zip(parts, joins,
                                                                           strict=False)))
    with speaking(language):
        assert read_length(text) == sum(amount * size for amount, (_unit, size) in parts)
