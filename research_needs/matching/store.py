"""The stored rows the recommendations rank from (``NeedVector``, ``OrganisationVector``):
building the engine's records from the models, and computing and saving the rows.

Every state change of those rows goes through here: the Celery tasks
(research_needs.tasks) call ``need_vector_refresh`` / ``organisation_vector_refresh`` for
one record after its texts changed, ``manage.py matching_refresh`` and ``seed_demo`` call
``vectors_refresh`` for every missing or outdated row, and ``matching_eval`` loads a data
set with it. A row records a hash of the texts it was computed from and the model
version, so refreshing an unchanged record costs one query and no embedding.

Stemming asks PostgreSQL (``text.stem_texts``); embedding runs the bundled model on the
CPU in this process. Rows are written with one upsert (``INSERT … ON CONFLICT``), so two
tasks for the same record racing each other leave one row, and each write bumps the
generation the per-process indexes follow (``corpus.bump``).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection

from members.models import CompetenceProfile, Organisation

from ..models import Need, NeedVector, OrganisationVector
from . import corpus, embeddings
from .documents import NeedDoc, OrgDoc
from .text import guess_language, stem_texts

BATCH = 32
MEMO_SIZE = 2048


# Records from the models ---------------------------------------------------------------


def need_document(need: Need, *, topics: Iterable[str] | None = None) -> NeedDoc:
    """The engine's record of a need (texts included). ``topics``: slugs when known,
    else read from ``need.topics`` (prefetched or one query)."""
    if topics is None:
        topics = [topic.slug for topic in need.topics.all()]
    return NeedDoc(
        key=str(need.pk),
        organisation=str(need.organisation_id),
        language=need.language or "de",
        title=need.title or "",
        summary=need.summary or "",
        description=need.description or "",
        challenge_types=tuple(need.challenge_types or ()),
        topics=tuple(topics),
        keywords=tuple(need.keywords or ()),
        trl_now=need.trl_now or 1,
        trl_target=need.trl_target or need.trl_now or 9,
        cooperation_types=tuple(need.cooperation_types or ()),
        partner_kinds=tuple(need.partner_kinds or ()),
        budget_band=need.budget_band or "not_stated",
    )


def _profile_of(organisation: Organisation) -> CompetenceProfile | None:
    try:
        return organisation.competence_profile
    except CompetenceProfile.DoesNotExist:
        return None


def organisation_document(
    organisation: Organisation,
    *,
    profile: CompetenceProfile | None = ...,
    topics: Iterable[str] | None = None,
) -> OrgDoc:
    """The engine's record of an organisation: kind, description and topics from the
    organisation, the rest from its competence profile; without a profile, no
    cooperation types offered, TRL 1–9 and German."""  # noqa: RUF002 - an en dash range
    if profile is ...:
        profile = _profile_of(organisation)
    if topics is None:
        topics = [topic.slug for topic in organisation.topics.all()]
    return OrgDoc(
        key=str(organisation.pk),
        name=organisation.name,
        kind=organisation.kind,
        city=organisation.city,
        federal_state=organisation.federal_state,
        description=organisation.description or "",
        competences=profile.competences if profile else "",
        keywords=tuple(profile.keywords or ()) if profile else (),
        topics=tuple(topics),
        cooperation_types=tuple(profile.cooperation_types or ()) if profile else (),
        trl_min=profile.trl_min if profile else 1,
        trl_max=profile.trl_max if profile else 9,
        languages=tuple(profile.languages or ("de",)) if profile else ("de",),
    )


def organisation_language(doc: OrgDoc) -> str:
    """The stemming configuration for a profile: guessed from its prose (profiles may be
    German or English whatever the working languages say), as the evaluation does."""
    return guess_language(doc.lexical_text())


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def need_hash(doc: NeedDoc) -> str:
    return _digest("need", doc.language, doc.embedding_text(), doc.lexical_text())


def organisation_hash(doc: OrgDoc) -> str:
    return _digest("organisation", doc.embedding_text(), doc.lexical_text())


def has_text(doc: OrgDoc) -> bool:
    return bool(doc.embedding_text().strip())


# Computing and saving rows ---------------------------------------------------------------


@dataclass
class RefreshResult:
    needs: int = 0
    organisations: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"needs": self.needs, "organisations": self.organisations, "removed": self.removed}


_memo: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_memo_lock = threading.Lock()


def _embed(texts: list[str], *, role: str) -> np.ndarray:
    """``embeddings.embed_texts`` with the last ``MEMO_SIZE`` texts of this process
    remembered: an embedding depends on the text and the model only, and the same texts
    come again (the demo seeded twice, a profile saved back unchanged after an edit)."""
    missing = [t for t in dict.fromkeys(texts) if (role, t) not in _memo]
    if missing:
        vectors = embeddings.embed_texts(missing, role=role)
        with _memo_lock:
            for text, vector in zip(missing, vectors, strict=True):
                _memo[(role, text)] = vector
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    with _memo_lock:
        found = [_memo.get((role, t)) for t in texts]
    if any(v is None for v in found):  # pushed out by a larger batch meanwhile
        return embeddings.embed_texts(texts, role=role)
    return np.asarray(found, dtype=np.float32).reshape(len(texts), embeddings.DIMENSIONS)


def _stems(texts: list[str], languages: list[str]) -> list[dict[str, int]]:
    with connection.cursor() as cursor:
        return [dict(c) for c in stem_texts(texts, languages, cursor=cursor)]


def _save_need_rows(docs: list[NeedDoc]) -> None:
    vectors = _embed([d.embedding_text() for d in docs], role="query")
    counts = _stems([d.lexical_text() for d in docs], [d.language for d in docs])
    rows = [
        NeedVector(
            need_id=int(doc.key),
            model_version=embeddings.MODEL_VERSION,
            content_hash=need_hash(doc),
            embedding=embeddings.to_bytes(vector),
            word_counts=words,
        )
        for doc, vector, words in zip(docs, vectors, counts, strict=True)
    ]
    NeedVector.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["need"],
        update_fields=["model_version", "content_hash", "embedding", "word_counts", "updated_at"],
    )


def _save_organisation_rows(docs: list[OrgDoc]) -> None:
    vectors = _embed([d.embedding_text() for d in docs], role="passage")
    counts = _stems([d.lexical_text() for d in docs], [organisation_language(d) for d in docs])
    sentences = [embeddings.profile_sentences(d) for d in docs]
    flat = _embed([s for group in sentences for s in group], role="passage")
    rows, start = [], 0
    for doc, vector, words, group in zip(docs, vectors, counts, sentences, strict=True):
        rows.append(
            OrganisationVector(
                organisation_id=int(doc.key),
                model_version=embeddings.MODEL_VERSION,
                content_hash=organisation_hash(doc),
                embedding=embeddings.to_bytes(vector),
                word_counts=words,
                sentences=group,
                sentence_vectors=embeddings.to_bytes(flat[start : start + len(group)]),
            )
        )
        start += len(group)
    OrganisationVector.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["organisation"],
        update_fields=[
            "model_version",
            "content_hash",
            "embedding",
            "word_counts",
            "sentences",
            "sentence_vectors",
            "updated_at",
        ],
    )


def _current(model, pk_field: str, pks) -> dict[int, str]:
    """{pk: content hash} of the rows already computed with this model version."""
    return dict(
        model.objects.filter(
            **{f"{pk_field}__in": list(pks)}, model_version=embeddings.MODEL_VERSION
        ).values_list(pk_field, "content_hash")
    )


def need_vector_refresh(*, need_id: int, force: bool = False) -> NeedVector | None:
    """Stems, embeds and stores the row of one need, unless its stored row was computed
    from the same texts with the same model. None when the need is gone."""
    need = Need.objects.filter(pk=need_id).prefetch_related("topics").first()
    if need is None:
        return None
    doc = need_document(need)
    stored = NeedVector.objects.filter(need_id=need_id).first()
    if (
        force
        or stored is None
        or stored.model_version != embeddings.MODEL_VERSION
        or stored.content_hash != need_hash(doc)
    ):
        _save_need_rows([doc])
        corpus.bump()
        stored = NeedVector.objects.get(need_id=need_id)
    return stored


def organisation_vector_refresh(
    *, organisation_id: int, force: bool = False
) -> OrganisationVector | None:
    """The same for an organisation (its description and competence profile). An
    organisation with no text at all has no row (and is recommended to nobody): a row
    it had is deleted. None when the organisation is gone or has no text."""
    organisation = (
        Organisation.objects.filter(pk=organisation_id)
        .select_related("competence_profile")
        .prefetch_related("topics")
        .first()
    )
    if organisation is None:
        return None
    doc = organisation_document(organisation)
    if not has_text(doc):
        if OrganisationVector.objects.filter(organisation_id=organisation_id).delete()[0]:
            corpus.bump()
        return None
    stored = OrganisationVector.objects.filter(organisation_id=organisation_id).first()
    if (
        force
        or stored is None
        or stored.model_version != embeddings.MODEL_VERSION
        or stored.content_hash != organisation_hash(doc)
    ):
        _save_organisation_rows([doc])
        corpus.bump()
        stored = OrganisationVector.objects.get(organisation_id=organisation_id)
    return stored


def vectors_refresh(
    *,
    needs=None,
    organisations=None,
    force: bool = False,
    batch: int = BATCH,
    progress=None,
) -> RefreshResult:
    """Computes every missing or outdated row (another model version, or texts changed
    without a task having run, e.g. after a queryset ``update()`` or a lost task) in
    batches; with ``force`` every row. ``needs``/``organisations``: querysets to limit it
    to (default: all). ``progress(kind, done, total)`` is called after each batch."""
    result = RefreshResult()
    needs = Need.objects.all() if needs is None else needs
    organisations = Organisation.objects.all() if organisations is None else organisations

    need_docs = [
        need_document(need)
        for need in needs.prefetch_related("topics").order_by("pk").iterator(chunk_size=1000)
    ]
    current = {} if force else _current(NeedVector, "need_id", [int(d.key) for d in need_docs])
    todo = [d for d in need_docs if current.get(int(d.key)) != need_hash(d)]
    for start in range(0, len(todo), batch):
        _save_need_rows(todo[start : start + batch])
        result.needs += len(todo[start : start + batch])
        if progress:
            progress("needs", result.needs, len(todo))

    org_docs, empty = [], []
    for organisation in (
        organisations.select_related("competence_profile")
        .prefetch_related("topics")
        .order_by("pk")
        .iterator(chunk_size=1000)
    ):
        doc = organisation_document(organisation)
        (org_docs if has_text(doc) else empty).append(doc)
    if empty:
        result.removed = OrganisationVector.objects.filter(
            organisation_id__in=[int(d.key) for d in empty]
        ).delete()[0]
    current = (
        {}
        if force
        else _current(OrganisationVector, "organisation_id", [int(d.key) for d in org_docs])
    )
    todo = [d for d in org_docs if current.get(int(d.key)) != organisation_hash(d)]
    for start in range(0, len(todo), batch):
        _save_organisation_rows(todo[start : start + batch])
        result.organisations += len(todo[start : start + batch])
        if progress:
            progress("organisations", result.organisations, len(todo))
    if result.needs or result.organisations or result.removed:
        corpus.bump()
    return result


def sentence_matrix(data: bytes, count: int) -> np.ndarray:
    """The stored sentence embeddings of a profile as a (count, 384) matrix."""
    if not count:
        return np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
    return embeddings.from_bytes(data).reshape(count, embeddings.DIMENSIONS)
