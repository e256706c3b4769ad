"""Small text helpers shared by the apps."""

import unicodedata

from django.utils.text import slugify

# German transliteration, as the demo data spells its addresses ("metallrueckgewinnung"):
# Django's slugify would drop the diaeresis and make "Müll" into "mull".
_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def slugify_de(value) -> str:
    """A URL slug (ASCII, lower case, hyphens) with umlauts and ß transliterated the German
    way: "Rückgewinnung für Städte" -> "rueckgewinnung-fuer-staedte". Also for decomposed
    input (u + combining diaeresis), which some browsers and PDFs produce."""
    text = unicodedata.normalize("NFC", str(value))
    return slugify(text.translate(_GERMAN))
