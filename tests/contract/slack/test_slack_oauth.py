"""One Slack app installed in many workspaces (issue 22): Bolt's OAuth flow against the
fake Slack, two workspaces installed, their messages never crossing, and an uninstall
stopping one workspace's deliveries while its group's records and the other workspace
go on."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from datetime import datetime

import pytest

from adapters.slack import SlackRunner
from adapters.slack.install_receipts import Receipts
from bot.clock import FakeClock
from bot.languages import LanguageStore
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import NewDelivery
from storage.interface import Storage
from storage.slack_installs import SlackInstallStore
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import events_url
from tests.contract.slack.conftest import modal
from tests.contract.slack.conftest import running
from tests.contract.slack.conftest import settle
from tests.contract.slack.oauth import SECRET
from tests.contract.slack.oauth import TEAM_A
from tests.contract.slack.oauth import TEAM_B
from tests.contract.slack.oauth import base_url
from tests.contract.slack.oauth import in_team
from tests.contract.slack.oauth import install
from tests.contract.slack.oauth import start_oauth_runner
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack
from tests.fakes.slack.server import signed_post


@pytest.fixture
async def many(slack: FakeSlack, storage: Storage,
               clock: FakeClock) -> AsyncIterator[SlackRunner]:
    """The adapter serving every workspace that installs it."""
    async with running(start_oauth_runner(slack, storage, clock)) as runner:
        yield runner


async def drain(runner: SlackRunner) -> None:
    await runner.workspaces.settle(5.0)
    await settle(runner)


async def deliver(runner: SlackRunner, clock: FakeClock, key: str, team: str) -> None:
    await runner.core.storage.enqueue(
        [NewDelivery(key, Destination.to_channel(team, "updates"),
                     Message(f"Reminder for {team}"))], clock.now())
    runner.core.deliveries_waiting()
    await drain(runner)


async def outcome(storage: Storage, key: str) -> tuple[str, str]:
    async with storage._transaction(write=False) as db:  # type: ignore[attr-defined]
        rows = list(await db.execute_fetchall(
            "SELECT status, last_error FROM deliveries WHERE idem_key = ?", (key,)))
    return str(rows[0][0]), str(rows[0][1] or "")


async def test_two_workspaces_install_and_their_messages_never_cross(
        slack: FakeSlack, many: SlackRunner, storage: Storage, clock: FakeClock) -> None:
    slack.team_names[TEAM_B] = "Second group"
    status, page = await install(many, slack, TEAM_A)
    assert status == 200 and "coprod is now in your workspace" in page
    status, page = await install(many, slack, TEAM_B)
    assert status == 200 and "Second group" in page
    [token_a], [token_b] = slack.tokens_of(TEAM_A), slack.tokens_of(TEAM_B)
    assert isinstance(storage, SlackInstallStore)
    assert await storage.slack_installed_workspaces() == sorted([TEAM_A, TEAM_B])
    saved = await storage.slack_install(TEAM_B)
    assert saved is not None and saved.details["bot_token"] == token_b
    assert "user_token" not in saved.details and "user_id" not in saved.details

    # A command in each workspace is answered in that workspace, with its own token.
    for team, token, count in ((TEAM_A, token_a, 1), (TEAM_B, token_b, 2)):
        form = in_team(payloads.slash_command(slack, "/demo", "", user=ALICE), team)
        status, _ = await signed_post(events_url(many), SECRET, form=form)
        assert status == 200
        await modal(slack, count)
        assert slack.calls_to("views.open")[count - 1].token == token
    # A direct message in B is answered in B.
    status, _ = await signed_post(events_url(many), SECRET,
                                  json_body=in_team(payloads.direct_message(ALICE, "hi"),
                                                    TEAM_B))
    assert status == 200
    await slack.wait_for(lambda: slack.calls_to("chat.postMessage"))
    await drain(many)
    assert {c.token for c in slack.calls_to("chat.postMessage")} == {token_b}

    # Each group's reminder goes to its own workspace only.
    await deliver(many, clock, "reminder-a", TEAM_A)
    await deliver(many, clock, "reminder-b", TEAM_B)
    texts = {(p["token"], p["text"]) for p in slack.posted}
    assert (token_a, f"Reminder for {TEAM_A}") in texts
    assert (token_b, f"Reminder for {TEAM_B}") in texts
    assert not any((t == token_a and TEAM_B in text) or (t == token_b and TEAM_A in text)
                   for t, text in texts)


async def test_an_uninstall_stops_that_workspace_and_keeps_its_records(
        slack: FakeSlack, many: SlackRunner, storage: Storage, clock: FakeClock) -> None:
    await install(many, slack, TEAM_A)
    await install(many, slack, TEAM_B)
    [token_a] = slack.tokens_of(TEAM_A)
    await deliver(many, clock, "before", TEAM_A)
    assert await outcome(storage, "before") == ("delivered", "")
    assert isinstance(storage, LanguageStore)
    await storage.set_member_language(TEAM_A, ALICE, "cy", datetime.now(clock.now().tzinfo))

    slack.uninstall(TEAM_A)
    status, _ = await signed_post(events_url(many), SECRET, json_body=payloads.event_callback(
        {"type": "app_uninstalled"}))
    assert status == 200
    await drain(many)
    assert isinstance(storage, SlackInstallStore)
    assert await storage.slack_install(TEAM_A) is None
    assert await storage.slack_installed_workspaces() == [TEAM_B]

    sent_before = len([p for p in slack.posted if p["token"] == token_a])
    await deliver(many, clock, "after", TEAM_A)
    status, error = await outcome(storage, "after")
    assert status == "undeliverable" and "workspace_not_installed" in error
    assert len([p for p in slack.posted if p["token"] == token_a]) == sent_before
    # The other workspace goes on; the uninstalled group's records are kept.
    await deliver(many, clock, "other", TEAM_B)
    assert await outcome(storage, "other") == ("delivered", "")
    assert await storage.member_language(TEAM_A, ALICE) == "cy"

    # Installing again brings the workspace back, with its new token.
    await install(many, slack, TEAM_A)
    await deliver(many, clock, "again", TEAM_A)
    assert await outcome(storage, "again") == ("delivered", "")
    assert slack.posted[-1]["token"] == slack.tokens_of(TEAM_A)[-1] != token_a


async def test_an_install_begun_by_one_process_is_finished_by_another(
        slack: FakeSlack, many: SlackRunner, storage: Storage, clock: FakeClock) -> None:
    async with running(start_oauth_runner(slack, storage, clock)) as other:
        status, page = await install(many, slack, TEAM_B, back_to=other)
        assert status == 200 and "coprod is now in your workspace" in page
        # Either process now serves the new workspace.
        await deliver(many, clock, "from-first", TEAM_B)
        assert await outcome(storage, "from-first") == ("delivered", "")
        form = in_team(payloads.slash_command(slack, "/demo", "", user=ALICE), TEAM_B)
        status, _ = await signed_post(events_url(other), SECRET, form=form)
        assert status == 200
        await modal(slack, 1)
        assert slack.calls_to("views.open")[0].token == slack.tokens_of(TEAM_B)[0]


async def test_a_token_slack_refuses_ends_the_delivery_and_the_install_is_read_again(
        slack: FakeSlack, many: SlackRunner, storage: Storage, clock: FakeClock) -> None:
    # Another process heard of the uninstall; this one still has the token in hand.
    await install(many, slack, TEAM_A)
    await deliver(many, clock, "first", TEAM_A)
    slack.uninstall(TEAM_A)
    assert isinstance(storage, SlackInstallStore)
    assert await storage.delete_slack_install(TEAM_A)
    await deliver(many, clock, "refused", TEAM_A)
    status, error = await outcome(storage, "refused")
    assert status == "undeliverable" and "token_revoked" in error
    await deliver(many, clock, "later", TEAM_A)
    status, error = await outcome(storage, "later")
    assert status == "undeliverable" and "workspace_not_installed" in error


async def test_revoked_bot_tokens_are_forgotten(slack: FakeSlack, many: SlackRunner,
                                                storage: Storage) -> None:
    await install(many, slack, TEAM_B)
    event = in_team(payloads.event_callback(
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOT0001"]}}), TEAM_B)
    status, _ = await signed_post(events_url(many), SECRET, json_body=event)
    assert status == 200
    await drain(many)
    assert isinstance(storage, SlackInstallStore)
    assert await storage.slack_install(TEAM_B) is None


async def test_a_cancelled_install_shows_the_failure_page_and_installs_nothing(
        slack: FakeSlack, many: SlackRunner, storage: Storage) -> None:
    status, page = await install(many, slack, TEAM_B, allow=False)
    assert status == 200
    assert "coprod was not added" in page and "chose not to allow" in page
    assert 'href="/slack/install">Try again<' in page and '<html lang="en">' in page
    assert isinstance(storage, SlackInstallStore)
    assert await storage.slack_installed_workspaces() == []


async def test_an_install_link_is_used_once(slack: FakeSlack, many: SlackRunner,
                                            storage: Storage) -> None:
    import aiohttp

    slack.signed_in_team = TEAM_B
    async with aiohttp.ClientSession() as http:
        async with http.get(base_url(many) + "/slack/install") as answer:
            cookie = answer.headers["Set-Cookie"].split(";")[0]
        state = cookie.split("=", 1)[1]
        # A redirect with that state but no code, twice: the second finds it used.
        url = base_url(many) + f"/slack/oauth_redirect?state={state}"
        async with http.get(url, headers={"Cookie": cookie}) as answer:
            first = (answer.status, await answer.text())
        async with http.get(url, headers={"Cookie": cookie}) as answer:
            second = (answer.status, await answer.text())
        # A state from no browser of ours (no cookie) is refused.
        async with http.get(url) as answer:
            third = answer.status
    assert first[0] == 401 and "missing_code" in first[1]
    assert second[0] == 401 and "invalid_state" in second[1]
    assert third == 400
    assert isinstance(storage, SlackInstallStore)
    assert await storage.slack_installed_workspaces() == []


async def test_a_request_from_a_workspace_that_never_installed_does_nothing(
        slack: FakeSlack, many: SlackRunner) -> None:
    form = in_team(payloads.slash_command(slack, "/demo", "", user=ALICE), "T0NEVER01")
    status, body = await signed_post(events_url(many), SECRET, form=form)
    await drain(many)
    assert slack.calls_to("views.open") == [] and slack.posted == []
    assert status == 200 and "demo" not in json.dumps(body)


async def test_a_workspace_not_on_the_allow_list_is_refused_and_nothing_is_kept(
        slack: FakeSlack, storage: Storage, clock: FakeClock) -> None:
    async with running(start_oauth_runner(slack, storage, clock, allowed=(TEAM_A,))) as listed:
        status, page = await install(listed, slack, TEAM_B)
        assert status == 403 and "coprod is not offered to this workspace" in page
        assert "nothing was added" in page and "who sent you the install link" in page
        assert isinstance(storage, SlackInstallStore)
        assert await storage.slack_installed_workspaces() == []
        assert await storage.slack_install(TEAM_B) is None
        # The token Slack handed over was revoked at once, not left in B.
        [token_b] = slack.tokens_of(TEAM_B)
        assert token_b in slack.revoked
        # A listed workspace installs as before.
        status, page = await install(listed, slack, TEAM_A)
        assert status == 200 and "coprod is now in your workspace" in page
        assert await storage.slack_installed_workspaces() == [TEAM_A]


async def test_a_workspace_left_off_the_list_after_installing_is_not_served(
        slack: FakeSlack, many: SlackRunner, storage: Storage, clock: FakeClock) -> None:
    await install(many, slack, TEAM_B)  # while installs were open
    async with running(start_oauth_runner(slack, storage, clock, allowed=(TEAM_A,))) as listed:
        form = in_team(payloads.slash_command(slack, "/demo", "", user=ALICE), TEAM_B)
        status, _ = await signed_post(events_url(listed), SECRET, form=form)
        assert status == 200
        await drain(listed)
        assert slack.calls_to("views.open") == []
        await deliver(listed, clock, "not-offered", TEAM_B)
        result, error = await outcome(storage, "not-offered")
        assert result == "undeliverable" and "workspace_not_offered" in error
        assert slack.posted == []


async def test_reloading_the_page_after_an_install_says_the_link_was_used(
        slack: FakeSlack, many: SlackRunner, storage: Storage) -> None:
    status, page = await install(many, slack, TEAM_B, reload=True)
    assert status == 200 and "This link has been used" in page
    assert "coprod was not added" not in page and "invalid_state" not in page
    assert "If coprod is in your workspace already, you&#x27;re done" in page
    assert 'href="/slack/install">Start again<' in page


async def test_a_receipt_counts_only_for_its_own_install_of_an_installed_workspace(
        ) -> None:
    installed = {TEAM_B}

    async def is_installed(team: str) -> bool:
        return team in installed

    receipts = Receipts("client-secret", "/slack/oauth_redirect", is_installed)
    cookie = receipts.set_cookie("state-1", TEAM_B).split(";")[0]
    assert "HttpOnly" in receipts.set_cookie("s", TEAM_B)

    def replay(state: str, cookie: str) -> Awaitable[bool]:
        return receipts.replayed({"state": [state]}, {"cookie": [cookie]})

    assert await replay("state-1", cookie)
    assert not await replay("state-2", cookie)  # another install's link
    assert not await replay("state-1", cookie.replace(TEAM_B, TEAM_A))  # forged
    assert not await replay("state-1", "")
    assert not await Receipts("other", "/", is_installed).replayed(
        {"state": ["state-1"]}, {"cookie": [cookie]})
    installed.clear()  # the workspace removed the app since: an honest failure again
    assert not await replay("state-1", cookie)
