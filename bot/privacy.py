"""Subject access, erasure and key rotation: `coprod export`, `coprod erase` and
`coprod rotate-key`.

Why it exists: members trust the bot with private notes and safeguarding concerns, so
they must be able to see everything it holds about them and have it removed, and the
people who run it must be able to change the encryption key without stopping it. What
each table holds and how it links to a member is decided in `storage/members.py`; this
module turns that into a document a member can read, an audited erasure, and a
re-encryption that a running bot does not notice.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any
from typing import TextIO

from bot import catalog
from bot.config import Config
from bot.features.registry import PACKAGES
from bot.i18n import SOURCE
from bot.i18n import speaking
from bot.i18n import tr
from bot.i18n import translations
from bot.key_path import key_path_for
from storage.crypto import DecryptionError
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.crypto import read_key_file
from storage.crypto import write_key_file
from storage.interface import Storage
from storage.members import EncryptedColumn
from storage.members import Erasure
from storage.members import encrypted_columns
from storage.members import export_sections
from storage.members import kept_reasons
from storage.members import kept_sections

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_MEMBER_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_GROUP_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# How long a running bot gets to finish what it was encrypting with the old key when the
# key file changed under it, before the re-encryption starts.
SETTLE_SECONDS = 2.0
RESEAL_BATCH = 200
MAX_PASSES = 5


def clean_member_id(raw: str) -> str | None:
    """A member id as stored, from what an operator typed (a mention like <@123> is
    accepted); None if it cannot be one."""
    text = raw.strip().removeprefix("<@").removesuffix(">").lstrip("!@")
    return text if _MEMBER_ID.fullmatch(text) else None


def clean_group_id(raw: str | None) -> str | None:
    """A group id as stored; raises ValueError if it cannot be one. None: every group."""
    if raw is None:
        return None
    text = raw.strip()
    if not _GROUP_ID.fullmatch(text):
        raise ValueError(raw)
    return text


# ---- export ------------------------------------------------------------------------------

async def member_export(storage: Storage, member_id: str, group_id: str | None,
                        now: datetime) -> dict[str, Any]:
    """The JSON document `coprod export` writes: every section, each with a plain
    description, and what is not included and why."""
    records = await storage.member_records(member_id, group_id)
    # In the order a member reads best (the titles' order), whichever package stores each.
    titles = export_titles()
    order = list(titles)
    with speaking(export_language(records)):
        return {
            "format": catalog.EXPORT_FORMAT,
            "member": member_id,
            "group": group_id if group_id is not None else "every group",
            "exported_at": now.astimezone(UTC).isoformat(),
            "about_this_export": [tr(t) for t in catalog.EXPORT_ABOUT],
            "not_included": [tr(t) for t in not_in_export()],
            "data": {name: {"what": tr(titles[name]), "records": records.get(name, [])}
                     for name in sorted(export_sections(), key=order.index)},
        }


def export_titles() -> dict[str, str]:
    """What each section of an export is (declared sentences), in the order a member
    reads them: each feature's in registry order, then the core's (settings the member
    changed, messages waiting)."""
    return {**{name: title for p in PACKAGES for name, title in p.export_titles.items()},
            **catalog.EXPORT_TITLES}


def not_in_export() -> tuple[str, ...]:
    """What an export leaves out, and why (declared sentences): each feature's lines in
    registry order, then the core's."""
    return (*(line for p in PACKAGES for line in p.not_in_export),
            *catalog.EXPORT_NOT_INCLUDED)


def export_language(records: dict[str, list[dict[str, Any]]]) -> str:
    """The language an export is written in: the one the member chose with /language
    (when they chose one language in every group the export covers), else English."""
    chosen = {str(r.get("language", "")) for r in records.get("language", [])}
    if len(chosen) == 1 and (code := chosen.pop()) in translations():
        return code
    return SOURCE


def record_count(document: dict[str, Any]) -> int:
    """How many records an export holds."""
    return sum(len(section["records"]) for section in document["data"].values())


def _write_private(path: Path, text: str) -> None:
    from bot.features.concerns.export import write_private

    write_private(path, text)


def default_export_path(member_id: str) -> Path:
    """`member-ID.json` in the working directory (the id made safe for a file name)."""
    return Path(f"member-{re.sub(r'[^A-Za-z0-9_.-]', '_', member_id)}.json")


# ---- erase -------------------------------------------------------------------------------

def operator_name(by: str | None) -> str:
    """Who ran a command: `--by`, else the operating-system user."""
    if by and by.strip():
        return by.strip()[:100]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


async def erase_member(storage: Storage, member_id: str, group_id: str | None, by: str,
                       now: datetime) -> Erasure:
    """Delete or anonymise a member's data (safeguarding records kept), audited."""
    return await storage.erase_member(member_id, group_id, by, now)


# ---- rotate-key --------------------------------------------------------------------------

@dataclass
class Rotation:
    """What a re-encryption did: values rewritten, values no key opens (per column),
    passes made, and values still under an old key at the end (0 when it finished)."""

    resealed: int = 0
    unreadable: dict[str, int] = field(default_factory=dict)
    passes: int = 0
    remaining: int = 0


async def reseal_everything(storage: Storage, keys: FieldCipher, new_only: FieldCipher,
                            columns: tuple[EncryptedColumn, ...] | None = None,
                            batch: int = RESEAL_BATCH, max_passes: int = MAX_PASSES,
                            ) -> Rotation:
    """Re-encrypt every encrypted column under `new_only`'s key, batch by batch, and go
    over everything again until a pass finds nothing left under an old key (a running
    bot may have written with the old key just as the key changed)."""
    result = Rotation()
    if columns is None:
        columns = encrypted_columns()
    for _ in range(max_passes):
        result.passes += 1
        left = 0
        unreadable: dict[str, int] = {}

        for column in columns:
            def reseal(token: str, name: str = column.name,
                       unreadable: dict[str, int] = unreadable) -> str | None:
                nonlocal left
                if new_only.opens(token):
                    return None
                try:
                    fresh = keys.rotate(token)
                except DecryptionError:
                    unreadable[name] = unreadable.get(name, 0) + 1
                    return None
                left += 1
                return fresh

            after: tuple[Any, ...] | None = None
            while True:
                done = await storage.reseal_batch(column, after, batch, reseal)
                result.resealed += done.changed
                if done.last is None or done.seen < batch:
                    break
                after = done.last
        result.unreadable = unreadable
        result.remaining = left
        if left == 0:
            break
    if result.remaining:
        # The last pass found values under an old key: see whether they were rewritten.
        result.remaining = await _count_old(storage, new_only, columns, batch)
    return result


async def _count_old(storage: Storage, new_only: FieldCipher,
                     columns: tuple[EncryptedColumn, ...], batch: int) -> int:
    old = 0

    def check(token: str) -> None:
        nonlocal old
        if not new_only.opens(token):
            old += 1

    def look(token: str) -> str | None:
        check(token)
        return None

    for column in columns:
        after: tuple[Any, ...] | None = None
        while True:
            done = await storage.reseal_batch(column, after, batch, look)
            if done.last is None or done.seen < batch:
                break
            after = done.last
    return old


# ---- the commands --------------------------------------------------------------------------

def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _say(text: str, out: TextIO) -> None:
    print(text, file=out)


def _member_and_group(member: str, group: str | None, stderr: TextIO,
                      ) -> tuple[str, str | None] | None:
    """The member id and group id an operator typed, checked; None (after saying why on
    `stderr`) if either is not one."""
    member_id = clean_member_id(member)
    if member_id is None:
        _say(catalog.member_id_bad(member), stderr)
        return None
    try:
        return member_id, clean_group_id(group)
    except ValueError:
        _say(catalog.group_id_bad(group or ""), stderr)
        return None


async def run_export(config: Config, member: str, group: str | None, out: str | None,
                     *, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    """`coprod export --member ID [--group G] [--out FILE]`; returns the exit code."""
    from bot.runtime import make_cipher
    from bot.runtime import opened_storage

    target = _member_and_group(member, group, stderr)
    if target is None:
        return EXIT_USAGE
    member_id, group_id = target
    cipher = make_cipher(config, "console")
    async with opened_storage(config, cipher) as storage:
        document = await member_export(storage, member_id, group_id, datetime.now(UTC))
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out == "-":
        stdout.write(text)
        return EXIT_OK
    path = Path(out) if out else default_export_path(member_id)
    try:
        _write_private(path, text)
    except OSError as exc:
        _say(catalog.export_not_written(str(path), exc.strerror or type(exc).__name__),
             stderr)
        return EXIT_FAILED
    _say(catalog.export_written(member_id, record_count(document), str(path)), stdout)
    return EXIT_OK


async def run_erase(config: Config, member: str, group: str | None, by: str | None,
                    yes: bool, *, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr,
                    ask: Callable[[str], str] = input) -> int:
    """`coprod erase --member ID [--group G] [--by NAME] [--yes]`; returns the exit code."""
    from bot.runtime import make_cipher
    from bot.runtime import opened_storage

    target = _member_and_group(member, group, stderr)
    if target is None:
        return EXIT_USAGE
    member_id, group_id = target
    who = operator_name(by)
    cipher = make_cipher(config, "console")
    async with opened_storage(config, cipher) as storage:
        records = await storage.member_records(member_id, group_id)
        if not any(records.values()) and not await storage.erasures(member_id):
            # Most likely a mistyped id: say so, and record no erasure of nobody.
            _say(catalog.erase_unknown_member(member_id, group_id), stderr)
            return EXIT_USAGE
        if not yes:
            kept = kept_sections()
            counts = {name: len(rows) for name, rows in records.items()
                      if rows and name not in kept}
            _say(catalog.erase_preview(member_id, group_id, counts, {
                name: len(records[name]) for name in kept if records.get(name)}), stdout)
            stdout.flush()
            try:
                answer = ask(catalog.ERASE_CONFIRM)
            except EOFError:
                answer = ""
            if not _interactive():
                _say("", stdout)  # the answer came from a pipe: end the prompt's line
            if answer.strip().lower() not in ("yes", "y"):
                _say(catalog.ERASE_CANCELLED, stdout)
                return EXIT_FAILED
        erasure = await erase_member(storage, member_id, group_id, who, datetime.now(UTC))
    _say(catalog.erase_done(member_id, erasure.erasure_id, dict(erasure.deleted),
                            dict(erasure.anonymised), who), stdout)
    _say(catalog.erase_kept(dict(erasure.kept), kept_reasons()), stdout)
    _say(catalog.ERASE_RUNNING_BOT, stdout)
    return EXIT_OK


async def run_rotate_key(config: Config, *, stdout: TextIO = sys.stdout,
                         stderr: TextIO = sys.stderr,
                         settle_seconds: float = SETTLE_SECONDS) -> int:
    """`coprod rotate-key`: re-encrypt everything under a new key while the bot runs."""
    from bot.runtime import opened_storage

    from_env = bool(config.secrets.encryption_key)
    path: Path | None = None
    wrote = False
    if from_env:
        keys = [k.strip() for k in config.secrets.encryption_key.split(",") if k.strip()]
        if len(keys) < 2:
            _say(catalog.ROTATE_ENV_ONE_KEY, stderr)
            return EXIT_USAGE
    else:
        path = key_path_for(config)
        if not path.exists():
            _say(catalog.rotate_no_key(str(path)), stderr)
            return EXIT_USAGE
        keys = [k.strip() for k in read_key_file(path).split(",") if k.strip()]
        if len(keys) == 1:
            keys = [generate_key(), *keys]
            write_key_file(path, keys)
            wrote = True
            _say(catalog.rotate_new_key(str(path)), stdout)
        else:
            _say(catalog.rotate_resuming(str(path)), stdout)
    all_keys, new_only = FieldCipher(keys), FieldCipher(keys[0])
    async with opened_storage(config, all_keys) as storage:
        if wrote and settle_seconds > 0:
            await asyncio.sleep(settle_seconds)
        _say(catalog.ROTATE_WORKING, stdout)
        stdout.flush()
        result = await reseal_everything(storage, all_keys, new_only)
        if result.unreadable:
            _say(catalog.rotate_unreadable(result.unreadable), stdout)
        if result.remaining:
            _say(catalog.rotate_incomplete(result.remaining), stderr)
            return EXIT_FAILED
        if path is not None:
            write_key_file(path, [keys[0]])
        compacted = False
        for attempt in range(3):
            compacted = await storage.compact()
            if compacted:
                break
            await asyncio.sleep(1 + attempt)
    if path is not None:
        _say(catalog.rotate_done_file(str(path), result.resealed), stdout)
    else:
        _say(catalog.rotate_done_env(result.resealed), stdout)
    if not compacted:
        _say(catalog.ROTATE_NOT_COMPACTED, stdout)
    return EXIT_OK
