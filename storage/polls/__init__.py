"""Polls' storage: the SQL implementing `bot.features.polls.store.PollStore`, migration 10
(ballot boxes), the encrypted columns and a member's named-poll votes."""

from __future__ import annotations

from storage.package import EncryptedColumn, StoragePackage
from storage.polls.members import NAMED_VOTES, erase_named_votes, export_named_votes
from storage.polls.schema import MIGRATIONS
from storage.polls.sql import SqlPolls

STORAGE = StoragePackage(
    feature="polls",
    sql=SqlPolls,
    migrations=MIGRATIONS,
    encrypted=(
        EncryptedColumn("polls", ("id",), "body"),
        EncryptedColumn("polls", ("id",), "voter_secret"),
        # Named polls only: an anonymous poll's votes are in its ballot box.
        EncryptedColumn("poll_voters", ("poll_id", "voter"), "sealed",
                        "poll_id IN (SELECT id FROM polls WHERE anonymous = ?)", (0,)),
        EncryptedColumn("ballot_boxes", ("id",), "box"),
    ),
    export_sections=(NAMED_VOTES,),
    export=export_named_votes,
    erase=erase_named_votes,
)

__all__ = ["STORAGE", "SqlPolls"]
