"""Issue 17 (P5): registering does less while it holds the event's lock — the address's
check constraint is asked before the lock, a new registration without sessions skips the
sign-up queries, the insert needs no savepoint — and still gives exactly the seats there
are (the races themselves: tests/events/test_concurrency.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Registration, SessionSignup
from tests.factories import ProgrammeItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def _under_lock(queries) -> list[str]:
    sql = [q["sql"] for q in queries.captured_queries]
    locked = next(i for i, text in enumerate(sql) if "FOR UPDATE" in text)
    return sql[locked:]


def test_a_lower_case_ascii_address_needs_no_constraint_query(event, member):
    with CaptureQueriesContext(connection) as queries:
        registration, created = services.registration_create(event=event, actor=member)

    assert created and registration.status == Registration.Status.CONFIRMED
    locked = _under_lock(queries)
    assert not any('"_check"' in q["sql"] for q in queries.captured_queries)
    assert not any("events_sessionsignup" in text for text in locked)
    assert not any(text.startswith("SAVEPOINT") for text in locked)  # the lock suffices
    # The lock, the address and the seats taken in one query, the insert, its audit entry
    # and the notification (issue 17, P5).
    # (the content type of the audit entry is read once per process, then cached)
    statements = [
        text.split('"')[1]
        for text in locked
        if "django_content_type" not in text and "SAVEPOINT" not in text
    ]
    assert statements == [
        "events_event",  # ... FOR UPDATE
        "events_registration",  # the seats taken and the address's registration
        "events_registration",  # INSERT
        "auditlog_logentry",
        "notifications_notification",
    ]


def test_other_addresses_are_checked_by_the_database_before_the_lock(event):
    with CaptureQueriesContext(connection) as queries:
        registration, _ = services.registration_create(
            event=event, actor=None, name="Gast", email="Gast@Bücher.example"
        )

    assert registration.email == "gast@bücher.example"
    assert any('"_check"' in q["sql"] for q in queries.captured_queries)
    assert not any('"_check"' in text for text in _under_lock(queries))


def test_the_seats_counted_under_the_lock_include_the_last_ones_taken(event):
    """The count is asked after the lock in its own statement, so it sees every seat."""
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    services.registration_create(event=event, actor=first)
    services.registration_create(event=event, actor=second)

    registration, _ = services.registration_create(event=event, actor=third)

    assert registration.status == Registration.Status.WAITLISTED


def test_registering_again_returns_the_same_registration(event, member):
    first, created = services.registration_create(event=event, actor=member)

    again, created_again = services.registration_create(event=event, actor=member)

    assert created and not created_again and again.pk == first.pk
    assert Registration.objects.filter(event=event).count() == 1


def test_seats_then_the_waiting_list_in_order(event):
    people = [UserFactory() for _ in range(4)]  # the event has two seats

    statuses = [services.registration_create(event=event, actor=p)[0].status for p in people]

    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_sessions_are_still_signed_up(forum):
    session = ProgrammeItemFactory(event=forum, kind="workshop_session", capacity=1)

    first, _ = services.registration_create(event=forum, actor=UserFactory(), sessions=[session])
    second, _ = services.registration_create(event=forum, actor=UserFactory(), sessions=[session])

    assert first.session_signups.get().status == SessionSignup.Status.CONFIRMED
    assert second.session_signups.get().status == SessionSignup.Status.WAITLISTED


def test_registering_again_after_cancelling_drops_old_sessions(forum, member):
    session = ProgrammeItemFactory(event=forum, kind="workshop_session", capacity=5)
    registration, _ = services.registration_create(event=forum, actor=member, sessions=[session])
    services.registration_cancel(registration=registration)

    again, _ = services.registration_create(event=forum, actor=member)

    assert again.pk == registration.pk
    assert again.session_signups.get().status == SessionSignup.Status.CANCELLED


def test_a_guest_address_is_kept_lower_case(event):
    registration, _ = services.registration_create(
        event=event, actor=None, name="Gast", email="  Gast@Example.ORG "
    )

    assert registration.email == "gast@example.org"


def test_an_empty_address_is_refused_before_the_lock(event):
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError):
        services.registration_create(event=event, actor=None, name="Gast", email=" ")

    assert not any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)


def test_a_post_choosing_no_session_does_not_read_the_sessions(client, forum, member):
    ProgrammeItemFactory(event=forum, kind="workshop_session", capacity=5)
    client.force_login(member)
    days = [day.isoformat() for day in forum.days()]

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("events:register", args=[forum.slug]), {"days": days})

    assert response.status_code == 302
    assert Registration.objects.get(event=forum, user=member).status == "confirmed"
    assert not any("events_programmeitem" in q["sql"] for q in queries.captured_queries)


def test_a_refused_post_shows_the_sessions_again(client, forum, member):
    session = ProgrammeItemFactory(event=forum, kind="workshop_session", capacity=5)
    client.force_login(member)
    data = {"days": [day.isoformat() for day in forum.days()], "dietary_needs": "x" * 501}

    response = client.post(reverse("events:register", args=[forum.slug]), data)

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["dietary_needs"]
    assert [pk for pk, _label in form.fields["sessions"].choices] == [session.pk]
    assert session.title in response.content.decode()
    assert not Registration.objects.filter(event=forum).exists()


def _seat_counts(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "events_registration"')
    ]


def test_a_post_during_a_rush_counts_the_seats_only_under_the_lock(client, event, member):
    """Every registration renews the seats kept for the event page, so during a rush the
    next POST finds them gone: it leaves the count to the service, which asks it under the
    event's lock anyway (issue 17, P5)."""
    client.get(reverse("events:register", args=[event.slug]))  # the seats are kept
    services.registration_create(event=event, actor=UserFactory())  # ... and renewed
    client.force_login(member)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("events:register", args=[event.slug]), {})

    assert response.status_code == 302
    assert Registration.objects.get(event=event, user=member).status == "confirmed"
    assert _seat_counts(queries) == []
    assert sum("FOR UPDATE" in q["sql"] for q in queries.captured_queries) == 1


def test_a_refused_post_counts_the_seats_for_the_form(client, event, member):
    """The form shown again says the event is full: the seats are counted for it."""
    client.get(reverse("events:register", args=[event.slug]))  # the event is kept
    services.registration_create(event=event, actor=UserFactory())
    services.registration_create(event=event, actor=UserFactory())  # both seats taken
    client.force_login(member)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("events:register", args=[event.slug]), {"dietary_needs": "x" * 501}
        )

    assert response.status_code == 400
    assert response.context["seats_left"] == 0
    assert len(_seat_counts(queries)) == 1
    assert not Registration.objects.filter(event=event, user=member).exists()
