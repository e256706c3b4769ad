"""forum.locking: the one home of row locks. The races it guards are proven by each app's
concurrency test and its canary; these tests pin the module's own rules."""

import threading

import pytest
from django.db import connection, transaction

from forum import locking
from members.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_lock_outside_a_transaction_is_refused():
    organisation = OrganisationFactory()
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        locking.lock_one(Organisation, organisation.pk)


def test_locked_rows_come_in_primary_key_order_with_for_update():
    first, second = OrganisationFactory(name="Zeta"), OrganisationFactory(name="Alpha")
    with transaction.atomic():
        queryset = locking.locked(Organisation.objects.filter(pk__in=[first.pk, second.pk]))
        sql = str(queryset.query)
        rows = list(queryset)
    assert "FOR UPDATE" in sql
    assert [row.pk for row in rows] == sorted([first.pk, second.pk])


def test_lock_one_or_none_answers_none_for_a_gone_row():
    with transaction.atomic():
        assert locking.lock_one_or_none(Organisation, 0) is None


def test_disabled_takes_no_lock_and_restores_the_switch():
    organisation = OrganisationFactory()
    with locking.disabled():
        assert locking.ENABLED is False
        with transaction.atomic():
            assert "FOR UPDATE" not in str(locking.locked(Organisation).query)
    assert locking.ENABLED is True
    with transaction.atomic():
        assert locking.lock_one(Organisation, organisation.pk) == organisation


@pytest.mark.django_db(transaction=True)
def test_a_second_transaction_waits_for_the_lock():
    """A real second connection blocks until the first transaction ends."""
    organisation = OrganisationFactory()
    order = []
    locked_event = threading.Event()

    def second():
        try:
            locked_event.wait(5)
            with transaction.atomic():
                locking.lock_one(Organisation, organisation.pk)
                order.append("second")
        finally:
            connection.close()

    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic():
        locking.lock_one(Organisation, organisation.pk)
        locked_event.set()
        thread.join(0.5)
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]
