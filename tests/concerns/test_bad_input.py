"""Bad input: any form values, draft state, direct message or case reference is either
refused kindly (nothing stored) or stored, and whatever is relayed to the leads is inert.
Also: two leads pressing Acknowledge at once, and the [concerns] config checks."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.clock import FakeClock
from bot.config import ConfigError
from bot.config import load_config
from bot.events import ButtonPress
from bot.events import FormSubmission
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.routing import ACK_ACTION
from bot.features.concerns.store import CaseStatus
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.concerns.helpers import FORM
from tests.concerns.helpers import make_bot
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import ref_of
from tests.concerns.helpers import settle_fully

TEXT = st.text(st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["@everyone <@123> <!channel>", "yes", "no", " ", "\u200b", "d:" + "0" * 16])
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_any_concern_form_is_refused_kindly_or_stored_and_relayed_inertly(
        tmp_path: Path) -> None:
    seen: set[bool] = set()
    with asyncio.Runner() as runner:
        store = runner.run(open_storage(str(tmp_path / "fuzz.db"), FieldCipher(generate_key())))
        runner.run(store.migrate())
        bot = runner.run(make_bot(store, FakeClock()))

        async def count() -> int:
            return len(await bot.app.storage.concern_summaries(
                bot.group_id, (CaseStatus.OPEN,)))

        @FUZZ
        @given(what=TEXT, about=TEXT, danger=TEXT, contact=TEXT, anonymous=TEXT, state=TEXT)
        @example(what="Help @everyone <@1>", about="<@U-dev>", danger="yes", contact="no",
                 anonymous="yes", state="")
        def one(what: str, about: str, danger: str, contact: str, anonymous: str,
                state: str) -> None:
            before = runner.run(count())
            sent_before = len(bot.adapter.sent)
            reply = runner.run(bot.app.handle(FormSubmission(
                bot.group_id, bot.adapter.member("alice"), FORM,
                {"what": what, "about": about, "danger": danger, "contact": contact,
                 "anonymous": anonymous}, state)))
            runner.run(settle_fully(bot))
            assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG
            after = runner.run(count())
            stored = after == before + 1
            seen.add(stored)
            if not stored:
                assert reply.field_errors and after == before
                return
            for sent in bot.adapter.sent[sent_before:]:
                assert "@everyone" not in sent.message.text
                assert "<@" not in sent.message.text
            assert all(s.destination.channel in ("", "safeguarding-leads")
                       for s in bot.adapter.sent)
        one()
        runner.run(bot.close())
        runner.run(store.close())
    assert seen == {True, False}


LEAD_REFUSAL = ("No case has that reference that you can open. Please check it, or type "
                "/case list to see the open cases.")

@pytest.mark.parametrize("ref", ["", "C-", "c-zzzzzz", "'; DROP TABLE x;--", "C-" + "A" * 40,
                                 "\u202e", "<@1>", "%", "C-ABC234"])
async def test_any_case_reference_gets_the_one_refusal(cbot: MemoryBot, ref: str) -> None:
    reply = await cbot.run("dev", f'/case show case="{ref}"')
    text = reply_text(reply)
    # A lead's one refusal, or a kind word about the option itself (empty, too long).
    assert text == LEAD_REFUSAL or ("case" in text and "C-" not in text)
    press = await cbot.app.handle(ButtonPress(cbot.group_id, cbot.adapter.member("dev"),
                                              ACK_ACTION, ref))
    assert reply_text(press) == LEAD_REFUSAL


async def test_two_leads_pressing_at_once_one_takes_it(cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot))
    replies = await asyncio.gather(*(cbot.app.handle(ButtonPress(
        cbot.group_id, cbot.adapter.member(who), ACK_ACTION, ref)) for who in ("dev", "erin")))
    texts = sorted(reply_text(r) for r in replies)
    taken = [t for t in texts if t.startswith("You have taken")]
    assert len(taken) == 1 and any("was already acknowledged" in t for t in texts)


@pytest.mark.parametrize(("body", "problem"), [
    ("acknowledge_minutes = 0", "acknowledge_minutes: must be from 1"),
    ("leads = [\"not an id!\"]", "leads: “not an id!” is not a member id"),
    ("fallback_contacts = \"U1\"", "fallback_contacts: must be a list"),
    ("emergency_text = \"\"", "emergency_text: must be some text"),
    ("retention_days = -1", "retention_days: must be from 0"),
    ("lead_dms = \"yes\"", "lead_dms: must be true or false"),
])
def test_concerns_config_is_checked(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[concerns]\n{body}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert any(p.startswith(f"[concerns] {problem}") for p in caught.value.problems), \
        caught.value.problems


def test_concerns_config_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[concerns]\nleads = ["<@123456789012345678>", "U0ERIN001"]\n'
                    'fallback_contacts = ["U0DEP0001"]\nacknowledge_minutes = 10\n'
                    "escalation_repeat_minutes = 15\nreferral_hours = 8\n"
                    "retention_days = 365\n", encoding="utf-8")
    concerns = load_config(path, env={}).section(ConcernsConfig)
    assert concerns.leads == ("123456789012345678", "U0ERIN001")
    assert concerns.fallback_contacts == ("U0DEP0001",)
    assert (concerns.acknowledge_minutes, concerns.escalation_repeat_minutes,
            concerns.referral_hours, concerns.retention_days) == (10, 15, 8, 365)
