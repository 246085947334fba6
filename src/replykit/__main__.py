"""``python -m replykit``."""

from replykit.cli.fastpath import run

run()
