"""/case for leads: list, show, note, assign, close, audit, delete; the refusal that
reveals nothing; and the audit trail of every view and action."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.clock import FakeClock
from bot.events import Actor
from bot.features.concerns import wording
from bot.features.concerns.store import CaseStatus
from bot.features.concerns.store import NoteKind
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import ref_of
from tests.concerns.helpers import settle_fully

SECRET = "Carol asked for my bank details"


async def test_a_non_lead_gets_the_same_refusal_as_for_a_case_that_does_not_exist(
        cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot, what=SECRET))
    answers = {
        reply_text(await cbot.run("bob", f"/case show case={ref}")),
        reply_text(await cbot.run("bob", "/case show case=C-ZZZZZZ")),
        reply_text(await cbot.run("bob", "/case list")),
        reply_text(await cbot.run("bob", f"/case audit case={ref}")),
        reply_text(await cbot.run("bob", f'/case close case={ref} outcome="x"')),
        reply_text(await cbot.run("bob", f'/case note case={ref} kind=fact text="x"')),
        reply_text(await cbot.run("alice", f"/case show case={ref}")),  # the reporter too
    }
    assert answers == {"That is not available to you. If you need a safeguarding lead, type "
                       "/concern."}
    assert ref not in ("That is not available to you. If you need a safeguarding lead, type "
                       "/concern.")
    concern = await cbot.app.storage.concern(ref)
    assert concern is not None and concern.status is CaseStatus.OPEN
    # A lead is told plainly that no case they can open has the reference (issue 20):
    # the same for an invented one as for one they are kept away from (tests/concerns/
    # test_routing.py), so it tells them nothing either.
    assert reply_text(await cbot.run("dev", "/case show case=C-ZZZZZZ")) == (
        "No case has that reference that you can open. Please check it, or type /case list "
        "to see the open cases.")


async def test_list_shows_references_dates_age_and_status_only(cbot: MemoryBot,
                                                               clock: FakeClock) -> None:
    ref = ref_of(await raise_concern(cbot, what=SECRET, about="Carol", danger="yes"))
    clock.advance(timedelta(hours=3))
    text = reply_text(await cbot.run("dev", "/case list"))
    assert ref in text and "3 h of the 24 h referral target" in text
    assert "waiting for a lead" in text and "danger flagged" in text
    for personal in ("Carol", "bank", "Alice"):
        assert personal not in text
    clock.advance(timedelta(hours=22))
    assert "past the 24 h referral target" in reply_text(await cbot.run("dev", "/case list"))


async def test_show_note_assign_close_and_the_audit_trail(cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot, what=SECRET))
    shown = reply_text(await cbot.run("dev", f"/case show case={ref}"))
    assert SECRET in shown and "Reported by: Alice" in shown and "No notes yet." in shown
    assert "reply" not in reply_text(await cbot.run(
        "dev", f'/case note case={ref} kind=fact text="Phoned Alice at 3pm"')).lower()
    await cbot.run("dev", f'/case note case={ref} kind=opinion text="She seemed scared"')
    notes = await cbot.app.storage.case_notes(ref)
    assert [(n.kind, n.author_name) for n in notes] == [(NoteKind.FACT, "Dev"),
                                                         (NoteKind.OPINION, "Dev")]
    shown = reply_text(await cbot.run("dev", f"/case show case={ref}"))
    assert "[FACT] Phoned Alice at 3pm (by Dev," in shown
    assert "[OPINION] She seemed scared (by Dev," in shown
    assigned = reply_text(await cbot.run("dev", f"/case assign case={ref} to=U-erin"))
    assert assigned == wording.concern_assigned(ref, "Erin")
    await settle_fully(cbot)
    assert any(ref in m.text and "assigned" in m.text for m in cbot.adapter.sent_to_dm("erin"))
    refused = reply_text(await cbot.run("dev", f"/case assign case={ref} to=U-bob"))
    assert refused == wording.CONCERN_ASSIGNEE_NOT_LEAD
    missing = reply_text(await cbot.run("erin", f"/case close case={ref}"))
    assert "outcome" in missing
    closed = reply_text(await cbot.run("erin", f'/case close case={ref} '
                                              'outcome="Referred to the local authority"'))
    assert closed == wording.concern_closed(ref)
    assert reply_text(await cbot.run("dev", f'/case note case={ref} kind=fact text="x"')) \
        == wording.CONCERN_NOT_OPEN
    trail = reply_text(await cbot.run("erin", f"/case audit case={ref}"))
    lines = trail.splitlines()[1:]
    actions = [line.split(": ", 1)[1] for line in lines]
    assert actions == [
        "the reporter raised (form)", "Dev viewed", "Dev note (fact)",
        "Dev note (opinion)", "Dev viewed", "Dev assigned (U-erin)", "Erin closed",
        "Erin viewed the audit"]
    stored = await cbot.app.storage.case_audit(ref)
    assert all(e.at is not None for e in stored)


async def test_delete_is_explicit_audited_and_removes_the_words(cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot, what=SECRET))
    await cbot.run("dev", f'/case note case={ref} kind=fact text="Called the police"')
    unsure = reply_text(await cbot.run("dev", f"/case delete case={ref} confirm=C-OTHER"))
    assert unsure == ("To delete a case, type its reference again in confirm, like /case delete "
                      "case=C-ABC234 confirm=C-ABC234 reason=\"...\".")
    done = reply_text(await cbot.run(
        "dev", f'/case delete case={ref} confirm={ref.lower()} reason="asked by reporter"'))
    assert done == wording.concern_deleted(ref)
    concern = await cbot.app.storage.concern(ref)
    assert concern is not None and concern.status is CaseStatus.DELETED
    assert concern.text == "" and await cbot.app.storage.case_notes(ref) == []
    assert reply_text(await cbot.run("dev", f"/case show case={ref}")) == (
        "No case has that reference that you can open. Please check it, or type /case list "
        "to see the open cases.")
    trail = reply_text(await cbot.run("dev", f"/case audit case={ref}"))
    assert "Dev deleted (asked by reporter)" in trail


async def test_leads_register_list_and_unregister(cbot: MemoryBot) -> None:
    listed = reply_text(await cbot.run("dev", "/case leads"))
    assert "Dev" in listed and "Erin" in listed
    refused = reply_text(await cbot.run("bob", "/case register"))
    assert refused == catalog.not_allowed("case register", ["lead"])
    # Erin still holds the lead role: unregistering does not stop concerns, and says so.
    kept = reply_text(await cbot.run("dev", "/case unregister who=U-erin"))
    assert kept == wording.concern_still_a_lead("Erin")
    assert "Erin" in reply_text(await cbot.run("dev", "/case leads"))
    # Once the role is taken away on the platform (her registration was dropped), she
    # is no longer a lead.
    cbot.adapter.members["erin"] = Actor("U-erin", "Erin")
    assert "Erin" not in reply_text(await cbot.run("dev", "/case leads"))
    await raise_concern(cbot)
    await settle_fully(cbot)
    assert cbot.adapter.sent_to_dm("erin") == []


async def test_a_long_list_stays_short_and_says_how_many_more(cbot: MemoryBot,
                                                              clock: FakeClock) -> None:
    from bot.features.concerns.cases import LIST_LIMIT

    refs = []
    for n in range(LIST_LIMIT + 3):
        refs.append(ref_of(await raise_concern(cbot, what=f"case {n}")))
        clock.advance(timedelta(minutes=1))
    text = reply_text(await cbot.run("dev", "/case list"))
    assert len(text) < 2000
    assert wording.concern_list_header(LIST_LIMIT + 3) in text
    assert "and 3 more" in text and refs[0] in text and refs[-1] not in text
    assert [e.action for e in await cbot.app.storage.case_audit(refs[0])][-1] == "listed"
