"""Shapes of things in a reply, the same in every language: links, e-mail addresses, phone numbers, HTML,
and the numbers a phone pattern must not take for a phone (order ids, tracking numbers, dates, money).

Every value is a regular-expression source. ``lint.py`` runs them as follows, for speed (see
``patterns.py``): URL, WWW, HTML and the e-mail triggers on the reply in lower case; DOMAIN only
before a ``DOMAIN_END`` and EMAIL only around an ``EMAIL_TRIGGERS`` match, both on the reply as
written and case-sensitive; PHONE on the reply with the MASKS numbers blanked out. Lookarounds
use ASCII classes rather than ``\\b`` where a shape may touch Japanese, Korean or Arabic text,
whose letters are ``\\w`` too (``shop@gmail.comまで``, ``010-1234-5678로``).

Sources: order-id formats from /work/shared/reference/marketplaces.md section 4.3 (Amazon 3-7-7
digits, eBay 2-5-5, AliExpress 16 digits, Etsy 10 digits) and the masking order from 4.2;
tracking numbers: UPU S10 (two letters, nine digits, two letters) and UPS ``1Z`` + 16.
"""

from __future__ import annotations

from collections.abc import Mapping

# Top-level domains a bare domain or a disguised address may end in (lower case only, so that
# "parcel.It" at a missing space is not a domain): generic ones and the countries of the twelve languages.
TLDS = (
    "com|net|org|info|biz|shop|store|online|site|io|co|me|eu|uk|us|ca|au|de|at|ch|fr|be|lu|es|mx|ar|cl|"
    "it|nl|pl|pt|br|ru|jp|kr|cn|ae|sa|eg|in|tr"
)
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_AFTER_HOST = r"(?![A-Za-z0-9_\u00c0-\u024f-])(?!\.[A-Za-z0-9])"

URL = r"(?<![a-z0-9])https?://[^\s<>\"'\])）」》]+"
WWW = r"(?<![a-z0-9.@/-])www\.[^\s<>\"'\])）」》]+"
DOMAIN_END = rf"\.(?:{TLDS}){_AFTER_HOST}"
"""Where a bare domain ends: a dot and a known top-level domain; DOMAIN is then looked for before it."""
DOMAIN = rf"(?<![A-Za-z0-9_.@/\u00c0-\u024f-])(?:{_HOST_LABEL}\.)+(?:{TLDS}){_AFTER_HOST}"

# "at" and "dot" as people spell them out to slip an address past a filter, in the twelve languages.
# English "at" is also a preposition ("find us at myshop.com"), so after it the dot must be spelled out too.
AT_WORDS = "arroba|arobase|chiocciola|klammeraffe|affe|apenstaartje|apestaart|małpa|malpa|собака|アット|앳|골뱅이"
DOT_WORDS = "dot|punto|punkt|point|ponto|kropka|точка|ドット|닷|نقطة"
EMAIL_TRIGGERS = (r"[@＠]", r"\bat\b", rf"\b(?:{AT_WORDS})\b", r"アット", r"앳", r"골뱅이")
"""Where an e-mail address may be (on the reply in lower case); EMAIL is looked for around each."""
_LOCAL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9])?"
_AT = rf"(?:\s*[@＠]\s*|\s*[\[({{<（]\s*(?i:at|{AT_WORDS}|@)\s*[\])}}>）]\s*|\s+(?i:{AT_WORDS})\s+)"
_SPELT_DOT = rf"(?:\s*[\[({{<（]\s*(?i:{DOT_WORDS}|\.)\s*[\])}}>）]\s*|\s+(?i:{DOT_WORDS})\s+)"
_DOT = rf"(?:\s*[.．]\s*|{_SPELT_DOT})"
_KNOWN_TLD = rf"(?:{TLDS})(?![A-Za-z0-9-])"
EMAIL = (
    # Plain, with any top-level domain; disguised, with a known one in lower case; after English "at",
    # only with a spelt-out dot.
    rf"{_LOCAL}[@＠]{_HOST_LABEL}(?:\.{_HOST_LABEL})*\.[A-Za-z]{{2,}}(?![A-Za-z0-9-])"
    rf"|{_LOCAL}{_AT}{_HOST_LABEL}(?:{_DOT}{_HOST_LABEL})*?{_DOT}{_KNOWN_TLD}"
    rf"|{_LOCAL}\s+(?i:at)\s+{_HOST_LABEL}(?:{_DOT}{_HOST_LABEL})*?{_SPELT_DOT}{_KNOWN_TLD}"
)
SPELT_DOT_NEAR = rf"\b(?:{DOT_WORDS})\b|[\])）]"
"""After English "at", an address is looked for only if one of these follows within a few words."""

PHONE = r"\d[\d \t\u00a0().\-/]{5,}\d(?![\dA-Za-z_])"
"""A run of 7 or more digits and separators; lint.py adds a leading + or ( and keeps those that look dialled."""
HTML = r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>|&(?:nbsp|amp|lt|gt|quot|apos|#\d{2,5}|#x[0-9a-f]{2,4});"

SHAPES: Mapping[str, str] = {"url": URL, "www": WWW, "domain": DOMAIN, "email": EMAIL, "phone": PHONE, "html": HTML}
"""The shapes rules refer to by name."""

_AMOUNT = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})*(?:[.,]\d{1,2})?"
_CODES = "EUR|USD|GBP|PLN|BRL|RUB|JPY|KRW|AED|SAR"
MASKS: Mapping[str, str] = {
    "amazon-order": r"(?<![\dA-Za-z])[0-9A-Z]\d{2}-\d{7}-\d{7}(?!\d)",
    "ebay-order": r"(?<![\d-])\d{2}-\d{5}-\d{5}(?![\d-])",
    "aliexpress-order": r"(?<!\d)\d{16}(?!\d)",
    "etsy-receipt": r"(?<![\d+])[1-9]\d{9}(?!\d)",
    "upu-s10": r"(?<![A-Za-z0-9])[A-Z]{2}\d{9}[A-Z]{2}(?![A-Za-z0-9])",
    "ups": r"(?<![A-Za-z0-9])1Z[0-9A-Z]{16}(?![A-Za-z0-9])",
    # A date stands alone: not inside a longer run of dotted or dashed numbers (06.12.34.56.78 is a phone).
    "date": r"(?<!\d)(?<!\d[./-])\d\d?[./-]\d\d?[./-](?:\d{4}|\d{2})(?!\d|[./-]\d)",
    "date-iso": r"(?<!\d)(?<!\d[./-])(?:19|20)\d\d[./-]\d\d?[./-]\d\d?(?!\d|[./-]\d)",
    "years": r"(?<!\d)(?:19|20)\d\d\s?[-–/]\s?(?:19|20)?\d\d(?!\d)",
    "money-before": rf"(?:[$€£¥₩₽₹]|R\$|US\$)\s?{_AMOUNT}",
    "money-code-before": rf"(?<![A-Za-z])(?:{_CODES})\s?{_AMOUNT}",
    "money-after": rf"(?<![\d.,]){_AMOUNT}\s?(?:[$€£¥₩₽₹]|zł|{_CODES}|руб|円|원|درهم|ريال|دولار)",
    # Postcodes long enough to look dialled: Japan's 〒123-4567 and Brazil's CEP 12345-678.
    "postcode-jp": r"〒\s?\d{3}-?\d{4}(?!\d)",
    "postcode-br": r"(?<![A-Za-z])CEP:?\s?\d{5}-?\d{3}(?!\d)",
}
"""Numbers that are not phone numbers, blanked out before the phone rule looks (case-sensitive)."""

ORDER_ID_FORMATS: Mapping[str, tuple[str, str]] = {
    "amazon": (r"[0-9A-Z]\d{2}-\d{7}-\d{7}", "3-7-7 digits, such as 112-1234567-1234567"),
    "ebay": (r"\d{2}-\d{5}-\d{5}", "2-5-5 digits, such as 27-11068-77489"),
    "aliexpress": (r"\d{16}", "16 digits, such as 3031265788145237"),
    "etsy": (r"\d{10}", "a 10-digit receipt number, such as 2345678901"),
}
"""Order-id format per channel: (regex matching the whole id, how to describe it). Reference section 4.3."""

# Hosts a link may point to without a finding: the marketplaces themselves and the carriers whose
# tracking pages replies send buyers to. Compared with the registrable name (dhl in www.dhl.de).
ALLOWED_HOSTS = frozenset(
    {
        "amazon",
        "ebay",
        "etsy",
        "aliexpress",
        "walmart",
        "bol",
        "usps",
        "ups",
        "fedex",
        "dhl",
        "dpd",
        "gls-group",
        "hermes-europe",
        "myhermes",
        "royalmail",
        "parcelforce",
        "laposte",
        "colissimo",
        "chronopost",
        "correos",
        "seur",
        "poste",
        "brt",
        "postnl",
        "inpost",
        "pocztex",
        "poczta-polska",
        "correios",
        "pochta",
        "cdek",
        "japanpost",
        "kuronekoyamato",
        "sagawa-exp",
        "cjlogistics",
        "epost",
        "aramex",
        "smsaexpress",
        "emiratespost",
        "17track",
        "cainiao",
    }
)
