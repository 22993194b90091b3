"""`/resource`: the group's shared resources (links or short texts, with tags), so what
people find out about a system is kept where everyone can find it.

Links are only checked for their form (http or https, a host, no spaces): nothing is
ever fetched. Tags are short words of letters, digits and dashes.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from bot import catalog
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.features import FormSpec
from bot.features.host import FeatureHost
from bot.features.resources import wording
from bot.features.resources.store import Resource
from bot.features.resources.store import ResourceStore
from bot.features.resources.wording import N_
from bot.features.resources.wording import _
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.roles import Role
from bot.text import has_visible_text
from bot.text import neutralise

TITLE_LIMIT = 100
LINK_LIMIT = 500
TEXT_LIMIT = 1000
TAGS_LIMIT = 200
MAX_TAGS = 5
TAG_LIMIT = 30
LIST_LIMIT = 25
ADD_FORM = "resource.add"
_TAG = re.compile(r"[a-z0-9][a-z0-9-]*")
_HOST = re.compile(r"(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}"
                   r"[a-z0-9])?)*")


def check_link(raw: str) -> str:
    """A link in valid URL form (http or https, a host name, no spaces). Raises
    `UserError`. Nothing is fetched."""
    link = raw.strip()
    if len(link) > LINK_LIMIT:
        raise UserError(catalog.field_too_long(wording.RESOURCE_FIELD_LINK, LINK_LIMIT,
                                               len(link)))
    try:
        parts = urlsplit(link)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        raise UserError(wording.resource_bad_link(neutralise(link))) from None
    if (parts.scheme.lower() not in ("http", "https") or not host
            or any(ch.isspace() or ord(ch) < 32 for ch in link)
            or not _HOST.fullmatch(host) or ("." not in host and host != "localhost")):
        raise UserError(wording.resource_bad_link(neutralise(link)))
    return link


def parse_tags(raw: str) -> tuple[str, ...]:
    """Tags from text separated by commas or spaces: lower case letters, digits and
    dashes, at most five. Raises `UserError` naming an odd tag."""
    if len(raw) > TAGS_LIMIT:
        raise UserError(catalog.field_too_long(wording.RESOURCE_FIELD_TAGS, TAGS_LIMIT,
                                               len(raw)))
    tags: list[str] = []
    for word in raw.replace(",", " ").split():
        tag = word.removeprefix("#").casefold()
        if not _TAG.fullmatch(tag) or len(tag) > TAG_LIMIT:
            raise UserError(wording.resource_bad_tag(neutralise(word), TAG_LIMIT))
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise UserError(wording.resource_too_many_tags(MAX_TAGS))
    return tuple(tags)


def matches(resource: Resource, tag: str, words: list[str]) -> bool:
    """Whether a resource has the tag (if any) and every search word (if any)."""
    if tag and tag not in resource.tags:
        return False
    haystack = " ".join((resource.title, resource.content, *resource.tags)).casefold()
    haystack = haystack.replace("\\", "")
    return all(w in haystack for w in words)


class Resources:
    """The resources feature's handlers."""

    def __init__(self, host: FeatureHost[ResourceStore, None]) -> None:
        self.host = host
        self.form = FormSpec(ADD_FORM, (
            FormField("title", wording.RESOURCE_FIELD_TITLE, max_length=TITLE_LIMIT),
            FormField("link", wording.RESOURCE_FIELD_LINK, required=False,
                      max_length=LINK_LIMIT, placeholder="https://"),
            FormField("text", wording.RESOURCE_FIELD_TEXT, "paragraph", required=False,
                      max_length=TEXT_LIMIT),
            FormField("tags", wording.RESOURCE_FIELD_TAGS, required=False,
                      max_length=TAGS_LIMIT,
                      placeholder=N_("benefits, housing")),
        ), self.add, command="resource add")

    async def add_command(self, ctx: Context) -> Reply:
        """/resource add: the form, or add at once from options."""
        return await self.form.open_or_run(ctx, N_("Share a resource"), submit_label=N_("Add"))

    async def add(self, ctx: Context) -> Reply:
        """Check everything, then store; nothing is stored if anything is wrong."""
        title = " ".join(str(ctx.options.get("title", "")).split())
        if not has_visible_text(title):
            raise UserError(catalog.field_required(wording.RESOURCE_FIELD_TITLE))
        if len(title) > TITLE_LIMIT:
            raise UserError(catalog.field_too_long(wording.RESOURCE_FIELD_TITLE, TITLE_LIMIT,
                                                   len(title)))
        link = str(ctx.options.get("link", "") or "").strip()
        text = str(ctx.options.get("text", "") or "").replace("\\n", "\n").strip()
        if link and has_visible_text(text):
            raise UserError(wording.RESOURCE_LINK_OR_TEXT)
        if not link and not has_visible_text(text):
            raise UserError(wording.RESOURCE_LINK_OR_TEXT)
        if len(text) > TEXT_LIMIT:
            raise UserError(catalog.field_too_long(wording.RESOURCE_FIELD_TEXT, TEXT_LIMIT,
                                                   len(text)))
        content = check_link(link) if link else neutralise(text)
        tags = parse_tags(str(ctx.options.get("tags", "") or ""))
        resource = Resource(secrets.token_hex(3), ctx.group_id, neutralise(title), content,
                            bool(link), tags, ctx.actor.user_id,
                            ctx.actor.display_name, ctx.now())
        await self.host.store.add_resource(resource)
        return Reply.text(_("Added “{title}” (id {id}). Everyone can find it with /resource "
                            "list.").format(title=resource.title, id=resource.resource_id))

    async def listing(self, ctx: Context) -> Reply:
        """/resource list: everything, or by tag and search words."""
        tag = str(ctx.options.get("tag", "") or "").strip()
        if tag:
            (tag,) = parse_tags(tag)[:1] or ("",)
        words = [w.casefold() for w in str(ctx.options.get("search", "") or "").split()]
        found = [r for r in await self.host.store.resources(ctx.group_id)
                 if matches(r, tag, words)]
        if not found:
            return Reply.text(wording.resources_none(bool(tag or words)))
        lines = [wording.resource_line(r.resource_id, r.title, r.content, r.is_link,
                                       list(r.tags), neutralise(r.added_by_name))
                 for r in found[:LIST_LIMIT]]
        return Reply(messages=(Message(wording.resources_list(lines, len(found))),))

    async def remove(self, ctx: Context) -> Reply:
        """/resource remove: by the person who added it, or a facilitator."""
        resource_id = str(ctx.options.get("id", "")).strip().lower()
        found = [r for r in await self.host.store.resources(ctx.group_id)
                 if r.resource_id == resource_id]
        if not found:
            raise UserError(wording.resource_not_found(neutralise(resource_id)))
        resource = found[0]
        if resource.added_by != ctx.actor.user_id and not ctx.has_role(Role.FACILITATOR):
            raise UserError(wording.RESOURCE_NOT_YOURS)
        await self.host.store.remove_resource(ctx.group_id, resource_id)
        return Reply.text(wording.resource_removed(resource.title))


def build(host: FeatureHost[ResourceStore, None]) -> Feature:
    """The resources feature, built from its host."""
    resources = Resources(host)
    add_options = (
        OptionSpec("title", N_("what it is"), max_length=TITLE_LIMIT),
        OptionSpec("link", N_("a web address (or give text instead)"), max_length=LINK_LIMIT),
        OptionSpec("text", N_("a short text (or give a link instead)"), max_length=TEXT_LIMIT),
        OptionSpec("tags", N_("words to find it by, separated by commas"), max_length=TAGS_LIMIT),
    )
    return Feature("resources", commands=[
        CommandSpec("resource add", N_("Share a useful link or note with the group, with tags to "
                                       "find it."), resources.add_command,
                    N_('/resource add title="Benefits guide" link=https://example.org '
                       'tags="benefits, money"'), options=add_options, feature="resources",
                    opens_form=True),
        CommandSpec("resource list", N_("See the group's shared resources, by tag or search "
                                        "words."), resources.listing,
                    N_("/resource list  or  /resource list tag=housing search=council"),
                    options=(OptionSpec("tag", N_("only this tag"),
                                        max_length=TAG_LIMIT + 1),
                             OptionSpec("search", N_("words to look for"),
                                        max_length=200)),
                    feature="resources"),
        CommandSpec("resource remove", N_("Remove a resource you added (facilitators can remove "
                                          "any)."), resources.remove,
                    "/resource remove id=a1b2c3",
                    options=(OptionSpec("id", N_("the resource's id, from /resource list"),
                                        required=True, max_length=20),),
                    feature="resources"),
    ], forms=[resources.form], families=wording.RESOURCES_HELP_FAMILIES)
