"""The check-in main flow through the real Slack adapter (slack-bolt over Socket Mode
against the fake Slack): opt in by slash command, the check-in by DM with word buttons,
"Not so good" offering a one-to-one that reaches the facilitator privately once asked,
and a buddy introduction in one multi-person DM (conversations.open with both
members)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.slack import SlackRunner
from bot.features.buddies.feature import ROUND_SCHEDULE
from bot.features.buddies.feature import Buddies
from bot.features.checkins import wording as checkins_wording
from bot.features.checkins.feature import Checkins
from scheduler import Firing
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import CAROL
from tests.contract.slack.conftest import Workspace
from tests.contract.slack.conftest import dm
from tests.contract.slack.conftest import elements
from tests.contract.slack.conftest import posted
from tests.contract.slack.conftest import press
from tests.contract.slack.conftest import settle
from tests.fakes.slack import payloads
from tests.fakes.slack.server import TEAM_ID
from tests.fakes.slack.server import FakeSlack


@pytest.fixture
def workspace() -> Workspace:
    """The standard workspace without its admin."""
    return Workspace(admins=())


def _elements(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["text"]["text"]: e for e in elements(message)}


async def _slash(slack: FakeSlack, runner: SlackRunner, user: str, command: str,
                 text: str) -> dict[str, Any]:
    ack = await slack.send_and_ack("slash_commands",
                                   payloads.slash_command(slack, command, text, user=user))
    await settle(runner)
    return ack


async def _press(slack: FakeSlack, runner: SlackRunner, user: str,
                 element: dict[str, Any]) -> list[dict[str, Any]]:
    answers = await press(slack, element, user, dm(user))
    await settle(runner)
    return answers


async def test_check_in_and_one_to_one_request_on_slack(slack: FakeSlack,
                                                        runner: SlackRunner) -> None:
    app = runner.core
    await _slash(slack, runner, CAROL, "/help", "")  # Carol is seen acting as facilitator
    on = await _slash(slack, runner, ALICE, "/checkin", "on")
    assert "Your check-ins are on" in json.dumps(on)
    checkins = app.features["checkins"].actions["checkin.on"].__self__  # type: ignore[attr-defined]
    assert isinstance(checkins, Checkins)
    now = app.clock.now()
    assert await checkins.fire(TEAM_ID, ALICE, Firing(Checkins.schedule_id(TEAM_ID, ALICE),
                                                      now))
    await settle(runner)
    (checkin,) = posted(slack, dm(ALICE))
    assert "How are things going for you in the group?" in json.dumps(checkin)
    buttons = _elements(checkin)
    assert list(buttons) == ["Good", "Okay", "Not so good", "I'd like a one-to-one",
                             "Add a private note"]
    (answer,) = await _press(slack, runner, ALICE, buttons["Not so good"])
    assert answer["response_type"] == "ephemeral"
    assert "Nobody has been told" in answer["text"]
    assert posted(slack, dm(CAROL)) == []  # only asking reaches a facilitator
    (answer,) = await _press(slack, runner, ALICE, buttons["I'd like a one-to-one"])
    assert "Carol will be in touch with you privately" in answer["text"]
    (request,) = posted(slack, dm(CAROL))
    assert "Alice would like a one-to-one" in json.dumps(request)
    (arranged,) = await _press(slack, runner, CAROL, _elements(request)["Mark arranged"])
    assert "Marked arranged" in json.dumps(arranged)
    assert all(m["channel"].startswith("D") for m in posted(slack))


async def test_closed_dms_on_slack_reach_the_facilitator_only(slack: FakeSlack,
                                                              runner: SlackRunner) -> None:
    app = runner.core
    await _slash(slack, runner, CAROL, "/help", "")
    await _slash(slack, runner, BOB, "/checkin", "on")
    slack.fail_next("chat.postMessage", error="cannot_dm_user")
    checkins = app.features["checkins"].actions["checkin.on"].__self__  # type: ignore[attr-defined]
    assert await checkins.fire(TEAM_ID, BOB, Firing(Checkins.schedule_id(TEAM_ID, BOB),
                                                    app.clock.now()))
    await settle(runner)
    (told,) = posted(slack, dm(CAROL))
    assert "Bob's check-in couldn't be sent to them" in json.dumps(told)
    later = await _slash(slack, runner, BOB, "/buddy", "status")
    await slack.wait_for(lambda: any(checkins_wording.N_(
        "A note just for you: I couldn't send you your check-in, because your direct messages are "
        "closed to me. Your check-ins are paused. If you'd like them back, allow direct messages "
        "from this group's members and type /checkin on.").split(".")[0]
                                     in json.dumps(r) for r in slack.responses) or
                         checkins_wording.N_(
                             "A note just for you: I couldn't send you your check-in, because your "
                             "direct messages are closed to me. Your check-ins are paused. If "
                             "you'd like them back, allow direct messages from this group's "
                             "members and type /checkin on.").split(".")[0] in json.dumps(later))
    assert all(m["channel"].startswith("D") for m in posted(slack))


async def test_buddy_introduction_in_one_multi_person_dm_on_slack(slack: FakeSlack,
                                                                  runner: SlackRunner) -> None:
    app = runner.core
    for user in (ALICE, BOB):
        joined = await _slash(slack, runner, user, "/buddy", "join")
        assert "You're in." in json.dumps(joined)
    buddies = app.features["buddies"].commands[0].handler.__self__  # type: ignore[attr-defined]
    assert isinstance(buddies, Buddies)
    assert await buddies.run_round(TEAM_ID, Firing(ROUND_SCHEDULE, app.clock.now()))
    await settle(runner)
    opened = [c.args.get("users") for c in slack.calls_to("conversations.open")]
    assert any(u and set(str(u).split(",")) == {ALICE, BOB} for u in opened)
    (intro,) = [m for m in posted(slack) if m["channel"].startswith("G")]
    assert "Meet your buddies" in json.dumps(intro)
    assert not [m for m in posted(slack) if m["channel"].startswith("C")]


async def test_a_welsh_facilitator_gets_an_english_members_request_in_welsh_on_slack(
        slack: FakeSlack, runner: SlackRunner) -> None:
    """Carol chose Welsh: Alice's check-in stays English, and Alice's request reaches
    Carol in Welsh, with Welsh buttons."""
    app = runner.core
    await _slash(slack, runner, CAROL, "/language", "Cymraeg")
    await _slash(slack, runner, ALICE, "/checkin", "on")
    checkins = app.features["checkins"].actions["checkin.on"].__self__  # type: ignore[attr-defined]
    assert isinstance(checkins, Checkins)
    assert await checkins.fire(TEAM_ID, ALICE, Firing(Checkins.schedule_id(TEAM_ID, ALICE),
                                                      app.clock.now()))
    await settle(runner)
    (checkin,) = posted(slack, dm(ALICE))
    assert "How are things going for you in the group?" in json.dumps(checkin)
    (answer,) = await _press(slack, runner, ALICE,
                             _elements(checkin)["I'd like a one-to-one"])
    assert answer["text"].startswith("Thank you for telling me. Carol will be in touch")
    (request,) = posted(slack, dm(CAROL))
    assert "Hoffai Alice gael sgwrs un-i-un" in json.dumps(request, ensure_ascii=False)
    assert list(_elements(request)) == ["Ateb Alice", "Nodi ei bod wedi'i threfnu"]
    (arranged,) = await _press(slack, runner, CAROL,
                               _elements(request)["Nodi ei bod wedi'i threfnu"])
    assert "Wedi nodi ei bod wedi'i threfnu" in json.dumps(arranged, ensure_ascii=False)
