"""What a schema step is, for every storage package: a numbered migration written once in
SQLite's SQL and translated for PostgreSQL, so the two schemas cannot drift apart."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: its number, a short name, and its statements (SQLite's SQL;
    `postgres` only where PostgreSQL needs something the translation cannot give), and
    optionally a data step (`then`)."""

    version: int
    name: str
    sqlite: tuple[str, ...]
    postgres: tuple[str, ...] | None = None
    # A data step that needs the stores' code (say, to encrypt): the name of a storage
    # method run in the same transaction after the statements, given the connection; it
    # returns the tables whose earlier row versions are then forgotten.
    then: str = ""

    def statements(self, dialect: str) -> tuple[str, ...]:
        """The statements to run on `dialect` ("sqlite" or "postgres")."""
        if dialect == "sqlite":
            return self.sqlite
        if self.postgres is not None:
            return self.postgres
        return tuple(postgres_sql(statement) for statement in self.sqlite)


_TRANSLATIONS = (
    # SQLite's INTEGER is 64-bit; PostgreSQL's is 32-bit, so every INTEGER is a BIGINT.
    (re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b"), "BIGSERIAL PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\)\s*WITHOUT\s+ROWID\s*$"), ")"),
)


def postgres_sql(statement: str) -> str:
    """A SQLite schema statement as PostgreSQL's: BIGINT for INTEGER, BIGSERIAL for
    AUTOINCREMENT keys, no WITHOUT ROWID."""
    for pattern, replacement in _TRANSLATIONS:
        statement = pattern.sub(replacement, statement)
    return statement
