"""A short reason per recommendation, in the reader's language:

    need → organisation: "Rückgewinnung von Calciumsulfat aus Bauabfällen; TRL 3–6;
                          bietet Auftragsforschung an"
    organisation → need: "<the profile sentence closest to the need>; TRL 4–6;
                          sucht Auftragsforschung"

The quoted sentence is the one of the profile closest to the need in embedding space
(profile sentences are precomputed with the profile, embeddings.profile_sentences), the
TRL range is the other side's, and the cooperation types are those the need seeks and the
organisation offers. Quoted text stays in the language it was written in.
"""  # noqa: RUF002 - en dashes, as the reasons print them

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.utils import translation
from django.utils.translation import gettext

from .documents import NeedDoc, OrgDoc

SENTENCE_CHARS = 160


def best_sentence(need_vector, sentences: Sequence[str], sentence_vectors) -> str | None:
    if not len(sentences):
        return None
    scores = np.asarray(sentence_vectors, dtype=np.float32) @ np.asarray(
        need_vector, dtype=np.float32
    )
    return sentences[int(np.argmax(scores))]


def _shorten(text: str, limit: int = SENTENCE_CHARS) -> str:
    text = " ".join(text.split()).rstrip(".;:, ")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return f"{cut.rstrip(',;:')}…"


def _cooperation_labels(codes: Sequence[str], language: str) -> str:
    from research_needs.models import CooperationType

    labels = dict(CooperationType.choices)
    names = [str(labels.get(code, code)) for code in codes]
    if language != "de":  # German nouns keep their capital; English labels run in text
        names = [name[:1].lower() + name[1:] for name in names]
    return ", ".join(names)


def reason(
    need: NeedDoc,
    organisation: OrgDoc,
    *,
    language: str,
    sentence: str | None = None,
    for_organisation: bool = False,
) -> str:
    """The reason shown to the need's organisation (default) or, with
    ``for_organisation``, to the organisation the need is recommended to."""
    shared = [c for c in need.cooperation_types if c in organisation.cooperation_types]
    with translation.override(language):
        parts = []
        if sentence:
            parts.append(_shorten(sentence))
        low, high = need.trl_range if for_organisation else organisation.trl_range
        trl = (
            gettext("TRL %(level)s") % {"level": low}
            if low == high
            else gettext("TRL %(low)s–%(high)s")  # noqa: RUF001 - a range takes an en dash
            % {"low": low, "high": high}
        )
        parts.append(trl)
        if shared:
            types = _cooperation_labels(shared, language)
            if for_organisation:
                parts.append(gettext("seeks %(types)s") % {"types": types})
            else:
                parts.append(gettext("offers %(types)s") % {"types": types})
        return "; ".join(parts)
