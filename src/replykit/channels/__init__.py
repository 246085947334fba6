"""Marketplace channel rules: what a reply may contain on Amazon, eBay, AliExpress, Etsy, Walmart or in an email."""

NAMES = ("amazon", "ebay", "aliexpress", "etsy", "walmart", "email")
"""Every channel replykit knows, as ``--channel`` and the profile's ``channel`` take them (rules.CHANNELS's keys)."""
