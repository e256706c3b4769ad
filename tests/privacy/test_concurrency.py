"""Two admins of one organisation delete their accounts at the same moment.

The last-admin rule locks the organisation's membership rows, so exactly one of them
succeeds. The canary removes the lock and shows the race is real: both pass the check and
the organisation is left with members but no admin.
"""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from forum import locking
from forum.privacy import registry
from members.models import Membership, Organisation, User

from .conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def race_two_admin_deletions():
    organisation = Organisation.objects.create(
        name="Bodetal Batterierecycling GmbH",
        slug="bodetal",
        kind=Organisation.Kind.COMPANY,
        city="Quedlinburg",
        federal_state=Organisation.FederalState.ST,
    )
    admins = [
        make_user(f"admin{i}@example.org", organisation=organisation, role="admin") for i in (1, 2)
    ]
    make_user("member@example.org", organisation=organisation)
    barrier = threading.Barrier(2, timeout=2)

    def wait_for_the_other(user):
        # Runs after the members eraser, inside the transaction: with the lock held, the
        # other thread cannot get here, so the wait times out and this one commits first.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    outcomes = []

    def delete(user):
        try:
            registry.erase_user(User.objects.get(pk=user.pk))
            outcomes.append("deleted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    registry.register("race_pause", export=lambda user: {}, erase=wait_for_the_other)
    try:
        threads = [threading.Thread(target=delete, args=(admin,)) for admin in admins]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        registry.unregister("race_pause")
    return organisation, sorted(outcomes)


def test_erase_user_two_admins_at_once_exactly_one_succeeds():
    organisation, outcomes = race_two_admin_deletions()

    assert outcomes == ["deleted", "refused"]
    assert organisation.memberships.filter(role=Membership.Role.ADMIN).count() == 1


def test_erase_user_two_admins_at_once_without_lock_loses_every_admin(monkeypatch):
    monkeypatch.setattr(locking, "ENABLED", False)

    organisation, outcomes = race_two_admin_deletions()

    assert outcomes == ["deleted", "deleted"]
    assert not organisation.memberships.filter(role=Membership.Role.ADMIN).exists()
    assert organisation.memberships.exists()
