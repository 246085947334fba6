"""Shapes of things in a reply, the same in every language: links, e-mail addresses, phone numbers, HTML,
and the numbers a phone pattern must not take for a phone (order ids, tracking numbers, dates, money).

Every value is a regular-expression source; ``lint.py`` compiles them once, case-insensitively
unless the source says ``(?-i:...)``. Lookarounds use ASCII classes rather than ``\\b`` where a
shape may touch Japanese, Korean or Arabic text, whose letters are ``\\w`` too
(``shop@gmail.comまで``, ``010-1234-5678로``).

Sources: order-id formats and the masking order from /work/shared/reference/marketplaces.md
section 4.3 and 4.2 (Amazon 3-7-7 digits, eBay 2-5-5, AliExpress 16 digits, Etsy 10 digits);
tracking numbers: UPU S10 (two letters, nine digits, two letters) and UPS ``1Z`` + 16.
"""

from __future__ import annotations

from collections.abc import Mapping

# Top-level domains a bare domain may end in (lower case only, so that "parcel.It" at a missing
# space is not a domain): generic ones and the countries of replykit's twelve languages.
TLDS = (
    "com|net|org|info|biz|shop|store|online|site|io|co|me|eu|uk|us|ca|au|de|at|ch|fr|be|lu|es|mx|ar|cl|"
    "it|nl|pl|pt|br|ru|jp|kr|cn|ae|sa|eg|in|tr"
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_NOT_BEFORE_HOST = r"(?<![A-Za-z0-9_.@/\u00c0-\u024f-])"
_NOT_AFTER_HOST = r"(?![A-Za-z0-9_\u00c0-\u024f-])(?!\.[A-Za-z0-9])"

# "at" and "dot" as people spell them out to slip an address past a filter, in the twelve languages.
# English "at" is also a preposition ("find us at myshop.com"), so after it the dot must be spelled out too.
AT_WORDS = "arroba|arobase|chiocciola|klammeraffe|affe|apenstaartje|apestaart|małpa|malpa|собака|アット|앳|골뱅이"
DOT_WORDS = "dot|punto|punkt|point|ponto|kropka|точка|ドット|닷|نقطة"
_LOCAL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9])?"
_AT = rf"(?:\s*[@＠]\s*|\s*[\[({{<（]\s*(?:at|{AT_WORDS}|@)\s*[\])}}>）]\s*|\s+(?:{AT_WORDS})\s+)"
_SPELT_DOT = rf"(?:\s*[\[({{<（]\s*(?:{DOT_WORDS}|\.)\s*[\])}}>）]\s*|\s+(?:{DOT_WORDS})\s+)"
_DOT = rf"(?:\s*[.．]\s*|{_SPELT_DOT})"
_ADDR_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_KNOWN_TLD = rf"(?-i:{TLDS})(?![A-Za-z0-9-])"

SHAPES: Mapping[str, str] = {
    # Links: a scheme, www., or a bare domain such as myshop.com or www.myshop.de.
    "url": r"(?<![A-Za-z0-9])https?://[^\s<>\"'\])）」》]+",
    "www": r"(?<![A-Za-z0-9.@/-])www\.[^\s<>\"'\])）」》]+",
    "domain": rf"{_NOT_BEFORE_HOST}(?:{_LABEL}\.)+(?-i:{TLDS}){_NOT_AFTER_HOST}",
    # E-mail addresses, plain (any top-level domain) or disguised (a known one, in lower case).
    "email": rf"{_LOCAL}[@＠]{_ADDR_LABEL}(?:\.{_ADDR_LABEL})*\.[A-Za-z]{{2,}}(?![A-Za-z0-9-])"
    rf"|{_LOCAL}{_AT}{_ADDR_LABEL}(?:{_DOT}{_ADDR_LABEL})*?{_DOT}{_KNOWN_TLD}"
    rf"|{_LOCAL}\s+at\s+{_ADDR_LABEL}(?:{_DOT}{_ADDR_LABEL})*?{_SPELT_DOT}{_KNOWN_TLD}",
    # A phone candidate: 7 to 15 digits with separators; lint.py keeps those that look dialled.
    "phone": r"(?<![\dA-Za-z_+＋])(?:[+＋]\s?)?\(?\d[\d \t\u00a0().\-/]{5,}\d(?![\dA-Za-z_])",
    "html": r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>|&(?:nbsp|amp|lt|gt|quot|apos|#\d{2,5}|#x[0-9a-f]{2,4});",
}
"""Language-neutral shapes the rules refer to by name."""

MASKS: Mapping[str, str] = {
    "amazon-order": r"(?<![\dA-Za-z])[0-9A-Z]\d{2}-\d{7}-\d{7}(?!\d)",
    "ebay-order": r"(?<![\d-])\d{2}-\d{5}-\d{5}(?![\d-])",
    "aliexpress-order": r"(?<!\d)\d{16}(?!\d)",
    "etsy-receipt": r"(?<![\d+])[1-9]\d{9}(?!\d)",
    "upu-s10": r"(?-i:(?<![A-Za-z0-9])[A-Z]{2}\d{9}[A-Z]{2}(?![A-Za-z0-9]))",
    "ups": r"(?-i:(?<![A-Za-z0-9])1Z[0-9A-Z]{16}(?![A-Za-z0-9]))",
    "date-dmy": r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)?\d\d(?!\d)",
    "date-mdy": r"(?<!\d)(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:19|20)?\d\d(?!\d)",
    "date-iso": r"(?<!\d)(?:19|20)\d\d[./-](?:0?[1-9]|1[0-2])[./-](?:0?[1-9]|[12]\d|3[01])(?!\d)",
    "years": r"(?<!\d)(?:19|20)\d\d\s?[-–/]\s?(?:19|20)?\d\d(?!\d)",
    "money-before": r"(?:[$€£¥₩₽₹]|R\$|US\$|(?<![A-Za-z])(?:EUR|USD|GBP|PLN|BRL|RUB|JPY|KRW|AED|SAR)\s?)\s?"
    r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})*(?:[.,]\d{1,2})?",
    "money-after": r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f.,]\d{3})*(?:[.,]\d{1,2})?\s?"
    r"(?:[$€£¥₩₽₹]|zł|(?-i:EUR|USD|GBP|PLN|BRL|RUB|JPY|KRW|AED|SAR)|руб|円|원|درهم|ريال|دولار)",
}
"""Numbers that are not phone numbers, masked (replaced by filler of the same length) before the phone rule runs."""

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
