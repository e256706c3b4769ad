"""The organisers' admin: clash validation through the real change form, actions, CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from events.models import Event, ProgrammeItem, Registration, Stand
from tests.events.forms_html import form_data
from tests.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
    StandFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(host):
    event = EventFactory(host=host, title="Forum", slug="forum", two_days=True)
    aula, foyer = RoomFactory(event=event, name="Aula"), RoomFactory(event=event, name="Foyer")
    anna = SpeakerFactory(event=event, name="Anna Erz")
    ben = SpeakerFactory(event=event, name="Ben Schlacke")
    start = event.starts_at
    first = ProgrammeItemFactory(
        event=event, title="Indium", starts_at=start, room=aula, speakers=[anna]
    )
    second = ProgrammeItemFactory(
        event=event,
        title="Gallium",
        starts_at=start + timedelta(hours=1),
        room=foyer,
        speakers=[ben],
    )
    return {
        "event": event,
        "aula": aula,
        "foyer": foyer,
        "anna": anna,
        "ben": ben,
        "first": first,
        "second": second,
    }


def _change_page(client, event):
    url = reverse("admin:events_event_change", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200
    return url, form_data(page.content.decode(), "event_form")


def _errors(response) -> str:
    return response.content.decode()


def test_admin_change_form_posts_back_unchanged(client, organiser_user, programme):
    client.force_login(organiser_user)
    url, data = _change_page(client, programme["event"])

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context.get("errors")


def _item_form(client, item):
    """The programme item's own change form (issue 16: items left the event page)."""
    url = reverse("admin:events_programmeitem_change", args=[item.pk])
    return url, form_data(client.get(url).content.decode(), "programmeitem_form")


def test_admin_refuses_room_used_twice_at_once(client, organiser_user, programme):
    client.force_login(organiser_user)
    url, data = _item_form(client, programme["second"])
    data["room"] = str(programme["aula"].pk)
    data["starts_at_1"] = timezone.localtime(programme["first"].starts_at).strftime("%H:%M")

    response = client.post(url, data)

    assert response.status_code == 200  # the admin's form page, with the error
    assert "Aula ist zu dieser Zeit bereits durch „Indium“ belegt" in _errors(response)
    programme["second"].refresh_from_db()
    assert programme["second"].room == programme["foyer"]


def test_admin_refuses_speaker_in_two_places(client, organiser_user, programme):
    client.force_login(organiser_user)
    url, data = _item_form(client, programme["second"])
    data["speakers"] = [str(programme["ben"].pk), str(programme["anna"].pk)]
    data["starts_at_1"] = timezone.localtime(
        programme["first"].starts_at + timedelta(minutes=15)
    ).strftime("%H:%M")

    response = client.post(url, data)

    assert response.status_code == 200  # the admin's form page, with the error
    assert "Anna Erz spricht zur selben Zeit in „Indium“" in _errors(response)
    assert programme["second"].speakers.count() == 1


def test_admin_refuses_item_outside_event(client, organiser_user, programme):
    client.force_login(organiser_user)
    url, data = _item_form(client, programme["second"])
    later = timezone.localtime(programme["event"].ends_at + timedelta(days=2))
    data["starts_at_0"] = later.strftime("%d.%m.%Y")
    data["ends_at_0"] = later.strftime("%d.%m.%Y")

    response = client.post(url, data)

    assert response.status_code == 200  # the admin's form page, with the error
    assert "Der Programmpunkt muss innerhalb der Veranstaltungszeit liegen" in _errors(response)
    assert ProgrammeItem.objects.get(pk=programme["second"].pk).starts_at < later


def test_admin_refuses_speaker_of_another_event(client, organiser_user, programme):
    stranger = SpeakerFactory(event=EventFactory(), name="Clara Fremd")
    client.force_login(organiser_user)
    url, data = _item_form(client, programme["second"])
    data["speakers"] = [str(stranger.pk)]

    response = client.post(url, data)

    assert response.status_code == 200  # the admin's form page, with the error
    assert "gehören zu einer anderen Veranstaltung: Clara Fremd" in _errors(response)
    assert list(programme["second"].speakers.all()) == [programme["ben"]]


def test_admin_raised_capacity_promotes(client, organiser_user, event, notified):
    RegistrationFactory.create_batch(2, event=event)
    waiting = RegistrationFactory(event=event, waitlisted=True)
    client.force_login(organiser_user)
    url, data = _change_page(client, event)
    data["capacity"] = "3"

    response = client.post(url, data)

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert ("registration_promoted", waiting) in notified


def test_admin_cancel_action_notifies(client, organiser_user, event, notified):
    RegistrationFactory(event=event)
    client.force_login(organiser_user)

    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "cancel_events", "_selected_action": [event.pk]},
    )

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert [kind for kind, _ in notified] == ["event_cancelled"]


def test_admin_build_actions_queue_tasks_on_commit(
    client, organiser_user, event, monkeypatch, django_capture_on_commit_callbacks
):
    from events import tasks

    queued = []
    monkeypatch.setattr(tasks.build_programme_pdf, "delay", lambda pk: queued.append(("p", pk)))
    monkeypatch.setattr(tasks.build_badges, "delay", lambda pk: queued.append(("b", pk)))
    client.force_login(organiser_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:events_event_changelist"),
            {"action": "build_programme_pdf", "_selected_action": [event.pk]},
            follow=True,
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:events_event_changelist"),
            {"action": "build_badges", "_selected_action": [event.pk]},
        )

    assert queued == [("p", event.pk), ("b", event.pk)]
    text = " ".join(str(m) for m in get_messages(response.wsgi_request)) + response.content.decode()
    assert f"/events/{event.slug}/programme.pdf" in text


def test_admin_csv_export_opens_in_german_excel(client, organiser_user, event):
    RegistrationFactory(
        event=event,
        name="Jürgen Größe",
        email="juergen@example.org",
        organisation_name="Hütte; Söhne",
        dietary_needs="=SUM(A1)",
        confirmed_at=timezone.make_aware(timezone.datetime(2027, 3, 4, 9, 5)),
    )
    client.force_login(organiser_user)

    response = client.post(
        reverse("admin:events_registration_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(event.registrations.values_list("pk", flat=True)),
        },
    )

    body = response.content
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, row = rows[0], rows[1]
    assert header[1] == "Name"
    assert row[1] == "Jürgen Größe"
    assert row[3] == "Hütte; Söhne"
    assert row[7] == "'=SUM(A1)"
    assert row[12] == "04.03.2027 09:05"


def test_admin_promote_selected_respects_capacity(client, organiser_user, event):
    RegistrationFactory(event=event)
    waiting = [RegistrationFactory(event=event, waitlisted=True) for _ in range(2)]
    client.force_login(organiser_user)

    client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "promote_selected", "_selected_action": [r.pk for r in waiting]},
    )

    assert event.registrations.filter(status="confirmed").count() == 2


def test_admin_stand_confirm_action(client, organiser_user, event):
    stand = StandFactory(event=event)
    client.force_login(organiser_user)

    client.post(
        reverse("admin:events_stand_changelist"),
        {"action": "confirm", "_selected_action": [stand.pk]},
    )

    stand.refresh_from_db()
    assert stand.status == Stand.Status.CONFIRMED and stand.decided_at


def test_admin_write_email_to_registrations(client, organiser_user, event, member):
    guest = RegistrationFactory(event=event, email="gast@example.org")
    client.force_login(organiser_user)

    response = client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "write_email", "_selected_action": [guest.pk]},
    )

    assert response.status_code == 200
    assert "gast@example.org" in response.content.decode()


@pytest.mark.parametrize(
    "model", ["event", "registration", "stand", "programmeitem", "speaker", "room", "calendarfeed"]
)
def test_admin_changelists_open_for_organisers(client, organiser_user, programme, model):
    RegistrationFactory(event=programme["event"])
    StandFactory(event=programme["event"])
    client.force_login(organiser_user)

    response = client.get(reverse(f"admin:events_{model}_changelist"), {"q": "a"})

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_admin_event_change_page_queries_constant_in_items_and_registrations(
    client, organiser_user, django_assert_max_num_queries, count
):
    event = EventFactory(two_days=True)
    room = RoomFactory(event=event)
    speaker = SpeakerFactory(event=event)
    for n in range(count):
        ProgrammeItemFactory(
            event=event,
            starts_at=event.starts_at + timedelta(minutes=30 * n),
            room=room,
            speakers=[speaker],
        )
        RegistrationFactory(event=event)
    client.force_login(organiser_user)

    with django_assert_max_num_queries(25):
        response = client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert response.status_code == 200
