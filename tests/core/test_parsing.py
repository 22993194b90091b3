"""Reading typed command lines, and checking options against their specs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.commands import Registry
from bot.errors import UserError
from bot.messages import Choice
from bot.messages import Reply
from bot.parsing import parse_command_line


async def _noop(ctx: object) -> Reply:
    return Reply.text("ok")


REG = Registry()
REG.extend([
    CommandSpec("help", "d", _noop, "/help", options=(OptionSpec("command", "c"),)),
    CommandSpec("meeting list", "d", _noop, "/meeting list"),
    CommandSpec("meeting schedule", "d", _noop, "/meeting schedule",
                options=(OptionSpec("title", "t", required=True, max_length=20),
                         OptionSpec("count", "n", OptionType.INTEGER, min_value=1,
                                    max_value=10),
                         OptionSpec("public", "p", OptionType.BOOLEAN),
                         OptionSpec("where", "w", OptionType.CHANNEL),
                         OptionSpec("who", "u", OptionType.USER),
                         OptionSpec("repeat", "r", choices=(Choice("Weekly", "weekly"),
                                                            Choice("None", "none"))))),
])


def test_subcommands_and_options() -> None:
    parsed = parse_command_line(REG, '/meeting schedule title="Big meet" count:3 public=yes')
    assert parsed.spec.name == "meeting schedule"
    assert parsed.options == {"title": "Big meet", "count": "3", "public": "yes"}
    checked = parsed.spec.check_options(parsed.options)
    assert checked == {"title": "Big meet", "count": 3, "public": True}


def test_positional_words_fill_options_and_last_text_takes_the_rest() -> None:
    parsed = parse_command_line(REG, "/help meeting schedule")
    assert parsed.options == {"command": "meeting schedule"}
    assert parse_command_line(REG, "/HELP").spec.name == "help"


def test_unknown_command_suggests_the_closest() -> None:
    with pytest.raises(UserError, match="Did you mean /help"):
        parse_command_line(REG, "/hepl")
    with pytest.raises(UserError, match="Did you mean /meeting list"):
        parse_command_line(REG, "/meeting lsit")


def test_group_without_verb_lists_the_verbs() -> None:
    with pytest.raises(UserError) as err:
        parse_command_line(REG, "/meeting")
    assert "/meeting list" in err.value.text and "/meeting schedule" in err.value.text


def test_a_mistyped_option_name_is_said_not_taken_as_a_value() -> None:
    with pytest.raises(UserError, match=r"no option called “titel”\. Did you mean “title”"):
        parse_command_line(REG, "/meeting schedule titel=Hello")
    parsed = parse_command_line(REG, "/help https://example.org/x")
    assert parsed.options == {"command": "https://example.org/x"}


def test_apostrophes_and_curly_quotes_read_as_people_type_them() -> None:
    assert parse_command_line(REG, "/help don't know what I'm doing").options == {
        "command": "don't know what I'm doing"}
    parsed = parse_command_line(REG, "/meeting schedule title=“Sam's big meeting” count='2'")
    assert parsed.options == {"title": "Sam's big meeting", "count": "2"}
    assert parse_command_line(REG, "/meeting schedule title='Big one' public=yes").options == {
        "title": "Big one", "public": "yes"}
    assert parse_command_line(REG, '/help say \\"hi').options == {"command": 'say "hi'}


@pytest.mark.parametrize("line", ["/''", '/""', "/ ", "/“”"])
def test_an_empty_command_name_is_refused_kindly(line: str) -> None:
    with pytest.raises(UserError, match="don't know the command"):
        parse_command_line(REG, line)


def test_unclosed_quote_is_a_kind_error() -> None:
    with pytest.raises(UserError, match="quote mark isn't closed"):
        parse_command_line(REG, '/help "meeting')


@pytest.mark.parametrize(("options", "expected"), [
    ({}, "needs “title”"),
    ({"title": "   "}, "can't be empty"),
    ({"title": "x" * 21}, "20 characters or fewer"),
    ({"title": "a", "count": "three"}, "whole number"),
    ({"title": "a", "count": "0"}, "1 or more"),
    ({"title": "a", "count": "11"}, "10 or less"),
    ({"title": "a", "public": "maybe"}, "yes or no"),
    ({"title": "a", "repeat": "daily"}, "one of: weekly, none"),
    ({"title": "a", "colour": "red"}, "no option called “colour”"),
])
def test_bad_options_get_kind_messages(options: dict[str, str], expected: str) -> None:
    spec = REG.get("meeting schedule")
    assert spec is not None
    with pytest.raises(UserError, match=expected):
        spec.check_options(options)


def test_typed_values_from_platforms_are_checked_too() -> None:
    spec = REG.get("meeting schedule")
    assert spec is not None
    assert spec.check_options({"title": "a", "count": 5, "public": False,
                               "where": "<#C123|general>", "who": "<@U42|bob>",
                               "repeat": "Weekly"}) == {
        "title": "a", "count": 5, "public": False, "where": "C123", "who": "U42",
        "repeat": "weekly"}
    with pytest.raises(UserError):
        spec.check_options({"title": "a", "count": True})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_line_parses_or_is_refused_kindly(line: str) -> None:
    try:
        parsed = parse_command_line(REG, "/" + line)
        parsed.spec.check_options(parsed.options)
    except UserError as exc:
        assert exc.text.strip()
