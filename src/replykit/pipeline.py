"""The reply pipeline: from a scenario id and the values of each source to a rendered reply and its notices.

Every way to make a reply goes through here: ``render`` (both the fast path and the full
command line), and the commands that build many replies in one process. The order of
decisions lives in this module alone:

1. the scenario, from the library's search path;
2. its language: the one asked for (``--lang``, or another source the caller names), else
   the profile's ``lang``, else the scenario's default, negotiated to the closest it has;
3. each field's value: command line > data (a ``--data`` file, an export's row) > profile >
   the field's default, every value checked by its field's type;
4. the template, compiled once per scenario and language, rendered in the sandbox.

Notices (a language fallback, data keys no field uses) are returned with the reply and,
when the caller passes ``on_notice``, also reported as soon as they are known, so that a
run which then fails still shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from replykit.errors import ChannelRulesBroken, Interrupted, MissingFields
from replykit.packs.fields import Field, parse_assignments, read_data, resolve_values, unused_keys
from replykit.packs.languages import choose_language
from replykit.packs.library import Library, search_path
from replykit.packs.scenario import Scenario

if TYPE_CHECKING:
    from replykit.channels.lint import Finding
    from replykit.config import Profile
    from replykit.output.delivery import Delivery
    from replykit.rendering.templates import Reply, ReplyTemplate

Ask = Callable[[Field, str | None], str | None]
"""Asks a person for a field's value: ``(field, what was wrong with the last answer)`` -> text, None at end of input."""

Notify = Callable[[str], None]


class Composed(NamedTuple):
    """A rendered reply, the scenario it came from, and what the user should be told about it."""

    reply: Reply
    scenario: Scenario
    notices: tuple[str, ...] = ()


class Composer:
    """Composes replies from one library; scenarios and compiled templates are loaded once and reused.

    One per process is enough however many replies it makes: a batch of 50,000 orders
    compiles each language's template once.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self._scenarios: dict[str, Scenario] = {}
        self._templates: dict[tuple[str, str], ReplyTemplate] = {}
        self._environment: Any = None

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id (loaded once). Raises ScenarioNotFound or ScenarioInvalid."""
        if scenario_id not in self._scenarios:
            self._scenarios[scenario_id] = self.library.find(scenario_id)
        return self._scenarios[scenario_id]

    def _template(self, scenario: Scenario, lang: str, notice: Notify) -> ReplyTemplate:
        from replykit.rendering.templates import load_template, make_environment

        key = (scenario.id, lang)
        if key not in self._templates:
            if self._environment is None:
                self._environment = make_environment(self.library.roots, on_notice=notice)
            self._templates[key] = load_template(self._environment, scenario, lang)
        return self._templates[key]

    def compose(
        self,
        scenario_id: str,
        *,
        cli: Mapping[str, str] | None = None,
        data: Mapping[str, Any] | None = None,
        data_label: str = "--data",
        profile: Profile | None = None,
        lang: str | None = None,
        lang_source: str = "--lang",
        ask: Ask | None = None,
        channel: str | None = None,
        channel_source: str = "--channel",
        on_notice: Notify | None = None,
    ) -> Composed:
        """Render one reply.

        ``cli``, ``data`` and ``profile`` are the value sources, strongest first (field name ->
        raw value; data values may be lists). ``lang`` is the language asked for and
        ``lang_source`` names where it came from in messages; without it the profile's
        language applies. ``ask``, when given, is called for each missing required field
        until its answer is valid. ``channel`` is where the reply goes (templates see it as
        ``channel``); a scenario or a choice that refuses it raises ChannelRulesBroken before
        anything is rendered. Raises ScenarioNotFound, ScenarioInvalid, UsageError (a
        malformed language tag), InvalidValue, MissingFields, Interrupted (end of input
        while asking), ChannelRulesBroken or SecurityViolation.
        """
        scenario = self.scenario(scenario_id)
        notices: list[str] = []

        def notice(message: str) -> None:
            notices.append(message)
            if on_notice is not None:
                on_notice(message)

        data = data or {}
        extra = unused_keys(scenario.fields, data)
        if extra:
            notice(
                f"{data_label}: {scenario.id} has no field{'s' if len(extra) > 1 else ''} {', '.join(extra)}; ignored"
            )
        if not lang and profile is not None and profile.lang:
            lang, lang_source = profile.lang, "profile lang"
        choice = choose_language(scenario, lang, source=lang_source)
        if choice.notice:
            notice(choice.notice)
        values = _resolve(scenario, dict(cli or {}), data, profile.field_values if profile else {}, ask)
        if channel:
            check_fit(scenario, channel, values, source=channel_source)
        from replykit.rendering.templates import render

        template = self._template(scenario, choice.language, notice)
        reply = render(template, scenario, values, lang=choice.language, channel=channel)
        return Composed(reply, scenario, tuple(notices))


def check_fit(scenario: Scenario, channel: str, values: Mapping[str, Any], *, source: str = "--channel") -> None:
    """Raise ChannelRulesBroken when ``scenario`` (or the choice in ``values``) refuses ``channel``,
    with the scenario's reason; UsageError for a channel replykit does not know. ``source`` names
    where the channel came from (``--channel``, the profile) in the message."""
    from replykit.channels import NAMES

    if channel not in NAMES:
        from replykit.errors import UsageError, did_you_mean

        hint = did_you_mean(channel, NAMES)
        raise UsageError(
            f"unknown channel {channel!r}" + (f"; {hint}" if hint else ""), hint="channels: " + ", ".join(NAMES)
        )
    refusal = scenario.refused_by(channel, dict(values))
    if refusal is None:
        return
    where = f"on {channel}" + ("" if source == "--channel" else f" ({source})")
    if refusal.when:
        chosen = " and ".join(f"--{name.replace('_', '-')} {values.get(name)}" for name, _ in refusal.when)
        options = " or ".join(f"--{name.replace('_', '-')}" for name, _ in refusal.when)
        raise ChannelRulesBroken(
            f"{scenario.id} with {chosen} may not be sent {where}: {refusal.reason}",
            hint=f"choose another {options} for {channel}, or another channel; see 'replykit show {scenario.id}'",
        )
    fits = [name for name in scenario.channels if not any(r.applies(name, dict(values)) for r in scenario.refusals)]
    raise ChannelRulesBroken(
        f"{scenario.id} may not be sent {where}: {refusal.reason}",
        hint=("it fits " + ", ".join(fits) if fits else "it fits no channel with these choices")
        + f"; see 'replykit show {scenario.id}'",
    )


def _resolve(
    scenario: Scenario, cli: dict[str, str], data: Mapping[str, Any], profile: Mapping[str, str], ask: Ask | None
) -> dict[str, Any]:
    """Every field's value; with ``ask``, missing required fields are asked for until each answer is valid."""
    try:
        return resolve_values(scenario.fields, cli=cli, data=data, profile=profile)
    except MissingFields as exc:
        if ask is None:
            raise
        missing = exc.missing
    for name in missing:
        wanted = scenario.field(name)
        assert wanted is not None  # resolve_values names only the scenario's own fields
        problem: str | None = None
        while True:
            raw = ask(wanted, problem)
            if raw is None:
                raise Interrupted("aborted: no value for " + wanted.name) from None
            try:
                wanted.parse(raw)
            except ValueError as error:
                problem = f"{wanted.name}: {raw!r}: {error}"
                continue
            cli[name] = raw
            break
    return resolve_values(scenario.fields, cli=cli, data=data, profile=profile)


class RenderRequest(NamedTuple):
    """One ``render`` as the command line asked for it, before anything is checked."""

    scenario_id: str
    fields: Mapping[str, str] = MappingProxyType({})
    """Field name -> text, from the scenario's own options (``--order-id 4521``)."""
    assignments: tuple[str, ...] = ()
    """``--set FIELD=VALUE``, in order."""
    data: str | None = None
    """``--data``: a YAML or JSON file, or '-' for stdin."""
    lang: str | None = None
    profile: str | None = None
    templates_dirs: tuple[Path, ...] = ()
    format: str = "text"
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    sender: str | None = None
    reply_to: str | None = None
    in_reply_to: tuple[str, ...] = ()
    """``--in-reply-to``: the Message-IDs replied to, in order."""
    references: tuple[str, ...] = ()
    """``--references``: the parent's References chain, in order."""
    unsent: bool | None = None
    """``--unsent`` (True) or ``--no-unsent`` (False); None: X-Unsent only in an eml written to a file."""
    to_file: bool = False
    """True when the reply is written to a file (``--output``) rather than stdout or the clipboard."""
    channel: str | None = None
    """Where the reply goes (amazon, ebay, ...): its rules are checked. Default: the profile's channel."""
    allow: tuple[str, ...] = ()
    """Channel rule ids accepted on purpose."""
    found: Mapping[str, Any] = MappingProxyType({})
    """Values ``reply`` gathered itself, the --data file's over those found in the buyer's message: below the
    command line, above the profile."""
    lang_source: str = "--lang"
    """Where ``lang`` came from, for messages: ``--lang`` or the buyer's message."""
    channel_source: str | None = None
    """Where ``channel`` came from, for messages; None: --channel when given, else the profile's channel."""
    subject: str | None = None
    """The subject to use instead of the template's (``reply``: "Re: " and the buyer's subject)."""


class Rendered(NamedTuple):
    """A finished render: the reply, how it is delivered, its bytes in that format, and channel findings."""

    composed: Composed
    delivery: Delivery
    payload: bytes
    findings: tuple[Finding, ...] = ()


def finding_text(finding: Finding) -> str:
    """One channel finding as a line: where, the rule, what is wrong and how to fix it."""
    where = f"line {finding.span.line}: " if finding.span.excerpt else ""
    shown = f" ({finding.span.excerpt!r})" if finding.span.excerpt else ""
    return f"{where}{finding.message}{shown} [{finding.rule}]; {finding.fix}"


def channel_findings(
    reply: Reply,
    scenario: Scenario,
    *,
    channel: str,
    buyer_lang: str | None = None,
    languages: bool = True,
    allow: Sequence[str] = (),
) -> tuple[Finding, ...]:
    """The rules of ``channel`` that ``reply`` breaks, as its scenario frames it: public or private,
    about an order or not (a scenario without an ``order_id`` field), with the order id it was
    given. ``languages=False`` leaves out the language rules (a pack's check cannot know the
    buyer's language). Raises UsageError for an unknown channel or rule id."""
    from replykit.channels.lint import lint

    order_id = reply.values.get("order_id")
    return lint(
        reply.body,
        channel=channel,
        public=scenario.public,
        about_order=scenario.field("order_id") is not None,
        order_id=str(order_id) if order_id else None,
        reply_lang=reply.language if languages else None,
        buyer_lang=buyer_lang,
        allow=frozenset(allow),
    )


def check_channel(
    composed: Composed,
    *,
    channel: str,
    buyer_lang: str | None,
    allow: Sequence[str] = (),
    on_notice: Notify | None = None,
) -> tuple[Finding, ...]:
    """Check a composed reply against its channel's rules.

    Warnings go to ``on_notice``; error-level findings raise ChannelRulesBroken listing every
    finding. Raises UsageError for an unknown channel or rule id.
    """
    findings = channel_findings(composed.reply, composed.scenario, channel=channel, buyer_lang=buyer_lang, allow=allow)
    broken = [f for f in findings if f.severity == "error"]
    if broken:
        lines = "\n  ".join(f"{f.severity}: {finding_text(f)}" for f in findings)
        rules = f"{len(broken)} rule{'s' if len(broken) > 1 else ''}"
        raise ChannelRulesBroken(
            f"the reply breaks {rules} of {channel}, so it was not printed:\n  " + lines,
            hint="change the values or the template; --allow RULE accepts a finding on purpose",
        )
    for finding in findings:
        if on_notice is not None:
            on_notice(f"{channel}: {finding_text(finding)}")
    return findings


def library_for(templates_dirs: Sequence[Path] = ()) -> Library:
    """The library on the search path, with ``--templates-dir`` folders first. UsageError for a missing folder."""
    return Library(search_path(templates_dirs=tuple(templates_dirs)))


def render_request(
    request: RenderRequest,
    *,
    composer: Composer | None = None,
    stdin: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    ask: Ask | None = None,
    on_notice: Notify | None = None,
) -> Rendered:
    """Do what one ``render`` asks: profile, delivery plan, values, reply, and its bytes.

    The delivery (format, addresses) is checked before anything is rendered. Raises any
    of replykit's errors; see ``Composer.compose`` and ``output.delivery.plan_delivery``.
    """
    import os
    import sys

    from replykit.config import active_profile
    from replykit.output.delivery import plan_delivery, produce

    environ = os.environ if environ is None else environ
    composer = composer or Composer(library_for(request.templates_dirs))
    scenario = composer.scenario(request.scenario_id)
    profile = active_profile(option=request.profile, environ=environ)
    delivery = plan_delivery(
        request.format,
        to=request.to,
        cc=request.cc,
        sender=request.sender,
        reply_to=request.reply_to,
        in_reply_to=request.in_reply_to,
        references=request.references,
        unsent=request.unsent,
        to_file=request.to_file,
        environ=environ,
        profile=profile,
        on_notice=on_notice,
    )
    if scenario.public and delivery.format in ("subject", "eml", "mailto"):
        from replykit.errors import UsageError

        raise UsageError(
            f"{scenario.id} is a public reply, posted below the review on the marketplace: "
            f"it has no subject and is not mailed, so --format {delivery.format} does not apply",
            hint="use --format text, markdown or json",
        )
    channel = request.channel or profile.values.get("channel")
    cli = {**request.fields, **parse_assignments(list(request.assignments), scenario.fields)}
    data = {**request.found, **(read_data(request.data, stdin=stdin or sys.stdin) if request.data else {})}
    composed = composer.compose(
        request.scenario_id,
        cli=cli,
        data=data,
        profile=profile,
        lang=request.lang,
        lang_source=request.lang_source,
        ask=ask if request.data != "-" else None,
        channel=channel,
        channel_source=request.channel_source or ("--channel" if request.channel else "the profile's channel"),
        on_notice=on_notice,
    )
    if request.subject is not None:
        from dataclasses import replace

        from replykit.output.addresses import check_header_text

        subject = check_header_text("the buyer's subject", request.subject)
        composed = composed._replace(reply=replace(composed.reply, subject=subject))
    findings: tuple[Finding, ...] = ()
    if channel:
        buyer_lang = request.lang or profile.lang
        findings = check_channel(
            composed, channel=channel, buyer_lang=buyer_lang, allow=request.allow, on_notice=on_notice
        )
    return Rendered(composed, delivery, produce(composed.reply, delivery), findings)
