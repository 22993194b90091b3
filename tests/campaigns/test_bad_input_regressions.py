"""One test per bug the bad-input campaigns found, so each stays fixed even if the
campaigns' random examples move on."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.config import ConfigError
from bot.config import load_config
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import FormSubmission
from bot.events import Invocation
from bot.events import made_valid
from bot.events import valid_text
from bot.features.feedback import wording as feedback_wording
from bot.features.meetings.flows import FormState
from bot.features.meetings.texts import parse_occurrence_value
from bot.parsing import parse_id
from bot.text import echo
from tests.campaigns.hostile import live_problems

CAROL = Actor("U-carol", "Carol", frozenset({"Facilitator"}))


def test_text_from_a_platform_is_made_storable() -> None:
    assert valid_text("a\ud800b\x00c") == "a\ufffdbc"
    actor = made_valid(Actor("U1", "x\udfff"))
    assert actor.display_name == "x\ufffd"
    event = made_valid(FormSubmission("g", actor, "f", {"k\ud800": "v\ud800"}, "s\x00"))
    assert event.values == {"k\ufffd": "v\ufffd"} and event.state == "s"


async def test_a_lone_surrogate_is_stored_not_apologised_for(bot: MemoryBot) -> None:
    reply = await bot.submit("alice", "feedback.send", {"message": "hi \ud800 there",
                                                        "audience": "group"})
    assert reply_text(reply) == feedback_wording.FEEDBACK_SENT
    reply = await bot.app.handle(Invocation(bot.group_id, Actor("U-x", "\ud800"), "help"))
    assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG


@pytest.mark.parametrize("raw", ["9223372036854775808", "1" * 30, "²", "٣", "1_0", "-1",
                                 "", " 7x"])
def test_parse_id_takes_only_plain_numbers_a_database_holds(raw: str) -> None:
    assert parse_id(raw) is None
    assert parse_id("9223372036854775807") == 2**63 - 1 and parse_id(" 42 ") == 42


@pytest.mark.parametrize("action", ["meetings.action_done", "meetings.dm", "meetings.confirm",
                                    "meetings.rsvp.going"])
@pytest.mark.parametrize("value", ["9223372036854775808", "1:99999999999999:0", "²"])
async def test_forged_numbers_in_buttons_are_refused_kindly(bot: MemoryBot, action: str,
                                                            value: str) -> None:
    reply = await bot.app.handle(ButtonPress(bot.group_id, CAROL, action, value))
    assert reply_text(reply) not in ("", catalog.SOMETHING_WENT_WRONG)


@pytest.mark.parametrize("state", ["²", "9223372036854775808", "-3"])
async def test_a_forged_minutes_state_is_no_failure(bot: MemoryBot, state: str) -> None:
    reply = await bot.app.handle(FormSubmission(bot.group_id, CAROL, "meetings.minutes",
                                                {"summary": "We met."}, state))
    assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG


def test_meeting_form_state_is_bounded() -> None:
    default = (1440, 60)
    assert FormState.decode("r=10000000000000000000", default) == FormState(default)
    assert FormState.decode("r=1,2,3,4,5,6", default) == FormState(default)
    assert FormState.decode("r=0", default) == FormState(default)
    assert FormState.decode("r=60;e=²", default) == FormState(default)
    assert FormState.decode("r=60;e=3", default) == FormState((60,), 3)
    with pytest.raises(ValueError):
        parse_occurrence_value("1:253402300800:0")


@pytest.mark.parametrize("channel", ["<@U-bob", "@everyone", "a#b", "```", "x\u200by"])
async def test_setup_refuses_a_channel_name_that_is_markup(bot: MemoryBot,
                                                           channel: str) -> None:
    bot.adapter.member("carol", "Facilitator")
    reply = await bot.app.handle(Invocation(bot.group_id, bot.adapter.member("carol"),
                                            "setup", {"updates_channel": channel},
                                            "general"))
    assert reply_text(reply).startswith("Nothing was changed.")
    assert bot.app.settings.for_group(bot.group_id).updates_channel == "updates"


async def test_setup_shows_role_names_inert(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", '/setup facilitator_roles="Facilitator, @everyone"')
    shown = reply_text(await bot.run("carol", "/setup"))
    assert "@everyone" in shown.replace("\u200b", "") and not live_problems(shown)


@pytest.mark.parametrize("line", ['/help command="@everyone"',
                                  '/meeting timezone zone="<!channel>"',
                                  '/setup timezone="@here"'])
async def test_refusals_echo_what_was_typed_inertly(bot: MemoryBot, line: str) -> None:
    bot.adapter.member("carol", "Facilitator")
    said = reply_text(await bot.run("carol", line))
    assert said and not live_problems(said), said


def test_echo_is_one_short_inert_line() -> None:
    assert echo("America/New_York") == "America/New_York"
    assert echo("a\nb\tc") == "a b c"
    assert len(echo("x" * 500)) == 80 and echo("x" * 500).endswith("…")
    for raw in ("@everyone", "<@&1>", "<!here>", "```", "||x||", "[a](b)", "\u202e"):
        assert not live_problems(echo(raw)), raw


@pytest.mark.parametrize(("text", "shown"), [
    ('"" = 1\n', '"": a setting outside any section'),
    ('["a b"]\nx = 1\n', '["a b"]: unknown section'),
    ('[bot]\n"" = 1\n', '[bot] "": unknown key'),
    ('["\\\\"]\n', '["\\\\"]: unknown section'),
])
def test_odd_section_and_key_names_are_shown_quoted(tmp_path: Path, text: str,
                                                    shown: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert any(p.startswith(shown) for p in caught.value.problems), caught.value.problems
    assert all(p.count("[bot], ") <= 1 for p in caught.value.problems)


@pytest.mark.parametrize("name", ["<", "x@", "<!", "@"])
async def test_a_name_ending_in_half_a_mention_stays_inert_beside_the_bots_words(
        bot: MemoryBot, name: str) -> None:
    reply = await bot.app.handle(Invocation(bot.group_id, Actor("U-x", name), "welcome",
                                            {}, "general"))
    said = reply_text(reply)
    assert said.startswith("Welcome,") and not live_problems(said), said[:80]
