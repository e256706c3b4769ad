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


def clean_keywords(keywords) -> list[str]:
    """Keywords (a list, or one text separated by commas) with their spaces tidied, empty
    ones dropped and repeats (in any case) left out, in their order. The one rule for the
    keywords of research needs and competence profiles (forms and services alike); the
    limits (how many, how long) are the models' and forms' to check."""
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    seen, result = set(), []
    for keyword in keywords or ():
        keyword = " ".join(str(keyword).split())
        if keyword and keyword.lower() not in seen:
            seen.add(keyword.lower())
            result.append(keyword)
    return result
