"""The stored rows of the recommendations (NeedVector, OrganisationVector): computed by the
tasks after a change commits, only when the texts changed, refreshed in bulk by
``matching_refresh``, and stored as ``bytea`` so both PostgreSQL builds take one path."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection

from members.models import Organisation
from research_needs import tasks
from research_needs.matching import corpus, embeddings
from research_needs.matching.queue import QueueEmbedding
from research_needs.matching.selectors import recommend_organisations_for_need
from research_needs.matching.store import vectors_refresh
from research_needs.models import Need, NeedVector, OrganisationVector
from tests.factories import OrganisationFactory

from .matching_world import GIPS, build_world, need, profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    corpus.forget()


def _queued(callbacks) -> list[tuple[str, int]]:
    return [(c.task_name, c.pk) for c in callbacks if isinstance(c, QueueEmbedding)]


def test_new_need_is_embedded_once_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    sme = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        fresh = need(sme)

    assert ("embed_need", fresh.pk) in _queued(callbacks)
    row = NeedVector.objects.get(need=fresh)
    assert row.model_version == embeddings.MODEL_VERSION
    vector = embeddings.from_bytes(bytes(row.embedding))
    assert vector.shape == (embeddings.DIMENSIONS,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-3)
    # German stemming by PostgreSQL, with counts: "Gipsreste", "Rückbau" (title, keywords).
    assert row.word_counts["ruckbau"] >= 2 and "gipsr" in row.word_counts


def test_status_change_does_not_embed_again_and_a_text_change_does(
    django_capture_on_commit_callbacks,
):
    sme = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        fresh = need(sme, submitted=True)
    before = NeedVector.objects.get(need=fresh)

    fresh.status = Need.Status.PUBLISHED
    fresh.published_at = fresh.submitted_at
    with django_capture_on_commit_callbacks(execute=True):
        fresh.save()
    unchanged = NeedVector.objects.get(need=fresh)

    fresh.summary = "Wir suchen ein Labor, das Gipsproben auf Sulfat und Fremdstoffe prüft."
    with django_capture_on_commit_callbacks(execute=True):
        fresh.save()
    changed = NeedVector.objects.get(need=fresh)

    assert unchanged.updated_at == before.updated_at
    assert unchanged.content_hash == before.content_hash
    assert changed.content_hash != before.content_hash
    assert bytes(changed.embedding) != bytes(before.embedding)


def test_save_of_other_fields_queues_no_embedding(django_capture_on_commit_callbacks):
    fresh = need(OrganisationFactory())

    with django_capture_on_commit_callbacks() as callbacks:
        fresh.deadline = fresh.deadline
        fresh.save(update_fields=["deadline"])
        fresh.organisation.save(update_fields=["status"])

    assert _queued(callbacks) == []


def test_task_for_a_record_that_is_gone_returns_quietly():
    sme = OrganisationFactory()
    gone = need(sme)
    pk, org_pk = gone.pk, sme.pk
    sme.delete()

    assert tasks.embed_need(pk) is False
    assert tasks.embed_organisation(org_pk) is False


def test_organisation_row_holds_profile_sentences_and_their_vectors(
    django_capture_on_commit_callbacks,
):
    institute = OrganisationFactory(kind=Organisation.Kind.RESEARCH, description="Im Harz.")
    with django_capture_on_commit_callbacks(execute=True):
        profile(institute, GIPS)
        institute.save()  # the organisation's save queues its row (as the admin does)

    row = OrganisationVector.objects.get(organisation=institute)
    assert row.sentences == [
        "Rückgewinnung von Calciumsulfat aus Bauabfällen.",
        "Wir trennen Gipsplatten aus dem Abbruch von mineralischen Fraktionen und prüfen, "
        "ob ein Gipswerk das Material annimmt.",
        "Im Harz.",
    ]
    matrix = embeddings.from_bytes(bytes(row.sentence_vectors)).reshape(3, -1)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-3)


def test_organisation_that_loses_its_text_loses_its_row(django_capture_on_commit_callbacks):
    quiet = OrganisationFactory(description="Wir sortieren Schrott.")
    with django_capture_on_commit_callbacks(execute=True):
        quiet.save()
    assert OrganisationVector.objects.filter(organisation=quiet).exists()

    quiet.description = ""
    with django_capture_on_commit_callbacks(execute=True):
        quiet.save()

    assert not OrganisationVector.objects.filter(organisation=quiet).exists()


def test_rows_of_another_model_version_are_left_out_until_refreshed():
    world = build_world()
    vectors_refresh()
    OrganisationVector.objects.filter(organisation=world.gips).update(model_version="old")
    corpus.bump()

    assert world.gips not in [
        m.organisation for m in recommend_organisations_for_need(world.need, viewer=world.owner)
    ]

    out = StringIO()
    call_command("matching_refresh", stdout=out)

    assert "0 needs and 1 organisations embedded" in out.getvalue()
    assert OrganisationVector.objects.get(organisation=world.gips).model_version == (
        embeddings.MODEL_VERSION
    )
    matches = recommend_organisations_for_need(world.need, viewer=world.owner)
    assert matches[0].organisation == world.gips


def test_matching_refresh_computes_what_is_missing_then_nothing():
    build_world()
    out = StringIO()

    call_command("matching_refresh", stdout=out)
    call_command("matching_refresh", stdout=out)

    first, second = out.getvalue().splitlines()
    assert first.startswith("1 needs and 5 organisations embedded")
    assert second.startswith("0 needs and 0 organisations embedded")


def test_matching_refresh_catches_a_change_no_task_saw():
    world = build_world()
    vectors_refresh()
    before = NeedVector.objects.get(need=world.need).content_hash
    Need.objects.filter(pk=world.need.pk).update(title="Gipsplatten aus dem Abbruch")

    result = vectors_refresh()

    assert (result.needs, result.organisations) == (1, 0)
    assert NeedVector.objects.get(need=world.need).content_hash != before


def test_matching_refresh_force_recomputes_every_row():
    build_world()
    vectors_refresh()

    result = vectors_refresh(force=True)

    assert (result.needs, result.organisations) == (1, 5)


@pytest.mark.parametrize(
    "table", ["research_needs_needvector", "research_needs_organisationvector"]
)
def test_vectors_are_bytea_so_no_pgvector_is_needed(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND data_type NOT IN ('integer', 'bigint', 'text', "
            "'character varying', 'jsonb', 'timestamp with time zone')",
            [table],
        )
        columns = dict(cursor.fetchall())

    assert set(columns.values()) == {"bytea"}


def test_seed_demo_style_refresh_returns_counts_as_a_dict():
    build_world()

    assert tasks.matching_refresh() == {"needs": 1, "organisations": 5, "removed": 0}
