"""How much replykit reads and how much a template may build: every limit in one place.

A scenario pack is someone else's code running on the user's machine. These limits keep
a broken or hostile pack, data file or config from filling the memory, the disk or the
terminal, or from keeping the CPU busy; each is far above what a real reply needs.
"""

from __future__ import annotations

import math

MiB = 1024 * 1024

MAX_PACK_FILE_BYTES = 1 * MiB
"""Largest scenario.yaml or template read: a reply's source is a few kilobytes."""

MAX_DATA_FILE_BYTES = 16 * MiB
"""Largest --data file read: room for an export with many fields, not a whole database."""

MAX_CONFIG_FILE_BYTES = 1 * MiB
"""Largest config file read: it holds a few profiles."""

MAX_REPLY_CHARS = 1_000_000
"""Longest rendered reply, subject and body together: no message box takes more."""

MAX_SUBJECT_CHARS = 1000
"""Longest rendered subject: mail header lines stop at 998 characters (RFC 5322)."""

MAX_LIST_ITEMS = 1000
"""Most items in one list value, and in one ``and_list``: Babel joins lists in quadratic time."""

MAX_RANGE = 10_000
"""Longest ``range()`` a template may make: a reply has no reason to count further."""

MAX_SEQUENCE = 1_000_000
"""Longest text or list a template may build by repeating, padding, formatting width or
joining; containers count their items and the characters of what they hold."""

MAX_INT_DIGITS = 4300
"""Most digits in a number a template computes: Python prints no longer ones (its default
``int_max_str_digits``), and multiplying bigger ones takes time no signal can interrupt."""

MAX_INT_BITS = math.ceil(MAX_INT_DIGITS * math.log2(10))
"""MAX_INT_DIGITS in bits, which is what Python's integers can tell cheaply."""

RENDER_CPU_SECONDS = 2.0
"""CPU time one render may take, subject and body together: a real reply takes milliseconds."""
