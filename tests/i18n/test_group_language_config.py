"""The group's language in config.toml: a language the bot speaks is taken (by code or
name), anything else is one plain line naming the key and the languages there are."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.config import load_config


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, env={})


@pytest.mark.parametrize("given", ['"cy"', '"Cymraeg"', '"Welsh"'])
def test_a_language_the_bot_speaks_is_taken(tmp_path: Path, given: str) -> None:
    config = _load(tmp_path, f"[group]\nlanguage = {given}\n")
    assert config.group.language == "cy"  # type: ignore[attr-defined]


def test_the_default_is_english(tmp_path: Path) -> None:
    assert _load(tmp_path, "").group.language == "en"  # type: ignore[attr-defined]


def test_another_language_is_one_plain_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, '[group]\nlanguage = "fr"\n')
    assert "[group] language: must be one of the languages the bot speaks: en (English) " \
           "or cy (Cymraeg)" in str(caught.value)
