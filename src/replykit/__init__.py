"""replykit: turn a buyer dispute into a correct, polite, personalised reply."""

__version__ = "0.1.0"
