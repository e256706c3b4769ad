"""The demo (``seed_demo``) comes with competence profiles for every organisation and the
stored rows of the recommendations, so its needs show sensible partners at once."""

from io import StringIO

import pytest
from django.core.management import call_command

from members.models import CompetenceProfile, Organisation
from research_needs.matching import corpus, embeddings
from research_needs.matching.selectors import (
    recommend_needs_for_organisation,
    recommend_organisations_for_need,
)
from research_needs.models import Need, NeedVector, OrganisationVector
from tests.factories import organiser

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module (in its own transaction, rolled back at the end)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        out = StringIO()
        call_command("seed_demo", force=True, stdout=out)
        second = StringIO()
        call_command("seed_demo", force=True, stdout=second)
        try:
            yield out.getvalue(), second.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            corpus.forget()


def _need(title: str) -> Need:
    return Need.objects.prefetch_related("topics").get(title=title)


def test_demo_every_organisation_has_a_profile_and_a_current_row(seeded):
    organisations = Organisation.objects.all()

    assert CompetenceProfile.objects.count() == organisations.count() >= 15
    assert (
        OrganisationVector.objects.filter(model_version=embeddings.MODEL_VERSION).count()
        == organisations.count()
    )
    assert NeedVector.objects.count() == Need.objects.count()
    assert "recommendations: 25 needs and 15 organisations embedded" in seeded[0]
    assert "recommendations: 0 needs and 0 organisations embedded" in seeded[1]


def test_demo_profiles_are_german_and_some_english(seeded):
    english = CompetenceProfile.objects.filter(languages__0="en")

    assert english.exists()
    assert CompetenceProfile.objects.filter(languages__0="de").count() > english.count()


@pytest.mark.parametrize(
    ("title", "first"),
    [
        (
            "Recycling von Lithium-Ionen-Batterien: Kobalt und Nickel aus Schwarzmasse",
            {"harz-institut-rohstoffkreislaeufe", "tu-oberharz"},
        ),
        (
            "Leiterplatten vor dem Schreddern automatisch entstücken",
            {"institut-kreislauftechnik-nordhausen"},
        ),
        (
            "Platin und Palladium aus Altkatalysatoren effizienter laugen",
            {"tu-oberharz", "harz-institut-rohstoffkreislaeufe"},
        ),
        (
            "Schlacke aus der Müllverbrennung besser entmetallisieren",
            {"harzer-metallrueckgewinnung", "seesener-haldenservice", "tu-oberharz"},
        ),
    ],
)
def test_demo_needs_get_sensible_partners_first(seeded, title, first):
    matches = recommend_organisations_for_need(_need(title), viewer=organiser())

    assert matches[0].organisation.slug in first
    assert all(m.reason for m in matches)


def test_demo_cluster_management_opted_out_and_is_never_recommended(seeded):
    viewer = organiser()
    for need in Need.objects.filter(status=Need.Status.PUBLISHED).prefetch_related("topics"):
        slugs = {m.organisation.slug for m in recommend_organisations_for_need(need, viewer=viewer)}
        assert "recyclingnetzwerk-harz" not in slugs


def test_demo_research_institute_sees_fitting_open_needs(seeded):
    institute = Organisation.objects.get(slug="institut-kreislauftechnik-nordhausen")

    titles = [m.need.title for m in recommend_needs_for_organisation(institute, viewer=organiser())]

    assert "Leiterplatten vor dem Schreddern automatisch entstücken" in titles[:2]
