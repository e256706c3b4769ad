"""After a B2B meeting and around it (issue 14, items 5 and 6): each side reports held or
no-show and whether it was useful; a cancelled registration closes the person's requests and
meetings and tells the other side; the morning mail of a meeting day goes once per person.
The clock is pinned with ``at()`` (timezone.now patched)."""

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from events import services as event_services
from events.models import BERLIN, Registration
from events.models_meetings import MeetingBooking, MeetingRequest
from events.models_meetings_outcomes import MeetingOutcome
from events.services import meetings as services
from events.services import meetings_outcomes as outcomes
from forum.notifications.models import Notification
from tests.events.test_meetings import accepted_pair, attendee, meeting_event, opted_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def started(request):
    return request.slot.starts_at + timedelta(minutes=5)


# --- Outcomes -----------------------------------------------------------------------------


def test_each_side_reports_once_and_answering_again_changes_it():
    event = meeting_event()
    a, b, request = accepted_pair(event)
    with at(started(request)):
        outcomes.meeting_outcome_save(
            request=request, actor=a, held=True, useful=True, comment="Gutes Gespräch"
        )
        outcomes.meeting_outcome_save(
            request=request, actor=a, held=True, useful=False, comment="Doch nicht"
        )
        outcomes.meeting_outcome_save(request=request, actor=b, held=False, useful=None)

    rows = {o.participant.registration.user_id: o for o in MeetingOutcome.objects.all()}
    assert len(rows) == 2
    assert (rows[a.pk].outcome, rows[a.pk].useful, rows[a.pk].comment) == (
        "held",
        False,
        "Doch nicht",
    )
    assert (rows[b.pk].outcome, rows[b.pk].useful) == ("no_show", None)


def test_no_report_before_the_slot_starts_nor_by_strangers_nor_for_unscheduled():
    event = meeting_event()
    a, _b, request = accepted_pair(event)
    with pytest.raises(ValidationError):
        outcomes.meeting_outcome_save(request=request, actor=a, held=True, useful=True)
    with at(started(request)), pytest.raises(PermissionDenied):
        outcomes.meeting_outcome_save(request=request, actor=UserFactory(), held=True, useful=True)
    services.meeting_cancel(request=request, actor=a)
    with at(started(request)), pytest.raises(ValidationError):
        outcomes.meeting_outcome_save(request=request, actor=a, held=True, useful=True)
    assert not MeetingOutcome.objects.exists()


def test_held_needs_useful_and_the_line_is_at_most_300_characters():
    event = meeting_event()
    a, _b, request = accepted_pair(event)
    with at(started(request)):
        with pytest.raises(ValidationError):
            outcomes.meeting_outcome_save(request=request, actor=a, held=True, useful=None)
        with pytest.raises(ValidationError):
            outcomes.meeting_outcome_save(
                request=request, actor=a, held=True, useful=True, comment="x" * 301
            )
    assert not MeetingOutcome.objects.exists()


def test_the_outcome_page_saves_and_refuses_bad_input_with_400(client):
    event = meeting_event()
    a, _b, request = accepted_pair(event)
    url = reverse("events:meeting_outcome", args=[event.slug, request.pk])
    with at(started(request)):
        client.force_login(a)  # the session starts at the pinned time
        page = client.get(url)
        bad = client.post(url, {"outcome": "held", "useful": "", "comment": "Kept text"})
        too_long = client.post(url, {"outcome": "held", "useful": "yes", "comment": "y" * 301})
        unknown = client.post(url, {"outcome": "maybe"})
        good = client.post(url, {"outcome": "held", "useful": "yes", "comment": "Prima"})
        twice = client.post(url, {"outcome": "held", "useful": "yes", "comment": "Prima"})

    assert page.status_code == 200
    assert bad.status_code == 400 and "Kept text" in bad.content.decode()
    assert too_long.status_code == 400 and unknown.status_code == 400
    assert good.status_code == 302 and twice.status_code == 302
    outcome = MeetingOutcome.objects.get()
    assert (outcome.outcome, outcome.useful, outcome.comment) == ("held", True, "Prima")


def test_the_outcome_page_is_404_for_others_and_login_for_visitors(client):
    event = meeting_event()
    _a, _b, request = accepted_pair(event)
    url = reverse("events:meeting_outcome", args=[event.slug, request.pk])

    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "held", "useful": "yes"}).status_code == 404


def test_the_outcome_page_before_the_meeting_shows_no_form(client):
    event = meeting_event()
    a, _b, request = accepted_pair(event)
    client.force_login(a)
    url = reverse("events:meeting_outcome", args=[event.slug, request.pk])

    response = client.get(url)
    refused = client.post(url, {"outcome": "held", "useful": "yes"})

    assert response.status_code == 200 and 'name="outcome"' not in response.content.decode()
    assert refused.status_code == 400 and not MeetingOutcome.objects.exists()


# --- A cancelled registration ---------------------------------------------------------------


def test_cancelling_the_registration_closes_requests_and_meetings_and_tells_the_others(
    django_capture_on_commit_callbacks,
):
    event = meeting_event(slots=3, places=1)
    gone = attendee(event, language="en", name="Gerda Gone")
    met, asked, asker = (attendee(event, language="en") for _ in range(3))
    me = opted_in(event, gone)
    p_met, p_asked, _p_asker = (opted_in(event, user) for user in (met, asked, asker))
    meeting = services.meeting_request_send(event=event, actor=met, recipient=me, message="")
    services.meeting_answer(request=meeting, actor=gone, accept=True)
    sent = services.meeting_request_send(event=event, actor=gone, recipient=p_asked, message="")
    received = services.meeting_request_send(event=event, actor=asker, recipient=me, message="")
    registration = me.registration
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_cancel(registration=registration, actor=gone)

    meeting.refresh_from_db()
    sent.refresh_from_db()
    received.refresh_from_db()
    assert (meeting.status, meeting.slot_id) == ("cancelled", None)
    assert sent.status == "cancelled" and received.status == "declined"
    assert {meeting.unscheduled_reason, sent.unscheduled_reason, received.unscheduled_reason} == {
        outcomes.REGISTRATION_CANCELLED
    }
    assert not MeetingBooking.objects.exists()
    # The meetings page says why, in the person's words, not the stored code.
    assert "Anmeldung zur Veranstaltung wurde storniert" in received.reason_text
    told = {m.to[0]: m for m in mail.outbox if "Gerda Gone" in m.subject}
    assert set(told) == {met.email, asked.email, asker.email}
    assert told[met.email].subject == "Meeting with Gerda Gone cancelled"
    assert "cancelled their registration" in told[met.email].body
    assert told[asked.email].subject == "Meeting request with Gerda Gone closed"
    assert p_met.pk  # the others stay opted in


def test_a_freed_slot_goes_to_a_waiting_meeting_after_a_cancelled_registration():
    event = meeting_event(slots=1, places=1)
    a, b, first = accepted_pair(event)
    c, d = attendee(event), attendee(event)
    _pc, pd = opted_in(event, c), opted_in(event, d)
    waiting = services.meeting_request_send(event=event, actor=c, recipient=pd, message="")
    services.meeting_answer(request=waiting, actor=d, accept=True)
    waiting.refresh_from_db()
    assert waiting.slot_id is None

    event_services.registration_cancel(registration=first.requester.registration, actor=a)

    waiting.refresh_from_db()
    assert waiting.slot_id is not None and waiting.status == "accepted"
    assert b.pk


def test_cancelling_without_meetings_changes_nothing_of_meetings():
    event = meeting_event()
    user = attendee(event)
    registration = Registration.objects.get(user=user)
    assert outcomes.meetings_close_for_registration(registration=registration) == 0
    event_services.registration_cancel(registration=registration, actor=user)
    assert not MeetingRequest.objects.exists()


# --- The morning mail -------------------------------------------------------------------------


def _morning(event):
    day = event.starts_at.astimezone(BERLIN).date()
    return datetime.combine(day, time(7, 0), tzinfo=BERLIN)


def test_the_morning_mail_lists_the_days_meetings_once_per_person(
    django_capture_on_commit_callbacks,
):
    event = meeting_event(slots=3, places=2)
    a = attendee(event, language="en", name="Ada Lovelace")
    b = attendee(event, language="en", name="Bernd Berg")
    c = attendee(event, language="en", name="Clara Clay")
    _pa, pb, pc = opted_in(event, a), opted_in(event, b), opted_in(event, c)
    services.meeting_answer(
        request=services.meeting_request_send(event=event, actor=a, recipient=pb, message=""),
        actor=b,
        accept=True,
    )
    services.meeting_answer(
        request=services.meeting_request_send(event=event, actor=a, recipient=pc, message=""),
        actor=c,
        accept=True,
    )
    mail.outbox.clear()

    with at(_morning(event)), django_capture_on_commit_callbacks(execute=True):
        first = outcomes.meeting_day_reminders_send()
        second = outcomes.meeting_day_reminders_send()

    assert (first, second) == (3, 0)
    assert Notification.objects.filter(kind="events.meeting_day").count() == 3
    ada = [m for m in mail.outbox if m.to == [a.email]]
    assert len(ada) == 1
    assert ada[0].subject == f"Your meetings today at {event.title}"
    body = ada[0].body
    assert "10:00" in body and "10:20" in body and "Tisch 01" in body
    assert "Bernd Berg" in body and "Clara Clay" in body
    assert body.index("Bernd Berg") < body.index("Clara Clay")  # by time


def test_no_morning_mail_on_other_days_or_for_cancelled_meetings():
    event = meeting_event()
    a, _b, request = accepted_pair(event)
    with at(_morning(event) - timedelta(days=1)):
        assert outcomes.meeting_day_reminders_send() == 0
    services.meeting_cancel(request=request, actor=a)
    with at(_morning(event)):
        assert outcomes.meeting_day_reminders_send() == 0
    assert not Notification.objects.filter(kind="events.meeting_day").exists()


def test_the_morning_task_is_on_the_beat_at_seven_berlin_time(settings):
    from events import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["events-meeting-day-reminders"]
    assert entry["task"] == tasks.meeting_day_reminders.name
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Europe/Berlin"


# --- Privacy ------------------------------------------------------------------------------------


def test_export_holds_the_persons_outcomes_and_erase_blanks_their_line():
    from forum.privacy import registry

    event = meeting_event()
    a, b, request = accepted_pair(event)
    with at(started(request)):
        outcomes.meeting_outcome_save(
            request=request, actor=a, held=True, useful=True, comment="Meine Zeile"
        )
        outcomes.meeting_outcome_save(
            request=request, actor=b, held=True, useful=False, comment="Bens Zeile"
        )

    exported = registry.export_user_data(a)["events"]["meetings"]["outcomes"]
    assert [(o["outcome"], o["useful"], o["comment"]) for o in exported] == [
        ("held", True, "Meine Zeile")
    ]

    registry.erase_user(a)

    lines = dict(MeetingOutcome.objects.values_list("useful", "comment"))
    assert lines == {True: "", False: "Bens Zeile"}  # the answer stays for the figures
