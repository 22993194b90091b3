"""The recording platform (`coprod run --platform record`): its line formats, its refusals,
and several real processes on one database, each recording to its own files."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from adapters.record import InputError
from adapters.record import event_from_line
from bot.config import Config
from bot.config import RecordConfig
from bot.events import ButtonPress
from bot.events import DirectMessageReceived
from bot.events import FormSubmission
from bot.events import MessageShortcut
from storage.crypto import generate_key
from tests.campaigns.recorder import RecordedProcess
from tests.campaigns.recorder import all_deliveries
from tests.campaigns.recorder import cli_env
from tests.campaigns.recorder import read_lines
from tests.campaigns.recorder import reminder_meeting_id
from tests.campaigns.recorder import seed_meetings
from tests.campaigns.recorder import write_config

pytestmark = pytest.mark.campaign

CONFIG = replace(Config(), record=RecordConfig(group_id="g1", channel="chat"))


def test_each_kind_of_line_becomes_its_event() -> None:
    command = event_from_line(json.dumps({"id": "a", "type": "command", "actor": "carol",
                                          "text": "/help"}), CONFIG, 1)
    assert command.request_id == "a" and command.text == "/help"
    assert command.group_id == "g1" and command.channel == "chat"
    assert command.actor is not None and "Facilitator" in command.actor.platform_roles
    press = event_from_line(json.dumps({
        "type": "press", "actor": {"id": "U1", "roles": ["Safeguarding lead"]},
        "action": "concern.ack", "value": "C-1", "channel": None}), CONFIG, 7)
    assert press.request_id == "line-7" and isinstance(press.event, ButtonPress)
    assert press.event.channel is None and press.event.actor.display_name == "U1"
    form = event_from_line(json.dumps({"type": "form", "actor": "alice", "form_id": "f",
                                       "values": {"a": "b"}, "state": "s"}), CONFIG, 1)
    assert isinstance(form.event, FormSubmission) and form.event.values == {"a": "b"}
    dm = event_from_line(json.dumps({"type": "dm", "actor": "bob", "text": "hi"}), CONFIG, 1)
    assert isinstance(dm.event, DirectMessageReceived)
    flag = event_from_line(json.dumps({"type": "shortcut", "actor": "bob",
                                       "shortcut": "concern.flag",
                                       "message": {"text": "x", "author": "U2"}}), CONFIG, 1)
    assert isinstance(flag.event, MessageShortcut) and flag.event.message.author_id == "U2"


@pytest.mark.parametrize("line", [
    "not json", "[1, 2]", '{"type": "fly"}', '{"type": "command", "text": "/help"}',
    '{"type": "command", "actor": "alice", "text": 3}',
    '{"type": "press", "actor": "alice", "action": "a", "values": "x"}',
    '{"type": "form", "actor": "alice", "form_id": "f", "values": {"a": 1}}',
    '{"type": "dm", "actor": {"id": ""}, "text": "x"}',
    '{"type": "dm", "actor": "alice", "text": "x", "channel": 5}',
])
def test_a_bad_line_is_refused_in_words(line: str) -> None:
    with pytest.raises(InputError):
        event_from_line(line, CONFIG, 1)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300) | st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "type", "actor", "text", "values", "channel", "action",
                         "form_id", "message", "group"]) | st.text(max_size=5),
        inner, max_size=6), max_leaves=12).map(json.dumps))
def test_no_input_line_crashes_the_reader(line: str) -> None:
    with contextlib.suppress(InputError):
        event_from_line(line, CONFIG, 1)


def test_its_flags_belong_to_the_recording_platform_only(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--platform", "console", "--replies",
         "r.jsonl"], capture_output=True, text=True, cwd=tmp_path, env=cli_env(generate_key()),
        timeout=60, check=False)
    assert done.returncode == 2
    assert "--replies: these are for the recording platform only" in done.stderr
    bad = write_config(tmp_path / "config.toml", {"record": {"send_latency_ms": -1}})
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--platform", "record", "--config", str(bad)],
        capture_output=True, text=True, cwd=tmp_path, env=cli_env(generate_key()),
        timeout=60, check=False, input="")
    assert done.returncode == 2 and "[record] send_latency_ms" in done.stderr
    assert "Traceback" not in done.stderr


def test_answers_and_sends_are_recorded_and_it_stops_on_sigterm(tmp_path: Path) -> None:
    key = generate_key()
    config = write_config(tmp_path / "config.toml", {
        "bot": {"database": str(tmp_path / "coprod.db")}, "record": {"keep_running": True}})
    bot = RecordedProcess(tmp_path, "solo", key, config)
    bot.start()
    try:
        answer = bot.wait_reply(bot.send("command", actor="carol", text=(
            '/poll question="Which day?" options="Mon|Tue" closes=1d')))
        assert answer["kind"] == "reply" and answer["pid"] == bot.current.pid
        assert "Your poll will be posted" in answer["messages"][0]["text"]
        form = bot.wait_reply(bot.send("command", actor="alice", text="/feedback"))
        assert form["form"]["form_id"] == "feedback.send"
        refused = bot.wait_reply(bot.send("fly", id="odd"))
        assert refused["kind"] == "refused" and "'type' must be one of" in refused["error"]
        bot.settle()
        (poll,) = bot.deliveries()
        assert poll["key"].startswith("poll-post:") and poll["pid"] == bot.current.pid
        assert poll["destination"] == {"kind": "channel", "group": "demo",
                                       "channel": "updates", "user": ""}
        assert [b[0] for b in poll["buttons"]] == ["1. Mon", "2. Tue"]
    finally:
        code = bot.terminate() if bot.alive else bot.current.code
    assert code == 0


def test_two_processes_on_one_database_send_each_reminder_once(tmp_path: Path) -> None:
    """The shape of a multi-process test: seed reminders, start two recorders on the same
    database, kill one with SIGKILL half-way; every reminder goes out, and only a send the
    killed one had in hand may go out twice."""
    key = generate_key()
    db = tmp_path / "coprod.db"
    config = write_config(tmp_path / "config.toml", {
        "bot": {"database": str(db)}, "delivery": {"lease_seconds": 10},
        "record": {"keep_running": True}})
    first = datetime.now(UTC) + timedelta(seconds=3)
    due = [first + timedelta(milliseconds=100 * i) for i in range(30)]
    meetings = asyncio.run(seed_meetings(str(db), key, due))
    bots = [RecordedProcess(tmp_path, f"bot{i}", key, config) for i in range(2)]
    for bot in bots:
        bot.start()
    try:
        while datetime.now(UTC) < due[len(due) // 2]:
            time.sleep(0.02)
        bots[0].kill()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            sent = {reminder_meeting_id(line["key"]) for line in all_deliveries(bots)}
            if set(meetings) <= sent:
                break
            time.sleep(0.1)
    finally:
        for bot in bots:
            if bot.alive:
                bot.terminate()
    lines = all_deliveries(bots)
    assert {reminder_meeting_id(line["key"]) for line in lines} >= set(meetings)
    copies = Counter(line["key"] for line in lines)
    twice = [k for k, n in copies.items() if n > 1]
    killed_sent = {line["key"] for line in read_lines(bots[0].runs[0].deliveries)}
    assert set(twice) <= killed_sent
    assert len(twice) <= 4  # at most what the killed one had in hand ([delivery] concurrency)
    assert {line["pid"] for line in lines} <= {bots[0].runs[0].pid, bots[1].runs[0].pid}
