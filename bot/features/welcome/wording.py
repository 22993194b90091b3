"""What the welcome says: its lines, buttons and the edit form's words. The button
that shows the agreement is the agreement's (`catalog.AGREEMENT_SHOW_BUTTON`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog import _and_list, _or_list

WELCOME_HELP_LINE = "See the welcome again: what this group is for and how the bot can help."
WELCOME_EDIT_HELP = "Facilitators: change the group's own welcome words."
WELCOME_EDIT_TITLE = "The group's welcome"
WELCOME_FIELD_TEXT = "What the group is for, in your own words"
WELCOME_DEFAULT = (
    "This is a co-production group: people with lived experience and professionals "
    "working together as equals to shape a service. Every voice here matters. You can "
    "take part in whatever way suits you, and you can always ask questions.")
WELCOME_SAVED = "Saved. Newcomers will see your words in their welcome. Type /welcome to check."
WELCOME_RESET = "The welcome is back to the bot's standard words. Type /welcome to check."
# The welcome is short on purpose (a newcomer reads it on a phone): the rest is one
# command away (/help, /agreement, /concern).
WELCOME_CAN_MEETINGS = "meeting reminders"
WELCOME_CAN_FEEDBACK = "anonymous feedback"
WELCOME_CAN_POLLS = "polls"
WELCOME_CAN_CHECKINS = "private check-ins"
WELCOME_CAN_BUDDIES = "peer-support buddies"
WELCOME_CAN_RESOURCES = "a shared list of useful links"
WELCOME_CHECKIN_BUTTON = "Yes, check in with me"
WELCOME_BUDDY_BUTTON = "Yes, find me a buddy"


def welcome_hello(name: str) -> str:
    """The first line of a welcome."""
    return f"Welcome, {name}! We are glad you are here."


def welcome_agreement(version: int | None) -> str:
    """The welcome's line about the group agreement."""
    if version is None:
        return ("The group is still writing its agreement, how we treat each other here. "
                "Type /agreement to see it when it is ready.")
    return (f"Please read our group agreement (version {version}), how we treat each other "
            "here: press Show the agreement, or type /agreement.")


def welcome_concerns(lead_roles: Sequence[str], has_command: bool) -> str:
    """How to raise a concern, and who the leads are."""
    roles = _or_list([f"“{r}”" for r in lead_roles]) if lead_roles else ""
    who = (f"They are the members with the role {roles}." if roles
           else "Ask a facilitator who they are.")
    how = ("type /concern: it goes privately to the safeguarding leads only"
           if has_command else "send a direct message to a safeguarding lead")
    return f"If something worries you, about yourself or someone else, {how}. {who}"


def welcome_can_do(items: Sequence[str], checkins: bool, buddies: bool) -> str:
    """What else the bot helps with, and the opt-in offer that goes with the buttons."""
    lines = [f"I can also help with {_and_list(items)}. Type /help to see how."
             if items else "Type /help to see what I can do."]
    if checkins and buddies:
        lines.append("Would you like a check-in now and then, or a buddy? Press a button "
                     "below; you can change your mind at any time.")
    elif checkins or buddies:
        lines.append(f"Would you like {'a check-in now and then' if checkins else 'a buddy'}"
                     "? Press the button below; you can change your mind at any time.")
    return " ".join(lines)


def welcome_undelivered(name: str) -> str:
    """To facilitators, privately: a newcomer's welcome could not be sent."""
    return (f"{name} joined, but I could not send them a welcome because they do not "
            "accept direct messages. Please welcome them another way; they can also type "
            "/welcome to see it.")
