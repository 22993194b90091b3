"""The message catalogs: finding every domain, extracting its sentences from the code,
and updating and compiling each language's `.po` (`make messages`, `coprod-messages`).

A domain is the core's ("coprod": bot/*.py, bot/locales/) or a feature package's that
makes one (`Domain("<feature>", __file__)` in its wording.py: bot/features/<feature>/
and its locales/). The languages are those of the core's catalog (bot/locales/<code>/);
`python -m bot.catalogs --add cy` starts a new one in every domain.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
CORE = "coprod"
COMMENT_TAGS = ("TRANSLATORS:",)


@dataclass(frozen=True, slots=True)
class CatalogDomain:
    """One domain: its name, the source files it is extracted from, its locales/."""

    name: str
    sources: tuple[Path, ...]
    locales: Path

    @property
    def template(self) -> Path:
        """The `.pot` file: every sentence of the domain, untranslated."""
        return self.locales / f"{self.name}.pot"

    def po(self, language: str) -> Path:
        """A language's `.po` file (what translators edit)."""
        return self.locales / language / "LC_MESSAGES" / f"{self.name}.po"

    def mo(self, language: str) -> Path:
        """A language's compiled `.mo` file (what the bot reads)."""
        return self.po(language).with_suffix(".mo")


def catalog_domains() -> list[CatalogDomain]:
    """The core's domain, then each feature package's that says it has one."""
    bot = ROOT / "bot"
    found = [CatalogDomain(CORE, tuple(sorted(bot.glob("*.py"))), bot / "locales")]
    for package in sorted((bot / "features").iterdir()):
        wording = package / "wording.py"
        if wording.is_file() and f'Domain("{package.name}", __file__)' in wording.read_text(
                encoding="utf-8"):
            found.append(CatalogDomain(package.name, tuple(sorted(package.rglob("*.py"))),
                                       package / "locales"))
    return found


def languages() -> list[str]:
    """The languages with catalogs (the core's locales/ folders)."""
    core = ROOT / "bot" / "locales"
    return sorted(p.name for p in core.iterdir() if (p / "LC_MESSAGES").is_dir()) \
        if core.is_dir() else []


def extract(domain: CatalogDomain) -> Catalog:
    """Every sentence the domain's code says, as a template catalog."""
    template = Catalog(project="coprod-bot", domain=domain.name, fuzzy=False,
                       msgid_bugs_address="", copyright_holder="coprod-bot contributors")
    for path in domain.sources:
        where = path.relative_to(ROOT).as_posix()
        for lineno, message, comments, context in extract_from_file(
                "python", str(path), keywords=DEFAULT_KEYWORDS, comment_tags=COMMENT_TAGS,
                strip_comment_tags=True):
            template.add(message, None, [(where, lineno)], auto_comments=comments,
                         context=context)
    return template


def keys(catalog: Catalog) -> set[tuple[str | tuple[str, ...], str | None]]:
    """What identifies each message (its id, plural id and context)."""
    return {(m.id if isinstance(m.id, str) else tuple(m.id), m.context)
            for m in catalog if m.id}


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _write_po(path: Path, catalog: Catalog) -> bool:
    """Write a catalog as .po (only when it changed); True if it changed."""
    out = io.BytesIO()
    write_po(out, catalog, width=88, include_lineno=False, omit_header=False,
             ignore_obsolete=True)
    data = out.getvalue()
    if path.is_file() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(line for line in data.split(b"\n")
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


def compiled(catalog: Catalog) -> bytes:
    """A catalog compiled to .mo (fuzzy entries left out: they are not checked yet)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def update(add: str | None = None) -> list[str]:
    """Extract every domain, update each language's .po and compile its .mo. Returns
    the files changed."""
    changed: list[str] = []
    wanted = sorted({*languages(), *([add] if add else [])})
    for domain in catalog_domains():
        template = extract(domain)
        if _write_po(domain.template, template):
            changed.append(str(domain.template.relative_to(ROOT)))
        for language in wanted:
            po = domain.po(language)
            catalog = (_read(po, language) if po.is_file()
                       else Catalog(locale=language, domain=domain.name, fuzzy=False,
                                    project="coprod-bot"))
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            if _write_po(po, catalog):
                changed.append(str(po.relative_to(ROOT)))
            data = compiled(_read(po, language))
            mo = domain.mo(language)
            if not mo.is_file() or mo.read_bytes() != data:
                mo.write_bytes(data)
                changed.append(str(mo.relative_to(ROOT)))
    return changed


def main(argv: list[str] | None = None) -> int:
    """`make messages`: update every catalog; say which files changed."""
    parser = argparse.ArgumentParser(prog="python -m bot.catalogs",
                                     description="Update and compile the message catalogs.")
    parser.add_argument("--add", metavar="LANGUAGE",
                        help="start catalogs for a new language (a code such as cy or fr)")
    args = parser.parse_args(argv)
    changed = update(args.add)
    for name in changed:
        print(f"updated {name}")
    if not changed:
        print("the catalogs were already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
