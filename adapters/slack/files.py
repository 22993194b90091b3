"""Files (a meeting calendar, say) on Slack.

Slack shares a file with Web API upload flow (files.getUploadURLExternal, the bytes
POSTed to the upload URL it returns, files.completeUploadExternal with the channel and
an initial comment), which slack-sdk's `files_upload_v2` runs. A file shared that way
is seen by everyone in the conversation, so a message only one person may see (an
ephemeral reply) cannot carry one: its files go to the person by direct message, and the
private reply says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import clip
from adapters.slack.mrkdwn import plain
from bot.messages import File

TITLE_LIMIT = 255


async def share_files(client: AsyncWebClient, channel: str, files: Sequence[File],
                      comment: str = "") -> str:
    """Share files in one conversation, `comment` (mrkdwn, already escaped) shown as the
    message above them; returns the first file's id."""
    uploads: list[dict[str, Any]] = [
        {"filename": f.filename, "content": f.data,
         "title": clip(plain(f.description) or f.filename, TITLE_LIMIT)}
        for f in files]
    response = await client.files_upload_v2(
        file_uploads=uploads, channel=channel, initial_comment=comment or None)
    shared = response.get("files") or []
    return str(shared[0].get("id", "")) if shared else ""


def file_names(files: Sequence[File]) -> list[str]:
    """The files' names, as a person sees them in Slack."""
    return [f.filename for f in files]
