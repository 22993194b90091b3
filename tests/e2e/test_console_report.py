"""`:say` and `:report N` in the console: a member's message, and "Raise a safeguarding
concern" on it, through the same core event Discord's and Slack's message action send
(`MessageShortcut`), on a real SQLite file."""

from __future__ import annotations

from .conftest import ConsoleRunner

LEADS_REGISTER = ":as dev\n/case register\n:as erin\n/case register\n"
# Five answers to the concern form: what, about (skipped), danger, contact, anonymous.
FORM = "I think she needs help\n\n\nno\nyes\nno\n"


def _lines_to(out: str, prefix: str) -> str:
    """Every printed message (with its indented lines) whose first line starts so."""
    blocks, keep = [], False
    for line in out.splitlines():
        if line.startswith("["):
            keep = line.startswith(prefix)
        elif not line.startswith("    "):
            keep = False
        if keep:
            blocks.append(line)
    return "\n".join(blocks)


async def test_report_raises_a_concern_about_a_members_message(
        console: ConsoleRunner) -> None:
    run = await console(LEADS_REGISTER + ":as bob\n:say Nobody at home is safe for me\n"
                        ":as alice\n:report 3\n" + FORM)
    assert "[#general] Bob (message #3): Nobody at home is safe for me" in run.lines
    assert run.after(":report 3")[0] == "Form: Raise a safeguarding concern"
    assert "Thank you. Your concern is saved as case C-" in run.out
    for lead in ("Dev", "Erin"):
        to_lead = _lines_to(run.out, f"[DM to {lead}]")
        assert "Safeguarding concern C-" in to_lead
        assert "About this message: message #3 in #general" in to_lead
        assert "Nobody at home is safe for me" in to_lead
        assert "I think she needs help" in to_lead
    # Nothing about it in any channel, not even the leads' private one: the message's
    # author may read it.
    channel_lines = [line for line in run.lines
                     if line.startswith("[#") and "] coprod:" in line]
    assert channel_lines == []


async def test_report_about_a_leads_message_never_reaches_that_lead(
        console: ConsoleRunner) -> None:
    run = await console(LEADS_REGISTER + ":as dev\n:say Meet me after, just us two\n"
                        ":as alice\n:report\n" + FORM)
    assert "[#general] Dev (message #3): Meet me after, just us two" in run.lines
    assert "About this message: message #3 in #general" in _lines_to(run.out,
                                                                       "[DM to Erin]")
    assert _lines_to(run.out, "[DM to Dev]") == ""


async def test_report_a_bot_message_and_kind_refusals(console: ConsoleRunner) -> None:
    run = await console(LEADS_REGISTER + ":as alice\n:report 1\n:report x\n:report 99\n"
                        ":dm\n:say hello\n:in general\n:say\n:report 2\n/welcome\n:report\n"
                        ":cancel\n")
    assert run.answer(":report 1") == ("Message #1 was shown only to Dev, so Alice can't "
                                       "see it.")
    assert run.answer(":report x").startswith("Which message? Write its number")
    assert run.answer(":report 99") == "There is no message #99 yet."
    assert run.answer(":say hello").startswith("You are in your direct messages with coprod")
    assert run.answer(":say").startswith("What would you like to say?")
    # Message #2 was Erin's private answer: Alice cannot report what she cannot see.
    assert run.answer(":report 2").startswith("Message #2 was shown only to Erin")
    # A bot message can be reported too: `:report` alone takes the latest one here.
    assert run.after(":report")[0] == "Form: Raise a safeguarding concern"
    assert "Safeguarding concern C-" not in run.out  # none of these raised anything


async def test_console_help_lists_say_and_report(console: ConsoleRunner) -> None:
    run = await console(":help\n")
    help_text = run.answer(":help")
    assert "    :say TEXT: write a message in this channel" in help_text
    assert "    :report N: raise a safeguarding concern about message #N" in help_text
