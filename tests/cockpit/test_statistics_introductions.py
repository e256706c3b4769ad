"""Introductions as leads in the organisers' figures (issue 13, item 5): proposed within the
period, and accepted by both when the second side accepted within it; on the page and in
both exports. Hand-counted on a fixture in 2020, like tests/cockpit/test_statistics.py."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from research_needs.models import Introduction
from tests.factories import OrganisationFactory

from .test_statistics import _csv_rows, _page, _xlsx_rows, figure

BERLIN = ZoneInfo("Europe/Berlin")


def at(month, day, year=2020):
    return datetime(year, month, day, 10, tzinfo=BERLIN)


def introduction(created, a_at=None, b_at=None, status="proposed", **extra):
    item = Introduction.objects.create(
        organisation_a=OrganisationFactory(),
        organisation_b=OrganisationFactory(),
        reason="Hand-counted",
        status=status,
        a_accepted_at=a_at,
        b_accepted_at=b_at,
        **extra,
    )
    Introduction.objects.filter(pk=item.pk).update(created_at=created)
    return item


@pytest.fixture
def world(db):
    introduction(at(4, 2))  # I1: proposed in Q2, still open
    introduction(at(4, 5), at(4, 6), at(5, 1), status="accepted")  # I2: both in Q2
    introduction(at(3, 20), at(3, 21), at(4, 3), status="accepted")  # I3: proposed Q1, lead Q2
    introduction(at(5, 2), at(5, 3), at(7, 1), status="accepted")  # I4: lead in Q3
    introduction(
        at(6, 1), status="declined", declined_at=at(6, 2), declined_by_side="b"
    )  # I5: proposed in Q2, declined
    introduction(at(8, 1), at(8, 2), None)  # I6: Q3, one side accepted
    introduction(at(5, 5, year=2019), at(5, 6, year=2019), at(5, 7, year=2019), status="accepted")


# (figure, expected in 2020 Q2, expected in the whole of 2020)
EXPECTED = [
    ("needs.introductions_proposed", 4, 6),
    ("needs.introductions_accepted", 2, 3),
]


@pytest.mark.parametrize("path, quarter_value, year_value", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_introduction_figure_equals_the_hand_count(
    client, world, organiser_user, path, quarter_value, year_value
):
    assert figure(_page(client, organiser_user, year=2020, quarter=2), path) == quarter_value
    assert figure(_page(client, organiser_user, year=2020), path) == year_value


def test_page_and_exports_show_the_introductions(client, world, organiser_user):
    client.force_login(organiser_user)

    page = client.get(reverse("admin:statistics"), {"year": 2020, "quarter": 2}).content.decode()
    csv_rows = {(r[0], r[1]): r[2] for r in _csv_rows(client, year=2020, quarter=2)}
    xlsx_rows = {(r[0], r[1]): r[2] for r in _xlsx_rows(client, year=2020, quarter=2)}

    assert 'id="stat-needs-introductions-proposed">4<' in page
    assert 'id="stat-needs-introductions-accepted">2<' in page
    assert csv_rows[("Forschungsbedarfe", "Vorgeschlagene Vorstellungen")] == "4"
    assert xlsx_rows[("Forschungsbedarfe", "Von beiden angenommene Vorstellungen")] == 2
