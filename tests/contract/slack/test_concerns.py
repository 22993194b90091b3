"""The concerns main flow through the real Slack adapter (slack-bolt over Socket Mode
against the fake Slack): leads register, a member raises a concern naming one lead by
modal, the other lead gets it by DM and acknowledges with the button, the named lead
gets nothing, the leads' channel nothing; then a DM and a message shortcut
as the other ways in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.slack import SlackRunner
from bot.features.concerns import wording as concerns_words
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.intake import SHORTCUT_ID
from bot.features.concerns.store import CaseStatus
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import GENERAL
from tests.contract.slack.conftest import LEADS
from tests.contract.slack.conftest import UPDATES
from tests.contract.slack.conftest import Workspace
from tests.contract.slack.conftest import button_press
from tests.contract.slack.conftest import dm
from tests.contract.slack.conftest import elements
from tests.contract.slack.conftest import modal
from tests.contract.slack.conftest import posted
from tests.contract.slack.conftest import settle
from tests.fakes.slack import payloads
from tests.fakes.slack.server import TEAM_ID
from tests.fakes.slack.server import FakeSlack

DEV, ERIN = "U0DEV0001", "U0ERIN001"
WORDS = "Dev keeps asking me to meet him alone"


@pytest.fixture
def workspace() -> Workspace:
    """Two leads, Dev and Erin, in a user group of leads (and no facilitators' group)."""
    leads = {"id": "S0LEADS01", "handle": "leads", "name": "Leads", "users": [DEV, ERIN]}
    return Workspace(usergroups=(leads,)).plus(users=((DEV, "Dev"), (ERIN, "Erin")))


async def _register(slack: FakeSlack, runner: SlackRunner, user: str) -> None:
    answer = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/case", "register", user=user))
    await settle(runner)
    assert "New concerns will be sent to you" in json.dumps(answer)


async def _submit(slack: FakeSlack, view: dict[str, Any], user: str, what: str,
                  about: str) -> dict[str, Any]:
    return await slack.send_and_ack("interactive", payloads.view_submission(
        view, {"what": what, "about": about, "danger": "no", "contact": "yes",
               "anonymous": "no"}, user=user))


async def test_a_concern_naming_one_lead_reaches_only_the_other_on_slack(
        slack: FakeSlack, runner: SlackRunner) -> None:
    for lead in (DEV, ERIN):
        await _register(slack, runner, lead)
    await slack.send_and_ack("slash_commands",
                             payloads.slash_command(slack, "/concern", "", user=ALICE))
    view = await modal(slack, 1)
    done = await _submit(slack, view, ALICE, WORDS, "Dev")
    assert "saved as case" in json.dumps(done)
    await settle(runner)
    await slack.wait_for(lambda: posted(slack, dm(ERIN)))
    (to_erin,) = posted(slack, dm(ERIN))
    assert "Dev keeps asking me" in json.dumps(to_erin)
    assert posted(slack, dm(DEV)) == []
    leads = posted(slack, LEADS)
    assert [p["text"] for p in leads] == []
    assert posted(slack, GENERAL) == [] and posted(slack, UPDATES) == []
    (button,) = elements(to_erin)
    assert button["text"]["text"] == "Acknowledge"
    await slack.send_and_ack("interactive", button_press(slack, button, ERIN, dm(ERIN)))
    await settle(runner)
    (case,) = await runner.core.storage.concern_summaries(TEAM_ID,
                                                          (CaseStatus.ACKNOWLEDGED,))
    await slack.wait_for(lambda: posted(slack, dm(ALICE)))
    told = posted(slack, dm(ALICE))
    assert told and concerns_words.concern_ack_for_reporter(case.case_id) in json.dumps(told)
    assert posted(slack, dm(DEV)) == []
    everything = json.dumps([c.args for c in slack.calls_to("chat.postMessage")
                             if c.args.get("channel") in (GENERAL, UPDATES, LEADS)])
    assert "Dev keeps asking" not in everything


async def test_a_direct_message_and_a_message_shortcut_raise_concerns_on_slack(
        slack: FakeSlack, runner: SlackRunner) -> None:
    for lead in (DEV, ERIN):
        await _register(slack, runner, lead)
    await slack.send_and_ack("events_api", payloads.direct_message(BOB, "I feel unsafe"))
    await settle(runner)
    await slack.wait_for(lambda: posted(slack, dm(BOB)))
    (offer,) = posted(slack, dm(BOB))
    # A calm choice, telling the leads first; no emergency line for a first message.
    assert concerns_words.DM_CHOICE.split(" Type /help")[0] in offer["text"]
    emergency = runner.core.config.section(ConcernsConfig).emergency_text
    assert emergency not in json.dumps(offer)
    assert [e["text"]["text"] for e in elements(offer)] == [
        concerns_words.DM_CHOICE_TELL_LEADS, "Ask for a one-to-one",
        concerns_words.DM_CHOICE_FEEDBACK, "Check-in settings",
        "Nothing, thanks"]
    yes = elements(offer)[0]
    await slack.send_and_ack("interactive", button_press(slack, yes, BOB, dm(BOB)))
    view = await modal(slack, 1)
    assert "I feel unsafe" in json.dumps(view)
    done = await _submit(slack, view, BOB, "I feel unsafe", "")
    # Telling the leads is where the emergency line is shown.
    assert "saved as case" in json.dumps(done) and emergency in json.dumps(done)
    await settle(runner)
    await slack.wait_for(lambda: any("I feel unsafe" in json.dumps(p)
                                     for p in posted(slack, dm(DEV))))
    await slack.wait_for(lambda: any("I feel unsafe" in json.dumps(p)
                                     for p in posted(slack, LEADS)))
    # On a message: the author (a lead) is excluded.
    await slack.send_and_ack("interactive", payloads.message_action(
        slack, SHORTCUT_ID, user=ALICE, text="a nasty remark", author=ERIN))
    view = await modal(slack, 2)
    await _submit(slack, view, ALICE, "Erin said this to a new member", "")
    await settle(runner)
    await slack.wait_for(lambda: any("nasty remark" in json.dumps(p)
                                     for p in posted(slack, dm(DEV))))
    assert all("nasty remark" not in json.dumps(p) for p in posted(slack, dm(ERIN)))
    # Its author may read the leads' channel: nothing about it there, not even a line.
    assert ["I feel unsafe" in json.dumps(p) for p in posted(slack, LEADS)] == [True]
    assert posted(slack, GENERAL) == []


async def test_each_reader_gets_the_concern_in_their_own_language_on_slack(
        slack: FakeSlack, runner: SlackRunner) -> None:
    """Alice and Dev chose Welsh, Erin did not: the modal (within Slack's 24-character
    title) and the confirmation are Welsh for Alice, the DM and its button Welsh for Dev
    and English for Erin, and the leads' channel is in the group's language, English."""
    for lead in (DEV, ERIN):
        await _register(slack, runner, lead)
    for who in (ALICE, DEV):
        await slack.send_and_ack("slash_commands",
                                 payloads.slash_command(slack, "/language", "cy", user=who))
    await slack.send_and_ack("slash_commands",
                             payloads.slash_command(slack, "/concern", "", user=ALICE))
    view = await modal(slack, 1)
    assert view["title"]["text"] == "Codi pryder diogelu"
    assert view["blocks"][0]["label"]["text"] == (
        "Beth sy'n digwydd? (yn eich geiriau eich hun)")
    done = await _submit(slack, view, ALICE, "Someone was shouted at", "")
    assert "Diolch. Mae eich pryder wedi'i gadw fel achos" in json.dumps(done,
                                                                       ensure_ascii=False)
    await settle(runner)
    await slack.wait_for(lambda: posted(slack, dm(DEV)) and posted(slack, dm(ERIN)))
    (to_dev,) = posted(slack, dm(DEV))
    (to_erin,) = posted(slack, dm(ERIN))
    assert "Pryder diogelu C-" in json.dumps(to_dev, ensure_ascii=False)
    assert "Safeguarding concern C-" in json.dumps(to_erin)
    assert [b["text"]["text"] for b in elements(to_dev)] == ["Cydnabod"]
    assert [b["text"]["text"] for b in elements(to_erin)] == ["Acknowledge"]
    (in_channel,) = posted(slack, LEADS)
    assert "Safeguarding concern C-" in json.dumps(in_channel)
