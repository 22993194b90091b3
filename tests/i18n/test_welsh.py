"""Welsh: its six plural forms chosen by Babel's rule for each count, dates and lists
written the Welsh way, and Welsh date phrases read where a command takes a time."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import time
from zoneinfo import ZoneInfo

import pytest

from bot.dates import read_moment
from bot.features.polls import wording as polls
from bot.i18n import and_list
from bot.i18n import or_list
from bot.i18n import speaking

LONDON = ZoneInfo("Europe/London")

VOTERS = {
    0: "Pleidleisiodd neb.",
    1: "Pleidleisiodd un person.",
    2: "Pleidleisiodd dau berson.",
    3: "Pleidleisiodd tri pherson.",
    6: "Pleidleisiodd chwe pherson.",
    11: "Pleidleisiodd 11 o bobl.",
    100: "Pleidleisiodd 100 o bobl.",
}
VOTES = {
    0: "- Llun: dim pleidlais (0%)",
    1: "- Llun: 1 bleidlais (1%)",
    2: "- Llun: 2 bleidlais (2%)",
    3: "- Llun: 3 pleidlais (3%)",
    6: "- Llun: 6 phleidlais (6%)",
    11: "- Llun: 11 pleidlais (11%)",
    100: "- Llun: 100 pleidlais (100%)",
}


@pytest.mark.parametrize("n", sorted(VOTERS))
def test_each_count_takes_its_own_welsh_form(n: int) -> None:
    with speaking("cy"):
        assert polls.poll_results("Q", [], n, False).splitlines()[-1] == VOTERS[n]
        assert polls.poll_result_line("Llun", n, 100, []) == VOTES[n]


@pytest.mark.parametrize("n", sorted(VOTERS))
def test_english_keeps_its_two_forms(n: int) -> None:
    with speaking("en"):
        assert polls.poll_results("Q", [], n, False).splitlines()[-1] == (
            "1 person voted." if n == 1 else f"{n} people voted.")


def test_welsh_dates_and_lists() -> None:
    moment = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    with speaking("cy"):
        assert polls.poll_when(moment, LONDON) == "Maw 08 Rhag 2026 am 18:00 (Europe/London)"
        assert and_list(["hwyluswyr", "arweinwyr", "gweinyddwyr"]) == (
            "hwyluswyr, arweinwyr a gweinyddwyr")
        assert and_list(["Sam", "Alex"]) == "Sam ac Alex"
        assert or_list(["Cymraeg", "English"]) == "Cymraeg neu English"
    with speaking("en"):
        assert polls.poll_when(moment, LONDON) == "Tue 08 Dec 2026 at 18:00 (Europe/London)"
        assert and_list(["a", "b", "c"]) == "a, b and c"


@pytest.mark.parametrize(("typed", "expected"), [
    ("dydd Mawrth nesaf 6pm", datetime(2026, 12, 8, 18, 0, tzinfo=UTC)),
    ("yfory am 5pm", datetime(2026, 12, 7, 17, 0, tzinfo=UTC)),
    ("dydd Gwener 17:00", datetime(2026, 12, 11, 17, 0, tzinfo=UTC)),
    ("tomorrow 5pm", datetime(2026, 12, 7, 17, 0, tzinfo=UTC)),
])
def test_welsh_date_phrases_are_read_for_a_welsh_reader(typed: str,
                                                         expected: datetime) -> None:
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # a Sunday
    with speaking("cy"):
        assert read_moment(typed, LONDON, now, default_time=time(17)) == expected


def test_an_english_reader_is_read_in_english_only() -> None:
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    with speaking("en"):
        assert read_moment("dydd Mawrth nesaf 6pm", LONDON, now, default_time=time(17)) \
            is None
