"""Rendering for Slack without a server: mrkdwn conversion and escaping (with hypothesis),
Block Kit limits, modal building and reading, command lines and the manifest."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import adapters.slack as slack_package
from adapters.slack.blocks import message_blocks
from adapters.slack.blocks import read_action
from adapters.slack.blocks import sections
from adapters.slack.commands import RESERVED
from adapters.slack.commands import NativeNames
from adapters.slack.commands import command_line
from adapters.slack.commands import slash_commands
from adapters.slack.manifest import BOT_EVENTS
from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.manifest import manifest
from adapters.slack.manifest import manifest_for_config
from adapters.slack.modals import form_view
from adapters.slack.modals import read_submission
from adapters.slack.mrkdwn import LOOKALIKE
from adapters.slack.mrkdwn import from_slack
from adapters.slack.mrkdwn import plain
from adapters.slack.mrkdwn import to_mrkdwn
from bot.clock import FakeClock
from bot.config import Config
from bot.messages import Button
from bot.messages import Choice
from bot.messages import Form
from bot.messages import FormField
from bot.messages import Message
from bot.text import channel_ref
from bot.text import neutralise
from storage.interface import Storage
from tests.contract.slack.conftest import Gate
from tests.contract.slack.conftest import make_app
from tests.fakes.slack import payloads


@given(st.text(max_size=300))
def test_neutralised_text_can_never_mention_or_format(text: str) -> None:
    out = to_mrkdwn(neutralise(text))
    assert "<" not in out and ">" not in out.replace("&gt;", "")
    assert not re.search(r"(?i)@(channel|here|everyone)\b", out)
    for ch in "*_~`":  # a member's formatting characters become lookalikes
        assert ch not in out


@given(st.text(alphabet=st.sampled_from(list("*_~`<>&@!#|[]()\\ abc\n")), max_size=80))
def test_markup_characters_survive_as_something_readable(text: str) -> None:
    out = to_mrkdwn(neutralise(text))
    visible = out.replace("\u200b", "").replace("&lt;", "<").replace("&gt;", ">")
    visible = visible.replace("&amp;", "&")
    for ch, look in LOOKALIKE.items():
        visible = visible.replace(look, ch)
    assert visible == text  # every character is still there for the reader


def test_the_cores_own_markup_becomes_mrkdwn() -> None:
    assert to_mrkdwn("**Bold** and *it* and ~~gone~~ and `x`") == (
        "*Bold* and _it_ and ~gone~ and `x`")
    assert to_mrkdwn("[the agenda](https://example.org/a?b=1&c=2)") == (
        "<https://example.org/a?b=1&amp;c=2|the agenda>")
    assert to_mrkdwn("> quoted\n> lines") == "> quoted\n> lines"
    assert to_mrkdwn(neutralise("> not a quote")).startswith("\u200b&gt;")
    assert to_mrkdwn("a & b <c>") == "a &amp; b &lt;c&gt;"


def test_channel_references_become_channel_links() -> None:
    text = (f"In {channel_ref('C0UPDATES1')}, not {channel_ref('my_room*')}: "
            f"**{channel_ref('G0LEADS001')}** and \U00100000")
    assert to_mrkdwn(text) == ("In <#C0UPDATES1>, not #my\uff3froom\u2217: "
                               "*<#G0LEADS001>* and \ufffd")
    assert plain(text).startswith("In #C0UPDATES1, not #my_room*:")


def test_slack_text_comes_in_as_typed() -> None:
    assert from_slack("x=&lt;b&gt; &amp; <@U123ABC|bob> <#C123ABC|general> <!here> "
                      "<https://a.example|a link> “quoted words”") == (
        'x=<b> & <@U123ABC> <#C123ABC> @here a link "quoted words"')


def test_long_text_and_many_buttons_fit_slacks_limits() -> None:
    blocks = sections("line\n" * 2000)
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks) and len(blocks) > 1
    message = Message("x", buttons=tuple(Button(f"B{i}", "act", str(i)) for i in range(30)))
    actions = [b for b in message_blocks(message) if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    assert read_action(actions[1]["elements"][4]) == ("act", "29", ())


def test_a_form_round_trips_through_a_modal() -> None:
    form = Form("f1", "A very long title for a Slack modal", (
        FormField("a", "Name", max_length=5000, default="Al"),
        FormField("b", "Why", kind="paragraph", required=False, min_length=3),
        FormField("c", "Pick", kind="choice", choices=(Choice("One", "1"),), default="1"),
        FormField("d", "Sure?", kind="yes_no")), state="st", submit_label="Send")
    view = form_view(form, "C1")
    assert len(view["title"]["text"]) <= 24
    a, b, c, d = view["blocks"]
    assert a["element"]["max_length"] == 3000 and a["element"]["initial_value"] == "Al"
    assert b["optional"] and b["element"]["multiline"] and b["element"]["min_length"] == 3
    assert c["element"]["initial_option"]["value"] == "1"
    assert d["element"]["type"] == "radio_buttons"
    submitted = payloads.view_submission(view, {"a": "Bo", "b": None, "c": "1", "d": "no"},
                                         user="U1")["view"]
    context, values = read_submission(submitted)
    assert (context.form_id, context.state, context.channel) == ("f1", "st", "C1")
    assert values == {"a": "Bo", "b": "", "c": "1", "d": "no"}


async def test_command_lines_and_the_manifest(storage: Storage, clock: FakeClock) -> None:
    app = await make_app(storage, clock, Config(), Gate())
    assert command_line(app, "/coprod", "") == "/help"
    assert command_line(app, "/coprod", "setup timezone=UTC") == "/setup timezone=UTC"
    assert command_line(app, "/relay", "help") == "/help relay"
    assert command_line(app, "/relay", "text=&lt;hi&gt;") == "/relay text=<hi>"
    native = NativeNames(app)
    assert native.text("Type /help, or (/help setup). Not a/help or /helpers.") == (
        "Type /coprod help, or (/coprod help setup). Not a/help or /helpers.")
    assert native.text("/demo stays") == "/demo stays"
    names = [c.name for c in slash_commands(app)]
    assert names[0] == "coprod" and "demo" in names and not set(names) & RESERVED
    data = manifest(app)
    assert data["settings"]["socket_mode_enabled"] is True
    assert data["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert data["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert "demo-flag" in [s["callback_id"] for s in data["features"]["shortcuts"]]
    http = manifest(app, "https://bot.example.org/slack/events")
    assert http["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert all(c["url"].endswith("/slack/events") for c in http["features"]["slash_commands"])


def test_the_shipped_manifest_has_the_scopes_events_and_coprod_command() -> None:
    shipped = (Path(slack_package.__file__).parent / "manifest.yml").read_text(
        encoding="utf-8")
    for name in (*BOT_SCOPES, *BOT_EVENTS, "/coprod"):
        assert f'"{name}"' in shipped
    assert "socket_mode_enabled: true" in shipped and "home_tab_enabled: true" in shipped
    assert manifest_for_config(Config()).splitlines()[:3] == shipped.splitlines()[:3]
