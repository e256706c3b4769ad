"""Celery tasks of events and the debounced programme rebuild after programme changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from events import pdf, signals, tasks
from events.models import BERLIN, Event
from forum.notifications.models import Notification
from tests.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
    StandFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_build_programme_pdf_stores_a_new_file_each_time(media, django_capture_on_commit_callbacks):
    event = EventFactory()

    first = tasks.build_programme_pdf(event.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.build_programme_pdf(event.pk)

    assert first != second
    assert (media / second).read_bytes().startswith(b"%PDF")
    assert not (media / first).exists()  # the replaced build is removed after commit
    event.refresh_from_db()
    assert event.programme_pdf.name == second and event.programme_pdf_built_at is not None


def test_build_programme_pdf_keeps_updated_at(media):
    event = EventFactory()
    before = Event.objects.get(pk=event.pk).updated_at

    tasks.build_programme_pdf(event.pk)

    assert Event.objects.get(pk=event.pk).updated_at == before


def test_build_tasks_of_a_deleted_event_end_quietly():
    event = EventFactory()
    pk = event.pk
    event.delete()

    assert tasks.build_programme_pdf(pk) is None
    assert tasks.build_badges(pk) is None


def test_automatic_build_skips_when_a_later_build_exists():
    event = EventFactory()
    requested = timezone.now().isoformat()
    name = tasks.build_programme_pdf(event.pk)  # started after the request

    assert tasks.build_programme_pdf(event.pk, requested_at=requested) == name


def test_automatic_build_skips_drafts_but_the_admin_action_builds_them():
    draft = EventFactory(draft=True)

    assert tasks.build_programme_pdf(draft.pk, requested_at=timezone.now().isoformat()) is None
    assert tasks.build_programme_pdf(draft.pk)


def test_older_build_never_replaces_a_newer_one(media):
    event = EventFactory()
    newer = tasks.build_programme_pdf(event.pk)
    started_earlier = timezone.now() - timedelta(minutes=5)

    pdf._store(event.pk, "programme_pdf", b"%PDF-old", "programme", started_earlier)

    event.refresh_from_db()
    assert event.programme_pdf.name == newer


def test_build_badges_stores_the_file(media):
    event = EventFactory()
    RegistrationFactory(event=event)

    name = tasks.build_badges(event.pk)

    event.refresh_from_db()
    assert event.badges_pdf.name == name and event.badges_pdf_built_at is not None
    assert (media / name).read_bytes().startswith(b"%PDF")


def test_send_reminders_task_sends_once(django_capture_on_commit_callbacks):
    today = timezone.localtime(timezone.now(), BERLIN).date()
    tomorrow = datetime(today.year, today.month, today.day, 10, tzinfo=BERLIN) + timedelta(days=1)
    event = EventFactory(starts_at=tomorrow)
    registration = RegistrationFactory(event=event)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_reminders()

    assert Notification.objects.filter(kind="events.reminder").count() == 1
    assert [m.to for m in mail.outbox] == [[registration.email]]


# --- debounced rebuild after programme changes ----------------------------------------------


@pytest.fixture
def queued(settings, monkeypatch):
    """Turns the automatic rebuild on (tests run tasks eagerly, where it is off) and records
    what would be queued instead of building."""
    settings.EVENTS_PDF_AUTOBUILD = True
    settings.EVENTS_PDF_DEBOUNCE = 30
    cache.clear()
    calls = []
    monkeypatch.setattr(
        tasks.build_programme_pdf,
        "apply_async",
        lambda args, kwargs=None, **options: calls.append((args, kwargs, options)),
    )
    return calls


def test_many_changes_in_one_transaction_queue_one_build(
    queued, django_capture_on_commit_callbacks
):
    event = EventFactory()
    room = RoomFactory(event=event)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        speaker = SpeakerFactory(event=event)
        for n in range(40):  # an admin save with 40 inline items
            ProgrammeItemFactory(event=event, room=room, title=f"Vortrag {n}", speakers=[speaker])

    assert len(callbacks) > 40
    assert len(queued) == 1
    args, kwargs, options = queued[0]
    assert args == (event.pk,) and options == {"countdown": 30}
    assert kwargs["requested_at"]


def test_changes_within_the_debounce_window_share_the_build(
    queued, django_capture_on_commit_callbacks
):
    event = EventFactory()
    item = ProgrammeItemFactory(event=event)

    for title in ["Erster Titel", "Zweiter Titel"]:
        with django_capture_on_commit_callbacks(execute=True):
            item.title = title
            item.save()
    with django_capture_on_commit_callbacks(execute=True):
        StandFactory(event=event, confirmed=True)

    assert len(queued) == 1


def test_each_event_gets_its_own_build(queued, django_capture_on_commit_callbacks):
    first, second = EventFactory(), EventFactory()

    with django_capture_on_commit_callbacks(execute=True):
        ProgrammeItemFactory(event=first)
        ProgrammeItemFactory(event=second)
        first.title = "Neuer Titel"
        first.save()

    assert sorted(args[0] for args, _kwargs, _options in queued) == sorted([first.pk, second.pk])


def test_speaker_changes_queue_a_build(queued, django_capture_on_commit_callbacks):
    event = EventFactory()
    item = ProgrammeItemFactory(event=event)
    speaker = SpeakerFactory(event=event)
    cache.clear()

    with django_capture_on_commit_callbacks(execute=True):
        item.speakers.add(speaker)

    assert [args for args, _kwargs, _options in queued] == [(event.pk,)]


def test_rolled_back_changes_queue_nothing(queued, django_capture_on_commit_callbacks):
    event = EventFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ProgrammeItemFactory(event=event)
    # Not executed: as after a rollback, on_commit callbacks never run.
    assert callbacks and queued == []


def test_autobuild_is_off_without_a_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    if hasattr(settings, "EVENTS_PDF_AUTOBUILD"):
        del settings.EVENTS_PDF_AUTOBUILD

    assert signals.autobuild_enabled() is False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert signals.autobuild_enabled() is True
