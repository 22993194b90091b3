"""`coprod export`: everything linked to one member, words decrypted, and nothing of
anyone's anonymous feedback or votes."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime

import pytest

from adapters.memory import MemoryBot
from bot import catalog
from bot.features.registry import PACKAGES
from bot.privacy import export_titles
from bot.privacy import member_export
from bot.privacy import not_in_export
from bot.privacy import record_count
from storage.interface import Storage
from storage.members import export_sections
from tests.backends import table_names
from tests.privacy.workload import ALICE
from tests.privacy.workload import Filled

# Storage behaviour: checked on SQLite and PostgreSQL alike.
pytestmark = pytest.mark.backends

NOW = datetime(2026, 1, 6, tzinfo=UTC)


async def test_export_holds_everything_linked_to_alice(pbot: MemoryBot, filled: Filled) -> None:
    document = await member_export(pbot.app.storage, ALICE, None, NOW)
    data = {name: section["records"] for name, section in document["data"].items()}
    assert list(data) == list(export_titles())
    assert set(data) == set(export_sections())
    assert all(section["what"] for section in document["data"].values())
    print(json.dumps(data, indent=1))
    assert data["time_zones"][0]["time_zone"] == "Europe/Paris"
    assert data["checkin_settings"][0]["check_ins_on"] is True
    (checkin,) = data["checkins"]
    assert checkin["answer"] == "not_so_good" and checkin["note"] == "SECRET-checkin note"
    (request,) = data["one_to_one_requests"]
    assert request["status"] == "requested" and request["facilitator"] == "U-carol"
    assert data["buddy_membership"] and data["buddy_avoids"] == [
        {"group": pbot.group_id, "not_paired_with": "U-dina"}]
    assert data["buddy_rounds"][0]["paired_with"]
    assert data["meeting_rsvps"][0]["answer"] == "going"
    assert data["meeting_reminder_optins"] == [{"group": pbot.group_id,
                                                "meeting": filled.meeting}]
    assert data["agenda_items"][0]["text"] == "SECRET-agenda point"
    tasks = sorted(a["task"] for a in data["action_items"])
    assert tasks == ["SECRET-task done", "SECRET-task open"]
    assert any("you_marked_it_done_at" in a for a in data["action_items"])
    assert data["meetings_created"][0]["title"] == "SECRET-meeting title"
    assert data["agreement_reads"][0]["version"] == 1
    (vote,) = data["named_poll_votes"]
    assert vote["poll"] == filled.named_poll and vote["your_choices"] == ["Tuesday"]
    (concern,) = data["concerns_raised"]
    assert concern["reference"] == filled.named_case
    assert concern["what_you_wrote"] == "SECRET-named concern"
    assert data["resources_added"][0]["title"] == "SECRET-resource"
    assert data["messages_waiting"][0]["text"] == "SECRET-held message"
    # Not hers, or not linked to anyone.
    text = json.dumps(document)
    # Her direct message waiting as a concern draft is kept without her id: not linked.
    for absent in ("SECRET-feedback words", "SECRET-anonymous concern", "SECRET-lead note",
                   "SECRET-draft words",
                   "SECRET-concern about alice", "SECRET-alice said this",
                   filled.anonymous_poll, filled.anonymous_case, filled.case_about_alice):
        assert absent not in text
    assert document["not_included"] == list(not_in_export())
    assert record_count(document) == 18


def test_every_export_section_has_a_title_and_every_title_a_section() -> None:
    """Each section the core or a storage package declares is described to the member
    (by the core or by the feature it belongs to), once, and no title names a section
    nothing stores."""
    titles = export_titles()
    declared = export_sections()
    assert len(declared) == len(set(declared))
    assert set(declared) == set(titles)
    assert all(titles.values())
    assert len(titles) == (len(catalog.EXPORT_TITLES)
                           + sum(len(p.export_titles) for p in PACKAGES)), "a title twice"
    # Each feature's sections, in registry order, then what the core holds.
    assert list(titles)[:2] == ["language", "time_zones"]
    assert list(titles)[-2:] == ["group_settings_changed", "messages_waiting"]


async def test_export_of_a_facilitator_and_of_a_stranger(pbot: MemoryBot,
                                                         filled: Filled) -> None:
    carol = await member_export(pbot.app.storage, "U-carol", pbot.group_id, NOW)
    data = {name: section["records"] for name, section in carol["data"].items()}
    assert data["known_facilitator"][0]["name"] == "Carol"
    assert {s["setting"] for s in data["group_settings_changed"]} >= {"timezone"}
    assert data["welcome_text_changed"] and data["minutes_written"]
    assert data["checkins"] == [] and data["one_to_one_requests"] == []
    nobody = await member_export(pbot.app.storage, "U-nobody", None, NOW)
    assert record_count(nobody) == 0
    other_group = await member_export(pbot.app.storage, ALICE, "group-2", NOW)
    assert record_count(other_group) == 0


async def test_every_table_has_a_decision(storage: Storage) -> None:
    """docs/decisions/member-data.md names every table the migrations make, with what
    links it to a member and what export and erasure do with it."""
    tables = {t for t in await table_names(storage) if not t.startswith("sqlite_")}
    rows = [line for line in _decisions().splitlines() if line.startswith("| `")]
    named = {name for line in rows for name in line.split("|")[1].replace("`", "").replace(
        ",", " ").split()}
    assert tables <= named, sorted(tables - named)


def _decisions() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "docs" / "decisions" /
            "member-data.md").read_text(encoding="utf-8")


async def test_the_export_is_in_the_language_the_member_chose(pbot: MemoryBot) -> None:
    """Its sentences (what each part is, what is not in it and why) are the member's
    language when they chose one with /language; the keys and the data stay as they are."""
    await pbot.run("dana", "/language cy")
    welsh = await member_export(pbot.app.storage, "U-dana", None, NOW)
    assert welsh["data"]["language"]["records"][0]["language"] == "cy"
    assert welsh["data"]["language"]["what"].startswith("Yr iaith a ddewisoch chi")
    assert welsh["about_this_export"][0].startswith("Dyma bopeth sydd gan y bot")
    english = await member_export(pbot.app.storage, "U-erin", None, NOW)
    assert english["data"]["language"]["what"] == export_titles()["language"]
    assert english["not_included"] == list(not_in_export())
