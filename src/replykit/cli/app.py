"""The command line: argv in, one call into the core, bytes out; errors become exit codes here."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer._click.core import Context, Parameter  # Typer 0.28 vendors Click here.
from typer._click.exceptions import ClickException
from typer.core import TyperCommand, TyperGroup, TyperOption

from replykit import errors
from replykit.cli import complete, console
from replykit.cli.setup_commands import register as register_setup_commands
from replykit.errors import ReplykitError
from replykit.options import BATCH, RENDER, REPLY, Option, scan
from replykit.output.delivery import REPLY_TO_ENV, SENDER_ENV
from replykit.output.formats import dumps_json

if TYPE_CHECKING:
    from replykit.packs.scenario import Scenario
    from replykit.pipeline import Composer

FIELD_PANEL = "Scenario fields"
RENDER_EPILOG = "Run 'replykit render SCENARIO --help' to see that scenario's fields."
REPLY_EPILOG = "Run 'replykit reply SCENARIO --help' to see that scenario's fields."
_COMPOSER_KEY = "replykit.composer"
_SCENARIO_KEY = "replykit.scenario"
_FIELD_PARAMS_KEY = "replykit.field_params"
_FIELD_VALUES_KEY = "replykit.field_values"


class ReplykitGroup(TyperGroup):
    """The top-level command: runs the CLI and turns every failure into a message and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> NoReturn:
        try:
            code = super().main(
                args=args,
                prog_name=prog_name or "replykit",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except ReplykitError as exc:
            console.error(exc)
            code = exc.exit_code
        except ClickException as exc:
            exc.show()
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt, EOFError):
            sys.stderr.write("\n")
            console.error(errors.Interrupted("aborted"))
            code = errors.INTERRUPTED
        except console.BrokenPipe:
            console.silence_stdout()
            code = errors.BROKEN_PIPE
        sys.exit(code if isinstance(code, int) else 0)


def _field_params(scenario: Scenario, own: Sequence[Option] = RENDER) -> list[Parameter]:
    from rich.markup import escape  # help text is Rich markup to Typer: a pack's help is only text

    from replykit.cli.catalogue import field_summary

    return [
        TyperOption(
            param_decls=[field.option, field.name],
            type=str,
            default=None,
            metavar="TEXT" if field.type == "text" else field.type.upper(),
            help=escape(console.inert(f"{field.help} ({field_summary(field)})")),
            rich_help_panel=FIELD_PANEL,
            autocompletion=complete.field_choices(field),
        )
        for field in scenario.fields
        if field.option not in {flag for option in own for flag in option.flags}
    ]


TEMPLATES_DIR_HELP = "Extra folder of scenarios, searched first (repeatable)."
_TEMPLATES_DIR_OPTION = TyperOption(
    param_decls=["--templates-dir", "templates_dir"], type=str, multiple=True, metavar="DIR", help=TEMPLATES_DIR_HELP
)


class RenderCommand(TyperCommand):
    """``render``: adds the chosen scenario's fields as options before parsing the rest.

    The scenario id and ``--templates-dir`` are needed before Click parses the line, since
    they decide which options exist; ``replykit.options.scan`` finds them by the same table
    the fast path reads.
    """

    options_table: tuple[Option, ...] = RENDER
    fields_epilog = RENDER_EPILOG

    def get_params(self, ctx: Context) -> list[Parameter]:
        params: list[Parameter] = super().get_params(ctx)
        fields: list[Parameter] = ctx.meta.get(_FIELD_PARAMS_KEY, [])
        return [*params, _TEMPLATES_DIR_OPTION, *fields]

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        found = scan(args, self.options_table)
        if found.scenario_id:
            from replykit.pipeline import Composer, library_for

            try:
                composer = Composer(library_for([Path(d) for d in found.own.get("--templates-dir", [])]))
                scenario = composer.scenario(found.scenario_id)
            except ReplykitError:
                if not ctx.resilient_parsing:  # shell completion: no scenario, no field options
                    raise
            else:
                ctx.meta[_COMPOSER_KEY] = composer
                ctx.meta[_SCENARIO_KEY] = scenario
                ctx.meta[_FIELD_PARAMS_KEY] = _field_params(scenario, self.options_table)
        return super().parse_args(ctx, args)

    def format_help(self, ctx: Context, formatter: Any) -> None:
        # With a scenario on the line, its fields are on this very page.
        self.epilog = None if _SCENARIO_KEY in ctx.meta else self.fields_epilog
        super().format_help(ctx, formatter)

    def invoke(self, ctx: Context) -> Any:
        # --templates-dir was read by the scan in parse_args, which built the library from it.
        ctx.params.pop(_TEMPLATES_DIR_OPTION.name or "", None)
        names = [p.name for p in ctx.meta.get(_FIELD_PARAMS_KEY, [])]
        given = {name: ctx.params.pop(name) for name in names if name in ctx.params}
        ctx.meta[_FIELD_VALUES_KEY] = {k: v for k, v in given.items() if v is not None}
        return super().invoke(ctx)


app = typer.Typer(
    cls=ReplykitGroup,
    name="replykit",
    help="Turn a buyer dispute into a correct, polite, personalised reply.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from replykit import __version__

        console.write_stdout(f"replykit {__version__}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        expose_value=False,
        callback=_print_version,
        help="Print the version and exit.",
    ),
) -> None:
    pass


OUTPUT_PANEL = "Output"


class OutputFormat(str, Enum):
    """The values of --format (the same as replykit.output.formats.FORMATS, which a test checks)."""

    text = "text"
    markdown = "markdown"
    json = "json"
    subject = "subject"
    eml = "eml"
    mailto = "mailto"


MAIL_PANEL = "Email (--format eml or mailto)"


# render's and reply's options, declared once.
_SCENARIO = typer.Argument(
    ..., metavar="SCENARIO", help="Scenario id (see 'replykit list').", autocompletion=complete.scenario_argument
)
_SET = typer.Option([], "--set", metavar="FIELD=VALUE", help="Set a field (repeatable).")
_DATA = typer.Option(
    None, "--data", metavar="FILE", help="Read field values from a YAML or JSON file; '-' reads stdin."
)
_LANG = typer.Option(
    None,
    "--lang",
    metavar="TAG",
    help="Language of the reply (de, pt-BR, pt_BR), or else the closest one.",
    autocompletion=complete.scenario_languages,
)
_NO_INPUT = typer.Option(False, "--no-input", help="Never prompt for missing fields, even on a terminal.")
_FMT = typer.Option(
    "text",
    "--format",
    metavar="FORMAT",
    rich_help_panel=OUTPUT_PANEL,
    case_sensitive=False,
    help="text (the body), markdown, json, subject (one line), eml (an email draft) or mailto (a URL).",
)
_COPY = typer.Option(False, "--copy", help="Also put the reply on the clipboard.", rich_help_panel=OUTPUT_PANEL)
_QUIET = typer.Option(
    False, "--quiet", "-q", help="Print nothing on stdout (with --copy).", rich_help_panel=OUTPUT_PANEL
)
_OUTPUT = typer.Option(
    None,
    "--output",
    "-o",
    metavar="FILE",
    rich_help_panel=OUTPUT_PANEL,
    help="Write the reply to FILE instead of stdout.",
)
_FORCE = typer.Option(False, "--force", help="Let --output replace an existing file.", rich_help_panel=OUTPUT_PANEL)
_TO = typer.Option(
    [],
    "--to",
    metavar="ADDRESS",
    rich_help_panel=MAIL_PANEL,
    help="Recipient, as buyer@example.com or 'Name <buyer@example.com>' (repeatable).",
)
_SENDER = typer.Option(
    None,
    "--from",
    metavar="ADDRESS",
    rich_help_panel=MAIL_PANEL,
    help=f"Sender of an eml draft (default: ${SENDER_ENV}, else the profile's from or support_email).",
)
_CC = typer.Option([], "--cc", metavar="ADDRESS", help="Copy recipient (repeatable).", rich_help_panel=MAIL_PANEL)
_REPLY_TO = typer.Option(
    None,
    "--reply-to",
    metavar="ADDRESS",
    rich_help_panel=MAIL_PANEL,
    help=f"Reply-To of an eml draft (default: ${REPLY_TO_ENV}).",
)
_IN_REPLY_TO = typer.Option(
    [],
    "--in-reply-to",
    metavar="MESSAGE-ID",
    rich_help_panel=MAIL_PANEL,
    help="The buyer's Message-ID, to thread the reply onto it (repeatable).",
)
_REFERENCES = typer.Option(
    [],
    "--references",
    metavar="MESSAGE-ID",
    rich_help_panel=MAIL_PANEL,
    help="The References of the buyer's message, in order (repeatable; eml only).",
)
_UNSENT = typer.Option(
    None,
    "--unsent/--no-unsent",
    rich_help_panel=MAIL_PANEL,
    help="Add X-Unsent: 1, so Outlook opens the eml as a draft (default: only with --output).",
    show_default=False,
)
_CHANNEL = typer.Option(
    None,
    "--channel",
    metavar="CHANNEL",
    help="Check the reply against a marketplace's rules: amazon, ebay, aliexpress, etsy, walmart or email "
    "(default: the profile's channel).",
)
_ALLOW = typer.Option([], "--allow", metavar="RULE", help="Accept one channel rule on purpose (repeatable).")
_PROFILE = typer.Option(
    None,
    "--profile",
    metavar="NAME",
    help="Seller profile (default: $REPLYKIT_PROFILE, else default_profile).",
    autocompletion=complete.profile_names,
)


@app.command(
    cls=RenderCommand,
    context_settings={"ignore_unknown_options": False},
    epilog=RENDER_EPILOG,
)
def render(
    ctx: typer.Context,
    scenario_id: str = _SCENARIO,
    set_: list[str] = _SET,
    data: str | None = _DATA,
    lang: str | None = _LANG,
    no_input: bool = _NO_INPUT,
    fmt: OutputFormat = _FMT,
    copy: bool = _COPY,
    quiet: bool = _QUIET,
    output: Path | None = _OUTPUT,
    force: bool = _FORCE,
    to: list[str] = _TO,
    sender: str | None = _SENDER,
    cc: list[str] = _CC,
    reply_to: str | None = _REPLY_TO,
    in_reply_to: list[str] = _IN_REPLY_TO,
    references: list[str] = _REFERENCES,
    unsent: bool | None = _UNSENT,
    channel: str | None = _CHANNEL,
    allow: list[str] = _ALLOW,
    profile: str | None = _PROFILE,
) -> None:
    """Render a scenario's reply and print it on stdout, or copy it, save it, or make it an email."""
    from replykit.pipeline import render_request

    composer: Composer = ctx.meta[_COMPOSER_KEY]
    request = _render_request(ctx)
    ask = console.prompt_field if console.interactive(no_input=no_input) else None
    rendered = render_request(request, composer=composer, ask=ask, on_notice=console.warn)
    _deliver(ctx, rendered.payload)


def _render_request(ctx: typer.Context) -> Any:
    """The RenderRequest of a ``render`` or ``reply`` command line, from the options both commands share."""
    from replykit.pipeline import RenderRequest

    given = ctx.params
    return RenderRequest(
        given["scenario_id"],
        fields=ctx.meta[_FIELD_VALUES_KEY],
        assignments=tuple(given["set_"]),
        data=given["data"],
        lang=given["lang"],
        profile=given["profile"],
        format=str(getattr(given["fmt"], "value", given["fmt"])),
        to=tuple(given["to"]),
        cc=tuple(given["cc"]),
        sender=given["sender"],
        reply_to=given["reply_to"],
        in_reply_to=tuple(given["in_reply_to"]),
        references=tuple(given["references"]),
        unsent=given["unsent"],
        to_file=given["output"] is not None,
        channel=given["channel"],
        allow=tuple(given["allow"]),
    )


def _deliver(ctx: typer.Context, payload: bytes) -> None:
    """Send a finished reply where the shared output options say (stdout, --output, --copy)."""
    from replykit.output.delivery import deliver

    given = ctx.params
    deliver(
        payload,
        copy=given["copy"],
        quiet=given["quiet"],
        output=None if given["output"] is None else Path(given["output"]),
        force=given["force"],
        stdout=console.write_stdout,
        note=console.note,
    )


class ReplyCommand(RenderCommand):
    """``reply``: like render, the scenario's fields become options; the buyer's message fills the rest."""

    options_table = REPLY
    fields_epilog = REPLY_EPILOG


@app.command(cls=ReplyCommand, context_settings={"ignore_unknown_options": False}, epilog=REPLY_EPILOG)
def reply(
    ctx: typer.Context,
    scenario_id: str = _SCENARIO,
    message: Path | None = typer.Option(
        None, "--message", metavar="FILE", help="The buyer's email, as an .eml file (default: stdin)."
    ),
    set_: list[str] = _SET,
    data: str | None = _DATA,
    lang: str | None = typer.Option(
        None,
        "--lang",
        metavar="TAG",
        help="Language of the reply (default: the language of the buyer's words, else the profile's).",
        autocompletion=complete.scenario_languages,
    ),
    no_input: bool = _NO_INPUT,
    fmt: OutputFormat = typer.Option(
        "eml",
        "--format",
        metavar="FORMAT",
        rich_help_panel=OUTPUT_PANEL,
        case_sensitive=False,
        help="eml (a threaded email draft), text, markdown, json, subject or mailto.",
    ),
    copy: bool = _COPY,
    quiet: bool = _QUIET,
    output: Path | None = _OUTPUT,
    force: bool = _FORCE,
    to: list[str] = typer.Option(
        [],
        "--to",
        metavar="ADDRESS",
        rich_help_panel=MAIL_PANEL,
        help="Recipient (repeatable; default: the message's Reply-To, else its From).",
    ),
    sender: str | None = _SENDER,
    cc: list[str] = _CC,
    reply_to: str | None = _REPLY_TO,
    in_reply_to: list[str] = typer.Option(
        [],
        "--in-reply-to",
        metavar="MESSAGE-ID",
        rich_help_panel=MAIL_PANEL,
        help="Thread onto this Message-ID instead of the message's own (repeatable).",
    ),
    references: list[str] = _REFERENCES,
    unsent: bool | None = _UNSENT,
    channel: str | None = typer.Option(
        None,
        "--channel",
        metavar="CHANNEL",
        help="Check the reply against a marketplace's rules (default: the channel the message came through, "
        "else the profile's).",
    ),
    allow: list[str] = _ALLOW,
    profile: str | None = _PROFILE,
) -> None:
    """Answer a buyer's email: a reply draft threaded onto it, with the buyer's name, order id and language.

    The message comes from stdin (a mail client's pipe) or --message FILE.

    Values on the command line win over the message's; stderr says which values came from it.
    """
    from replykit.answer import answer_message

    if data == "-" and message is None:
        raise errors.UsageError(
            "--data - and the buyer's message cannot both come from stdin", hint="pass the message with --message FILE"
        )
    request = _render_request(ctx)
    ask = console.prompt_field if message is not None and console.interactive(no_input=no_input) else None
    rendered = answer_message(
        request,
        message=message,
        stdin=sys.stdin.buffer if sys.stdin is not None else None,
        composer=ctx.meta[_COMPOSER_KEY],
        ask=ask,
        on_note=console.note,
        on_notice=console.warn,
    )
    _deliver(ctx, rendered.payload)


@app.command()
def triage(
    message: Path | None = typer.Option(
        None, "--message", metavar="FILE", help="The buyer's email, as an .eml file (default: stdin)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    shown: int = typer.Option(5, "--top", metavar="N", min=1, help="How many scenarios to show (default 5)."),
    templates_dir: list[str] = typer.Option([], "--templates-dir", metavar="DIR", help=TEMPLATES_DIR_HELP),
    profile: str | None = _PROFILE,
) -> None:
    """Suggest the scenarios that fit a buyer's email, best first, with the phrases that matched.

    Also shows the buyer's language, the order id, the channel and by when the reply is due there.
    """
    from replykit.answer import triage_message
    from replykit.pipeline import library_for
    from replykit.triage import render_text

    result = triage_message(
        library_for([Path(d) for d in templates_dir]),
        message=message,
        stdin=sys.stdin.buffer if sys.stdin is not None else None,
        profile=profile,
        limit=None if as_json else shown,
        on_notice=console.warn,
    )
    if as_json:
        console.write_stdout(dumps_json(result.as_json()))
    else:
        console.write_stdout(render_text(result, shown=shown))


@app.command("list")
def list_(
    tag: list[str] = typer.Option(
        [],
        "--tag",
        help="Only scenarios with this tag (repeatable: any of them).",
        autocompletion=complete.library_tags,
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        metavar="TAG",
        help="Only scenarios with a reply in this language (or a close variant of it).",
        autocompletion=complete.library_languages,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    templates_dir: list[Path] = typer.Option([], "--templates-dir", metavar="DIR", help=TEMPLATES_DIR_HELP),
) -> int:
    """List every scenario: id, title, tags, languages and where it comes from."""
    from replykit.cli.catalogue import list_row, list_table, list_tsv, select
    from replykit.pipeline import library_for

    loaded, problems = library_for(templates_dir).load_all()
    rows = select(loaded, tags=tag, lang=lang)
    if as_json:
        console.write_stdout(dumps_json([list_row(e, s) for e, s in rows]))
    elif sys.stdout is not None and sys.stdout.isatty():
        import shutil

        styled = not os.environ.get("NO_COLOR")
        console.write_stdout(list_table(rows, width=shutil.get_terminal_size().columns, styled=styled))
    else:
        console.write_stdout(console.inert(list_tsv(rows)))
    for problem in problems:
        console.error(problem)
    return errors.SCENARIO_INVALID if problems else errors.OK


@app.command()
def show(
    scenario_id: str = typer.Argument(..., metavar="SCENARIO", autocompletion=complete.scenario_argument),
    lang: str | None = typer.Option(
        None,
        "--lang",
        metavar="TAG",
        help="Language of the preview, such as de.",
        autocompletion=complete.scenario_languages,
    ),
    channel: str | None = typer.Option(
        None, "--channel", metavar="CHANNEL", help="Preview the reply as it reads on this channel (amazon, ebay, ...)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    profile_name: str | None = typer.Option(
        None, "--profile", metavar="NAME", help="Preview with this profile's values (default: the active profile)."
    ),
    templates_dir: list[Path] = typer.Option([], "--templates-dir", metavar="DIR", help=TEMPLATES_DIR_HELP),
) -> None:
    """Show a scenario: its fields, channels, advice for this kind of dispute, and a preview.

    The preview uses the example values in the preview's language, with the active profile's
    values (your seller name and store) in their place where the profile sets them.
    """
    from replykit.cli.catalogue import show_document, show_text, source_label
    from replykit.config import active_profile
    from replykit.packs.languages import choose_language
    from replykit.packs.scenario import example_values
    from replykit.pipeline import Composer, library_for

    composer = Composer(library_for(templates_dir))
    scenario = composer.scenario(scenario_id)
    profile = active_profile(option=profile_name)
    wanted = lang or profile.lang
    channel = channel or profile.values.get("channel")
    examples = example_values(scenario, choose_language(scenario, wanted, source="--lang").language)
    # The profile's values (the seller's name and store) come before the examples.
    shown = {**examples, **{k: v for k, v in profile.field_values.items() if k in examples}}
    preview = composer.compose(
        scenario_id, cli=shown, profile=profile, lang=lang, channel=channel, on_notice=console.warn
    ).reply
    source = source_label(composer.library.entries()[scenario_id], scenario)
    if as_json:
        document = show_document(scenario, source=source, preview=preview)
        console.write_stdout(dumps_json(document))
    else:
        console.write_stdout(console.inert(show_text(scenario, source=source, preview=preview, channel=channel)))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@app.command()
def check(
    scenario_ids: list[str] = typer.Argument(
        None,
        metavar="[SCENARIO]...",
        help="Scenarios to check (default: every one in the --templates-dir packs, else all).",
        autocompletion=complete.scenario_ids,
    ),
    templates_dir: list[Path] = typer.Option([], "--templates-dir", metavar="DIR", help=TEMPLATES_DIR_HELP),
    lang: str | None = typer.Option(None, "--lang", metavar="TAG", help="Check only this language (or its closest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as JSON for scripts."),
) -> int:
    """Check scenarios: YAML and format, every language in every branch, names, filters and the library's rules."""
    from replykit.check import ERROR, check_scenarios
    from replykit.cli.catalogue import problem_text
    from replykit.pipeline import library_for

    library = library_for(templates_dir)
    ids = list(scenario_ids or []) or [
        entry.id for entry in library.entries().values() if not templates_dir or entry.pack.origin == "--templates-dir"
    ]
    problems = check_scenarios(library, ids, lang=lang, partial_roots=templates_dir)
    errors_found = sum(p.severity == ERROR for p in problems)
    if as_json:
        document = {"checked": ids, "problems": [p.as_dict() for p in problems]}
        console.write_stdout(dumps_json(document))
    else:
        for problem in problems:
            sys.stderr.write(console.inert(problem_text(problem)))
        warnings_found = len(problems) - errors_found
        counts = f"{_count(errors_found, 'error')}, {_count(warnings_found, 'warning')}"
        console.note(f"checked {_count(len(ids), 'scenario')}: {counts}")
    return errors.SCENARIO_INVALID if errors_found else errors.OK


@app.command()
def lint(
    source: str = typer.Argument("-", metavar="[FILE]", help="The text to check; '-' (the default) reads stdin."),
    channel: str | None = typer.Option(
        None, "--channel", metavar="CHANNEL", help="amazon, ebay, aliexpress, etsy, walmart or email."
    ),
    allow: list[str] = typer.Option([], "--allow", metavar="RULE", help="Accept one rule on purpose (repeatable)."),
    public: bool = typer.Option(False, "--public", help="The text is a public reply (an eBay answer to feedback)."),
    order_id: str | None = typer.Option(None, "--order-id", metavar="ID", help="The order the reply is about."),
    lang: str | None = typer.Option(None, "--lang", metavar="TAG", help="The language the text is written in."),
    buyer_lang: str | None = typer.Option(None, "--buyer-lang", metavar="TAG", help="The buyer's language."),
    rules: bool = typer.Option(False, "--rules", help="List every rule: id, severity per channel, and source."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> int:
    """Check any text, such as a reply typed by hand, against a channel's rules; exit 12 on an error-level finding."""
    from replykit.channels.lint import lint as lint_text
    from replykit.channels.lint import rules_table
    from replykit.errors import UsageError
    from replykit.files import read_limited
    from replykit.limits import MAX_DATA_FILE_BYTES
    from replykit.pipeline import finding_text

    if rules:
        table = rules_table()
        if as_json:
            console.write_stdout(dumps_json([
                {"id": r.id, "family": r.family, "message": r.message, "fix": r.fix,
                 "channels": {u.channel: {"severity": u.severity, "source": u.source} for u in r.channels}}
                for r in table
            ]))  # fmt: skip
        else:
            lines = []
            for r in table:
                lines.append(f"{r.id} ({r.family}): {r.message}")
                lines += [f"    {u.channel}: {u.severity} - {u.source}" for u in r.channels]
            console.write_stdout(console.inert("\n".join(lines) + "\n"))
        return errors.OK
    if channel is None:
        raise UsageError("lint needs --channel", hint="for example: replykit lint --channel amazon reply.txt")
    from replykit.errors import InvalidValue
    from replykit.packs.yamlio import decode

    label = "<stdin>" if source == "-" else source

    def not_text(message: str, line: int | None) -> InvalidValue:
        return InvalidValue(f"{label}: {message}", hint="lint reads UTF-8 text; convert it first, such as with iconv")

    if source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        raw = stream.read(MAX_DATA_FILE_BYTES + 1)[:MAX_DATA_FILE_BYTES] if stream is not None else b""
    else:
        raw = read_limited(Path(source), MAX_DATA_FILE_BYTES, label=source)
    text = decode(raw, error=not_text)  # a UTF-16 or Latin-1 text read as UTF-8 would hide what it says
    found = lint_text(text, channel=channel, public=public, order_id=order_id, reply_lang=lang,
                      buyer_lang=buyer_lang, allow=frozenset(allow))  # fmt: skip
    if as_json:
        console.write_stdout(dumps_json([
            {"rule": f.rule, "severity": f.severity, "line": f.span.line, "start": f.span.start, "end": f.span.end,
             "excerpt": f.span.excerpt, "message": f.message, "fix": f.fix}
            for f in found
        ]))  # fmt: skip
    else:
        console.write_stdout(console.inert("".join(f"{f.severity}: {finding_text(f)}\n" for f in found)))
    return errors.CHANNEL_RULES if any(f.severity == "error" for f in found) else errors.OK


BATCH_EPILOG = "Run 'replykit batch SCENARIO ORDERS --help' to see that scenario's fields."
ORDERS_PANEL = "Orders"


class BatchCommand(RenderCommand):
    """``batch``: like render, the scenario's fields become options (one value for every order)."""

    options_table = BATCH
    fields_epilog = BATCH_EPILOG


class BatchFormat(str, Enum):
    """The values of batch's --format (replykit.batch.writers.FORMATS)."""

    jsonl = "jsonl"
    csv = "csv"
    mbox = "mbox"
    maildir = "maildir"
    eml = "eml"


@app.command(cls=BatchCommand, context_settings={"ignore_unknown_options": False}, epilog=BATCH_EPILOG)
def batch(
    ctx: typer.Context,
    scenario_id: str = typer.Argument(
        ..., metavar="SCENARIO", help="Scenario id (see 'replykit list').", autocompletion=complete.scenario_argument
    ),
    orders: str = typer.Argument(
        ..., metavar="ORDERS", help="The export: CSV, TSV or JSON Lines (UTF-8, or UTF-16 with a BOM); '-' reads stdin."
    ),
    set_: list[str] = typer.Option(
        [], "--set", metavar="FIELD=VALUE", help="Give a field one value for every order (repeatable)."
    ),
    preset: str | None = typer.Option(
        None,
        "--preset",
        metavar="NAME",
        rich_help_panel=ORDERS_PANEL,
        help="Read the documented columns of an export: shopify, ebay, amazon or woo.",
    ),
    map_: list[str] = typer.Option(
        [],
        "--map",
        metavar="FIELD=COLUMN",
        rich_help_panel=ORDERS_PANEL,
        help="Read a field (or to, lang, order_id, country) from a column (repeatable).",
    ),
    where: list[str] = typer.Option(
        [],
        "--where",
        metavar="COLUMN=VALUE",
        rich_help_panel=ORDERS_PANEL,
        help="Only orders whose column holds this value, ignoring case (repeatable).",
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        metavar="TAG",
        help="Language of orders whose ship country gives none (default: the profile's).",
    ),
    lang_column: str | None = typer.Option(
        None, "--lang-column", metavar="COLUMN", help="Read each order's language from this column."
    ),
    channel: str | None = typer.Option(
        None,
        "--channel",
        metavar="CHANNEL",
        help="Check every reply against a marketplace's rules (default: the profile's channel).",
    ),
    allow: list[str] = typer.Option(
        [], "--allow", metavar="RULE", help="Accept one channel rule on purpose (repeatable)."
    ),
    fmt: BatchFormat = typer.Option(
        "jsonl",
        "--format",
        metavar="FORMAT",
        rich_help_panel=OUTPUT_PANEL,
        case_sensitive=False,
        help="jsonl (one object per order), csv (for mail merge), mbox, maildir or eml (a folder of drafts).",
    ),
    sender: str | None = typer.Option(
        None,
        "--from",
        metavar="ADDRESS",
        rich_help_panel=OUTPUT_PANEL,
        help=f"Sender of the mbox, maildir and eml drafts (default: ${SENDER_ENV}, else the profile's).",
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="PATH",
        rich_help_panel=OUTPUT_PANEL,
        help="Write to PATH (atomically) instead of stdout.",
    ),
    rejects: Path | None = typer.Option(
        None,
        "--rejects",
        metavar="FILE",
        rich_help_panel=OUTPUT_PANEL,
        help="Write the rejected orders' rows, with a reason column, to FILE.",
    ),
    force: bool = typer.Option(
        False, "--force", rich_help_panel=OUTPUT_PANEL, help="Let --output and --rejects replace existing files."
    ),
    profile: str | None = typer.Option(
        None,
        "--profile",
        metavar="NAME",
        help="Seller profile (default: $REPLYKIT_PROFILE, else default_profile).",
        autocompletion=complete.profile_names,
    ),
) -> int:
    """Write one reply for every order of a marketplace export, each in its buyer's language.

    Rejected orders are reported on stderr (and kept by --rejects); the run goes on, and exits 13.
    """  # fmt: skip
    from replykit.batch.run import BatchRequest, run_batch, write_batch
    from replykit.batch.writers import MAIL_FORMATS, RejectsWriter, open_writer

    composer: Composer = ctx.meta[_COMPOSER_KEY]
    mail = fmt.value in MAIL_FORMATS
    request = BatchRequest(
        scenario_id,
        orders,
        fields=ctx.meta[_FIELD_VALUES_KEY],
        assignments=tuple(set_),
        preset=preset,
        maps=tuple(map_),
        where=tuple(where),
        lang=lang,
        lang_column=lang_column,
        profile=profile,
        channel=channel,
        allow=tuple(allow),
        needs_to=mail,
    )
    from_ = _batch_sender(sender, mail=mail, fmt=fmt.value, profile=profile)
    _distinct_files(orders, output, rejects)
    run = run_batch(request, composer=composer)
    try:
        writer = open_writer(fmt.value, output, force=force, sender=from_, stdout=console.write_stdout,
                             fields=[f.name for f in run.scenario.fields])  # fmt: skip
        try:
            sink = RejectsWriter(rejects, run.export, force=force) if rejects is not None else None
        except BaseException:
            writer.abort()
            raise
    except BaseException:
        run.close()
        raise
    with _progress(run) as on_progress, _terminate_as_interrupt():
        summary = write_batch(run, writer, rejects=sink, on_rejected=_report_rejected, on_progress=on_progress)
    if summary.written + summary.rejected + summary.skipped == 0:
        console.note(f"{run.export.label} has a header and no orders")
    left_out = f", {summary.skipped} left out by --where" if summary.skipped else ""
    console.note(f"batch: {summary.written} written, {summary.rejected} rejected{left_out}")
    return errors.ROWS_REJECTED if summary.rejected else errors.OK


def _batch_sender(sender: str | None, *, mail: bool, fmt: str, profile: str | None) -> Any:
    """The From of mail drafts, checked before any row is read; --from is refused for jsonl and csv."""
    from replykit.errors import UsageError

    if not mail:
        if sender is not None:
            raise UsageError(f"--from is not used by --format {fmt}", hint="use it with --format mbox, maildir or eml")
        return None
    from replykit.config import active_profile
    from replykit.output.addresses import parse_mailbox
    from replykit.output.delivery import sender_address

    found = sender_address(option=sender, environ=os.environ, profile=active_profile(option=profile))
    if found is None:
        raise UsageError(
            "mail drafts need a sender",
            hint=f"pass --from shop@example.com, set {SENDER_ENV}, or run 'replykit config set from ADDRESS'",
        )
    return parse_mailbox(found[1], found[0])


def _distinct_files(orders: str, output: Path | None, rejects: Path | None) -> None:
    """Refuse, even with --force, an --output or --rejects that is the export itself, or each other."""
    from replykit.errors import UsageError

    def same(a: Path, b: Path) -> bool:
        try:
            return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
        except OSError:
            return False

    named = [(f"--output {output}", output), (f"--rejects {rejects}", rejects)]
    for what, path in named:
        if path is not None and orders != "-" and same(path, Path(orders)):
            raise UsageError(f"{what}: is the export being read", hint="write the replies and rejects to other files")
    if output is not None and rejects is not None and same(output, rejects):
        raise UsageError(f"--rejects {rejects}: is also --output", hint="give --rejects a file of its own")


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While a batch writes, SIGTERM (kill, timeout) stops it as Ctrl-C does: its output is
    aborted, so no temporary file or folder is left behind."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise errors.Interrupted("stopped by SIGTERM; nothing was written")

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: nothing to catch it with
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _report_rejected(item: Any) -> None:
    from replykit.batch.exports import shown_order_id

    order = item.order
    who = f", order {shown_order_id(order.order_id)}" if order.order_id else ""
    console.say("rejected", f"{order.where}{who}: {item.reason}")


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(run: Any) -> Any:
    """A Rich progress bar on stderr, by bytes of the export read, when stderr is a terminal; else nothing."""
    if sys.stderr is None or not sys.stderr.isatty():
        return _NoProgress()
    from contextlib import contextmanager

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def bar() -> Any:
        progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[counts]}"), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=True,
        )  # fmt: skip
        task = progress.add_task("batch", total=run.export.size, counts="")

        def update(current: Any, summary: Any) -> None:
            progress.update(task, completed=current.export.consumed,
                            counts=f"{summary.written} written, {summary.rejected} rejected")  # fmt: skip

        with progress:
            yield update

    return bar()


def main() -> None:
    """Console-script entry point."""
    typer.main.get_command(app).main(prog_name="replykit")


register_setup_commands(app)
