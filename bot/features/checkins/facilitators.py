"""Who the facilitators of a group are, and whose a member is.

A facilitator counts however they are declared: holding the group's facilitator role on
the platform (asked through the adapter's `People` port, so they count before they have
used the bot), seen running a command with that role (remembered in storage until an
admin runs `/checkin remove`, or the platform says they hold the role no longer), or
named in `[checkins] facilitators`: the shared role roster (`bot.people.role_roster`),
the same rules as the safeguarding leads'. A member's own
facilitator comes from `/checkin assign` or `[checkins] assign`; a member without one
has their requests go to the facilitators in turn (a rota driven by how many requests
the group has had).
"""

from __future__ import annotations

from bot.context import Context
from bot.features.checkins.config import CheckinsConfig
from bot.features.checkins.store import CheckinPrefs
from bot.features.checkins.store import CheckinStore
from bot.features.checkins.store import Facilitator
from bot.features.host import FeatureHost
from bot.people import Remembered
from bot.people import Roster
from bot.people import role_roster
from bot.roles import Role


class Facilitators:
    """The facilitators of each group, as the check-ins feature counts them, and the
    ones this process has already remembered (so each is written once)."""

    def __init__(self, host: FeatureHost[CheckinStore, CheckinsConfig]) -> None:
        self.host = host
        self._seen: set[tuple[str, str, str]] = set()

    async def roster(self, group_id: str) -> tuple[list[Facilitator], Roster]:
        """The facilitators of a group now, by id, with the roster they come from."""
        stored = await self.host.store.known_facilitators(group_id)
        roster = await role_roster(
            self.host.people, group_id, self.host.group(group_id).facilitator_roles,
            [Remembered(f.user_id, f.display_name) for f in stored],
            self.host.config.facilitators)
        names = {f.user_id: f.display_name for f in stored if f.display_name}
        found = []
        for user_id in sorted(roster.holders):
            platform = roster.holders[user_id] if user_id in roster.on_platform else ()
            found.append(Facilitator(group_id, user_id,
                                     names.get(user_id) or (platform[0] if platform else "")))
        return found, roster

    async def of_group(self, group_id: str) -> list[Facilitator]:
        """The facilitators of a group now, by id: role holders, those seen acting with
        the role (unless the platform says they hold it no longer), and those named in
        config (unless the platform says they are not in the group)."""
        return (await self.roster(group_id))[0]

    async def stepped_down(self, group_id: str) -> list[Facilitator]:
        """Those remembered as facilitators whom the platform says hold the role no
        longer (their members and open requests are still to be moved)."""
        gone = set((await self.roster(group_id))[1].stepped_down)
        return [f for f in await self.host.store.known_facilitators(group_id)
                if f.user_id in gone]

    async def for_member(self, group_id: str, user_id: str, prefs: CheckinPrefs | None,
                         *, advance: bool) -> Facilitator | None:
        """The member's own facilitator (unless they stepped down), else the next in the
        rota (`advance`: a new request takes a turn; otherwise the first facilitator is
        named)."""
        everyone, roster = await self.roster(group_id)
        assigned = ((prefs.facilitator_id if prefs else "")
                    or self.host.config.assign.get(user_id, ""))
        if assigned and assigned != user_id and assigned not in roster.stepped_down:
            found = next((f for f in everyone if f.user_id == assigned), None)
            return found or Facilitator(group_id, assigned, "")
        rota = [f for f in everyone if f.user_id != user_id]
        if not rota:
            return None
        turn = await self.host.store.count_one_to_ones(group_id) if advance else 0
        return rota[turn % len(rota)]

    async def named(self, group_id: str, user_id: str) -> Facilitator | None:
        """A facilitator by id, with their name if known (None for no id)."""
        if not user_id:
            return None
        # Someone who stepped down keeps their name until their requests have moved.
        for f in (*await self.of_group(group_id),
                  *await self.host.store.known_facilitators(group_id)):
            if f.user_id == user_id:
                return f
        return Facilitator(group_id, user_id, "")

    async def seen(self, ctx: Context) -> None:
        """Remember whoever runs a command with the facilitator role (and their name)."""
        actor = ctx.actor
        if not ctx.has_role(Role.FACILITATOR):
            return
        seen = (ctx.group_id, actor.user_id, actor.display_name)
        if seen not in self._seen:
            await self.host.store.remember_facilitator(
                Facilitator(ctx.group_id, actor.user_id, actor.display_name), ctx.now())
            self._seen.add(seen)

    async def forget(self, group_id: str, user_id: str) -> None:
        """Stop counting someone who stepped down (until they act with the role again)."""
        await self.host.store.forget_facilitator(group_id, user_id)
        self._seen = {seen for seen in self._seen if seen[:2] != (group_id, user_id)}
