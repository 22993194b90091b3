"""Numbered steps in the docs count 1, 2, 3 in each list (issue 20: docs/scaling.md read
"1. 1. 2. 3.")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
STEP = re.compile(r"^(\d+)\. ")


def numbers_in_lists(text: str) -> list[list[int]]:
    """Each top-level numbered list's numbers; a heading or unindented prose ends a list,
    indented lines and blank lines do not; fenced code is skipped."""
    lists: list[list[int]] = []
    current: list[int] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or not line.strip() or line.startswith((" ", "\t")):
            continue
        found = STEP.match(line)
        if found:
            current.append(int(found.group(1)))
        elif current:
            lists.append(current)
            current = []
    if current:
        lists.append(current)
    return lists


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_numbered_steps_count_up_by_one(doc: Path) -> None:
    for numbers in numbers_in_lists(doc.read_text(encoding="utf-8")):
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), (doc, numbers)


def test_a_repeated_number_is_caught() -> None:
    assert numbers_in_lists("1. a\n1. b\n2. c\n\nText\n\n1. x\n   more\n2. y\n") == [
        [1, 1, 2], [1, 2]]
