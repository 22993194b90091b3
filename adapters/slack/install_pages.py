"""The pages someone sees while adding the bot to their Slack workspace: the install
page with one "Add to Slack" link, and the page they land on afterwards, saying it
worked (and what to do next) or, kindly, what went wrong and how to try again (or that
the bot is not offered to their workspace, or, on a reload, that the link was used).

Plain HTML: a language, a title, one heading, words that make sense without styles or
JavaScript. These are read by whoever installs the app (a workspace admin setting up a
group), so, like the bot's other lines for whoever runs it, they are in English
(docs/translating.md). Nothing a visitor sends is written back into a page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions
from slack_bolt.oauth.async_callback_options import AsyncFailureArgs
from slack_bolt.oauth.async_callback_options import AsyncSuccessArgs
from slack_bolt.response import BoltResponse

from adapters.slack.install_receipts import Receipts
from adapters.slack.installs import NotOffered
from adapters.slack.installs import workspace_key

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;"
          "padding:0 1rem;line-height:1.5;color:#1d1c1d;background:#fff}"
          "a.button{display:inline-block;padding:.75rem 1.25rem;border-radius:.3rem;"
          "background:#4a154b;color:#fff;font-weight:bold;text-decoration:none}"
          "a.button:focus{outline:3px solid #1264a3;outline-offset:2px}")

# Why an install did not finish, in words for the person who tried (Bolt's reasons).
_REASONS = {
    "access_denied": "You chose not to allow the app, so nothing was added to your "
                     "workspace.",
    "invalid_browser": "The install was started in another browser or window, or it "
                       "took too long.",
    "invalid_state": "This install link was already used, or it took too long.",
    "missing_code": "Slack did not send back what the bot needs to finish.",
    "invalid_code": "Slack did not accept the install. It may have been used already.",
    "storage_error": "The bot could not save the install just now.",
}
_OTHER_REASON = "Something went wrong between Slack and the bot."


def page(title: str, *paragraphs: str, link: tuple[str, str] | None = None) -> str:
    """A whole page: `paragraphs` and the link's words are plain text (escaped here),
    the link's address is used as given."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    if link is not None:
        words, href = link
        body += (f'<p><a class="button" href="{html.escape(href, quote=True)}">'
                 f"{html.escape(words)}</a></p>")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>")


def install_page(authorize_url: str) -> str:
    """The install page: what the bot is, what adding it means, one link to Slack."""
    return page(
        "Add coprod to your Slack workspace",
        "coprod helps a co-production group work together in Slack: meetings, "
        "anonymous feedback, check-ins, polls and safeguarding concerns.",
        "The link below takes you to Slack, which shows what the app may do and asks "
        "you to allow it. Each workspace is its own group: nothing is shared between "
        "workspaces.",
        link=("Add to Slack", authorize_url))


def success_page(team_name: str) -> str:
    """After a finished install: it worked, and the next steps."""
    where = f"the workspace {team_name}" if team_name else "your workspace"
    return page(
        "coprod is now in your workspace",
        f"The app was added to {where}. You can close this page.",
        "Next, in Slack: invite the bot to the channels it should post in (type "
        "/invite @coprod in each), then type /setup to choose the group's channels and "
        "roles. /coprod help lists everything it can do.")


def failure_page(reason: str, install_path: str) -> str:
    """After an install that did not finish: what happened, kindly, and how to retry."""
    return page(
        "coprod was not added",
        _REASONS.get(reason, _OTHER_REASON),
        "Nothing was changed in your workspace. You can try again: it only takes a "
        "minute. If it keeps failing, ask whoever runs this bot for help, and tell them "
        f"the code “{reason if reason in _REASONS else 'other'}”.",
        link=("Try again", install_path))


def not_offered_page() -> str:
    """After an install from a workspace the host has not offered the bot to."""
    return page(
        "coprod is not offered to this workspace",
        "Whoever runs this bot has set it up for particular workspaces only, and this "
        "workspace is not one of them, so nothing was added to it.",
        "If you think it should be, ask the person or organisation who sent you the "
        "install link to add your workspace to their list, then try again.")


def used_page(install_path: str) -> str:
    """A finished install's redirect opened again (a reload): neither a success nor a
    failure, since nothing happened this time."""
    return page(
        "This link has been used",
        "If coprod is in your workspace already, you're done. Otherwise, start again "
        "here.",
        link=("Start again", install_path))


def _html(status: int, body: str, cookie: str = "") -> BoltResponse:
    headers: dict[str, str | Sequence[str]] = {
        "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
    if cookie:
        headers["Set-Cookie"] = cookie
    return BoltResponse(status=status, body=body, headers=headers)


def callbacks(install_path: str, receipts: Receipts) -> AsyncCallbackOptions:
    """Bolt's success and failure handlers, answering with our pages: a finished install
    leaves a receipt in the browser, so a reload of it gets the neutral page."""

    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        team = workspace_key(installation.enterprise_id, installation.team_id,
                             installation.is_enterprise_install)
        state = next(iter(args.request.query.get("state") or []), "")
        return _html(200, success_page(str(installation.team_name or "")),
                     receipts.set_cookie(state, team) if state and team else "")

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        if isinstance(args.error, NotOffered):
            return _html(403, not_offered_page())
        if args.reason == "invalid_state" and await receipts.replayed(
                args.request.query, args.request.headers):
            return _html(200, used_page(install_path))
        status = args.suggested_status_code if args.suggested_status_code >= 400 else 200
        return _html(status, failure_page(args.reason, install_path))

    return AsyncCallbackOptions(success=success, failure=failure)


def error_response(install_path: str) -> BoltResponse:
    """The failure page for an install that broke in a way Bolt did not foresee."""
    return _html(500, failure_page("other", install_path))
