"""Every promise the bot makes is in docs/promises.md with the test that proves it.

A catalog entry makes a promise when its wording (any variant, placeholders filled) says
who sees, reads, gets or is told something, that something is private, anonymous or
never done, or what will happen next and when. `PROMISE` below is that rule, in words a
reviewer can read. Each entry it flags must have a row in docs/promises.md, or be in
that page's "Not a promise" list with a reason. Each row quotes its promise (the quote
must still be in the wording) and names tests by path::name (the test must exist).
docs/privacy.md's main table is checked against the page's privacy section, so the two
pages cannot drift apart.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from tests.wording.catalog_samples import entries
from tests.wording.catalog_samples import public_names

ROOT = Path(__file__).resolve().parents[2]
PROMISES = ROOT / "docs" / "promises.md"
PRIVACY = ROOT / "docs" / "privacy.md"

# Who sees, reads, gets or is told; private, anonymous, secret, never.
_WHO = (r"only (?:you|they|the|your|facilitators|safeguarding|leads)|nobody|no one|never|"
        r"anonymous(?:ly)?|privately|private|secret|"
        r"(?:can|will|could|would|may|cannot|can't|won't) (?:see|read|find out|be told|hear)|"
        r"sees|see it|is told|are told|been told|have told|I've told|not told|shown to|"
        r"not shown|passed on|posted (?:for|in)|shared (?:with|in)|is shared|"
        r"goes? (?:privately|to)|sent to|is kept|are kept|kept (?:only|in)|deleted")
# What happens next, and when.
_WHEN = (r"within|usually|tomorrow|from the next day|at least \d+ hours?|in a moment|"
         r"after \d+|next (?:digest|time|round)|when (?:the poll|it|a lead|everyone)|"
         r"until (?:it|the poll|then|you)|will be (?:posted|sent|shared|in)|"
         r"will (?:get|reach|start|introduce|tell|post)|I'll|I will|by themselves|"
         r"by direct message")
PROMISE = re.compile(rf"\b(?:{_WHO}|{_WHEN})\b", re.IGNORECASE)

_NAME = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")
_TEST = re.compile(r"(tests/[\w/]+\.py)::(\w+)(?:\[[^\]]*\])?")
_QUOTE = re.compile(r"“([^”]+)”")


def _section(text: str, title: str) -> list[list[str]]:
    """The table rows (cells) under the `## title` heading, header and rule left out."""
    part = text.split(f"## {title}\n", 1)
    assert len(part) == 2, f"docs/promises.md has no section “{title}”"
    body = part[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in body.splitlines() if line.startswith("|")]
    return [r for r in rows[2:] if r]


@cache
def _doc() -> str:
    return PROMISES.read_text(encoding="utf-8")


@cache
def promise_rows() -> list[list[str]]:
    """docs/promises.md's promise table: promise, where it is said, tests."""
    return _section(_doc(), "Promises")


@cache
def not_promises() -> dict[str, str]:
    """Entries the rule flags that make no promise, with the reason."""
    return {_NAME.findall(r[0])[0]: r[1] for r in _section(_doc(), "Not a promise")}


def flagged() -> dict[str, str]:
    """Catalog entries whose wording the rule calls a promise, with the words it caught."""
    found: dict[str, str] = {}
    for e in entries():
        match = PROMISE.search(e.text)
        if match and e.name not in found:
            found[e.name] = match.group(0)
    return found


def _covered() -> set[str]:
    return {n for row in promise_rows() for n in _NAME.findall(row[1])}


def test_every_promise_has_a_row_or_a_reason() -> None:
    missing = {n: w for n, w in flagged().items()
               if n not in _covered() and n not in not_promises()}
    assert not missing, ("these catalog entries make a promise (the words caught are "
                         "shown): add a row to docs/promises.md with the test that proves "
                         f"it, or list it under “Not a promise” with a reason: {missing}")


def test_every_name_in_the_page_is_in_the_catalog() -> None:
    names = set(public_names())
    unknown = sorted((_covered() | set(not_promises())) - names)
    assert not unknown, f"docs/promises.md names entries the catalog no longer has: {unknown}"


def test_not_a_promise_lists_only_what_the_rule_flags() -> None:
    stale = sorted(set(not_promises()) - set(flagged()))
    assert not stale, f"no longer flagged, remove from “Not a promise”: {stale}"


def _plain_quotes(text: str) -> str:
    return text.replace("’", "'").replace("**", "")


def test_every_quote_is_still_in_the_wording() -> None:
    texts: dict[str, list[str]] = {}
    for e in entries(operator=True):
        texts.setdefault(e.name, []).append(_plain_quotes(e.text))
    drifted = []
    for row in promise_rows():
        names = _NAME.findall(row[1])
        for quote in _QUOTE.findall(row[0]):
            if not any(_plain_quotes(quote) in t for n in names for t in texts.get(n, [])):
                drifted.append(quote)
    assert not drifted, f"the wording changed: update the row's quote and check the test {drifted}"


@cache
def _defined(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def _tests_named(text: str) -> list[tuple[str, str]]:
    return _TEST.findall(text)


def test_every_row_names_tests_that_exist() -> None:
    rows = promise_rows() + privacy_rows_in_promises() + operator_rows()
    problems = []
    for row in rows:
        named = _tests_named(row[-1])
        if not named:
            problems.append(f"no test named for {row[0][:60]!r}")
        for path, name in named:
            if not (ROOT / path).is_file():
                problems.append(f"{path} does not exist")
            elif not name.startswith("test_") or name not in _defined(path):
                problems.append(f"{path} has no test {name}")
    assert not problems, problems


@cache
def operator_rows() -> list[list[str]]:
    """docs/promises.md's last section: what the commands promise the people who run
    the bot, and the tests that prove it."""
    return _section(_doc(), "For the people who run the bot")


@cache
def privacy_rows_in_promises() -> list[list[str]]:
    """docs/promises.md's privacy section: a privacy.md row (its “What” cell, quoted),
    and the tests that prove what that row says."""
    return _section(_doc(), "docs/privacy.md")


def _privacy_table() -> list[str]:
    """The “What” cell of each row of privacy.md's main table."""
    text = PRIVACY.read_text(encoding="utf-8")
    body = text.split("## What the bot keeps, who can see it, and for how long\n", 1)[1]
    body = body.split("\n#", 1)[0]
    rows = [line.strip().strip("|").split("|")[0].strip() for line in body.splitlines()
            if line.startswith("|")]
    return rows[2:]


def test_every_row_of_privacy_md_is_proved() -> None:
    named = {q for row in privacy_rows_in_promises() for q in _QUOTE.findall(row[0])}
    table = _privacy_table()
    assert table, "docs/privacy.md's main table was not found"
    missing = [w for w in table if not any(w.startswith(q) for q in named)]
    stale = [q for q in named if not any(w.startswith(q) for w in table)]
    assert not missing, f"docs/privacy.md rows with no proof in docs/promises.md: {missing}"
    assert not stale, f"docs/promises.md names privacy.md rows that are gone: {stale}"


@pytest.mark.parametrize("name", sorted(not_promises()))
def test_each_reason_is_given(name: str) -> None:
    assert len(not_promises()[name].split()) >= 3
