"""A data set (format of shared/matching/dev.json) ranked the way the pages rank: loaded
into the platform's tables of a throwaway database, stored rows computed by the store
(research_needs.matching.store), then every need and organisation ranked by the
selectors (research_needs.matching.selectors). ``manage.py matching_eval`` runs it.

``throwaway_database`` creates an empty database on the configured server, migrates it,
points the default connection at it for the duration and drops it afterwards, whatever
happens: the live data is never read or written and nothing is left behind. It needs a
role that may create databases (as the test runner does) and cannot run inside a
transaction.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from forum.organisers import ORGANISERS_GROUP

from . import corpus
from .engine import DEFAULT_WEIGHTS, Weights
from .evaluation import TOP, Dataset, Overlap
from .text import guess_language, stem_texts

DATABASE_PREFIX = "matching_eval"


@contextmanager
def throwaway_database(prefix: str = DATABASE_PREFIX):
    """Yields the name of a fresh, migrated database that the default connection uses
    until the block ends; then the database is dropped and the connection restored."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        raise RuntimeError("A throwaway database cannot be used inside a transaction.")
    original = connection.settings_dict["NAME"]
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    quoted = connection.ops.quote_name(name)
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        connection.close()
        connection.settings_dict["NAME"] = name
        corpus.forget()
        call_command("migrate", verbosity=0, interactive=False)
        yield name
    finally:
        corpus.forget()
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


@dataclass
class Loaded:
    """Primary keys of the loaded rows by data set key, and the reader who ranks."""

    needs: dict[str, int]
    organisations: dict[str, int]
    viewer: object

    def need_keys(self) -> dict[int, str]:
        return {pk: key for key, pk in self.needs.items()}

    def organisation_keys(self) -> dict[int, str]:
        return {pk: key for key, pk in self.organisations.items()}


def _trl(low, high) -> tuple[int, int]:
    low, high = (min(max(int(v or 1), 1), 9) for v in (low, high))
    return min(low, high), max(low, high)


def _codes(values, length: int) -> list[str]:
    return [str(v)[:length] for v in values or ()]


def _keywords(values) -> list[str]:
    return [str(v)[:50] for v in values or ()][:10]


def load(dataset: Dataset) -> Loaded:
    """Writes the data set as approved organisations with competence profiles and
    published public needs (rows the data set cannot express get the model's limits:
    titles cut to 200 characters, keywords to 10 of 50, TRL clamped to 1–9), plus one
    organiser who reads every ranking. No task is queued (bulk inserts send no
    signals); ``store.vectors_refresh`` computes the rows afterwards."""  # noqa: RUF002
    from members.models import CompetenceProfile, Organisation, Topic, User
    from research_needs.models import Need

    topics = {t.slug: t.pk for t in Topic.objects.all()}
    wanted = {s for r in [*dataset.needs, *dataset.organisations] for s in r.topics}
    for slug in sorted(wanted - set(topics)):
        topics[slug] = Topic.objects.create(slug=slug[:80], name_de=slug, name_en=slug).pk

    docs = {o.key: o for o in dataset.organisations}
    # Posting organisations a data set does not describe: present, never a candidate.
    for need in dataset.needs:
        docs.setdefault(need.organisation, None)
    keys = list(docs)
    states = set(Organisation.FederalState.values)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=(doc.name if doc and doc.name else f"Organisation {key}")[:200],
            slug=f"eval-{i}",
            kind=doc.kind if doc else Organisation.Kind.COMPANY,
            city=(doc.city if doc and doc.city else "-")[:100],
            federal_state=doc.federal_state if doc and doc.federal_state in states else "XX",
            description=doc.description if doc else "",
            status=Organisation.Status.APPROVED,
        )
        for i, (key, doc) in enumerate(docs.items())
    )
    pks = {key: org.pk for key, org in zip(keys, organisations, strict=True)}
    Organisation.topics.through.objects.bulk_create(
        Organisation.topics.through(organisation_id=pks[o.key], topic_id=topics[slug])
        for o in dataset.organisations
        for slug in dict.fromkeys(o.topics)
    )
    CompetenceProfile.objects.bulk_create(
        CompetenceProfile(
            organisation_id=pks[o.key],
            competences=o.competences,
            keywords=_keywords(o.keywords),
            cooperation_types=_codes(o.cooperation_types, 20),
            trl_min=_trl(o.trl_min, o.trl_max)[0],
            trl_max=_trl(o.trl_min, o.trl_max)[1],
            languages=_codes(o.languages, 2),
        )
        for o in dataset.organisations
    )
    now, today = timezone.now(), timezone.localdate()
    needs = Need.objects.bulk_create(
        Need(
            organisation_id=pks[n.organisation],
            title=n.title[:200],
            summary=n.summary,
            description=n.description,
            challenge_types=_codes(n.challenge_types, 20),
            keywords=_keywords(n.keywords),
            trl_now=_trl(n.trl_now, n.trl_target)[0],
            trl_target=_trl(n.trl_now, n.trl_target)[1],
            cooperation_types=_codes(n.cooperation_types, 20),
            partner_kinds=_codes(n.partner_kinds, 20),
            budget_band=(n.budget_band or "not_stated")[:12],
            language=(n.language or "de")[:2],
            visibility=Need.Visibility.PUBLIC,
            status=Need.Status.PUBLISHED,
            submitted_at=now,
            published_at=now,
            deadline=today + timedelta(days=180),
        )
        for n in dataset.needs
    )
    need_pks = {n.key: need.pk for n, need in zip(dataset.needs, needs, strict=True)}
    Need.topics.through.objects.bulk_create(
        Need.topics.through(need_id=need_pks[n.key], topic_id=topics[slug])
        for n in dataset.needs
        for slug in dict.fromkeys(n.topics)
    )
    viewer = User.objects.create_user(email="matching-eval@example.invalid", is_staff=True)
    viewer.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return Loaded(
        needs=need_pks,
        organisations={o.key: pks[o.key] for o in dataset.organisations},
        viewer=viewer,
    )


def rank(loaded: Loaded, weights: Weights = DEFAULT_WEIGHTS, *, limit: int = TOP) -> dict:
    """{"needs": {need: [organisation, …]}, "organisations": {organisation: [need, …]}}
    through the pages' selectors, read as an organiser (who may see every need)."""
    from members.models import Organisation
    from research_needs.models import Need

    from .selectors import recommend_needs_for_organisation, recommend_organisations_for_need

    need_keys, org_keys = loaded.need_keys(), loaded.organisation_keys()
    result: dict[str, dict[str, list[str]]] = {"needs": {}, "organisations": {}}
    for need in Need.objects.filter(pk__in=need_keys).prefetch_related("topics"):
        matches = recommend_organisations_for_need(
            need, viewer=loaded.viewer, limit=limit, weights=weights
        )
        result["needs"][need_keys[need.pk]] = [
            org_keys[m.organisation.pk] for m in matches if m.organisation.pk in org_keys
        ]
    for organisation in Organisation.objects.filter(pk__in=org_keys):
        matches = recommend_needs_for_organisation(
            organisation, viewer=loaded.viewer, limit=limit, weights=weights
        )
        result["organisations"][org_keys[organisation.pk]] = [need_keys[m.need.pk] for m in matches]
    return result


def rank_full_text(loaded: Loaded, *, limit: int = TOP) -> dict:
    """The full-text-only baseline over the same stored rows: the engine with only the
    lexical weight (TF-IDF cosine of the stored word counts), called on the same corpus
    without any structured rule, so not the pages' partner-kind filter either (that is
    structured data the baseline does not read; with it, the baseline is higher)."""
    from .engine import LEXICAL_ONLY, rank_needs_for_organisation, rank_organisations_for_need

    data = corpus.current()
    needs, orgs = data.need_index, data.org_index
    need_keys, org_keys = loaded.need_keys(), loaded.organisation_keys()
    result: dict[str, dict[str, list[str]]] = {"needs": {}, "organisations": {}}
    for key, pk in loaded.needs.items():
        row = needs.row[str(pk)]
        matches = rank_organisations_for_need(
            needs.docs[row],
            needs.vectors[row],
            data.need_terms[row],
            orgs,
            weights=LEXICAL_ONLY,
            limit=limit,
        )
        result["needs"][key] = [org_keys[int(m.key)] for m in matches if int(m.key) in org_keys]
    for key, pk in loaded.organisations.items():
        row = orgs.row.get(str(pk))
        if row is None:
            result["organisations"][key] = []
            continue
        matches = rank_needs_for_organisation(
            orgs.docs[row],
            orgs.vectors[row],
            data.org_terms[row],
            needs,
            weights=LEXICAL_ONLY,
            limit=limit,
        )
        result["organisations"][key] = [need_keys[int(m.key)] for m in matches]
    return result


def overlap_words(dataset: Dataset, *, cursor) -> Overlap:
    """The stemmed content words that define low-overlap pairs (evaluation.LOW_OVERLAP)."""
    needs, orgs = dataset.needs, dataset.organisations
    stems = stem_texts(
        [n.overlap_text() for n in needs] + [o.overlap_text() for o in orgs],
        [n.language if n.language in ("de", "en") else "de" for n in needs]
        + [guess_language(o.lexical_text()) for o in orgs],
        cursor=cursor,
    )
    return Overlap(
        dataset=dataset,
        need_overlap_words={n.key: set(c) for n, c in zip(needs, stems, strict=False)},
        org_overlap_words={o.key: set(c) for o, c in zip(orgs, stems[len(needs) :], strict=True)},
    )
