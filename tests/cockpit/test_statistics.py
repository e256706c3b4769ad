"""Statistics for funders (issue 15): every figure equals a hand count on a fixture, the
exports hold the same numbers, the page stays at a fixed number of queries.

The fixture lives in 2020, so every event is over whatever day the tests run."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Registration
from members.models import Organisation
from research_needs.models import Answer, Need
from tests.factories import (
    AnswerFactory,
    EventFactory,
    NeedFactory,
    OrganisationFactory,
    RegistrationFactory,
)

BERLIN = ZoneInfo("Europe/Berlin")
URL = "/admin/statistics/"


def at(month, day, hour=10, minute=0, year=2020):
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def org(kind, state, size, created, status="approved"):
    organisation = OrganisationFactory(
        kind=kind, federal_state=state, size_band=size, status=status
    )
    Organisation.objects.filter(pk=organisation.pk).update(created_at=created)
    return organisation


def answer(need, created, **extra):
    item = AnswerFactory(need=need, **extra)
    Answer.objects.filter(pk=item.pk).update(created_at=created)
    return item


@pytest.fixture
def world(db):
    """The hand-counted fixture; the expectations below are counted from it."""
    company = org("company", "NI", "10-49", at(5, 1, year=2019))  # A: before 2020
    org("company", "ST", "1-9", at(4, 10))  # B: new in Q2
    research = org("research", "NI", "250+", at(5, 20))  # C: new in Q2
    org("public", "TH", "", at(1, 15))  # D: Q1
    org("association", "BY", "50-249", at(8, 1))  # E: Q3
    org("company", "NI", "10-49", at(4, 1), status="pending")  # not a member
    org("research", "NI", "1-9", at(4, 1), status="rejected")  # not a member
    # Needs: published in Q2 are N1..N4; first answers after 2, 5.5 and 10 days.
    n1 = NeedFactory(organisation=company, published_at=at(4, 1))
    answer(n1, at(4, 3))
    answer(n1, at(4, 10), accepted=True, decided_at=at(5, 2))  # cooperation in Q2
    answer(NeedFactory(organisation=company, published_at=at(5, 1)), at(5, 6, 22))
    answer(NeedFactory(organisation=company, published_at=at(6, 1)), at(6, 11))
    NeedFactory(organisation=company, published_at=at(6, 15))  # N4, unanswered
    n5 = NeedFactory(organisation=company, published_at=at(3, 30))  # Q1
    answer(n5, at(4, 2), accepted=True, decided_at=at(7, 1))  # cooperation in Q3
    NeedFactory(organisation=company, submitted=True)
    # Events: E1 in Q2 counts; a cancelled one in Q2 and one in Q3 do not.
    e1 = EventFactory(starts_at=at(5, 10, 9), ends_at=at(5, 10, 18))
    RegistrationFactory(event=e1, organisation=company, checked_in_at=at(5, 10, 9, 5))
    RegistrationFactory(event=e1, organisation=company)  # no-show
    RegistrationFactory(event=e1, organisation=research, checked_in_at=at(5, 10, 9, 7))
    RegistrationFactory(event=e1)  # no organisation, no-show
    RegistrationFactory(event=e1, organisation=company, cancelled=True)
    RegistrationFactory(event=e1, organisation=company, waitlisted=True)
    RegistrationFactory(event=e1, organisation=research, pending=True)
    cancelled = EventFactory(cancelled=True, starts_at=at(5, 20, 9), ends_at=at(5, 20, 18))
    RegistrationFactory(event=cancelled, organisation=company)
    e3 = EventFactory(starts_at=at(7, 10, 9), ends_at=at(7, 10, 18))
    RegistrationFactory(event=e3, organisation=research, checked_in_at=at(7, 10, 9))
    return {"company": company, "research": research}


# (figure, expected in 2020 Q2, expected in the whole of 2020)
EXPECTED = [
    ("members.total", 4, 5),
    ("members.new", 2, 4),
    ("members.by_kind.company", 2, 2),
    ("members.by_kind.research", 1, 1),
    ("members.by_kind.public", 1, 1),
    ("members.by_kind.association", 0, 1),
    ("members.by_federal_state.NI", 2, 2),
    ("members.by_federal_state.ST", 1, 1),
    ("members.by_federal_state.TH", 1, 1),
    ("members.by_federal_state.BY", 0, 1),
    ("members.by_federal_state.SN", 0, 0),
    ("members.by_size.10-49", 1, 1),
    ("members.by_size.1-9", 1, 1),
    ("members.by_size.250+", 1, 1),
    ("members.by_size.50-249", 0, 1),
    ("members.by_size.", 1, 1),
    ("members.mix.industry", (2, 50.0), (2, 40.0)),
    ("members.mix.research", (1, 25.0), (1, 20.0)),
    ("members.mix.public", (1, 25.0), (1, 20.0)),
    ("members.mix.other", (0, 0.0), (1, 20.0)),
    ("needs.published", 4, 5),
    ("needs.answered", 3, 4),
    ("needs.median_days", 5.5, 4.3),  # year: 2, 3 (N5), 5.5, 10 -> 4.25, half up
    ("needs.cooperations", 1, 2),
    ("events.events", 1, 2),
    ("events.registrations", 4, 5),
    ("events.check_ins", 2, 3),
    ("events.no_shows", 2, 2),
    ("events.by_kind.company", (2, 1, 1), (2, 1, 1)),
    ("events.by_kind.research", (1, 1, 0), (2, 2, 0)),
    ("events.by_kind.public", (0, 0, 0), (0, 0, 0)),
    ("events.by_kind.none", (1, 0, 1), (1, 0, 1)),
]


def figure(data, path):
    section, name, *code = path.split(".", 2)
    value = data[section][name]
    if not code:
        return value
    row = next(row for row in value if row[0] == code[0])
    return row[2] if len(row) == 3 else tuple(row[2:])


def _page(client, organiser_user, **query):
    client.force_login(organiser_user)
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.context["data"]


@pytest.mark.parametrize("path, quarter_value, year_value", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_figure_equals_the_hand_count(
    client, world, organiser_user, path, quarter_value, year_value
):
    assert figure(_page(client, organiser_user, year=2020, quarter=2), path) == quarter_value
    assert figure(_page(client, organiser_user, year=2020), path) == year_value


def test_other_years_are_empty(client, world, organiser_user):
    data = _page(client, organiser_user, year=2018)

    assert (data["members"]["total"], data["needs"]["published"], data["events"]["events"]) == (
        0,
        0,
        0,
    )
    assert data["needs"]["median_days"] is None


def test_default_is_the_current_year(client, organiser_user):
    from django.utils import timezone

    assert _page(client, organiser_user)["period"].year == timezone.localdate().year


@pytest.mark.parametrize(
    "query", [{"year": "zwanzig"}, {"year": "1500"}, {"year": "2020", "quarter": "5"}]
)
def test_bad_period_is_a_400_with_a_message(client, organiser_user, query):
    client.force_login(organiser_user)

    response = client.get(URL, query)
    csv_response = client.get(reverse("admin:statistics_csv"), query)

    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert csv_response.status_code == 400


def test_page_shows_the_figures_and_svg_charts(client, world, organiser_user):
    client.force_login(organiser_user)

    html = client.get(URL, {"year": 2020, "quarter": 2}).content.decode()

    assert '<td class="cockpit-count" id="stat-needs-median">5,5</td>' in html
    assert html.count('<svg class="cockpit-chart"') == 4
    assert "style=" not in html.split('<div id="content-main">')[1]


def _csv_rows(client, **query):
    response = client.get(reverse("admin:statistics_csv"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(client, **query):
    response = client.get(reverse("admin:statistics_xlsx"), query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _number(text):
    return None if text == "" else float(text.replace(",", ".")) if "," in text else int(text)


def test_csv_and_xlsx_hold_the_same_figures(client, world, organiser_user):
    client.force_login(organiser_user)

    csv_rows = _csv_rows(client, year=2020, quarter=2)
    xlsx_rows = _xlsx_rows(client, year=2020, quarter=2)

    assert csv_rows[0] == xlsx_rows[0] == ["Bereich", "Kennzahl", "Wert"]
    assert len(csv_rows) == len(xlsx_rows) > 40
    for csv_row, xlsx_row in zip(csv_rows[1:], xlsx_rows[1:], strict=True):
        assert csv_row[:2] == xlsx_row[:2]
        assert _number(csv_row[2]) == xlsx_row[2], csv_row
    by_label = {(row[0], row[1]): row[2] for row in csv_rows}
    assert by_label[("Forschungsbedarfe", "Median der Tage bis zur ersten Antwort")] == "5,5"
    assert by_label[("Veranstaltungen", "Nicht erschienen")] == "2"
    assert by_label[("Mitglieder", "Mitgliedsorganisationen")] == "4"


def test_exports_hold_no_personal_data(client, world, organiser_user):
    client.force_login(organiser_user)
    people = [(r.name, r.email) for r in Registration.objects.all()]
    names = [o.name for o in Organisation.objects.all()] + [n.title for n in Need.objects.all()]

    text = client.get(reverse("admin:statistics_csv"), {"year": 2020}).content.decode("utf-8-sig")
    cells = " ".join(str(c) for row in _xlsx_rows(client, year=2020) for c in row)

    for name, email in people:
        assert name not in text and email not in text and name not in cells and email not in cells
    for name in names:
        assert name not in text and name not in cells


def _lots(n):
    company = OrganisationFactory(kind="company")
    for index in range(n):
        organisation = OrganisationFactory(kind=["company", "research", "public"][index % 3])
        need = NeedFactory(organisation=company, published_at=at(5, 1))
        AnswerFactory(need=need, organisation=organisation, accepted=True, decided_at=at(5, 3))
        event = EventFactory(starts_at=at(5, 10, 9), ends_at=at(5, 10, 18))
        RegistrationFactory(event=event, organisation=organisation)
        RegistrationFactory(event=event, checked_in_at=at(5, 10, 9, 10))


@pytest.mark.parametrize("n", [1, 30])
def test_statistics_page_queries_are_bounded(client, organiser_user, django_assert_num_queries, n):
    _lots(n)
    client.force_login(organiser_user)
    client.get(URL, {"year": 2020})

    with django_assert_num_queries(
        14
    ):  # +1: introductions (issue 13), +4: meetings (14); -1: session from the cache (17)
        response = client.get(URL, {"year": 2020})

    assert response.status_code == 200
    assert response.context["data"]["events"]["events"] == n
