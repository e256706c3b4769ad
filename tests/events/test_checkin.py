"""The door's check-in page (issue 15, item 3): everyone expected is listed at once,
filters by letter and text work without JavaScript, check-in and undo answer a plain POST
with a redirect and a fetch with JSON, the devices poll the counts, QR codes check in by
their code, and walk-ins are registered on the spot by the seat rules."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def door(host):
    event = EventFactory(host=host, capacity=5, slug="tuer", waiting_list=True)
    people = {
        name: RegistrationFactory(event=event, name=name, status=Registration.Status.CONFIRMED)
        for name in ["Anna Zink", "Bernd Blei", "Berta Kupfer"]
    }
    waiting = RegistrationFactory(
        event=event, name="Wanda Warte", status=Registration.Status.WAITLISTED
    )
    return {"event": event, "people": people, "waiting": waiting}


def _url(event, name="events:checkin"):
    return reverse(name, args=[event.slug])


def _names(response):
    return [registration.name for registration in response.context["results"]]


def test_everyone_expected_is_listed_at_once(client, organiser_user, door):
    client.force_login(organiser_user)

    response = client.get(_url(door["event"]))

    assert response.status_code == 200
    assert _names(response) == ["Anna Zink", "Bernd Blei", "Berta Kupfer"]  # no one waiting
    assert response.context["counts"] == {"expected": 3, "arrived": 0}
    assert 'src="/static/js/checkin.js"' in response.content.decode()


def test_filter_by_letter_and_text_without_javascript(client, organiser_user, door):
    client.force_login(organiser_user)

    by_letter = client.get(_url(door["event"]), {"letter": "b"})
    by_text = client.get(_url(door["event"]), {"q": "kupf"})
    both = client.get(_url(door["event"]), {"letter": "B", "q": "blei"})

    assert _names(by_letter) == ["Bernd Blei", "Berta Kupfer"]
    assert _names(by_text) == ["Berta Kupfer"]
    assert _names(both) == ["Bernd Blei"]


def test_bad_filter_is_a_400(client, organiser_user, door):
    client.force_login(organiser_user)

    response = client.get(_url(door["event"]), {"letter": "AB"})

    assert response.status_code == 400


def test_tap_checks_in_and_keeps_the_filter(client, organiser_user, door):
    anna = door["people"]["Anna Zink"]
    client.force_login(organiser_user)

    response = client.post(
        _url(door["event"]), {"registration": anna.pk, "action": "in", "letter": "A"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?letter=A")
    anna.refresh_from_db()
    assert anna.checked_in_at is not None


def test_second_tap_says_already_checked_in(client, organiser_user, door):
    anna = door["people"]["Anna Zink"]
    client.force_login(organiser_user)
    client.post(_url(door["event"]), {"registration": anna.pk, "action": "in"})
    list(get_messages(client.get(_url(door["event"])).wsgi_request))

    response = client.post(_url(door["event"]), {"registration": anna.pk}, **JSON)

    data = response.json()
    anna.refresh_from_db()
    first = timezone.localtime(anna.checked_in_at).strftime("%H:%M")
    assert data["ok"] is True
    assert data["checked_in"] is True
    assert data["time"] == first
    assert first in data["message"]
    assert (data["expected"], data["arrived"]) == (3, 1)


def test_fetch_check_in_and_undo_answer_json(client, organiser_user, door):
    bernd = door["people"]["Bernd Blei"]
    client.force_login(organiser_user)

    checked = client.post(_url(door["event"]), {"registration": bernd.pk, "action": "in"}, **JSON)
    undone = client.post(_url(door["event"]), {"registration": bernd.pk, "action": "undo"}, **JSON)

    assert checked.json()["checked_in"] is True
    assert checked.json()["arrived"] == 1
    assert undone.json()["checked_in"] is False
    assert undone.json()["arrived"] == 0
    bernd.refresh_from_db()
    assert bernd.checked_in_at is None
    # The answers were given in JSON; the next page shows no stale messages.
    assert list(get_messages(client.get(_url(door["event"])).wsgi_request)) == []


def test_waiting_person_is_not_checked_in(client, organiser_user, door):
    client.force_login(organiser_user)

    response = client.post(_url(door["event"]), {"registration": door["waiting"].pk}, **JSON)

    assert response.status_code == 400
    assert response.json()["ok"] is False
    door["waiting"].refresh_from_db()
    assert door["waiting"].checked_in_at is None


def test_qr_code_checks_in_by_its_code(client, organiser_user, door):
    berta = door["people"]["Berta Kupfer"]
    client.force_login(organiser_user)

    response = client.post(_url(door["event"]), {"code": berta.checkin_code}, **JSON)

    assert response.json()["id"] == berta.pk
    assert response.json()["checked_in"] is True


def test_code_of_another_event_is_not_found(client, organiser_user, door, host):
    stranger = RegistrationFactory(event=EventFactory(host=host), status="confirmed")
    client.force_login(organiser_user)

    response = client.post(_url(door["event"]), {"code": stranger.checkin_code}, **JSON)

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.checked_in_at is None


def test_status_json_has_counts_and_arrivals(client, organiser_user, door):
    anna = door["people"]["Anna Zink"]
    services.registration_check_in(registration=anna, actor=organiser_user)
    client.force_login(organiser_user)

    data = client.get(_url(door["event"], "events:checkin_status")).json()

    assert data["expected"] == 3
    assert data["arrived"] == 1
    assert list(data["arrived_ids"]) == [str(anna.pk)]


def test_walk_in_is_registered_and_checked_in(client, organiser_user, door):
    client.force_login(organiser_user)

    response = client.post(
        _url(door["event"], "events:checkin_walk_in"),
        {"walkin-name": "Spontan Gast", "walkin-organisation_name": "Harz AG"},
    )

    assert response.status_code == 302
    walk_in = Registration.objects.get(name="Spontan Gast")
    assert walk_in.status == Registration.Status.CONFIRMED
    assert walk_in.checked_in_at is not None
    assert walk_in.email.endswith(".invalid")


def test_walk_in_with_a_known_address_is_checked_in_once(client, organiser_user, door):
    anna = door["people"]["Anna Zink"]
    client.force_login(organiser_user)

    client.post(
        _url(door["event"], "events:checkin_walk_in"),
        {"walkin-name": "Anna", "walkin-email": anna.email.upper()},
    )

    assert door["event"].registrations.count() == 4
    anna.refresh_from_db()
    assert anna.checked_in_at is not None


def test_walk_in_refused_when_full(client, organiser_user, door):
    door["event"].capacity = 3
    door["event"].save()
    client.force_login(organiser_user)

    response = client.post(
        _url(door["event"], "events:checkin_walk_in"), {"walkin-name": "Zu Viele"}
    )

    assert response.status_code == 400
    assert not Registration.objects.filter(name="Zu Viele").exists()


def test_walk_in_needs_a_name(client, organiser_user, door):
    client.force_login(organiser_user)

    response = client.post(_url(door["event"], "events:checkin_walk_in"), {"walkin-name": " "})

    assert response.status_code == 400
    assert response.context["walk_in_open"] is True


def test_undo_service_is_staff_only_and_idempotent(door, organiser_user, member):
    anna = door["people"]["Anna Zink"]
    services.registration_check_in(registration=anna, actor=organiser_user)

    with pytest.raises(PermissionDenied):
        services.registration_check_in_undo(registration=anna, actor=member)
    first = services.registration_check_in_undo(registration=anna, actor=organiser_user)
    second = services.registration_check_in_undo(registration=anna, actor=organiser_user)

    assert (first[1], second[1]) == (True, False)
    anna.refresh_from_db()
    assert anna.checked_in_at is None
