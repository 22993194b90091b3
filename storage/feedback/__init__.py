"""Anonymous feedback's storage: the SQL behind `bot.features.feedback.store`'s port, its
schema steps, its encrypted columns and its part of a member's data."""

from __future__ import annotations

from storage.feedback import members
from storage.feedback.schema import MIGRATIONS
from storage.feedback.sql import SqlFeedback
from storage.package import EncryptedColumn, StoragePackage

STORAGE = StoragePackage(
    feature="feedback",
    sql=SqlFeedback,
    migrations=MIGRATIONS,
    encrypted=(
        EncryptedColumn("feedback_items", ("id",), "body"),
        EncryptedColumn("feedback_items", ("id",), "hidden_reason"),
        EncryptedColumn("feedback_items", ("id",), "answer"),
        EncryptedColumn("feedback_pending", ("group_id", "audience", "day"), "body"),
    ),
    export_sections=(members.SECTION,),
    export=members.export,
    erase=members.erase,
    purge=members.purge,
    cutoffs=("feedback",),
)
