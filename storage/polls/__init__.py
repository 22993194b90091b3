"""Polls' storage: the SQL implementing `bot.features.polls.store.PollStore`, migration 10
(ballot boxes), the encrypted columns and a member's named-poll votes."""

from __future__ import annotations

from storage.package import EncryptedColumn
from storage.package import declare
from storage.package import sealed
from storage.polls import members
from storage.polls.schema import MIGRATIONS
from storage.polls.sql import SqlPolls

STORAGE = declare(
    __name__, SqlPolls, MIGRATIONS, members,
    encrypted=(
        *sealed("polls", "body", "voter_secret"),
        # Named polls only: an anonymous poll's votes are in its ballot box.
        EncryptedColumn("poll_voters", ("poll_id", "voter"), "sealed",
                        "poll_id IN (SELECT id FROM polls WHERE anonymous = ?)", (0,)),
        *sealed("ballot_boxes", "box"),
    ),
)

__all__ = ["STORAGE", "SqlPolls"]
