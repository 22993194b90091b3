"""The message catalogs are up to date with the code, complete in Welsh, and safe to use:
every sentence the code says is in its domain's .pot, every Welsh .po translates all of
them (none fuzzy), each .mo is the compiled .po, and no translation asks for a value the
code does not give. `make messages` mends all but the translating."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.dates import parse_pattern
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.catalogs import CatalogDomain
from bot.catalogs import catalog_domains
from bot.catalogs import extract
from bot.catalogs import keys
from bot.catalogs import languages

DOMAINS = catalog_domains()
_FIELD = re.compile(r"\{([^{}]*)\}")


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def test_the_domains_are_the_core_and_the_converted_features() -> None:
    names = [d.name for d in DOMAINS]
    assert names[0] == "coprod"
    assert {"help", "polls", "language"} <= set(names)


def test_welsh_is_a_language() -> None:
    assert "cy" in languages()


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_the_template_holds_every_sentence_the_code_says(domain: CatalogDomain) -> None:
    assert domain.template.is_file(), "run make messages"
    in_code, in_template = keys(extract(domain)), keys(_read(domain.template))
    assert in_code == in_template, (
        "the catalogs are out of date with the code: run make messages "
        f"(new: {sorted(map(str, in_code - in_template))[:5]}, "
        f"gone: {sorted(map(str, in_template - in_code))[:5]})")


_MARKERS = re.compile(r"^from bot\.features\.(\w+)\.wording import ([^\n]*)$", re.MULTILINE)


@pytest.mark.parametrize("domain", DOMAINS[1:], ids=lambda d: d.name)
def test_a_sentence_written_where_it_is_said_is_in_its_features_domain(
        domain: CatalogDomain) -> None:
    """A feature's modules say their sentences with their own domain's `_`, `N_` and
    `ngettext` (imported from their own wording module): Babel extracts every module of
    the package into the package's domain, so another feature's functions would look
    the sentence up in the wrong catalog."""
    borrowed = [f"{path.name}: {owner}.wording"
                for path in domain.sources
                for owner, names in _MARKERS.findall(path.read_text(encoding="utf-8"))
                if owner != domain.name
                and {"_", "N_", "ngettext"} & {n.strip(" ()") for n in names.split(",")}]
    assert not borrowed, f"import _, N_ and ngettext from the feature's own wording: {borrowed}"


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
@pytest.mark.parametrize("language", languages())
def test_each_language_translates_every_sentence(domain: CatalogDomain,
                                                 language: str) -> None:
    po = _read(domain.po(language), language)
    assert keys(po) == keys(_read(domain.template)), "run make messages"
    for message in po:
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, f"fuzzy in {language}: {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"not translated into {language}: {message.id!r}"
        if isinstance(message.id, tuple):
            assert len(strings) == po.num_plurals, message.id


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
@pytest.mark.parametrize("language", languages())
def test_no_translation_asks_for_a_value_the_code_does_not_give(domain: CatalogDomain,
                                                                 language: str) -> None:
    for message in _read(domain.po(language), language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        given = {f for i in ids for f in _FIELD.findall(i)}
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert set(_FIELD.findall(text)) <= given, (message.id, text)
            if message.context == "Babel date pattern":
                parse_pattern(text)  # raises on a broken pattern


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
@pytest.mark.parametrize("language", languages())
def test_the_compiled_catalog_is_the_po(domain: CatalogDomain, language: str) -> None:
    """The .mo files are committed (a fresh clone needs nothing more); this fails when
    a .po was edited and not compiled."""
    po = _read(domain.po(language), language)
    with domain.mo(language).open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    for message in po:
        if not message.id or "fuzzy" in message.flags:
            continue
        if isinstance(message.id, tuple):
            choose = gettext.c2py(po.plural_expr)
            for n in range(0, 120):
                form = message.string[choose(n)]
                found = (mo.npgettext(message.context, *message.id, n) if message.context
                         else mo.ngettext(*message.id, n))
                assert found == form, ("run make messages", message.id, n)
        else:
            found = (mo.pgettext(message.context, message.id) if message.context
                     else mo.gettext(message.id))
            assert found == message.string, ("run make messages", message.id)
