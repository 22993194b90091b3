"""`coprod erase`: after it, an export of the member finds nothing; what the group keeps
has lost their id and name; safeguarding records are kept and named; every erasure is
recorded with counts only; running it again changes nothing."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime

import pytest

from adapters.memory import MemoryBot
from bot.privacy import erase_member
from bot.privacy import member_export
from bot.privacy import record_count
from storage.members import ERASED_NAME
from tests.privacy.workload import ALICE
from tests.privacy.workload import Filled

# Storage behaviour: checked on SQLite and PostgreSQL alike.
pytestmark = pytest.mark.backends

NOW = datetime(2026, 1, 6, tzinfo=UTC)


async def test_erase_then_export_finds_nothing_but_the_kept_records(
        pbot: MemoryBot, filled: Filled) -> None:
    storage = pbot.app.storage
    erasure = await erase_member(storage, ALICE, None, "ops-person", NOW)
    assert erasure.deleted == {
        "member_zones": 1, "checkin_prefs": 1, "checkins": 1, "one_to_ones": 1,
        "buddy_members": 1, "agreement_reads": 1, "buddy_avoids": 1, "meeting_rsvps": 1,
        "meeting_dm_optins": 1, "agenda_items": 1,
        "deliveries": erasure.deleted["deliveries"], "occurrences": 1}
    assert erasure.deleted["deliveries"] == 2  # the check-in and the held message
    assert erasure.anonymised == {"meetings": 1, "action_items": 3, "resources": 1,
                                  "buddy_rounds": 1, "poll_voters": 1,
                                  "deliveries": 1}
    assert erasure.kept == {"concern_cases": 2, "concern_notes": 1, "concern_audit": 3}

    after = await member_export(storage, ALICE, None, NOW)
    left = {name: section["records"] for name, section in after["data"].items()
            if section["records"]}
    # Only the kept safeguarding record she raised is still linked to her.
    assert list(left) == ["concerns_raised"], json.dumps(left, indent=1)
    assert [c["reference"] for c in left["concerns_raised"]] == [filled.named_case]

    # What the group keeps, without her.
    actions = await storage.open_actions(pbot.group_id)
    assert [(a.owner_id, a.owner_name, a.task) for a in actions] == [
        ("", ERASED_NAME, "SECRET-task open")]
    results = await storage.poll_results(filled.named_poll)
    assert results is not None and results.named == ((ERASED_NAME, (1,)),)
    assert results.tallies == (0, 1)
    assert (await storage.buddy_members(pbot.group_id)).keys() == {"U-bob", "U-dina"}
    rounds = await storage.buddy_rounds(pbot.group_id, 5)
    assert all(ALICE not in pair for r in rounds for pair in r.pairs)
    # Safeguarding records kept in full: hers, and the one about her.
    named = await storage.concern(filled.named_case)
    assert named is not None and named.text == "SECRET-named concern"
    assert named.reporter_id == ALICE
    about = await storage.concern(filled.case_about_alice)
    assert about is not None and ALICE in about.subject_ids
    assert [n.text for n in await storage.case_notes(filled.named_case)] == [
        "SECRET-lead note"]

    (record,) = await storage.erasures(ALICE)
    assert (record.erasure_id, record.member_id, record.group_id, record.erased_by,
            record.erased_at) == (erasure.erasure_id, ALICE, "", "ops-person", NOW)
    assert record.counts["deleted"]["checkins"] == 1
    assert "SECRET" not in json.dumps(record.counts)

    again = await erase_member(storage, ALICE, None, "ops-person", NOW)
    assert again.deleted == {} and again.anonymised == {} and again.kept == erasure.kept
    assert [r.erasure_id for r in await storage.erasures(ALICE)] == [
        erasure.erasure_id, again.erasure_id]


async def test_erasing_a_facilitator_keeps_the_groups_records(
        pbot: MemoryBot, filled: Filled) -> None:
    storage = pbot.app.storage
    erasure = await erase_member(storage, "U-carol", pbot.group_id, "ops", NOW)
    assert erasure.deleted["facilitators"] == 1
    assert erasure.anonymised["minutes"] == 1
    assert erasure.anonymised["group_settings"] >= 1
    assert erasure.anonymised["settings_audit"] >= 1
    assert erasure.anonymised["welcome_texts"] == 1
    # Alice's open request waited for Carol: it now skips its reminder (it would go to
    # nobody) and is passed on when due.
    (request,) = await storage.open_one_to_ones(pbot.group_id)
    assert request.facilitator_id == "" and request.stage == 1
    assert erasure.anonymised["one_to_ones"] == 1
    carol = await member_export(storage, "U-carol", None, NOW)
    assert record_count(carol) == 0
    # Alice's own data is untouched.
    alice = await member_export(storage, ALICE, None, NOW)
    assert alice["data"]["checkins"]["records"][0]["note"] == "SECRET-checkin note"


async def test_erasing_in_another_group_touches_nothing_here(
        pbot: MemoryBot, filled: Filled) -> None:
    storage = pbot.app.storage
    before = await member_export(storage, ALICE, None, NOW)
    erasure = await erase_member(storage, ALICE, "T0OTHER", "ops", NOW)
    assert erasure.deleted == {} and erasure.anonymised == {} and erasure.kept == {}
    after = await member_export(storage, ALICE, None, NOW)
    assert after["data"] == before["data"]
