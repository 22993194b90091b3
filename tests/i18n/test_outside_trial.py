"""What an outside trial found in Welsh and in language names (issue 20)."""

from __future__ import annotations

import re

import pytest

from adapters.console.controls import help_text
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import check_form
from bot.catalog import console_answers_refused
from bot.features.feedback.config import FeedbackConfig
from bot.features.feedback.feature import send_fields
from bot.features.meetings.flows import SCHEDULE_FIELDS
from bot.i18n import and_list
from bot.i18n import read_language
from bot.i18n import speaking


@pytest.mark.parametrize(("typed", "code"), [
    ("Saesneg", "en"), ("saesneg", "en"), ("English", "en"), ("Saesneg ", "en"), ("en", "en"),
    ("Cymraeg", "cy"), ("Welsh", "cy"), ("cy", "cy"), ("CYMRAEG", "cy"), ("en-GB", "en"),
])
def test_a_language_is_found_by_its_name_in_any_language_we_have(typed: str, code: str) -> None:
    for reader in ("en", "cy"):
        with speaking(reader):
            assert read_language(typed) == code
    assert read_language("Klingon") is None


@pytest.mark.parametrize(("first", "joined"), [
    ("1 awr", "ac"), ("8 diwrnod", "ac"), ("11 munud", "ac"), ("18 munud", "ac"),
    ("80 munud", "ac"), ("800 munud", "ac"), ("1,000 munud", "a"), ("8000 munud", "ac"),
    ("2 awr", "a"), ("10 munud", "a"), ("100 munud", "a"), ("3 awr", "a"), ("20 munud", "a"),
    ("awr", "ac"), ("wythnos", "ac"), ("diwrnod", "a"),
])
def test_welsh_and_is_ac_before_a_number_said_with_a_vowel(first: str, joined: str) -> None:
    with speaking("cy"):
        assert and_list(["1 diwrnod", first]) == f"1 diwrnod {joined} {first}"
        assert and_list(["x", "y", first]) == f"x, y {joined} {first}"


def _audience_typed(reader: str, typed: str) -> tuple[dict[str, str], dict[str, str]]:
    """The feedback form checked with `typed` as its audience, by someone reading `reader`:
    the values read and the problems found."""
    fields = send_fields(FeedbackConfig())
    with speaking(reader):
        return check_form(fields, {"message": "hi", "audience": typed})


@pytest.mark.parametrize(("reader", "typed", "value"), [
    ("cy", "grŵp", "group"), ("cy", "hwyluswyr", "facilitators"), ("cy", "Y grŵp cyfan", "group"),
    ("cy", "group", "group"), ("cy", "hwylus", "facilitators"), ("cy", "y grŵp", "group"),
    ("en", "group", "group"), ("en", "facil", "facilitators"), ("en", "The whole", "group"),
    ("en", "whole group", "group"), ("en", "The facilitators only", "facilitators"),
])
def test_a_choice_is_read_by_its_value_label_or_the_start_of_a_word(
        reader: str, typed: str, value: str) -> None:
    values, errors = _audience_typed(reader, typed)
    assert errors == {}
    assert values["audience"] == value


@pytest.mark.parametrize(("reader", "typed", "listed"), [
    ("cy", "y", "Y grŵp cyfan, Yr hwyluswyr yn unig"), ("cy", "gr", "Y grŵp cyfan"),
    ("en", "the", "The whole group, The facilitators only"), ("en", "everyone", "The whole"),
])
def test_a_choice_too_short_or_shared_is_refused_with_the_choices_listed(
        reader: str, typed: str, listed: str) -> None:
    _values, errors = _audience_typed(reader, typed)
    assert listed in errors["audience"]


@pytest.mark.parametrize(("reader", "zone", "expected"), [
    ("en", "Foo", "Sorry, “Foo” is not a time zone I know. Use a name like Europe/London, "
                  "America/New_York or UTC. Nothing was changed."),
    ("cy", "Foo", "Mae'n ddrwg gen i, dydw i ddim yn adnabod “Foo” fel cylchfa amser. "
                  "Defnyddiwch enw fel Europe/London, America/New_York neu UTC. Does dim wedi "
                  "newid."),
    ("en", "Europe/Londn", "Sorry, “Europe/Londn” is not a time zone I know. Did you mean "
                           "Europe/London? Use a name like Europe/London, America/New_York or "
                           "UTC. Nothing was changed."),
])
async def test_an_unknown_own_time_zone_is_a_whole_sentence(
        bot: MemoryBot, reader: str, zone: str, expected: str) -> None:
    await bot.run("dana", f"/language {reader}")
    assert reply_text(await bot.run("dana", f"/meeting timezone zone={zone}")) == expected
    await bot.run("dana", "/language en")
    assert "the group's time zone" in reply_text(await bot.run("dana", "/meeting timezone"))



def test_console_help_examples_are_in_the_readers_words_and_use_real_form_keys() -> None:
    with speaking("cy"):
        shown = help_text()
    assert ":press Yn dod" in shown and ":say Ces i wythnos anodd" in shown
    for english in ("Going", "I had a hard week", "Monthly meeting", "Option A", "notes="):
        assert english not in shown
    with speaking("en"):
        (form,) = [line for line in help_text().splitlines() if ":form key=value" in line]
    keys = {f.key for f in SCHEDULE_FIELDS}
    used = re.findall(r"(\w+)=", form.split("Example:")[1])
    assert used and set(used) <= keys


def test_a_refused_console_form_says_how_to_cancel() -> None:
    for reader in ("en", "cy"):
        with speaking(reader):
            assert ":cancel" in console_answers_refused(["“Title” needs at least 3 characters."])
