"""The console scenario: a member raises a concern that names one lead; the other lead
receives it and acknowledges; the named lead sees nothing; no channel but the leads'
private one shows anything. Run in-process through the real console adapter."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Config
from bot.features.concerns import wording
from bot.features.concerns.config import ConcernsConfig
from tests.console_helpers import run_script

WORDS = "Dev keeps asking me to meet him alone after sessions"
SCRIPT = f"""\
:as dev
/case register
:as erin
/case register
:as alice
/concern
{WORDS}

Dev
no
yes
no
:as erin
:press Acknowledge
:as dev
/case list
:quit
"""


async def _run(tmp_path: Path, script: str) -> str:
    transcript = await run_script(Config(database=str(tmp_path / "coprod.db")), script)
    assert transcript.code == 0
    return transcript.out


async def test_a_concern_naming_one_lead_reaches_only_the_other(tmp_path: Path) -> None:
    out = await _run(tmp_path, SCRIPT)
    lines = out.splitlines()
    said = [line for line in lines if "] coprod:" in line]
    # Erin gets it by DM with the words, and acknowledges it.
    to_erin = "\n".join(line for line in said if line.startswith("[DM to Erin]"))
    assert "Safeguarding concern C-" in to_erin
    assert WORDS.split(" alone")[0] in out
    ref = re.search(r"Safeguarding concern (C-[A-Z0-9]{6})", to_erin)
    assert ref is not None
    assert f"You have taken case {ref.group(1)}" in out
    # Dev sees nothing of it: no DM at all, and the list hides it from him.
    assert not [line for line in said if line.startswith("[DM to Dev]")]
    assert ("There are no open cases.") in out
    # Channels: nothing at all, not even in the leads' private one (Dev reads it).
    assert [line for line in said if line.startswith("[#")] == []
    # The reporter's confirmation is private to Alice.
    assert any(line.startswith("[only Alice can see this]") and "Thank you" in line
               for line in lines)


FRESH = f"""\
:as alice
/concern
{WORDS}


no
yes
no
:quit
"""


async def test_on_a_fresh_console_the_demo_leads_get_it_from_the_first_minute(
        tmp_path: Path) -> None:
    """Issue 17: nobody has acted, yet Dev and Erin (who hold the lead role) get the
    concern by DM, and Alice is told a lead will pick it up."""
    out = await _run(tmp_path, FRESH)
    said = [line for line in out.splitlines() if "] coprod:" in line]
    for lead in ("Dev", "Erin"):
        assert any(line.startswith(f"[DM to {lead}]") and "Safeguarding concern C-" in line
                   for line in said), lead
    assert "a lead will pick it up" in out
    assert "concern.no_lead_reachable" not in out


DM_SCRIPT = """\
:dm hello
:press Ask for a one-to-one
:dm hello again
:press Send anonymous feedback
:cancel
:dm hello
:press Check-in settings
:dm hello
:press Nothing, thanks
:dm I am worried about someone
:press Tell the safeguarding leads about this


no
yes
no
:quit
"""


async def test_a_direct_message_offers_each_private_choice_in_the_console(
        tmp_path: Path) -> None:
    out = await _run(tmp_path, DM_SCRIPT)
    emergency = Config().section(ConcernsConfig).emergency_text
    steps = out.split("alice in #general> ")
    offers = [s for s in steps if s.startswith(":dm ")]
    assert len(offers) == 5
    for offer in offers:
        assert wording.DM_CHOICE.split("\n")[0] in offer and emergency not in offer
        assert ("[Tell the safeguarding leads about this] [Ask for a one-to-one] "
                "[Send anonymous feedback] [Check-in settings] [Nothing, thanks]") in offer
    (asked,) = [s for s in steps if s.startswith(":press Ask for a one-to-one")]
    assert "Carol will be in touch" in asked and "[DM to Carol] coprod: Alice would like" \
        in asked and "hello" not in asked.split("[DM to Carol]")[1]
    (feedback,) = [s for s in steps if s.startswith(":press Send anonymous feedback")]
    assert "Form: Anonymous feedback" in feedback
    (settings,) = [s for s in steps if s.startswith(":press Check-in settings")]
    assert "Your check-ins are off." in settings
    (nothing,) = [s for s in steps if s.startswith(":press Nothing, thanks")]
    assert ("All right, nothing has been raised and I have not kept your message. Type "
            "/help to see what I can do, or /concern at any time.") in nothing
    raised = out.split(":press Tell the safeguarding leads about this")[1]
    assert "Form: Raise a safeguarding concern" in raised
    confirmation = raised.split("[DM to Alice] coprod: ")[1].split("[DM to Dev]")[0]
    assert "saved as case" in confirmation and emergency in confirmation
    assert "[DM to Dev] coprod: Safeguarding concern" in raised
    assert "> I am worried about someone" in raised
