"""A lead asking for a case reference that no case has is told so, in their language,
not pointed to /concern (issue 20)."""

from __future__ import annotations

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text


@pytest.mark.parametrize(("reader", "expected"), [
    ("en", "No case has that reference that you can open. Please check it, or type /case list "
           "to see the open cases."),
    ("cy", "Does dim achos â'r cyfeirnod hwnnw y gallwch chi ei agor. Gwiriwch ef, neu "
           "teipiwch /case list i weld yr achosion agored."),
])
async def test_a_lead_asking_for_no_such_case_is_told_so(
        cbot: MemoryBot, reader: str, expected: str) -> None:
    await cbot.run("dev", f"/language {reader}")
    assert reply_text(await cbot.run("dev", "/case show case=C-99999")) == expected
