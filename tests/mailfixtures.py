"""Buyers' emails as mail programs and marketplaces send them, built as bytes for the tests.

Each function returns one whole message (headers and body) in real encodings: the body in
its charset and transfer encoding, headers as RFC 2047 encoded words where a mail program
would write them. ``from mailfixtures import plain, amazon_buyer, ...`` in any test.
"""

from __future__ import annotations

import base64
import quopri
from email.header import Header

SHOP = "Harbour Shop <shop@example.com>"
AMAZON_ORDER = "302-1234567-7654321"
EBAY_ORDER = "12-34567-89012"
DATE = "Mon, 04 Mar 2024 10:15:00 +0100"

# Short buyer messages, as buyers write them, 5 per language (the language fixtures).
BUYER_TEXTS: dict[str, tuple[str, ...]] = {
    "en": (
        "Hi, my parcel arrived today but the blue mug is missing. Can you send it please?",
        "The lamp I ordered came broken, the glass is cracked. I would like a refund.",
        "Where is my order? It has been two weeks and the tracking has not changed.",
        "I received the wrong size, I ordered a medium and got a small. How do I return it?",
        "Please cancel my order, I bought it by mistake. Thank you.",
    ),
    "de": (
        "Hallo, mein Paket ist heute angekommen, aber die blaue Tasse fehlt. Können Sie sie nachschicken?",
        "Die Lampe kam kaputt an, das Glas ist gesprungen. Ich möchte mein Geld zurück.",
        "Wo bleibt meine Bestellung? Seit zwei Wochen bewegt sich die Sendungsverfolgung nicht.",
        "Ich habe die falsche Größe bekommen, bestellt war M und geliefert wurde S. Wie kann ich umtauschen?",
        "Bitte stornieren Sie meine Bestellung, ich habe mich vertan. Danke.",
    ),
    "nl": (
        "Hallo, mijn pakket is vandaag aangekomen maar de blauwe mok ontbreekt. Kunt u die nasturen?",
        "De lamp kwam kapot aan, het glas is gebarsten. Ik wil graag mijn geld terug.",
        "Waar blijft mijn bestelling? Het is al twee weken en de track en trace verandert niet.",
        "Ik heb de verkeerde maat gekregen, ik had medium besteld en kreeg small. Hoe kan ik ruilen?",
        "Wilt u mijn bestelling annuleren? Ik heb per ongeluk besteld. Bedankt.",
    ),
    "fr": (
        "Bonjour, mon colis est arrivé aujourd'hui mais la tasse bleue manque. Pouvez-vous me l'envoyer ?",
        "La lampe est arrivée cassée, le verre est fêlé. Je voudrais être remboursé.",
        "Où en est ma commande ? Cela fait deux semaines et le suivi ne bouge plus.",
        "J'ai reçu la mauvaise taille, j'avais commandé un M et j'ai reçu un S. Comment faire l'échange ?",
        "Merci d'annuler ma commande, je me suis trompé. Cordialement.",
    ),
    "es": (
        "Hola, mi paquete llegó hoy pero falta la taza azul. ¿Me la pueden enviar?",
        "La lámpara llegó rota, el cristal está roto. Quiero que me devuelvan el dinero.",
        "¿Dónde está mi pedido? Han pasado dos semanas y el seguimiento no cambia.",
        "Recibí la talla equivocada, pedí una M y me llegó una S. ¿Cómo hago el cambio?",
        "Por favor cancelen mi pedido, lo compré por error. Gracias.",
    ),
    "it": (
        "Buongiorno, il pacco è arrivato oggi ma manca la tazza blu. Potete spedirmela?",
        "La lampada è arrivata rotta, il vetro è incrinato. Vorrei il rimborso.",
        "Dov'è il mio ordine? Sono passate due settimane e il tracciamento non si aggiorna.",
        "Ho ricevuto la taglia sbagliata, avevo ordinato una M e mi è arrivata una S. Come posso cambiarla?",
        "Per favore annullate il mio ordine, l'ho fatto per sbaglio. Grazie.",
    ),
    "pt-BR": (
        "Olá, meu pacote chegou hoje mas está faltando a caneca azul. Vocês podem enviar?",
        "A luminária chegou quebrada, o vidro está trincado. Quero o reembolso.",
        "Cadê meu pedido? Já faz duas semanas e o rastreamento não muda.",
        "Recebi o tamanho errado, pedi M e veio P. Como faço a troca?",
        "Por favor cancelem meu pedido, comprei por engano. Obrigado.",
    ),
    "pl": (
        "Dzień dobry, paczka dotarła dzisiaj, ale brakuje niebieskiego kubka. Czy możecie go dosłać?",
        "Lampa przyszła uszkodzona, szkło jest pęknięte. Proszę o zwrot pieniędzy.",
        "Gdzie jest moje zamówienie? Minęły dwa tygodnie, a śledzenie przesyłki się nie zmienia.",
        "Dostałem zły rozmiar, zamówiłem M, a przyszło S. Jak mogę go wymienić?",
        "Proszę anulować moje zamówienie, kupiłem przez pomyłkę. Dziękuję.",
    ),
    "ru": (
        "Здравствуйте, посылка пришла сегодня, но в ней нет синей кружки. Можете её отправить?",
        "Лампа пришла разбитой, стекло треснуло. Я хочу вернуть деньги.",
        "Где мой заказ? Прошло две недели, а отслеживание не меняется.",
        "Мне прислали не тот размер, я заказывал M, а пришёл S. Как его обменять?",
        "Пожалуйста, отмените мой заказ, я оформил его по ошибке. Спасибо.",
    ),
    "ja": (
        "こんにちは。本日荷物が届きましたが、青いマグカップが入っていませんでした。送っていただけますか。",
        "ランプが割れた状態で届きました。ガラスにひびが入っています。返金をお願いします。",
        "注文した商品はいつ届きますか。二週間たっても追跡情報が変わりません。",
        "サイズが違うものが届きました。Mを注文したのにSでした。交換できますか。",
        "間違えて注文してしまったので、キャンセルをお願いします。",
    ),
    "ko": (
        "안녕하세요, 오늘 택배를 받았는데 파란색 머그컵이 빠져 있습니다. 보내주실 수 있나요?",
        "램프가 깨진 상태로 도착했습니다. 유리에 금이 갔어요. 환불해 주세요.",
        "제 주문은 어디에 있나요? 2주가 지났는데 배송 조회가 그대로입니다.",
        "사이즈가 잘못 왔어요. M을 주문했는데 S가 왔습니다. 교환은 어떻게 하나요?",
        "실수로 주문했어요. 주문을 취소해 주세요. 감사합니다.",
    ),
    "ar": (
        "مرحبا، وصل الطرد اليوم لكن الكوب الأزرق غير موجود. هل يمكنكم إرساله؟",
        "وصل المصباح مكسورا والزجاج متشقق. أريد استرداد المبلغ.",
        "أين طلبي؟ مرت أسبوعان ولم يتغير تتبع الشحنة.",
        "استلمت مقاسا خاطئا، طلبت المقاس المتوسط ووصلني الصغير. كيف أستبدله؟",
        "من فضلكم ألغوا طلبي، لقد طلبته بالخطأ. شكرا.",
    ),
}


def build(
    body: bytes,
    *,
    sender: str | None = "Anna Schmidt <anna@example.com>",
    subject: str | None = f"Order {AMAZON_ORDER}",
    content_type: str = "text/plain; charset=utf-8",
    transfer_encoding: str | None = "8bit",
    message_id: str | None = "<buyer-1@mail.example.com>",
    extra: tuple[tuple[str, str], ...] = (),
    newline: bytes = b"\n",
) -> bytes:
    """A message from header values (already encoded as they should appear) and a body in its final bytes."""
    headers: list[tuple[str, str]] = []
    if sender is not None:
        headers.append(("From", sender))
    headers.append(("To", SHOP))
    if subject is not None:
        headers.append(("Subject", subject))
    headers.append(("Date", DATE))
    if message_id is not None:
        headers.append(("Message-ID", message_id))
    headers.extend(extra)
    headers.append(("MIME-Version", "1.0"))
    headers.append(("Content-Type", content_type))
    if transfer_encoding is not None:
        headers.append(("Content-Transfer-Encoding", transfer_encoding))
    head = newline.join(f"{name}: {value}".encode() for name, value in headers)
    return head + newline + newline + body.replace(b"\n", newline)


def encoded(text: str, charset: str) -> str:
    """``text`` as one RFC 2047 encoded word (or several) in ``charset``."""
    return Header(text, charset).encode()


def plain(text: str = BUYER_TEXTS["en"][0], **kwargs: object) -> bytes:
    """A plain UTF-8 message, 8bit."""
    return build(text.encode("utf-8"), **kwargs)  # type: ignore[arg-type]


def in_language(lang: str, index: int = 0) -> bytes:
    """The ``index``-th short buyer message in ``lang``, as UTF-8 quoted-printable."""
    return quoted_printable(BUYER_TEXTS[lang][index])


def quoted_printable(text: str = "Grüße aus Köln: die Tasse fehlt, bitte nachsenden. " * 3) -> bytes:
    """Quoted-printable UTF-8, with soft line breaks in long lines."""
    return build(quopri.encodestring(text.encode("utf-8")), transfer_encoding="quoted-printable")


def base64_body(text: str = "Die Tasse fehlt. Bitte nachsenden.\nAnna") -> bytes:
    """Base64 UTF-8, in 76-character lines."""
    return build(base64.encodebytes(text.encode("utf-8")), transfer_encoding="base64")


def iso_2022_jp() -> bytes:
    """Japanese in ISO-2022-JP, 7bit, with the subject and the name as ISO-2022-JP encoded words."""
    return build(
        (BUYER_TEXTS["ja"][0] + "\n").encode("iso-2022-jp"),
        sender=f"{encoded('山田 花子', 'iso-2022-jp')} <hanako@example.jp>",
        subject=encoded("注文の商品が足りません", "iso-2022-jp"),
        content_type="text/plain; charset=ISO-2022-JP",
        transfer_encoding="7bit",
    )


def windows_1251() -> bytes:
    """Russian in Windows-1251, 8bit, with a Windows-1251 encoded subject."""
    return build(
        (BUYER_TEXTS["ru"][0] + "\n").encode("cp1251"),
        sender=f"{encoded('Иван Петров', 'windows-1251')} <ivan@example.ru>",
        subject=encoded("Заказ не полный", "windows-1251"),
        content_type="text/plain; charset=windows-1251",
    )


def iso_8859_1() -> bytes:
    """French in ISO-8859-1, quoted-printable, with an ISO-8859-1 Q-encoded subject."""
    text = BUYER_TEXTS["fr"][0] + "\nCordialement, Hélène\n"
    return build(
        quopri.encodestring(text.encode("iso-8859-1")),
        sender=f"{encoded('Hélène Dubois', 'iso-8859-1')} <helene@example.fr>",
        subject=encoded("Commande incomplète", "iso-8859-1"),
        content_type='text/plain; charset="iso-8859-1"',
        transfer_encoding="quoted-printable",
    )


def gb18030() -> bytes:
    """Chinese in GB18030, base64."""
    text = "你好，我今天收到了包裹，但是蓝色的杯子不见了。请补发。\n"
    return build(
        base64.encodebytes(text.encode("gb18030")),
        subject=encoded("订单缺货", "gb18030"),
        content_type="text/plain; charset=GB18030",
        transfer_encoding="base64",
    )


def unknown_charset() -> bytes:
    """A body that declares a charset nobody knows (UTF-8 bytes in fact)."""
    return build("Die Tasse fehlt, Grüße".encode(), content_type="text/plain; charset=x-made-up-9")


HTML_BODY = (
    "<html><head><style>p {{ color: red }}</style></head><body>"
    "<div dir='ltr'>Bonjour,<br>la tasse bleue <b>manque</b> dans mon colis.<br><br>Merci,<br>Hélène</div>"
    "<div class='gmail_quote'><div class='gmail_attr'>Le lun. 4 mars 2024 à 10:15, {shop} a écrit :</div>"
    "<blockquote class='gmail_quote'>Votre commande {order} a été expédiée.</blockquote></div>"
    "</body></html>"
)


def html_only() -> bytes:
    """HTML only (no text/plain), quoted-printable, with Gmail's quoted earlier message."""
    html = HTML_BODY.format(shop="Harbour Shop &lt;shop@example.com&gt;", order=AMAZON_ORDER)
    return build(
        quopri.encodestring(html.encode("utf-8")),
        content_type="text/html; charset=utf-8",
        transfer_encoding="quoted-printable",
        subject="Commande incomplète",
    )


def outlook_html() -> bytes:
    """HTML only as Outlook on the web writes it: the quoted message after divRplyFwdMsg."""
    html = (
        "<html><body><div>Die Lampe kam kaputt an. Ich möchte mein Geld zurück.</div>"
        "<div id='appendonsend'></div><hr>"
        "<div id='divRplyFwdMsg'><b>Von:</b> Harbour Shop<br><b>Gesendet:</b> Montag, 4. März 2024</div>"
        "<div>Ihre Bestellung wurde versandt.</div></body></html>"
    )
    return build(html.encode("utf-8"), content_type="text/html; charset=utf-8")


def alternative() -> bytes:
    """multipart/alternative: text/plain and text/html with different words, to see which one is read."""
    return build(
        b"--alt\n"
        b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n"
        + quopri.encodestring("PLAIN: die Tasse fehlt. Grüße\n".encode())
        + b"\n--alt\n"
        b"Content-Type: text/html; charset=utf-8\n\n"
        b"<p>HTML: die Tasse fehlt</p>\n"
        b"--alt--\n",
        content_type='multipart/alternative; boundary="alt"',
        transfer_encoding=None,
    )


def with_attachment_and_forward() -> bytes:
    """multipart/mixed: the buyer's text, a photo, and a forwarded message/rfc822 with its own text."""
    forwarded = plain("FORWARDED: not the buyer's words", sender="Carrier <noreply@carrier.example>")
    return build(
        b"--mix\n"
        b"Content-Type: text/plain; charset=utf-8\n\n"
        b"OUTER: the photo shows the broken lamp.\n"
        b"--mix\n"
        b"Content-Type: image/jpeg\n"
        b"Content-Disposition: attachment; filename=lamp.jpg\n"
        b"Content-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(b"\xff\xd8\xff\xe0 not really a jpeg")
        + b"--mix\n"
        b"Content-Type: message/rfc822\n\n" + forwarded + b"\n--mix--\n",
        content_type='multipart/mixed; boundary="mix"',
        transfer_encoding=None,
    )


def amazon_buyer() -> bytes:
    """A buyer's message relayed by Amazon: alias sender, marketplace suffix on the name, order id in the subject."""
    return plain(
        "Hallo, in meinem Paket fehlt die blaue Tasse.\n",
        sender="Anna Schmidt - Amazon Marketplace <8x3kq1v9zp4lw2r@marketplace.amazon.de>",
        subject=f"Frage zu Bestellung {AMAZON_ORDER} von Kunde Anna Schmidt",
    )


def ebay_buyer() -> bytes:
    """A buyer's message relayed by eBay, from a members.ebay.com alias, with the order number in the body."""
    return plain(
        f"Hello, order {EBAY_ORDER}: the blue mug is missing.\n",
        sender="anna_s1987 via eBay <anna_s1987.x7q2@members.ebay.com>",
        subject="Re: Anna has sent a question about item #334455667788",
    )


def stacked_subject() -> bytes:
    """A German reply to a reply: "AW: Re: AW:" before the subject."""
    return plain("Die Tasse fehlt immer noch.\n", subject=f"AW: Re: AW: Bestellung {AMAZON_ORDER}")


def quoted_reply(lang: str = "de") -> bytes:
    """A top-posted reply in ``lang`` above the shop's earlier message, quoted as Gmail does in that language."""
    attribution = {
        "en": "On Mon, 4 Mar 2024 at 10:15, Harbour Shop <shop@example.com> wrote:",
        "de": "Am Mo., 4. März 2024 um 10:15 Uhr schrieb Harbour Shop <shop@example.com>:",
        "fr": "Le lun. 4 mars 2024 à 10:15, Harbour Shop <shop@example.com> a écrit :",
        "es": "El lun, 4 mar 2024 a las 10:15, Harbour Shop (<shop@example.com>) escribió:",
        "it": "Il giorno lun 4 mar 2024 alle ore 10:15 Harbour Shop <shop@example.com> ha scritto:",
        "nl": "Op ma 4 mrt 2024 om 10:15 schreef Harbour Shop <shop@example.com>:",
        "pt-BR": "Em seg., 4 de mar. de 2024 às 10:15, Harbour Shop <shop@example.com> escreveu:",
        "pl": "pon., 4 mar 2024 o 10:15 Harbour Shop <shop@example.com> napisał(a):",
        "ru": "пн, 4 мар. 2024 г. в 10:15, Harbour Shop <shop@example.com>:",
        "ja": "2024年3月4日(月) 10:15 Harbour Shop <shop@example.com>:",
        "ko": "2024년 3월 4일 (월) 오전 10:15, Harbour Shop <shop@example.com>님이 작성:",
        "ar": "في الاثنين، 4 مارس 2024 في 10:15 ص، Harbour Shop <shop@example.com> كتب:",
    }[lang]
    own = BUYER_TEXTS[lang][0]
    text = f"{own}\n\n{attribution}\n\n> Dear Anna,\n> your order {AMAZON_ORDER} has shipped.\n> Kind regards, Sam\n"
    return plain(text, subject=f"Re: Order {AMAZON_ORDER}")


def outlook_reply(lang: str = "de") -> bytes:
    """A reply above Outlook's header block of the earlier message, unquoted (no '>' lines)."""
    block = {
        "en": "-----Original Message-----\nFrom: Harbour Shop <shop@example.com>\nSent: Monday, March 4, 2024 10:15 AM",
        "de": "Von: Harbour Shop <shop@example.com>\nGesendet: Montag, 4. März 2024 10:15\nAn: anna@example.com",
        "fr": "De : Harbour Shop <shop@example.com>\nEnvoyé : lundi 4 mars 2024 10:15\nÀ : anna@example.com",
        "es": "De: Harbour Shop <shop@example.com>\nEnviado: lunes, 4 de marzo de 2024 10:15\nPara: anna@example.com",
        "ru": "От: Harbour Shop <shop@example.com>\nОтправлено: 4 марта 2024 г. 10:15\nКому: anna@example.com",
        "ja": "差出人: Harbour Shop <shop@example.com>\n送信日時: 2024年3月4日 10:15\n宛先: anna@example.com",
    }[lang]
    text = f"{BUYER_TEXTS[lang][1]}\n\n{block}\nSubject: Order\n\nYour order {AMAZON_ORDER} has shipped.\n"
    return plain(text)


def signed(sign_off: str = "Sent from my iPhone") -> bytes:
    """A short message ending with a phone's or a "-- " signature."""
    return plain(f"{BUYER_TEXTS['en'][1]}\n\n{sign_off}\nAnna Schmidt, 12 Long Road\n")


def no_message_id() -> bytes:
    """A message without a Message-ID header."""
    return plain(message_id=None)


def mbox_from_line() -> bytes:
    """A message as the first entry of an mbox file: a "From " line before the headers."""
    return b"From anna@example.com Mon Mar  4 10:15:00 2024\n" + plain()


def crlf() -> bytes:
    """A message with CRLF line ends throughout, as read from a network or a Windows tool."""
    return build(b"Line one.\nLine two.\n", newline=b"\r\n")


def reply_to_only() -> bytes:
    """No From header, a Reply-To."""
    return plain(sender=None, extra=(("Reply-To", "Anna <anna@example.com>"),))


def threaded() -> bytes:
    """A reply in a thread: In-Reply-To and a folded References chain."""
    return plain(
        extra=(
            ("In-Reply-To", "<shop-2@example.com>"),
            ("References", "<buyer-0@mail.example.com>\n <shop-2@example.com>"),
        )
    )
