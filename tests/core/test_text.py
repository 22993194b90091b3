"""Neutralising relayed text, and telling empty text from real text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.text import CHANNEL_CLOSE
from bot.text import CHANNEL_OPEN
from bot.text import ZWSP
from bot.text import channel_ref
from bot.text import channels_in
from bot.text import echo
from bot.text import has_visible_text
from bot.text import neutralise
from bot.text import plain_channels
from bot.text import render_channels

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


def test_channel_references_are_neutral_and_read_as_hash_names() -> None:
    for written in ("updates", "#updates", "<#C0UPDATES1|updates>", " C0UPDATES1 "):
        ref = channel_ref(written)
        assert ref.startswith(CHANNEL_OPEN) and ref.endswith(CHANNEL_CLOSE)
    text = f"Posted in {channel_ref('updates')} and {channel_ref('1234567890')}."
    assert channels_in(text) == ["updates", "1234567890"]
    assert plain_channels(text) == "Posted in #updates and #1234567890."
    assert render_channels(text, lambda c: f"<{c}>") == "Posted in <updates> and <1234567890>."
    assert channel_ref("two words") == "#two words"  # not a channel: never a reference


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["\ue000", "\ue001", "C", "1", "#", "<", ">", " "]),
               max_size=60) | st.text(max_size=200))
def test_member_text_can_never_carry_a_channel_reference(text: str) -> None:
    for out in (neutralise(text), echo(text)):
        assert channels_in(out) == [] and CHANNEL_OPEN not in out and CHANNEL_CLOSE not in out
