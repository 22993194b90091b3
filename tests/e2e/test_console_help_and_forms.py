"""Issue 18.5 through the console, as a member types it: /help says what every family is
for and /help FAMILY shows how; the poll form takes its options one per line and asks
again for an answer that cannot be used; refusals fit the person refused."""

from __future__ import annotations

import re

from bot import catalog
from bot.features.buddies import wording as buddies_wording
from bot.features.buddies import wording as buddies_words
from bot.features.meetings import wording as meetings_words
from bot.features.polls import wording as polls_words
from bot.features.setup import wording as setup_wording

from .conftest import ConsoleRunner


async def test_help_lines_all_say_what_they_are_for(console: ConsoleRunner) -> None:
    run = await console(":admin alice\n:role alice facilitator\n:role alice lead\n/help\n")
    text = run.answer("/help")
    assert "Also: add, show." not in text
    entries = [line for line in text.splitlines() if re.match(r"^    /[a-z]+:", line)]
    assert len(entries) >= 15
    for line in entries:
        name, _, what = line.strip().partition(": ")
        assert what and not what.startswith(("Also", "Commands", f"{name} ")), line
    assert ("/agenda: " + meetings_words.MEETINGS_HELP_FAMILIES["agenda"]) in text
    assert "Commands: /agenda add, show. Type /help agenda to see how." in text


async def test_help_family_shows_how_to_use_each_command(console: ConsoleRunner) -> None:
    run = await console("/help checkin\n/help agreement\n/help welcome\n/help buddy\n")
    checkin = run.answer("/help checkin")
    for verb in ("off", "on", "pause", "resume", "set"):
        assert f"/checkin {verb}: " in checkin, verb
    assert "e.g. /checkin pause until=2026-12-31" in checkin
    assert "/agreement history: " in run.answer("/help agreement")
    assert "Example: /welcome" in run.answer("/help welcome")
    buddy = run.answer("/help buddy")
    assert buddy.startswith("[only Alice can see this] coprod: /buddy: "
                            + buddies_words.BUDDIES_HELP_FAMILIES["buddy"])
    assert "e.g. /buddy avoid member=@sam" in buddy


async def test_help_poll_matches_what_poll_accepts(console: ConsoleRunner) -> None:
    """/help poll marks nothing as optional that /poll then refuses without."""
    run = await console('/help poll\n/poll question="Tea or coffee?" options="Tea|Coffee"\n')
    detail = run.answer("/help poll")
    assert "- closes: " in detail and "empty: in 3 days" in detail
    made = run.answer('/poll question="Tea or coffee?" options="Tea|Coffee"')
    assert "Your poll will be posted in #updates" in made


async def test_poll_form_options_one_per_line_and_a_wrong_count_asked_again(
        console: ConsoleRunner) -> None:
    script = ("/poll\n"
              "Which day suits?\n"
              "Monday\n"
              "\n"            # one option only: the form is sent and refused...
              "next friday 5pm\n"
              "\n"
              "\n"
              "Monday\n"      # ...and only the options are asked for again
              "Tuesday\n"
              "Wednesday\n"
              "\n")
    run = await console(script)
    opened = run.answer("/poll")
    assert ("Question 2 of 5: Options: 2 to 10, one per line (required, up to 810 "
            "characters)\n    type as many lines as you need, then an empty line to finish"
            ) in run.answer("Which day suits?")
    assert "Form: New poll" in opened
    assert run.answer("Monday") == ""  # more lines may follow
    closes = run.answer("")
    assert closes.startswith("Question 3 of 5: When it closes (optional")
    refused = run.answer("", nth=3)
    assert refused.startswith("Some answers need another look, so nothing was sent yet:")
    assert polls_words.poll_too_few_options(1) in refused
    assert refused.endswith(
        "Question 2 of 5: Options: 2 to 10, one per line (required, up to 810 characters)\n"
        "    type as many lines as you need, then an empty line to finish")
    assert run.answer("Monday", nth=2) == ""
    done = run.answer("", nth=4)
    assert "[only Alice can see this] coprod: Your poll will be posted in #updates" in done
    assert "at 17:00" in done  # next Friday 5pm, as the meetings read it
    posted = done[done.index("[#updates]"):]
    assert "1. Monday" in posted and "2. Tuesday" in posted and "3. Wednesday" in posted
    assert "Which day suits?" in posted


async def test_form_labels_carry_no_doubled_hints(console: ConsoleRunner) -> None:
    run = await console("/poll\nQ\na\nb\n\n\n")
    text = run.out
    assert "(optional) (optional" not in text and "(yes or no) (" not in text
    assert "Question 4 of 5: Keep the votes anonymous? (optional, yes or no)" in text


async def test_refusals_name_who_can(console: ConsoleRunner) -> None:
    script = ("/setup\n:as carol\n/checkin assign member=@bob facilitator=@carol\n"
              ":as dev\n/setup\n/setup timezone=UTC\n/setup leads_channel=#leads-room\n")
    run = await console(script)
    assert run.answer("/setup") == (
        "[only Alice can see this] coprod: " + catalog.not_allowed(
            "setup", ["facilitator", "lead", "admin"]))
    assert run.answer("/checkin assign member=@bob facilitator=@carol") == (
        "[only Carol can see this] coprod: " + catalog.not_allowed("checkin assign",
                                                                  ["admin"]))
    lead_view = run.answer("/setup", nth=2)
    assert "- timezone: Europe/London" in lead_view
    assert setup_wording.SETUP_LEADS_PART in lead_view
    refused = run.answer("/setup timezone=UTC")
    assert setup_wording.setup_lead_cannot_change(["timezone"]) in refused
    saved = run.answer("/setup leads_channel=#leads-room")
    assert "Saved: leads_channel." in saved


async def test_people_who_are_not_in_the_group_are_refused_by_name(
        console: ConsoleRunner) -> None:
    script = (":as carol\n/minutes\nWe met.\n\n\n"
              "@zed: bring cake\n@bob: book the room\n\n"   # zed is nobody here
              "@bob: book the room\nCake: Zed\n\n"           # asked again: fixed
              "/buddy avoid member=@nobody\n/buddy avoid member=@bob\n")
    run = await console(script)
    refused = run.answer("", nth=3)
    assert refused.startswith("Some answers need another look, so nothing was sent yet:")
    assert meetings_words.action_owners_unknown(["zed"]) in refused
    assert refused.endswith("    for example: @sam: book the room (Friday)")
    done = run.answer("", nth=4)
    assert "Saved and posted the minutes in #updates, with 2 action items" in done
    assert "- 1. bob: book the room" in done and "- 2. Cake: Zed" in done
    assert run.answer("/buddy avoid member=@nobody") == (
        "[only Carol can see this] coprod: " + buddies_wording.buddy_avoid_unknown("nobody"))
    assert run.answer("/buddy avoid member=@bob") == (
        "[only Carol can see this] coprod: " + buddies_wording.BUDDY_AVOIDED)
