"""What the prompts feature says: the list facilitators keep and the posted prompt
(catalog domain "prompts")."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Domain
from bot.i18n import Text
from bot.i18n import format_number
from bot.i18n import tr
from bot.text import channel_ref

_, ngettext, N_ = Domain("prompts", __file__).functions()


# Where a prompt goes and how often, by the configured cadence (the end of `prompt_added`);
# any other cadence reads as "never".
_POSTED_IN = {
    "daily": N_("one is posted every day in {channel}."),
    "weekly": N_("one is posted every week in {channel}."),
    "fortnightly": N_("one is posted every two weeks in {channel}."),
    "never": N_("one is posted never (posting is switched off in the config) in {channel}."),
}


def _by_cadence(sentences: dict[str, Text], cadence: str) -> str:
    """The sentence for a cadence, in the language in force ("never" for any other)."""
    return tr(sentences.get(cadence, sentences["never"]))


def prompt_added(count: int, cadence: str, channel: str) -> str:
    """A prompt was stored."""
    # TRANSLATORS: the next sentence ("one is posted every week in #updates.") follows.
    added = ngettext("Added. There is {n} prompt on the list;",
                     "Added. There are {n} prompts on the list;", count).format(
        n=format_number(count))
    posted = _by_cadence(_POSTED_IN, cadence).format(channel=channel_ref(channel))
    return f"{added} {posted}"


def prompt_line(number: int, text: str, used: int, upcoming: bool) -> str:
    """One prompt in the list."""
    times = (_("not used yet") if used == 0
             else ngettext("used {n} time", "used {n} times", used).format(
                 n=format_number(used)))
    line = _("{number}. {text} ({times})").format(number=number, text=text, times=times)
    return _("{line} <- next").format(line=line) if upcoming else line


# The head of the list facilitators see, by the configured cadence.
_LIST_HEAD = {
    "daily": N_("**Prompts** (one is posted every day; none repeats until all have been "
                "used)"),
    "weekly": N_("**Prompts** (one is posted every week; none repeats until all have been "
                 "used)"),
    "fortnightly": N_("**Prompts** (one is posted every two weeks; none repeats until all "
                      "have been used)"),
    "never": N_("**Prompts** (one is posted never (posting is switched off in the config); "
                "none repeats until all have been used)"),
}


def prompts_list(lines: Sequence[str], cadence: str) -> str:
    """The prompts, for facilitators."""
    head = _by_cadence(_LIST_HEAD, cadence)
    return head + "\n" + "\n".join(lines)


def prompt_post(text: str) -> str:
    """A prompt, posted to the group (in the group's language)."""
    return "\n".join([_("**Something to think about**"), text,
                      _("Share your thoughts here if you like.")])


# What each family of this feature's commands is for, on its /help line.
PROMPTS_HELP_FAMILIES: dict[str, str] = {
    "prompt": N_("Discussion prompts the bot posts for the group: add one, or see the "
                 "list."),
}
