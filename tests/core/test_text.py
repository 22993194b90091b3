"""Neutralising relayed text, and telling empty text from real text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import ZWSP, has_visible_text, neutralise

PINGS = re.compile(
    r"@(everyone|here|channel)\b|<@[!&]?\w+>|<#\w+>|<!(channel|here|everyone)[|>]|<!subteam\^",
    re.IGNORECASE,
)


def test_discord_and_slack_mentions_are_broken() -> None:
    text = ("@everyone @here <@123> <@!123> <@&456> <#789> <!channel> <!here|here> "
            "<!everyone> <@U0123> <!subteam^S1|@team>")
    out = neutralise(text)
    assert not PINGS.search(out)
    assert out.replace(ZWSP, "").replace("\\", "").startswith("@everyone @here <@123>")


def test_markdown_that_hides_or_fakes_content_is_escaped() -> None:
    out = neutralise("||spoiler|| [click](https://evil.example) # Heading > quote **b**")
    assert "\\|\\|spoiler" in out
    assert "\\[click\\]\\(https" in out
    assert "\\# Heading" in out and "\\> quote" in out and "\\*\\*b" in out


def test_direction_overrides_and_controls_are_removed() -> None:
    out = neutralise("abc\u202edcba\u2066x\u2069\x00\x07 end\r\nnext")
    assert out == "abcdcbax end\nnext"


def test_visible_text() -> None:
    assert not has_visible_text("")
    assert not has_visible_text("   \n\t")
    assert not has_visible_text("\u200b\u200d\u2060\ufeff\u00ad")
    assert has_visible_text(" a ")
    assert has_visible_text("مرحبا")
    assert has_visible_text("🙂")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_nothing_neutralised_can_ping(text: str) -> None:
    assert not PINGS.search(neutralise(text))
