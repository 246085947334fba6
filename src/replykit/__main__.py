"""``python -m replykit``."""

from replykit.fastpath import run

run()
