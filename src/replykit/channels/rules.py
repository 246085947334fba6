"""The channel rules as data: what each rule looks for, and on which channel it applies, how hard, and why.

A rule (``Rule``) says what it finds, through ``patterns`` that name word classes of
``lexicon.py`` or shapes of ``shapes.py``, or through a ``check`` that ``lint.py`` runs (a phone
number, a length, an order id, a language). A channel's table (``CHANNELS``) maps the ids of the
rules that apply there to a ``Use``: the source that backs the rule on that channel and, for some
rules, a limit. The severity follows from the source: a first-hand source (the marketplace's own
page or API code) makes the rule an error there; a second-hand summary, or none, a warning.

Sources are those named in /work/shared/reference/marketplaces.md (sections 4.1-4.3 and
"Marketplace rules (earlier research)"); the two eBay pages marked "not in the reference" were
found separately and are cited as found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: a citation, and whether it is first-hand ([page] or [code] of the marketplace)."""

    cite: str
    first_hand: bool


@dataclass(frozen=True)
class Pattern:
    """Text that breaks a rule: a match of ``find`` (a word class or shape name) in a sentence that also
    holds a match of every class in ``also``, and no match of a class in ``unless_near`` within
    ``NEAR`` characters of it."""

    find: str
    also: tuple[str, ...] = ()
    unless_near: tuple[str, ...] = ()


NEAR = 40
"""Characters either side of a match that ``Pattern.unless_near`` looks at (within its sentence)."""


@dataclass(frozen=True)
class Rule:
    """One channel rule. ``message`` and ``fix`` may hold ``{fields}`` that the rule's check fills in."""

    id: str
    family: str
    message: str
    fix: str
    patterns: tuple[Pattern, ...] = ()
    check: str = "patterns"
    """How lint.py finds it: 'patterns', or a named check (link, phone, length, order-id, ...)."""


@dataclass(frozen=True)
class Use:
    """How a rule applies on one channel: its source, and the limit or language it checks against."""

    source: Source
    limit: int | None = None
    """For 'length': the most characters allowed."""
    public_only: bool = False
    """For 'length': the limit holds only for a public reply (lint's ``public=True``)."""
    language: str | None = None
    """For 'channel-language': the language replies on this channel must be in."""

    @property
    def severity(self) -> Severity:
        """'error' when a first-hand source backs the rule here, else 'warning'."""
        return "error" if self.source.first_hand else "warning"


RULES: tuple[Rule, ...] = (
    Rule(
        "link",
        "links",
        "a link to another site",
        "remove the link; send the buyer to the order or return page on the marketplace instead",
        (Pattern("url"), Pattern("www"), Pattern("domain")),
        check="link",
    ),
    Rule(
        "email",
        "contact",
        "an e-mail address",
        "remove it: keep the conversation in the marketplace's messages",
        (Pattern("email"),),
    ),
    Rule(
        "phone",
        "contact",
        "a phone number",
        "remove it: keep the conversation in the marketplace's messages",
        (Pattern("phone"),),
        check="phone",
    ),
    Rule(
        "off-platform",
        "off-platform",
        "steers the buyer off the marketplace (a messenger, social network, outside payment or contact)",
        "remove it: contact and payment go only through the marketplace",
        (Pattern("off-platform"),),
    ),
    Rule(
        "review-positive",
        "reviews",
        "asks for a positive or 5-star review",
        "ask for honest feedback, or do not ask",
        (
            Pattern("positive-rating", also=("ask",), unless_near=("thanks",)),
            Pattern("positive-rating", also=("review-change",)),
            Pattern("positive-rating", also=("benefit", "offer"), unless_near=("thanks",)),
        ),
    ),
    Rule(
        "review-change",
        "reviews",
        "asks to change, remove or hold back a review",
        "solve the buyer's problem and leave the review to them",
        (Pattern("review-change"),),
    ),
    Rule(
        "review-reward",
        "reviews",
        "ties a review to a refund, gift or other benefit",
        "never make a refund, a gift or a discount depend on a review",
        (
            Pattern("review-action", also=("benefit",)),
            Pattern("review-change", also=("benefit",)),
            Pattern("positive-rating", also=("benefit", "offer"), unless_near=("thanks",)),
            Pattern("review-exchange"),
        ),
    ),
    Rule(
        "incentive",
        "incentives",
        "offers a coupon, voucher, gift card, discount or cashback",
        "remove the offer: order messages may not carry promotions",
        (Pattern("incentive", also=("offer",)),),
    ),
    Rule(
        "discourage-claim",
        "claims",
        "discourages the buyer from opening a case, claim or dispute",
        "say what you will do to solve it, and leave the buyer's rights alone",
        (Pattern("discourage-claim"), Pattern("close-claim", also=("ask",))),
    ),
    Rule("html", "format", "HTML markup", "write plain text", (Pattern("html"),)),
    Rule(
        "length",
        "format",
        "the reply is {length:,} characters; {channel} takes at most {limit:,}{scope}",
        "shorten it to {limit:,} characters",
        check="length",
    ),
    Rule(
        "public-frame",
        "public",
        "a public reply carries a letter's subject line",
        "remove the subject line: a reply below a review is one short text",
        check="public-frame",
    ),
    Rule(
        "public-order-id",
        "public",
        "a public reply quotes the order id {order_id!r}, which ties the review to the buyer's order",
        "leave the order id out; talk about the order in private messages",
        check="public-order-id",
    ),
    Rule(
        "order-id",
        "order-id",
        "the reply does not quote the order id{which}",
        "quote the order id ({format})",
        check="order-id",
    ),
    Rule(
        "order-id-format",
        "order-id",
        "order id {order_id!r} is not in {channel}'s format ({format})",
        "check the order id against the order page",
        check="order-id-format",
    ),
    Rule(
        "language",
        "language",
        "the reply is in {reply_lang} but the buyer's language is {buyer_lang}",
        "reply in {buyer_lang}",
        check="language",
    ),
    Rule(
        "channel-language",
        "language",
        "the reply is in {reply_lang}; {channel} customer care must be in {language}",
        "reply in {language}",
        check="channel-language",
    ),
)
"""Every rule, in the order findings of the same place are listed."""

RULE_BY_ID: Mapping[str, Rule] = {rule.id: rule for rule in RULES}

# --- Sources -------------------------------------------------------------------------------------

AMAZON_SP_API = Source(
    "Amazon SP-API Messaging createUnexpectedProblem: text 1-2,000 characters, 'Only links related to "
    "unexpected problem calls are allowed. Do not include HTML or email addresses', in the buyer's language "
    "of preference - python-amz/amazon-sp-api-clients amazon_sp_api_clients_2/api/messaging_v1.py [code]; "
    "docs.rs amazon-spapi [page]",
    first_hand=True,
)
AMAZON_GUIDELINES = Source(
    "Amazon Communication Guidelines (2020): no phone numbers, no asking for positive reviews, no steering "
    "away from negative reviews, no incentives or coupon codes - as summarised by "
    "edesk.com/blog/amazon-terms-of-service, junglescout.com/blog/amazon-updates-communication-guidelines, "
    "ecomengine.com/help/what-can-i-include-in-my-emails [2nd-hand]",
    first_hand=False,
)
AMAZON_PERMITTED = Source(
    "Amazon: only Permitted Messages, no marketing, no links to third-party sites - "
    "wundermanthompson.com/insight/new-at-amazon, edesk.com/blog/amazon-terms-of-service [2nd-hand]; "
    "off-Amazon contact and payment read from these",
    first_hand=False,
)
AMAZON_ORDER_ID = Source(
    "Amazon: messages must include the 17-digit order ID - ecomengine.com/help/compliance-checklist [2nd-hand]",
    first_hand=False,
)
EBAY_MEMBER_CONTACT = Source(
    "eBay: no offers to buy or sell outside eBay; no email addresses, phone numbers, payment information, "
    "social media links or accounts - pages.ebay.com/help/policies/rfe-unwelcome-email-misuse.html; "
    "ebay.com.au member-to-member contact policy id=4262 [page]",
    first_hand=True,
)
EBAY_FORMATTING = Source(
    "eBay messages take no rich formatting - xSellco note in the reference's earlier research [2nd-hand]",
    first_hand=False,
)
EBAY_FEEDBACK_EXTORTION = Source(
    "eBay feedback extortion policy: sellers may not offer refunds, compensation or items in exchange for "
    "feedback or its revision - ebay.ca/help/policies/feedback-policies/feedback-extortion-policy?id=4230 "
    "[page] (not in the reference)",
    first_hand=True,
)
EBAY_FEEDBACK_REPLY = Source(
    "eBay reply to feedback: responseText at most 500 characters, no HTML - "
    "developer.ebay.com/api-docs/commerce/feedback/types/fdb:RespondToFeedbackRequest [page] "
    "(not in the reference; the older Trading API RespondToFeedback says 80)",
    first_hand=True,
)
ETSY_MESSAGES = Source(
    "Etsy: use Etsy Messages; no unsolicited promotions; no contact outside Etsy without consent - "
    "help.etsy.com 115015654988 [page]",
    first_hand=True,
)
ETSY_LINKS = Source(
    "reference 4.2 lists Etsy for links; help.etsy.com 115015654988 [page] names promotions and contact "
    "outside Etsy, not links as such",
    first_hand=False,
)
WALMART_POLICY = Source(
    "Walmart: no marketing or promotional material, no links off Walmart - marketplacelearn.walmart.com "
    "Customer-Care-policy and /ca/ respond-to-customer-messages [page]",
    first_hand=True,
)
WALMART_SUMMARY = Source(
    "Walmart: do not contact customers by phone or other methods outside Walmart; US customer care in "
    "English - polarservicecenter.net prohibited-column summary [2nd-hand]",
    first_hand=False,
)
ALIEXPRESS_UNVERIFIED = Source(
    "no AliExpress messaging rule in the reference (its AliExpress facts are deadlines, from xiaoniucw.com "
    "and ssopdot.com [2nd-hand]); the marketplace-wide pattern of reference 4.2, unverified",
    first_hand=False,
)
CLAIMS_PRACTICE = Source(
    "telling a buyer not to open a claim is an explicit violation on Mercado Libre "
    "(vendedores.mercadolibre.com.ar reglas-de-exclusion [page]); on this channel best practice "
    "(reference 4.2), no source",
    first_hand=False,
)
SHOP_MAIL_HTML = Source(
    "no marketplace rule: replykit's own mail is text/plain, where tags show as typed",
    first_hand=False,
)
AMAZON_ORDER_FORMAT = Source(
    "3-7-7 digits: 902-1845936-5435065 in SP-API client test data [code]; marketplace-pattern util "
    "[code, 2nd-hand] (reference 4.3)",
    first_hand=False,
)
EBAY_ORDER_FORMAT = Source(
    "2-5-5 digits: 27-11068-77489 in a marketplace-pattern util [code, 2nd-hand] (reference 4.3)",
    first_hand=False,
)
ALIEXPRESS_ORDER_FORMAT = Source(
    "16 digits: 3031265788145237 in yellowsea19/smallrig test_case/temp.py [code], one example, not a "
    "specification (reference 4.3)",
    first_hand=False,
)
ETSY_ORDER_FORMAT = Source(
    "10-digit receipt id: marketplace-pattern util [code, 2nd-hand] (reference 4.3)",
    first_hand=False,
)

PUBLIC_REPLY = Source(
    "a reply to a review or feedback is one public text with no subject: eBay RespondToFeedbackRequest "
    "takes a single responseText [page] (not in the reference); everyone can read it, so it names no "
    "order - replykit's practice, no marketplace rule found",
    first_hand=False,
)

# --- Channels ------------------------------------------------------------------------------------

CHANNELS: Mapping[str, Mapping[str, Use]] = {
    "amazon": {
        "link": Use(AMAZON_SP_API),
        "email": Use(AMAZON_SP_API),
        "phone": Use(AMAZON_GUIDELINES),
        "off-platform": Use(AMAZON_PERMITTED),
        "review-positive": Use(AMAZON_GUIDELINES),
        "review-change": Use(AMAZON_GUIDELINES),
        "review-reward": Use(AMAZON_GUIDELINES),
        "incentive": Use(AMAZON_GUIDELINES),
        "discourage-claim": Use(CLAIMS_PRACTICE),
        "html": Use(AMAZON_SP_API),
        "public-frame": Use(PUBLIC_REPLY),
        "public-order-id": Use(PUBLIC_REPLY),
        "length": Use(AMAZON_SP_API, limit=2000),
        "order-id": Use(AMAZON_ORDER_ID),
        "order-id-format": Use(AMAZON_ORDER_FORMAT),
        "language": Use(AMAZON_SP_API),
    },
    "ebay": {
        "link": Use(EBAY_MEMBER_CONTACT),
        "email": Use(EBAY_MEMBER_CONTACT),
        "phone": Use(EBAY_MEMBER_CONTACT),
        "off-platform": Use(EBAY_MEMBER_CONTACT),
        "review-reward": Use(EBAY_FEEDBACK_EXTORTION),
        "discourage-claim": Use(CLAIMS_PRACTICE),
        "html": Use(EBAY_FORMATTING),
        "public-frame": Use(PUBLIC_REPLY),
        "public-order-id": Use(PUBLIC_REPLY),
        "length": Use(EBAY_FEEDBACK_REPLY, limit=500, public_only=True),
        "order-id-format": Use(EBAY_ORDER_FORMAT),
    },
    "aliexpress": {
        "link": Use(ALIEXPRESS_UNVERIFIED),
        "email": Use(ALIEXPRESS_UNVERIFIED),
        "phone": Use(ALIEXPRESS_UNVERIFIED),
        "off-platform": Use(ALIEXPRESS_UNVERIFIED),
        "discourage-claim": Use(CLAIMS_PRACTICE),
        "public-frame": Use(PUBLIC_REPLY),
        "public-order-id": Use(PUBLIC_REPLY),
        "order-id-format": Use(ALIEXPRESS_ORDER_FORMAT),
    },
    "etsy": {
        "link": Use(ETSY_LINKS),
        "email": Use(ETSY_MESSAGES),
        "phone": Use(ETSY_MESSAGES),
        "off-platform": Use(ETSY_MESSAGES),
        "incentive": Use(ETSY_MESSAGES),
        "discourage-claim": Use(CLAIMS_PRACTICE),
        "public-frame": Use(PUBLIC_REPLY),
        "public-order-id": Use(PUBLIC_REPLY),
        "order-id-format": Use(ETSY_ORDER_FORMAT),
    },
    "walmart": {
        "link": Use(WALMART_POLICY),
        "email": Use(WALMART_SUMMARY),
        "phone": Use(WALMART_SUMMARY),
        "off-platform": Use(WALMART_SUMMARY),
        "incentive": Use(WALMART_POLICY),
        "discourage-claim": Use(CLAIMS_PRACTICE),
        "public-frame": Use(PUBLIC_REPLY),
        "public-order-id": Use(PUBLIC_REPLY),
        "channel-language": Use(WALMART_SUMMARY, language="en"),
    },
    "email": {
        "html": Use(SHOP_MAIL_HTML),
    },
}
"""Per channel: the rules that apply there, each with its source. ``email`` is the shop's own mail."""
