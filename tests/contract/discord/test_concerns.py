"""The concerns main flow through the real Discord adapter (discord.py against the fake
Discord): leads register, a member raises a concern naming one lead by modal, the other
lead gets it by DM and acknowledges with the button, the named lead gets nothing and the
leads' channel nothing; then a DM and the message context menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.features.concerns import wording
from bot.features.concerns import wording as concerns_words
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.store import CaseStatus
from bot.features.registry import PACKAGES
from storage.interface import Storage
from tests.contract.discord.conftest import Guild
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.contract.discord.conftest import buttons
from tests.contract.discord.conftest import inputs
from tests.fakes.discord import FakeDiscord

WORDS = "Dev keeps asking me to meet him alone"
LEADS = "#safeguarding-leads"


@pytest.fixture
def guild() -> Guild:
    return Guild(channels=("safeguarding-leads",),
                 members=(("alice",), ("bob",), ("dev", "Safeguarding lead"),
                          ("erin", "Safeguarding lead")), admins=())


@pytest.fixture
def make_harness() -> Callable[[FakeDiscord, Storage], Harness]:
    """The default features only."""
    return lambda fake, storage: Harness(fake, storage, features=list(PACKAGES))


async def _register(fake: FakeDiscord, who: str) -> None:
    sent = await fake.slash(who, "case", [{"name": "register", "type": 1, "options": []}])
    answer = await fake.wait_response(sent)
    if answer["type"] == 5:  # deferred: the answer is a follow-up or an edit
        await fake.wait_for(lambda: fake.followups(sent) or any(
            r.method == "PATCH" and sent["token"] in r.path for r in fake.requests))


async def _raise(fake: FakeDiscord, modal: dict[str, Any], who: str, what: str,
                 about: str) -> dict[str, Any]:
    values = {"what": what, "about": about, "danger": "no", "contact": "yes",
              "anonymous": "no"}
    keys = [i["custom_id"] for i in inputs(modal)]
    sent = await fake.submit(who, modal, {k: values[k] for k in keys if k in values})
    return dict(await fake.wait_response(sent))


async def test_a_concern_naming_one_lead_reaches_only_the_other_on_discord(
        harness: Harness) -> None:
    fake = harness.fake
    for lead in ("dev", "erin"):
        await _register(fake, lead)
    opened = await fake.wait_response(await fake.slash("alice", "concern"))
    assert opened["type"] == 9, "the form must be the first response"
    answer = await _raise(fake, opened["data"], "alice", WORDS, "Dev")
    assert "saved as case" in answer["data"]["content"]
    assert answer["data"]["flags"] & 64
    await harness.settle()
    await fake.wait_for(lambda: fake.dms_to("erin"))
    (to_erin,) = fake.dms_to("erin")
    assert "Dev keeps asking me" in to_erin["content"]
    assert_no_mentions(to_erin["_body"])
    assert fake.dms_to("dev") == []
    assert [p["content"] for p in fake.public_posts(LEADS)] == []
    assert fake.public_posts("#general") == [] and fake.public_posts("#updates") == []
    (button,) = buttons(to_erin)
    assert button["label"] == ("Acknowledge") and len(button["custom_id"]) <= 100
    pressed = await fake.wait_response(await fake.press("erin", to_erin, button["custom_id"]))
    assert "acknowledged by erin" in str(pressed["data"]).lower()
    await harness.settle()
    app = harness.app
    assert app is not None
    (case,) = await app.storage.concern_summaries(fake.guild_id, (CaseStatus.ACKNOWLEDGED,))
    await fake.wait_for(lambda: fake.dms_to("alice"))
    assert fake.dms_to("alice")[-1]["content"] == wording.concern_ack_for_reporter(
        case.case_id)
    assert fake.dms_to("dev") == []


async def test_a_direct_message_and_the_context_menu_raise_concerns_on_discord(
        harness: Harness) -> None:
    fake = harness.fake
    for lead in ("dev", "erin"):
        await _register(fake, lead)
    await fake.user_dm("bob", "I feel unsafe")
    offers = await fake.wait_for(
        lambda: [m for m in fake.dms_to("bob") if m["author"]["bot"]], what="an offer")
    offer = offers[0]
    # A calm choice, telling the leads first; no emergency line for a first message.
    assert offer["content"] == wording.DM_CHOICE
    emergency = harness.app.config.section(ConcernsConfig).emergency_text if harness.app else ""
    assert emergency and emergency not in str(offer)
    assert [b["label"] for b in buttons(offer)] == [
        concerns_words.DM_CHOICE_TELL_LEADS, ("Ask for a one-to-one"),
        concerns_words.DM_CHOICE_FEEDBACK, ("Check-in settings"),
        ("Nothing, thanks")]
    yes = buttons(offer)[0]
    opened = await fake.wait_response(await fake.press("bob", offer, yes["custom_id"]))
    assert opened["type"] == 9
    confirmed = await _raise(fake, opened["data"], "bob", "I feel unsafe", "")
    # Telling the leads is where the emergency line is shown.
    assert "saved as case" in confirmed["data"]["content"]
    assert emergency in confirmed["data"]["content"]
    await harness.settle()
    await fake.wait_for(lambda: any("I feel unsafe" in m["content"]
                                    for m in fake.dms_to("dev")))
    await fake.wait_for(lambda: any("I feel unsafe" in m["content"]
                                    for m in fake.public_posts(LEADS)))
    # The context menu on erin's message: erin, its author, is excluded.
    target = fake.post("erin", "a nasty remark")
    menu = await fake.wait_response(await fake.message_command(
        "alice", wording.CONCERN_SHORTCUT_LABEL, target))
    assert menu["type"] == 9
    await _raise(fake, menu["data"], "alice", "Erin said this to a new member", "")
    await harness.settle()
    await fake.wait_for(lambda: any("nasty remark" in m["content"]
                                    for m in fake.dms_to("dev")))
    assert all("nasty remark" not in m["content"] for m in fake.dms_to("erin"))
    # Its author may read the leads' channel: nothing about it there, not even a line.
    assert ["I feel unsafe" in p["content"] for p in fake.public_posts(LEADS)] == [True]
    assert fake.public_posts("#general") == []


async def test_each_reader_gets_the_concern_in_their_own_language_on_discord(
        harness: Harness) -> None:
    """Alice and Dev chose Welsh, Erin did not: Alice's modal and confirmation are Welsh,
    Dev's DM and button Welsh, Erin's English, and Alice is told in Welsh who took it."""
    fake = harness.fake
    for lead in ("dev", "erin"):
        await _register(fake, lead)
    for who in ("alice", "dev"):
        await fake.wait_response(await fake.slash(
            who, "language", [{"name": "language", "type": 3, "value": "cy"}]))
    opened = await fake.wait_response(await fake.slash("alice", "concern"))
    assert opened["data"]["title"] == "Codi pryder diogelu"
    labels = [i["label"] for i in inputs(opened["data"])]
    assert labels[:2] == ["Beth sy'n digwydd? (yn eich geiriau eich hun)",
                          "Am bwy mae'r pryder?"]
    assert all(len(label) <= 45 for label in labels)
    answer = await _raise(fake, opened["data"], "alice", "Someone was shouted at", "")
    assert answer["data"]["content"].startswith("Diolch. Mae eich pryder wedi'i gadw fel")
    await harness.settle()
    await fake.wait_for(lambda: fake.dms_to("dev") and fake.dms_to("erin"))
    (to_dev,) = fake.dms_to("dev")
    (to_erin,) = fake.dms_to("erin")
    assert to_dev["content"].startswith("**Pryder diogelu C-")
    assert to_erin["content"].startswith("**Safeguarding concern C-")
    (welsh_button,) = buttons(to_dev)
    (english_button,) = buttons(to_erin)
    assert (welsh_button["label"], english_button["label"]) == ("Cydnabod", "Acknowledge")
    pressed = await fake.wait_response(await fake.press("dev", to_dev,
                                                        welsh_button["custom_id"]))
    assert "gydnabod gan dev" in str(pressed["data"]).lower()
    await harness.settle()
    await fake.wait_for(lambda: fake.dms_to("alice") and len(fake.dms_to("erin")) > 1)
    assert fake.dms_to("alice")[-1]["content"].startswith(
        "Mae arweinydd diogelu wedi cymryd eich pryder (achos C-")
    assert "was acknowledged by dev at" in fake.dms_to("erin")[-1]["content"].lower()
