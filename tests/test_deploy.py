"""The deployment files stay true: the lock file pins every package pyproject.toml asks
for, with hashes; compose.yaml runs the bot with PostgreSQL and secrets from .env; the
example systemd unit parses; nothing secret can reach an image build.

The image itself is built and run in tests/system/test_container.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PY311 = {"python_full_version": "3.11.2", "python_version": "3.11"}
SECRETS = ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
           "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "COPROD_ENCRYPTION_KEY",
           "POSTGRES_PASSWORD")


def _lock_entries() -> list[tuple[str, str, str | None, list[str]]]:
    """Each pin in requirements.lock: name, version, marker, hashes."""
    entries: list[tuple[str, str, str | None, list[str]]] = []
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8")):
        found = re.match(r"([A-Za-z0-9._-]+)==([^ ;\\\n]+)\s*(?:;\s*([^\\\n]+?))?\s*\\?\n",
                         block + "\n")
        if found:
            name, version, marker = found.groups()
            entries.append((name, version, marker, re.findall(r"--hash=sha256:\w{64}", block)))
    return entries


def _pins_for_python_311() -> dict[str, str]:
    return {canonicalize_name(name): version for name, version, marker, _ in _lock_entries()
            if marker is None or Marker(marker).evaluate(PY311)}


def _wanted() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [*project["dependencies"], *project["optional-dependencies"]["postgres"]]
    build = (ROOT / "deploy" / "build-tools.in").read_text(encoding="utf-8").splitlines()
    lines += [line for line in build if line.strip() and not line.startswith("#")]
    return [Requirement(line) for line in lines]


def test_the_lock_pins_everything_pyproject_asks_for_with_hashes() -> None:
    entries = _lock_entries()
    assert len(entries) > 30
    assert all(hashes for _, _, _, hashes in entries), "every pin needs its hashes"
    pins = _pins_for_python_311()
    stale = [f"{req} (locked: {pins.get(canonicalize_name(req.name), 'missing')})"
             for req in _wanted()
             if pins.get(canonicalize_name(req.name)) is None
             or not req.specifier.contains(pins[canonicalize_name(req.name)],
                                           prereleases=True)]
    assert not stale, f"requirements.lock is out of date; run `make lock`: {stale}"


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_runs_the_bot_on_postgres_with_secrets_from_the_env_file() -> None:
    services = _compose()["services"]
    bot, postgres = services["bot"], services["postgres"]
    assert (ROOT / bot["build"]["context"] / bot["build"]["dockerfile"]).is_file()
    assert bot["env_file"] == ".env"
    url = bot["environment"]["COPROD_DATABASE_URL"]
    assert url.startswith("postgresql://") and "@postgres:5432/" in url
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(str(v).endswith(":/data") for v in bot["volumes"])
    assert any(str(v).startswith("postgres-data:") for v in postgres["volumes"])
    assert "ports" not in postgres
    assert "${POSTGRES_PASSWORD" in postgres["environment"]["POSTGRES_PASSWORD"]
    # No secret is written into compose.yaml itself.
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert not re.search(r"(TOKEN|SECRET|KEY|PASSWORD)\s*[:=]\s*['\"]?[A-Za-z0-9]{8}", text)


def test_the_env_example_names_every_secret_and_holds_none() -> None:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    assert set(SECRETS) <= set(values)
    assert all(values[name] == "" for name in SECRETS)


def test_no_secret_data_or_local_setup_reaches_an_image_build() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    for pattern in (".git", ".venv", "**/.env", "**/*.key", "**/*.db", "**/*.db-wal",
                    "config.toml", "**/__pycache__"):
        assert pattern in ignored


def test_the_example_systemd_unit_parses_and_is_hardened(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (it comes with systemd)")
    unit = (ROOT / "deploy" / "coprod-bot.service").read_text(encoding="utf-8")
    assert "/opt/coprod-bot/bin/coprod run" in unit
    # verify checks that the command exists: point it at this checkout's own coprod.
    coprod = Path(sys.executable).with_name("coprod")
    (tmp_path / "coprod-bot.service").write_text(
        unit.replace("/opt/coprod-bot/bin/coprod", str(coprod)), encoding="utf-8")
    verified = subprocess.run([analyze, "verify", "coprod-bot.service"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, check=False)
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr
    # Exposure 0 (locked down) to 10 (exposed); 2.0 and under reads "OK".
    security = subprocess.run(
        [analyze, "security", "--offline=true", "--threshold=20", "coprod-bot.service"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert security.returncode == 0, security.stdout[-2000:] + security.stderr
