"""The built-in scenario library: completeness, wording of every reply, and template hygiene."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import render, required_values
from replykit.packs.library import Library, builtin_dir, search_path
from replykit.packs.scenario import ADVICE_SECTIONS, Scenario, example_values
from replykit.rendering.templates import Reply

TEMPLATES = builtin_dir()

REQUIRED_IDS = (
    "missing-items", "negative-review", "late-delivery", "item-not-received", "tracking-not-updating",
    "damaged-item", "wrong-item", "not-as-described", "size-exchange", "return-request", "refund-issued",
    "partial-refund", "customs-hold", "address-problem", "delay-notice", "presale-delivery", "follow-up",
    "close-dispute",
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

# Phrases each reply must contain when rendered with the scenario's example values.
EXAMPLE_PHRASES: dict[str, list[str]] = {
    "missing-items": ["order 4521", "arrived without the blue mug and tea towel", SEED_PARAGRAPH, SEED_THANKS],
    "negative-review": ["You are right that your parcel arrived two weeks later than we promised,",
                        "To make sure it does not happen again, we have moved your region to a faster carrier."],
    "late-delivery": ["order 4521", "with La Poste", "LX123456789CN", "arrive by December 3, 2026",
                      "a new parcel or refund your order in full, whichever you prefer"],
    "item-not-received": ["order 4521", "LX123456789CN", "with La Poste", "since November 18, 2026",
                          "send you a new parcel straight away", "by December 3, 2026",
                          "confirm that your delivery address"],
    "tracking-not-updating": ["LX123456789CN", "on November 18, 2026", "Deutsche Post",
                              "arrive by December 3, 2026"],
    "damaged-item": ["the blue mug from your order 4521 arrived damaged", "photos of the damage",
                     "send you a replacement", "do not need to send the damaged item back"],
    "wrong-item": ["you received a red mug instead of the blue mug in your order 4521", "The mistake is ours",
                   "sending you the right item", "prepaid label"],
    "not-as-described": ["the blue mug from your order 4521 did not match our description: the colour is much darker",
                         "refund you in full (€12.50)", "prepaid return label"],
    "size-exchange": ["exchange the linen shirt from order 4521 for size M", "by December 20, 2026",
                      "prepaid return label", "we will send you size M"],
    "return-request": ["return the blue mug and tea towel from your order 4521", "eBay purchase history",
                       "by December 20, 2026", "prepaid return label", "we will refund €12.50"],
    "refund-issued": ["refunded €12.50", "on December 4, 2026", "for the blue mug from your order 4521",
                      "10 business days"],
    "partial-refund": ["order 4521", "the mug has a small chip on its base", "keep the blue mug",
                       "refund you €12.50", "return it for a full refund"],
    "customs-hold": ["order 4521", "LX123456789CN", "held by customs", "import charges of €12.50",
                     "Royal Mail", "photo of the receipt"],
    "address-problem": ["order 4521", "La Poste", "LX123456789CN", "returned it to us", "send it again",
                        "full delivery address"],
    "delay-notice": ["order 4521", "because of a delay at our supplier", "by December 3, 2026",
                     "cancel your order and refund you in full"],
    "presale-delivery": ["linen shirt", "to Germany", "within 2 business days", "7 to 12 business days",
                         "tracked airmail", "within 30 days of delivery", "replace it or refund you in full"],
    "follow-up": ["order 4521", "November 28, 2026", "photos", "If you have already replied"],
    "close-dispute": ["order 4521", "refund of €12.50", "close the request you opened on eBay",
                      "entirely your choice"],
}  # fmt: skip

# Phrases each reply must contain when rendered with only its required fields.
REQUIRED_PHRASES: dict[str, list[str]] = {
    "missing-items": ["arrived incomplete", SEED_PARAGRAPH, SEED_THANKS],
    "negative-review": ["You are right that your parcel arrived two weeks later than we promised,",
                        "send us a private message"],
    "late-delivery": ["your order is taking longer", "with the carrier", "arrive by December 3, 2026"],
    "item-not-received": ["your order has not reached you", "for far longer than usual", "whichever you prefer"],
    "tracking-not-updating": ["the tracking stops changing", "the carrier in your country",
                              "arrive by December 3, 2026"],
    "damaged-item": ["your order arrived damaged", "send you a replacement"],
    "wrong-item": ["you received the wrong item. The mistake is ours.", "sending you the right item"],
    "not-as-described": ["the item you received did not match our description.", "the difference",
                         "prepaid return label"],
    "size-exchange": ["exchange your item for size M", "at your cost", "send us its tracking number"],
    "return-request": ["you can return your order, and here is how", "at your cost", "we will refund you"],
    "refund-issued": ["refunded €12.50 to your original payment method."],
    "partial-refund": ["your order did not meet your expectations", "keep the item", "refund you €12.50"],
    "customs-hold": ["Your parcel is being held by customs", "to the carrier", "cover the import charges."],
    "address-problem": ["your order: the carrier could not deliver the parcel and has returned it"],
    "delay-notice": ["your order will leave us later than we planned. I am sorry", "by December 3, 2026"],
    "presale-delivery": ["Thank you for your interest, and", "Delivery usually takes 7 to 12 business days.",
                         "replace it or refund you in full."],
    "follow-up": ["my message about your order, in case", "which of the solutions"],
    "close-dispute": ["Your refund has now been issued", "close the case you opened?"],
}  # fmt: skip

# For every choice field: phrases each choice's reply must contain (example values otherwise).
CHOICE_PHRASES: dict[str, dict[str, dict[str, list[str]]]] = {
    "late-delivery": {"remedy": {
        "reship-or-refund": ["send you a new parcel or refund", "whichever you prefer"],
        "reship": ["send you a new parcel straight away"],
        "refund": ["refund your order in full"],
    }},
    "item-not-received": {"remedy": {
        "reship-or-refund": ["new parcel", "or refund your order in full, whichever you prefer"],
        "reship": ["send you a new parcel straight away", "new tracking number"],
        "refund": ["refunding your order in full"],
    }},
    "tracking-not-updating": {"remedy": {
        "reship-or-refund": ["send you a new parcel or refund", "whichever you prefer"],
        "reship": ["send you a new parcel straight away"],
        "refund": ["refund your order in full"],
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
            "refund": ["refund you in full"],
        },
        "return_shipping": {
            "prepaid-label": ["prepaid label for returning the wrong item"],
            "no-return": ["do not need to send the wrong item back"],
        },
    },
    "not-as-described": {
        "remedy": {
            "refund": ["refund you in full (€12.50)"],
            "replacement": ["send you a replacement"],
            "partial-refund": ["refund you €12.50 for the difference", "return it for a full refund"],
        },
        "return_shipping": {
            "prepaid-label": ["prepaid return label"],
            "no-return": ["do not need to send the item back"],
        },
    },
    "size-exchange": {"return_shipping": {
        "buyer-pays": ["postage for the return is at your cost", "send us its tracking number",
                       "Our return address is Harbour Home Goods, 12 Quay Street"],
        "prepaid-label": ["prepaid return label", "carrier scans your return"],
    }},
    "return-request": {
        "return_shipping": {
            "buyer-pays": ["postage for the return is at your cost", "Our return address is"],
            "prepaid-label": ["prepaid return label"],
        },
        "marketplace": {
            "amazon": ["Your Orders on Amazon"],
            "ebay": ["eBay purchase history"],
            "aliexpress": ["order's page on AliExpress"],
            "etsy": ["here is how"],
            "shop": ["here is how"],
        },
    },
    "customs-hold": {"duties": {
        "reimburse": ["we will cover the import charges", "refund you the full amount"],
        "prepaid": ["already collected", "proof of payment"],
        "buyer": ["not included in the price", "the amount requested is €12.50"],
    }},
    "address-problem": {
        "parcel_status": {
            "returned": ["returned it to us"],
            "held": ["is holding it", "arrange a new delivery or a collection"],
        },
        "remedy": {
            "reship": ["send it again at no cost", "full delivery address"],
            "refund": ["refund your order in full"],
            "reship-or-refund": ["send it again at no cost to you, or refund your order in full"],
        },
    },
    "delay-notice": {"delay_stage": {
        "dispatch": ["will leave us later than we planned", "cancel your order"],
        "transit": ["is delayed on its way to you", "including a full refund"],
    }},
    "follow-up": {"waiting_for": {
        "choice": ["which of the solutions"],
        "photos": ["photos of the item"],
        "address": ["full delivery address"],
        "return-tracking": ["tracking number of your return parcel"],
        "confirmation": ["everything is now sorted"],
    }},
    "close-dispute": {
        "marketplace": {
            "amazon": ["withdraw the A-to-z Guarantee claim"],
            "ebay": ["close the request you opened on eBay"],
            "aliexpress": ["cancel the dispute you opened on AliExpress"],
            "etsy": ["close the case you opened on Etsy"],
            "shop": ["dispute you opened with your payment provider"],
        },
        "remedy": {
            "refund": ["Your refund of €12.50"],
            "partial-refund": ["partial refund of €12.50"],
            "reship": ["new parcel", "delivered"],
            "replacement": ["replacement", "delivered"],
        },
    },
}  # fmt: skip

SIGN_OFF = "Best wishes,"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def library() -> Library:
    return Library(search_path())


def text_of(reply: Reply) -> str:
    return f"{reply.subject}\n{reply.body}"


def check_quality(reply: Reply) -> None:
    """Leftovers of optional fields and template mistakes that a careful agent would never send."""
    subject, body = reply.subject, reply.body
    assert subject.strip(), "empty subject"
    assert "\n" not in subject and "  " not in subject, subject
    assert subject == subject.strip(), subject
    for text in (subject, body):
        for bad in ("  ", " ,", " .", ",,", " ;", " :", "{{", "}}", "{%", "%}", "(Your", "None", "( ", " )"):
            assert bad not in text, f"{bad!r} in {text!r}"
        assert ".." not in text.replace("...", ""), text
        assert not re.search(r"\(\s*\)", text), text
        assert not re.search(r"\b(a|an|the|of|for|by|to|with|and|from)\s*[.,;:]", text), text
    assert body.startswith("Dear "), body
    assert re.match(r"Dear [^\n]+,\n\n", body), body
    for line in body.split("\n"):
        assert line == line.rstrip(), f"trailing space: {line!r}"
        assert len(line) <= 998, "line too long for email"
    assert "\n\n\n" not in body
    assert body.endswith("\n") and not body.endswith("\n\n")
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
    assert len(ids) >= 18
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
    reply = render(library, scenario, example_values(scenario))
    assert reply.subject


# 2. Renderings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", IDS)
def test_renders_with_example_values(library: Library, scenario_id: str) -> None:
    scenario = library.find(scenario_id)
    reply = render(library, scenario, example_values(scenario))
    check_quality(reply)
    text = text_of(reply)
    for phrase in EXAMPLE_PHRASES[scenario_id]:
        assert phrase in text, f"{phrase!r} not in:\n{text}"
    assert reply.body.startswith("Dear Alice,")
    assert reply.body.rstrip().endswith("Best wishes,\nSam\nHarbour Home Goods")


@pytest.mark.parametrize("scenario_id", IDS)
def test_renders_with_required_fields_only(library: Library, scenario_id: str) -> None:
    scenario = library.find(scenario_id)
    reply = render(library, scenario, required_values(scenario))
    check_quality(reply)
    text = text_of(reply)
    for phrase in REQUIRED_PHRASES[scenario_id]:
        assert phrase in text, f"{phrase!r} not in:\n{text}"
    for leftover in optional_leftovers(scenario):
        assert not re.search(rf"(?<!\w){re.escape(leftover.strip())}(?!\w)", text), f"{leftover!r} leaked:\n{text}"
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
    for values in (example_values(scenario), required_values(scenario)):
        reply = render(library, scenario, {**values, field: choice})
        check_quality(reply)
    reply = render(library, scenario, {**example_values(scenario), field: choice})
    text = text_of(reply)
    for phrase in CHOICE_PHRASES[scenario_id][field][choice]:
        assert phrase in text, f"{phrase!r} not in:\n{text}"


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_combination_of_choices_reads_cleanly(library: Library, scenario_id: str) -> None:
    from itertools import product

    scenario = library.find(scenario_id)
    choice_fields = [f for f in scenario.fields if f.choices]
    for combo in product(*[f.choices for f in choice_fields]):
        chosen = {f.name: c for f, c in zip(choice_fields, combo, strict=True)}
        for values in (example_values(scenario), required_values(scenario)):
            check_quality(render(library, scenario, {**values, **chosen}))


@pytest.mark.parametrize("scenario_id", IDS)
def test_each_optional_field_alone_reads_cleanly(library: Library, scenario_id: str) -> None:
    scenario = library.find(scenario_id)
    examples = example_values(scenario)
    for f in scenario.fields:
        if f.required or f.choices:
            continue
        check_quality(render(library, scenario, {**required_values(scenario), f.name: examples[f.name]}))
        # ... and every optional field but this one.
        check_quality(render(library, scenario, {**examples, f.name: ""}))


def test_single_item_and_plain_amount(library: Library) -> None:
    scenario = library.find("return-request")
    reply = render(library, scenario, {**example_values(scenario), "items": "blue mug", "currency": ""})
    check_quality(reply)
    assert "return the blue mug from your order 4521" in reply.body
    assert "send the item back in the condition you received it" in reply.body
    assert "we will refund 12.50 to" in reply.body
    scenario = library.find("missing-items")
    reply = render(library, scenario, {"name": "Alice", "items": "blue mug, tea towel, napkins"})
    assert "without the blue mug, tea towel, and napkins." in reply.body


# 4. Public replies -------------------------------------------------------------------------------


PRIVATE_FIELDS = {"order_id", "email", "phone", "address", "return_address", "tracking_number", "full_name"}


def test_public_replies_reveal_nothing_private(library: Library) -> None:
    public = [sid for sid in IDS if "reviews" in library.find(sid).tags]
    assert "negative-review" in public
    data = {"order_id": "987-6543210", "email": "alice.doe@example.com", "phone": "+44 20 7946 0000"}
    for scenario_id in public:
        scenario = library.find(scenario_id)
        names = {f.name for f in scenario.fields}
        assert not names & PRIVATE_FIELDS, f"{scenario_id} declares {names & PRIVATE_FIELDS}"
        for values in (example_values(scenario), required_values(scenario)):
            reply = render(library, scenario, values, data=data)
            text = text_of(reply)
            assert "987-6543210" not in text and "4521" not in text
            assert not EMAIL.search(text)
            assert "7946" not in text


# 5. Template lint --------------------------------------------------------------------------------

TAG = re.compile(r"\{%.*?%\}")


def _template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.j2"))


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_line_ends_with_an_inline_block_tag(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    is_reply = path.parent.name != "_partials"
    for number, line in enumerate(lines, start=1):
        if is_reply and number == 1:
            assert line.startswith("Subject: "), "line 1 must be the subject"
            continue  # the subject is compiled on its own; its line end is not rendered
        stripped = line.rstrip()
        last_of_partial = not is_reply and number == len(lines) - 1 and lines[-1] == ""
        if stripped.endswith("%}") and not last_of_partial:  # a partial's final newline is dropped anyway
            assert not TAG.sub("", stripped).strip(), (
                f"{path.name}:{number} ends with a block tag after text; its newline would vanish: {line!r}"
            )
        assert stripped == line, f"{path.name}:{number} has trailing whitespace"
    if is_reply:
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
        assert f"\n\n{SEED_PARAGRAPH}\n\n{SEED_THANKS}\n\n" in body
