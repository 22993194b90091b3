"""Slash commands, modals, buttons, select menus, the message shortcut, App Home and DMs,
through Socket Mode with the real slack-bolt, against the fake Slack."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from adapters.slack import SlackRunner
from bot import catalog
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import CAROL
from tests.contract.slack.conftest import GENERAL
from tests.contract.slack.conftest import LEADS
from tests.contract.slack.conftest import TEAM_ID
from tests.contract.slack.conftest import UPDATES
from tests.contract.slack.conftest import Gate
from tests.contract.slack.conftest import all_text
from tests.contract.slack.conftest import modal
from tests.contract.slack.conftest import posted
from tests.contract.slack.conftest import settle
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack


async def open_demo_form(slack: FakeSlack, runner: SlackRunner) -> dict[str, Any]:
    ack = await slack.send_and_ack("slash_commands",
                                   payloads.slash_command(slack, "/demo", "", user=ALICE))
    assert ack == {}  # acknowledged empty: the modal is the answer
    return await modal(slack, 1)


async def test_a_slash_command_opens_a_modal_and_its_submission_posts(
        slack: FakeSlack, runner: SlackRunner) -> None:
    view = await open_demo_form(slack, runner)
    assert view["type"] == "modal" and view["callback_id"] == "coprod-form:demo-form"
    assert [b["block_id"] for b in view["blocks"]] == ["title", "colour", "ok"]
    assert view["blocks"][0]["element"]["max_length"] == 10

    ack = await slack.send_and_ack("interactive", payloads.view_submission(
        view, {"title": "Hello", "colour": "blue", "ok": "yes"}, user=ALICE))
    assert ack["response_action"] == "update"
    assert "Sent." in all_text(ack["view"]["blocks"])
    await settle(runner)
    [message] = posted(slack, UPDATES)
    assert "New: Hello" in all_text(message["blocks"])
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert actions[0]["elements"][0]["action_id"] == "demo-like#0"
    assert actions[0]["elements"][0]["style"] == "primary"
    assert actions[1]["elements"][0]["type"] == "static_select"


async def test_a_bad_field_is_refused_inline_and_nothing_is_posted(
        slack: FakeSlack, runner: SlackRunner) -> None:
    view = await open_demo_form(slack, runner)
    ack = await slack.send_and_ack("interactive", payloads.view_submission(
        view, {"title": "x" * 11, "colour": "", "ok": "no"}, user=ALICE))
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"title"} and "11 characters" in ack["errors"]["title"]
    await settle(runner)
    assert posted(slack, UPDATES) == []
    assert slack.responses == []


async def test_a_button_press_updates_the_message_through_response_url(
        slack: FakeSlack, runner: SlackRunner) -> None:
    payload = payloads.block_actions(slack, payloads.button("demo-like#0", "7"), user=BOB)
    ack = await slack.send_and_ack("interactive", payload)
    assert ack == {}
    await slack.wait_for(lambda: slack.responded(payload["response_url"]))
    [answer] = slack.responded(payload["response_url"])
    assert answer["replace_original"] is True
    assert "Liked 7" in answer["text"]


async def test_a_select_menu_choice_reaches_its_feature(
        slack: FakeSlack, runner: SlackRunner) -> None:
    payload = payloads.block_actions(slack, payloads.static_select("demo-pick", "blue"),
                                     user=BOB)
    await slack.send_and_ack("interactive", payload)
    await slack.wait_for(lambda: slack.responded(payload["response_url"]))
    [answer] = slack.responded(payload["response_url"])
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert "You picked blue" in answer["text"]


async def test_the_message_shortcut_opens_a_form_and_relays_the_message_inertly(
        slack: FakeSlack, runner: SlackRunner) -> None:
    payload = payloads.message_action(
        slack, "demo-flag", user=ALICE, author=BOB,
        text="<!channel> look at <@U0CAROL01> &lt;b&gt; *now*")
    ack = await slack.send_and_ack("interactive", payload)
    assert ack == {}
    await slack.wait_for(lambda: slack.calls_to("views.open"))
    view = slack.calls_to("views.open")[0].args["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert json.loads(view["private_metadata"])["s"] == "1700000001.000200"
    await settle(runner)
    [relayed] = posted(slack, LEADS)
    text = all_text(relayed["blocks"]) + relayed["text"]
    assert "<!channel>" not in text and "<@" not in text and "<b>" not in text
    assert "@\u200bchannel" in text and "&lt;\u200bb" in text
    assert "*now*" not in text and "\u2217now\u2217" in text
    assert "https://fake.slack.test/archives/C0GENERAL1/p1700000001000200" in text


async def test_app_home_shows_the_members_own_settings_and_its_buttons_work(
        slack: FakeSlack, runner: SlackRunner) -> None:
    await slack.send_and_ack("events_api", payloads.app_home_opened(CAROL))
    await slack.wait_for(lambda: slack.calls_to("views.publish"))
    call = slack.calls_to("views.publish")[0]
    view = call.args["view"] if isinstance(call.args["view"], dict) else json.loads(
        call.args["view"])
    assert call.args["user_id"] == CAROL and view["type"] == "home"
    assert "Demo settings for Carol" in all_text(view["blocks"])
    home_view = {**view, "id": "V0HOME001"}
    await slack.send_and_ack("interactive", payloads.block_actions(
        slack, payloads.button("demo-like#0", "home"), user=CAROL, view=home_view))
    await slack.wait_for(lambda: len(slack.calls_to("views.publish")) == 2)
    assert [c.args["channel"] for c in slack.calls_to("chat.postMessage")] == ["D0CAROL01"]


async def test_a_direct_message_is_answered_in_the_dm_and_bot_messages_are_ignored(
        slack: FakeSlack, runner: SlackRunner) -> None:
    first = payloads.direct_message(BOB, "hello there")
    await slack.send_and_ack("events_api", first)
    await slack.wait_for(lambda: slack.calls_to("chat.postMessage"))
    [call] = slack.calls_to("chat.postMessage")
    assert call.args["channel"] == "D0BOB0001"
    assert catalog.DM_NOT_A_COMMAND.split(".")[0] in call.args["text"]
    # Slack sends an event again when it did not see the acknowledgement: handled once.
    await slack.send_and_ack("events_api", first)
    await settle(runner)
    assert len(slack.calls_to("chat.postMessage")) == 1
    own = payloads.direct_message(BOB, "from the bot")
    own["event"]["bot_id"] = "B0BOT0001"
    await slack.send_and_ack("events_api", own)
    await settle(runner)
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_help_lists_what_the_caller_may_run(slack: FakeSlack,
                                                  runner: SlackRunner) -> None:
    member = await slack.send_and_ack("slash_commands",
                                      payloads.slash_command(slack, "/coprod", "", user=ALICE))
    assert member["response_type"] == "ephemeral"
    assert "/demo" in member["text"] and "/setup" not in member["text"]
    # Carol is in the "facilitators" user group, which config names as facilitators.
    facilitator = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/coprod", "help", user=CAROL))
    assert "/setup" in facilitator["text"]
    detail = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/relay", "help", user=ALICE))
    assert "what to relay" in detail["text"]
    # Slack keeps /help for itself: what the bot suggests is typeable on Slack.
    assert "/coprod help" in member["text"] and " /help" not in member["text"]


async def test_slow_work_is_acknowledged_first_and_answered_through_response_url(
        slack: FakeSlack, runner: SlackRunner, gate: Gate) -> None:
    runner.bridge.ack_budget = 0.2
    payload = payloads.slash_command(slack, "/slow", "", user=ALICE)
    envelope = await slack.send("slash_commands", payload)
    ack = await slack.ack(envelope)
    assert gate.entered.is_set() and not gate.release.is_set()
    assert ack == {}
    gate.release.set()
    await slack.wait_for(lambda: slack.responded(payload["response_url"]))
    assert "Done at last." in slack.responded(payload["response_url"])[0]["text"]


async def test_relayed_text_cannot_mention_anyone(slack: FakeSlack,
                                                  runner: SlackRunner) -> None:
    typed = ("<!channel> <!here> <!everyone> <@U0BOB0001> "
             "<!subteam^S0FAC0001|@facilitators> @here &lt;!channel&gt; *b* _i_ ~s~ `c`")
    ack = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/relay", f'text="{typed}"', user=ALICE))
    assert "Relayed." in ack["text"]
    await settle(runner)
    [message] = posted(slack, UPDATES)
    for text in (message["text"], all_text(message["blocks"])):
        assert "<!" not in text and "<@" not in text and "<#" not in text
        for word in ("channel", "here", "everyone"):
            assert f"@{word}" not in text
        assert "&lt;\u200b!channel" in text  # shown literally, inert
    body = all_text(message["blocks"])
    assert "*b*" not in body and "_i_" not in body and "~s~" not in body and "`c`" not in body
    assert GENERAL not in body


async def test_no_member_text_reaches_the_logs(slack: FakeSlack, runner: SlackRunner,
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    canary = "Zebra-Canary-4417"
    await slack.send_and_ack("events_api", payloads.direct_message(BOB, canary))
    await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/relay", f"text={canary}", user=ALICE))
    view = await open_demo_form(slack, runner)
    slack.fail_next("chat.postMessage", error="not_in_channel")
    await slack.send_and_ack("interactive", payloads.view_submission(
        view, {"title": canary[:10]}, user=ALICE))
    await settle(runner)
    assert caplog.records
    for record in caplog.records:
        assert canary not in record.getMessage() and canary[:10] not in str(
            record.__dict__.get("fields", ""))


async def test_setup_reads_slacks_channel_and_user_group_references(
        slack: FakeSlack, runner: SlackRunner) -> None:
    text = ("updates_channel=<#C0UPDATES1|updates> "
            "lead_roles=<!subteam^S0FAC0001|@facilitators>,U0BOB0001")
    refused = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/setup", text, user=ALICE))
    assert "/setup" in refused["text"] and "Nothing" not in refused["text"]  # not allowed
    saved = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/setup", text, user="U0SAM0001"))  # a workspace admin
    settings = runner.core.settings.for_group(TEAM_ID)
    assert settings.updates_channel == UPDATES, saved["text"]
    assert settings.lead_roles == ("@facilitators", "U0BOB0001")
    bob = await runner.directory.actor(BOB)
    assert "lead" in {r.value for r in runner.core.roles_of(bob, settings)}


async def test_a_slow_form_submission_is_closed_then_answered_by_dm(
        slack: FakeSlack, runner: SlackRunner) -> None:
    view = await open_demo_form(slack, runner)
    runner.bridge.ack_budget = 0.1
    runner.directory.forget()
    slack.stall_next("users.info", 0.5)  # longer than the adapter may wait before its ack
    ack = await slack.send_and_ack("interactive", payloads.view_submission(
        view, {"title": "x" * 11}, user=ALICE))
    assert ack == {}  # closed at once
    await slack.wait_for(lambda: slack.calls_to("chat.postMessage"))
    [dm] = slack.calls_to("chat.postMessage")
    assert dm.args["channel"] == "D0ALICE01" and "11 characters" in dm.args["text"]
