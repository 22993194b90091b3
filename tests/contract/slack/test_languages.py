"""Two members of one workspace, each in their own language, through the real Slack
adapter (slack-bolt over Socket Mode against the fake Slack): Alice chose Welsh with
/language, Bob did not. Each gets the new-poll modal (title, labels, the adapter's own
Yes/No/Cancel) and the answer to a vote in their own language; the poll's post is in
the group's. The adapter asks `users.info` for each member's locale (Slack offers no
Welsh client, so /language is how a Welsh speaker gets Welsh)."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack import SlackRunner
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import CAROL
from tests.contract.slack.conftest import UPDATES
from tests.contract.slack.conftest import elements
from tests.contract.slack.conftest import modal
from tests.contract.slack.conftest import posted
from tests.contract.slack.conftest import press as press_button
from tests.contract.slack.conftest import settle
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack


async def _slash(slack: FakeSlack, command: str, text: str, user: str) -> dict[str, Any]:
    return dict(await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, command, text, user=user)))


def _labels(view: dict[str, Any]) -> list[str]:
    return [b["label"]["text"] for b in view["blocks"]]


async def test_a_welsh_member_and_an_english_member_each_get_their_language(
        slack: FakeSlack, runner: SlackRunner) -> None:
    chosen = await _slash(slack, "/language", "Cymraeg", ALICE)
    assert chosen["response_type"] == "ephemeral"
    assert chosen["text"].startswith("Wedi'i wneud. O hyn ymlaen bydda i'n ysgrifennu")
    assert all(str(c.args.get("include_locale")).lower() in ("1", "true")
               for c in slack.calls_to("users.info"))

    await _slash(slack, "/poll", "", ALICE)
    welsh = await modal(slack, 1)
    await _slash(slack, "/poll", "", BOB)
    english = await modal(slack, 2)
    assert welsh["title"]["text"] == "Pôl newydd" and english["title"]["text"] == "New poll"
    assert (welsh["submit"]["text"], welsh["close"]["text"]) == ("Dechrau", "Canslo")
    assert (english["submit"]["text"], english["close"]["text"]) == ("Start", "Cancel")
    assert _labels(welsh)[:2] == ["Cwestiwn", "Dewisiadau: 2 i 10, un ar bob llinell"]
    assert _labels(english)[:2] == ["Question", "Options: 2 to 10, one per line"]
    anonymous = welsh["blocks"][3]["element"]["options"]
    assert [o["text"]["text"] for o in anonymous] == ["Ie", "Na"]
    assert all(len(v["title"]["text"]) <= 24 for v in (welsh, english))

    made = await _slash(slack, "/poll",
                        'question="Pa ddiwrnod?" options="Llun|Mawrth" closes=2d', CAROL)
    assert "will be posted" in made["text"]
    await settle(runner)
    (post,) = posted(slack, UPDATES)
    assert "Pa ddiwrnod?" in json.dumps(post, ensure_ascii=False)
    assert "This poll is anonymous" in json.dumps(post)  # the group's language
    monday, tuesday = elements(post)
    (alice,) = await press_button(slack, monday, ALICE, UPDATES)
    (bob,) = await press_button(slack, tuesday, BOB, UPDATES)
    assert alice["text"].startswith("Mae eich pleidlais wedi'i chyfrif: Llun.")
    assert bob["text"].startswith("Your vote is counted: Mawrth.")
    assert alice["response_type"] == bob["response_type"] == "ephemeral"


async def test_the_slack_locale_is_the_starting_choice(slack: FakeSlack,
                                                       runner: SlackRunner) -> None:
    """Wired for the day Slack (or a workspace's client) reports a language we have: the
    locale from users.info is where a member starts, until they choose."""
    slack.users[BOB].locale = "cy-GB"
    shown = await _slash(slack, "/language", "", BOB)
    assert shown["text"].splitlines()[0].endswith("Dyma'r iaith mae eich ap yn ei defnyddio.")
    assert (await _slash(slack, "/language", "", ALICE))["text"].startswith(
        "I write to you in English. It is the group's language.")
