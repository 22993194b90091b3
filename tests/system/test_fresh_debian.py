"""The Quick start on a fresh, minimal Debian bookworm (tests/system/fresh_debian.sh).

Slow (about 3 minutes) and needs root, debootstrap and the network, so it runs only
when asked: `COPROD_TEST_DEBIAN=1 .venv/bin/python -m pytest -m debian`. Elsewhere it
skips and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("fresh_debian.sh")
LIMIT_SECONDS = 15 * 60


def _why_not() -> str | None:
    if os.environ.get("COPROD_TEST_DEBIAN", "") in ("", "0"):
        return ("a fresh Debian takes about 3 minutes and the network: set "
                "COPROD_TEST_DEBIAN=1 to run it")
    if not sys.platform.startswith("linux"):
        return "debootstrap and chroot need Linux"
    if os.geteuid() != 0:
        return "debootstrap and chroot need root"
    if shutil.which("debootstrap") is None:
        return "debootstrap is not installed (apt-get install debootstrap)"
    return None


@pytest.mark.debian
def test_make_run_survives_a_first_failure_on_a_fresh_debian(tmp_path: Path) -> None:
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    env = dict(os.environ)
    bundle = env.get("EXTRA_CA_BUNDLE") or env.get("PIP_CERT") or ""
    env["EXTRA_CA_BUNDLE"] = bundle if bundle and Path(bundle).is_file() else ""
    done = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "debian")], env=env,
                          capture_output=True, text=True, timeout=LIMIT_SECONDS,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout
