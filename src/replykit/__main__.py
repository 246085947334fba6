"""``python -m replykit``."""

from replykit.cli import main

main()
