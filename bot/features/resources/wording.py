"""What the resources feature says: the shared list, and why a link or tag is refused."""

from __future__ import annotations

from collections.abc import Sequence

RESOURCE_ADD_HELP = "Share a useful link or note with the group, with tags to find it."
RESOURCE_LIST_HELP = "See the group's shared resources, by tag or search words."
RESOURCE_REMOVE_HELP = "Remove a resource you added (facilitators can remove any)."
RESOURCE_FORM_TITLE = "Share a resource"
RESOURCE_FIELD_TITLE = "Title"
RESOURCE_FIELD_LINK = "Link"
RESOURCE_FIELD_TEXT = "Or a short text"
RESOURCE_FIELD_TAGS = "Tags (separated by commas)"
RESOURCE_LINK_OR_TEXT = ("Please give either a link or a short text (one of the two). "
                         "Nothing was saved.")
RESOURCE_NOT_YOURS = ("Only the person who added this resource, or a facilitator, can "
                      "remove it.")


def resource_bad_link(link: str) -> str:
    """A link that is not in a valid web address form."""
    return (f"“{link}” is not a web address I can use. It should start with https:// (or "
            "http://) and have no spaces, like https://example.org/guide. Nothing was saved.")


def resource_bad_tag(tag: str, limit: int) -> str:
    """A tag with odd characters."""
    return (f"The tag “{tag}” can't be used. Tags are single words of letters, digits and "
            f"dashes, up to {limit} characters, like housing or easy-read. Nothing was saved.")


def resource_too_many_tags(limit: int) -> str:
    """Too many tags."""
    return f"A resource can have up to {limit} tags. Nothing was saved."


def resource_added(title: str, resource_id: str) -> str:
    """A resource was stored."""
    return (f"Added “{title}” (id {resource_id}). Everyone can find it with /resource list.")


def resources_none(filtered: bool) -> str:
    """No resources (or none matching)."""
    if filtered:
        return "No resources match that. Try other words, or type /resource list to see all."
    return "There are no shared resources yet. Add one with /resource add."


def resource_line(resource_id: str, title: str, content: str, is_link: bool,
                  tags: Sequence[str], name: str) -> str:
    """One resource in a list."""
    tagged = f" [tags: {', '.join(tags)}]" if tags else ""
    body = content if is_link else content.replace("\n", " ")
    return f"- {title}: {body}{tagged} (id {resource_id}, added by {name})"


def resources_list(lines: Sequence[str], total: int) -> str:
    """The list of resources."""
    more = (f"\nShowing {len(lines)} of {total}. Add tag= or search= to narrow it down."
            if total > len(lines) else "")
    return "**Shared resources**\n" + "\n".join(lines) + more


def resource_not_found(resource_id: str) -> str:
    """No resource with that id."""
    return f"There is no resource with the id “{resource_id}”. Type /resource list to see the ids."


def resource_removed(title: str) -> str:
    """A resource was removed."""
    return f"Removed “{title}”."


# What each family of this feature's commands is for, on its /help line.
RESOURCES_HELP_FAMILIES: dict[str, str] = {
    "resource": ("The group's shared links and notes: add one, look through them, or "
                 "remove one."),
}
