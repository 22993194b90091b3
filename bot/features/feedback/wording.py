"""Every sentence the feedback feature says: the form, the replies, digests, the
facilitators' list and "you said, we did" (catalog domain "feedback").

The rules of bot/catalog.py hold here too: short sentences, everyday words, say what
happened and what to do next, never blame the person. The sentences members read
before and after writing feedback are promises about anonymity (docs/promises.md):
translations must promise exactly what the English does, no more and no less.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot import i18n
from bot.i18n import Domain
from bot.i18n import Said
from bot.i18n import format_moment
from bot.i18n import format_number
from bot.i18n import or_list
from bot.i18n import remembered
from bot.i18n import speaking
from bot.i18n import tr
from bot.text import channel_ref

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

_domain = Domain("feedback", __file__)
_, ngettext, N_ = _domain.functions()


FEEDBACK_FORM_TITLE = N_("Anonymous feedback")
FEEDBACK_FIELD_MESSAGE_HINT = N_("Say what you think. Nobody will see who wrote it.")
# The topics a group has unless its config names its own: translated where they are
# shown; a group's own topics are its own words, shown as they are.
DEFAULT_TOPICS = (N_("meetings"), N_("how the group works"), N_("something else"))
_TOPICS = {str.__str__(t): t for t in DEFAULT_TOPICS}


def topic_choice(topic: str) -> str:
    """A topic as a form offers it: a default topic declared for translation."""
    return _TOPICS.get(topic, topic)


def topic_label(topic: str) -> str:
    """A topic as the reader reads it: a default topic in their language, a group's own
    as it was written."""
    return tr(_TOPICS.get(topic, topic))


FEEDBACK_SENT_START = N_("Sent anonymously.")


@remembered
def feedback_sent(for_group: bool, minimum: int, review_hours: int, times: Sequence[str],
                  ) -> str:
    """The private reply to /feedback: what happens to it, when, and who will see it."""
    at = or_list(list(times))
    hours = format_number(review_hours)
    lines = [tr(FEEDBACK_SENT_START),
             _("The bot never stores who wrote it, so the bot cannot tell anyone it was "
               "you: not the facilitators, and not the people who run it. Your own words "
               "may still give you away."),
             _("Nobody sees it today. From tomorrow, the facilitators can read it and check "
               "it. They may hide it if it names someone.")]
    if for_group:
        lines.append(ngettext(
            "Feedback for the group waits until at least {minimum} piece is in.",
            "Feedback for the group waits until at least {minimum} pieces are in.",
            minimum).format(minimum=format_number(minimum)))
        lines.append(ngettext(
            "At least {hours} hour after the check starts, it is shared with the whole "
            "group in the next digest (at {at}), mixed with other feedback.",
            "At least {hours} hours after the check starts, it is shared with the whole "
            "group in the next digest (at {at}), mixed with other feedback.",
            review_hours).format(hours=hours, at=at))
    else:
        lines.append(ngettext(
            "At least {hours} hour later, it is posted in their own channel in the next "
            "digest (at {at}). Nobody else sees it.",
            "At least {hours} hours later, it is posted in their own channel in the next "
            "digest (at {at}). Nobody else sees it.",
            review_hours).format(hours=hours, at=at))
        if minimum > 1:
            lines.append(ngettext(
                "A digest for them waits until {minimum} piece is ready.",
                "A digest for them waits until {minimum} pieces are ready.",
                minimum).format(minimum=format_number(minimum)))
    return " ".join(lines)


# The replies with the default [feedback] settings, in English (the promises quote them).
with speaking(i18n.SOURCE):
    FEEDBACK_SENT = feedback_sent(True, 5, 12, ("17:00",))
    FEEDBACK_SENT_FOR_FACILITATORS = feedback_sent(False, 1, 12, ("17:00",))


def feedback_help(group_k: int, facilitators_k: int, review_hours: int = 12) -> str:
    """What /feedback does, including what anonymous means for a small digest."""
    lines = [
        _("Send anonymous feedback to the whole group or to the facilitators only. Nobody "
          "sees it on the day it is written. From the next day, the facilitators can check "
          "it, and hide it if it names someone."),
        ngettext("At least {hours} hour later, it is shared in a digest at a set time.",
                 "At least {hours} hours later, it is shared in a digest at a set time.",
                 review_hours).format(hours=format_number(review_hours)),
        ngettext("Feedback for the group waits, unseen, until at least {count} piece is in.",
                 "Feedback for the group waits, unseen, until at least {count} pieces are "
                 "in.", group_k).format(count=format_number(group_k))]
    if facilitators_k == 1:
        lines.append(_("A digest for the facilitators may hold just one piece, which is "
                       "easier to guess the author of."))
    else:
        lines.append(ngettext("A digest for the facilitators waits for {count} piece.",
                              "A digest for the facilitators waits for {count} pieces.",
                              facilitators_k).format(count=format_number(facilitators_k)))
    return " ".join(lines)


def feedback_help_text(group_k: int, facilitators_k: int, review_hours: int) -> Said:
    """/feedback's description: English as declared, the reader's language in /help."""
    return Said(lambda: feedback_help(group_k, facilitators_k, review_hours), _domain)


def feedback_daily_limit(limit: int) -> str:
    """A member reached the day's feedback limit; nothing was stored."""
    return ngettext(
        "You have sent {limit} piece of feedback today, which is the most for one day, so "
        "this one was not sent. Please try again tomorrow. (The count is kept only in "
        "memory and can't be traced back to you.)",
        "You have sent {limit} pieces of feedback today, which is the most for one day, so "
        "this one was not sent. Please try again tomorrow. (The count is kept only in "
        "memory and can't be traced back to you.)", limit).format(limit=format_number(limit))


def feedback_digest_header(count: int, audience_is_group: bool) -> str:
    """The start of a digest."""
    if audience_is_group:
        text = ngettext(
            "Anonymous feedback for the group: {count} message, in random order. Nobody, "
            "not the facilitators and not whoever runs the bot, can see who wrote them.",
            "Anonymous feedback for the group: {count} messages, in random order. Nobody, "
            "not the facilitators and not whoever runs the bot, can see who wrote them.",
            count)
    else:
        text = ngettext(
            "Anonymous feedback for the facilitators: {count} message, in random order. "
            "Nobody, not the facilitators and not whoever runs the bot, can see who wrote "
            "them.",
            "Anonymous feedback for the facilitators: {count} messages, in random order. "
            "Nobody, not the facilitators and not whoever runs the bot, can see who wrote "
            "them.", count)
    return text.format(count=format_number(count))


def feedback_digest_item(number: int, count: int, ref: str, topic: str, quoted: str,
                         waited_days: int | None) -> str:
    """One item of a digest (its text already neutralised and quoted)."""
    values = {"number": format_number(number), "count": format_number(count), "ref": ref,
              "topic": topic_label(topic), "quoted": quoted}
    if topic:
        text = _("Feedback {number} of {count} about {topic} (ref {ref}):\n{quoted}")
    else:
        text = _("Feedback {number} of {count} (ref {ref}):\n{quoted}")
    text = text.format(**values)
    if waited_days is not None:
        text += "\n" + ngettext(
            "(This waited more than {days} day for enough other feedback to be shared "
            "safely.)",
            "(This waited more than {days} days for enough other feedback to be shared "
            "safely.)", waited_days).format(days=format_number(waited_days))
    return text


def feedback_day(moment: datetime | None, zone: ZoneInfo) -> str:
    """A day as people read it, in the group's zone: "05 Dec 2026"."""
    if moment is None:
        return ""
    # TRANSLATORS: a Babel date pattern: dd the day, MMM the month's short name, yyyy
    # the year. Change the order, not the codes.
    return format_moment(moment, zone, _domain.pgettext("Babel date pattern", "dd MMM yyyy"))


FEEDBACK_LIST_HELP = N_("Check feedback before it is shared, and see recent feedback and "
                        "whether it has an answer (facilitators).")
FEEDBACK_HIDE_HELP = N_(
    "Keep a piece of feedback out of its digest, with a reason that is recorded "
    "(facilitators). Nobody can find out who wrote feedback: the bot never stores it.")
FEEDBACK_ANSWER_HINT = N_("This is posted for everyone, quoting the feedback.")


def feedback_answer_posted(channel: str) -> str:
    """A facilitator's answer was stored and will be posted."""
    return _("Thank you. Your answer will be posted in {channel} in a moment.").format(
        channel=channel_ref(channel))


FEEDBACK_ONLY_FACILITATORS = N_("Sorry, only facilitators can do that. Type /help to see "
                                "what you can do.")


def feedback_no_item(ref: str) -> str:
    """No item with that reference."""
    return _("I can't find feedback with the ref {ref}. Type /feedback list to see recent "
             "feedback and its refs.").format(ref=ref)


FEEDBACK_NOT_DELIVERED = N_("That feedback hasn't been shared yet, so it can't be answered "
                            "yet. It will be in a coming digest.")


def feedback_hidden(ref: str) -> str:
    """A facilitator hid an item."""
    return _("Hidden: feedback {ref} won't be in a digest. Your reason was recorded. Nobody "
             "can find out who wrote it, because the bot never stored that.").format(ref=ref)


def _review_rule(review_hours: int) -> str:
    return ngettext(
        "Feedback shows here from the day after it was written. A whole day's feedback "
        "shows at once, in random order, so looking often can't tell you when a piece "
        "came. Feedback for the group shows only once enough has come in. You have at "
        "least {hours} hour to check it before a digest shares it.",
        "Feedback shows here from the day after it was written. A whole day's feedback "
        "shows at once, in random order, so looking often can't tell you when a piece "
        "came. Feedback for the group shows only once enough has come in. You have at "
        "least {hours} hours to check it before a digest shares it.",
        review_hours).format(hours=format_number(review_hours))


def feedback_list_empty(review_hours: int) -> str:
    """/feedback list with nothing to check and nothing recent."""
    return (_("No feedback to check, and none shared or hidden in the last 30 days.") + " "
            + _review_rule(review_hours))


def feedback_list_header(to_check: int, review_hours: int) -> str:
    """The top of /feedback list."""
    text = _("Feedback (only you can see this).") + " " + _review_rule(review_hours)
    if to_check:
        text += "\n" + ngettext(
            "{count} waiting for a digest, which you can hide with /feedback hide until it "
            "is shared:",
            "{count} waiting for a digest, which you can hide with /feedback hide until it "
            "is shared:", to_check).format(count=format_number(to_check))
    return text


def feedback_list_line(ref: str, audience_is_group: bool, state: str, topic: str,
                       quoted: str) -> str:
    """One item in /feedback list."""
    if audience_is_group:
        line = (_("- ref {ref}, for the group, about {topic}: {state}\n{quoted}") if topic
                else _("- ref {ref}, for the group: {state}\n{quoted}"))
    else:
        line = (_("- ref {ref}, for the facilitators, about {topic}: {state}\n{quoted}")
                if topic else _("- ref {ref}, for the facilitators: {state}\n{quoted}"))
    return line.format(ref=ref, topic=topic_label(topic), state=state, quoted=quoted)


def feedback_state(status: str, answered: bool, reason: str, day: str) -> str:
    """Where an item is, in words (`day`: when it was shared, or for a waiting item the
    first day a digest may share it)."""
    if status == "hidden":
        return _("hidden (reason: {reason})").format(reason=reason)
    if status == "waiting":
        return _("waiting; the first digest that may share it is on {day}").format(day=day)
    if answered:
        return _("shared {day}, answered").format(day=day)
    return _("shared {day}, not answered yet").format(day=day)


# What each of this feature's sections of a member's export is.
FEEDBACK_EXPORT_TITLES: dict[str, str] = {
    "feedback_hidden": N_("Feedback you kept out of a digest, as a facilitator (not who wrote "
                          "it: nobody knows that)."),
}
# What a member's export leaves out of this feature, and why.
FEEDBACK_NOT_IN_EXPORT: tuple[str, ...] = (
    N_("Anonymous feedback is not here: the bot never stores who wrote a piece of feedback, "
       "so nothing links it to you."),
)

# What the feedback channel setting is for (/setup, /help setup).
SETTING_FEEDBACK_CHANNEL = N_("where anonymous feedback digests for the whole group are "
                              "posted")
