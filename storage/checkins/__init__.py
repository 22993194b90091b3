"""Check-ins, one-to-one requests, known facilitators and buddies in the database: one
storage package (one migration made their tables together) implementing both the
check-ins and the buddies store ports."""

from __future__ import annotations

from storage.checkins import members
from storage.checkins.schema import MIGRATIONS
from storage.checkins.sql import SqlCheckins
from storage.package import EncryptedColumn, StoragePackage

STORAGE = StoragePackage(
    feature="checkins",
    sql=SqlCheckins,
    migrations=MIGRATIONS,
    encrypted=(EncryptedColumn("checkins", ("id",), "note"),
               EncryptedColumn("one_to_ones", ("id",), "body")),
    export_sections=members.SECTIONS,
    export=members.export,
    erase=members.erase,
    purge=members.purge,
    cutoffs=("checkins",),
)
