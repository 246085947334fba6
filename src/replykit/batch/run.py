"""The batch as a Python API: one reply per order of an export, through the same pipeline as ``render``.

From a notebook, pandas or a Spark job::

    from replykit.batch.run import BatchRequest, compose_reply, run_batch

    reply = compose_reply("late-delivery", {"name": "Alice", "expected_date": "2026-12-03"}, lang="de")
    print(reply.reply.subject, reply.reply.body)

    for item in run_batch(BatchRequest("late-delivery", "orders.csv", preset="shopify")):
        ...  # a Written (item.reply) or a Rejected (item.reason, item.code)

Each order's values: the command line (field options, ``--set``) > the order's row > the
profile > the field's default, as in ``render``. Its language: ``--lang-column``, else the
ship country through ``replykit.batch.countries``, else ``--lang``, else the profile's,
else the scenario's default. One Composer serves the whole batch, so each language's
template is compiled once. Errors about the whole run (unknown scenario, preset or channel,
a column the file lacks, a bad ``--set``) are raised by ``run_batch`` before any row is
read; an order that fails (a missing or bad value, an unknown language, a channel rule)
becomes a Rejected with the message and the exit code ``render`` would give, and the run goes on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

from replykit.batch.model import Order, Rejected, Writer, Written
from replykit.errors import (
    INVALID_VALUE,
    Interrupted,
    InvalidAddress,
    InvalidValue,
    MissingFields,
    ReplykitError,
    UnsafeHeader,
    UsageError,
)

if TYPE_CHECKING:
    from replykit.batch.exports import Columns, Export, OrderReader
    from replykit.channels.lint import Finding
    from replykit.config import Profile
    from replykit.output.addresses import Mailbox
    from replykit.packs.scenario import Scenario
    from replykit.pipeline import Composer


@dataclass(frozen=True)
class BatchRequest:
    """One batch as the command line asks for it, before anything is checked.

    ``orders``: the export's path, or '-' for stdin. ``fields``: field name -> text for every
    order (field options); ``assignments``: ``--set FIELD=VALUE``. ``preset``: shopify, ebay,
    amazon or woo; ``maps``: ``--map FIELD=COLUMN``; ``where``: ``--where COLUMN=VALUE``
    (an order is kept when each named column holds one of the values given for it, compared
    without case). ``lang`` and ``lang_column`` exclude each other. ``channel``: where the
    replies go (default: the profile's); ``allow``: channel rule ids accepted on purpose.
    ``needs_to``: every order must have an address (mail output).
    """

    scenario_id: str
    orders: str
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    assignments: tuple[str, ...] = ()
    preset: str | None = None
    maps: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    lang: str | None = None
    lang_column: str | None = None
    profile: str | None = None
    templates_dirs: tuple[Path, ...] = ()
    channel: str | None = None
    allow: tuple[str, ...] = ()
    needs_to: bool = False


class BatchRun(Iterator["Written | Rejected"]):
    """A batch under way: iterate it for one Written or Rejected per order, in the export's order.

    ``export``: the open export (its format, encoding, header, and bytes read so far for
    progress); ``skipped``: orders ``--where`` left out so far; ``profile`` and ``channel``
    as applied. The export is closed when the iteration ends or on ``close()``.
    """

    def __init__(
        self,
        *,
        composer: Composer,
        scenario: Scenario,
        profile: Profile,
        export: Export,
        columns: Columns,
        reader: OrderReader,
        cli: dict[str, str],
        request: BatchRequest,
        channel: str | None,
    ) -> None:
        self.composer = composer
        self.scenario = scenario
        self.profile = profile
        self.export = export
        self.columns = columns
        self.channel = channel
        self._reader = reader
        self._cli = cli
        self._request = request
        self._fields = frozenset(f.name for f in scenario.fields)

    @property
    def skipped(self) -> int:
        return self._reader.skipped

    def __next__(self) -> Written | Rejected:
        try:
            order = next(self._reader)
        except BaseException:
            self.close()
            raise
        if order.problem:
            return Rejected(order, order.problem, INVALID_VALUE)
        try:
            return self._compose(order)
        except Interrupted:
            raise  # the run is stopping (Ctrl-C, SIGTERM), not this order failing
        except MissingFields as exc:
            names = ", ".join(exc.missing)
            plural = "s" if len(exc.missing) > 1 else ""
            rows = "rows give" if len(order.rows) > 1 else "row gives"
            reason = f"missing required field{plural}: {names} (this order's {rows} no value; "
            reason += "fill the column, or give every order one with --set FIELD=VALUE)"
            return Rejected(order, reason, exc.exit_code)
        except ReplykitError as exc:
            return Rejected(order, one_line(exc), exc.exit_code)

    def close(self) -> None:
        """Close the export."""
        self.export.close()

    def _compose(self, order: Order) -> Written:
        lang, source, fallback = self._language(order)
        order = dataclasses.replace(order, lang=lang, lang_source=source)
        data = {k: v for k, v in order.values.items() if k in self._fields}
        to = _mailboxes(order, self.columns.get("to") or "to", needed=self._request.needs_to)
        return compose_order(
            self.composer,
            self.scenario.id,
            order,
            cli=self._cli,
            data=data,
            profile=self.profile,
            channel=self.channel,
            allow=self._request.allow,
            to=to,
            fallback=fallback,
        )

    def _language(self, order: Order) -> tuple[str | None, str, str]:
        """(language asked for, where it came from, why it fell back or '')."""
        from replykit.batch.countries import country_language

        if order.lang:
            return order.lang, order.lang_source, ""
        column = self._request.lang_column
        fallback = f"no language in column {column!r}" if column else ""
        country_column = self.columns.get("country")
        if order.country:
            found = country_language(order.country, self.scenario.languages)
            if found.language is not None:
                return found.language, f"ship country {order.country}", fallback
            fallback = "; ".join(filter(None, (fallback, found.problem)))
        elif country_column and country_column in self.export.header and not fallback:
            fallback = f"no ship country in column {country_column!r}"
        if self._request.lang:
            return self._request.lang, "--lang", fallback
        if self.profile.lang:
            return self.profile.lang, "profile lang", fallback
        return None, "scenario default", fallback


def compose_order(
    composer: Composer,
    scenario_id: str,
    order: Order,
    *,
    cli: Mapping[str, str],
    data: Mapping[str, Any],
    profile: Profile | None,
    channel: str | None = None,
    allow: Sequence[str] = (),
    to: tuple[Mailbox, ...] = (),
    fallback: str = "",
) -> Written:
    """Compose one order's reply and check it against its channel; raises what ``render`` would.

    ``order.lang`` is the language asked for (None: the scenario's default) and
    ``order.lang_source`` names it in messages; ``fallback`` says why it is not the order's
    own. Raises MissingFields, InvalidValue, UsageError (a malformed language tag),
    ChannelRulesBroken (a refusal or an error-level finding), ScenarioInvalid or SecurityViolation.
    """
    from replykit.pipeline import check_channel

    notices: list[str] = []
    composed = composer.compose(
        scenario_id,
        cli=cli,
        data=data,
        data_label=order.where,
        profile=profile,
        lang=order.lang,
        lang_source=order.lang_source or "--lang",
        channel=channel,
        on_notice=notices.append,
    )
    if fallback:
        notices.insert(0, f"{fallback}; the reply is in {composed.reply.language} ({order.lang_source})")
    findings: tuple[Finding, ...] = ()
    if channel:
        findings = check_channel(composed, channel=channel, buyer_lang=order.lang, allow=allow)
        notices += [f"{channel}: {f.message} [{f.rule}]" for f in findings]
    return Written(order, composed.reply, to=to, findings=findings, notices=tuple(notices))


def _mailboxes(order: Order, column: str, *, needed: bool) -> tuple[Mailbox, ...]:
    from replykit.output.addresses import parse_mailbox

    if needed and not order.to:
        raise UsageError(f"no address in column {column!r}; an email needs a recipient")
    return tuple(parse_mailbox(column, value) for value in order.to)


def one_line(exc: ReplykitError) -> str:
    """An error's message and hint on one line, for a rejected order's report and the rejects file."""
    text = exc.message.replace(":\n  ", ": ").replace("\n  ", "; ").replace("\n", "; ")
    return f"{text} ({exc.hint})" if exc.hint else text


def run_batch(
    request: BatchRequest,
    *,
    composer: Composer | None = None,
    stdin: IO[bytes] | None = None,
    environ: Mapping[str, str] | None = None,
) -> BatchRun:
    """Check the whole run, open the export, and return the iterator of its orders' outcomes.

    Everything that would fail every order is checked here, before any row is read, and
    raised: ScenarioNotFound or ScenarioInvalid, ConfigInvalid, UsageError (unknown preset,
    channel or rule, a malformed ``--set``, ``--map`` or ``--where``, a language tag that is
    not one, ``--lang`` with ``--lang-column``, a column the file lacks, naming the closest
    headers), InvalidValue (a bad field value for every order), ChannelRulesBroken (the
    scenario refuses the channel), InputOutputError or ExportInvalid (the file cannot be
    read: not found, empty, not UTF-8 or UTF-16 with a BOM). ``stdin``: the bytes of '-'.
    """
    import os

    from replykit.batch.exports import OrderReader, map_columns, open_export
    from replykit.config import active_profile
    from replykit.packs.fields import parse_assignments
    from replykit.packs.languages import match_language
    from replykit.pipeline import Composer, check_fit, library_for

    if request.lang and request.lang_column:
        raise UsageError(
            "--lang and --lang-column exclude each other",
            hint="--lang gives every order one language; --lang-column reads each order's from a column",
        )
    environ = os.environ if environ is None else environ
    composer = composer or Composer(library_for(request.templates_dirs))
    scenario = composer.scenario(request.scenario_id)
    if scenario.public and request.needs_to:
        raise UsageError(
            f"{scenario.id} is a public reply, posted below the review on the marketplace: "
            "it has no subject and is not mailed, so mail drafts do not apply",
            hint="use --format jsonl or csv",
        )
    profile = active_profile(option=request.profile, environ=environ)
    channel = request.channel or profile.values.get("channel")
    if channel:
        from replykit.channels.lint import lint

        lint("", channel=channel, allow=frozenset(request.allow))  # an unknown channel or rule id: UsageError
        check_fit(scenario, channel, {})
    if request.lang:
        match_language(request.lang, scenario.languages, source="--lang")
    cli = {**request.fields, **parse_assignments(list(request.assignments), scenario.fields)}
    _check_cli_values(scenario, cli)
    given = set(cli) | set(profile.field_values)
    needed = [f.name for f in scenario.fields if f.required and f.name not in given]
    if request.needs_to:
        needed.append("to")
    export = open_export(request.orders, stdin=stdin)
    try:
        columns = map_columns(
            export.header,
            fields=[f.name for f in scenario.fields],
            needed=needed,
            preset=request.preset,
            maps=request.maps,
            where=request.where,
            lang_column=request.lang_column,
            label=export.label,
            open_header=export.format == "jsonl",
        )
        _check_every_order_can_work(
            scenario, columns, cli, profile.field_values, channel, open_header=export.format == "jsonl"
        )
    except BaseException:
        export.close()
        raise
    reader = OrderReader(export, columns, list_fields=[f.name for f in scenario.fields if f.type == "list"])
    return BatchRun(
        composer=composer,
        scenario=scenario,
        profile=profile,
        export=export,
        columns=columns,
        reader=reader,
        cli=cli,
        request=request,
        channel=channel,
    )


def _check_every_order_can_work(
    scenario: Scenario,
    columns: Columns,
    cli: Mapping[str, str],
    profile: Mapping[str, str],
    channel: str | None,
    *,
    open_header: bool,
) -> None:
    """What would reject every order, found before any row is read: a required field that no
    option, profile key or column gives (MissingFields), or a choice the channel refuses made for
    every order, on the command line or by a default no column overrides (ChannelRulesBroken)."""
    from replykit.pipeline import check_fit

    from_columns = {f.name for f in scenario.fields if columns.get(f.name)}
    if not open_header:  # JSON Lines may name a key on any line; there the row decides
        missing = [
            f.name for f in scenario.fields if f.required and f.name not in cli and f.name not in profile
            and f.name not in from_columns
        ]  # fmt: skip
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise MissingFields(
                f"missing required field{plural}: {', '.join(missing)}: no option, profile key or column gives "
                f"{'them' if plural else 'it'}, so every order would be rejected",
                missing=tuple(missing),
                hint="give every order one with --set FIELD=VALUE, or read a column with --map FIELD=COLUMN"
                + ("" if columns.fields else " (no column matched: is --preset missing?)"),
            )
    if channel:
        fixed = {
            f.name: cli.get(f.name, profile.get(f.name, f.default))
            for f in scenario.fields
            if f.name in cli or (f.name not in from_columns and not open_header)
        }
        check_fit(scenario, channel, fixed)


def _check_cli_values(scenario: Scenario, cli: Mapping[str, str]) -> None:
    """A bad value on the command line would reject every order: report every one now instead."""
    problems = []
    for name, raw in cli.items():
        wanted = scenario.field(name)
        if wanted is None:
            continue
        try:
            wanted.parse(raw)
        except ValueError as exc:
            problems.append(f"{name} ({wanted.option}): {raw!r}: {exc}")
    if problems:
        raise InvalidValue("invalid value" + ("s" if len(problems) > 1 else "") + ":\n  " + "\n  ".join(problems))


class Summary(NamedTuple):
    """How a batch ended: orders written, rejected, and left out by ``--where``."""

    written: int
    rejected: int
    skipped: int


def write_batch(
    run: BatchRun,
    writer: Writer,
    *,
    rejects: RejectsSink | None = None,
    on_rejected: Callable[[Rejected], None] | None = None,
    on_progress: Callable[[BatchRun, Summary], None] | None = None,
) -> Summary:
    """Drive a batch to its end: each reply to ``writer``, each rejected order to ``rejects`` and
    ``on_rejected``; then commit both. A reply the writer cannot turn into a message (an address
    or header it refuses) rejects its order; on any other error (or Ctrl-C) both are aborted, so no
    partial file is left, and the error is raised. ``on_progress`` is called after every order. A
    writer of mail drafts (``Dated``) writes its Date in the profile's ``timezone``, if it has one."""
    written = rejected = 0
    try:
        zone = run.profile.values.get("timezone")
        if zone and isinstance(writer, Dated):
            writer.use_timezone(zone)
        for item in run:
            refused: Rejected | None = item if isinstance(item, Rejected) else None
            if isinstance(item, Written):
                try:
                    writer.write(item)
                    written += 1
                except (InvalidAddress, UnsafeHeader) as exc:  # this message cannot be made; the next may
                    refused = Rejected(item.order, one_line(exc), exc.exit_code)
            if refused is not None:
                rejected += 1
                if rejects is not None:
                    rejects.write(refused)
                if on_rejected is not None:
                    on_rejected(refused)
            if on_progress is not None:
                on_progress(run, Summary(written, rejected, run.skipped))
    except BaseException:
        writer.abort()
        if rejects is not None:
            rejects.abort()
        run.close()
        raise
    run.close()
    writer.commit()
    if rejects is not None:
        rejects.commit()
    return Summary(written, rejected, run.skipped)


@runtime_checkable
class Dated(Protocol):
    """A writer whose messages carry a Date (``replykit.batch.mail``): its time zone can be set before it writes."""

    def use_timezone(self, name: str) -> None: ...


class RejectsSink(Protocol):
    """Where rejected orders go (``replykit.batch.writers.RejectsWriter``): write each, then commit or abort."""

    def write(self, item: Rejected) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


def compose_reply(
    scenario_id: str,
    values: Mapping[str, Any],
    *,
    lang: str | None = None,
    channel: str | None = None,
    allow: Sequence[str] = (),
    profile: str | None = None,
    templates_dirs: Sequence[Path] = (),
    composer: Composer | None = None,
) -> Written:
    """Compose one reply in one call, for a notebook or a job that already holds its data.

    ``values``: field name -> value, as a row would give them (text; a list for a list field).
    ``lang``: a BCP 47 tag (default: the profile's, else the scenario's). ``channel`` and
    ``allow``: check the reply against that channel's rules. ``profile``: a profile name
    (default: the active one). Pass one ``composer`` (``pipeline.Composer``) to many calls to
    compile each template once. Returns a Written whose ``reply`` has ``subject``, ``body``,
    ``language`` and the parsed ``values``, and whose ``findings`` are the channel's warnings.
    Raises the errors ``render`` reports (MissingFields, InvalidValue, ChannelRulesBroken, ...).
    """
    from replykit.config import active_profile
    from replykit.pipeline import Composer, library_for

    composer = composer or Composer(library_for(tuple(templates_dirs)))
    active = active_profile(option=profile)
    order = Order(number=1, rows=(), order_id=str(values.get("order_id") or ""), values=dict(values), lang=lang,
                  lang_source="lang" if lang else "")  # fmt: skip
    channel = channel or active.values.get("channel")
    return compose_order(composer, scenario_id, order, cli={}, data=values, profile=active, channel=channel,
                         allow=allow)  # fmt: skip


__all__ = ["BatchRequest", "BatchRun", "Summary", "compose_reply", "run_batch", "write_batch"]
