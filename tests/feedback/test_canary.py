"""The canary: a member with a distinctive id and name sends feedback and votes in an
anonymous poll; afterwards neither the id nor the name is in the database file, its
WAL, any log line or any outbound message. Through the memory adapter and through a
real `coprod run` console process."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import FormSubmission
from bot.events import Invocation
from bot.features.feedback import wording as feedback_wording
from bot.messages import Message
from bot.messages import Reply
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.e2e.conftest import CLI_SECONDS
from tests.e2e.conftest import cli_env

CANARY_ID = "U0CANARY7731QX"
CANARY_NAME = "Zenobia Quillfeather"
CONSOLE_CANARY = "quillfeatherzq"


def _files(folder: Path) -> Iterator[Path]:
    for path in folder.iterdir():
        if path.is_file() and path.name.startswith("coprod.db"):
            yield path


def _assert_absent(haystack: bytes, needles: list[str], where: str) -> None:
    lowered = haystack.lower()
    for needle in needles:
        for encoding in ("utf-8", "utf-16-le"):
            assert needle.lower().encode(encoding) not in lowered, f"{needle!r} found in {where}"


def _message_words(message: Message) -> str:
    parts = [message.text, *(b.label + b.value for b in message.buttons),
             *(i.alt_text + i.filename for i in message.images)]
    if message.select is not None:
        parts += [c.label + c.value for c in message.select.choices]
    return "\n".join(parts)


def _reply_words(reply: Reply) -> str:
    words = [_message_words(m) for m in reply.messages]
    if reply.update is not None:
        words.append(_message_words(reply.update))
    if reply.form is not None:
        words += [reply.form.state, reply.form.title]
    return "\n".join(words)


async def test_canary_through_the_memory_adapter(tmp_path: Path,
                                                 logs: io.StringIO) -> None:
    clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    storage = await open_storage(str(tmp_path / "coprod.db"), FieldCipher(generate_key()))
    await storage.migrate()
    app = App(Config(), storage, clock=clock)
    await app.load()
    adapter = MemoryAdapter()
    bot = MemoryBot(app, adapter)
    canary = Actor(CANARY_ID, CANARY_NAME)
    group = adapter.group_id
    replies: list[Reply] = []
    try:
        for feature in ("feedback", "polls"):
            start = app.features[feature].start
            assert start is not None
            await start()
        replies.append(await app.handle(Invocation(group, canary, "feedback", {}, "general")))
        replies.append(await app.handle(FormSubmission(
            group, canary, "feedback.send",
            {"message": "The agenda comes too late for me to read.", "topic": "meetings",
             "audience": "group"}, channel="general")))
        assert reply_text(replies[-1]) == feedback_wording.FEEDBACK_SENT
        replies.append(await app.handle(FormSubmission(
            group, canary, "feedback.send",
            {"message": "Facilitators, please check in more.", "audience": "facilitators"})))
        for i in range(5):
            replies.append(await bot.submit(f"other{i}", "feedback.send",
                                            {"message": f"point {i}", "audience": "group"}))
        replies.append(await bot.run("carol", '/poll question="Move the meeting?" '
                                     'options="Yes|No|Don\'t mind" closes=1d'))
        await bot.settle()
        poll_id = adapter.sent_to_channel("updates")[0].buttons[0].value.split(":")[0]
        for choice in (0, 2):  # a vote, then a change of mind
            replies.append(await app.handle(ButtonPress(group, canary, "poll.vote",
                                                        f"{poll_id}:{choice}", (), "updates")))
        replies.append(await bot.press("bob", "poll.vote", f"{poll_id}:1", "updates"))
        clock.advance(timedelta(hours=24))  # the poll closes
        await app.scheduler.run_due()
        clock.advance(timedelta(hours=8))  # 17:00 the next day: the digests
        await app.scheduler.run_due()
        await bot.settle()
        # Everything above happened, and was sent.
        feedback = adapter.sent_to_channel("feedback")
        assert len(feedback) == 6
        assert any("agenda comes too late" in m.text for m in feedback)
        assert len(adapter.sent_to_channel("facilitators")) == 1
        results = adapter.sent_to_channel("updates")[-1]
        assert "Don't mind: 1 vote" in results.text.replace("\\", "")
        assert "No: 1 vote" in results.text

        needles = [CANARY_ID, CANARY_NAME, "Zenobia", "Quillfeather"]
        for path in _files(tmp_path):  # the database and its WAL, while open
            _assert_absent(path.read_bytes(), needles, path.name)
    finally:
        await bot.close()
        await storage.close()
    for path in _files(tmp_path):  # and after closing (checkpointed)
        _assert_absent(path.read_bytes(), needles, path.name)
    logs_text = logs.getvalue()
    assert "feedback.digest" in logs_text and "poll.closed" in logs_text  # logging was on
    _assert_absent(logs_text.encode(), needles, "the logs")
    for sent in adapter.sent:
        _assert_absent(_message_words(sent.message).encode(), needles, f"message {sent.key}")
        _assert_absent((sent.key + sent.destination.describe()).encode(), needles,
                       f"delivery {sent.key}")
    for reply in replies:
        _assert_absent(_reply_words(reply).encode(), needles, "a reply")


CONSOLE_CONFIG = f"""
[bot]
database = "coprod.db"

[console]
members = [
    {{ name = "alice" }},
    {{ name = "carol", roles = ["Facilitator"] }},
    {{ name = "{CONSOLE_CANARY}" }},
]
"""

# Console chrome that shows who is typing (the prompt, "only X can see this", the
# member list): the console's own screen, not anything the bot sends or stores.
_CHROME = [
    re.compile(r"^[\w-]+ in (?:#\S+|DM with coprod)> :.*$", re.MULTILINE),  # typed controls
    re.compile(r"^[\w-]+ in (?:#\S+|DM with coprod)>", re.MULTILINE),
    re.compile(r"\[only \w+ can see this\]"),
    re.compile(r"\[DM to \w+\]"),
    re.compile(r"^Members: .*$", re.MULTILINE),
    re.compile(r"^You are (now )?\w+, .*$", re.MULTILINE),
]


def test_canary_through_a_real_console_process(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONSOLE_CONFIG, encoding="utf-8")
    script = "\n".join([
        ":as carol",
        '/poll question="Move the meeting?" options="Yes|No" closes=1d',
        f":as {CONSOLE_CANARY}",
        "/feedback",
        "The room is too noisy for me.",
        "",  # the end of the message (it may take several lines)
        "meetings",
        "group",
        ":press 1. Yes",
        ":press 2. No",
        ":quit",
    ]) + "\n"
    env = cli_env()
    env["COPROD_LOG_LEVEL"] = "debug"
    done = subprocess.run([sys.executable, "-m", "bot.cli", "run"], input=script,
                          capture_output=True, text=True, encoding="utf-8", cwd=tmp_path,
                          env=env, timeout=CLI_SECONDS, check=False)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert feedback_wording.FEEDBACK_SENT in out.replace("\n", " ") or "Sent anonymously." in out
    assert "Your vote is counted: Yes" in out
    assert "Your vote is changed to: No" in out
    assert "level=debug" in done.stderr or "level=info" in done.stderr  # logs were on
    needles = [CONSOLE_CANARY]
    _assert_absent(done.stderr.encode(), needles, "the logs (stderr)")
    shown = out
    for chrome in _CHROME:
        shown = chrome.sub("", shown)
    assert CONSOLE_CANARY.capitalize() in out  # the console did show who was typing
    _assert_absent(shown.encode(), needles, "what the bot sent (stdout)")
    files = list(_files(tmp_path))
    assert any(p.name == "coprod.db" for p in files)
    for path in files:
        _assert_absent(path.read_bytes(), needles, path.name)
