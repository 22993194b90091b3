"""The feedback form and its promise, each member in their own language, through the
real Discord adapter (discord.py against the fake Discord): Dana chose Welsh with
/language, Alice did not."""

from __future__ import annotations

from typing import Any

import pytest

from bot.features.feedback import wording
from tests.contract.discord.conftest import Guild
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import inputs
from tests.fakes.discord import FakeDiscord


@pytest.fixture
def guild() -> Guild:
    return Guild(channels=("feedback",), members=(("alice",), ("dana",)), admins=())


async def _open(fake: FakeDiscord, who: str) -> dict[str, Any]:
    opened = await fake.slash(who, "feedback", [{"name": "show", "type": 1, "options": []}])
    modal = await fake.wait_response(opened)
    assert modal["type"] == 9, "the form must be the first response"
    return dict(modal["data"])


async def _send(fake: FakeDiscord, who: str, modal: dict[str, Any], text: str) -> str:
    keys = [i["custom_id"] for i in inputs(modal)]
    values = {"message": text, "topic": "", "audience": "group"}
    sent = await fake.submit(who, modal, {k: values.get(k, "") for k in keys})
    answer = await fake.wait_response(sent)
    assert answer["data"]["flags"] & 64  # only the sender sees it
    return str(answer["data"]["content"])


async def test_the_feedback_form_and_its_promise_in_each_members_language(
        harness: Harness) -> None:
    fake = harness.fake
    await fake.wait_response(await fake.slash(
        "dana", "language", [{"name": "language", "type": 3, "value": "Cymraeg"}]))
    welsh = await _open(fake, "dana")
    english = await _open(fake, "alice")
    assert (welsh["title"], english["title"]) == ("Adborth dienw", "Anonymous feedback")
    assert inputs(welsh)[0]["label"] == "Eich adborth"
    assert inputs(welsh)[0]["placeholder"] == (
        "Dywedwch beth rydych chi'n ei feddwl. Fydd neb yn gweld pwy a'i hysgrifennodd.")
    assert inputs(english)[0]["label"] == "Your feedback"
    assert all(len(i["label"]) <= 45 for i in inputs(welsh))
    dana = await _send(fake, "dana", welsh, "Mae'r ystafell yn rhy swnllyd.")
    assert dana.startswith("Wedi'i anfon yn ddienw. Dydy'r bot byth yn cadw pwy a'i "
                           "hysgrifennodd")
    assert await _send(fake, "alice", english, "The room is too loud.") == \
        wording.FEEDBACK_SENT
