"""Partner recommendations for the pages (issue 13): the organisations that fit a need,
and the open needs that fit an organisation, each with a score and a reason in the
reader's language.

Both rank from the stored rows through the per-process corpus (matching.corpus) with the
engine's default weights; ``manage.py matching_eval`` and ``bench/bench_matching.py`` call
these same functions. The rules of issue 13, item 4, hold here:

- recommendations for a need go to its own organisation and to organisers only
  (research_needs.permissions.can_manage_need); other readers get none;
- recommendations for an organisation go to its members and organisers only, and list
  only needs the reader may see (research_needs.selectors.visible_needs, the one home of
  that rule), with ``poster`` left empty where the reader may not know who posted it; a
  reason never names the need's organisation;
- an organisation is never recommended to itself (nor its own needs to it);
- only approved organisations that have not opted out are recommended, and only kinds the
  need asks for (a need that asks for no kind accepts every kind);
- the same kind rule applies the other way round: an organisation is shown only needs
  that ask for its kind.

A need or organisation whose row has not been computed yet (the task runs after the save
commits) gets an empty list; ``is_matched`` tells a page whether that is the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from members.models import Organisation
from members.permissions import is_member_of, is_organiser

from ..models import Need, NeedVector, OrganisationVector
from ..permissions import can_manage_need
from ..selectors import visible_needs
from . import corpus as corpus_module
from . import embeddings, reasons
from .engine import (
    DEFAULT_WEIGHTS,
    Weights,
    rank_needs_for_organisation,
    rank_organisations_for_need,
)
from .store import need_document, organisation_document, sentence_matrix

# How many ranked needs are checked against the reader's visibility at a time.
VISIBILITY_WINDOW = 50

#: The platform itself as the viewer of a need's recommendations, for its alerts
#: (research_needs.notifications): no person reads the list, so no page permission applies.
SYSTEM = object()


@dataclass(frozen=True)
class OrganisationMatch:
    organisation: Organisation
    score: float
    reason: str
    features: dict[str, float] = field(compare=False, repr=False)


@dataclass(frozen=True)
class NeedMatch:
    """``need`` comes from ``visible_needs(reader)`` and carries its ``poster_revealed``;
    ``poster`` is the need's organisation only where the reader may know it."""

    need: Need
    score: float
    reason: str
    features: dict[str, float] = field(compare=False, repr=False)

    @property
    def poster(self) -> Organisation | None:
        return self.need.organisation if self.need.poster_revealed else None


def _language(language: str | None) -> str:
    from forum.i18n import language_code

    return language_code(language)


def is_matched(obj: Need | Organisation) -> bool:
    """Whether a current row exists for the need or organisation (else its
    recommendations are still being computed, or it has no text)."""
    if isinstance(obj, Need):
        rows = NeedVector.objects.filter(need=obj)
    else:
        rows = OrganisationVector.objects.filter(organisation=obj)
    return rows.filter(model_version=embeddings.MODEL_VERSION).exists()


def recommend_organisations_for_need(
    need: Need,
    *,
    viewer,
    limit: int = 10,
    language: str | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[OrganisationMatch]:
    """The organisations that fit ``need`` best, best first, for its own organisation
    and organisers (anyone else: an empty list). Works for drafts too: the need's own row
    is read from the database when it is not among the indexed open needs. ``viewer=SYSTEM``
    is the alerts' call (research_needs.notifications), which shows the list to nobody."""
    if viewer is not SYSTEM and not can_manage_need(viewer, need):
        return []
    corpus = corpus_module.current()
    key = str(need.pk)
    row = corpus.need_index.row.get(key)
    if row is not None:
        vector, terms = corpus.need_index.vectors[row], corpus.need_terms[row]
    else:
        stored = NeedVector.objects.filter(
            need=need, model_version=embeddings.MODEL_VERSION
        ).first()
        if stored is None:
            return []
        vector = embeddings.from_bytes(bytes(stored.embedding))
        terms = corpus.terms(stored.word_counts)
    doc = need_document(need)
    # A few more than asked, in case one was deactivated or opted out since the corpus
    # was built (checked again below).
    matches = rank_organisations_for_need(
        doc,
        vector,
        terms,
        corpus.org_index,
        weights=weights,
        limit=limit + 5,
        only_partner_kinds=True,
    )
    organisations = (
        Organisation.objects.filter(
            pk__in=[int(m.key) for m in matches], status=Organisation.Status.APPROVED
        )
        .exclude(competence_profile__recommend=False)
        .exclude(pk=need.organisation_id)
        .in_bulk()
    )
    language = _language(language)
    index = corpus.org_index
    result = []
    for match in matches:
        organisation = organisations.get(int(match.key))
        if organisation is None:
            continue
        org_row = index.row[match.key]
        sentence = reasons.best_sentence(
            vector, index.sentences[org_row], index.sentence_vectors[org_row]
        )
        result.append(
            OrganisationMatch(
                organisation=organisation,
                score=match.score,
                reason=reasons.reason(
                    doc, index.docs[org_row], language=language, sentence=sentence
                ),
                features=match.features,
            )
        )
        if len(result) == limit:
            break
    return result


def _organisation_side(corpus, organisation: Organisation):
    """(record, vector, term vector, sentences, sentence vectors) of an organisation,
    from the corpus or, when it is not recommended itself (opted out, not approved),
    from its stored row; None without a current row."""
    key = str(organisation.pk)
    row = corpus.org_index.row.get(key)
    if row is not None:
        index = corpus.org_index
        return (
            index.docs[row],
            index.vectors[row],
            corpus.org_terms[row],
            index.sentences[row],
            index.sentence_vectors[row],
        )
    stored = OrganisationVector.objects.filter(
        organisation=organisation, model_version=embeddings.MODEL_VERSION
    ).first()
    if stored is None:
        return None
    return (
        organisation_document(organisation),
        embeddings.from_bytes(bytes(stored.embedding)),
        corpus.terms(stored.word_counts),
        stored.sentences,
        sentence_matrix(bytes(stored.sentence_vectors), len(stored.sentences)),
    )


def recommend_needs_for_organisation(
    organisation: Organisation,
    *,
    viewer,
    limit: int = 10,
    language: str | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[NeedMatch]:
    """The open needs that fit ``organisation`` best, best first, among those ``viewer``
    may see; for the organisation's members and organisers (anyone else: an empty list).
    The same order serves the organisation's need alerts."""
    if not (is_organiser(viewer) or is_member_of(viewer, organisation)):
        return []
    corpus = corpus_module.current()
    side = _organisation_side(corpus, organisation)
    if side is None:
        return []
    doc, vector, terms, sentences, sentence_vectors = side
    matches = rank_needs_for_organisation(
        doc,
        vector,
        terms,
        corpus.need_index,
        weights=weights,
        limit=None,
        only_partner_kinds=True,
    )
    language = _language(language)
    visible = visible_needs(viewer).filter(status=Need.Status.PUBLISHED)
    result: list[NeedMatch] = []
    for start in range(0, len(matches), VISIBILITY_WINDOW):
        window = matches[start : start + VISIBILITY_WINDOW]
        needs = (
            visible.filter(pk__in=[int(m.key) for m in window])
            .exclude(organisation=organisation)
            .in_bulk()
        )
        for match in window:
            need = needs.get(int(match.key))
            if need is None:
                continue
            need_row = corpus.need_index.row[match.key]
            need_vector = corpus.need_index.vectors[need_row]
            sentence = reasons.best_sentence(need_vector, sentences, sentence_vectors)
            result.append(
                NeedMatch(
                    need=need,
                    score=match.score,
                    reason=reasons.reason(
                        corpus.need_index.docs[need_row],
                        doc,
                        language=language,
                        sentence=sentence,
                        for_organisation=True,
                    ),
                    features=match.features,
                )
            )
            if len(result) == limit:
                return result
    return result
