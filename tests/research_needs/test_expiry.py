"""Expiry: the daily task closes needs past their deadline and reminds owners 14 days
ahead, once per deadline; an extension gets its own reminder."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum.notifications.models import Notification
from research_needs import services
from research_needs.models import Need
from research_needs.tasks import expire_due
from tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def test_needs_past_their_deadline_are_closed_as_expired(sme, owner):
    due = NeedFactory(organisation=sme, created_by=owner, deadline=_today() - timedelta(days=1))
    today = NeedFactory(organisation=sme, deadline=_today())
    draft = NeedFactory(organisation=sme, draft=True, deadline=_today() - timedelta(days=1))

    expired, _reminded = services.expire_due_needs()

    assert expired == 1
    due.refresh_from_db()
    assert (due.status, due.close_reason) == ("closed", "expired")
    assert due.closed_at is not None
    assert Need.objects.get(pk=today.pk).status == "published"  # last day still open
    assert Need.objects.get(pk=draft.pk).status == "draft"
    assert Notification.objects.filter(kind="research_needs.need_expired", recipient=owner).exists()


def test_reminder_fourteen_days_ahead_once(sme, owner):
    soon = NeedFactory(organisation=sme, created_by=owner, deadline=_today() + timedelta(days=14))
    later = NeedFactory(organisation=sme, deadline=_today() + timedelta(days=15))

    assert services.expire_due_needs() == (0, 1)
    assert services.expire_due_needs() == (0, 0)

    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    assert Need.objects.get(pk=later.pk).reminder_sent_at is None
    assert (
        Notification.objects.filter(
            kind="research_needs.need_expiry_reminder", recipient=owner
        ).count()
        == 1
    )


def test_extension_gets_a_new_reminder(sme, owner):
    need = NeedFactory(organisation=sme, created_by=owner, deadline=_today() + timedelta(days=10))
    services.expire_due_needs()
    need = services.need_extend(actor=owner, need=need, deadline=_today() + timedelta(days=40))
    assert need.reminder_sent_at is None

    assert services.expire_due_needs(today=_today() + timedelta(days=27)) == (0, 1)


def test_expiry_with_a_given_day(sme):
    need = NeedFactory(organisation=sme, deadline=_today() + timedelta(days=3))

    services.expire_due_needs(today=_today() + timedelta(days=4))

    need.refresh_from_db()
    assert need.close_reason == "expired"


def test_task_runs_the_service(sme):
    NeedFactory(organisation=sme, deadline=_today() - timedelta(days=2))
    NeedFactory(organisation=sme, deadline=_today() + timedelta(days=2))

    result = expire_due.delay().get()

    assert result == {"expired": 1, "reminded": 1}
