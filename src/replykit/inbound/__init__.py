"""Reading a buyer's email: its headers, its text, the buyer's own words, the order id and the language.

``message`` decodes one email into a BuyerMessage, ``text`` turns HTML into text and strips
quoted earlier messages and signatures, ``orders`` finds the order id and the channel, and
``language`` identifies the language of the buyer's own words. The email package, lxml and
py3langid are imported only inside the functions that need them.
"""
