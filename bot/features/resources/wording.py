"""What the resources feature says: the shared list, and why a link or tag is refused
(catalog domain "resources")."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Domain

_, ngettext, N_ = Domain("resources", __file__).functions()

RESOURCE_FIELD_TITLE = N_("Title")
RESOURCE_FIELD_LINK = N_("Link")
RESOURCE_FIELD_TEXT = N_("Or a short text")
RESOURCE_FIELD_TAGS = N_("Tags (separated by commas)")
RESOURCE_LINK_OR_TEXT = N_("Please give either a link or a short text (one of the two). "
                           "Nothing was saved.")
RESOURCE_NOT_YOURS = N_("Only the person who added this resource, or a facilitator, can "
                        "remove it.")


def resource_bad_link(link: str) -> str:
    """A link that is not in a valid web address form."""
    return _("“{link}” is not a web address I can use. It should start with https:// (or "
             "http://) and have no spaces, like https://example.org/guide. Nothing was "
             "saved.").format(link=link)


def resource_bad_tag(tag: str, limit: int) -> str:
    """A tag with odd characters."""
    return _("The tag “{tag}” can't be used. Tags are single words of letters, digits and "
             "dashes, up to {limit} characters, like housing or easy-read. Nothing was "
             "saved.").format(tag=tag, limit=limit)


def resource_too_many_tags(limit: int) -> str:
    """Too many tags."""
    return _("A resource can have up to {limit} tags. Nothing was saved.").format(limit=limit)


def resources_none(filtered: bool) -> str:
    """No resources (or none matching)."""
    if filtered:
        return _("No resources match that. Try other words, or type /resource list to see "
                 "all.")
    return _("There are no shared resources yet. Add one with /resource add.")


def resource_line(resource_id: str, title: str, content: str, is_link: bool,
                  tags: Sequence[str], name: str) -> str:
    """One resource in a list."""
    body = content if is_link else content.replace("\n", " ")
    if tags:
        return _("- {title}: {body} [tags: {tags}] (id {id}, added by {name})").format(
            title=title, body=body, tags=", ".join(tags), id=resource_id, name=name)
    return _("- {title}: {body} (id {id}, added by {name})").format(
        title=title, body=body, id=resource_id, name=name)


def resources_list(lines: Sequence[str], total: int) -> str:
    """The list of resources."""
    text = _("**Shared resources**") + "\n" + "\n".join(lines)
    if total > len(lines):
        text += "\n" + _("Showing {shown} of {total}. Add tag= or search= to narrow it "
                         "down.").format(shown=len(lines), total=total)
    return text


def resource_not_found(resource_id: str) -> str:
    """No resource with that id."""
    return _("There is no resource with the id “{id}”. Type /resource list to see the ids."
             ).format(id=resource_id)


def resource_removed(title: str) -> str:
    """A resource was removed."""
    return _("Removed “{title}”.").format(title=title)


# What each family of this feature's commands is for, on its /help line.
RESOURCES_HELP_FAMILIES: dict[str, str] = {
    "resource": N_("The group's shared links and notes: add one, look through them, or "
                   "remove one."),
}


# What this feature's section of a member's export is.
RESOURCES_EXPORT_TITLES: dict[str, str] = {
    "resources_added": N_("Resources you added to the group's shared list."),
}
