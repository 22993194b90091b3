"""The docs stay usable: every relative link in the README and docs/ leads to a file that
exists, every guide is listed in the guides' index, and the guides for members and
facilitators hold no developer notes (code paths, migrations, issue numbers)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ROOT / "docs" / "guides"
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_DEVELOPER_NOTES = re.compile(
    r"\b(?:bot|adapters|storage|scheduler|tests)/\S*|\w\.py\b|\b[Mm]igration\b|"
    r"\bIssue \d+|\bgc\.freeze\b|`[A-Z][A-Z0-9_]{3,}`")


def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_somewhere(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    broken = []
    for target in _LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or a place on the same page
        if not (path.parent / target.split("#", 1)[0]).exists():
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)} links to missing files: {broken}"


def test_every_guide_is_in_the_index() -> None:
    index = (GUIDES / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in sorted(GUIDES.glob("*.md"))
               if p.name != "README.md" and f"({p.name})" not in index]
    assert not missing, f"docs/guides/README.md does not list {missing}"


@pytest.mark.parametrize("path", sorted(GUIDES.glob("*.md")), ids=lambda p: p.name)
def test_guides_hold_no_developer_notes(path: Path) -> None:
    found = _DEVELOPER_NOTES.findall(path.read_text(encoding="utf-8"))
    assert not found, (f"{path.name} reads like developer notes ({found}); those belong "
                       "in docs/decisions/")
