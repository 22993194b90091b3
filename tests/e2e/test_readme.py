"""The README's console transcript is real: its script, piped into a real `coprod run`
in an empty folder (a new database and key), prints exactly the transcript the README
shows, and the key note the README quotes from stderr.

The blocks are found by the HTML comments just above them in README.md
(`<!-- readme-script -->`, `<!-- readme-transcript -->`, `<!-- readme-stderr -->`), so
moving them around the README keeps this test working. When the bot's wording changes,
this fails and shows what `coprod run` prints now; after checking it reads well,
`.venv/bin/python -m tests.e2e.test_readme` writes it into the README.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile

from adapters.console.controls import HELP

from .conftest import CLI_SECONDS
from .conftest import REPO_ROOT
from .conftest import CliRunner
from .conftest import cli_env

_BLOCK = re.compile(r"<!-- readme-(?P<name>[a-z]+) -->\n```[a-z]*\n(?P<body>.*?)\n```",
                    re.DOTALL)


def _readme_blocks() -> dict[str, str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = {m.group("name"): m.group("body") for m in _BLOCK.finditer(text)}
    assert {"script", "transcript", "stderr"} <= blocks.keys(), (
        "README.md lost one of its marked blocks: " + ", ".join(sorted(blocks)))
    return blocks


def test_readme_transcript_is_what_coprod_run_prints(coprod_run: CliRunner) -> None:
    blocks = _readme_blocks()
    run = coprod_run(blocks["script"] + "\n")
    assert run.code == 0, run.err
    assert run.out.rstrip("\n") == blocks["transcript"], (
        "The README's console transcript is out of date. `coprod run` now prints:\n"
        + run.out)


def test_readme_welsh_transcript_is_what_coprod_run_prints(coprod_run: CliRunner) -> None:
    blocks = _readme_blocks()
    run = coprod_run(blocks["welshscript"] + "\n")
    assert run.code == 0, run.err
    assert _after_banner(run.out) == blocks["welsh"], (
        "The README's Welsh transcript is out of date. `coprod run` now prints:\n"
        + run.out)


def _after_banner(out: str) -> str:
    """The transcript from the first typed line (the banner is shown once, above)."""
    lines = out.rstrip("\n").splitlines()
    first = next(i for i, line in enumerate(lines) if "> " in line)
    return "\n".join(lines[first:])


def test_readme_key_note_is_what_the_first_run_says(coprod_run: CliRunner) -> None:
    blocks = _readme_blocks()
    run = coprod_run("/help\n")
    assert blocks["stderr"].splitlines() == run.err.splitlines(), run.err


def test_readme_lists_every_console_control() -> None:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for spec in HELP:
        assert f"| `{spec.usage}` |" in text, f"README's controls table lacks {spec.usage}"


def _write_transcript() -> None:
    """Run the README's script in an empty folder and put its output in the README."""
    readme = REPO_ROOT / "README.md"
    blocks = _readme_blocks()
    for script, name in (("script", "transcript"), ("welshscript", "welsh")):
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run([sys.executable, "-m", "bot.cli", "run"],
                                  input=blocks[script] + "\n", capture_output=True, text=True,
                                  encoding="utf-8", cwd=folder, env=cli_env(),
                                  timeout=CLI_SECONDS, check=True)
        out = done.stdout.rstrip("\n") if name == "transcript" else _after_banner(done.stdout)
        text = readme.read_text(encoding="utf-8")
        marker = f"<!-- readme-{name} -->\n"
        start = text.index("\n", text.index(marker) + len(marker)) + 1
        if text[start:].startswith("```"):  # an empty block
            text = text[:start] + out + "\n" + text[start:]
        else:
            text = text[:start] + out + text[text.index("\n```", start):]
        readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    _write_transcript()
