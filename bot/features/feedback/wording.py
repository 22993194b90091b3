"""Every sentence the feedback feature says: the form, the replies, digests, the
facilitators' list and "you said, we did".

The rules of bot/catalog.py hold here too: short sentences, everyday words, say what
happened and what to do next, never blame the person.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog import _or_list
from bot.text import channel_ref

FEEDBACK_FORM_TITLE = "Anonymous feedback"
FEEDBACK_FIELD_MESSAGE = "Your feedback"
FEEDBACK_FIELD_MESSAGE_HINT = "Say what you think. Nobody will see who wrote it."
FEEDBACK_FIELD_TOPIC = "Topic"
FEEDBACK_FIELD_AUDIENCE = "Who is it for?"
FEEDBACK_FOR_GROUP = "The whole group"
FEEDBACK_FOR_FACILITATORS = "The facilitators only"


def _hours(hours: int) -> str:
    return f"{hours} hour{'' if hours == 1 else 's'}"


FEEDBACK_SENT_START = "Sent anonymously."


def feedback_sent(for_group: bool, minimum: int, review_hours: int, times: Sequence[str],
                  ) -> str:
    """The private reply to /feedback: what happens to it, when, and who will see it."""
    at = _or_list(list(times))
    lines = [FEEDBACK_SENT_START + " The bot never stores who wrote it, so the bot cannot "
             "tell anyone it was you: not the facilitators, and not the people who run it. "
             "Your own words may still give you away.",
             "Nobody sees it today. From tomorrow, the facilitators can read it and check "
             "it. They may hide it if it names someone."]
    if for_group:
        lines.append(f"Feedback for the group waits until at least {minimum} pieces are in. "
                     f"At least {_hours(review_hours)} after the check starts, it is shared "
                     f"with the whole group in the next digest (at {at}), mixed with other "
                     "feedback.")
    else:
        lines.append(f"At least {_hours(review_hours)} later, it is posted in their own "
                     f"channel in the next digest (at {at}). Nobody else sees it.")
        if minimum > 1:
            lines.append(f"A digest for them waits until {minimum} pieces are ready.")
    return " ".join(lines)


# The replies with the default [feedback] settings.
FEEDBACK_SENT = feedback_sent(True, 5, 12, ("17:00",))
FEEDBACK_SENT_FOR_FACILITATORS = feedback_sent(False, 1, 12, ("17:00",))


def feedback_help(group_k: int, facilitators_k: int, review_hours: int = 12) -> str:
    """What /feedback does, including what anonymous means for a small digest."""
    text = ("Send anonymous feedback to the whole group or to the facilitators only. "
            "Nobody sees it on the day it is written. From the next day, the facilitators "
            "can check it, and hide it if it names someone. At least "
            f"{_hours(review_hours)} later, it is shared in a digest at a set time. Feedback "
            f"for the group waits, unseen, until at least {group_k} pieces are in. ")
    if facilitators_k == 1:
        return text + ("A digest for the facilitators may hold just one piece, which is "
                       "easier to guess the author of.")
    return text + f"A digest for the facilitators waits for {facilitators_k} pieces."


def feedback_daily_limit(limit: int) -> str:
    """A member reached the day's feedback limit; nothing was stored."""
    return (f"You have sent {limit} pieces of feedback today, which is the most for one "
            "day, so this one was not sent. Please try again tomorrow. (The count is kept "
            "only in memory and can't be traced back to you.)")


def feedback_digest_header(count: int, audience_is_group: bool) -> str:
    """The start of a digest."""
    who = "the group" if audience_is_group else "the facilitators"
    return (f"Anonymous feedback for {who}: {count} "
            f"{'message' if count == 1 else 'messages'}, in random order. Nobody, not the "
            "facilitators and not whoever runs the bot, can see who wrote them.")


def feedback_digest_item(number: int, count: int, ref: str, topic: str, quoted: str,
                         waited_days: int | None) -> str:
    """One item of a digest (its text already neutralised and quoted)."""
    about = f" about {topic}" if topic else ""
    text = f"Feedback {number} of {count}{about} (ref {ref}):\n{quoted}"
    if waited_days is not None:
        text += (f"\n(This waited more than {waited_days} days for enough other feedback "
                 "to be shared safely.)")
    return text


FEEDBACK_LIST_HELP = ("Check feedback before it is shared, and see recent feedback and "
                      "whether it has an answer (facilitators).")
FEEDBACK_HIDE_HELP = (
    "Keep a piece of feedback out of its digest, with a reason that is recorded "
    "(facilitators). Nobody can find out who wrote feedback: the bot never stores it.")
FEEDBACK_ANSWER_HELP = "Answer a piece of feedback in public: \"you said, we did\" (facilitators)."
FEEDBACK_ANSWER_BUTTON = "You said, we did"
FEEDBACK_ANSWER_FORM_TITLE = "You said, we did"
FEEDBACK_ANSWER_FIELD = "What did you do, or what will you do?"
FEEDBACK_ANSWER_HINT = "This is posted for everyone, quoting the feedback."


def feedback_you_said_we_did(quoted: str, answer: str) -> str:
    """The public answer to a piece of feedback."""
    return f"**You said, we did**\nYou said:\n{quoted}\nWe did:\n{answer}"


def feedback_answer_posted(channel: str) -> str:
    """A facilitator's answer was stored and will be posted."""
    return f"Thank you. Your answer will be posted in {channel_ref(channel)} in a moment."


FEEDBACK_ONLY_FACILITATORS = ("Sorry, only facilitators can do that. Type /help to see "
                              "what you can do.")


def feedback_no_item(ref: str) -> str:
    """No item with that reference."""
    return (f"I can't find feedback with the ref {ref}. Type /feedback list to see recent "
            "feedback and its refs.")


FEEDBACK_NOT_DELIVERED = ("That feedback hasn't been shared yet, so it can't be answered "
                          "yet. It will be in a coming digest.")
FEEDBACK_FOR_FACILITATORS_ONLY = (
    "That feedback was written for the facilitators only, so it can't be quoted in public. "
    "You can still answer its point in your own words in the group.")
FEEDBACK_HIDDEN_CANT_ANSWER = "That feedback was hidden, so it can't be answered in public."


def feedback_hidden(ref: str) -> str:
    """A facilitator hid an item."""
    return (f"Hidden: feedback {ref} won't be in a digest. Your reason was recorded. Nobody "
            "can find out who wrote it, because the bot never stored that.")


FEEDBACK_CANT_HIDE = ("Only feedback still waiting for its digest can be hidden; this one "
                      "has already been shared or hidden.")


def feedback_list_empty(review_hours: int) -> str:
    """/feedback list with nothing to check and nothing recent."""
    return ("No feedback to check, and none shared or hidden in the last 30 days. "
            + _FEEDBACK_REVIEW_RULE.format(hours=_hours(review_hours)))


_FEEDBACK_REVIEW_RULE = (
    "Feedback shows here from the day after it was written. A whole day's feedback shows "
    "at once, in random order, so looking often can't tell you when a piece came. "
    "Feedback for the group shows only once enough has come in. You have at least {hours} "
    "to check it before a digest shares it.")


def feedback_list_header(to_check: int, review_hours: int) -> str:
    """The top of /feedback list."""
    text = "Feedback (only you can see this). " + _FEEDBACK_REVIEW_RULE.format(
        hours=_hours(review_hours))
    if to_check:
        text += (f"\n{to_check} waiting for a digest, which you can hide with /feedback hide "
                 "until it is shared:")
    return text


def feedback_list_line(ref: str, audience_is_group: bool, state: str, topic: str,
                       quoted: str) -> str:
    """One item in /feedback list."""
    who = "for the group" if audience_is_group else "for the facilitators"
    about = f", about {topic}" if topic else ""
    return f"- ref {ref}, {who}{about}: {state}\n{quoted}"


def feedback_state(status: str, answered: bool, reason: str, day: str) -> str:
    """Where an item is, in words (`day`: when it was shared, or for a waiting item the
    first day a digest may share it)."""
    if status == "hidden":
        return f"hidden (reason: {reason})"
    if status == "waiting":
        return f"waiting; the first digest that may share it is on {day}"
    return f"shared {day}, " + ("answered" if answered else "not answered yet")
