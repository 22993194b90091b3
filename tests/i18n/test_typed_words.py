"""What members type, in Welsh too: repeat choices, reminder lengths, check-in cadence
and days, "none". A Welsh reader may type the Welsh or the English; what the bot shows
them and names in an error is the Welsh; an English reader is read exactly as before."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.errors import UserError
from bot.features.meetings.flows import form_values
from bot.features.meetings.store import MeetingRecord
from bot.features.meetings.when import WhenError
from bot.features.meetings.when import describe_offset
from bot.features.meetings.when import offsets_text
from bot.features.meetings.when import parse_offsets
from bot.features.meetings.when import parse_repeat
from bot.i18n import languages
from bot.i18n import speaking
from bot.i18n import tr
from bot.messages import Choice
from bot.typed_words import UNIT_WORDS
from bot.typed_words import WEEKDAY_WORDS
from bot.typed_words import Typed
from bot.typed_words import choice_words
from bot.typed_words import fortnightly_words
from bot.typed_words import monthly_by_weekday_words
from bot.typed_words import monthly_words
from bot.typed_words import none_words
from bot.typed_words import read_choice
from bot.typed_words import read_weekday
from bot.typed_words import understood
from bot.typed_words import weekly_words

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 12, 1, 18, 0, tzinfo=LONDON)  # the first Tuesday
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
REPEATS = {none_words: "", weekly_words: "FREQ=WEEKLY",
           fortnightly_words: "FREQ=WEEKLY;INTERVAL=2",
           monthly_words: "FREQ=MONTHLY;BYMONTHDAY=1",
           monthly_by_weekday_words: "FREQ=MONTHLY;BYDAY=+1TU"}


@pytest.mark.parametrize(("typed", "rule"), [
    ("wythnosol", "FREQ=WEEKLY"), ("bob wythnos", "FREQ=WEEKLY"),
    ("Pythefnosol", "FREQ=WEEKLY;INTERVAL=2"), ("bob pythefnos", "FREQ=WEEKLY;INTERVAL=2"),
    ("misol", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("misol yn ôl diwrnod", "FREQ=MONTHLY;BYDAY=+1TU"), ("dim", ""), ("unwaith", ""),
    # English keeps working for a Welsh reader
    ("weekly", "FREQ=WEEKLY"), ("fortnightly", "FREQ=WEEKLY;INTERVAL=2"), ("none", ""),
    ("monthly by weekday", "FREQ=MONTHLY;BYDAY=+1TU"),
])
def test_a_welsh_reader_types_repeats_in_welsh_or_english(typed: str, rule: str) -> None:
    with speaking("cy"):
        assert parse_repeat(typed, START, NOW) == rule


def test_an_english_reader_is_not_read_in_welsh() -> None:
    with speaking("en"), pytest.raises(WhenError) as refused:
        parse_repeat("wythnosol", START, NOW)
    assert "none, weekly, fortnightly" in str(refused.value)


def test_an_unknown_repeat_names_the_welsh_words() -> None:
    with speaking("cy"), pytest.raises(WhenError) as refused:
        parse_repeat("weithiau", START, NOW)
    text = str(refused.value)
    assert "dim, wythnosol, pythefnosol, misol (yr un dyddiad), misol yn ôl diwrnod" in text
    assert "weekly" not in text


@pytest.mark.parametrize(("typed", "minutes"), [
    ("1 diwrnod, 2 awr", (1440, 120)), ("2 ddiwrnod a 15 munud", (2880, 15)),
    ("1 wythnos ac 1 awr cyn y cyfarfod", (10080, 60)), ("30 munud", (30,)),
    ("2 funud", (2,)), ("3 awr", (180,)),
    ("1 day, 1 hour", (1440, 60)), ("2 hours and 15 minutes before", (120, 15)),
    ("dim", ()), ("none", ()),
])
def test_a_welsh_reader_types_reminder_lengths_in_welsh_or_english(
        typed: str, minutes: tuple[int, ...]) -> None:
    with speaking("cy"):
        assert parse_offsets(typed) == minutes


def test_reminder_lengths_are_refused_kindly_in_welsh() -> None:
    with speaking("cy"), pytest.raises(WhenError) as refused:
        parse_offsets("1 diwrnod, yfory")
    assert "fel “1 diwrnod, 1 awr” neu “2 awr, 15 munud”, neu “dim”" in str(refused.value)
    with speaking("en"), pytest.raises(WhenError):
        parse_offsets("1 diwrnod")  # an English reader is read as before


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("minutes", [1, 2, 3, 15, 59, 60, 120, 180, 360, 1440, 2880, 4320,
                                     10080, 20160, 40320])
def test_what_the_bot_shows_reads_back(language: str, minutes: int) -> None:
    """Reminder lengths as the bot writes them ("2 ddiwrnod", "3 awr") are read back as
    they were, one length each (a length in two units, "1 awr 30 munud", is read as two
    reminders, in English as in Welsh)."""
    with speaking(language):
        assert parse_offsets(describe_offset(minutes)) == (minutes,)
        if minutes > 1:
            assert parse_offsets(offsets_text((minutes, 1))) == (minutes, 1)
        assert parse_offsets(offsets_text(())) == ()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_change_form_shows_the_repeat_in_the_readers_words(language: str) -> None:
    shown = {"en": ["none", "weekly", "fortnightly", "monthly", "monthly by weekday"],
             "cy": ["dim", "wythnosol", "pythefnosol", "misol", "misol yn ôl diwrnod"]}
    for rule, word in zip(REPEATS.values(), shown[language], strict=True):
        meeting = MeetingRecord(id=1, group_id="g", title="t", starts_at=START,
                                zone="Europe/London", rrule=rule, location="", notes="",
                                channel="updates", reminders=(60,), status="active",
                                created_by="u")
        with speaking(language):
            values = form_values(meeting, LONDON)
            assert values["repeat"] == word
            assert parse_repeat(values["repeat"], START, NOW) == rule


@pytest.mark.parametrize("language", languages())
def test_no_typed_word_means_two_things(language: str) -> None:
    """Within each set a command reads, a word names one meaning only, in the language
    and in English together."""
    with speaking(language):
        for group in (list(REPEATS), list(WEEKDAY_WORDS), list(UNIT_WORDS.values())):
            for one, other in combinations(group, 2):
                assert not understood(one) & understood(other), (language, one, other)


def test_days_in_welsh_and_english() -> None:
    with speaking("cy"):
        assert read_weekday("dydd Gwener") == 4
        assert read_weekday("Llun") == 0
        assert read_weekday("sunday") == 6
        assert read_weekday("yfory") is None
    with speaking("en"):
        assert read_weekday("llun") is None
        assert read_weekday("Wed") == 2


def test_choices_are_read_by_their_words_and_named_in_the_readers_language() -> None:
    days = tuple(Choice(Typed(w), v) for w, v in zip(
        WEEKDAY_WORDS, ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                        "sunday"], strict=True))
    with speaking("cy"):
        assert read_choice("dydd mercher", days) == "wednesday"
        assert read_choice("Thursday", days) == "thursday"
        assert choice_words(days)[:3] == ["llun", "mawrth", "mercher"]
        assert tr(days[0].label) == "llun"
    with speaking("en"):
        assert read_choice("mercher", days) is None
        assert choice_words(days)[:2] == ["monday", "tuesday"]
        assert days[0].label == "monday"


async def test_a_welsh_member_sets_their_check_ins_in_welsh(bot: MemoryBot) -> None:
    await bot.run("dana", "/language cy")
    saved = await bot.run("dana", "/checkin set cadence=pythefnosol day=gwener time=18:00 "
                                  "quiet=dim")
    settings = reply_text(saved)
    assert settings.startswith("Wedi'i gadw."), settings
    assert "- Pa mor aml: bob pythefnos; y diwrnod: Dydd Gwener; yr amser: 18:00" in settings
    again = reply_text(await bot.run("dana", '/checkin set cadence=monthly day="dydd Llun"'))
    assert "- Pa mor aml: bob mis; y diwrnod: Dydd Llun" in again
    refused = reply_text(await bot.run("dana", "/checkin set day=dyddSul"))
    assert "llun, mawrth, mercher, iau, gwener, sadwrn, sul" in refused, refused
    refused = reply_text(await bot.run("dana", "/checkin set cadence=weithiau"))
    assert "wythnosol, pythefnosol, misol" in refused, refused
    # English readers, as before
    english = reply_text(await bot.run("alice", "/checkin set cadence=pythefnosol"))
    assert "weekly, fortnightly, monthly" in english, english


def test_a_command_choice_refusal_lists_the_welsh_words() -> None:
    from bot.commands import OptionSpec

    option = OptionSpec("cadence", "how often", choices=(
        Choice(Typed(weekly_words), "weekly"), Choice(Typed(monthly_words), "monthly")))
    with speaking("cy"):
        assert option.coerce("bob mis") == "monthly"
        with pytest.raises(UserError) as refused:
            option.coerce("weithiau")
    assert "wythnosol, misol" in refused.value.text


async def test_a_case_notes_kind_and_a_polls_length_in_welsh(bot: MemoryBot) -> None:
    from bot.features.polls.reading import parse_closes

    spec = next(s for s in bot.app.registry.all() if s.name == "case note")
    kind = next(o for o in spec.options if o.name == "kind")
    with speaking("cy"):
        assert [kind.coerce(w) for w in ("ffaith", "Barn", "fact", "opinion")] == [
            "fact", "opinion", "fact", "opinion"]
        with pytest.raises(UserError) as refused:
            kind.coerce("sïon")
        assert "ffaith, barn" in refused.value.text
        for typed, days in (("2 ddiwrnod", 2), ("3d", 3), ("1 wythnos", 7), ("2 days", 2)):
            assert parse_closes(typed, NOW, LONDON) - NOW == timedelta(days=days), typed
    with speaking("en"):
        assert parse_closes("12h", NOW, LONDON) - NOW == timedelta(hours=12)
        with pytest.raises(UserError):
            kind.coerce("ffaith")
