"""Seller profiles: the config file, its named profiles, and the defaults they give fields.

The file is YAML a person can edit::

    default_profile: main
    profiles:
      main:
        seller_name: Sam
      eu-store:
        store_name: Harbour EU

Which profile applies: ``--profile`` > ``REPLYKIT_PROFILE`` > ``default_profile`` > the
profile named ``default``. A profile's values sit below the command line and ``--data``
and above each field's own default (see ``fields.resolve_values``).
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from replykit.errors import (
    ConfigInvalid,
    InputOutputError,
    InvalidAddress,
    InvalidValue,
    UnsafeHeader,
    UsageError,
    did_you_mean,
)
from replykit.limits import MAX_CONFIG_FILE_BYTES
from replykit.packs.characters import refused
from replykit.packs.yamlio import LineMapping, parse_yaml, read_text

if TYPE_CHECKING:
    from replykit.output.addresses import Mailbox

ENV_CONFIG = "REPLYKIT_CONFIG"
ENV_PROFILE = "REPLYKIT_PROFILE"
CONFIG_FILE = "config.yaml"
DEFAULT_PROFILE = "default"
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

# Every key a profile may hold. Keys that are also field names give those fields their default.
KEYS: dict[str, str] = {
    "seller_name": "The name you sign replies with",
    "store_name": "Your store's name, printed under the signature",
    "support_email": "The address buyers can write to",
    "from": "Sender address of email output when --from is not given (default: support_email)",
    "lang": "Reply language when --lang is not given, such as de or pt-BR",
    "currency": "Default currency, as an ISO 4217 code such as EUR",
    "timezone": "Your time zone, as an IANA name such as Europe/Paris",
    "channel": "Where replies go when --channel is not given (amazon, ebay, aliexpress, etsy, walmart, email)",
    "order_pattern": "A regular expression for your own shop's order ids, such as 'HB-\\d{6}' (its group 'id' if any)",
}
# Keys that steer render itself rather than fill a field of the same name.
NOT_FIELDS = frozenset({"from", "lang", "channel", "order_pattern"})


_TOP_KEYS = ("default_profile", "profiles")


def _text(raw: str) -> str:
    return raw


def _mailbox(raw: str, *, expected: str) -> Mailbox:
    """Check an address with the same checker as --from, so a value saved here works in every email."""
    from replykit.output.addresses import parse_mailbox

    try:
        return parse_mailbox("address", raw)
    except (InvalidAddress, UnsafeHeader) as exc:
        reason = exc.message.split(": ", 1)[-1]
        raise ValueError(f"expected {expected} ({reason})") from None


def _email(raw: str) -> str:
    expected = "an email address such as help@example.com"
    mailbox = _mailbox(raw, expected=expected)
    if mailbox.name or "." not in mailbox.addr.rpartition("@")[2]:
        raise ValueError(f"expected {expected}")
    return raw


def _sender(raw: str) -> str:
    _mailbox(raw, expected="an email address such as 'shop@example.com' or 'Harbour <shop@example.com>'")
    return raw


def _lang(raw: str) -> str:
    from replykit.packs.languages import parse_tag

    tag = parse_tag(raw)
    if tag is None:
        raise ValueError("expected a language tag such as en, de or pt-BR")
    return tag


def _currency(raw: str) -> str:
    from replykit.packs.fields import TYPES, parse_currency

    try:
        return parse_currency(raw)
    except ValueError:
        raise ValueError(f"expected {TYPES['currency'].accepts}") from None


def _channel(raw: str) -> str:
    from replykit.channels import NAMES

    if raw.lower() not in NAMES:
        hint = did_you_mean(raw.lower(), NAMES)
        raise ValueError("expected one of: " + ", ".join(NAMES) + (f"; {hint}" if hint else ""))
    return raw.lower()


def _timezone(raw: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(raw, sorted(available_timezones()))
        raise ValueError(
            "expected a time zone name such as Europe/Paris or America/New_York" + (f"; {hint}" if hint else "")
        ) from None
    return raw


def _order_pattern(raw: str) -> str:
    from replykit.inbound.orders import check_order_pattern

    return check_order_pattern(raw)


CHECKS: dict[str, Callable[[str], str]] = {
    "seller_name": _text,
    "store_name": _text,
    "support_email": _email,
    "from": _sender,
    "lang": _lang,
    "currency": _currency,
    "timezone": _timezone,
    "channel": _channel,
    "order_pattern": _order_pattern,
}


def check_key(key: str) -> str:
    """Return the profile key (dashes read as underscores), or refuse it naming the closest ones."""
    name = key.strip().replace("-", "_")
    if name in KEYS:
        return name
    hint = did_you_mean(name, KEYS)
    raise UsageError(
        f"unknown key '{key}'" + (f"; {hint}" if hint else ""),
        hint="keys: " + ", ".join(KEYS),
    )


def check_value(key: str, raw: str) -> str:
    """Return the value as stored (trimmed, normalised), or raise ValueError saying what is expected."""
    value = raw.strip()
    if not value:
        raise ValueError("it cannot be empty (use 'replykit config unset' to remove a value)")
    if "\n" in value or "\r" in value:
        raise ValueError("it must be a single line")
    found = refused(value, one_line=True)
    if found is not None:
        raise ValueError(f"it holds {found[1]}; a value is one line of text, without control characters")
    return CHECKS[key](value)


def check_profile_name(name: str) -> str:
    """Return a valid profile name or raise UsageError."""
    if not PROFILE_NAME.fullmatch(name):
        raise UsageError(
            f"profile name {name!r} must start with a letter or digit and hold only letters, digits, - and _",
            hint="for example: main, eu-store",
        )
    return name


@dataclass(frozen=True)
class Profile:
    """One store's settings, with the line of each value in the config file."""

    name: str
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def field_values(self) -> dict[str, str]:
        """The values that default a field of the same name (for ``resolve_values(profile=)``)."""
        return {k: v for k, v in self.values.items() if k not in NOT_FIELDS}

    @property
    def lang(self) -> str | None:
        return self.values.get("lang")

    @property
    def order_pattern(self) -> str | None:
        """The regular expression for the shop's own order ids (checked when the config was read)."""
        return self.values.get("order_pattern")


@dataclass(frozen=True)
class Config:
    """The whole config file: its profiles and which one is the default."""

    path: Path
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)

    @property
    def default_name(self) -> str:
        return self.default_profile or DEFAULT_PROFILE

    def profile(self, name: str) -> Profile:
        """The named profile; an absent one is empty."""
        return self.profiles.get(name, Profile(name))

    def with_value(self, profile: str, key: str, value: str) -> Config:
        """A copy with ``key`` set in ``profile`` (created if new)."""
        old = self.profile(profile)
        updated = Profile(profile, {**old.values, key: value}, dict(old.lines))
        return replace(self, profiles={**self.profiles, profile: updated})

    def without_value(self, profile: str, key: str) -> Config:
        """A copy with ``key`` removed from ``profile``; the profile itself stays."""
        old = self.profile(profile)
        values = {k: v for k, v in old.values.items() if k != key}
        return replace(self, profiles={**self.profiles, profile: Profile(profile, values, dict(old.lines))})

    def with_default(self, profile: str) -> Config:
        """A copy whose default profile is ``profile``, which must exist."""
        if profile not in self.profiles and profile != DEFAULT_PROFILE:
            raise unknown_profile(self, profile, "")
        return replace(self, default_profile=profile)


class Location(NamedTuple):
    """Where the config file is, and what chose it."""

    path: Path
    origin: str  # ENV_CONFIG or "default"


def config_location(*, environ: Mapping[str, str] | None = None) -> Location:
    """``REPLYKIT_CONFIG`` if set, else config.yaml in the per-user config folder."""
    env = os.environ if environ is None else environ
    if env.get(ENV_CONFIG):
        return Location(Path(env[ENV_CONFIG]), ENV_CONFIG)
    from platformdirs import user_config_path

    return Location(user_config_path("replykit", appauthor=False) / CONFIG_FILE, "default")


def _fail(path: Path, line: int | None, message: str, hint: str = "") -> ConfigInvalid:
    return ConfigInvalid(message, path=path, line=line, hint=hint)


def _profile(name: str, spec: object, path: Path, line: int) -> Profile:
    if not PROFILE_NAME.fullmatch(name):
        raise _fail(path, line, f"profile name '{name}' must hold only letters, digits, - and _")
    if spec == "":
        return Profile(name)
    if not isinstance(spec, LineMapping):
        raise _fail(path, line, f"profile '{name}' must be a mapping of keys such as 'seller_name: Sam'")
    values: dict[str, str] = {}
    for key, raw in spec.items():
        key_line = spec.line_of(key)
        if key not in KEYS:
            hint = did_you_mean(key, KEYS)
            raise _fail(
                path,
                key_line,
                f"unknown key '{key}' in profile '{name}'" + (f"; {hint}" if hint else ""),
                hint="keys: " + ", ".join(KEYS),
            )
        if not isinstance(raw, str):
            raise _fail(path, key_line, f"'{key}' in profile '{name}' must be text, not a list or mapping")
        try:
            values[key] = check_value(key, raw)
        except ValueError as exc:
            raise _fail(path, key_line, f"'{key}' in profile '{name}': {raw!r}: {exc}") from None
    return Profile(name, values, dict(spec.key_lines))


def parse_config(text: str, path: Path) -> Config:
    """Validate config text; every problem names the file and line."""
    data = parse_yaml(text, error=lambda msg, line: _fail(path, line, msg))
    if data is None or data == "":
        return Config(path)
    if not isinstance(data, LineMapping):
        raise _fail(path, 1, "expected a mapping with 'profiles:' (and optionally 'default_profile:')")
    for key in data:
        if key not in _TOP_KEYS:
            hint = did_you_mean(key, _TOP_KEYS + tuple(KEYS))
            raise _fail(
                path,
                data.line_of(key),
                f"unknown top-level key '{key}'" + (f"; {hint}" if hint else ""),
                hint="profile keys go under 'profiles:' and a profile name, "
                "such as 'profiles: {main: {seller_name: Sam}}'",
            )
    declared = data.get("profiles", LineMapping())
    if declared == "":
        declared = LineMapping()
    if not isinstance(declared, LineMapping):
        raise _fail(path, data.line_of("profiles"), "'profiles' must be a mapping of profile names")
    profiles = {name: _profile(name, spec, path, declared.line_of(name)) for name, spec in declared.items()}
    default = data.get("default_profile")
    if default is not None:
        if not isinstance(default, str) or not default.strip():
            raise _fail(path, data.line_of("default_profile"), "'default_profile' must be a profile name")
        default = default.strip()
        if default not in profiles and default != DEFAULT_PROFILE:
            hint = did_you_mean(default, profiles)
            raise _fail(
                path,
                data.line_of("default_profile"),
                f"default_profile '{default}' is not under 'profiles:'" + (f"; {hint}" if hint else ""),
                hint="profiles: " + (", ".join(profiles) or "(none)"),
            )
    return Config(path, default, profiles)


def load_config(path: Path) -> Config:
    """Read the config file; a missing file is an empty config.

    Raises ConfigInvalid (file and line) for a broken file or one over MAX_CONFIG_FILE_BYTES,
    and InputOutputError for a path that is not a regular file or cannot be read.
    """

    def unreadable(message: str, line: int | None) -> InputOutputError:
        return InputOutputError(
            f"{path}: {message}", hint="the config file is a regular file; REPLYKIT_CONFIG names it"
        )

    try:
        os.stat(path)
    except FileNotFoundError:
        return Config(path)
    except OSError as exc:  # a name too long, a file where a folder should be
        raise unreadable(exc.strerror or str(exc), None) from None

    text = read_text(
        path,
        limit=MAX_CONFIG_FILE_BYTES,
        what="the config file",
        error=lambda msg, line: _fail(path, line, msg),
        unreadable=unreadable,
    )
    return parse_config(text, path)


def dump_config(config: Config) -> str:
    """The config as YAML text, with a short header for whoever opens the file."""
    import yaml

    document: dict[str, object] = {}
    if config.default_profile:
        document["default_profile"] = config.default_profile
    document["profiles"] = {name: dict(p.values) for name, p in config.profiles.items()}
    header = (
        "# replykit configuration: seller profiles. Edit by hand or with 'replykit config set'\n"
        "# (which rewrites this file; comments are not kept). Keys: " + ", ".join(KEYS) + "\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=False)


def save_config(config: Config) -> None:
    """Write the config file atomically (see update_config to change it safely).

    A config file that is a symlink (into a dotfiles checkout, say) is written where it leads,
    and stays a symlink.
    """
    from replykit.files import write_atomic

    real = Path(os.path.realpath(config.path))
    write_atomic(real, dump_config(config), replace=True, make_folder=True, label=str(config.path))


def update_config(path: Path, change: Callable[[Config], Config]) -> tuple[Config, Config]:
    """Load the config file, apply ``change`` and save the result, holding the file's lock throughout.

    Two replykit processes changing the file at once (twenty ``config set`` in a script)
    then both keep their change: the second one loads what the first one saved. Returns
    (before, after); the file is written only if they differ. Raises what ``change``,
    load_config and save_config raise, and InputOutputError if the lock cannot be taken.
    """
    fd = _lock(path)
    try:
        before = load_config(path)
        after = change(before)
        if after != before:
            save_config(after)
    finally:
        os.close(fd)  # which releases the lock
    return before, after


def _lock(path: Path) -> int:
    """Take an exclusive lock on ``.NAME.lock`` beside the config file, waiting for it if need be.

    The config file itself cannot carry the lock: saving replaces it with a new file. The
    lock file is opened without following a symlink and never truncated, so a symlink
    planted in its place cannot make replykit write anywhere else.
    """
    from replykit.files import kind_of, make_private_folder

    make_private_folder(path.parent)
    lock = path.with_name(f".{path.name}.lock")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(lock, flags, 0o600)
    except OSError as exc:
        raise InputOutputError(f"{lock}: cannot lock the config file: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputOutputError(f"{lock}: is {kind_of(mode)}, not a regular file", hint="remove it")
        _lock_exclusive(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lock_exclusive(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        while True:  # LK_LOCK gives up after 10 seconds; wait as long as flock would
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def unknown_profile(config: Config, name: str, origin: str) -> UsageError:
    """The error for a profile name that the config file does not have."""
    hint = did_you_mean(name, config.profiles)
    return UsageError(
        f"no profile '{name}'"
        + (f" ({origin})" if origin else "")
        + f" in {config.path}"
        + (f"; {hint}" if hint else ""),
        hint="profiles: "
        + (", ".join(config.profiles) or "(none)")
        + f"; create it with 'replykit config set --profile {name} KEY VALUE'",
    )


def profile_name(
    config: Config, *, option: str | None = None, environ: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """Which profile applies and what chose it: --profile, REPLYKIT_PROFILE, default_profile or the default."""
    env = os.environ if environ is None else environ
    if option:
        return check_profile_name(option), "--profile"
    if env.get(ENV_PROFILE):
        return check_profile_name(env[ENV_PROFILE]), ENV_PROFILE
    if config.default_profile:
        return config.default_profile, "default_profile"
    return DEFAULT_PROFILE, "default"


def select_profile(
    config: Config, *, option: str | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Profile, str]:
    """The profile that applies, for reading: one named explicitly must exist."""
    name, origin = profile_name(config, option=option, environ=environ)
    if name not in config.profiles and origin in ("--profile", ENV_PROFILE) and name != DEFAULT_PROFILE:
        raise unknown_profile(config, name, origin)
    return config.profile(name), origin


def active_profile(*, option: str | None = None, environ: Mapping[str, str] | None = None) -> Profile:
    """Load the config file and return the profile that applies to this run."""
    config = load_config(config_location(environ=environ).path)
    return select_profile(config, option=option, environ=environ)[0]


def describe_source(config: Config, profile: Profile, key: str) -> str:
    """Where a key's value comes from, for ``config list``: profile, file and line."""
    if key not in profile.values:
        return "not set"
    line = profile.lines.get(key)
    where = f"{config.path}:{line}" if line else str(config.path)
    return f"profile {profile.name} ({where})"


def set_value(config: Config, profile: str, key: str, raw: str) -> Config:
    """Validate ``key`` and ``raw`` and return the config with the value set; InvalidValue if bad."""
    name = check_key(key)
    try:
        value = check_value(name, raw)
    except ValueError as exc:
        raise InvalidValue(f"{name}: {raw!r}: {exc}", hint=f"{name}: {KEYS[name]}") from None
    return config.with_value(check_profile_name(profile), name, value)
