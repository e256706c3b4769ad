"""The last-admin rule under a real race: two admins demote each other at the same moment,
each in its own thread with its own PostgreSQL connection."""

import contextlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from forum import locking as row_locks
from members.models import Membership
from members.services import memberships as services
from tests.factories import MembershipFactory, OrganisationFactory

race = pytest.mark.django_db(transaction=True)


def _race(monkeypatch, locking: bool):
    organisation = OrganisationFactory()
    first = MembershipFactory(organisation=organisation, role="admin")
    second = MembershipFactory(organisation=organisation, role="admin")
    barrier = threading.Barrier(2)
    original = services._lock_memberships
    if not locking:  # the canary: the same read without FOR UPDATE (forum/locking.py off)
        monkeypatch.setattr(row_locks, "ENABLED", False)

    def read_then_meet(organisation_id):
        rows = original(organisation_id)
        # Both threads hold their reading before either writes, unless the lock makes
        # the second wait in the database (then the barrier times out and breaks).
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1.5)
        return rows

    monkeypatch.setattr(services, "_lock_memberships", read_then_meet)
    outcomes = []

    def demote(actor, target):
        try:
            services.membership_set_role(actor=actor, membership=target, role="member")
            outcomes.append("ok")
        except (ValidationError, PermissionDenied) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first.user, second)),
        threading.Thread(target=demote, args=(second.user, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    admins = Membership.objects.filter(organisation=organisation, role="admin").count()
    return sorted(outcomes), admins


@race
def test_membership_set_role_two_admins_demoting_each_other_keeps_one_admin(monkeypatch):
    outcomes, admins = _race(monkeypatch, locking=True)

    assert admins == 1
    assert outcomes.count("ok") == 1


@race
def test_membership_set_role_without_lock_loses_every_admin_canary(monkeypatch):
    """Shows the race is real: without the row lock both demotions succeed."""
    outcomes, admins = _race(monkeypatch, locking=False)

    assert outcomes == ["ok", "ok"]
    assert admins == 0
