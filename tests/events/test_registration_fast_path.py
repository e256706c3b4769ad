"""Issue 17 (P5): registering does less while it holds the event's lock — the address's
check constraint is asked before the lock, a new registration without sessions skips the
sign-up queries, the insert needs no savepoint — and still gives exactly the seats there
are (the races themselves: tests/events/test_concurrency.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import services
from events.models import Registration, SessionSignup
from tests.factories import ProgrammeItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def _under_lock(queries) -> list[str]:
    sql = [q["sql"] for q in queries.captured_queries]
    locked = next(i for i, text in enumerate(sql) if "FOR UPDATE" in text)
    return sql[locked:]


def test_the_constraint_is_checked_before_the_lock(event, member):
    with CaptureQueriesContext(connection) as queries:
        registration, created = services.registration_create(event=event, actor=member)

    assert created and registration.status == Registration.Status.CONFIRMED
    locked = _under_lock(queries)
    assert not any('"_check"' in text for text in locked)
    assert any('"_check"' in q["sql"] for q in queries.captured_queries)
    assert not any("events_sessionsignup" in text for text in locked)
    assert not any(text.startswith("SAVEPOINT") for text in locked)  # the lock suffices


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
