"""Who is who and where, in the console's one demo group.

Members are simulated: their user id is their lower-case name, their display name the
name capitalised. Each member has a place (a channel, or the direct-message conversation
with the bot) and at most one open form, kept while you act as someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from adapters.console.forms import FormFill
from bot import catalog
from bot.catalog import BOT_NAME
from bot.config import ConsoleMember
from bot.events import Actor
from bot.i18n import plain_list
from bot.i18n import tr
from bot.roles import role_key
from bot.settings import GroupSettings

GROUP_ID = "demo"


def valid_name(name: str) -> bool:
    """A member name is one word of letters and digits (with - or _ allowed)."""
    return bool(name) and name.replace("-", "").replace("_", "").isalnum()


def clean_channel(text: str) -> str:
    """A channel name as typed (`#updates` or `updates`), without the #."""
    return text.strip().lstrip("#").strip()


@dataclass
class Member:
    """A simulated member: platform roles, admin flag, where they are, an open form."""

    name: str
    roles: list[str] = field(default_factory=list)
    admin: bool = False
    place: str | None = "general"
    form: FormFill | None = None

    @property
    def display_name(self) -> str:
        """The name as people read it: `Alice`."""
        return self.name.capitalize()

    def actor(self) -> Actor:
        """The member as the core sees them."""
        return Actor(user_id=self.name, display_name=self.display_name,
                     platform_roles=frozenset(self.roles), is_admin=self.admin)

    def has_role(self, role: str) -> bool:
        """Whether they have this platform role (case is ignored)."""
        return any(role_key(r) == role_key(role) for r in self.roles)

    def where(self) -> str:
        """`#general` or `DM with coprod`."""
        return f"#{self.place}" if self.place is not None else f"DM with {BOT_NAME}"

    def where_in_words(self) -> str:
        """`in #general` or `in your direct messages with coprod`."""
        if self.place is None:
            return catalog.console_in_dm()
        return catalog.console_in_channel(self.place)


def role_words(member: Member, settings: GroupSettings) -> list[str]:
    """A member's roles in plain words: facilitator/lead for the group's configured role
    names, the platform role name otherwise, and admin for the platform admin flag."""
    facilitators = {role_key(r) for r in settings.facilitator_roles}
    leads = {role_key(r) for r in settings.lead_roles}
    words: list[str] = []
    for role in member.roles:
        mine: list[str] = []
        if role_key(role) in facilitators:
            mine.append(tr(catalog.CONSOLE_ROLE_WORDS["facilitator"]))
        if role_key(role) in leads:
            mine.append(tr(catalog.CONSOLE_ROLE_WORDS["lead"]))
        words += mine or [role]
    if member.admin:
        words.append(tr(catalog.CONSOLE_ROLE_WORDS["admin"]))
    return list(dict.fromkeys(words)) or [tr(catalog.CONSOLE_ROLE_WORDS["member"])]


def describe_member(member: Member, settings: GroupSettings) -> str:
    """`Carol (facilitator)`."""
    return f"{member.display_name} ({plain_list(role_words(member, settings))})"


class Session:
    """The members of the demo group and which one you are acting as."""

    def __init__(self, members: tuple[ConsoleMember, ...], channel: str) -> None:
        self.home = clean_channel(channel) or "general"
        self.members: dict[str, Member] = {}
        for m in members:
            self.add(m.name, list(m.roles), m.admin)
        if not self.members:
            self.add("alice")
        self.current_name = next(iter(self.members))

    @property
    def me(self) -> Member:
        """The member you are acting as."""
        return self.members[self.current_name]

    def add(self, name: str, roles: list[str] | None = None, admin: bool = False) -> Member:
        """Add a member (names are lower-case) in the home channel."""
        member = Member(name.lower(), list(roles or []), admin, self.home)
        self.members[member.name] = member
        return member

    def find(self, name: str) -> Member | None:
        """A member by name, ignoring case."""
        return self.members.get(name.strip().lower())

    def display_name(self, user_id: str) -> str:
        """The display name for a user id (unknown ids are capitalised all the same)."""
        member = self.members.get(user_id)
        return member.display_name if member else user_id.capitalize()

    def prompt(self) -> str:
        """`alice in #general> ` or `alice in DM with coprod> `."""
        return f"{self.me.name} in {self.me.where()}> "
