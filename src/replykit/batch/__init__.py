"""One reply for every order of a marketplace export: reading exports, composing each order's reply, writing them.

- ``model``: the shapes that pass between the parts (an order, a written reply, a rejected order);
- ``exports``: reading an export (CSV, TSV, JSON Lines; encodings; presets; grouping rows by order);
- ``countries``: the ship-country -> reply-language table;
- ``run``: the Python API, composing every order's reply through ``replykit.pipeline``;
- ``writers``: jsonl and csv; ``mail``: mbox, maildir and a folder of .eml drafts.
"""
