"""Records at rest and on paper: no plaintext concern text in the SQLite file or its WAL;
`coprod case export` writes the case, its notes and its audit as Markdown."""

from __future__ import annotations

import asyncio
import os
import stat
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest

from adapters.memory import MemoryBot
from bot.cli import main
from bot.features.concerns.export import export_case
from bot.features.concerns.routing import ACK_ACTION
from bot.features.concerns.store import NewConcern
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import ref_of
from tests.concerns.helpers import settle_fully

WORDS = "Zanzibar-marmalade incident near the kitchen"
ABOUT = "Quentin Quagmire"
NOTE = "Telephoned Pemberton-Ashworth"
OUTCOME = "Referred onwards to Wolverhampton team"
DM_WORDS = "Xylophone-shaped worry about the trip"


def _database_files(folder: Path) -> tuple[list[str], list[bytes]]:
    paths = [p for p in folder.iterdir() if p.name.startswith("coprod.db")]
    return [p.name for p in paths], [p.read_bytes() for p in paths]


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
async def test_no_plaintext_concern_text_in_the_database_file_or_wal(
        cbot: MemoryBot, tmp_path: Path) -> None:
    ref = ref_of(await raise_concern(cbot, what=WORDS, about=ABOUT, danger="yes"))
    await cbot.press("dev", ACK_ACTION, ref, channel=None)
    await cbot.run("dev", f'/case note case={ref} kind=fact text="{NOTE}"')
    await cbot.run("dev", f'/case close case={ref} outcome="{OUTCOME}"')
    await cbot.dm("bob", DM_WORDS)  # a draft, kept sealed until answered
    await settle_fully(cbot)
    names, files = _database_files(tmp_path)
    assert any(name.endswith("-wal") for name in names), "WAL expected"
    assert sum(len(b) for b in files) > 0
    for needle in (WORDS, ABOUT, NOTE, OUTCOME, DM_WORDS, "Zanzibar", "Quagmire",
                   "Pemberton", "Wolverhampton", "Xylophone"):
        for data in files:
            assert needle.encode() not in data, needle
            assert needle.encode("utf-16-le") not in data, needle


async def test_export_writes_the_case_notes_and_audit_as_markdown(
        cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot, what=WORDS, about=ABOUT))
    await cbot.press("erin", ACK_ACTION, ref, channel=None)
    await cbot.run("erin", f'/case note case={ref} kind=opinion text="{NOTE}"')
    await cbot.run("erin", f'/case close case={ref} outcome="{OUTCOME}"')
    text = await export_case(cbot.app.storage, ref.lower(), cbot.app.clock.now())
    assert text is not None
    assert text.startswith(f"# Safeguarding case {ref}")
    for part in (WORDS, ABOUT, NOTE, OUTCOME, "## Notes", "## Audit", "OPINION: Erin",
                 "| acknowledged |", "| raised |", "Reported by: Alice"):
        assert part in text, part
    assert "| exported |" in text  # the export itself is audited
    assert await export_case(cbot.app.storage, "C-NOSUCH", cbot.app.clock.now()) is None


async def test_coprod_case_export_on_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = generate_key()
    db = tmp_path / "cli.db"
    store = await open_storage(str(db), FieldCipher(key))
    await store.migrate()
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    await store.raise_concern(NewConcern("C-CLI234", "g", WORDS, "", False, False, True,
                                         "", "", "form", now), [], now)
    await store.close()
    out = tmp_path / "case.md"
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'[bot]\ndatabase = "{db}"\n', encoding="utf-8")
    monkeypatch.setenv("COPROD_ENCRYPTION_KEY", key)
    code = await asyncio.to_thread(main, ["case", "export", "c-cli234", "--out", str(out),
                                          "--config", str(config_file)])
    assert code == 0
    assert WORDS in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert await asyncio.to_thread(main, ["case", "export", "C-NONE22", "--config",
                                          str(config_file)]) == 1
