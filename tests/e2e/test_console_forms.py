"""Forms, buttons, menus and deliveries through the console, with a small test feature.

`/plan` opens a form; sending it posts the meeting in #updates (a delivery, with RSVP
buttons), sends the planner a DM (a delivery) and replies privately with a button.
`/day` answers with a select menu and an image; `/shout` answers in public.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from bot.app import App
from bot.commands import CommandSpec
from bot.context import Context
from bot.events import ButtonPress
from bot.events import FormSubmission
from bot.features import Feature
from bot.features import FeatureFactory
from bot.features import FormSpec
from bot.features.registry import PACKAGES
from bot.messages import Button
from bot.messages import Choice
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import FormField
from bot.messages import Image
from bot.messages import Message
from bot.messages import Reply
from bot.messages import Select
from bot.outbox import NewDelivery
from bot.text import neutralise

from .conftest import ConsoleRunner

RSVP = (Button("Going", "plan.rsvp", "going"), Button("Maybe", "plan.rsvp", "maybe"),
        Button("Can't make it", "plan.rsvp", "no"))
FIELDS = (
    FormField("title", "Title", min_length=3, max_length=40, placeholder="Monthly meeting"),
    FormField("where", "Where", kind="choice",
              choices=(Choice("Online", "online"), Choice("In person", "in-person"))),
    FormField("notes", "Notes", kind="paragraph", required=False, max_length=200),
    FormField("friend", "Bring a friend?", kind="yes_no", required=False),
)


@dataclass
class Seen:
    """What the test feature received, for assertions about the events."""

    submissions: list[FormSubmission] = field(default_factory=list)
    presses: list[ButtonPress] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)


def plan_feature(seen: Seen) -> FeatureFactory:
    """A feature factory for `App(features=[...])`, recording into `seen`."""

    def build(app: App) -> Feature:
        async def open_form(ctx: Context) -> Reply:
            return Reply(form=spec.form("Plan a meeting", state="plan-1",
                                        defaults={"friend": "no"}))

        async def submitted(ctx: Context) -> Reply:
            assert isinstance(ctx.event, FormSubmission)
            seen.submissions.append(ctx.event)
            title = neutralise(ctx.options["title"])
            text = f"New meeting: **{title}** ({ctx.options['where']})"
            if ctx.options["notes"]:
                text += "\n" + neutralise(ctx.options["notes"])
            n = len(seen.submissions)
            await ctx.deliver([
                NewDelivery(f"plan-{n}-post", Destination.to_channel(ctx.group_id, "updates"),
                            Message(text, buttons=RSVP)),
                NewDelivery(f"plan-{n}-dm", Destination.to_dm(ctx.group_id, ctx.actor.user_id),
                            Message(f"You planned {title}. Thank you!")),
            ])
            where = f"#{ctx.event.channel}" if ctx.event.channel else "a direct message"
            return Reply(messages=(Message(f"Saved (asked in {where}).",
                                           buttons=(Button("Undo", "plan.undo"),)),))

        async def rsvp(ctx: Context) -> Reply:
            assert isinstance(ctx.event, ButtonPress)
            seen.presses.append(ctx.event)
            seen.answers[ctx.actor.display_name] = ctx.options["value"]
            counts = ", ".join(f"{k}: {v}" for k, v in sorted(seen.answers.items()))
            return Reply(messages=(Message(f"Thanks, {ctx.actor.display_name}."),),
                         update=Message(f"New meeting, answers so far: {counts}",
                                        buttons=RSVP))

        async def undo(ctx: Context) -> Reply:
            return Reply.text("Undone.")

        async def day(ctx: Context) -> Reply:
            menu = Select("plan.day", "Pick days", (Choice("Monday", "mon"),
                          Choice("Tuesday evening", "tue")), max_values=2)
            return Reply(messages=(Message("Which days suit you? \\*Pick\\* up to two.",
                                           select=menu,
                                           images=(Image("week.png", b"png", "A calendar "
                                                         "of this week"),)),))

        async def picked(ctx: Context) -> Reply:
            assert isinstance(ctx.event, ButtonPress)
            seen.presses.append(ctx.event)
            return Reply.text("You picked: " + ", ".join(ctx.options["values"]))

        async def shout(ctx: Context) -> Reply:
            await ctx.deliver([NewDelivery(
                "shout-private", Destination(DestinationKind.EPHEMERAL, ctx.group_id,
                                             channel="general", user="bob"),
                Message("Psst, Bob."))])
            return Reply.text("Hello everyone!\nSecond line.", public=True)

        spec = FormSpec("plan", FIELDS, submitted)
        commands = [
            CommandSpec("plan", "Plan a meeting.", open_form, "/plan", opens_form=True),
            CommandSpec("day", "Pick days.", day, "/day"),
            CommandSpec("shout", "Say hello to all.", shout, "/shout"),
        ]
        return Feature("plan", commands=commands, forms=[spec],
                       actions={"plan.rsvp": rsvp, "plan.undo": undo, "plan.day": picked})

    return build


def features(seen: Seen) -> list[FeatureFactory]:
    """The default features plus the test feature."""
    return [*PACKAGES, plan_feature(seen)]


async def test_form_field_by_field(console: ConsoleRunner) -> None:
    seen = Seen()
    run = await console("/plan\nMonthly meeting\nonline\nBring snacks\nand tea\n\n\n",
                        features=features(seen))
    opened = run.answer("/plan")
    assert opened.startswith("Form: Plan a meeting\nAnswer each question on its own line; a "
                             "question that takes several lines ends with an empty line. "
                             "Leave an optional one empty to skip it. Type :form key=value "
                             "... to answer all at once, or :cancel to stop.")
    assert "The keys for :form are: title, where, notes, friend." in opened
    assert opened.endswith("Question 1 of 4: Title (required, at least 3 and up to 40 "
                           "characters)\n    for example: Monthly meeting")
    assert run.answer("Monthly meeting") == (
        "Question 2 of 4: Where (required, one of: Online | In person)")
    assert run.answer("online") == (
        "Question 3 of 4: Notes (optional, up to 200 characters)\n"
        "    type as many lines as you need, then an empty line to finish")
    # A paragraph takes line after line; the empty line ends it.
    assert run.answer("Bring snacks") == "" and run.answer("and tea") == ""
    assert run.answer("") == "Question 4 of 4: Bring a friend? (optional, yes or no)"
    sent = run.after("", nth=2)  # the empty answer keeps the default and sends the form
    assert sent == [
        "[only Alice can see this] coprod: Saved (asked in #general).",
        "    buttons (#1): [Undo]",
        "[#updates] coprod: New meeting: Monthly meeting (online)",
        "    Bring snacks",
        "    and tea",
        "    buttons (#2): [Going] [Maybe] [Can't make it]",
        "[DM to Alice] coprod: You planned Monthly meeting. Thank you!",
    ]
    [submission] = seen.submissions
    assert submission.values == {"title": "Monthly meeting", "where": "online",
                                 "notes": "Bring snacks\nand tea", "friend": "no"}
    assert (submission.group_id, submission.state, submission.channel) == (
        "demo", "plan-1", "general")
    assert submission.actor.user_id == "alice"


async def test_form_in_one_line_with_errors_asked_again(console: ConsoleRunner) -> None:
    seen = Seen()
    script = ("/plan\n"
              ":form title=Hi colour=red\n"
              ':form title=Hi where="on the moon" notes="Two words\\nand more"\n'
              "Hiking day\n"
              "In person\n")
    run = await console(script, features=features(seen))
    assert run.answer(":form title=Hi colour=red") == (
        "This form has no question called “colour”. The keys are: title, where, notes, "
        "friend.")
    refused = run.after(':form title=Hi where="on the moon" notes="Two words\\nand more"')
    assert refused == [
        "Some answers need another look, so nothing was sent yet:",
        "    “Title” needs at least 3 characters.",
        "    “Where” needs to be one of: Online, In person.",
        "Please answer these again, or type :cancel to close the form without sending it.",
        "Question 1 of 4: Title (required, at least 3 and up to 40 characters)",
        "    for example: Monthly meeting",
    ]
    # Only the fields with errors are asked again; the notes are kept.
    assert run.answer("Hiking day") == (
        "Question 2 of 4: Where (required, one of: Online | In person)")
    done = run.answer("In person")
    assert done.startswith("[only Alice can see this] coprod: Saved (asked in #general).")
    assert "[#updates] coprod: New meeting: Hiking day (in-person)\n    Two words\n" \
           "    and more" in done
    assert seen.submissions[-1].values["notes"] == "Two words\nand more"
    assert seen.submissions[-1].values["friend"] == "no"  # the default


async def test_required_answer_cannot_be_skipped(console: ConsoleRunner) -> None:
    run = await console("/plan\n\n:cancel\n:cancel\n", features=features(Seen()))
    assert run.answer("") == (
        "“Title” is needed. Please write an answer, or :cancel to stop.\n"
        "Question 1 of 4: Title (required, at least 3 and up to 40 characters)\n"
        "    for example: Monthly meeting")
    assert run.answer(":cancel") == "Form closed, nothing was sent."
    assert run.answer(":cancel", nth=2) == "Alice has no form open right now."


async def test_form_stays_with_its_member(console: ConsoleRunner) -> None:
    seen = Seen()
    script = ("/plan\nBook club\n:as bob\n/help\nNot an answer\n:as alice\n"
              ":form where=online\n")
    run = await console(script, features=features(seen))
    assert run.answer(":as bob") == (
        "Alice's form “Plan a meeting” stays open: type :as alice to finish it.\n"
        "You are now Bob, in #general.")
    assert run.answer("/help").startswith("[only Bob can see this] coprod: Here is what")
    assert run.answer("Not an answer").startswith("In a channel the bot only reads commands")
    assert run.answer(":as alice") == (
        "You are now Alice, in #general.\n"
        "Alice has the form “Plan a meeting” open. Carry on answering it, or type :cancel.\n"
        "Question 2 of 4: Where (required, one of: Online | In person)")
    assert seen.submissions[0].values["title"] == "Book club"
    assert seen.submissions[0].actor.user_id == "alice"


async def test_a_command_typed_while_a_form_asks_closes_it_and_runs(
        console: ConsoleRunner) -> None:
    """Found by an outside trial: `/meeting list` typed at a form's question was taken
    as the answer. A chat app's form is a window that a command typed in the chat
    closes; so here: the form closes unsent, saying so, and the command runs. A line
    that only starts with a slash is still an answer."""
    seen = Seen()
    script = "/plan\n/unknownword\n/help\n/plan\nBook club\n"
    run = await console(script, features=features(seen))
    assert run.answer("/unknownword").startswith("Question 2 of 4")  # the title's answer
    closed = run.after("/help")
    assert closed[0] == "The form “Plan a meeting” was closed; nothing from it was sent."
    assert closed[1].startswith("[only Alice can see this] coprod: Here is what")
    assert "Question 1 of 4: Title" in run.answer("/plan", nth=2)
    assert not seen.submissions


async def test_a_command_of_a_family_closes_the_form_too(console: ConsoleRunner) -> None:
    """`/meeting list`, the trial's own line: a command found under its family's name."""
    seen = Seen()
    run = await console("/plan\n/meeting list\n", features=features(seen))
    closed = run.after("/meeting list")
    assert closed[0] == "The form “Plan a meeting” was closed; nothing from it was sent."
    assert "There are no meetings coming up" in closed[1]
    assert not seen.submissions


async def test_a_line_of_a_long_answer_that_starts_with_a_command_stays_in_it(
        console: ConsoleRunner) -> None:
    seen = Seen()
    script = "/plan\nBook club\nonline\nBring tea\n/help is on page 2\n\n\n"
    run = await console(script, features=features(seen))
    assert "was closed" not in run.out
    assert seen.submissions[0].values["notes"] == "Bring tea\n/help is on page 2"


async def test_a_poll_option_is_pressed_by_its_words(console: ConsoleRunner) -> None:
    """Found by an outside trial: `:press Tea` on a poll's `[1. Tea]` said there was no
    such button. The words after the number name it too."""
    run = await console('/poll question="Tea or cake?" options="Tea|Cake"\n'
                        ":press Tea\n:press 1. Tea\n")
    assert run.answer(":press Tea").startswith("[only Alice can see this] coprod: ")
    assert "couldn't find" not in run.answer(":press Tea")
    assert "already your vote" in run.answer(":press 1. Tea")


async def test_press_updates_the_message(console: ConsoleRunner) -> None:
    seen = Seen()
    script = (":form x=1\n/plan\n:form title=Picnic where=online\n"
              ":as bob\n:press going\n:press 1 Undo\n:press 2 maybe\n:press Nope\n"
              ":as alice\n:press Can't make it\n:press 1 Undo\n:press 9 Going\n")
    run = await console(script, features=features(seen))
    assert run.answer(":form x=1") == "Alice has no form open right now."
    assert run.answer(":press going") == (
        "[message #2 updated] coprod: New meeting, answers so far: Bob: going\n"
        "    buttons (#2): [Going] [Maybe] [Can't make it]\n"
        "[only Bob can see this] coprod: Thanks, Bob.")
    assert run.answer(":press 1 Undo") == (
        "Message #1 was shown only to Alice, so Bob can't press its buttons. Type :as alice "
        "to act as Alice.")
    assert run.answer(":press 2 maybe").startswith(
        "[message #2 updated] coprod: New meeting, answers so far: Bob: maybe")
    assert run.answer(":press Nope") == (
        "I couldn't find a button called “Nope”. Message #2 has these: [Going] [Maybe] "
        "[Can't make it].")
    assert run.answer(":press Can't make it").startswith(
        "[message #2 updated] coprod: New meeting, answers so far: Alice: no, Bob: maybe")
    assert run.answer(":press 1 Undo", nth=2) == "[only Alice can see this] coprod: Undone."
    assert run.answer(":press 9 Going") == "There is no message #9 yet."
    first = seen.presses[0]
    assert (first.action, first.value, first.channel, first.message_ref) == (
        "plan.rsvp", "going", "updates", "#2")
    assert first.actor.user_id == "bob"


async def test_select_menu_and_image(console: ConsoleRunner) -> None:
    seen = Seen()
    script = ('/day\n:pick Friday\n:pick monday, "tuesday evening"\n'
              ':pick "Tuesday evening"\n')
    run = await console(script, features=features(seen))
    assert run.after("/day") == [
        "[only Alice can see this] coprod: Which days suit you? *Pick* up to two.",
        "    [image week.png: A calendar of this week]",
        "    choose (#1): Monday | Tuesday evening (pick up to 2)",
    ]
    assert run.answer(":pick Friday") == (
        "“Friday” is not one of the choices. The choices are: Monday | Tuesday evening.")
    assert run.answer(':pick monday, "tuesday evening"') == (
        "[only Alice can see this] coprod: You picked: mon, tue")
    assert run.answer(':pick "Tuesday evening"') == (
        "[only Alice can see this] coprod: You picked: tue")
    assert seen.presses[0].action == "plan.day"
    assert seen.presses[0].values == ("mon", "tue")
    assert seen.presses[0].message_ref == "#1"


async def test_public_reply_and_private_delivery(console: ConsoleRunner) -> None:
    run = await console("/shout\n", features=features(Seen()))
    assert run.after("/shout") == [
        "[#general] coprod: Hello everyone!",
        "    Second line.",
        "[only Bob can see this] coprod: Psst, Bob.",
    ]


async def test_form_in_a_direct_message(console: ConsoleRunner) -> None:
    seen = Seen()
    run = await console(":dm\n/plan\n:form title=Walk where=online\n",
                        features=features(seen))
    done = run.after(":form title=Walk where=online")
    assert done[0] == "[DM to Alice] coprod: Saved (asked in a direct message)."
    assert seen.submissions[0].channel is None


async def test_interactive_prompts_and_defaults(console: ConsoleRunner) -> None:
    run = await console("/plan\nTea\nonline\n\n\n", features=features(Seen()),
                        interactive=True)
    assert "alice in #general> /plan" not in run.out  # a terminal echoes, not us
    assert "alice in #general> Form: Plan a meeting" in run.out
    assert "Question 4 of 4: Bring a friend? (optional, yes or no)\n" \
           "    press Enter to keep: no\nalice in #general> " in run.out
    assert "[#updates] coprod: New meeting: Tea (online)" in run.out
