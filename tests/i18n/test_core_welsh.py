"""The core's own words in Welsh: yes and no read in the reader's language (and always in
English), the words adapters add to a stored message in its reader's language (the
message carries it through the outbox), the console's own lines, the member's export,
and the form's default "Send"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.memory import MemoryBot
from bot import catalog
from bot.answers import read_yes_no
from bot.app import check_form
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.config import Config
from bot.errors import UserError
from bot.features.agreement.package import AGREEMENT_SHOW_BUTTON
from bot.i18n import PSEUDO
from bot.i18n import speaking
from bot.i18n import tr
from bot.messages import Form
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.messages import message_from_dict
from bot.messages import message_to_dict
from bot.privacy import export_language
from bot.privacy import export_titles
from tests.console_helpers import run_script
from tests.pseudo import pseudo_allowed


@pytest.mark.parametrize(("typed", "meaning"), [
    ("ie", True), ("Oes", True), ("do", True), ("yes", True), ("y", True),
    ("na", False), ("nac oes", False), ("Nac  ydw", False), ("no", False), ("n", False),
    ("efallai", None), ("", None)])
def test_a_welsh_reader_answers_yes_or_no_in_welsh_or_english(typed: str,
                                                               meaning: bool | None) -> None:
    with speaking("cy"):
        assert read_yes_no(typed) is meaning


def test_an_english_reader_answers_in_english_only() -> None:
    with speaking("en"):
        assert read_yes_no("yes") is True and read_yes_no("off") is False
        assert read_yes_no("ie") is None and read_yes_no("nac oes") is None


def test_a_form_and_a_boolean_option_read_welsh_answers() -> None:
    fields = (FormField("anonymous", "Anonymous?", "yes_no", required=False),)
    option = OptionSpec("anonymous", "Anonymous?", OptionType.BOOLEAN)
    with speaking("cy"):
        assert check_form(fields, {"anonymous": "oes"}) == ({"anonymous": "yes"}, {})
        assert check_form(fields, {"anonymous": "nac oes"}) == ({"anonymous": "no"}, {})
        _, errors = check_form(fields, {"anonymous": "efallai"})
        assert errors["anonymous"].endswith(": ie, na."), errors
        assert option.coerce("ie") is True and option.coerce("na") is False
        with pytest.raises(UserError) as refused:
            option.coerce("efallai")
        assert str(refused.value) == "Atebwch “anonymous” gydag ie neu na."
    with speaking("en"):
        _, errors = check_form(fields, {"anonymous": "maybe"})
        assert errors == {"anonymous": "“Anonymous?” needs to be one of: yes, no."}


def test_the_default_send_label_is_in_the_forms_language() -> None:
    with speaking("cy"):
        assert Form("f", "Teitl", ()).submit_label == "Anfon"
    with speaking("en"):
        assert Form("f", "Title", ()).submit_label == "Send"


def test_a_stored_message_keeps_its_readers_language() -> None:
    with speaking("cy"):
        made = Message("Helo")
        reply = Reply.text("Helo")
    assert made.language == "cy" and reply.language == "cy"
    with speaking("en"):  # the dispatcher sends it later, in nobody's language
        back = message_from_dict(message_to_dict(made))
        assert back.language == "cy"
        assert message_from_dict({"text": "old row"}).language == "en"


@pytest.mark.parametrize(("n", "welsh"), [(1, "y ffeil"), (2, "y ffeiliau"),
                                          (3, "y ffeiliau"), (6, "y ffeiliau")])
def test_slacks_file_notes_count_files_in_welsh(n: int, welsh: str) -> None:
    names = [f"f{i}.ics" for i in range(n)]
    with speaking("cy"):
        assert f"wedi anfon {welsh} " in catalog.slack_files_sent_by_dm(names)
        assert f"anfon {welsh} " in catalog.slack_files_not_sent(names)
    with speaking("en"):
        english = catalog.slack_files_sent_by_dm(names)
        assert english.startswith("I've sent you the file f0.ics in" if n == 1
                                  else "I've sent you the files f0.ics")


def test_dates_are_explained_with_welsh_examples_a_welsh_reader_can_type() -> None:
    with speaking("cy"):
        text = catalog.when_needs_time("yfory")
    assert text.startswith("Mae angen amser o'r dydd hefyd ar “yfory”")
    assert '"dydd Mawrth nesaf 6pm"' in text


async def test_home_in_the_members_language(bot: MemoryBot) -> None:
    await bot.run("dana", "/language cy")
    welsh = await bot.app.home(bot.group_id, bot.adapter.member("dana"))
    english = await bot.app.home(bot.group_id, bot.adapter.member("alice"))
    assert welsh[0].text == ("Helo Dana. Dyma eich tudalen eich hun: dim ond chi sy'n gallu "
                             "ei gweld. Teipiwch /help yn y grŵp i weld beth allwch chi ei "
                             "wneud.")
    assert welsh[0].language == "cy"
    assert english[0].text == catalog.home_intro("Alice")


def test_the_export_is_written_in_the_language_the_member_chose() -> None:
    assert export_language({"language": [{"group": "g", "language": "cy"}]}) == "cy"
    assert export_language({"language": []}) == "en"
    assert export_language({"language": [{"language": "cy"}, {"language": "en"}]}) == "en"
    with speaking("cy"):
        assert tr(export_titles()["language"]).startswith("Yr iaith a ddewisoch")


async def test_the_console_speaks_welsh_to_a_welsh_member(tmp_path: Path) -> None:
    script = "/language cy\n/poll\n:cancel\nhello there\n"
    out = (await run_script(Config(database=str(tmp_path / "cy.db")), script)).out
    assert out.startswith("Welcome to ")  # before anyone chose: the group's English
    assert "Ffurflen: " in out and "Yr allweddi ar gyfer :form yw:" in out
    assert "Cwestiwn 1 o 5: " in out and "(angenrheidiol, hyd at" in out
    assert "Mae'r ffurflen wedi cau, ac ni anfonwyd dim." in out
    assert "Mewn sianel, dim ond gorchmynion y mae'r bot yn eu darllen" in out
    assert out.rstrip().endswith("Hwyl fawr! Rhedwch coprod eto i ddod yn ôl; mae'r hyn a "
                                 "gadwodd y grŵp yn aros.")


async def test_the_consoles_form_lines_are_all_translated(tmp_path: Path) -> None:
    """In the pseudo-language every line the console itself says (about a form, its
    notes, its controls' answers) comes out accented: a word of plain English would be
    one that bypassed the catalog. Field keys, controls and names are typed as they are."""
    from tests.i18n.test_pseudo import english_words

    with pseudo_allowed():
        script = (f"/language {PSEUDO}\n/poll\nQ?\nA\nB\n\n\n\nmaybe\n:cancel\nhello there\n"
                  ":help\n:who\n:nope\n:in updates\n:say\n:dm\n:say hi\n:in general\n"
                  ":press Nothing\n:pick\n:form\n:role alice\n:role alice helper\n"
                  ":unrole alice helper\n:admin alice\n:as\n:as z!\n:join\n"
                  ":report x\n:report 99\n:as alice\n")
        out = (await run_script(Config(database=str(tmp_path / "qps.db")), script)).out
    said = out.split(f"> /language {PSEUDO}\n", 1)[1].splitlines()
    prompt_or_bot = re.compile(r"^(\w+ in (\S+|DM with coprod)>|\[[^\]]+\] coprod:)")
    notes = [line for line in said if line.strip() and not prompt_or_bot.match(line)]
    keys = frozenset({"question", "options", "closes", "anonymous", "multiple", "key",
                      "NAME", "ROLE", "CHANNEL", "TEXT", "LABEL", "CHOICE", "Going",
                      "Option", "title", "Monthly", "meeting", "notes", "none", "carol",
                      "bob", "facilitator", "dana", "updates", "hello", "hard", "week",
                      "Ctrl", "Discord", "Slack", "Raise", "safeguarding", "concern",
                      "general", "helper", "Alice", "Bob", "Carol", "Dev", "Erin",
                      "Sam", "Facilitator", "Safeguarding", "lead", "had", "nope", "alice",
                      "Zoe", "zoe", "roles", "value", "dev", "erin", "sam"})
    assert len(notes) >= 10, out
    for line in notes:
        assert english_words(re.sub(r"(?<![\w:]):[a-z]+", " ", line), keys) == [], line


@pytest.mark.parametrize("language", ["en", "cy", PSEUDO])
def test_adapter_words_fit_the_platforms_in_every_language(language: str) -> None:
    """Slack's modal title, submit and close hold 24 characters; buttons 75 (Slack) and
    80 (Discord)."""
    with pseudo_allowed(), speaking(language):
        for title in (catalog.SLACK_FORM_DONE_TITLE, catalog.SLACK_CLOSE,
                      catalog.SLACK_CANCEL, catalog.FORM_SEND):
            assert len(tr(title)) <= 24, tr(title)
        for label in (catalog.DISCORD_CONTINUE, catalog.DISCORD_TRY_AGAIN,
                      catalog.DISCORD_OPEN_FORM, AGREEMENT_SHOW_BUTTON):
            assert len(tr(label)) <= 75, tr(label)


def test_slacks_done_view_is_in_the_language_of_what_it_says() -> None:
    """After a form, Slack shows the answer in place of the form: its title and "Close"
    follow the answer's language, whatever language the adapter is running in."""
    from adapters.slack.modals import notice_view

    with speaking("cy"):
        answer = Message("Diolch.")
    with speaking("en"):
        view = notice_view(catalog.SLACK_FORM_DONE_TITLE, [answer])
        english = notice_view(catalog.SLACK_FORM_DONE_TITLE, [Message("Thanks.")])
    assert (view["title"]["text"], view["close"]["text"]) == ("Wedi gorffen", "Cau")
    assert (english["title"]["text"], english["close"]["text"]) == ("Done", "Close")
