"""Word classes per language: the phrases the channel rules look for, as regular-expression sources.

Shape: ``LEXICON[language][word class] -> tuple of regex sources``. Languages are replykit's
twelve (BCP 47 tags) plus ``"*"`` for names that are the same in every language (WhatsApp,
PayPal.me, IBAN). Entries are written in lower case and matched, Unicode-aware, against the
reply in lower case (same offsets); an entry in ``(?-i:...)`` keeps its case and is matched
against the reply as written (LINE, Pix). Latin and Cyrillic entries carry their own ``\\b``
or lookbehind; Japanese, Korean and Arabic entries have none, since those scripts join words
without spaces or attach prefixes (Arabic ``بتغيير`` is ``ب`` + ``تغيير``).

All languages' entries of a class are joined into one pattern and run on every reply, because
replies mix languages. The word classes, and the rules that combine them (``rules.py``):

- ``off-platform``: messengers, social networks, payment outside the marketplace, "call me",
  "contact me at", "outside eBay", personal contact details.
- ``positive-rating``: 5 stars, a positive/good/high review or rating.
- ``ask``: please, leave, give, "we would be happy about" ... (with ``positive-rating``: an ask).
- ``thanks``: thank-you words; near a ``positive-rating`` they make it a thank-you, not an ask.
- ``review-change``: change, remove, revise or hold back a review or rating.
- ``review-action``: leave, post, write or give a review (with ``benefit``: a reward for it).
- ``review-exchange``: "in exchange for a review" and the like, a reward on its own.
- ``benefit``: refund, money, gift, coupon, discount, free.
- ``incentive``: coupons, vouchers, gift cards, promo codes, "% off", free gifts, cashback.
- ``offer``: here is, you get, we send, for your next order (with ``incentive``: an incentive offered,
  not a coupon that merely comes up, as in "the coupon you used at checkout").
- ``discourage-claim``: "don't open a case/claim/dispute/A-to-z".
- ``close-claim``: close or withdraw a case (with ``ask``: asking the buyer to).
- ``id-word``: the words before a tracking, order or invoice number, so that the number is not read as
  a phone number.

Sources: the channel rules of /work/shared/reference/marketplaces.md (sections 4.1-4.2); the
phrases themselves are replykit's, checked against tests/data/channel_corpus.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping

# Arabic letters with their vowel marks (harakat, tanwin), which Python's \w does not match.
_AW = r"[\w\u064b-\u065f\u0670]"

# Brand names are matched as words with Latin-letter lookarounds rather than \b, so that they are
# found next to Japanese or Korean text (LINEで, WhatsApp로) but not inside Latin words ("zapłaty").
COMMON: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"(?<![a-zà-ɏ])whats\s?app[a-ząćęłńóśźż]*",
        r"(?<![a-zà-ɏ])we\s?chat(?![a-zà-ɏ])",
        r"微信",
        r"(?<![a-zà-ɏ])telegram[a-z]*",
        r"(?<![a-zà-ɏ])viber(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])skype(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])instagram[a-z]*",
        r"(?<![a-zà-ɏ])facebook[a-z]*",
        r"(?<![a-zà-ɏ])tik\s?tok(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])snapchat(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])kakao\s?(?:talk)?(?![a-zà-ɏ])",
        r"(?-i:(?<![A-Za-z])LINE(?![A-Za-z]))",
        r"(?<![a-zà-ɏ])line\s?id(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])zalo(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])paypal\.me(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])paypal\s+(?:friends|freunde|amis|amigos|amici|vrienden|znajomi)",
        r"(?<![a-zà-ɏ])(?:friends|freunde)\s*(?:&|and|und|\+)\s*(?:family|familie)",
        r"(?<![a-zà-ɏ])venmo(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])zelle(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])cash\s?app(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])western\s+union(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])money\s?gram(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])revolut(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])bitcoin|(?<![a-zà-ɏ])usdt(?![a-zà-ɏ])",
        r"(?-i:(?<![A-Za-z])(?:Pix|PIX)(?![A-Za-z]))",
        r"(?<![a-zà-ɏ])bizum(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])tikkie(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])iban(?![a-zà-ɏ])",
    ),
}

EN: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"\b(?:bank|wire)\s+transfer",
        r"\bdirect\s+(?:bank\s+)?(?:transfer|payment|deposit)",
        r"\bpay\s+(?:me|us)\b(?!\s+(?:through|via|on|with)\s+(?:ebay|amazon|etsy|aliexpress|walmart))",
        r"\bpay\s+directly\b",
        r"\bsend\s+(?:me\s+)?(?:the\s+)?(?:money|payment|funds)\s+(?:directly|to\s+my)\b",
        r"\b(?:to|into)\s+my\s+(?:bank\s+|paypal\s+)?account\b",
        r"\boutside\s+(?:of\s+)?(?:ebay|amazon|etsy|aliexpress|walmart|the\s+(?:platform|site|marketplace))\b",
        r"\b(?:buy|order|purchase)\s+(?:it\s+|them\s+)?directly\s+from\s+(?:me|us|our)\b",
        r"\b(?:contact|reach|message|e-?mail|text|ping|find)\s+(?:me|us)\s+(?:directly\s+)?(?:at|on|via|through)\b"
        r"(?!\s+(?:the\s+)?(?:ebay|amazon|etsy|aliexpress|walmart|here|this)\b)",
        r"\b(?:contact|reach)\s+(?:me|us)\s+directly\b",
        r"\bwrite\s+to\s+(?:me|us)\s+(?:directly\s+)?(?:at|on)\b(?!\s+(?:the\s+)?(?:ebay|amazon|etsy|here)\b)",
        r"\b(?:call|phone|ring|text)\s+(?:me|us|our)\b",
        r"\bgive\s+(?:me|us)\s+a\s+(?:call|ring)\b",
        r"\bmy\s+(?:personal|private)\s+(?:e-?mail|number|phone|account|contact)",
    ),
    "positive-rating": (
        r"(?<![\d.,])\b(?:5|five)[- ]?stars\b",
        r"(?<![\d.,])\b(?:5|five)[- ]star\s+(?:review|rating|feedback)",
        r"\b(?:positive|good|great|excellent|glowing|high|top|favou?rable)\s+(?:review|feedback|rating|score)s?\b",
        r"\b(?:review|feedback|rating)\s+(?:to|into)\s+(?:a\s+)?(?:positive|5|five)\b",
        r"\brate\s+us\s+(?:5|five|highly)\b",
        r"★{4,5}|★\s?5|⭐{4,5}",
    ),
    "ask": (
        r"\bplease\b",
        r"\bkindly\b",
        r"\bpls\b",
        r"\b(?:could|would|can|will)\s+you\b",
        r"\b(?:leave|give|post|write)\b",
        r"\bconsider\s+(?:leaving|giving|posting|writing)\b",
        r"\brate\s+us\b",
        r"\b(?:would|we'?d|i'?d)\s+(?:really\s+|truly\s+|greatly\s+)?"
        r"(?:appreciate|love|be\s+(?:grateful|happy|delighted|thrilled))",
        r"\bit\s+would\s+mean\s+a\s+lot\b",
        r"\bif\s+you\s+(?:could|can|would|post|leave|give|write|rate|revise|change|update)\b",
    ),
    "thanks": (r"\bthank(?:s|\s+you)\b", r"\bthx\b"),
    "review-change": (
        r"\b(?:chang|remov|revis|updat|delet|withdraw|modif|edit|amend|adjust|retract|reconsider)\w*\s+"
        r"(?:(?:your|the|this|that|a|an|my|its|negative|neutral|bad|poor|low|previous|existing|recent|earlier|"
        r"unfavou?rable|one|1|two|2|[1-4][- ]star|one[- ]star|two[- ]star)\s+){0,3}"
        r"(?:review|feedback|rating|comment|stars?)\b(?!\s+(?:request|section|page|form|system|policy|link))",
        r"\btak(?:e|ing)\s+down\s+(?:(?:your|the|this|that)\s+)?(?:\S+\s+)?(?:review|feedback|rating)\b",
        r"\bbefore\s+(?:leaving|you\s+leave|posting|you\s+post|writing|you\s+write|giving)\s+"
        r"(?:(?:a|an|any|your|us|the)\s+)?(?:negative|neutral|bad|poor|low|[1-3][- ]star|one[- ]star)\s+"
        r"(?:review|feedback|rating)",
        r"\binstead\s+of\s+(?:leaving|posting|giving|writing)\s+(?:(?:a|an|any|us)\s+)?"
        r"(?:negative|neutral|bad|poor|low)\s+(?:review|feedback|rating)",
        r"\b(?:don'?t|do\s+not|never)\s+(?:leave|post|give|write)\s+(?:(?:a|an|any|us|me)\s+)?"
        r"(?:negative|neutral|bad|poor|low|[1-3][- ]star)\s+(?:review|feedback|rating)",
        r"\b(?:feedback|review|rating)\s+revision\b",
    ),
    "review-action": (
        r"\b(?:leave|leaving|post|posting|write|writing|give|giving|submit|submitting|publish|publishing|add|adding)"
        r"\s+(?:[^\s.,;:!?]+\s+){0,3}?(?:review|feedback|rating|stars?)\b",
        r"\brate\s+(?:us|me|the\s+(?:product|item|seller))\b",
        r"\bfor\s+(?:a|an)\s+(?:[^\s.,;:!?]+\s+){0,2}?(?:review|rating|feedback)\b",
    ),
    "review-exchange": (
        r"\bin\s+(?:exchange|return)\s+for\s+(?:(?:a|an|your|the|some)\s+)?(?:\S+\s+)?(?:review|feedback|rating|stars?)\b",
    ),
    "benefit": (
        r"\brefund\w*",
        r"\bmoney\s+back\b",
        r"\breimburs\w*",
        r"\bgift\w*",
        r"\bcoupons?\b",
        r"\bvouchers?\b",
        r"\bdiscount\w*",
        r"\b\d+\s?%\s?off\b",
        r"\bfree\b",
        r"\brewards?\b",
        r"\bcompensat\w*",
        r"\bbonus\b",
        r"\bcash\s?back\b",
    ),
    "incentive": (
        r"\bcoupons?\b",
        r"\bvouchers?\b",
        r"\bgift\s?(?:cards?|certificates?|codes?)\b",
        r"\b(?:promo(?:tion(?:al)?)?|discount|coupon)\s?codes?\b",
        r"(?<![\w.,])\d+\s?%\s?off\b",
        r"[$€£]\s?\d+\s?off\b",
        r"(?<![\w.,])\d+\s?%\s?discount\b",
        r"\b(?:discount|\d+\s?%)\s+(?:on|off)\s+(?:your\s+)?next\s+(?:order|purchase)",
        r"\bfree\s+(?:gift|item|product|sample)s?\b",
        r"\bcash\s?back\b",
        r"\bstore\s+credit\b",
    ),
    "offer": (
        r"\bhere(?:'s|\s+is|\s+are)\b",
        r"\byou(?:'ll|\s+will)?\s+(?:get|receive|earn|win|enjoy)\b",
        r"\bget\b",
        r"\b(?:we(?:'ll|\s+will)?|i(?:'ll|\s+will)?)\s+(?:give|send|offer|add|include)\b",
        r"\bas\s+a\s+(?:thank[- ]you|gift|token)\b",
        r"\b(?:your|the)\s+next\s+(?:order|purchase)\b",
        r"\b(?:use|redeem|claim)\s+(?:the\s+|this\s+|your\s+)?(?:code|coupon|voucher)\b",
        r"\bfor\s+you\b",
    ),
    "discourage-claim": (
        r"\b(?:don'?t|do\s+not|never|no\s+need\s+to|there'?s\s+no\s+need\s+to)\s+(?:\w+\s+){0,2}?"
        r"(?:open|file|start|raise|escalate|report|submit)\w*\s+(?:[^\s.!?]+\s+){0,4}?"
        r"(?:case|claim|dispute|a-to-z|a-z|chargeback|complaint)s?\b",
        r"\binstead\s+of\s+(?:opening|filing|starting|raising)\s+(?:(?:a|an|the)\s+)?(?:\S+\s+)?"
        r"(?:case|claim|dispute|a-to-z|chargeback)\b",
        r"\b(?:hold\s+off|refrain)\s+(?:on|from)\s+(?:opening|filing|starting|raising)\s+(?:(?:a|an|the|any)\s+)?(?:\S+\s+)?(?:case|claim|dispute|a-to-z|chargeback)\b",
    ),
    "close-claim": (
        r"\b(?:close|cancel|withdraw|retract|drop)\s+(?:(?:the|your|this|that)\s+)?(?:\S+\s+)?"
        r"(?:case|claim|dispute|a-to-z|chargeback)\b",
    ),
    "id-word": (
        r"\btracking(?:\s+(?:number|no\.?|code|id|#))?",
        r"\btrack\s*(?:&|and)\s*trace",
        r"\bconsignment(?:\s+(?:number|no\.?))?",
        r"\b(?:air\s?)?waybill",
        r"\b(?:shipment|parcel)\s+(?:number|no\.?|id)",
        r"\b(?:order|invoice|reference|receipt|case|return|rma)\s+(?:number|no\.?|#|id)",
    ),
}

DE: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"\bbanküberweisung",
        r"\büberweis\w*\s+(?:\S+\s+){0,2}?(?:direkt|an\s+mich|auf\s+mein)",
        r"\bdirekt\s+(?:per|über|via|an\s+mich|auf\s+mein|bei\s+mir)\b",
        r"\bauf\s+mein(?:e)?\s+(?:\S+\s+)?konto\b",
        r"\baußerhalb\s+(?:von\s+)?(?:ebay|amazon|etsy|aliexpress|walmart|der\s+plattform)",
        r"\b(?:rufen|ruft)\s+(?:sie\s+)?(?:mich|uns)\b",
        r"\bruf\s+(?:mich|uns)\b",
        r"\b(?:mich|uns)\s+(?:\S+\s+){0,2}?anrufen\b",
        r"\b(?:erreichen|kontaktieren)\s+sie\s+(?:mich|uns)\s+(?:\S+\s+)?(?:unter|per|auf|über)\b"
        r"(?!\s+(?:ebay|amazon|etsy|die\s+\S*nachrichten)\b)",
        r"\bmeine\w*\s+(?:private|persönliche)\w*\s+(?:nummer|handynummer|e-?mail|telefonnummer|adresse)",
    ),
    "positive-rating": (
        r"(?<![\d.,])\b(?:5|fünf)[- ]?stern(?:e|en)?\b",
        r"\b(?:positiv|gut|sehr\s+gut|toll)\w*\s+(?:bewertung|rezension|feedback|beurteilung)\w*",
        r"\bbewertung\w*\s+(?:\S+\s+){0,3}?auf\s+(?:5|fünf|positiv)",
    ),
    "ask": (
        r"\bbitte\b",
        r"\bwürden\s+(?:wir\s+)?(?:uns|mich)\s+(?:\S+\s+){0,5}?freuen\b",
        r"\bfreuen\s+(?:uns|mich)\s+(?:\S+\s+){0,3}?(?:wenn|falls)\b",
        r"\b(?:geben|hinterlassen|vergeben|schreiben)\s+sie\b",
        r"\bhinterlass\w*",
        r"\bvergeb\w*",
        r"\bwären?\s+(?:wir|ich)\s+(?:\S+\s+)?dankbar",
        r"\bkönnten\s+sie\b",
    ),
    "thanks": (r"\bdanke\b", r"\bvielen\s+dank\b", r"\bherzlichen\s+dank\b", r"\bbedanken\b"),
    "review-change": (
        r"\b(?:ändern|ändere|änderst|ändert|entfernen|entfernt|löschen|löscht|zurückziehen|zurücknehmen|anpassen|"
        r"überarbeiten|korrigieren|aktualisieren|revidieren)\s+"
        r"(?:(?:sie|du|bitte|doch|ihre|ihr|deine|dein|die|das|den|diese|negative|negativen|schlechte|schlechten)\s+){0,4}"
        r"(?:bewertung|rezension|feedback|beurteilung|sterne)\w*",
        r"\b(?:bewertung|rezension|feedback|beurteilung)\w*\s+(?:[^\s,.;:!?]+\s+){0,6}?(?:zu\s+)?"
        r"(?:ändern|entfernen|löschen|zurückziehen|zurückzuziehen|zurücknehmen|zurückzunehmen|anpassen|anzupassen|"
        r"überarbeiten|revidieren|korrigieren)\b",
        r"\bbevor\s+sie\s+(?:\S+\s+){0,2}?(?:negative|schlechte|neutrale)\w*\s+(?:bewertung|rezension|feedback)",
        r"\b(?:statt|anstatt|anstelle)\s+(?:\S+\s+){0,2}?(?:negative|schlechte)\w*\s+(?:bewertung|rezension|feedback)",
        r"\bkeine\s+(?:negative|schlechte|neutrale)\w*\s+(?:bewertung|rezension|feedback)",
    ),
    "review-action": (
        r"\b(?:hinterlass|abgeb|geb|schreib|vergeb|veröffentlich)\w*\s+(?:[^\s.,;:!?]+\s+){0,3}?"
        r"(?:bewertung|rezension|feedback|sterne)\w*",
        r"\b(?:bewertung|rezension|feedback|sterne)\w*\s+(?:[^\s.,;:!?]+\s+){0,3}?"
        r"(?:abgeben|hinterlassen|geben|schreiben|vergeben)\b",
    ),
    "review-exchange": (
        r"\bim\s+gegenzug\s+(?:für|zu)\s+(?:\S+\s+){0,2}?(?:bewertung|rezension|feedback)",
        r"\bgegen\s+(?:eine|ihre)\s+(?:\S+\s+)?(?:bewertung|rezension)\b",
    ),
    "benefit": (
        r"\berstatt\w*",
        r"\bgeld\b",
        r"\brückzahlung",
        r"\bgutschein\w*",
        r"\brabatt\w*",
        r"\bgeschenk\w*",
        r"\bgratis\b",
        r"\bkostenlos\w*",
        r"\bentschädigung",
    ),
    "incentive": (
        r"gutschein\w*",
        r"\b(?:rabatt|aktions|promo)-?codes?\b",
        r"(?<![\w.,])\d+\s?%\s?rabatt",
        r"\brabatt\s+auf\s+(?:ihre|deine)\s+nächste",
        r"\b(?:gratis|kostenlos\w*)\s+geschenk\w*",
        r"\bgratis-?(?:artikel|produkt|geschenk)\w*",
        r"\bcashback\b",
    ),
    "offer": (
        r"\b(?:bekommen|erhalten)\s+sie\b",
        r"\b(?:bekommst|erhältst)\s+du\b",
        r"\b(?:schenken|geben|schicken|senden)\s+(?:wir\s+)?(?:ihnen|dir)\b",
        r"\bals\s+(?:kleines\s+)?dankeschön\b",
        r"\bnächste\w*\s+(?:bestellung|einkauf)",
        r"\beinlösen\b",
        r"\bgratis\s+dazu\b",
    ),
    "discourage-claim": (
        r"\b(?:eröffnen|öffnen|melden|starten)\s+sie\s+(?:bitte\s+)?(?:keinen|keine|kein)\s+(?:\S+\s+)?"
        r"(?:fall|streitfall|konflikt|reklamation|käuferschutz\w*|beschwerde|a-bis-z\w*|antrag)\b",
        r"\b(?:keinen|keine|kein)\s+(?:\S+\s+){0,2}?"
        r"(?:fall|streitfall|konflikt|käuferschutzfall|a-bis-z-garantie\w*|antrag)\s+(?:\S+\s+){0,2}?(?:zu\s+)?"
        r"(?:eröffnen|öffnen|aufmachen|melden|einreichen|starten)\b",
    ),
    "close-claim": (
        r"\b(?:fall|antrag|konflikt|streitfall|reklamation)\w*\s+(?:\S+\s+){0,3}?(?:zu\s+)?"
        r"(?:schließen|zurückziehen|zurückzuziehen|zurücknehmen|zurückzunehmen)\b",
        r"\b(?:schließen|ziehen)\s+sie\s+(?:bitte\s+)?(?:den|ihren)\s+(?:\S+\s+)?(?:fall|antrag|konflikt)\b",
    ),
    "id-word": (
        r"\bsendungs(?:nummer|verfolgung|-?id|nr\.?)",
        r"\btracking-?(?:nummer|code|id)",
        r"\bpaketnummer",
        r"\bidentcode",
        r"\b(?:bestell|rechnungs|auftrags|referenz|vorgangs|fall)(?:nummer|nr\.?)",
    ),
}

FR: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"\bvirement\s+bancaire",
        r"\bpa(?:yer|yez|ye)\s+(?:\S+\s+){0,2}?(?:directement|par\s+virement)",
        r"\bme\s+payer\b",
        r"\bsur\s+mon\s+compte\b",
        r"\ben\s+dehors\s+d['’]\s?(?:ebay|amazon|etsy|aliexpress|walmart)",
        r"\bhors\s+(?:d['’]\s?)?(?:ebay|amazon|etsy|aliexpress|plateforme)",
        r"\b(?:appel|téléphon)\w*[- ](?:moi|nous)\b",
        r"\bcontacte[zr]?[- ](?:moi|nous)\s+(?:directement\s+)?(?:au|sur|par|à)\b"
        r"(?!\s+(?:la\s+messagerie|ebay|amazon|etsy)\b)",
        r"\bécri(?:vez|s)[- ]moi\s+(?:directement\s+)?(?:sur|au|à)\b(?!\s+(?:la\s+messagerie|ebay|amazon)\b)",
        r"\bmon\s+(?:numéro|mail|e-mail|adresse)\s+(?:perso|personnel|privé)\w*",
    ),
    "positive-rating": (
        r"(?<![\d.,])\b(?:5|cinq)\s+étoiles?",
        r"\b(?:avis|commentaire|évaluation|note)s?\s+(?:positi(?:f|ve)s?|favorables?|5\s+étoiles|excellente?s?|maximale)",
        r"\b(?:bonne|excellente|meilleure)\s+(?:note|évaluation)",
        r"\bbon\s+(?:avis|commentaire)",
    ),
    "ask": (
        r"\bmerci\s+d(?:e\b|['’])",
        r"\blaiss(?:er|ez)\b",
        r"\bs['’]il\s+vous\s+pla[iî]t\b",
        r"\bsvp\b",
        r"\bpourriez[- ]vous\b",
        r"\b(?:donn|mett|attribu)(?:er|ez)\b",
        r"\bnous\s+(?:ferait|ferez)\s+(?:\S+\s+)?plaisir",
    ),
    "thanks": (r"\bmerci\b(?!\s+d(?:e\b|['’]))", r"\bremerci\w*"),
    "review-change": (
        r"\b(?:modifi|chang|retir|supprim|révis|corrig|actualis|enlev|effac)\w*\s+"
        r"(?:(?:votre|ton|ta|vos|la|le|l['’]|cet|cette|ce|un|une|les|son|sa)\s*){0,2}"
        r"(?:avis|évaluation|note|commentaire|feedback|étoile)\w*",
        r"\b(?:mettre|mettez)\s+à\s+jour\s+(?:votre\s+|l['’])?(?:avis|évaluation|note|commentaire)",
        r"\bavant\s+de\s+(?:laisser|publier|mettre|donner)\s+(?:un|une)\s+(?:avis|évaluation|note|commentaire)\s+"
        r"(?:négati|défavorable|mauvais)",
        r"\bavant\s+de\s+(?:laisser|mettre)\s+(?:une?\s+)?mauvais\w*\s+(?:avis|note|évaluation)",
    ),
    "review-action": (
        r"\b(?:laiss|publi|donn|écri|mett|post|attribu)\w*\s+(?:[^\s.,;:!?]+\s+){0,3}?"
        r"(?:avis|évaluation|note|commentaire|étoiles)\b",
    ),
    "review-exchange": (
        r"\ben\s+échange\s+d['’]\s?(?:un|une|votre)\s+(?:\S+\s+)?(?:avis|évaluation|note|commentaire)",
        r"\bcontre\s+(?:un|une|votre)\s+(?:\S+\s+)?(?:avis|évaluation)\b",
    ),
    "benefit": (
        r"\brembours\w*",
        r"\bbons?\s+d['’]achat",
        r"\bcadeau\w*",
        r"\bréduction",
        r"\bremise\b",
        r"\bgratuit\w*",
        r"\bargent\b",
        r"\bdédommag\w*",
    ),
    "incentive": (
        r"\bbons?\s+d['’]achat",
        r"\bbons?\s+de\s+réduction",
        r"\bcodes?\s+(?:promo|de\s+réduction|réduction)",
        r"\bcartes?[- ]cadeaux?",
        r"(?<![\w.,])\d+\s?%\s?de\s+(?:réduction|remise)",
        r"\bréduction\s+sur\s+(?:votre|ta)\s+prochaine",
        r"\bcadeau\s+gratuit",
        r"\bcoupons?\b",
        r"\bcashback\b",
    ),
    "offer": (
        r"\boffr(?:ons|e|ez|ir)\b",
        r"\brecev(?:rez|ez|oir)\b",
        r"\bobten(?:ez|ir)\b",
        r"\bprofite[zr]?\b",
        r"\bbénéficie[zr]?\b",
        r"\benvoy(?:ons|er)\b",
        r"\bvoici\b",
        r"\bprochaine?\s+(?:commande|achat)",
        r"\ben\s+cadeau\b",
    ),
    "discourage-claim": (
        r"\bne\s+pas\s+ouvrir\s+(?:de\s+|d['’]\s?|un\s+|une\s+)(?:litige|réclamation|dossier|cas|plainte|contestation)",
        r"\bn['’]ouvrez\s+pas\s+(?:de\s+|d['’]\s?|un\s+|une\s+)(?:litige|réclamation|dossier|cas|plainte|contestation)",
        r"\bpas\s+(?:besoin|la\s+peine)\s+d['’]ouvrir\s+(?:\S+\s+)?(?:litige|réclamation|dossier|cas|plainte)",
        r"\bsans\s+ouvrir\s+de\s+(?:litige|réclamation)",
    ),
    "close-claim": (
        r"\b(?:ferm|clôtur|annul|retir)\w*\s+(?:\S+\s+){0,2}?(?:litige|réclamation|dossier|contestation|plainte)\b",
    ),
    "id-word": (
        r"\bnum[ée]ro\s+de\s+(?:suivi|colis)",
        r"\bsuivi\b",
        r"\bn[°o]\s*de\s+(?:suivi|colis)",
        r"\bnum[ée]ro\s+de\s+(?:commande|facture|référence|dossier)",
        r"\bn[°o]\s*de\s+(?:commande|facture)",
    ),
}

ES: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"\btransferencia\s+bancaria",
        r"\bpag(?:ar|as|a|ues|ue|arme|arnos)\s+(?:\S+\s+){0,2}?directamente",
        r"\bme\s+pag(?:as|a|ues|ue|ar[aá]s)\b",
        r"\ba\s+mi\s+cuenta\b",
        r"\bfuera\s+de\s+(?:ebay|amazon|etsy|aliexpress|walmart|la\s+plataforma|mercado\s+libre)",
        r"\bll[aá]m(?:ame|anos|enos|eme)\b",
        r"\bllamar(?:me|nos)\b",
        r"\b(?:escr[ií]beme|cont[aá]ctame|cont[aá]cteme|cont[aá]ctenos|cont[aá]ctanos)\s+(?:directamente\s+)?"
        r"(?:al|por|en|a)\b(?!\s+(?:aqu[ií]|trav[eé]s\s+de\s+(?:ebay|amazon)|ebay|amazon|este)\b)",
        r"\bmi\s+(?:n[uú]mero|correo|email|tel[eé]fono)\s+(?:personal|privado)",
    ),
    "positive-rating": (
        r"(?<![\d.,])\b(?:5|cinco)\s+estrellas",
        r"\b(?:valoraci[oó]n|rese[nñ]a|opini[oó]n|calificaci[oó]n|evaluaci[oó]n|comentario|puntuaci[oó]n)(?:es)?\s+"
        r"(?:positiv[ao]s?|excelente|de\s+5)",
        r"\bbuen[ao]s?\s+(?:valoraci[oó]n|rese[nñ]a|calificaci[oó]n|opini[oó]n|comentario|puntuaci[oó]n)",
    ),
    "ask": (
        r"\bd[eé]j(?:a|e|en)(?:nos|me)?\b",
        r"\bdejar\b",
        r"\bpor\s+favor\b",
        r"\ble\s+agradecer[ií]amos\b",
        r"\bnos\s+encantar[ií]a\b",
        r"\bpublica(?:s|r|nos)?\b",
        r"\b(?:d[eé]nos|danos)\b",
        r"\bp[oó]n(?:ga|ganos|nos|me)\b",
        r"\bcalif[ií]ca(?:nos|r)?\b",
        r"\bval[oó]ra(?:nos|r)\b",
    ),
    "thanks": (r"\bgracias\b", r"\bagradec(?:emos|idos?|idas?)\b"),
    "review-change": (
        r"\b(?:cambi|modific|elimin|borr|retir|actualic|actualiz|quit|edit|corrij|correg)\w*,?\s+"
        r"(?:(?:por\s+favor,?|su|tu|la|el|esa|esta|sus|tus|las|los|una|un)\s+){0,3}"
        r"(?:valoraci[oó]n|rese[nñ]a|opini[oó]n|calificaci[oó]n|comentario|evaluaci[oó]n|feedback|puntuaci[oó]n|"
        r"estrellas)\w*",
        r"\bantes\s+de\s+(?:dejar|publicar|poner|escribir)\s+(?:una?\s+)?"
        r"(?:valoraci[oó]n|rese[nñ]a|opini[oó]n|calificaci[oó]n|comentario)\s+negativ",
        r"\ben\s+lugar\s+de\s+dejar\s+(?:\S+\s+){0,2}?negativ",
    ),
    "review-action": (
        r"\b(?:dej\w*|public\w*|escrib\w*|d[eé]nos|danos|pon\w*)\s+(?:[^\s.,;:!?]+\s+){0,3}?"
        r"(?:valoraci[oó]n|rese[nñ]a|opini[oó]n|calificaci[oó]n|comentario|estrellas)\w*",
    ),
    "review-exchange": (
        r"\ba\s+cambio\s+de\s+(?:una|un|su|tu)\s+(?:\S+\s+)?"
        r"(?:valoraci[oó]n|rese[nñ]a|opini[oó]n|calificaci[oó]n|comentario)",
    ),
    "benefit": (
        r"\breembols\w*",
        r"\bdinero\b",
        r"\bregalo\w*",
        r"\bdescuento\w*",
        r"\bcup[oó]n\w*",
        r"\bgratis\b",
        r"\bcompensaci[oó]n",
    ),
    "incentive": (
        r"\bcupones\b",
        r"\bcup[oó]n\b",
        r"\bc[oó]digos?\s+(?:de\s+descuento|promocional)",
        r"\btarjetas?\s+(?:de\s+)?regalo",
        r"\bvales?\s+(?:de\s+descuento|regalo)",
        r"(?<![\w.,])\d+\s?%\s?de\s+descuento",
        r"\bdescuento\s+en\s+(?:tu|su)\s+pr[oó]xim",
        r"\bregalo\s+gratis",
        r"\bproducto\s+gratis",
    ),
    "offer": (
        r"\b(?:te|le|les|os)\s+(?:damos|daremos|regalamos|mandamos|mandaremos|enviamos|enviaremos|ofrecemos)\b",
        r"\brecib(?:e|es|irás|irá|irán)\b",
        r"\bobt(?:én|ienes|endrás|enga)\b",
        r"\bconsigue\b",
        r"\bgana\b",
        r"\baquí\s+tienes\b",
        r"\bpr[oó]xim[ao]\s+(?:compra|pedido)",
        r"\busa\s+el\s+c[oó]digo\b",
    ),
    "discourage-claim": (
        r"\bno\s+(?:abra|abras|abran|abrir|inicie|inicies|presente|presentes|ponga|pongas)\s+(?:\S+\s+){0,3}?"
        r"(?:reclamaci[oó]n|reclamo|disputa|caso|queja|mediaci[oó]n|garant[ií]a\s+de\s+la\s+a)",
        r"\bno\s+(?:hace\s+falta|es\s+necesario)\s+(?:abrir|presentar|iniciar)\s+(?:\S+\s+)?"
        r"(?:reclamaci[oó]n|reclamo|disputa|caso)",
    ),
    "close-claim": (
        r"\b(?:cierre|cerrar|cancele|cancelar|retire|retirar)\w*\s+(?:\S+\s+){0,2}?"
        r"(?:reclamaci[oó]n|disputa|caso|reclamo)\b",
    ),
    "id-word": (
        r"\bn[uú]mero\s+de\s+(?:seguimiento|env[ií]o)",
        r"\bseguimiento\b",
        r"\bn\.?\s?[ºo°]\.?\s+de\s+env[ií]o",
        r"\blocalizador",
        r"\bn[uú]mero\s+de\s+(?:pedido|factura|referencia|caso)",
    ),
}

IT: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"\bbonifico\s+bancario",
        r"\bpagar\w*\s+(?:\S+\s+)?direttamente",
        r"\bsul\s+mio\s+conto\b",
        r"\bal\s+di\s+fuori\s+di\s+(?:ebay|amazon|etsy|aliexpress|walmart)",
        r"\bfuori\s+(?:da\s+)?(?:ebay|amazon|etsy)\b",
        r"\b(?:mi|ci)\s+(?:chiam|telefon)\w*",
        r"\b(?:chiamate|telefonate)(?:mi|ci)\b",
        r"\bcontatta(?:mi|teci|ci|temi)\s+(?:direttamente\s+)?(?:al|su|via|a|allo)\b(?!\s+(?:ebay|amazon|etsy)\b)",
        r"\bil\s+mio\s+(?:numero|cellulare|indirizzo\s+email)\s+(?:personale|privato)",
    ),
    "positive-rating": (
        r"(?<![\d.,])\b(?:5|cinque)\s+stelle",
        r"\b(?:recensione|valutazione|feedback|giudizio|commento)\s+(?:positiv[oa]|a\s+5|a\s+cinque|ottim[oa]|eccellente)",
        r"\b(?:buon[ao]?|ottim[ao])\s+(?:recensione|valutazione|feedback|giudizio)",
    ),
    "ask": (
        r"\bci\s+lasci\w*",
        r"\blasci(?:are|ate|a)?\b",
        r"\bper\s+favore\b",
        r"\bla\s+preghiamo\b",
        r"\b(?:le|vi|ti)\s+chiediamo\b",
        r"\bcortesemente\b",
        r"\bci\s+farebbe\s+(?:\S+\s+)?piacere",
        r"\b(?:ci\s+)?dia\b",
        r"\bmett(?:a|ere)\b",
        r"\bsaremmo\s+(?:\S+\s+)?(?:grati|felici|lieti)",
    ),
    "thanks": (r"\bgrazie\b", r"\bringrazi\w*"),
    "review-change": (
        r"\b(?:modific|cambi|rimuov|elimin|cancell|aggiorn|rived|ritir|togli|correg)\w*,?\s+"
        r"(?:(?:per\s+favore,?\s|la|il|sua|suo|tua|tuo|questa|questo|l['’]|lo|una|un)\s*){0,3}"
        r"(?:recension|valutazion|feedback|giudizi|comment|stell)\w*",
        r"\bprima\s+di\s+lasciare\s+(?:\S+\s+){0,2}?negativ\w*",
    ),
    "review-action": (
        r"\b(?:lasci|pubblic|scriv|dia|mett|rilasci)\w*\s+(?:[^\s.,;:!?]+\s+){0,3}?"
        r"(?:recension|valutazion|feedback|stell|giudizi|comment)\w*",
    ),
    "review-exchange": (
        r"\bin\s+cambio\s+(?:di|della|del)\s+(?:una\s+|sua\s+)?(?:\S+\s+)?(?:recension|valutazion|feedback)\w*",
    ),
    "benefit": (
        r"\brimbors\w*",
        r"\bbuon[oi]\b",
        r"\bsconto\b",
        r"\bregalo\b",
        r"\bomaggio\b",
        r"\bgratis\b",
        r"\bsoldi\b",
        r"\bdenaro\b",
    ),
    "incentive": (
        r"\bbuon[oi][- ](?:sconto|regalo|acquisto)",
        r"\bcodic[ei]\s+(?:sconto|promozional\w*)",
        r"\bcoupon\b",
        r"(?<![\w.,])\d+\s?%\s?di\s+sconto",
        r"\bsconto\s+del\s+\d+",
        r"\bcarta\s+regalo",
    ),
    "offer": (
        r"\b(?:le|ti|vi)\s+(?:regaliamo|offriamo|inviamo|diamo|mandiamo)\b",
        r"\bricever(?:à|ai|ete)\b",
        r"\botten(?:ga|ere|ete)\b",
        r"\bapprofitt\w*",
        r"\becco\b",
        r"\bprossimo\s+(?:ordine|acquisto)\b",
        r"\bin\s+omaggio\b",
    ),
    "discourage-claim": (
        r"\bnon\s+(?:apra|aprire|apri|aprite|avvii|avviare|faccia|fare)\s+(?:\S+\s+){0,3}?"
        r"(?:controversia|contestazione|reclamo|caso|disputa|segnalazione)",
        r"\bnon\s+(?:c['’]è\s+bisogno|serve|è\s+necessario)\s+(?:di\s+)?(?:aprire|avviare)\s+(?:\S+\s+)?"
        r"(?:controversia|contestazione|reclamo|caso|disputa)",
    ),
    "close-claim": (
        r"\b(?:chiuder|chiuda|ritir|annull)\w*\s+(?:\S+\s+){0,2}?(?:controversia|contestazione|reclamo|caso|disputa)\b",
    ),
    "id-word": (
        r"\bcodice\s+di\s+(?:tracciamento|tracking|spedizione)",
        r"\btracciamento",
        r"\bnumero\s+di\s+spedizione",
        r"\blettera\s+di\s+vettura",
        r"\bnumero\s+(?:d[\'’]ordine|dell[\'’]ordine|di\s+fattura|della\s+fattura|di\s+riferimento|della\s+pratica)",
    ),
}

NL: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"\bbankoverschrijving",
        r"\brechtstreeks\s+(?:\S+\s+)?(?:overmaken|betalen|overboeken|storten)",
        r"\bdirect\s+(?:aan\s+mij\s+)?(?:overmaken|betalen)\b",
        r"\brekeningnummer\b",
        r"\bop\s+(?:mijn|onze)\s+rekening\b",
        r"\bbuiten\s+(?:ebay|bol(?:\.com)?|amazon|etsy|marktplaats)\b",
        r"\bniet\s+via\s+(?:bol(?:\.com)?|ebay|amazon|etsy)\b",
        r"\bbel\s+(?:me|mij|ons)\b",
        r"\bapp\s+(?:me|mij|ons)\b",
        r"\bneem\s+(?:direct\s+)?contact\s+(?:met\s+(?:mij|ons)\s+)?op\s+(?:via|op)\b(?!\s+(?:ebay|bol|amazon|etsy)\b)",
        r"\bmijn\s+(?:priv[eé]|persoonlijke)\s+(?:nummer|e-?mail)",
    ),
    "positive-rating": (
        r"(?<![\d.,])\b(?:5|vijf)\s+sterren",
        r"\bpositieve\s+(?:beoordeling|review|recensie|feedback|waardering)",
        r"\bgoede\s+(?:beoordeling|review|recensie|waardering)",
    ),
    "ask": (
        r"\balsjeblieft\b",
        r"\balstublieft\b",
        r"\ba\.u\.b\.",
        r"\bgeef\b",
        r"\bachter\s*laten\b",
        r"\blaat\s+(?:\S+\s+){0,4}?achter\b",
        r"\bzou(?:den)?\s+(?:je|u|jullie)\b",
        r"\bwe\s+zouden\s+(?:het\s+)?(?:\S+\s+)?(?:waarderen|fijn\s+vinden)",
    ),
    "thanks": (r"\bbedankt\b", r"\bdank\s+(?:je|u)\b", r"\bdankjewel\b", r"\bdankuwel\b"),
    "review-change": (
        r"\b(?:verander|wijzig|verwijder|herzie|update|bewerk)\w*\s+"
        r"(?:(?:je|jouw|uw|de|het|die|deze|een|negatieve|slechte)\s+){0,3}"
        r"(?:beoordeling|review|recensie|feedback|waardering)\w*",
        r"\b(?:beoordeling|review|recensie|feedback|waardering)\w*\s+(?:[^\s,.;:!?]+\s+){0,4}?"
        r"(?:aan\s*(?:te\s+)?passen|aanpast|wijzigen|wijzigt|veranderen|verandert|verwijderen|verwijdert|bijwerken|"
        r"intrekken|herzien|bijstellen)\b",
        r"\bpas\s+(?:je|jouw|uw|de)\s+(?:\S+\s+)?(?:beoordeling|review|recensie)\s+aan\b",
        r"\bvoordat\s+(?:je|u)\s+(?:een\s+)?(?:negatieve|slechte)\s+(?:beoordeling|review|recensie)",
    ),
    "review-action": (
        r"\b(?:achterla|geef|geeft|schrijf|plaats|laat)\w*\s+(?:[^\s.,;:!?]+\s+){0,3}?"
        r"(?:beoordeling|review|recensie|sterren|feedback)\w*",
        r"\b(?:beoordeling|review|recensie|sterren)\w*\s+(?:[^\s.,;:!?]+\s+){0,3}?"
        r"(?:achterlaat|achterlaten|geeft|geven|plaatst|plaatsen|schrijft)\b",
    ),
    "review-exchange": (r"\bin\s+ruil\s+voor\s+(?:een|je|uw)\s+(?:\S+\s+)?(?:beoordeling|review|recensie)",),
    "benefit": (
        r"\bterugbeta\w*",
        r"\bgeld\s+terug",
        r"\bcadeau\w*",
        r"\bkorting\w*",
        r"\bgratis\b",
        r"\btegoed\w*",
        r"\bvergoeding",
        r"\bkrijg\w*\s+(?:\S+\s+){0,3}?terug\b",
    ),
    "incentive": (
        r"\bcadeaubon\w*",
        r"\bkortings(?:code|bon)\w*",
        r"\bwaardebon\w*",
        r"\btegoedbon\w*",
        r"(?<![\w.,])\d+\s?%\s?korting",
        r"\bkorting\s+op\s+(?:je|uw)\s+volgende",
        r"\bgratis\s+cadeau",
    ),
    "offer": (
        r"\bkrijg(?:t|en)?\b",
        r"\bontvang(?:t|en)?\b",
        r"\b(?:geven|sturen)\s+(?:we|wij)\b",
        r"\bvolgende\s+(?:bestelling|aankoop)\b",
        r"\bgebruik\s+de\s+code\b",
    ),
    "discourage-claim": (
        r"\bgeen\s+(?:\S+\s+){0,2}?(?:zaak|geschil|claim|klacht|melding)\s+(?:\S+\s+){0,3}?(?:te\s+)?"
        r"(?:openen|opent|indienen|starten|aanmaken)\b",
        r"\b(?:open|start|dien)\s+(?:alsjeblieft\s+|a\.u\.b\.\s+)?geen\s+(?:\S+\s+)?(?:zaak|geschil|claim|klacht)",
    ),
    "close-claim": (
        r"\b(?:sluit|sluiten|trek)\w*\s+(?:\S+\s+){0,2}?(?:zaak|geschil|claim)\b",
        r"\b(?:zaak|geschil|claim)\s+(?:\S+\s+){0,3}?(?:te\s+)?(?:sluiten|intrekken)\b",
    ),
    "id-word": (
        r"\btrack\s*(?:&|en)\s*trace(?:-?code)?",
        r"\btrackingcode",
        r"\bzendingnummer",
        r"\bbarcode",
        r"\b(?:bestel|factuur|referentie|order)nummer",
    ),
}

PL: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"\bprzelew\w*\s+(?:\S+\s+)?(?:bezpośrednio|na\s+moje)",
        r"\bprzelew\s+bankowy",
        r"\bbezpośrednio\s+na\s+(?:moje|nasze)\s+konto",
        r"\bna\s+moje\s+konto\b",
        r"\bpoza\s+(?:ebay|allegro|amazon|etsy|aliexpress|platformą)",
        r"\bproszę\s+(?:\S+\s+)?(?:za)?dzwonić",
        r"\b(?:za)?dzwoń(?:cie)?\b",
        r"\b(?:za)?dzwonić\s+(?:do\s+)?(?:mnie|nas)\b",
        r"\b(?:napisz|napisać|pisz)\w*\s+(?:do\s+mnie\s+)?na\s+(?:prywatn\w*|mój|moj)",
        r"\bmój\s+prywatny\s+(?:numer|e-?mail|adres)",
    ),
    "positive-rating": (
        r"(?<![\d.,])\b(?:5|pięć|pięciu)\s+gwiazd\w*",
        r"\bpozytywn\w*\s+(?:opini|ocen|komentarz|recenzj)\w*",
        r"\b(?:opini|ocen|komentarz)\w*\s+na\s+pozytywn\w*",
        r"\bdobr\w*\s+(?:opini|ocen)\w*",
        r"\bnajwyższ\w*\s+ocen\w*",
    ),
    "ask": (
        r"\bprosimy\b",
        r"\bproszę\b",
        r"\bwystaw\w*",
        r"\bzostaw\w*",
        r"\bdaj(?:cie)?\b",
        r"\bbędziemy\s+wdzięczni",
        r"\bbyłoby\s+(?:nam\s+)?miło",
    ),
    "thanks": (r"\bdziękuj\w*", r"\bdzięki\b"),
    "review-change": (
        r"\b(?:zmie[nń]|usu[nń]|popraw|edytuj|zaktualizuj|aktualizuj|wycofa|skasuj|zmodyfikuj)\w*,?\s+"
        r"(?:(?:proszę,?|pan|pani|państwo|swoją|swoja|tę|te|ta|tą|twoją|naszą|negatywn\w*)\s+){0,3}"
        r"(?:opini|ocen|komentarz|recenzj|gwiazd)\w*",
        r"\bzanim\s+(?:\S+\s+){0,3}?(?:negatywn|złą|zła)\w*\s+(?:opini|ocen|komentarz)",
    ),
    "review-action": (
        r"\b(?:wystaw|zostaw|napisz|dodaj|daj|opublikuj)\w*\s+(?:[^\s.,;:!?]+\s+){0,3}?"
        r"(?:opini|ocen|komentarz|recenzj|gwiazd)\w*",
    ),
    "review-exchange": (
        r"\bw\s+zamian\s+za\s+(?:\S+\s+)?(?:opini|ocen|recenzj|komentarz)\w*",
        r"\bza\s+(?:wystawienie|pozostawienie)\s+(?:\S+\s+)?(?:opini|ocen)\w*",
    ),
    "benefit": (
        r"\bzwr[oó]\w*\s+(?:\S+\s+)?pieni[ąę]\w*",
        r"\bpieni[ąę]dz\w*",
        r"\bzwrot\w*",
        r"\brabat\w*",
        r"\bprezent\w*",
        r"\bgratis\b",
        r"\bdarmow\w*",
        r"\brekompensat\w*",
    ),
    "incentive": (
        r"\bkod\w*\s+rabatow\w*",
        r"\bkupon\w*",
        r"\bbon\w*\s+(?:podarunkow|rabatow|zakupow)\w*",
        r"\bkart\w*\s+podarunkow\w*",
        r"(?<![\w.,])\d+\s?%\s?(?:rabatu|zniżki)",
        r"\brabat\w*\s+na\s+następne",
        r"\bdarmow\w*\s+prezent\w*",
        r"\bcashback\b",
    ),
    "offer": (
        r"\botrzyma\w*",
        r"\bdostan\w*",
        r"\bdołącz(?:ymy|amy)\b",
        r"\b(?:damy|dajemy|wyślemy)\b",
        r"\bnastępn\w*\s+(?:zamówieni|zakup)\w*",
        r"\bw\s+prezencie\b",
    ),
    "discourage-claim": (
        r"\bnie\s+(?:otwiera[ćj]\w*|otwórz\w*|zakłada[ćj]\w*|zgłasza[ćj]\w*|składa[ćj]\w*)\s+(?:\S+\s+){0,2}?"
        r"(?:spor\w*|reklamacj\w*|dyskusj\w*|sprawy|sprawę|roszczeni\w*)",
        r"\bnie\s+ma\s+potrzeby\s+(?:otwierania|zakładania|zgłaszania)\s+(?:\S+\s+)?(?:spor|reklamacj|dyskusj)\w*",
    ),
    "close-claim": (r"\b(?:zamkn|wycofa|anuluj)\w*\s+(?:\S+\s+){0,2}?(?:spór|sporu|reklamacj\w*|dyskusj\w*)",),
    "id-word": (
        r"\bnumer\s+(?:przesyłki|śledzenia|nadania|listu\s+przewozowego)",
        r"\blist\s+przewozowy",
        r"\bnumer\s+(?:zamówienia|faktury|referencyjny|sprawy)",
    ),
}

PT_BR: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"\btransfer[eê]ncia\s+banc[aá]ria",
        r"\bpag(?:ar|ue|a)\s+(?:\S+\s+)?(?:direto|diretamente)\b",
        r"\b(?:me|nos)\s+(?:liga|ligue|chama|chame)\b",
        r"\blig(?:ue|a|ar)\s+(?:para|pra)\s+(?:mim|n[oó]s)\b",
        r"\b(?:fala|fale)\s+comigo\s+(?:no|na|pelo|pela|via)\b(?!\s+(?:mercado\s+livre|chat)\b)",
        r"(?<![a-zà-ɏ])zap(?:zap)?(?![a-zà-ɏ])",
        r"(?<![a-zà-ɏ])wpp(?![a-zà-ɏ])",
        r"\bfora\s+d[oa]\s+(?:mercado\s+livre|ebay|amazon|etsy|aliexpress|plataforma|shopee)",
        r"\bna\s+minha\s+conta\b",
        r"\bmeu\s+(?:n[uú]mero|celular|e-?mail|whats)\s+(?:pessoal|particular)",
        r"\b(?:meu|minha)\s+(?:\S+\s+)?(?:pessoal|particular)\b",
    ),
    "positive-rating": (
        r"(?<![\d.,])\b(?:5|cinco)\s+estrelas",
        r"\b(?:avalia[cç][aã]o|review|coment[aá]rio|opini[aã]o|qualifica[cç][aã]o)\s+"
        r"(?:positiva|positivo|5\s+estrelas|de\s+5|m[aá]xima|excelente)",
        r"\bboa\s+(?:avalia[cç][aã]o|nota|qualifica[cç][aã]o)",
        r"\bnota\s+(?:m[aá]xima|5|dez|10)\b",
    ),
    "ask": (
        r"\bdeix(?:e|a|em|ar)\b",
        r"\bpor\s+favor\b",
        r"\bd[eêá]\s+(?:uma|sua|nota|\d)",
        r"\bavali(?:e|em)(?:-nos)?\b",
        r"\bnos\s+avali",
        r"\bficar[ií]amos\s+(?:muito\s+)?(?:felizes|gratos)",
        r"\bagradecer[ií]amos\b",
    ),
    "thanks": (r"\bobrigad[oa]s?\b", r"\bagradecemos\b"),
    "review-change": (
        r"\b(?:alter|mud|remov|exclu|apag|atualiz|modific|retir|edit|revis|corrij|corrig)\w*,?\s+"
        r"(?:(?:por\s+favor,?|a|o|sua|seu|essa|esse|esta|este|uma|um)\s+){0,3}"
        r"(?:avalia[cç](?:[aã]o|[oõ]es)|coment[aá]rio|opini[aã]o|review|nota|feedback|qualifica[cç][aã]o|estrelas)\b",
        r"\bantes\s+de\s+(?:deixar|dar|fazer)\s+(?:uma\s+)?(?:avalia[cç][aã]o|nota|qualifica[cç][aã]o)\s+negativ",
    ),
    "review-action": (
        r"\b(?:deix\w*|public\w*|escrev\w*|d[eê]|dar|poste\w*|postar)\s+(?:[^\s.,;:!?]+\s+){0,3}?"
        r"(?:avalia[cç]\w*|coment[aá]rio|opini[aã]o|review|nota|estrelas)",
    ),
    "review-exchange": (r"\bem\s+troca\s+de\s+(?:uma|sua)\s+(?:\S+\s+)?(?:avalia[cç][aã]o|review|coment[aá]rio)",),
    "benefit": (
        r"\breembols\w*",
        r"\bdinheiro\b",
        r"\bcupo[mn]s?\b",
        r"\bdesconto\w*",
        r"\bbrinde\w*",
        r"\bpresente\b",
        r"\bgr[aá]tis\b",
    ),
    "incentive": (
        r"\bcupo[mn]s?\b",
        r"\bc[oó]digos?\s+(?:de\s+desconto|promocional)",
        r"\bvale[- ]presente",
        r"\bcart[aã]o[- ]presente",
        r"(?<![\w.,])\d+\s?%\s?de\s+desconto",
        r"\bdesconto\s+na\s+pr[oó]xima",
        r"\bbrinde\w*",
        r"\bcashback\b",
    ),
    "offer": (
        r"\bganh(?:e|a|ará|ar)\b",
        r"\breceb(?:a|erá|e)\b",
        r"\b(?:te|lhe)\s+(?:damos|daremos|mandamos|enviamos|oferecemos)\b",
        r"\bpr[oó]xima\s+compra\b",
        r"\baproveite\b",
        r"\bde\s+presente\b",
    ),
    "discourage-claim": (
        r"\bn[aã]o\s+(?:abra|abrir|abram|registre|registrar|fa[cç]a|fazer|inicie|iniciar)\s+(?:\S+\s+){0,3}?"
        r"(?:reclama[cç](?:[aã]o|[oõ]es)|disputa|media[cç][aã]o|caso|contesta[cç][aã]o|chargeback)",
        r"\bn[aã]o\s+(?:precisa|[eé]\s+necess[aá]rio)\s+(?:de\s+)?(?:abrir|registrar)\s+(?:\S+\s+)?"
        r"(?:reclama[cç][aã]o|disputa|media[cç][aã]o|caso)",
    ),
    "close-claim": (
        r"\b(?:fech|cancel|retir|encerr)\w*\s+(?:\S+\s+){0,2}?(?:reclama[cç][aã]o|disputa|media[cç][aã]o|caso)\b",
    ),
    "id-word": (
        r"\bc[oó]digo\s+de\s+rastre(?:io|amento)",
        r"\brastre(?:io|amento)",
        r"\bn[uú]mero\s+d[oa]\s+(?:pedido|nota\s+fiscal|fatura|protocolo)",
        r"\bprotocolo\b",
    ),
}

RU: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"\bбанковск\w*\s+перевод\w*",
        r"\bна\s+(?:мою|нашу)\s+карт\w*",
        r"\bна\s+мой\s+(?:сч[её]т|номер|кошел[её]к)",
        r"\bперевед\w*\s+(?:\S+\s+){0,2}?на\s+(?:мою|мой|нашу|карт)",
        r"(?<![а-яё])сбер\w*",
        r"(?<![а-яё])тинькофф\w*",
        r"(?<![а-яё])телеграм\w*",
        r"(?<![а-яё])(?:ватсап|вотсап|вацап)\w*",
        r"(?<![а-яё])вайбер\w*",
        r"(?<![а-яё])инстаграм\w*",
        r"(?<![а-яё])вконтакте\w*",
        r"\bвне\s+(?:ebay|amazon|площадки|платформы|сайта|aliexpress|али)",
        r"(?<![а-яё])(?:по)?звоните(?![а-яё])",
        r"(?<![а-яё])позвони\s+мне",
        r"\b(?:напишите|пишите|напиши)\s+(?:мне\s+)?(?:в|на)\s+(?:телеграм|ватсап|вайбер|мой\s+(?:номер|телефон))\w*",
        r"\bсвяжитесь\s+со\s+мной\s+(?:напрямую\s+)?(?:по|в|через)\b",
        r"\bличн\w*\s+(?:номер|почт|телефон)\w*",
        r"\b(?:оплат|плат|перев)\w*\s+(?:\S+\s+){0,2}?напрямую\b",
        r"\bнапрямую\s+(?:\S+\s+)?(?:перевод\w*|на\s+карт\w*)",
        r"\bпереводом\s+на\s+карту\b",
    ),
    "positive-rating": (
        r"(?<![\d.,])\b(?:5|пять|пяти|пятью)\s+зв[её]зд\w*",
        r"\bположительн\w*\s+(?:отзыв|оценк|рейтинг|комментари)\w*",
        r"\b(?:хорош|отличн|высок)\w*\s+(?:отзыв|оценк)\w*",
        r"\b(?:отзыв|оценк)\w*\s+на\s+(?:положительн|5|пять|хорош)\w*",
        r"\bоценк\w*\s+(?:5|пять)\b",
    ),
    "ask": (
        r"\bпожалуйста\b",
        r"\bпоставьте\b",
        r"\bоставьте\b",
        r"\bпоставить\b",
        r"\bоставить\b",
        r"\bпросим\b",
        r"\bпрошу\b",
        r"\bбудем\s+(?:очень\s+)?(?:благодарны|рады|признательны)",
    ),
    "thanks": (r"\bспасибо\b", r"\bблагодарим\b", r"\bблагодарю\b"),
    "review-change": (
        r"\b(?:измени|поменя|удали|исправ|обнови|отредактир|убер|пересмотр|скорректир|перепиш)\w*,?\s+"
        r"(?:(?:пожалуйста,?|свой|ваш|свою|вашу|этот|эту|отрицательн\w*|негативн\w*|плох\w*)\s+){0,3}"
        r"(?:отзыв|оценк|рейтинг|комментари)\w*",
        r"\bпрежде\s+чем\s+(?:оставить|ставить|поставить|писать|написать)\s+(?:\S+\s+)?(?:отрицательн|негативн|плох)\w*",
        r"\bне\s+(?:оставляйте|ставьте|пишите)\s+(?:\S+\s+)?(?:отрицательн|негативн|плох)\w*\s+(?:отзыв|оценк)",
    ),
    "review-action": (
        r"\b(?:остав|постав|напиш|опубликуй|дай)\w*\s+(?:[^\s.,;:!?]+\s+){0,3}?(?:отзыв|оценк|зв[её]зд|комментари)\w*",
    ),
    "review-exchange": (r"\bв\s+обмен\s+на\s+(?:\S+\s+)?(?:отзыв|оценк)\w*",),
    "benefit": (
        r"\bденьг\w*",
        r"\bвозврат\w*",
        r"\bверн[её]м\b",
        r"\bкомпенсац\w*",
        r"\bскидк\w*",
        r"\bпромокод\w*",
        r"\bподар\w*",
        r"\bбесплатн\w*",
        r"\bкупон\w*",
        r"\bбонус\w*",
    ),
    "incentive": (
        r"\bпромокод\w*",
        r"\bкупон\w*",
        r"\bподарочн\w*\s+(?:сертификат|карт)\w*",
        r"\bскидк\w*\s+(?:на|в)\s+следующ\w*",
        r"\bскидк\w*\s+\d+\s?%",
        r"(?<![\w.,])\d+\s?%\s?скидк\w*",
        r"\bкэшб[эе]к\w*",
        r"\bбесплатн\w*\s+подар\w*",
    ),
    "offer": (
        r"\bполуч(?:ите|ит|ишь)\b",
        r"\b(?:дарим|дадим|подарим|отправим|вышлем)\b",
        r"\bследующ\w*\s+(?:заказ|покупк)\w*",
        r"\bв\s+подарок\b",
        r"\bвоспользуйтесь\b",
    ),
    "discourage-claim": (
        r"\bне\s+(?:надо\s+|нужно\s+|стоит\s+)?(?:открывай\w*|открыва\w*|откройте|открыть|подавай\w*|подава\w*|"
        r"оформля\w*)\s+(?:\S+\s+){0,2}?(?:спор\w*|диспут\w*|претензи\w*|жалоб\w*)",
    ),
    "close-claim": (r"\b(?:закро|закрыть|закрой|отмени|отозв)\w*\s+(?:\S+\s+){0,2}?(?:спор|диспут|претензи)\w*",),
    "id-word": (
        r"\bтрек[- ]?номер\w*",
        r"\bномер\s+(?:отслеживания|отправления|посылки)",
        r"\bтрек\b",
        r"\bшпи\b",
        r"\bпочтов\w*\s+идентификатор\w*",
        r"\bномер\s+(?:заказа|сч[её]та|обращения)",
    ),
}

JA: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"お電話(?:ください|下さい|にて|で)",
        r"電話(?:して|をください|ください)",
        r"ライン(?:で|の|id)",
        r"銀行振込",
        r"振り?込み?で直接",
        r"直接(?:お)?(?:支払|取引|振込|連絡|ご連絡)",
        r"個人(?:の)?(?:メール|アドレス|連絡先|電話)",
        r"(?<![a-zà-ɏ])(?:amazon|ebay|アマゾン|イーベイ)(?:の)?外で",
        r"口座(?:番号)?(?:に|へ)(?:お)?振",
        r"インスタ",
        r"フェイスブック",
        r"テレグラム",
    ),
    "positive-rating": (
        r"星\s?[5５](?:つ)?",
        r"[5５]つ星",
        r"★\s?[5５]",
        r"★{4,5}",
        r"高評価",
        r"(?:良い|よい|いい)(?:評価|レビュー)",
        r"満点",
        r"最高評価",
    ),
    "ask": (
        r"お願い",
        r"ください",
        r"下さい",
        r"いただけ(?:ます|ません|ましたら|れば|ると)",
        r"頂け(?:ます|ません|ましたら|れば|ると)",
        r"(?:つけ|付け)て",
    ),
    "thanks": (r"ありがとう", r"感謝", r"お礼"),
    "review-change": (
        r"(?:評価|レビュー|フィードバック|星|コメント)(?:を|の|は)?\S{0,6}?"
        r"(?:変更|削除|修正|取り消|取消|撤回|更新|見直|書き換|変え|消して|消し)",
        r"(?:悪い|低い)評価を(?:つける|付ける|する)前に",
    ),
    "review-action": (
        r"(?:評価|レビュー|星|口コミ|フィードバック)(?:を|の)?\S{0,4}?(?:つけ|付け|書い|書き|投稿|残し|いただけ|お願い)",
    ),
    "review-exchange": (r"(?:レビュー|評価)(?:と)?(?:引き換え|交換)", r"(?:レビュー|評価)(?:の)?(?:お礼|特典)として"),
    "benefit": (
        r"返金",
        r"クーポン",
        r"割引",
        r"プレゼント",
        r"無料",
        r"特典",
        r"ギフト",
        r"ポイント",
        r"値引",
        r"補償",
    ),
    "incentive": (
        r"クーポン",
        r"割引コード",
        r"\d+\s?[%％]\s?(?:割引|オフ|off)",
        r"ギフト券",
        r"ギフトカード",
        r"商品券",
        r"キャッシュバック",
        r"次回\S{0,6}割引",
    ),
    "offer": (
        r"差し上げ",
        r"進呈",
        r"お送りいたします",
        r"次回",
        r"使える",
        r"ご利用いただけ",
    ),
    "discourage-claim": (
        r"(?<![a-zà-ɏ])(?:ケース|紛争|異議|申し立て|クレーム|a-to-z|aーtoーz)(?:を|は)?\S{0,4}?"
        r"(?:開かないで|開けないで|しないで|起こさないで|申請しないで|オープンしないで)",
    ),
    "close-claim": (r"(?:ケース|紛争|申し立て|クレーム)(?:を|は)?\S{0,4}?(?:閉じて|クローズ|取り下げ|取り消し)",),
    "id-word": (
        r"追跡番号",
        r"お問い合わせ番号",
        r"問い合わせ番号",
        r"伝票番号",
        r"送り状番号",
        r"追跡(?:コード|id)",
        r"注文番号",
        r"請求書番号",
        r"管理番号",
    ),
}

KO: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"전화\s?(?:주세요|주시|해\s?주세요|주십시오|부탁)",
        r"카톡",
        r"카카오(?:톡)?",
        r"계좌\s?이체",
        r"직접\s?(?:결제|입금|송금|거래)",
        r"직거래",
        r"개인\s?(?:번호|연락처|이메일|메일|계좌)",
        r"(?:아마존|이베이|쿠팡)\s?(?:밖|외부)",
        r"위챗",
        r"텔레그램",
        r"인스타(?:그램)?",
        r"페이스북",
        r"왓츠앱",
    ),
    "positive-rating": (
        r"별점\s?[5５]\s?점",
        r"별\s?(?:5|다섯)\s?개",
        r"[5５]점\s?만점",
        r"(?:좋은|긍정적인|높은)\s?(?:리뷰|후기|평가|별점)",
        r"★\s?5",
    ),
    "ask": (r"부탁", r"주세요", r"주시면", r"주실\s?수", r"해\s?주시", r"주시길"),
    "thanks": (r"감사", r"고맙", r"고마워"),
    "review-change": (
        r"(?:리뷰|후기|평가|별점|피드백)(?:를|을|은|는|도)?\s?(?:\S+\s)?(?:삭제|수정|변경|바꿔|바꾸|내려|지워|지우|철회)",
        r"(?:나쁜|부정적인)\s?(?:리뷰|후기|평가)(?:를|을)?\s?(?:남기|작성하)\S*\s?전에",
    ),
    "review-action": (r"(?:리뷰|후기|평가|별점)(?:를|을)?\s?(?:남겨|남기|작성|써|달아)",),
    "review-exchange": (r"(?:리뷰|후기)\s?(?:이벤트|적립)",),
    "benefit": (r"환불", r"쿠폰", r"할인", r"선물", r"무료", r"적립", r"보상", r"사은품"),
    "incentive": (
        r"쿠폰",
        r"할인\s?코드",
        r"\d+\s?[%％]\s?할인",
        r"기프트\s?카드",
        r"상품권",
        r"적립금",
        r"캐시백",
        r"사은품",
    ),
    "offer": (
        r"드립니다",
        r"드려요",
        r"드릴게요",
        r"증정",
        r"다음\s?구매",
        r"사용\s?가능",
    ),
    "discourage-claim": (
        r"(?:분쟁|케이스|클레임|신고|이의\s?제기)(?:은|는|을|를)?\s?(?:\S+\s)?(?:열지|하지|제기하지|신청하지|접수하지)\s?마",
    ),
    "close-claim": (r"(?:분쟁|케이스|클레임)(?:을|를)?\s?(?:닫아|취소해|철회해|종료해)",),
    "id-word": (
        r"운송장\s?번호",
        r"송장\s?번호",
        r"추적\s?번호",
        r"운송장",
        r"주문\s?번호",
        r"청구서\s?번호",
    ),
}

AR: Mapping[str, tuple[str, ...]] = {
    "off-platform": (
        r"اتصل(?:وا)?\s+(?:بي|بنا)",
        r"(?:تواصل|تواصلوا|راسلني|راسلوني)\s+معي",
        r"واتس\s?(?:اب|آب)",
        r"واتساب",
        r"تلي?غرام|تيليجرام|تلجرام",
        r"[اإ]نستغرام|[اإ]نستجرام",
        r"فيسبوك|فيس\s+بوك",
        r"تحويل\s+بنكي",
        r"حوالة\s+بنكية",
        r"(?:إلى|الى|في)\s+حسابي",
        r"الدفع\s+(?:\S+\s+){0,3}?مباشرة",
        r"(?:بريدي|رقمي|هاتفي|إيميلي|ايميلي)\s+(?:ال)?(?:شخصي|خاص)",
        r"خارج\s+(?:أمازون|امازون|إيباي|ايباي|المنصة|الموقع)",
        r"ويسترن\s+يونيون",
    ),
    "positive-rating": (
        rf"تقييم{_AW}*\s+(?:ال)?[إا]يجابي",
        r"(?:5|٥|خمس|خمسة)\s+نجوم",
        rf"تقييم{_AW}*\s+(?:عال|ممتاز)",
    ),
    "ask": (r"يرجى", r"نرجو", r"من\s+فضلك", r"الرجاء", r"اترك", r"[أا]عطنا", r"امنحنا", r"نتمنى"),
    "thanks": (r"شكر", r"نشكر"),
    "review-change": (
        r"(?:تعديل|تغيير|حذف|[إا]زالة|سحب|تحديث|احذف|امسح)\s+(?:\S+\s+)?تقييم",
        r"قبل\s+(?:ترك|كتابة|وضع)\s+(?:\S+\s+)?(?:تقييم|مراجعة)\S*\s+سلبي",
    ),
    "review-action": (r"(?:ترك|اترك|كتابة|اكتب|وضع|ضع|نشر|تقديم)\s+(?:\S+\s+)?(?:تقييم|مراجعة)",),
    "review-exchange": (r"مقابل\s+(?:\S+\s+)?(?:تقييم|مراجعة)",),
    "benefit": (
        r"المبلغ",
        r"استرداد",
        r"المسترد",
        r"نعيد\s+لك",
        r"سنعيد",
        r"خصم",
        r"هدية",
        r"مجان",
        r"قسيمة",
        r"كوبون",
        r"تعويض",
    ),
    "incentive": (
        r"قسيمة",
        r"كوبون",
        r"(?:رمز|كود)\s+(?:ال)?خصم",
        r"خصم\s+(?:بنسبة\s+)?\d+",
        r"\d+\s?[%٪]\s?خصم",
        r"بطاقة\s+هدية",
        r"هدية\s+مجانية",
        r"استرداد\s+نقدي",
    ),
    "offer": (
        r"للحصول\s+على",
        r"ستحصل",
        r"احصل",
        r"نقدم\s+لك",
        r"نهديك",
        r"(?:الطلب|الشراء)\s+القادم",
    ),
    "discourage-claim": (
        r"(?:عدم|لا\s+داعي\s+ل|لا\s+ت)\s*(?:فتح|تفتح\S*|رفع|ترفع\S*|تقديم|تقدم\S*)\s+(?:\S+\s+)?(?:نزاع|شكوى|مطالبة|قضية)",
    ),
    "close-claim": (r"(?:[إا]غلاق|سحب|[إا]لغاء)\s+(?:ال)?(?:نزاع|شكوى|مطالبة|قضية)",),
    "id-word": (
        r"رقم\s+(?:ال)?تتبع",
        r"رقم\s+(?:ال)?شحنة",
        r"رقم\s+(?:ال)?بوليصة",
        r"رقم\s+(?:ال)?طلب",
        r"رقم\s+(?:ال)?فاتورة",
    ),
}

LEXICON: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "*": COMMON,
    "en": EN,
    "ar": AR,
    "de": DE,
    "es": ES,
    "fr": FR,
    "it": IT,
    "ja": JA,
    "ko": KO,
    "nl": NL,
    "pl": PL,
    "pt-BR": PT_BR,
    "ru": RU,
}
"""Every language's word classes, keyed by BCP 47 tag; ``"*"`` holds names common to all."""
