"""The meetings flow through the real slack-bolt (Socket Mode) against the fake Slack:
schedule in a modal, check and save, a reminder with RSVP buttons, a press that updates
the count in place. (A contract test owned by the meetings work.)"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from adapters.slack import SlackRunner
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import GENERAL
from tests.contract.slack.conftest import SAM
from tests.contract.slack.conftest import TEAM_ID
from tests.contract.slack.conftest import UPDATES
from tests.contract.slack.conftest import all_text
from tests.contract.slack.conftest import dm
from tests.contract.slack.conftest import elements
from tests.contract.slack.conftest import modal
from tests.contract.slack.conftest import posted
from tests.contract.slack.conftest import settle
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in elements({"blocks": blocks}) if e["type"] == "button"]


async def _checked(slack: FakeSlack, values: dict[str, str]) -> dict[str, Any]:
    """Alice opens /meeting schedule and sends its form; the answer (the check)."""
    await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/meeting", "schedule", user=ALICE))
    view = await modal(slack, 1)
    return await slack.send_and_ack("interactive", payloads.view_submission(
        view, values, user=ALICE))


async def test_schedule_remind_and_rsvp_through_slack(slack: FakeSlack,
                                                      runner: SlackRunner) -> None:
    ack = await _checked(slack, {"title": "Coffee and plans", "when": "2026-01-13 18:00",
                                 "repeat": "weekly", "where": "Room 2", "agenda": ""})
    assert ack["response_action"] == "update"
    checked = ack["view"]["blocks"]
    assert ("When: Tuesday 13 January 2026 at 18:00 (Europe/London time, GMT)"
            in all_text(checked))
    # Scheduled from #general; reminded in the updates channel, as /setup says.
    assert f"- Reminders in <#{UPDATES}>: " in all_text(checked)
    save = next(b for b in _buttons(checked) if b["text"]["text"] == "Save meeting")
    await slack.send_and_ack("interactive", payloads.block_actions(
        slack, payloads.button(save["action_id"], save["value"], "Save meeting"), user=ALICE,
        view={**ack["view"], "id": "V1"}))
    await settle(runner)
    (meeting,) = await runner.core.storage.active_meetings(TEAM_ID)

    await runner.core.scheduler.run_due(meeting.starts_at - timedelta(hours=1))
    await settle(runner)
    posts = [c.args for c in slack.calls_to("chat.postMessage")
             if c.args.get("channel") == UPDATES]
    reminder = next(p for p in reversed(posts) if "Reminder:" in str(p.get("text", "")))
    blocks = reminder["blocks"]
    blocks = blocks if isinstance(blocks, list) else json.loads(blocks)
    going = next(b for b in _buttons(blocks) if b["text"]["text"] == "Going")
    payload = payloads.block_actions(slack, payloads.button(going["action_id"],
                                                            going["value"], "Going"),
                                     user=BOB)
    await slack.send_and_ack("interactive", payload)
    await slack.wait_for(lambda: slack.responded(payload["response_url"]))
    answers = slack.responded(payload["response_url"])
    updated = next(a for a in answers if a.get("replace_original"))
    assert "1 going, 0 maybe, 0 can't make it" in updated["text"]


async def test_meeting_text_links_its_channel_but_never_a_typed_one(
        slack: FakeSlack, runner: SlackRunner) -> None:
    """The check before saving names the reminders' channel as a Slack channel link
    (`<#C...>`, shown with its name), while a title typed to look like a channel
    reference (Slack's syntax, or the core's own private marker) stays plain text."""
    title = f"Plans <#{GENERAL}> \ue000{GENERAL}\ue001 <!channel>"
    ack = await _checked(slack, {"title": title, "when": "2026-01-13 18:00", "repeat": "",
                                 "where": "", "agenda": ""})
    text = all_text(ack["view"]["blocks"])
    assert f"- Reminders in <#{UPDATES}>: " in text
    assert re.findall(r"<[#!@][^>]*>", text) == [f"<#{UPDATES}>"]
    assert "\ue000" not in text and "\ue001" not in text


async def test_setup_shows_channels_as_links(slack: FakeSlack, runner: SlackRunner) -> None:
    """Channels named in config are found by name and shown as links."""
    ack = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/setup", "", user=SAM))
    assert f"- updates_channel: <#{UPDATES}>." in ack["text"]


async def test_a_welsh_member_gets_a_welsh_modal_and_reminder_an_english_one_english(
        slack: FakeSlack, runner: SlackRunner) -> None:
    """Bob chose Welsh with /language; Alice did not. Each gets the schedule modal (its
    title, labels and the adapter's own buttons) in their language; both asked for DM
    reminders, and each DM is in its reader's language, while the reminder in the updates
    channel is in the group's (English)."""
    chosen = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/language", "Cymraeg", user=BOB))
    assert chosen["text"].startswith("Wedi'i wneud.")
    await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/meeting", "schedule", user=BOB))
    welsh = await modal(slack, 1)
    await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/meeting", "schedule", user=ALICE))
    english = await modal(slack, 2)
    assert welsh["title"]["text"] == "Trefnu cyfarfod"
    assert english["title"]["text"] == "Schedule a meeting"
    assert all(len(v["title"]["text"]) <= 24 for v in (welsh, english))
    labels = [b["label"]["text"] for b in welsh["blocks"]]
    assert labels == ["Teitl", "Pryd", "Ailadrodd", "Ble (lle neu ddolen)",
                      "Nodiadau ar gyfer yr agenda"]
    assert [b["label"]["text"] for b in english["blocks"]][:3] == ["Title", "When", "Repeat"]
    assert (welsh["submit"]["text"], welsh["close"]["text"]) == ("Anfon", "Canslo")
    assert (english["submit"]["text"], english["close"]["text"]) == ("Send", "Cancel")

    ack = await slack.send_and_ack("interactive", payloads.view_submission(welsh, {
        "title": "Cyfarfod y grŵp", "when": "2026-01-13 18:00", "repeat": "",
        "where": "", "agenda": ""}, user=BOB))
    checked = ack["view"]["blocks"]
    assert ("- Pryd: Dydd Mawrth 13 Ionawr 2026 am 18:00 (amser Europe/London, GMT)"
            in all_text(checked))
    save = next(b for b in _buttons(checked) if b["text"]["text"] == "Cadw'r cyfarfod")
    await slack.send_and_ack("interactive", payloads.block_actions(
        slack, payloads.button(save["action_id"], save["value"], "Cadw'r cyfarfod"),
        user=BOB, view={**ack["view"], "id": "V1"}))
    await settle(runner)
    (meeting,) = await runner.core.storage.active_meetings(TEAM_ID)
    for user in (ALICE, BOB):
        await slack.send_and_ack("slash_commands", payloads.slash_command(
            slack, "/meeting", f"remindme meeting={meeting.id}", user=user))

    await runner.core.scheduler.run_due(meeting.starts_at - timedelta(hours=1))
    await settle(runner)
    (to_bob,) = [p for p in posted(slack, dm(BOB)) if "Cyfarfod y grŵp" in p["text"]]
    (to_alice,) = [p for p in posted(slack, dm(ALICE)) if "Cyfarfod y grŵp" in p["text"]]
    assert to_bob["text"].startswith(
        "Nodyn atgoffa: *Cyfarfod y grŵp*, Dydd Mawrth 13 Ionawr 2026 am 18:00")
    assert [b["text"]["text"] for b in _buttons(to_bob["blocks"])][:3] == [
        "Yn dod", "Efallai", "Methu dod"]
    assert to_alice["text"].startswith(
        "Reminder: *Cyfarfod y grŵp* is on Tuesday 13 January 2026 at 18:00")
    assert [b["text"]["text"] for b in _buttons(to_alice["blocks"])][:3] == [
        "Going", "Maybe", "Can't make it"]
    (post,) = [p for p in posted(slack, UPDATES) if p["text"].startswith("Reminder")]
    assert "Answers so far: 0 going" in all_text(post["blocks"])  # the group's language
