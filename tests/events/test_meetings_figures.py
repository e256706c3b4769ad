"""Figures of B2B meetings for the organisers (issue 14, item 7): each figure equals a hand
count on a fixture, on the event's figures page and in the cockpit's statistics (and its
CSV export); the page is for organisers only and its queries do not grow with the data."""

import csv
import io

import pytest
from django.urls import reverse

from events.models import BERLIN
from events.models_meetings import MeetingRequest
from events.models_meetings_outcomes import MeetingOutcome
from events.selectors_meetings_outcomes import figures
from events.services import meetings as services
from tests.events.test_meetings import attendee, meeting_event, opted_in
from tests.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db


def _request(event, sender, recipient):
    return services.meeting_request_send(event=event, actor=sender, recipient=recipient, message="")


@pytest.fixture
def world():
    """Six participants; seven requests: R1 A→B, R2 A→C, R3 D→E accepted and scheduled;
    R4 D→F declined; R5 E→F pending; R6 B→C expired; R7 C→D cancelled. Outcomes: R1 held,
    A "useful", B "not useful"; R2 A reports a no-show; R3 none. A second event's meeting
    must not count."""
    event = meeting_event(slots=3, places=2)
    users = [attendee(event) for _ in range(6)]
    a, b, c, d, e, f = (opted_in(event, user) for user in users)
    ua, ub, uc, ud, ue, uf = users
    r1 = services.meeting_answer(request=_request(event, ua, b), actor=ub, accept=True)
    r2 = services.meeting_answer(request=_request(event, ua, c), actor=uc, accept=True)
    services.meeting_answer(request=_request(event, ud, e), actor=ue, accept=True)
    services.meeting_answer(request=_request(event, ud, f), actor=uf, accept=False)
    _request(event, ue, f)
    r6 = _request(event, ub, c)
    MeetingRequest.objects.filter(pk=r6.pk).update(status="expired")
    services.meeting_cancel(request=_request(event, uc, d), actor=uc)
    MeetingOutcome.objects.create(request=r1, participant=a, outcome="held", useful=True)
    MeetingOutcome.objects.create(request=r1, participant=b, outcome="held", useful=False)
    MeetingOutcome.objects.create(request=r2, participant=a, outcome="no_show")
    other = meeting_event()
    x, y = attendee(other), attendee(other)
    opted_in(other, x)
    services.meeting_answer(request=_request(other, x, opted_in(other, y)), actor=y, accept=True)
    return event


EXPECTED = [
    ("participants", 6),
    ("requests", 7),
    ("answered", 4),
    ("acceptance_rate", 75.0),
    ("meetings", 3),
    ("per_participant", 1.0),
    ("reported", 2),
    ("held", 1),
    ("no_show", 1),
    ("held_rate", 50.0),
    ("no_show_rate", 50.0),
    ("useful_yes", 1),
    ("useful_no", 1),
    ("useful_rate", 50.0),
    ("by_status", {"pending": 1, "accepted": 3, "declined": 1, "expired": 1, "cancelled": 1}),
]


@pytest.mark.parametrize("key, expected", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_event_figure_equals_the_hand_count(world, key, expected):
    assert figures(world)[key] == expected


def test_an_event_without_requests_has_no_rates():
    data = figures(meeting_event())
    assert (data["participants"], data["requests"], data["acceptance_rate"]) == (0, 0, None)
    assert data["per_participant"] is None and data["held_rate"] is None


def test_the_figures_page_shows_them_to_organisers_only(client, world):
    url = reverse("events:meeting_figures", args=[world.slug])

    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(organiser())
    page = client.get(url).content.decode()

    assert 'id="fig-participants">6<' in page
    assert 'id="fig-acceptance">75.0 %<' in page or 'id="fig-acceptance">75,0 %<' in page
    assert reverse("events:meeting_signs_pdf", args=[world.slug]) in page


@pytest.mark.parametrize("count", [1, 30])
def test_the_figures_page_queries_are_bounded(client, django_assert_num_queries, count):
    event = meeting_event(slots=count, places=1)
    hub = attendee(event)
    me = opted_in(event, hub)
    for _n in range(count):
        other = attendee(event)
        opted_in(event, other)
        services.meeting_answer(request=_request(event, other, me), actor=hub, accept=True)
    client.force_login(organiser())

    with django_assert_num_queries(9):  # -1: the session comes from the cache (issue 17)
        response = client.get(reverse("events:meeting_figures", args=[event.slug]))

    assert response.context["figures"]["meetings"] == count


# --- The cockpit's statistics ---------------------------------------------------------------

COCKPIT = [
    ("participants", 8),  # both events start in the period
    ("requests", 8),
    ("acceptance_rate", 80.0),  # 4 accepted of 5 answered
    ("meetings", 4),
    ("per_participant", 1.0),
    ("held", 1),
    ("no_show", 1),
    ("held_rate", 50.0),
    ("no_show_rate", 50.0),
    ("useful_yes", 1),
    ("useful_no", 1),
]


def _year(event):
    return event.starts_at.astimezone(BERLIN).year


@pytest.mark.parametrize("key, expected", COCKPIT, ids=[e[0] for e in COCKPIT])
def test_each_cockpit_meeting_figure_equals_the_hand_count(client, world, key, expected):
    client.force_login(organiser())
    response = client.get(reverse("admin:statistics"), {"year": _year(world)})

    assert response.status_code == 200
    assert response.context["data"]["meetings"][key] == expected


def test_other_years_have_no_meetings(client, world):
    client.force_login(organiser())
    data = client.get(reverse("admin:statistics"), {"year": 2020}).context["data"]
    assert data["meetings"]["requests"] == 0 and data["meetings"]["acceptance_rate"] is None


def test_the_cockpit_page_and_csv_show_the_meeting_figures(client, world):
    client.force_login(organiser())
    query = {"year": _year(world)}

    page = client.get(reverse("admin:statistics"), query).content.decode()
    text = client.get(reverse("admin:statistics_csv"), query).content.decode("utf-8-sig")
    rows = {(row[0], row[1]): row[2] for row in csv.reader(io.StringIO(text), delimiter=";")}

    assert 'id="stat-meetings-participants">8<' in page
    assert 'id="stat-meetings-held">1<' in page
    assert rows[("B2B-Treffen", "Teilnehmende an Treffen")] == "8"
    assert rows[("B2B-Treffen", "Vereinbarte Treffen")] == "4"
