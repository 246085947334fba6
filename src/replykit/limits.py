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

ORDER_PATTERN_CPU_SECONDS = 0.5
"""CPU time a profile's order_pattern may take on a message's subject, and again on its body: a pattern
written as an order id's form takes milliseconds on the 100,000 characters searched."""

MAX_BUILT = 32 * MAX_SEQUENCE
"""Characters and items one render may build in all, kept or not: a real reply builds a few thousand.
(With the limits in replykit.limits: it bounds memory, as MAX_SEQUENCE bounds each value.)"""

MAX_COMPILED_CHARS = 1_000_000
"""Python source a template may compile to: the built-in ones compile to under 10,000 characters,
and Python's compiler, which no signal interrupts, takes about 0.6 s and 100 MB for this much."""

MAX_NESTING_DEPTH = 32
"""Lists and mappings inside each other: a scenario file needs 4 levels, a --data file 2."""

MAX_NODES = 100_000
"""Values (texts, lists and mappings) in one file: a scenario has a few hundred, a --data file a few
fields of at most 1,000 items each."""

MAX_FOLDER_ENTRIES = 1000
"""Entries in a pack's folder, or in a scenario's: the built-in library has 20 and 13. Listing and
loading a thousand scenarios (``replykit list``) takes about a second; a pack of a million folders
would keep every command that lists it busy for minutes."""

MAX_ID_CHARS = 64
"""A scenario id is a folder name: nothing that could leave the pack ('..', '/'), hide ('.', '_') or
pass a file system's limit on name length (255 bytes) once 'replykit new' adds its suffixes."""

MAX_FIELDS = 200
"""Fields of one scenario, shared ones included: the built-in scenarios have at most 10, and 'render ID
--help' takes seconds to lay out thousands."""

MAX_TAG_CHARS = 64
"""Real tags are short ('sl-Latn-IT-rozaj-biske-1994' is 26); langcodes recurses once per subtag, and a
tag of thousands of them ends in a RecursionError."""

MAX_VALUE_CHARS = 100_000
"""Longest single field value: a name, an address or a buyer's message is far shorter."""

MAX_DECIMAL_DIGITS = 28
"""Python's decimal arithmetic (and Babel's formatting) keeps 28 digits; more would be rounded."""

MAX_EXPORT_LINE_CHARS = 1 * MiB
"""Longest line of a JSON Lines export (one order row): a row with every column of a Shopify export is a few KiB."""

MAX_EXPORT_CELL_CHARS = 131_072
"""Longest cell of a CSV or TSV export (Python's csv default): far above MAX_VALUE_CHARS, which a field value meets."""

MAX_ORDER_ROWS = MAX_LIST_ITEMS
"""Most rows one order of an export may span: one per item, and a list value holds at most MAX_LIST_ITEMS."""

MAX_REASON_CHARS = 1000
"""A scenario's refusal reason is one line of an error message (the built-in ones are under 250)."""
