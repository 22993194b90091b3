"""The container image (Containerfile), built with buildah and run here.

`make image` builds it as an operator would (making the Debian base with debootstrap
where no registry of images answers, as here), then the checks run inside it:
`coprod check-config`, the console answering `/help` piped in, the database and key in
the /data volume and found again by the next command, a user that is not root, what the
image declares (volume, health check, port, command), exactly the versions of
requirements.lock, and nothing secret or built inside.

Needs Linux, root and buildah (and debootstrap the first time on a machine where no
registry answers): about 3 minutes, 5 the first time. Elsewhere it skips and says why.
.ci/run installs buildah and debootstrap and sets COPROD_REQUIRE_CONTAINER=1, which makes
a skip a failure; COPROD_TEST_CONTAINER=0 skips it on purpose. The image store is kept in
/var/tmp/coprod-bot-test-buildah (COPROD_TEST_BUILDAH_ROOT), so the base image is made
once per machine; the test's own image and containers are removed afterwards.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from bot import __version__

pytestmark = pytest.mark.container

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "localhost/coprod-bot:container-test"
BASE_IMAGE = "docker.io/library/debian:bookworm-slim"
BUILD_LIMIT_SECONDS = 30 * 60
STEP_LIMIT_SECONDS = 120
DRIVERS = ("overlay", "vfs")  # overlay is several times faster; vfs works anywhere
# Only for building and installing; the image's last builder step removes them.
BUILD_ONLY = {"pip", "setuptools", "wheel"}


@dataclass(frozen=True)
class Built:
    """The built image and the buildah command (with its storage flags) that holds it."""

    buildah: list[str]
    build_seconds: float


def _env() -> dict[str, str]:
    return {**os.environ, "BUILDAH_ISOLATION": "chroot"}


def _run(args: list[str], *, limit: float = STEP_LIMIT_SECONDS, check: bool = True
         ) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, timeout=limit,
                          stdin=subprocess.DEVNULL, env=_env(), check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {done.returncode}:\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def _buildah_for(driver: str) -> list[str]:
    store = Path(os.environ.get("COPROD_TEST_BUILDAH_ROOT", "/var/tmp/coprod-bot-test-buildah"))
    return ["buildah", "--root", str(store / driver), "--runroot",
            f"/run/coprod-bot-test-buildah/{driver}", "--storage-driver", driver]


def _working_buildah() -> tuple[list[str] | None, str]:
    """The first storage driver with which buildah can make and mount a container here."""
    problem = ""
    for driver in DRIVERS:
        buildah = _buildah_for(driver)
        try:
            made = _run([*buildah, "from", "scratch"], check=False)
            if made.returncode == 0:
                name = made.stdout.strip().splitlines()[-1]
                mounted = _run([*buildah, "mount", name], check=False)
                _run([*buildah, "rm", name], check=False)
                if mounted.returncode == 0:
                    return buildah, ""
                made = mounted
            lines = (made.stderr or made.stdout).strip().splitlines()
            problem = lines[-1] if lines else f"exit code {made.returncode}"
        except subprocess.TimeoutExpired:
            problem = f"buildah did not answer within {STEP_LIMIT_SECONDS} s"
    return None, problem


def _why_not() -> tuple[list[str] | None, str]:
    if os.environ.get("COPROD_TEST_CONTAINER", "") == "0":
        return None, "COPROD_TEST_CONTAINER=0 asks to leave the container test out"
    if not sys.platform.startswith("linux"):
        return None, "buildah needs Linux"
    if os.geteuid() != 0:
        return None, ("the container test runs buildah as root (rootless buildah needs "
                      "subordinate user ids set up); run it as root")
    if shutil.which("buildah") is None:
        return None, "buildah is not installed (apt-get install buildah; .ci/run does)"
    buildah, problem = _working_buildah()
    if buildah is None:
        return None, f"buildah cannot make a container here: {problem}"
    return buildah, ""


def _pins_for_this_python() -> dict[str, str]:
    """requirements.lock's `name==version` lines whose markers hold for Python 3.11."""
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        found = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line)
        if not found:
            continue
        name, version, marker = found.groups()
        if marker and not Marker(marker).evaluate(
                {"python_full_version": "3.11.2", "python_version": "3.11"}):
            continue
        pins[canonicalize_name(name)] = version
    return pins


@pytest.fixture(scope="module")
def built() -> Iterator[Built]:
    """`make image` into the test's own image store; removed again afterwards."""
    buildah, reason = _why_not()
    if buildah is None:
        if (os.environ.get("COPROD_REQUIRE_CONTAINER", "") not in ("", "0")
                and os.environ.get("COPROD_TEST_CONTAINER", "") != "0"):
            pytest.fail(f"COPROD_REQUIRE_CONTAINER is set, but {reason}")
        pytest.skip(reason)
    _run([*buildah, "rm", "--all"], check=False)  # left by a run that was killed
    started = time.monotonic()
    try:
        _run(["make", "-s", "image", f"IMAGE={IMAGE}", f"BUILDAH={' '.join(buildah)}"],
             limit=BUILD_LIMIT_SECONDS)
        yield Built(buildah, time.monotonic() - started)
    finally:
        _run([*buildah, "rm", "--all"], check=False)
        _run([*buildah, "rmi", IMAGE], check=False)
        # Intermediate images go too; the base image is kept for the next run.
        _run([*buildah, "rmi", "--prune"], check=False)


@pytest.fixture
def container(built: Built) -> Iterator[str]:
    """A fresh working container from the image (its /data starts empty)."""
    name = _run([*built.buildah, "from", "--pull=never", IMAGE]).stdout.strip().splitlines()[-1]
    try:
        yield name
    finally:
        _run([*built.buildah, "rm", name], check=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _inside(built: Built, container: str, script: str) -> subprocess.CompletedProcess[str]:
    return _run([*built.buildah, "run", container, "--", "sh", "-c", script], check=False)


def test_console_answers_help_as_a_non_root_user_with_its_data_in_the_volume(
        built: Built, container: str) -> None:
    who = _inside(built, container, "id -u; id -g; pwd")
    assert who.returncode == 0, who.stderr
    assert who.stdout.split() == ["10001", "10001", "/data"]

    checked = _inside(built, container, "coprod check-config")
    assert checked.returncode == 0, checked.stderr
    assert "Config is fine for console" in checked.stdout
    assert "not made yet" in checked.stdout

    port = _free_port()
    console = _inside(built, container,
                      f"export COPROD_HEALTH_PORT={port}; printf '/help\\n' | coprod run")
    assert console.returncode == 0, console.stdout + console.stderr
    assert "Here is what you can do" in console.stdout
    assert "Traceback" not in console.stderr, console.stderr

    listed = _inside(built, container, "ls -ln /data")
    assert re.search(r"-rw------- +1 10001 10001 .* coprod\.db$", listed.stdout, re.M), \
        listed.stdout
    assert re.search(r"-rw------- +1 10001 10001 .* coprod\.key$", listed.stdout, re.M), \
        listed.stdout
    # The next command finds the same database, and the key that opens it.
    again = _inside(built, container, "coprod check-config")
    assert again.returncode == 0, again.stderr
    assert "opens with this key" in again.stdout, again.stdout


def test_the_health_check_answers_while_the_console_runs(built: Built, container: str
                                                        ) -> None:
    # The console keeps running while its input stays open (sleep), and the image's
    # HEALTHCHECK command asks it; chroot isolation shares this machine's network.
    port = _free_port()
    done = _inside(built, container,
                   f"export COPROD_HEALTH_PORT={port}; (sleep 20 | coprod run >/dev/null 2>&1 &);"
                   " for i in $(seq 1 30); do coprod healthcheck && exit 0; sleep 0.5; done;"
                   " exit 1")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_bad_config_is_one_plain_line_and_exit_code_2(built: Built, container: str) -> None:
    done = _inside(built, container,
                   "printf '[bot]\\ndatabase = 3\\n' > config.toml; coprod check-config")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "database" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_image_declares_its_user_volume_health_check_port_and_command(
        built: Built) -> None:
    facts = json.loads(_run([*built.buildah, "inspect", "--type", "image", IMAGE]).stdout)
    config = facts["Docker"]["config"]
    assert config["User"] == "10001:10001"
    assert config["WorkingDir"] == "/data"
    assert "/data" in config["Volumes"]
    assert config["Healthcheck"]["Test"] == ["CMD", "coprod", "healthcheck"]
    assert "9464/tcp" in config["ExposedPorts"]
    assert "COPROD_HEALTH_HOST=0.0.0.0" in config["Env"]
    assert "COPROD_HEALTH=on" in config["Env"]  # so HEALTHCHECK answers for the console too
    assert config["Cmd"] == ["coprod", "run"]
    assert not config.get("Entrypoint")


def test_the_image_holds_exactly_the_locked_versions(built: Built, container: str) -> None:
    listed = _inside(built, container, (
        "python3 -c 'import importlib.metadata as m, json, bot; "
        "print(json.dumps({d.metadata[\"Name\"]: d.version for d in m.distributions()})); "
        "print(bot.__file__)'"))
    assert listed.returncode == 0, listed.stderr
    installed_json, where = listed.stdout.strip().splitlines()[-2:]
    installed = {canonicalize_name(k): v for k, v in json.loads(installed_json).items()}
    assert installed.pop("coprod-bot") == __version__
    pins = {k: v for k, v in _pins_for_this_python().items() if k not in BUILD_ONLY}
    assert installed == pins
    # Installed as a package, not an editable link to a source folder.
    assert where.startswith("/opt/coprod/lib/python3.11/site-packages/bot/"), where


def test_the_image_holds_no_secret_data_or_build_tools(built: Built, container: str) -> None:
    mount = Path(_run([*built.buildah, "mount", container]).stdout.strip().splitlines()[-1])
    try:
        assert list((mount / "data").iterdir()) == []
        suspicious = []
        for path in mount.rglob("*"):
            name = path.name
            if (name in (".env", "config.toml", "coprod.key", ".git", "requirements.lock")
                    or name.endswith((".db", ".db-wal", ".sqlite", ".key"))):
                suspicious.append(str(path.relative_to(mount)))
        assert suspicious == []
        assert not (mount / "src").exists()  # the builder stage's sources
        assert not (mount / "run" / "secrets" / "pip_cert").exists()
        for tool in ("pip", "pip3", "gcc", "cc"):
            assert not (mount / "opt/coprod/bin" / tool).exists()
            assert not (mount / "usr/bin" / tool).exists()
        assert not (mount / "opt/coprod/lib/python3.11/site-packages/setuptools").exists()
    finally:
        _run([*built.buildah, "umount", container], check=False)
