"""Two organisers release the same programme at the same moment (issue 16, item 6): one
release is made, the other is refused with a clear message, never two of one version and
never two mails to the same person. Threads with their own PostgreSQL connections, as in
test_checkin_race, and a canary showing the race happens without the event's row lock."""

import threading
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from events.models import BERLIN, AgendaStar, ProgrammeItem
from events.models_releases import ScheduleRelease
from events.notifications_releases import KIND
from events.services import releases
from forum import locking
from forum.notifications.models import Notification
from tests.factories import EventFactory, MembershipFactory, ProgrammeItemFactory, organiser

race = pytest.mark.django_db(transaction=True)

START = datetime(2099, 6, 10, 9, 0, tzinfo=BERLIN)


def _pending_change():
    """An event released once, one item moved since, starred by a member."""
    event = EventFactory(starts_at=START)
    item = ProgrammeItemFactory(event=event, starts_at=START + timedelta(hours=1))
    AgendaStar.objects.create(item=item, user=MembershipFactory().user)
    staff = [organiser(), organiser()]
    releases.schedule_release(event=event, actor=staff[0])
    ProgrammeItem.objects.filter(pk=item.pk).update(
        starts_at=START + timedelta(hours=3), ends_at=START + timedelta(hours=3, minutes=30)
    )
    return event, staff


def _both_release(event, staff):
    made, refused, errors = [], [], []
    start = threading.Barrier(2)

    def organiser_clicks(actor):
        def run():
            try:
                start.wait(timeout=30)
                with translation.override("en"):
                    made.append(releases.schedule_release(event=event, actor=actor).version)
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=organiser_clicks(actor)) for actor in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return made, refused, errors


@race
def test_two_organisers_releasing_at_once_make_one_release():
    event, staff = _pending_change()

    made, refused, errors = _both_release(event, staff)

    assert errors == []
    assert made == [2]
    assert refused == ["Nothing has changed since version 2; there is nothing to release."]
    assert sorted(ScheduleRelease.objects.values_list("version", flat=True)) == [1, 2]
    assert Notification.objects.filter(kind=KIND).count() == 1


@race
def test_canary_without_the_lock_both_releases_go_ahead(monkeypatch):
    """With the row lock off and both organisers reading the last release before either
    writes, both go ahead as version 2: only the database's unique version stops the second
    (with an error, not the clear refusal). The lock is what keeps it orderly."""
    event, staff = _pending_change()
    both_read = threading.Barrier(2)
    original = releases.live_snapshot

    def after_both_read(event):
        both_read.wait(timeout=30)
        return original(event)

    monkeypatch.setattr(releases, "live_snapshot", after_both_read)
    monkeypatch.setattr(locking, "ENABLED", False)

    made, refused, errors = _both_release(event, staff)

    assert made == [2]
    assert not any("Nothing has changed" in message for message in refused)
    assert len(refused) + len(errors) == 1
    assert "version" in (refused + errors)[0].lower()
    assert sorted(ScheduleRelease.objects.values_list("version", flat=True)) == [1, 2]
