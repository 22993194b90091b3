"""What the prompts feature says: the list facilitators keep and the posted prompt
(catalog domain "prompts")."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Domain, format_number
from bot.text import channel_ref

_, ngettext, N_ = Domain("prompts", __file__).functions()


def _posted(cadence: str, channel: str) -> str:
    """How often, and where, a prompt is posted (the end of `prompt_added`)."""
    where = channel_ref(channel)
    if cadence == "daily":
        return _("one is posted every day in {channel}.").format(channel=where)
    if cadence == "weekly":
        return _("one is posted every week in {channel}.").format(channel=where)
    if cadence == "fortnightly":
        return _("one is posted every two weeks in {channel}.").format(channel=where)
    return _("one is posted never (posting is switched off in the config) in {channel}."
             ).format(channel=where)


def prompt_added(count: int, cadence: str, channel: str) -> str:
    """A prompt was stored."""
    # TRANSLATORS: the next sentence ("one is posted every week in #updates.") follows.
    added = ngettext("Added. There is {n} prompt on the list;",
                     "Added. There are {n} prompts on the list;", count).format(
        n=format_number(count))
    return f"{added} {_posted(cadence, channel)}"


def prompt_line(number: int, text: str, used: int, upcoming: bool) -> str:
    """One prompt in the list."""
    times = (_("not used yet") if used == 0
             else ngettext("used {n} time", "used {n} times", used).format(
                 n=format_number(used)))
    line = _("{number}. {text} ({times})").format(number=number, text=text, times=times)
    return _("{line} <- next").format(line=line) if upcoming else line


def prompts_list(lines: Sequence[str], cadence: str) -> str:
    """The prompts, for facilitators."""
    if cadence == "daily":
        head = _("**Prompts** (one is posted every day; none repeats until all have been "
                 "used)")
    elif cadence == "weekly":
        head = _("**Prompts** (one is posted every week; none repeats until all have been "
                 "used)")
    elif cadence == "fortnightly":
        head = _("**Prompts** (one is posted every two weeks; none repeats until all have "
                 "been used)")
    else:
        head = _("**Prompts** (one is posted never (posting is switched off in the config); "
                 "none repeats until all have been used)")
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
