"""Shared resources: adding (link or text, tags), listing by tag and words, removing."""

from __future__ import annotations

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.features.resources import wording as resource_words
from bot.features.resources.feature import check_link
from bot.features.resources.feature import parse_tags


async def _add(bot: MemoryBot, who: str, options: str) -> str:
    reply = await bot.run(who, f"/resource add {options}")
    text = reply_text(reply)
    assert text.startswith("Added"), text
    return text.split("(id ")[1].split(")")[0]


async def test_add_list_filter_and_search(bot: MemoryBot) -> None:
    await _add(bot, "alice", 'title="Benefits guide" link=https://example.org/benefits '
                             'tags="Money, benefits"')
    await _add(bot, "bob", 'title="Council contacts" text="Ask for the housing team first" '
                           'tags="housing"')
    everything = reply_text(await bot.run("erin", "/resource list"))
    assert "Benefits guide: https://example.org/benefits [tags: money, benefits]" in everything
    assert "Council contacts: Ask for the housing team first [tags: housing]" in everything
    assert "added by Alice" in everything
    by_tag = reply_text(await bot.run("erin", "/resource list tag=housing"))
    assert "Council contacts" in by_tag and "Benefits guide" not in by_tag
    by_words = reply_text(await bot.run("erin", "/resource list search=\"BENEFITS guide\""))
    assert "Benefits guide" in by_words and "Council" not in by_words
    none = reply_text(await bot.run("erin", "/resource list search=gardening"))
    assert none == resource_words.resources_none(True)
    assert bot.adapter.sent == []  # lists are private answers; nothing fetched or posted


async def test_remove_by_adder_or_facilitator_only(bot: MemoryBot) -> None:
    first = await _add(bot, "alice", 'title="Guide" link=https://example.org')
    second = await _add(bot, "alice", 'title="Notes" text="Bring ID"')
    refused = await bot.run("bob", f"/resource remove id={first}")
    assert reply_text(refused) == resource_words.RESOURCE_NOT_YOURS
    assert reply_text(await bot.run("alice", f"/resource remove id={first}")) == (
        resource_words.resource_removed("Guide"))
    bot.adapter.member("carol", "Facilitator")
    assert "Removed" in reply_text(await bot.run("carol", f"/resource remove id={second}"))
    gone = await bot.run("alice", f"/resource remove id={second}")
    assert reply_text(gone) == resource_words.resource_not_found(second)
    assert await bot.app.storage.resources(bot.group_id) == []


async def test_form_and_bad_input_saves_nothing(bot: MemoryBot) -> None:
    opened = await bot.run("alice", "/resource add")
    assert opened.form is not None
    assert [f.key for f in opened.form.fields] == ["title", "link", "text", "tags"]
    for values, expected in (
        ({"title": "A", "link": "not a link"}, resource_words.resource_bad_link("not a link")),
        ({"title": "A", "link": "javascript:alert(1)"}, "is not a web address"),
        ({"title": "A", "link": "https://exa mple.org"}, "is not a web address"),
        ({"title": "A", "text": "x", "tags": "good, b@d"},
         resource_words.resource_bad_tag("b@d", 30)),
        ({"title": "A"}, resource_words.RESOURCE_LINK_OR_TEXT),
        ({"title": "A", "link": "https://example.org", "text": "both"},
         resource_words.RESOURCE_LINK_OR_TEXT),
        ({"title": "A", "text": "x", "tags": "a b c d e f"},
         resource_words.resource_too_many_tags(5)),
    ):
        reply = await bot.submit("alice", "resource.add", values)
        assert expected in reply_text(reply), (values, reply_text(reply))
    assert await bot.app.storage.resources(bot.group_id) == []
    saved = await bot.submit("alice", "resource.add", {"title": "Easy read guide",
                                                       "link": "http://localhost:8080/x",
                                                       "tags": "#easy-read"})
    assert "Added" in reply_text(saved)


def test_link_and_tag_rules() -> None:
    assert check_link(" https://example.org/a?b=c#d ") == "https://example.org/a?b=c#d"
    assert parse_tags("Housing, #Easy-Read housing") == ("housing", "easy-read")
    assert parse_tags("") == ()
