"""What an outside trial found in Welsh and in language names (issue 20)."""

from __future__ import annotations

import pytest

from bot.i18n import and_list, read_language, speaking


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
