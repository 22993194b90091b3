"""Files (a meeting calendar) through the real slack-sdk against the fake Slack: Slack's
upload flow (files.getUploadURLExternal, the bytes to the upload URL, then
files.completeUploadExternal sharing them in a conversation), and private replies, which
cannot carry a file, sending it by direct message instead."""

from __future__ import annotations

from adapters.slack import SlackRunner
from bot import catalog
from bot.messages import Button
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import File
from bot.messages import Message
from bot.messages import Reply
from storage.interface import Storage
from tests.contract.meeting_files import add_meeting
from tests.contract.meeting_files import assert_calendar
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import GENERAL
from tests.contract.slack.conftest import TEAM_ID
from tests.contract.slack.conftest import UPDATES
from tests.contract.slack.conftest import settle
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack

ALICE_DM = "D" + ALICE[1:]
BOB_DM = "D" + BOB[1:]


def notes(name: str = "notes.txt", data: bytes = b"hello") -> File:
    return File(name, data, "A small text file")


async def test_a_channel_message_with_a_file_is_one_share(slack: FakeSlack,
                                                          runner: SlackRunner) -> None:
    ref = await runner.sender.send(Destination.to_channel(TEAM_ID, "updates"),
                                   Message("Here are the **notes**.", files=(notes(),)), "k")
    (shared,) = slack.files_in(UPDATES)
    assert shared.filename == "notes.txt" and shared.content == b"hello"
    assert shared.title == "A small text file"
    assert shared.initial_comment == "Here are the *notes*."
    assert ref == f"{UPDATES}:{shared.id}"
    assert slack.calls_to("chat.postMessage") == []  # the words came with the file
    (asked,) = slack.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"] == "notes.txt" and str(asked.args["length"]) == "5"


async def test_a_message_with_buttons_shares_its_file_first(slack: FakeSlack,
                                                            runner: SlackRunner) -> None:
    await runner.sender.send(Destination.to_dm(TEAM_ID, BOB), Message(
        "Coming?", buttons=(Button("Going", "demo-like", "1"),), files=(notes(),)), "k")
    (shared,) = slack.files_in(BOB_DM)
    assert shared.initial_comment == "" and shared.content == b"hello"
    (post,) = slack.calls_to("chat.postMessage")
    assert post.args["channel"] == BOB_DM
    names = [c.method for c in slack.calls]
    assert names.index("files.completeUploadExternal") < names.index("chat.postMessage")


async def test_a_private_delivery_sends_its_file_by_direct_message(
        slack: FakeSlack, runner: SlackRunner) -> None:
    private = Destination(DestinationKind.EPHEMERAL, TEAM_ID, channel="general", user=ALICE)
    await runner.sender.send(private, Message("Your file.", files=(notes("a.ics"),)), "k")
    assert slack.files_in(GENERAL) == []  # never shared where others can see it
    (shared,) = slack.files_in(ALICE_DM)
    assert shared.filename == "a.ics" and shared.initial_comment == "Your file."
    (note,) = slack.calls_to("chat.postEphemeral")
    assert note.args["user"] == ALICE
    assert "in a direct message" in note.args["text"] and "a.ics" in note.args["text"]


async def test_meeting_calendar_arrives_by_direct_message(
        slack: FakeSlack, runner: SlackRunner, storage: Storage) -> None:
    await add_meeting(storage, TEAM_ID, UPDATES, ALICE)
    ack = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/meeting", "calendar", user=ALICE))
    await settle(runner)
    assert ack["response_type"] == "ephemeral"
    assert ack["text"] == catalog.slack_files_sent_by_dm(["meetings.ics"])
    assert slack.files_in(GENERAL) == []
    (shared,) = slack.files_in(ALICE_DM)
    assert shared.filename == "meetings.ics"
    assert shared.title == "A calendar file (.ics) with 1 meeting"
    assert shared.initial_comment.startswith("Here is a calendar file with this meeting.")
    assert_calendar(shared.content)


async def test_a_file_that_cannot_be_sent_is_said_so(
        slack: FakeSlack, runner: SlackRunner, storage: Storage) -> None:
    await add_meeting(storage, TEAM_ID, UPDATES, ALICE)
    slack.fail_next("files.completeUploadExternal", error="not_in_channel")
    ack = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/meeting", "calendar", user=ALICE))
    await settle(runner)
    assert ack["text"] == catalog.slack_files_not_sent(["meetings.ics"])
    assert slack.shared == []


async def test_a_direct_message_answer_shares_its_file_there(
        slack: FakeSlack, runner: SlackRunner, storage: Storage) -> None:
    await add_meeting(storage, TEAM_ID, UPDATES, ALICE)
    ack = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/meeting", "calendar", user=BOB, channel=BOB_DM, channel_name="directmessage"))
    await settle(runner)
    assert "direct message" in ack["text"]
    (shared,) = slack.files_in(BOB_DM)
    assert_calendar(shared.content)


async def test_public_and_direct_message_replies_share_files_where_they_are_said(
        slack: FakeSlack, runner: SlackRunner) -> None:
    said = Message("For everyone.", files=(notes(),))
    public = await runner.bridge._files_out(Reply(messages=(said, Message("Also this.")),
                                                  public=True), ALICE, GENERAL)
    assert [m.text for m in public.messages] == ["Also this."]
    assert [f.initial_comment for f in slack.files_in(GENERAL)] == ["For everyone."]
    in_dm = await runner.bridge._files_out(Reply(messages=(said,)), ALICE, None,
                                           conversation=ALICE_DM)
    assert in_dm.messages == ()
    assert [f.filename for f in slack.files_in(ALICE_DM)] == ["notes.txt"]
