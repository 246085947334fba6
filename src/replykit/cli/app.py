"""The command line: argv in, one call into the core, bytes out; errors become exit codes here."""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer._click.core import Context, Parameter  # Typer 0.28 vendors Click here.
from typer._click.exceptions import ClickException
from typer.core import TyperCommand, TyperGroup, TyperOption

from replykit import errors
from replykit.cli import complete
from replykit.errors import MissingFields, ReplykitError
from replykit.output.formats import FORMATS, REPLY_TO_ENV, SENDER_ENV

FIELD_PANEL = "Scenario fields"
RENDER_EPILOG = "Run 'replykit render SCENARIO --help' to see that scenario's fields."
_SCENARIO_KEY = "replykit.packs.scenario"
_FIELD_PARAMS_KEY = "replykit.field_params"
_FIELD_VALUES_KEY = "replykit.field_values"


class _BrokenPipe(Exception):
    """stdout's reader went away (``| head -1``): stop quietly."""


def write_stdout(text: str) -> None:
    """Write the product to stdout as UTF-8 bytes, untouched by Rich or the locale."""
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
        sys.stdout.flush()
    except BrokenPipeError:
        raise _BrokenPipe from None


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def report(message: str, *, style: str = "bold red", label: str = "error") -> None:
    """Print a message on stderr; colour only on a terminal, never with NO_COLOR."""
    from rich.text import Text

    console = _stderr_console()
    text = Text()
    text.append(f"{label}: ", style=style)
    text.append(message)
    console.print(text)


def warn(message: str) -> None:
    report(message, style="bold yellow", label="warning")


class ReplykitGroup(TyperGroup):
    """The top-level command: runs the CLI and turns every failure into a message and an exit code."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> NoReturn:  # fmt: skip
        try:
            code = super().main(args=args, prog_name=prog_name or "replykit", complete_var=complete_var,
                                standalone_mode=False, **extra)  # fmt: skip
        except ReplykitError as exc:
            report(exc.message)
            if exc.hint:
                report(exc.hint, style="bold", label="hint")
            code = exc.exit_code
        except ClickException as exc:
            exc.show()
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt, EOFError):
            sys.stderr.write("\naborted\n")
            code = errors.INTERRUPTED
        except _BrokenPipe:
            # Point stdout at /dev/null so the interpreter's final flush cannot complain.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = errors.BROKEN_PIPE
        sys.exit(code if isinstance(code, int) else 0)


def _field_params(scenario: Any) -> list[Parameter]:
    from replykit.cli.catalogue import field_summary

    return [
        TyperOption(
            param_decls=[field.option, field.name],
            type=str,
            default=None,
            metavar="TEXT" if field.type == "text" else field.type.upper(),
            help=f"{field.help} ({field_summary(field)})",
            rich_help_panel=FIELD_PANEL,
            autocompletion=complete.field_choices(field),
        )
        for field in scenario.fields
    ]


def _templates_dirs(args: list[str]) -> tuple[Path, ...]:
    dirs: list[Path] = []
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--templates-dir" and i + 1 < len(args):
            dirs.append(Path(args[i + 1]))
        elif arg.startswith("--templates-dir="):
            dirs.append(Path(arg.split("=", 1)[1]))
    return tuple(dirs)


class RenderCommand(TyperCommand):
    """``render``: adds the chosen scenario's fields as options before parsing the rest."""

    def _scenario_arg(self, ctx: Context, args: list[str]) -> str | None:
        takes_value = {
            opt for p in self.get_params(ctx) if isinstance(p, TyperOption) and not p.is_flag for opt in p.opts
        }
        flags = {opt for p in self.get_params(ctx) if isinstance(p, TyperOption) and p.is_flag for opt in p.opts}
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                return args[i + 1] if i + 1 < len(args) else None
            if arg.startswith("-") and arg != "-":
                # Every option takes a value except the known flags; '--opt=value' carries its own.
                i += 1 if ("=" in arg or arg in flags or (arg not in takes_value and arg.startswith("-h"))) else 2
                continue
            return arg
        return None

    def get_params(self, ctx: Context) -> list[Parameter]:
        return super().get_params(ctx) + ctx.meta.get(_FIELD_PARAMS_KEY, [])

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        scenario_id = self._scenario_arg(ctx, args)
        if scenario_id:
            from replykit.packs.library import Library, search_path

            try:
                library = Library(search_path(templates_dirs=_templates_dirs(args)))
                scenario = library.find(scenario_id)
            except ReplykitError:
                if not ctx.resilient_parsing:  # shell completion: no scenario, no field options
                    raise
            else:
                ctx.meta[_SCENARIO_KEY] = (library, scenario)
                ctx.meta[_FIELD_PARAMS_KEY] = _field_params(scenario)
        return super().parse_args(ctx, args)

    def format_help(self, ctx: Context, formatter: Any) -> None:
        # With a scenario on the line, its fields are on this very page.
        self.epilog = None if _SCENARIO_KEY in ctx.meta else RENDER_EPILOG
        super().format_help(ctx, formatter)

    def invoke(self, ctx: Context) -> Any:
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

        write_stdout(f"replykit {__version__}\n")
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


TEMPLATES_DIR_HELP = "Extra folder of scenarios, searched first (repeatable)."
OUTPUT_PANEL = "Output"
OutputFormat = Enum("OutputFormat", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]
MAIL_PANEL = "Email (--format eml or mailto)"


def _interactive(no_input: bool) -> bool:
    return not no_input and sys.stdin is not None and sys.stdin.isatty()


def _prompt_missing(scenario: Any, missing: tuple[str, ...], values: dict[str, str]) -> None:
    """Ask on stderr for each missing required field, re-asking until the value is valid."""
    for name in missing:
        field = scenario.field(name)
        while True:
            # Not typer.prompt: Click's prompt writes a space to stdout, which carries only the reply.
            sys.stderr.write(f"{field.name} ({field.help}): " if field.help else f"{field.name}: ")
            sys.stderr.flush()
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            raw = line.rstrip("\r\n")
            try:
                field.parse(raw)
            except ValueError as exc:
                report(f"{field.name}: {raw!r}: {exc}")
                continue
            values[name] = raw
            break


@app.command(
    cls=RenderCommand,
    context_settings={"ignore_unknown_options": False},
    epilog=RENDER_EPILOG,
)
def render(
    ctx: typer.Context,
    scenario_id: str = typer.Argument(
        ..., metavar="SCENARIO", help="Scenario id (see 'replykit list').", autocompletion=complete.scenario_argument
    ),
    set_: list[str] = typer.Option([], "--set", metavar="FIELD=VALUE", help="Set a field (repeatable)."),
    data: str | None = typer.Option(
        None, "--data", metavar="FILE", help="Read field values from a YAML or JSON file; '-' reads stdin."
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        metavar="TAG",
        help="Language of the reply (de, pt-BR, pt_BR), or else the closest one.",
        autocompletion=complete.scenario_languages,
    ),
    templates_dir: list[Path] = typer.Option([], "--templates-dir", metavar="DIR", help=TEMPLATES_DIR_HELP),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt for missing fields, even on a terminal."),
    fmt: OutputFormat = typer.Option(  # type: ignore[valid-type]
        "text",
        "--format",
        metavar="FORMAT",
        rich_help_panel=OUTPUT_PANEL,
        case_sensitive=False,
        help="text (the body), markdown, json, subject (one line), eml (an email draft) or mailto (a URL).",
    ),
    copy: bool = typer.Option(
        False, "--copy", help="Also put the reply on the clipboard.", rich_help_panel=OUTPUT_PANEL
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Print nothing on stdout (with --copy).", rich_help_panel=OUTPUT_PANEL
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        rich_help_panel=OUTPUT_PANEL,
        help="Write the reply to FILE instead of stdout.",
        dir_okay=False,
    ),
    force: bool = typer.Option(
        False, "--force", help="Let --output replace an existing file.", rich_help_panel=OUTPUT_PANEL
    ),
    to: list[str] = typer.Option(
        [],
        "--to",
        metavar="ADDRESS",
        rich_help_panel=MAIL_PANEL,
        help="Recipient, as buyer@example.com or 'Name <buyer@example.com>' (repeatable).",
    ),
    sender: str | None = typer.Option(
        None,
        "--from",
        metavar="ADDRESS",
        rich_help_panel=MAIL_PANEL,
        help=f"Sender of an eml draft (default: ${SENDER_ENV}).",
    ),
    cc: list[str] = typer.Option(
        [], "--cc", metavar="ADDRESS", help="Copy recipient (repeatable).", rich_help_panel=MAIL_PANEL
    ),
    reply_to: str | None = typer.Option(
        None,
        "--reply-to",
        metavar="ADDRESS",
        rich_help_panel=MAIL_PANEL,
        help=f"Reply-To of an eml draft (default: ${REPLY_TO_ENV}).",
    ),
    in_reply_to: str | None = typer.Option(
        None,
        "--in-reply-to",
        metavar="MESSAGE-ID",
        rich_help_panel=MAIL_PANEL,
        help="The buyer's Message-ID, to thread the reply onto it.",
    ),
    profile: str | None = typer.Option(
        None,
        "--profile",
        metavar="NAME",
        help="Seller profile (default: $REPLYKIT_PROFILE, else default_profile).",
        autocompletion=complete.profile_names,
    ),
) -> None:
    """Render a scenario's reply and print it on stdout, or copy it, save it, or make it an email."""
    from replykit.config import active_profile
    from replykit.packs.fields import parse_assignments, read_data, resolve_values, unused_keys
    from replykit.packs.languages import choose_language
    from replykit.rendering.templates import render_scenario

    library, scenario = ctx.meta[_SCENARIO_KEY]
    seller = active_profile(option=profile)
    values = {**ctx.meta[_FIELD_VALUES_KEY], **parse_assignments(set_, scenario.fields)}
    file_values = read_data(data, stdin=sys.stdin) if data else {}
    extra = unused_keys(scenario.fields, file_values)
    if extra:
        warn(f"--data: {scenario.id} has no field{'s' if len(extra) > 1 else ''} {', '.join(extra)}; ignored")
    choice = choose_language(scenario, lang or seller.lang, source="--lang" if lang else "profile lang")
    if choice.notice:
        warn(choice.notice)
    try:
        resolved = resolve_values(scenario.fields, cli=values, data=file_values, profile=seller.field_values)
    except MissingFields as exc:
        if not _interactive(no_input) or data == "-":
            raise
        _prompt_missing(scenario, exc.missing, values)
        resolved = resolve_values(scenario.fields, cli=values, data=file_values, profile=seller.field_values)
    reply = render_scenario(scenario, resolved, lang=choice.language, roots=library.roots)
    from replykit.config import sender_address
    from replykit.output.formats import produce

    text = produce(reply, fmt=fmt.value, to=to, cc=cc, sender=sender, reply_to=reply_to, in_reply_to=in_reply_to,
                   environ=os.environ, default_sender=sender_address(seller))  # fmt: skip
    _deliver(text, copy=copy, quiet=quiet, output=output, force=force)


def _deliver(text: str, *, copy: bool, quiet: bool, output: Path | None, force: bool) -> None:
    """Send the finished reply to a file or stdout, and to the clipboard if asked.

    When the clipboard cannot be reached the reply still goes to stdout (even with --quiet),
    so it is never lost, and the clipboard error decides the exit code.
    """
    from replykit.errors import ClipboardUnavailable

    if output is not None:
        from replykit.output.formats import write_atomic

        write_atomic(output, text, force=force)
        if not quiet:
            report(f"wrote {output}", style="bold", label="note")
    failure: ClipboardUnavailable | None = None
    if copy:
        from replykit.output.clipboard import OSC52
        from replykit.output.clipboard import copy as copy_to_clipboard

        try:
            used = copy_to_clipboard(text)
        except ClipboardUnavailable as exc:
            failure = exc
        else:
            if used == OSC52:
                message = "sent to the terminal's clipboard with OSC 52 (tmux needs: set -g set-clipboard on)"
            else:
                message = f"copied to the clipboard with {used}"
            if not quiet:
                report(message, style="bold", label="note")
    if output is None and (not quiet or failure is not None):
        write_stdout(text)
    if failure is not None:
        raise failure


def _load_all(templates_dir: list[Path]) -> tuple[list[Any], list[ReplykitError]]:
    from replykit.packs.library import Library, search_path

    return Library(search_path(templates_dirs=tuple(templates_dir))).load_all()


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
    from replykit.cli.catalogue import list_row, source_label

    loaded, problems = _load_all(templates_dir)
    wanted = set(tag)
    rows = [(entry, sc) for entry, sc in loaded if not wanted or wanted & set(sc.tags)]
    if lang:
        from replykit.packs.languages import match_language

        every = sorted({language for _, sc in loaded for language in sc.languages})
        match_language(lang, every)  # a malformed or unknown tag is an error, not an empty list
        rows = [(entry, sc) for entry, sc in rows if match_language(lang, sc.languages).language]
    if as_json:
        write_stdout(json.dumps([list_row(e, s) for e, s in rows], ensure_ascii=False, indent=2) + "\n")
    elif sys.stdout.isatty():
        import shutil

        from replykit.cli.catalogue import list_table

        write_stdout(list_table(rows, width=shutil.get_terminal_size().columns, styled=True))
    else:
        write_stdout(
            "".join(
                f"{sc.id}\t{sc.title}\t{','.join(sc.tags)}\t{','.join(sc.languages)}\t{source_label(entry)}\n"
                for entry, sc in rows
            )
        )
    for problem in problems:
        report(str(problem))
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
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    templates_dir: list[Path] = typer.Option([], "--templates-dir", metavar="DIR", help=TEMPLATES_DIR_HELP),
) -> None:
    """Show a scenario: its fields, advice for this kind of dispute, and a preview."""
    from replykit.cli.catalogue import field_dict, show_text, source_label
    from replykit.packs.fields import resolve_values
    from replykit.packs.languages import choose_language
    from replykit.packs.library import Library, search_path
    from replykit.rendering.templates import render_scenario
    from replykit.packs.scenario import ADVICE_SECTIONS, example_values

    library = Library(search_path(templates_dirs=tuple(templates_dir)))
    scenario = library.find(scenario_id)
    entry = library.entries()[scenario_id]
    choice = choose_language(scenario, lang)
    if choice.notice:
        warn(choice.notice)
    values = resolve_values(scenario.fields, cli=example_values(scenario))
    reply = render_scenario(scenario, values, lang=choice.language, roots=library.roots)
    if as_json:
        document = {
            "id": scenario.id,
            "title": scenario.title,
            "summary": scenario.summary,
            "tags": list(scenario.tags),
            "languages": list(scenario.languages),
            "language": scenario.language,
            "source": source_label(entry),
            "fields": [field_dict(f) for f in scenario.fields],
            "advice": {ADVICE_SECTIONS[k]: list(v) for k, v in scenario.advice},
            "preview": {"language": reply.language, "subject": reply.subject, "body": reply.body},
        }
        write_stdout(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    write_stdout(show_text(scenario, source=source_label(entry), preview=reply))


def main() -> None:
    """Console-script entry point."""
    typer.main.get_command(app).main(prog_name="replykit")


from replykit.cli.setup_commands import register as _register_setup_commands  # noqa: E402 - needs app

_register_setup_commands(app)
