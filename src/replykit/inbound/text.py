"""A message body as text: HTML turned into text, and the buyer's own words without quotes and signatures.

Quoted earlier messages are recognised in the forms mail programs write them, in replykit's
12 languages: ``>`` lines, an attribution line ("On ... wrote:", "Am ... schrieb ...:",
"Le ... a écrit :", Gmail's Russian and Japanese forms with only a date and an address),
Outlook's "-----Original Message-----" and its header blocks ("From:/Sent:", "Von:/Gesendet:",
"De :/Envoyé :", ...), and a forwarded message. Signatures: the "-- " line and the lines
phones add ("Sent from my iPhone", "Von meinem iPhone gesendet", "iPhoneから送信", ...).

No library on PyPI did this for these 12 languages (the comparison is in the README): the
patterns here are replykit's own, and only the standard library's ``re`` runs them, on text
cut to MAX_SCANNED_CHARS first so that the time stays bounded.
"""

from __future__ import annotations

import re
from typing import Any

MAX_SCANNED_CHARS = 64 * 1024
"""The buyer's own words are looked for in this much of the body's start; the rest is older mail."""

_LONGEST_ATTRIBUTION = 400

# Verbs of attribution lines, as Gmail, Apple Mail, Thunderbird and Outlook write them.
_WROTE = re.compile(
    r"(?:\bwrote|\bwrites|\bschrieb|\ba écrit|\bescribió|\bha scritto|\bscrisse|\bschreef|\bescreveu|\bescribi[óo]"
    r"|\bnapisał(?:\(a\)|a)?|\bpisze|\bпишет|\bнаписал(?:\(а\)|а)?|書きました|님이 작성|\bكتب|\bكتبت)",
    re.IGNORECASE,
)
# How an attribution line starts when it holds no address: a date first, or the word before it.
_OPENER = re.compile(r"(?:(?:On|Am|Le|El|Il|Op|Em|W dniu|В|في)\b|\d)", re.IGNORECASE)
_ANGLE_ADDRESS = re.compile(r"<[^<>\s]+@[^<>\s]+>|\S+@\S+\.\w+")
_TIME = re.compile(r"\d{1,2}:\d{2}")
_ENDS_WITH_COLON = re.compile(r"[:：]\s*$")

_FROM_LABEL = re.compile(r"\s*\*?(?:From|Von|De|Van|Da|Od|От|差出人|보낸 사람|من)\s*\*?\s*[:：]\s*\S", re.IGNORECASE)
_HEADER_LABEL = re.compile(
    r"\s*\*?(?:Sent|Date|To|Subject|Cc|Gesendet|Datum|An|Betreff|Envoyé|À|Objet|Enviado|Fecha|Para|Asunto"
    r"|Verzonden|Aan|Onderwerp|Inviato|Data|A|Oggetto|Wysłano|Wysłane|Do|Temat|Отправлено|Дата|Кому|Тема"
    r"|Assunto|Enviada|送信日時|日付|宛先|件名|보낸 날짜|날짜|받는 사람|제목|أرسل|التاريخ|إلى|الموضوع)\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"\s*(?:-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original"
    r"|messaggio originale|oorspronkelijk bericht|oorspronkelijke bericht|mensagem original|wiadomość oryginalna"
    r"|oryginalna wiadomość|исходное сообщение|元のメッセージ|원본 메시지|الرسالة الأصلية|forwarded message"
    r"|weitergeleitete nachricht|message transféré|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht"
    r"|mensagem encaminhada|wiadomość przekazana|пересылаемое сообщение|転送されたメッセージ|전달된 메시지"
    r"|الرسالة المعاد توجيهها)\s*-{2,}|_{20,}|-{20,})\s*",
    re.IGNORECASE,
)
_SIGNATURE_MARK = re.compile(r"--\s?")
_PHONE_SENT = re.compile(
    r"\s*(?:sent from|sent with|get outlook for|von meinem|gesendet (?:von|mit|vom)|envoyé (?:de|depuis)"
    r"|enviado (?:desde|do|de|con)|inviato da|verzonden (?:vanaf|met|van)|wysłane z|отправлено (?:с|из|со)"
    r"|أرسلت من|أُرسلت من|.{0,30}から送信|.{0,30}에서 보냄|.{0,30}에서 보낸)",
    re.IGNORECASE,
)
_DEVICE = re.compile(
    r"i ?phone|i ?pad|android|samsung|galaxy|mobil|handy|smartphone|outlook|mail|yahoo|blackberry|huawei|xiaomi"
    r"|pixel|phone|telefon|téléphone|teléfono|telefone|telefoon|телефон|смартфон|携帯|スマートフォン|모바일"
    r"|휴대폰|هاتف|آيفون",
    re.IGNORECASE,
)


def _attribution(line: str) -> bool:
    """True when ``line`` introduces a quoted earlier message ("On Mon ... Shop <shop@x> wrote:")."""
    line = line.strip()
    if len(line) > _LONGEST_ATTRIBUTION or not _ENDS_WITH_COLON.search(line):
        return False
    has_address = _ANGLE_ADDRESS.search(line) is not None
    if _WROTE.search(line) and (has_address or _OPENER.match(line)):
        return True
    # Gmail in Russian and Japanese writes only the date and the address: "пн, 4 мар. 2024 г. в 10:15, Shop <x@y>:".
    return has_address and _TIME.search(line) is not None


def _header_block(lines: list[str], at: int) -> bool:
    """True when an Outlook header block ("From: ...", then "Sent: ..." or "To: ...") starts at ``at``."""
    if not _FROM_LABEL.match(lines[at]):
        return False
    return any(_HEADER_LABEL.match(line) for line in lines[at + 1 : at + 5])


def _quote_line(line: str) -> bool:
    return line.lstrip().startswith(">")


def _previous_text_line(lines: list[str], at: int) -> int | None:
    """The index of the nearest non-blank line before ``at``, looking back two lines at most."""
    for index in range(at - 1, max(at - 3, -1), -1):
        if lines[index].strip():
            return index
    return None


def _quote_start(lines: list[str]) -> int | None:
    """The index of the first line of a quoted earlier message, or None."""
    for index, line in enumerate(lines):
        if _SEPARATOR.fullmatch(line) or _header_block(lines, index):
            return index
        if _attribution(line):
            return index
        if index + 1 < len(lines) and _attribution(line + " " + lines[index + 1].strip()):
            return index  # an attribution wrapped over two lines
        if _quote_line(line):
            before = _previous_text_line(lines, index)
            if before is not None and _ENDS_WITH_COLON.search(lines[before]) and re.search(r"[\d@]", lines[before]):
                return before
    return None


def _signature_start(lines: list[str]) -> int | None:
    """The index of the line where the signature starts ("-- ", "Sent from my iPhone"), or None."""
    for index, line in enumerate(lines):
        if _SIGNATURE_MARK.fullmatch(line):
            return index
        stripped = line.strip()
        if len(stripped) <= 60 and _PHONE_SENT.match(stripped) and _DEVICE.search(stripped):
            return index
    return None


def own_words(text: str) -> str:
    """The buyer's own words in a message body: ``text`` without quoted earlier messages and signature.

    Reads the first MAX_SCANNED_CHARS characters. Everything from a quoted message's first
    line on is dropped (a top-posted reply); ``>`` lines between the buyer's lines (an
    interleaved reply) are dropped one by one. Returns "" when nothing is the buyer's own.
    """
    lines = text[:MAX_SCANNED_CHARS].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _quote_start(lines)
    if cut is not None:
        lines = lines[:cut]
    lines = [line for line in lines if not _quote_line(line)]
    cut = _signature_start(lines)
    if cut is not None:
        lines = lines[:cut]
    return _tidy("\n".join(lines))


def _tidy(text: str) -> str:
    """Trailing spaces off each line, at most one blank line in a row, no blank lines at the ends."""
    text = re.sub(r"[ \t\u00a0]+$", "", text, flags=re.MULTILINE)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n").strip()


# Where mail programs put the quoted earlier message in HTML: Gmail, Thunderbird, Yahoo, Outlook on the web.
_QUOTE_CLASSES = frozenset({"gmail_quote", "gmail_quote_container", "moz-cite-prefix", "yahoo_quoted"})
_QUOTE_IDS = frozenset({"mail-editor-reference-message-container"})
# Outlook puts its header block in divRplyFwdMsg (after an empty appendonsend) and the quoted message after it.
_QUOTE_FROM_HERE_IDS = frozenset({"divRplyFwdMsg", "appendonsend"})


def _quoted_elements(tree: Any) -> list[Any]:
    """The elements that hold a quoted earlier message, found in one pass over the tree."""
    found: list[Any] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        ident = element.get("id") or ""
        classes = set((element.get("class") or "").split())
        if element.tag == "blockquote" or classes & _QUOTE_CLASSES or ident in _QUOTE_IDS:
            found.append(element)
        elif ident.startswith("yahoo_quoted"):
            found.append(element)
        elif ident in _QUOTE_FROM_HERE_IDS:
            found.append(element)
            found.extend(element.itersiblings())
    return found


_NOT_IN_HTML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MAX_LAID_OUT_ELEMENTS = 10_000
"""Most HTML elements given html-text's layout (a line per block; about 10 µs an element); past this
the text is taken as lxml gives it, in one pass in C, which loses only the line breaks."""


def html_to_text(html: str, *, drop_quotes: bool = False) -> str:
    """The text a reader sees in an HTML mail body, one block per line; "" for an empty or unreadable one.

    With ``drop_quotes``, the quoted earlier message is removed first (``<blockquote>``,
    Gmail's ``gmail_quote``, Thunderbird's ``moz-cite-prefix``, Outlook's ``divRplyFwdMsg``
    and what follows it, Yahoo's ``yahoo_quoted``).
    """
    whole, without_quotes = html_texts(html)
    return without_quotes if drop_quotes else whole


def html_texts(html: str) -> tuple[str, str]:
    """The text of an HTML mail body, whole and without its quoted earlier message, parsing it once.

    Uses html-text (MIT) on lxml (BSD). A document nested deeper than libxml2 allows (256
    levels) gives what libxml2 kept, possibly "".
    """
    from lxml import etree
    from lxml import html as lxml_html

    html = _NOT_IN_HTML.sub("", html)
    if not html.strip():
        return "", ""
    try:
        # As UTF-8 bytes with the encoding given: lxml refuses a str that declares an encoding.
        parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
        tree = lxml_html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return "", ""
    etree.strip_elements(tree, "script", "style", "head", "title", "template", with_tail=False)
    whole = _extract(tree)
    for element in _quoted_elements(tree):
        if element.getparent() is not None:
            element.drop_tree()
    return whole, _extract(tree)


def _extract(tree: Any) -> str:
    import html_text
    from lxml import etree

    count = 0
    for _ in tree.iter():
        count += 1
        if count > MAX_LAID_OUT_ELEMENTS:
            return _tidy(str(etree.tostring(tree, method="text", encoding="unicode")))
    return _tidy(str(html_text.etree_to_text(tree)))
