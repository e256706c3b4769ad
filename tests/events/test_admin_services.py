"""The admin writes only through events.services (issue 12): the change forms, the list,
the event page's inline rows and the delete pages keep the services' rules (decisions are
dated and told, freed session seats move up, consent is dated, only organisers write)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from events import services
from events.models import Event, ProgrammeItem, Registration, SessionSignup, Stand
from forum.notifications.models import Notification
from tests.events.forms_html import form_data
from tests.factories import (
    CalendarFeedFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
    StandFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _form(client, url, form_id):
    page = client.get(url)
    assert page.status_code == 200
    return form_data(page.content.decode(), form_id)


def _row_prefix(data, group, pk):
    for key, value in data.items():
        if key.startswith(f"{group}-") and key.endswith("-id") and value == str(pk):
            return key[: -len("-id")]
    raise AssertionError(f"{group} row {pk} not on the page")


def _applied(event, member):
    return StandFactory(
        event=event, organisation=member.memberships.get().organisation, applied_by=member
    )


def test_stand_form_status_change_is_a_dated_decision_with_a_mail(
    client, organiser_user, event, member
):
    stand = _applied(event, member)
    client.force_login(organiser_user)
    url = reverse("admin:events_stand_change", args=[stand.pk])
    data = _form(client, url, "stand_form")
    data["status"] = "confirmed"
    data["number"] = "A7"

    response = client.post(url, data)

    assert response.status_code == 302
    stand.refresh_from_db()
    assert (stand.status, stand.number) == (Stand.Status.CONFIRMED, "A7")
    assert stand.decided_at is not None
    assert Notification.objects.filter(kind="events.stand_decided").count() == 1


def test_stand_list_edit_of_the_number_decides_nothing(client, organiser_user, event, member):
    stand = _applied(event, member)
    Stand.objects.filter(pk=stand.pk).update(status="confirmed", decided_at=event.created_at)
    stand.refresh_from_db()
    decided_at = stand.decided_at
    client.force_login(organiser_user)

    response = client.post(
        reverse("admin:events_stand_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(stand.pk),
            "form-0-number": "B2",
            "form-0-area": "Foyer",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    stand.refresh_from_db()
    assert (stand.number, stand.area, stand.decided_at) == ("B2", "Foyer", decided_at)
    assert not Notification.objects.filter(kind="events.stand_decided").exists()


def test_event_page_stand_row_decision_is_told_once(client, organiser_user, event, member):
    stand = _applied(event, member)
    client.force_login(organiser_user)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _form(client, url, "event_form")
    data[f"{_row_prefix(data, 'stands', stand.pk)}-status"] = "declined"

    response = client.post(url, data)

    assert response.status_code == 302
    stand.refresh_from_db()
    assert stand.status == Stand.Status.DECLINED and stand.decided_at is not None
    assert Notification.objects.filter(kind="events.stand_decided").count() == 1


def test_item_form_raised_session_capacity_moves_the_waiting_up(client, organiser_user, event):
    session = ProgrammeItemFactory(event=event, kind="workshop_session", capacity=1)
    holder, waiting = RegistrationFactory(event=event), RegistrationFactory(event=event)
    SessionSignup.objects.create(registration=holder, item=session, status="confirmed")
    signup = SessionSignup.objects.create(
        registration=waiting, item=session, status="waitlisted", waitlisted_at=event.created_at
    )
    client.force_login(organiser_user)
    url = reverse("admin:events_programmeitem_change", args=[session.pk])
    data = _form(client, url, "programmeitem_form")
    data["capacity"] = "2"

    response = client.post(url, data)

    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == SessionSignup.Status.CONFIRMED


def test_programme_item_form_saves_the_speakers(client, organiser_user, event):
    anna = SpeakerFactory(event=event, name="Anna Erz")
    item = ProgrammeItemFactory(event=event)
    client.force_login(organiser_user)
    url = reverse("admin:events_programmeitem_change", args=[item.pk])
    data = _form(client, url, "programmeitem_form")
    data["speakers"] = [str(anna.pk)]

    response = client.post(url, data)

    assert response.status_code == 302
    assert list(item.speakers.all()) == [anna]


def test_event_page_new_room_and_deleted_item(client, organiser_user, event):
    item = ProgrammeItemFactory(event=event)
    client.force_login(organiser_user)
    deleted = client.post(
        reverse("admin:events_programmeitem_delete", args=[item.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _form(client, url, "event_form")
    total = int(data["rooms-TOTAL_FORMS"])
    data.update({f"rooms-{total}-name": "Aula", f"rooms-{total}-capacity": "80"})
    data["rooms-TOTAL_FORMS"] = str(total + 1)

    response = client.post(url, data)

    assert response.status_code == 302
    assert not ProgrammeItem.objects.filter(pk=item.pk).exists()
    assert list(event.rooms.values_list("name", "capacity")) == [("Aula", 80)]


def test_registration_form_dates_a_changed_consent_and_keeps_the_state(
    client, organiser_user, event
):
    registration = RegistrationFactory(event=event, waitlisted=True, list_consent=False)
    client.force_login(organiser_user)
    url = reverse("admin:events_registration_change", args=[registration.pk])
    data = _form(client, url, "registration_form")
    data["list_consent"] = "on"
    data["name"] = "Erika Muster"

    response = client.post(url, data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.name == "Erika Muster"
    assert registration.list_consent and registration.list_consent_at is not None
    assert registration.status == Registration.Status.WAITLISTED


def test_event_form_cancelling_tells_everyone(client, organiser_user, event, notified):
    RegistrationFactory(event=event)
    client.force_login(organiser_user)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _form(client, url, "event_form")
    data["status"] = "cancelled"

    response = client.post(url, data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert [kind for kind, _ in notified] == ["event_cancelled"]


def test_delete_action_goes_through_the_service(client, organiser_user, event):
    stands = StandFactory.create_batch(2, event=event)
    feed = CalendarFeedFactory(user=UserFactory())
    client.force_login(organiser_user)

    client.post(
        reverse("admin:events_stand_changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in stands], "post": "yes"},
    )
    client.post(reverse("admin:events_calendarfeed_delete", args=[feed.pk]), {"post": "yes"})

    assert not Stand.objects.filter(event=event).exists()
    assert not type(feed).objects.filter(pk=feed.pk).exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda user, w: services.event_save(event=w["event"], actor=user),
        lambda user, w: services.event_delete(event=w["event"], actor=user),
        lambda user, w: services.programme_item_save(item=w["item"], actor=user),
        lambda user, w: services.programme_item_delete(item=w["item"], actor=user),
        lambda user, w: services.room_save(room=w["room"], actor=user),
        lambda user, w: services.speaker_delete(speaker=w["speaker"], actor=user),
        lambda user, w: services.stand_save(stand=w["stand"], actor=user),
        lambda user, w: services.stand_delete(stand=w["stand"], actor=user),
        lambda user, w: services.registration_save(registration=w["registration"], actor=user),
        lambda user, w: services.registration_delete(registration=w["registration"], actor=user),
        lambda user, w: services.calendar_feed_delete(feed=w["feed"], actor=user),
    ],
)
def test_admin_services_refuse_everyone_but_organisers(member, event, call):
    world = {
        "event": event,
        "item": ProgrammeItemFactory(event=event),
        "room": RoomFactory(event=event),
        "speaker": SpeakerFactory(event=event),
        "stand": StandFactory(event=event),
        "registration": RegistrationFactory(event=event),
        "feed": CalendarFeedFactory(user=member),
    }

    with pytest.raises(PermissionDenied):
        call(member, world)
