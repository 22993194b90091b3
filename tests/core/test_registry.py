"""Command registry, permissions and role resolution."""

from __future__ import annotations

import pytest

from bot.commands import CommandSpec
from bot.commands import Registry
from bot.commands import may_run
from bot.messages import Reply
from bot.roles import Role
from bot.roles import resolve_roles


async def _noop(ctx: object) -> Reply:
    return Reply.text("ok")


def spec(name: str, **kw: object) -> CommandSpec:
    return CommandSpec(name=name, description="d", handler=_noop, example=f"/{name}",
                       **kw)  # type: ignore[arg-type]


def test_duplicate_and_too_long_names_are_refused() -> None:
    reg = Registry()
    reg.add(spec("meeting list"))
    with pytest.raises(ValueError, match="twice"):
        reg.add(spec("meeting list"))
    with pytest.raises(ValueError, match="one to three words"):
        reg.add(spec("a b c d"))


def test_lookup_grouping_and_suggestions() -> None:
    reg = Registry()
    reg.extend([spec("help"), spec("meeting list"), spec("meeting schedule"),
                spec("feedback")])
    assert reg.top_level_names() == ["feedback", "help", "meeting"]
    assert [s.name for s in reg.under("meeting")] == ["meeting list", "meeting schedule"]
    assert reg.suggest("feedbak") == "feedback"
    assert reg.suggest("hepl") == "help"
    assert reg.suggest("zzzzzz") is None


def test_may_run_by_role_and_admin_flag() -> None:
    facilitator_only = spec("setup", roles=frozenset({Role.FACILITATOR}), admins=True)
    leads_only = spec("case list", roles=frozenset({Role.LEAD}))
    member = frozenset({Role.MEMBER})
    assert not may_run(facilitator_only, member, is_admin=False)
    assert may_run(facilitator_only, member, is_admin=True)
    assert may_run(facilitator_only, member | {Role.FACILITATOR}, is_admin=False)
    assert not may_run(leads_only, member, is_admin=True)  # admins are not leads
    assert may_run(leads_only, member | {Role.LEAD}, is_admin=False)


def test_roles_resolve_ignoring_case_and_at_sign() -> None:
    roles = resolve_roles({"facilitator", "Gardeners"}, ["@Facilitator"], ["Safeguarding lead"])
    assert roles == {Role.MEMBER, Role.FACILITATOR}
    assert resolve_roles(set(), ["Facilitator"], ["Lead"]) == {Role.MEMBER}
    both = resolve_roles({"LEAD", " Facilitator "}, ["facilitator"], ["lead"])
    assert both == {Role.MEMBER, Role.FACILITATOR, Role.LEAD}


def test_a_command_added_later_is_listed_and_counted() -> None:
    reg = Registry()
    reg.extend([spec("meeting list"), spec("help")])
    before = reg.version
    assert [s.name for s in reg.all()] == ["help", "meeting list"]
    reg.add(spec("feedback"))
    assert reg.version > before
    assert [s.name for s in reg.all()] == ["feedback", "help", "meeting list"]
    listed = reg.all()
    listed.clear()  # a caller's copy: the registry keeps its own
    assert len(reg.all()) == 3
    assert spec("meeting list").words == ("meeting", "list")
