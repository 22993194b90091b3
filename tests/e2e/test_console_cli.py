"""`coprod run` as a person would use it: a script piped into the real process.

Each test starts `python -m bot.cli run` in its own empty folder, with no config file
and no platform tokens, so the console starts on a fresh `coprod.db` and `coprod.key`.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from .conftest import CliRunner


def _key_notes(err: str) -> list[str]:
    return [line for line in err.splitlines() if "coprod.key" in line]


def test_end_of_input_exits_cleanly(coprod_run: CliRunner) -> None:
    run = coprod_run("/help\n")
    assert run.code == 0, run.err
    assert run.lines[0].startswith("Welcome to Demo group")
    assert "Type /help to see the bot's commands, :help for console controls, and Ctrl-D " \
           "(or :quit) to leave." in run.out
    assert run.lines[-1].startswith("Goodbye")
    assert "Traceback" not in run.out + run.err


def test_help_lists_the_commands(coprod_run: CliRunner) -> None:
    run = coprod_run("/help\n:as carol\n/help\n")
    alice = run.answer("/help")
    assert alice.startswith("[only Alice can see this] coprod: Here is what you can do.")
    assert "/help: Show what you can do here" in alice
    assert "/setup" not in alice  # only for facilitators and admins
    assert "/setup: See the group's settings" in run.answer("/help", nth=2)


@pytest.mark.parametrize(("script", "line", "answer"), [
    pytest.param("/hepl\n", "/hepl",
                 "[only Alice can see this] coprod: Sorry, I don't know the command /hepl. "
                 "Did you mean /help? Type /help to see what you can do.", id="typo"),
    pytest.param("/setup timezone=UTC\n", "/setup timezone=UTC",
                 "[only Alice can see this] coprod: Sorry, only facilitators, safeguarding "
                 "leads and admins can use /setup. Type /help to see what you can do.",
                 id="members cannot run setup"),
    pytest.param(':as carol\n/setup timezone="Europe/Paris\n', '/setup timezone="Europe/Paris',
                 "[only Carol can see this] coprod: I couldn't read that because a quote mark "
                 "isn't closed. Put text with spaces inside a pair of quotes, like "
                 'title="Monthly meeting".', id="unclosed quote"),
])
def test_a_line_it_cannot_do_is_answered_with_what_to_do(
        coprod_run: CliRunner, script: str, line: str, answer: str) -> None:
    assert coprod_run(script).answer(line) == answer


def test_setup_is_stored_across_runs(coprod_run: CliRunner, tmp_path: Path) -> None:
    first = coprod_run(":as carol\n/setup timezone=Europe/Paris\n/setup\n")
    assert first.code == 0, first.err
    assert "Saved: timezone." in first.answer("/setup timezone=Europe/Paris")
    assert "- timezone: Europe/Paris (set in chat)." in first.answer("/setup")
    assert (tmp_path / "coprod.db").is_file()

    second = coprod_run(":as carol\n/setup\n")
    assert second.code == 0, second.err
    assert "- timezone: Europe/Paris (set in chat)." in second.answer("/setup")


def test_bad_time_zone_is_explained(coprod_run: CliRunner) -> None:
    run = coprod_run(":as carol\n/setup timezone=Mars/Olympus\n/setup\n")
    answer = run.answer("/setup timezone=Mars/Olympus")
    assert answer.startswith("[only Carol can see this] coprod: ")
    assert "“Mars/Olympus” is not a time zone" in answer or "the time zone “Mars/Olympus”" \
        in answer
    assert "Europe/London" in answer
    assert "- timezone: Europe/London." in run.answer("/setup")  # nothing was saved


def test_key_file_is_private_and_announced_once(coprod_run: CliRunner,
                                                tmp_path: Path) -> None:
    first = coprod_run("/help\n")
    key = tmp_path / "coprod.key"
    assert key.is_file()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(_key_notes(first.err)) == 1, first.err
    assert "coprod.key" not in first.out  # the note is for the operator, on stderr
    second = coprod_run("/help\n")
    assert _key_notes(second.err) == []


def test_script_reads_as_a_transcript(coprod_run: CliRunner) -> None:
    run = coprod_run("# say hello\n\nhello\n:dm\nhello\n:quit\n/help\n")
    assert run.code == 0
    assert "alice in #general> # say hello" in run.lines
    assert run.answer("hello").startswith("In a channel the bot only reads commands")
    assert run.after(":dm")[0].startswith("You are now in your direct messages")
    assert run.answer("hello", nth=2).startswith("[DM to Alice] coprod: Hello!")
    after_quit = run.out.split("alice in DM with coprod> :quit\n", 1)[1]
    assert after_quit.startswith("Goodbye")  # nothing after :quit is read
    assert "/help" not in after_quit


def test_start_up_says_how_many_leads_can_be_reached(coprod_run: CliRunner) -> None:
    """The demo leads (Dev and Erin) are reachable from the first minute, and the
    operator is told so in one plain line on stderr."""
    run = coprod_run("/help\n")
    assert "Safeguarding leads the bot can reach now: 2 leads in group demo." in run.err
    assert "Safeguarding leads" not in run.out
