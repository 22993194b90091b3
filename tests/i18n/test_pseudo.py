"""Nothing bypasses translation: in the pseudo-language (every letter accented, about
40% longer) the console's first hour and every command's help come out with no word of
plain English, for every feature converted to catalogs so far.

The features not yet converted are listed in `NOT_YET_CONVERTED`: what they say is
skipped, by name. Converting a feature (docs/translating.md) ends by taking its name
off the list, and this test then holds it to the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import Locale

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.config import Config
from bot.i18n import PSEUDO
from bot.i18n import speaking
from bot.i18n import tr
from bot.settings import setting_keys
from storage.interface import Storage
from tests.console_helpers import run_script
from tests.e2e.test_first_hour import SCRIPT as FIRST_HOUR

NOT_YET_CONVERTED: frozenset[str] = frozenset()
"""Feature packages whose sentences are not in catalogs yet (next: take names off)."""

# Buttons the first hour presses, by the feature that made them.
PRESSED = {"Save meeting": "meetings", "I have read it": "agreement",
           "1. Monday": "polls", "Acknowledge": "concerns"}

_EN = Locale.parse("en")
# Words that are not sentences: what Babel writes for dates in the pseudo-language (it
# formats as English), language names, people's and the bot's names.
NOT_SENTENCES = frozenset(
    {*(_EN.days["format"]["abbreviated"].values()),
     *(_EN.months["format"]["abbreviated"].values()),
     *(_EN.days["format"]["wide"].values()), *(_EN.months["format"]["wide"].values()),
     "Europe", "London", "GMT", "English", "Cymraeg", "Pseudo", "coprod", "Alice", "Bob",
     "Carol", "Dana", "Dev", "Erin", "Frank", "Sam",
     # the group's role names, as /setup shows them (the group's own words)
     "Facilitator", "DSL"})


pytestmark = pytest.mark.usefixtures("pseudo")


def english_words(text: str, allowed: frozenset[str]) -> list[str]:
    """Words of plain ASCII letters left in a text: in the pseudo-language, anything a
    catalog said is accented, so these came from somewhere else."""
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"(?<!\w)[/#][A-Za-z][\w-]*", " ", text)
    text = re.sub(r"\b[a-z_]+=", " ", text)
    text = re.sub(r"\bC-[A-Z0-9]{6}\b", " ", text)  # a safeguarding case's reference
    text = re.sub(r"\b[0-9a-f]{6,8}\b", " ", text)  # ids, such as a resource's "135eb2"
    # (an option name such as updates_channel is one word)
    return [w for w in re.findall(r"[A-Za-z]+(?:_[A-Za-z]+)*", text)
            if len(w) > 1 and w not in allowed and w not in NOT_SENTENCES]


def _owners(app: App) -> dict[str, str]:
    """Command name -> the feature package that declares it."""
    return {spec.name: name for name, feature in app.features.items()
            for spec in feature.commands}


def _identifiers(app: App) -> frozenset[str]:
    """Command words, option names, setting keys and feature names (/setup
    enable=polls): typed as they are in every language."""
    return frozenset({w for spec in app.registry.all() for w in spec.words}
                     | {o.name for spec in app.registry.all() for o in spec.options}
                     | set(app.features) | set(setting_keys()))


async def test_every_converted_commands_help_is_translated(bot: MemoryBot) -> None:
    bot.adapter.member("sam", admin=True)
    await bot.run("sam", f"/language {PSEUDO}")
    owners = _owners(bot.app)
    allowed = _identifiers(bot.app)
    checked = []
    for spec in bot.app.registry.all():
        if owners[spec.name] in NOT_YET_CONVERTED:
            continue
        text = reply_text(await bot.run("sam", f"/help {spec.name}"))
        assert english_words(text, allowed) == [], (spec.name, text)
        checked.append(spec.name)
    assert {"help", "poll", "language"} <= set(checked)
    # The overview: every line but those of features still to convert.
    overview = reply_text(await bot.run("sam", "/help"))
    skipped = [s for s in bot.app.registry.all() if owners[s.name] in NOT_YET_CONVERTED]
    english = {t for s in skipped for t in (s.description, s.example)} | {
        words for name, f in bot.app.features.items() if name in NOT_YET_CONVERTED
        for words in f.families.values()}
    for text in sorted(english, key=len, reverse=True):
        overview = overview.replace(text, " ")
    assert english_words(overview, allowed) == [], overview


def _blocks(out: str) -> Iterator[tuple[str, str]]:
    """(the typed line it answers, the bot's message text) for each bot message."""
    typed, current = "", ""
    block: list[str] | None = None
    for line in [*out.splitlines(), "end> "]:
        echo = re.match(r"^[\w-]+ in (?:#\S+|DM with coprod)>(?: (.*))?$", line)
        said = re.match(r"^\[[^\]]+\] coprod: (.*)$", line)
        if block is not None and not (line.startswith("    ") and not said):
            yield current, "\n".join(block)
            block = None
        if echo:
            typed = echo.group(1) or ""
            if typed.startswith(("/", ":press", ":join")):
                current = typed
        elif said:
            block = [said.group(1)]
        elif block is not None and not line.strip().startswith(
                ("buttons (#", "choose (#", "[image", "[file")):
            block.append(line.strip())
    del typed


def _feature_of(typed: str, owners: dict[str, str]) -> str:
    if typed.startswith(":press"):
        label = typed.removeprefix(":press").strip()
        assert label in PRESSED, f"say which feature made the button {label!r}"
        return PRESSED[label]
    if typed.startswith(":join"):
        return "welcome"
    words = typed.lstrip("/").split()
    for n in (3, 2, 1):
        if " ".join(words[:n]) in owners:
            return owners[" ".join(words[:n])]
    raise AssertionError(f"no feature has the command {typed!r}")


async def test_the_first_hour_says_nothing_untranslated(tmp_path: Path,
                                                        storage: Storage) -> None:
    # /setup in full: the language change itself, the overview with every setting's
    # description, and a refused value.
    script = FIRST_HOUR.replace(":as carol\n", f":as carol\n/setup language={PSEUDO}\n/setup\n"
                                "/setup timezone=Nowhere/Atlantis\n", 1)
    out = (await run_script(Config(database=str(tmp_path / "pseudo.db")), script)).out
    app = App(Config(), storage)
    owners, allowed = _owners(app), _identifiers(app)
    typed_words = frozenset(re.findall(r"[A-Za-z]+", "\n".join(
        line for line in script.splitlines() if not line.startswith(("#", ":as")))))
    checked = []
    for typed, text in _blocks(out):
        if _feature_of(typed, owners) in NOT_YET_CONVERTED:
            continue
        assert english_words(text, allowed | typed_words) == [], (typed, text)
        checked.append(_feature_of(typed, owners))
    assert checked.count("polls") >= 3, out  # the answer to its creator, its post, a vote
    # /setup's "Saved" (twice), its overview, the refused time zone, the leads' note
    assert checked.count("setup") >= 5, out


@pytest.mark.parametrize("language", ["en", "cy", PSEUDO])
async def test_platform_limits_hold_for_converted_words(language: str) -> None:
    """What adapters cut to a platform's limit is worth knowing before it is cut: the
    poll form's title and labels, its button, and /help's lines fit as they are."""
    from bot.features.polls import wording as polls
    from bot.features.polls.reading import create_fields

    with speaking(language):
        assert len(tr(polls.N_("New poll"))) <= 24  # Slack's modal title
        assert len(tr(polls.N_("Start"))) <= 24
        for field in create_fields():
            assert len(tr(field.label)) <= 45, field.label  # Discord's modal label
        assert len(tr(polls.N_("Choose your options"))) <= 150
