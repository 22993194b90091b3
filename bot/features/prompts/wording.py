"""What the prompts feature says: the list facilitators keep and the posted prompt."""

from __future__ import annotations

from collections.abc import Sequence

from bot.text import channel_ref

PROMPT_ADD_HELP = "Facilitators: add a discussion or reflection prompt to the list."
PROMPT_LIST_HELP = "Facilitators: see the prompts, and which comes next."
PROMPT_FIELD = "Prompt"
PROMPT_EMPTY = "The prompt is empty. Please write the question or idea. Nothing was saved."
PROMPT_DUPLICATE = "That prompt is already on the list. Nothing was saved."
PROMPTS_NONE = "There are no prompts yet. Add one with /prompt add."


def _cadence_words(cadence: str) -> str:
    return {"daily": "every day", "weekly": "every week", "fortnightly": "every two weeks",
            }.get(cadence, "never (posting is switched off in the config)")


def prompt_too_many(limit: int) -> str:
    """The list is full."""
    return f"The list holds up to {limit} prompts. Nothing was saved."


def prompt_added(count: int, cadence: str, channel: str) -> str:
    """A prompt was stored."""
    return (f"Added. There {'is 1 prompt' if count == 1 else f'are {count} prompts'} on the "
            f"list; one is posted {_cadence_words(cadence)} in {channel_ref(channel)}.")


def prompt_line(number: int, text: str, used: int, upcoming: bool) -> str:
    """One prompt in the list."""
    times = "not used yet" if used == 0 else f"used {used} time{'' if used == 1 else 's'}"
    return f"{number}. {text} ({times}){' <- next' if upcoming else ''}"


def prompts_list(lines: Sequence[str], cadence: str) -> str:
    """The prompts, for facilitators."""
    return (f"**Prompts** (one is posted {_cadence_words(cadence)}; none repeats until all "
            "have been used)\n" + "\n".join(lines))


def prompt_post(text: str) -> str:
    """A prompt, posted to the group."""
    return f"**Something to think about**\n{text}\nShare your thoughts here if you like."


# What each family of this feature's commands is for, on its /help line.
PROMPTS_HELP_FAMILIES: dict[str, str] = {
    "prompt": "Discussion prompts the bot posts for the group: add one, or see the list.",
}
