"""`coprod export`, `coprod erase` and `coprod rotate-key` as real processes on the
console's database and key file: files readable only by their owner, plain messages,
exit codes, and confirmation before erasing."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot import catalog
from bot.config import Config
from bot.features.checkins.store import CheckinPrefs
from bot.features.concerns.store import NewConcern
from bot.privacy import clean_member_id
from bot.privacy import run_erase
from bot.privacy import run_export
from storage.crypto import FieldCipher
from storage.crypto import load_or_create_key_file
from storage.crypto import read_key_file
from storage.factory import open_storage
from tests.test_cli_config import TIMEOUT
from tests.test_cli_config import _clean_env

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def coprod(cwd: Path, *args: str, given: str = "") -> subprocess.CompletedProcess[str]:
    """Run `python -m bot.cli ARGS` in `cwd` with `given` on stdin."""
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd,
                          env=_clean_env(), input=given, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)


async def _prepare(folder: Path) -> None:
    key, _ = load_or_create_key_file(folder / "coprod.key")
    storage = await open_storage(str(folder / "coprod.db"), FieldCipher(key))
    try:
        await storage.migrate()
        await storage.set_member_zone("demo", "alice", "Europe/Paris", NOW)
        await storage.save_checkin_prefs(CheckinPrefs("demo", "alice", "Alice", True), NOW)
        await storage.raise_concern(NewConcern(
            "C-ABC234", "demo", "SECRET-worry", "", False, True, False, "alice", "Alice",
            "form", NOW), [], NOW)
    finally:
        await storage.close()


def test_export_erase_and_rotate_key_from_the_command_line(tmp_path: Path) -> None:
    asyncio.run(_prepare(tmp_path))

    bad = coprod(tmp_path, "export", "--member", "alice; drop")
    assert bad.returncode == 2 and "is not a member id" in bad.stderr
    assert "Traceback" not in bad.stderr

    done = coprod(tmp_path, "export", "--member", "alice")
    assert done.returncode == 0, done.stderr
    assert "Wrote what the bot holds about member alice (3 records) to member-alice.json" \
        in done.stdout
    path = tmp_path / "member-alice.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["data"]["concerns_raised"]["records"][0]["what_you_wrote"] == \
        "SECRET-worry"

    stopped = coprod(tmp_path, "erase", "--member", "alice", given="no\n")
    assert stopped.returncode == 1
    assert "time_zones: 1" in stopped.stdout and "Stopped: nothing was erased." in \
        stopped.stdout
    # The case she raised is listed apart, as kept (concerns declare it: storage/concerns).
    assert "Kept whatever happens (safeguarding records): concerns_raised: 1." in \
        stopped.stdout and "  concerns_raised" not in stopped.stdout

    erased = coprod(tmp_path, "erase", "--member", "alice", "--by", "Sam (admin)",
                    given="yes\n")
    assert erased.returncode == 0, erased.stderr
    assert "Erased member alice (erasure record 1, run by Sam (admin))." in erased.stdout
    assert "Deleted: checkin_prefs 1, member_zones 1." in erased.stdout.replace(
        "member_zones 1, checkin_prefs 1", "checkin_prefs 1, member_zones 1")
    assert "Kept: safeguarding records that involve this member (concern_cases 1, " \
           "concern_audit 1): cases they raised" in erased.stdout
    assert "by a lead (/case delete), or by [retention] closed_cases_days" in erased.stdout
    assert "SECRET" not in erased.stdout

    again = coprod(tmp_path, "erase", "--member", "alice", "--yes")
    assert again.returncode == 0 and "There was nothing left to erase." in again.stdout

    old_key = read_key_file(tmp_path / "coprod.key")
    rotated = coprod(tmp_path, "rotate-key")
    assert rotated.returncode == 0, rotated.stderr
    assert "Step 3 of 3: done." in rotated.stdout
    new_key = read_key_file(tmp_path / "coprod.key")
    assert new_key != old_key and "," not in new_key
    after = coprod(tmp_path, "export", "--member", "alice", "--out", "-")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["data"]["concerns_raised"]["records"][0][
        "what_you_wrote"] == "SECRET-worry"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_member_text_is_either_an_id_or_refused(raw: str) -> None:
    cleaned = clean_member_id(raw)
    assert cleaned is None or re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", cleaned)


async def test_bad_arguments_change_nothing_and_say_why(tmp_path: Path) -> None:
    config = replace(Config(), database=str(tmp_path / "coprod.db"),
                     key_file=str(tmp_path / "coprod.key"))
    err = io.StringIO()
    assert await run_export(config, "<@!>", None, None, stderr=err) == 2
    assert await run_erase(config, "ok-id", "bad group!", None, True, stderr=err) == 2
    assert "is not a member id" in err.getvalue() and "is not a group id" in err.getvalue()
    assert not (tmp_path / "coprod.db").exists()
    out = io.StringIO()
    assert await run_export(config, "alice", None, str(tmp_path / "no" / "such.json"),
                            stdout=out, stderr=err) == 1
    assert "Could not write" in err.getvalue()
    # Nobody called alice in an empty database: one clear line, before any question.
    err = io.StringIO()
    assert await run_erase(config, "alice", None, None, False, stdout=out, stderr=err,
                           ask=lambda _: pytest.fail("asked about nobody")) == 2
    assert err.getvalue().strip() == catalog.erase_unknown_member("alice", None)
    assert erasures_recorded(tmp_path) == 0


def test_erasing_an_unknown_member_changes_nothing(tmp_path: Path) -> None:
    """A mistyped id gets one line and exit 2; a known member, even one already erased,
    is erased (or found to have nothing left) as before."""
    asyncio.run(_prepare(tmp_path))
    for args in (("--member", "alcie", "--yes"), ("--member", "alice", "--group", "elsewhere",
                                                   "--yes"), ("--member", "nobody")):
        run = coprod(tmp_path, "erase", *args, given="yes\n")
        assert run.returncode == 2, run.stdout + run.stderr
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "Nothing was erased." in lines[0], run.stderr
        assert "knows no member" in lines[0] and run.stdout == ""
    assert erasures_recorded(tmp_path) == 0
    assert coprod(tmp_path, "export", "--member", "alice", "--out", "-").returncode == 0
    first = coprod(tmp_path, "erase", "--member", "alice", "--yes")
    assert first.returncode == 0, first.stderr
    again = coprod(tmp_path, "erase", "--member", "alice", "--yes")
    assert again.returncode == 0 and "There was nothing left to erase." in again.stdout


def erasures_recorded(folder: Path) -> int:
    import sqlite3

    with sqlite3.connect(folder / "coprod.db") as db:
        return int(db.execute("SELECT COUNT(*) FROM member_erasures").fetchone()[0])
