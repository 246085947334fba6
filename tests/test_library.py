"""The built-in scenario library: completeness, wording of every reply, and template hygiene."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import render, required_values, run
from replykit import errors
from replykit.packs.library import Library, builtin_dir, search_path
from replykit.packs.scenario import ADVICE_SECTIONS, Scenario, example_values
from replykit.rendering.templates import Reply

TEMPLATES = builtin_dir()

REQUIRED_IDS = (
    "missing-items", "negative-review", "late-delivery", "item-not-received", "tracking-not-updating",
    "delivered-not-received", "split-shipment", "damaged-item", "wrong-item", "not-as-described", "faulty-item",
    "counterfeit-claim", "size-exchange", "return-request", "outside-return-window", "cancellation-request",
    "refund-issued", "partial-refund", "customs-hold", "duties-charged-twice", "address-problem", "delay-notice",
    "presale-delivery", "invoice-request", "follow-up", "close-dispute",
)  # fmt: skip

TAGS = {"delivery", "quality", "returns", "reviews", "payment", "pre-sale"}

SEED_PARAGRAPH = (
    "If your package is missing some of the items that you have ordered, please take clear photos of the "
    "items that you have received, and send them to us. We can then proceed to send you the missing item(s) "
    "as soon as possible, or you may tell us your solution."
)
SEED_THANKS = "Thank you for your time."

# Scenario ids present in the built-in folder (collected without reading any user folder).
IDS = sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


class Absent(str):
    """In a phrase table: text the reply must not contain."""


# Phrases each English reply must contain when rendered with the scenario's example values (no channel).
EXAMPLE_PHRASES: dict[str, list[str]] = {
    "missing-items": ["order 4521", "arrived without the blue mug and tea towel", "by December 5, 2026 at the latest",
                      "refund you €12.50 for them", SEED_PARAGRAPH],
    "negative-review": ["You are right that your parcel arrived two weeks later than we promised,",
                        "To make sure it does not happen again, we now ship to your region with a faster carrier.",
                        "sent you a private message"],
    "late-delivery": ["order 4521", "with Royal Mail", "LX123456789CN", "arrive by December 3, 2026",
                      "a new parcel or refund your order in full, whichever you prefer"],
    "item-not-received": ["order 4521", "(LX123456789CN) with Royal Mail", "since November 18, 2026",
                          "send you a new parcel straight away",
                          "leave us by November 27, 2026 and should reach you by December 3, 2026"],
    "tracking-not-updating": ["order 4521", "LX123456789CN", "last update was on November 18, 2026",
                              "asked Royal Mail to check where your parcel is", "arrive by December 3, 2026"],
    "delivered-not-received": ["order 4521", "(LX123456789CN) shows it as delivered on November 27, 2026",
                               "ask your neighbours", "investigation with Royal Mail on November 30, 2026",
                               "turned up by December 7, 2026"],
    "split-shipment": ["order 4521 is being sent to you in two parcels",
                       "The first parcel contains the blue mug and tea towel, and the second the teapot",
                       "sent with Royal Mail, with the tracking number LX123456789CN", "reach you by December 3, 2026"],
    "damaged-item": ["the blue mug from your order 4521 arrived damaged", "photos of the damage",
                     "by December 2, 2026 at the latest", "send you a replacement",
                     "do not need to send the damaged item back"],
    "wrong-item": ["you received a red mug instead of the blue mug in your order 4521", "The mistake is ours",
                   "sending you the right item", "prepaid label for returning the wrong item",
                   "photo of the item you received"],
    "not-as-described": ["the blue mug from your order 4521 did not match our description",
                         "the colour is much darker than in the photos", "a photo or two", "prepaid return label",
                         "refund you in full (€12.50)"],
    "faulty-item": ["the electric kettle from your order 4521 has stopped working", "24-month warranty",
                    "unplug the kettle for a minute", "a short video showing the fault", "send you a replacement"],
    "counterfeit-claim": ["order 4521", "the logo looks different from the one on the brand's website",
                          "the leather wallet you received is genuine",
                          "attached the supplier's invoice from the brand's authorised distributor",
                          "full refund of €12.50"],
    "size-exchange": ["exchange the linen shirt from order 4521 for size M", "by December 20, 2026",
                      "prepaid return label", "we will send you size M"],
    "return-request": ["return the blue mug and tea towel from your order 4521", "by December 20, 2026",
                       "prepaid return label", "we will refund €12.50"],
    "outside-return-window": ["the linen shirt from your order 4521",
                              "return window of 30 days after delivery has passed", "we will still take it back",
                              "by December 20, 2026", "refund €12.50"],
    "cancellation-request": ["Your order 4521 has not left us yet", "we can cancel it, and we will do so today",
                             "refund €12.50 to your original payment method"],
    "refund-issued": ["refunded €12.50", "on December 4, 2026", "for the blue mug from your order 4521",
                      "10 business days"],
    "partial-refund": ["order 4521", "the colour is much darker than in the photos", "keep the blue mug",
                       "refund you €12.50", "return it for a full refund"],
    "customs-hold": ["order 4521 (tracking number LX123456789CN) is being held by customs",
                     "cover the import charges of €12.50", "pay them to Royal Mail", "photo of the receipt",
                     "until December 10, 2026"],
    "duties-charged-twice": ["order 4521", "An Post should not have charged you €12.50", "IM2500012345",
                             "quote the tracking number LX123456789CN",
                             "refund you the double charge of €12.50 ourselves"],
    "address-problem": ["order 4521", "Royal Mail could not deliver the parcel (LX123456789CN)", "returned it to us",
                        "send it again at no cost", "full delivery address"],
    "delay-notice": ["order 4521", "because of a stock shortage at our supplier", "by December 3, 2026",
                     "cancel your order and refund you in full"],
    "presale-delivery": ["the linen shirt", "within 2 business days by tracked airmail",
                         "to Germany then usually takes 7 to 12 business days",
                         "Import duties and taxes are included in the price", "replace it or refund you in full"],
    "invoice-request": ["Please find attached the invoice INV-10457 for your order 4521",
                        "VAT on your order as a separate amount", "corrected invoice within 2 business days"],
    "follow-up": ["order 4521", "my message of November 28, 2026", "photos of the item", "If you have already replied"],
    "close-dispute": ["Your refund of €12.50 for order 4521", "still open", "entirely your choice",
                      "the solution stays as it is either way"],
}  # fmt: skip

# Phrases each English reply must contain when rendered with only its required fields (no channel).
REQUIRED_PHRASES: dict[str, list[str]] = {
    "missing-items": ["arrived incomplete", "which ones are missing", "Within 24 hours of receiving your photos",
                      SEED_PARAGRAPH, SEED_THANKS],
    "negative-review": ["Thank you for your review.",
                        "You are right that your parcel arrived two weeks later than we promised,", "We are sorry.",
                        Absent("private")],
    "late-delivery": ["your order is taking longer", "According to our shipping records", "arrive by December 3, 2026"],
    "item-not-received": ["your order has not reached you", "for far longer than usual", "new parcel straight away",
                          "whichever you prefer"],
    "tracking-not-updating": ["the tracking stops changing", "the carrier in your country",
                              "We are following your parcel", "arrive by December 3, 2026"],
    "delivered-not-received": ["the tracking shows it as delivered.", "open an investigation with the carrier today",
                               "by December 7, 2026"],
    "split-shipment": ["Your order is being sent to you in two parcels", "Nothing is missing from your order",
                       "The second parcel should reach you by December 3, 2026."],
    "damaged-item": ["your order arrived damaged", "photos of the damage", "Within 24 hours of receiving the photos",
                     "send you a replacement"],
    "wrong-item": ["you received the wrong item. The mistake is ours.", "sending you the right item",
                   "prepaid label for returning the wrong item"],
    "not-as-described": ["the item you received did not match our description.", "showing the difference",
                         "prepaid return label", "refund you in full as soon as"],
    "faulty-item": ["the item from your order has stopped working", "a short video showing the fault",
                    "send you a replacement"],
    "counterfeit-claim": ["what you received is genuine",
                          "attached the supplier's invoice from the brand's authorised distributor",
                          "send us photos of it", "return it for a full refund"],
    "size-exchange": ["exchange your item for size M", "at your cost", "send us its tracking number",
                      "we will send you size M"],
    "return-request": ["you can return your order, and here is how", "The postage for the return is at your cost",
                       "send us its tracking number", "we will refund you"],
    "outside-return-window": ["the return window for this order has passed", "we would like to help",
                              "Your statutory rights are not affected"],
    "cancellation-request": ["Your order has not left us yet", "we can cancel it",
                             "refund you in full to your original payment method"],
    "refund-issued": ["refunded €12.50 to your original payment method.", "10 business days"],
    "partial-refund": ["your order did not meet your expectations", "keep the item", "refund you €12.50",
                       "return it for a full refund"],
    "customs-hold": ["Your parcel is being held by customs", "pay them to the carrier", "cover the import charges.",
                     "photo of the receipt"],
    "duties-charged-twice": ["the carrier should not have charged you for it again",
                             "claim the charge back from the carrier.", "refund you the double charge ourselves"],
    "address-problem": ["your order: the carrier could not deliver the parcel and has returned it",
                        "send it again at no cost to you", "full delivery address"],
    "delay-notice": ["your order will leave us later than we planned. I am sorry", "by December 3, 2026",
                     "cancel your order and refund you in full"],
    "presale-delivery": ["Thank you for your interest, and", "Delivery usually takes 7 to 12 business days.",
                         "we will tell you whether any are due and who pays them",
                         "replace it or refund you in full."],
    "invoice-request": ["the invoice for your order, made out to your company", "within 2 business days"],
    "follow-up": ["my message about your order, in case", "which of the solutions"],
    "close-dispute": ["Your refund has now been issued", "The case you opened about this order is still open",
                      "entirely your choice"],
}  # fmt: skip

# For every choice field: phrases each choice's English reply must contain (example values otherwise).
CHOICE_PHRASES: dict[str, dict[str, dict[str, list[str]]]] = {
    "missing-items": {
        "remedy": {
            "reship-or-refund": ["send you the missing items again at our cost",
                                 "or refund you €12.50 for them, whichever you prefer"],
            "reship": ["send you the missing items again at our cost, with tracking."],
            "refund": ["refund you €12.50 for the missing items"],
        },
        "shipment": {
            "single": ["how many items were in the parcel", Absent("second parcel")],
            "split": ["second parcel (tracking number LX123456789CN), due to reach you by December 3, 2026",
                      "may simply still be on their way"],
        },
    },
    "negative-review": {"private_message": {
        "none": [Absent("private")],
        "sent": ["We have also sent you a private message"],
        "will-send": ["write to you privately within 24 hours"],
    }},
    "late-delivery": {"remedy": {
        "reship-or-refund": ["send you a new parcel or refund", "whichever you prefer"],
        "reship": ["send you a new parcel straight away"],
        "refund": ["refund your order in full"],
    }},
    "item-not-received": {"remedy": {
        "reship-or-refund": ["new parcel", "or refund your order in full, whichever you prefer"],
        "reship": ["send you a new parcel straight away", "new tracking number"],
        "refund": ["refunding your order in full", "issued by November 27, 2026"],
    }},
    "tracking-not-updating": {
        "carrier_enquiry": {
            "asked": ["We have asked Royal Mail to check where your parcel is"],
            "will-ask": ["We will ask Royal Mail today to check where your parcel is"],
            "not-asked": ["We are following your parcel for you", Absent("Royal Mail to check")],
        },
        "remedy": {
            "reship-or-refund": ["send you a new parcel or refund", "whichever you prefer"],
            "reship": ["send you a new parcel straight away"],
            "refund": ["refund your order in full"],
        },
    },
    "delivered-not-received": {
        "investigation": {
            "opened": ["we opened an investigation with Royal Mail on November 30, 2026"],
            "will-open": ["we will open an investigation with Royal Mail by November 30, 2026"],
        },
        "remedy": {
            "reship-or-refund": ["send you a new one at no cost to you or refund your order in full",
                                 "whichever you prefer"],
            "reship": ["send you a new one at no cost to you, without waiting"],
            "refund": ["refund your order in full to your original payment method"],
        },
    },
    "split-shipment": {"remedy": {
        "reship-or-refund": ["send you the items in it again at no cost, or refund them in full",
                             "whichever you prefer"],
        "reship": ["send you the items in it again straight away"],
        "refund": ["refund the items in it in full"],
    }},
    "damaged-item": {
        "remedy": {
            "replacement": ["send you a replacement"],
            "refund": ["refund you in full (€12.50)"],
            "partial-refund": ["refund you €12.50 and you can keep it", "a replacement or a full refund"],
            "buyer-proposal": ["tell us how you would like us to put this right"],
        },
        "return_shipping": {
            "no-return": ["do not need to send the damaged item back"],
            "prepaid-label": ["prepaid label for returning the damaged item"],
        },
    },
    "wrong-item": {
        "remedy": {
            "replacement": ["sending you the right item"],
            "refund": ["refund you in full for the item you ordered"],
        },
        "return_shipping": {
            "prepaid-label": ["prepaid label for returning the wrong item"],
            "no-return": ["do not need to send the wrong item back"],
        },
    },
    "not-as-described": {
        "remedy": {
            "refund": ["refund you in full (€12.50)"],
            "replacement": ["send you a replacement", "prepaid label for returning the first one"],
            "partial-refund": ["refund you €12.50 for the difference", "return it for a full refund"],
        },
        "return_shipping": {
            "prepaid-label": ["prepaid return label"],
            "no-return": ["do not need to send the item back"],
        },
    },
    "faulty-item": {
        "proof": {
            "video": ["a short video showing the fault", "seen the video"],
            "photos": ["a few photos showing the fault", "As soon as we have the photos"],
        },
        "remedy": {
            "repair": ["arrange the repair at no cost to you", "back to you repaired"],
            "replacement": ["send you a replacement at no cost to you"],
            "refund": ["refund you in full (€12.50)"],
        },
        "return_shipping": {
            "prepaid-label": ["prepaid label for sending the faulty item to us"],
            "no-return": ["do not need to send the faulty item back"],
        },
    },
    "counterfeit-claim": {"evidence_sent": {
        "attached": ["I have attached the supplier's invoice from the brand's authorised distributor"],
        "to-follow": ["we will send you the supplier's invoice from the brand's authorised distributor within "
                      "one working day"],
    }},
    "size-exchange": {"return_shipping": {
        "buyer-pays": ["postage for the return is at your cost", "send us its tracking number",
                       "Our return address is Harbour Home Goods, 12 Quay Street"],
        "prepaid-label": ["prepaid return label", "carrier scans your return"],
    }},
    "return-request": {"return_shipping": {
        "buyer-pays": ["postage for the return is at your cost",
                       "Our return address is Harbour Home Goods, 12 Quay Street"],
        "prepaid-label": ["prepaid return label", Absent("Our return address")],
    }},
    "outside-return-window": {"offer": {
        "goodwill-return": ["As a goodwill gesture, we will still take it back", "refund €12.50"],
        "help-only": ["We cannot take it back", "we will gladly help"],
    }},
    "cancellation-request": {"order_status": {
        "not-shipped": ["has not left us yet", "we will do so today"],
        "shipped": ["already left us with Royal Mail (tracking number LX123456789CN)", "refuse it at the door",
                    "prepaid return label"],
    }},
    "customs-hold": {"duties": {
        "reimburse": ["we will cover the import charges", "refund you the full amount"],
        "prepaid": ["already collected", "proof of payment"],
        "buyer": ["not included in the price", "the amount requested is €12.50"],
    }},
    "duties-charged-twice": {
        "scheme": {
            "ioss": ["Import One-Stop Shop (IOSS)", "IOSS number it was paid under, IM2500012345"],
            "uk": ["The UK VAT for your order 4521", "VAT number it was paid under, IM2500012345"],
        },
        "invoice_sent": {
            "attached": ["I have attached it to this message"],
            "to-follow": ["We will send it to you within one working day"],
        },
        "if_refused": {
            "refund": ["refund you the double charge of €12.50 ourselves"],
            "help": ["take the matter up with them ourselves"],
        },
    },
    "address-problem": {
        "parcel_status": {
            "returned": ["returned it to us"],
            "held": ["is holding it", "arrange a new delivery or a collection"],
        },
        "remedy": {
            "reship": ["send it again at no cost to you, to the address on your order", "full delivery address"],
            "reship-new-address": ["reply with your full delivery address", "a phone number for the carrier"],
            "refund": ["refund your order in full"],
            "reship-or-refund": ["send it again at no cost to you, or refund your order in full"],
        },
    },
    "delay-notice": {"delay_stage": {
        "dispatch": ["will leave us later than we planned", "cancel your order"],
        "transit": ["is delayed on its way to you", "including a full refund"],
    }},
    "presale-delivery": {
        "import_charges": {
            "included": ["included in the price you pay at checkout"],
            "buyer-pays": ["not included in the price", "collect them from you on delivery"],
            "none": ["No import duties or taxes are expected"],
        },
        "return_days": {days: [f"return it for any reason within {days} days of delivery"]
                        for days in ("14", "21", "30", "45", "60", "90")},
    },
    "invoice-request": {
        "invoice": {
            "attached": ["Please find attached the invoice INV-10457"],
            "upload": ["We will upload the invoice INV-10457", "within 2 business days"],
            "details-needed": ["company's full name, billing address and VAT ID",
                               "within 2 business days of receiving these details"],
        },
        "vat": {
            "shown": ["VAT on your order as a separate amount"],
            "reverse-charge": ["without VAT under the reverse-charge procedure"],
        },
    },
    "follow-up": {"waiting_for": {
        "choice": ["which of the solutions"],
        "photos": ["photos of the item"],
        "address": ["full delivery address"],
        "return-tracking": ["tracking number of your return parcel"],
        "confirmation": ["everything is now sorted"],
    }},
    "close-dispute": {
        "case_status": {
            "open": ["still open", "entirely your choice"],
            "closed": ["the case about this order is now closed", Absent("still open")],
        },
        "remedy": {
            "refund": ["Your refund of €12.50"],
            "partial-refund": ["partial refund of €12.50 we agreed"],
            "reship": ["new parcel for order 4521 has now been delivered"],
            "replacement": ["your replacement for order 4521 has now been delivered"],
        },
    },
}  # fmt: skip

MARKETPLACES = ("amazon", "ebay", "aliexpress", "walmart")

# Replies whose English text depends on the channel: (scenario, values over the examples, phrases per channel).
# Each channel's phrases are in its reply and in no other channel's listed here.
CHANNEL_PHRASES: list[tuple[str, dict[str, str], dict[str, list[str]]]] = [
    ("address-problem", {}, {
        "amazon": ["On Amazon we may ship only to the address on the order", "we will refund this order in full instead"],
        "email": ["If anything in that address is missing or has changed, please tell us in your reply"],
    }),
    ("cancellation-request", {}, {
        "amazon": ["we will cancel it there, and you will see the cancellation in your order",
                   "the refund goes through Amazon"],
        "email": ["We will refund €12.50 to your original payment method"],
    }),
    ("cancellation-request", {"order_status": "shipped"}, {
        "amazon": ["start the return from your order on Amazon"],
        "email": ["we will send you a prepaid return label"],
    }),
    ("close-dispute", {}, {
        "amazon": ["Your A-to-z Guarantee claim for order 4521"],
        "ebay": ["Your request for order 4521"],
        "etsy": ["Your case for order 4521"],
        "email": ["Your dispute for order 4521"],
    }),
    ("counterfeit-claim", {}, {
        "amazon": ["open a return for this order in your Amazon orders", "We will cover the return postage"],
        "email": ["just tell us, and we will send you a prepaid return label"],
    }),
    ("damaged-item", {"return_shipping": "prepaid-label"}, {
        "amazon": ["request a return from your orders on Amazon"],
        "email": ["send you a prepaid label for returning the damaged item"],
    }),
    ("delay-notice", {}, {
        "amazon": ["a full refund through your order on Amazon"],
        "email": ["we will cancel your order and refund you in full straight away"],
    }),
    ("delivered-not-received", {}, {
        "amazon": ["does not affect any protection or options you have as a buyer on Amazon"],
        "email": [],
    }),
    ("faulty-item", {}, {
        "amazon": ["start a return from your order on Amazon", "We will cover the return postage"],
        "email": ["send you a prepaid label for sending the faulty item to us"],
    }),
    ("follow-up", {"waiting_for": "address"}, {
        "amazon": ["confirm that this address is complete", "On Amazon we may ship only to the address on the order"],
        "email": ["only need your full delivery address, including the house number"],
    }),
    ("invoice-request", {"invoice": "upload"}, {
        "amazon": ["you will then find it in your order on Amazon"],
        "email": ["you will then find it with your order"],
    }),
    ("item-not-received", {"remedy": "reship"}, {
        "amazon": ["We can only send it to the address on your order", "we will refund you instead"],
        "email": ["Please just confirm that your delivery address is still correct"],
    }),
    ("item-not-received", {"remedy": "reship-or-refund"}, {
        "amazon": ["A new parcel can only go to the address on your order"],
        "email": [],
    }),
    ("not-as-described", {"remedy": "refund"}, {
        "amazon": ["Please open a return in your Amazon orders"],
        "email": ["We will email you a prepaid return label"],
    }),
    ("not-as-described", {"remedy": "replacement"}, {
        "amazon": ["To send back the item you received, please open a return in your Amazon orders"],
        "email": ["email you a prepaid label for returning the first one"],
    }),
    ("outside-return-window", {}, {
        "amazon": ["Please start the return from your order on Amazon"],
        "email": ["Our return address is: Harbour Home Goods, 12 Quay Street"],
    }),
    ("partial-refund", {}, {
        "amazon": ["open a return for this order in your Amazon orders", "send you the partial refund straight away"],
        "email": ["Please reply to tell us which you prefer"],
    }),
    ("presale-delivery", {}, {
        "amazon": ["by requesting a return from your orders on Amazon"],
        "email": [],
    }),
    ("refund-issued", {}, {
        "amazon": ["The refund was made through your order on Amazon"],
        "email": ["we refunded €12.50 to your original payment method"],
    }),
    ("return-request", {"return_shipping": "prepaid-label"}, {
        "amazon": ["start the return from Your Orders on Amazon",
                   "The return label comes from the return you open on Amazon"],
        "ebay": ["start the return from your eBay purchase history"],
        "aliexpress": ["request the return from the order's page on AliExpress"],
        "walmart": ["start the return from your orders on Walmart"],
        "email": ["We will send you a prepaid return label"],
    }),
    ("return-request", {"return_shipping": "buyer-pays"}, {
        "amazon": ["start the return from Your Orders on Amazon", Absent("Our return address")],
        "email": ["Our return address is Harbour Home Goods, 12 Quay Street"],
    }),
    ("size-exchange", {"return_shipping": "prepaid-label"}, {
        "amazon": ["The return label comes from the return you open on Amazon"],
        "email": ["We will email you a prepaid return label"],
    }),
    ("size-exchange", {"return_shipping": "buyer-pays"}, {
        "amazon": ["Please open the return in your Amazon orders", Absent("Our return address")],
        "email": ["Our return address is Harbour Home Goods, 12 Quay Street"],
    }),
    ("wrong-item", {}, {
        "amazon": ["please open a return in your Amazon orders"],
        "email": ["email you a prepaid label for returning the wrong item"],
    }),
]  # fmt: skip

SIGN_OFF = "Best wishes,"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PUBLIC_MAX_CHARS = 500  # a public eBay reply to feedback; the tightest limit of the channels that take one
# Clauses that end with their preposition in good English ("to show you where it comes from, ..."); anywhere
# else a preposition before punctuation is what an empty optional value leaves ("sent with .").
STRANDED_PREPOSITION = re.compile(r"\b(?:where (?:it comes|they come) from|comparing (?:it|them) with)(?=[.,])")


@pytest.fixture
def library() -> Library:
    return Library(search_path())


def text_of(reply: Reply) -> str:
    return f"{reply.subject}\n{reply.body}"


def assert_phrases(text: str, phrases: list[str]) -> None:
    for phrase in phrases:
        if isinstance(phrase, Absent):
            assert phrase not in text, f"{phrase!r} should not be in:\n{text}"
        else:
            assert phrase in text, f"{phrase!r} not in:\n{text}"


def render_on(library: Library, scenario: Scenario, values: dict[str, str], channel: str, lang: str = "en") -> Reply:
    """Render as for ``--channel``: the template sees ``channel``; the scenario must not refuse the channel."""
    from replykit.packs.fields import resolve_values
    from replykit.rendering.templates import load_template, make_environment
    from replykit.rendering.templates import render as render_template

    assert scenario.refusal(channel, values) is None, f"{scenario.id} refuses {channel} with {values}"
    template = load_template(make_environment(library.roots), scenario, lang)
    return render_template(template, scenario, resolve_values(scenario.fields, cli=values), lang=lang, channel=channel)


def check_quality(reply: Reply, *, public: bool = False) -> None:
    """Leftovers of optional fields and template mistakes that a careful agent would never send.

    A public reply (posted below a review) has no subject, no greeting and no signature.
    """
    subject, body = reply.subject, reply.body
    if public:
        assert subject == "", f"a public reply has a subject: {subject!r}"
    else:
        assert subject.strip(), "empty subject"
        assert "\n" not in subject and "  " not in subject, subject
        assert subject == subject.strip(), subject
    for text in (subject, body):
        for bad in ("  ", " ,", " .", ",,", " ;", " :", "{{", "}}", "{%", "%}", "(Your", "None", "( ", " )"):
            assert bad not in text, f"{bad!r} in {text!r}"
        assert ".." not in text.replace("...", ""), text
        assert not re.search(r"\(\s*\)", text), text
        prose = STRANDED_PREPOSITION.sub("", text)
        assert not re.search(r"\b(a|an|the|of|for|by|to|with|and|from)\s*[.,;:]", prose), text
    for line in body.split("\n"):
        assert line == line.rstrip(), f"trailing space: {line!r}"
        assert len(line) <= 998, "line too long for email"
    assert "\n\n\n" not in body
    assert body.endswith("\n") and not body.endswith("\n\n")
    assert body == body.lstrip(), f"blank start: {body!r}"
    if public:
        assert not re.match(r"(Dear|Hello|Hi)\b", body), f"a public reply has a greeting: {body!r}"
        assert SIGN_OFF not in body, f"a public reply has a signature: {body!r}"
        assert len(body.rstrip("\n")) <= PUBLIC_MAX_CHARS, f"{len(body.rstrip())} characters: {body!r}"
        head = body.rstrip("\n")
    else:
        assert body.startswith("Dear "), body
        assert re.match(r"Dear [^\n]+,\n\n", body), body
        head, sep, tail = body.rstrip("\n").rpartition("\n\n" + SIGN_OFF + "\n")
        assert sep, "no signature at the end"
        assert 1 <= len(tail.split("\n")) <= 2 and all(tail.split("\n")), tail
    # Paragraphs are single lines: every line before the signature is a whole paragraph.
    for paragraph in head.split("\n\n"):
        assert "\n" not in paragraph, f"hard-wrapped paragraph: {paragraph!r}"
        assert paragraph.endswith((".", "?", "!", ",", ":")), f"unfinished paragraph: {paragraph!r}"


def optional_leftovers(scenario: Scenario) -> list[str]:
    """How each optional field's example would show up in a reply, to prove it does not leak."""
    from datetime import date

    from babel.dates import format_date

    forms: list[str] = []
    for f in scenario.fields:
        if f.required or f.choices or not f.example or f.example == f.default:
            continue
        if f.type == "list":
            forms += [item.strip() for item in f.example.split(",")]
        elif f.type == "date":
            forms.append(format_date(date.fromisoformat(f.example), format="long", locale="en"))
        elif f.type == "integer":
            forms.append(f" {f.example} ")
        else:
            forms.append(f.example)
    return forms


# 1. Completeness ---------------------------------------------------------------------------------


def test_library_has_every_required_scenario(library: Library) -> None:
    ids = library.ids()
    assert len(ids) >= 26
    assert set(REQUIRED_IDS) <= set(ids)
    assert set(IDS) == set(ids)
    assert set(EXAMPLE_PHRASES) == set(ids) == set(REQUIRED_PHRASES)


@pytest.mark.parametrize("scenario_id", IDS)
def test_scenario_is_complete(library: Library, scenario_id: str) -> None:
    scenario = library.find(scenario_id)
    assert scenario.title and scenario.summary
    assert scenario.tags and set(scenario.tags) <= TAGS, scenario.tags
    advice = dict(scenario.advice)
    for section in ADVICE_SECTIONS:
        assert advice.get(section), f"advice section '{section}' is missing or empty"
        assert all(item.strip() for item in advice[section])
    for f in scenario.fields:
        assert f.help, f"field {f.name} has no help"
        assert f.example, f"field {f.name} has no example"
        if f.choices:
            assert f.required or f.default in (*f.choices, ""), f"field {f.name}: default not among its choices"
    assert "en" in scenario.languages
    reply = render(library, scenario, example_values(scenario, "en"))
    if scenario.public:
        assert reply.subject == ""
        assert scenario.refusal("email", {}), "a public reply is posted below the review, never emailed"
    else:
        assert reply.subject


# 2. Renderings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", IDS)
def test_renders_with_example_values(library: Library, scenario_id: str) -> None:
    scenario = library.find(scenario_id)
    reply = render(library, scenario, example_values(scenario, "en"))
    check_quality(reply, public=scenario.public)
    text = text_of(reply)
    assert_phrases(text, EXAMPLE_PHRASES[scenario_id])
    if scenario.public:
        assert "Alice" not in text and "Sam" not in text and "Harbour Home Goods" not in text
    else:
        assert reply.body.startswith("Dear Alice,")
        assert reply.body.rstrip().endswith("Best wishes,\nSam\nHarbour Home Goods")


@pytest.mark.parametrize("scenario_id", IDS)
def test_renders_with_required_fields_only(library: Library, scenario_id: str) -> None:
    scenario = library.find(scenario_id)
    reply = render(library, scenario, required_values(scenario))
    check_quality(reply, public=scenario.public)
    text = text_of(reply)
    assert_phrases(text, REQUIRED_PHRASES[scenario_id])
    for leftover in optional_leftovers(scenario):
        assert not re.search(rf"(?<!\w){re.escape(leftover.strip())}(?!\w)", text), f"{leftover!r} leaked:\n{text}"
    if scenario.public:
        assert "Customer Service" not in text
    else:
        assert reply.body.rstrip().endswith("Best wishes,\nCustomer Service")


def _choice_cases() -> list[tuple[str, str, str]]:
    return [
        (sid, field, choice)
        for sid, fields in CHOICE_PHRASES.items()
        for field, choices in fields.items()
        for choice in choices
    ]


def test_choice_table_covers_every_choice(library: Library) -> None:
    for scenario_id in IDS:
        scenario = library.find(scenario_id)
        declared = {f.name: set(f.choices) for f in scenario.fields if f.choices}
        table = {field: set(choices) for field, choices in CHOICE_PHRASES.get(scenario_id, {}).items()}
        assert declared == table, scenario_id


@pytest.mark.parametrize(
    ("scenario_id", "field", "choice"), _choice_cases(), ids=[f"{s}-{f}-{c}" for s, f, c in _choice_cases()]
)
def test_renders_every_choice(library: Library, scenario_id: str, field: str, choice: str) -> None:
    scenario = library.find(scenario_id)
    for values in (example_values(scenario, "en"), required_values(scenario)):
        reply = render(library, scenario, {**values, field: choice})
        check_quality(reply, public=scenario.public)
    reply = render(library, scenario, {**example_values(scenario, "en"), field: choice})
    assert_phrases(text_of(reply), CHOICE_PHRASES[scenario_id][field][choice])


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_combination_of_choices_reads_cleanly(library: Library, scenario_id: str) -> None:
    from itertools import product

    scenario = library.find(scenario_id)
    choice_fields = [f for f in scenario.fields if f.choices]
    for combo in product(*[f.choices for f in choice_fields]):
        chosen = {f.name: c for f, c in zip(choice_fields, combo, strict=True)}
        for values in (example_values(scenario, "en"), required_values(scenario)):
            check_quality(render(library, scenario, {**values, **chosen}), public=scenario.public)


@pytest.mark.parametrize("scenario_id", IDS)
def test_each_optional_field_alone_reads_cleanly(library: Library, scenario_id: str) -> None:
    scenario = library.find(scenario_id)
    examples = example_values(scenario, "en")
    for f in scenario.fields:
        if f.required or f.choices:
            continue
        alone = render(library, scenario, {**required_values(scenario), f.name: examples[f.name]})
        check_quality(alone, public=scenario.public)
        # ... and every optional field but this one.
        check_quality(render(library, scenario, {**examples, f.name: ""}), public=scenario.public)


def test_single_item_and_plain_amount(library: Library) -> None:
    scenario = library.find("return-request")
    values = {**example_values(scenario, "en"), "items": "blue mug", "currency": ""}
    reply = render(library, scenario, values)
    check_quality(reply)
    assert "return the blue mug from your order 4521" in reply.body
    assert "send the item back in the condition you received it" in reply.body
    assert "we will refund 12.50 to" in reply.body
    scenario = library.find("missing-items")
    reply = render(library, scenario, {"name": "Alice", "items": "blue mug, tea towel, napkins"})
    assert "without the blue mug, tea towel, and napkins." in reply.body


# 3. Channels -------------------------------------------------------------------------------------


def test_channel_table_covers_every_reply_that_depends_on_the_channel(library: Library) -> None:
    from jinja2 import meta

    from replykit.rendering.templates import make_environment

    env = make_environment(library.roots)

    def uses_channel(scenario_id: str) -> bool:
        source = (TEMPLATES / scenario_id / "en.j2").read_text(encoding="utf-8")
        return "channel" in meta.find_undeclared_variables(env.parse(source))

    assert {sid for sid, _, _ in CHANNEL_PHRASES} == {sid for sid in IDS if uses_channel(sid)}
    assert {"return-request", "not-as-described", "wrong-item", "size-exchange", "address-problem"} <= {
        sid for sid, _, _ in CHANNEL_PHRASES
    }


@pytest.mark.parametrize(
    ("scenario_id", "over", "phrases"),
    CHANNEL_PHRASES,
    ids=[sid + "".join(f"-{v}" for v in over.values()) for sid, over, _ in CHANNEL_PHRASES],
)
def test_the_reply_follows_the_channel(
    library: Library, scenario_id: str, over: dict[str, str], phrases: dict[str, list[str]]
) -> None:
    scenario = library.find(scenario_id)
    values = {**example_values(scenario, "en"), **over}
    assert {"amazon", "email"} <= set(phrases)
    texts = {}
    for channel in phrases:
        reply = render_on(library, scenario, values, channel)
        check_quality(reply, public=scenario.public)
        texts[channel] = text_of(reply)
        assert_phrases(texts[channel], phrases[channel])
    # Each branch is the channel's own: its phrases are in no other channel's reply.
    for channel, own in phrases.items():
        for other, text in texts.items():
            for phrase in own:
                if other != channel and not isinstance(phrase, Absent):
                    assert phrase not in text, f"{channel}'s {phrase!r} is in the {other} reply:\n{text}"
    for name in ("Amazon", "eBay", "AliExpress", "Walmart", "Etsy"):
        assert name not in texts["email"], f"{name} named in the email reply:\n{texts['email']}"


def test_address_problem_reships_to_a_new_address_only_where_the_channel_allows(library: Library) -> None:
    scenario = library.find("address-problem")
    new_address = {**example_values(scenario, "en"), "remedy": "reship-new-address"}
    reason = scenario.refusal("amazon", new_address)
    assert reason and "address on the order" in reason
    for channel in MARKETPLACES:
        assert scenario.refusal(channel, new_address), channel
    for channel in ("email", "etsy"):
        assert scenario.refusal(channel, new_address) is None, channel
    for remedy in ("reship", "refund", "reship-or-refund"):
        assert scenario.refusal("amazon", {**new_address, "remedy": remedy}) is None, remedy
    # As the agent meets it: nothing is rendered, and the reason is shown.
    code, out, err = run("render", "address-problem", "--name", "Alice", "--remedy", "reship-new-address",
                         "--channel", "amazon")  # fmt: skip
    assert (code, out) == (errors.CHANNEL_RULES, "")
    assert "may not be sent on amazon" in err and "address on the order" in err
    code, out, _ = run("render", "address-problem", "--name", "Alice", "--remedy", "reship-new-address",
                       "--channel", "email")  # fmt: skip
    assert code == 0 and "reply with your full delivery address" in out


# 4. Public replies -------------------------------------------------------------------------------


PRIVATE_FIELDS = {"order_id", "email", "phone", "address", "return_address", "tracking_number", "full_name"}


def _public_ids(library: Library) -> list[str]:
    return [sid for sid in IDS if library.find(sid).public]


def test_public_replies_reveal_nothing_private(library: Library) -> None:
    public = _public_ids(library)
    assert "negative-review" in public
    data = {"order_id": "987-6543210", "email": "alice.doe@example.com", "phone": "+44 20 7946 0000"}
    for scenario_id in public:
        scenario = library.find(scenario_id)
        names = {f.name for f in scenario.fields}
        assert not names & PRIVATE_FIELDS, f"{scenario_id} declares {names & PRIVATE_FIELDS}"
        for values in (example_values(scenario, "en"), required_values(scenario)):
            reply = render(library, scenario, values, data=data)
            text = text_of(reply)
            assert "987-6543210" not in text and "4521" not in text
            assert not EMAIL.search(text)
            assert "7946" not in text


def test_public_replies_have_no_subject_and_fit_a_public_reply(library: Library) -> None:
    """In every language and with every choice: no subject, no signature, at most 500 characters."""
    from itertools import product

    public = _public_ids(library)
    assert public
    for scenario_id in public:
        scenario = library.find(scenario_id)
        choice_fields = [f for f in scenario.fields if f.choices]
        for lang in scenario.languages:
            examples = example_values(scenario, lang)
            for combo in product(*[f.choices for f in choice_fields]):
                chosen = {f.name: c for f, c in zip(choice_fields, combo, strict=True)}
                reply = render(library, scenario, {**examples, **chosen}, lang=lang)
                where = f"{scenario_id} {lang} {chosen}"
                assert reply.subject == "", f"{where}: {reply.subject!r}"
                body = reply.body.rstrip("\n")
                assert body and len(body) <= PUBLIC_MAX_CHARS, f"{where}: {len(body)} characters:\n{body}"
                for signed in ("seller_name", "store_name"):
                    assert examples[signed] not in body, f"{where}: {examples[signed]!r} signs a public reply"


# 5. Template lint --------------------------------------------------------------------------------

TAG = re.compile(r"\{%.*?%\}")


def _template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.j2"))


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_line_ends_with_an_inline_block_tag(library: Library, path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    is_reply = path.parent.name != "_partials"
    public = is_reply and library.find(path.parent.name).public
    has_subject = is_reply and not public
    for number, line in enumerate(lines, start=1):
        if number == 1 and has_subject:
            assert line.startswith("Subject: "), "line 1 must be the subject"
            continue  # the subject is compiled on its own; its line end is not rendered
        if number == 1 and public:
            assert not line.startswith("Subject:"), "a public reply has no subject line"
        stripped = line.rstrip()
        last_of_partial = not is_reply and number == len(lines) - 1 and lines[-1] == ""
        if stripped.endswith("%}") and not last_of_partial:  # a partial's final newline is dropped anyway
            assert not TAG.sub("", stripped).strip(), (
                f"{path.name}:{number} ends with a block tag after text; its newline would vanish: {line!r}"
            )
        assert stripped == line, f"{path.name}:{number} has trailing whitespace"
    if has_subject:
        assert lines[1] == "", "line 2 must be blank"


# 6. Field consistency ----------------------------------------------------------------------------


def test_shared_fields_are_defined_once_with_one_type(library: Library) -> None:
    users: dict[str, list[str]] = defaultdict(list)
    types: dict[str, set[str]] = defaultdict(set)
    always = set(library.catalogue.always)
    for scenario_id in IDS:
        scenario = library.find(scenario_id)
        for f in scenario.fields:
            types[f.name].add(f.type)
            if f.name not in always:
                users[f.name].append(scenario_id)
    shared = library.catalogue.specs
    for name, scenario_ids in users.items():
        if len(scenario_ids) >= 2:
            assert name in shared, f"field {name} is used by {scenario_ids} but not defined in _fields.yaml"
    for name, found in types.items():
        assert len(found) == 1, f"field {name} has several types: {found}"
    for name, (spec, _) in shared.items():
        assert spec.get("help") and spec.get("example"), f"_fields.yaml: {name} needs help and an example"


# 7. The seed reply -------------------------------------------------------------------------------


def test_missing_items_keeps_the_seed_paragraph(library: Library) -> None:
    source = (TEMPLATES / "missing-items" / "en.j2").read_text(encoding="utf-8")
    assert f"\n{SEED_PARAGRAPH}\n" in source
    assert f"\n{SEED_THANKS}\n" in source
    scenario = library.find("missing-items")
    for values in (example_values(scenario), required_values(scenario)):
        body = render(library, scenario, values).body
        assert f"\n\n{SEED_PARAGRAPH}\n\n" in body and f"\n\n{SEED_THANKS}\n\n" in body
        assert body.index(SEED_PARAGRAPH) < body.index(SEED_THANKS)
