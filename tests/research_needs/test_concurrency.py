"""Deciding on an answer under a real race: two members of the need's organisation decide on
the same answer at the same moment, each in its own thread with its own PostgreSQL
connection. The answer's row lock (forum.locking, in services._decided) lets one decision
through and refuses the other; the canary switches the locks off and both go through."""

import contextlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from forum import locking
from members.models import Membership
from research_needs import permissions, services
from research_needs.models import Answer
from tests.factories import AnswerFactory, MembershipFactory, NeedFactory, OrganisationFactory

race = pytest.mark.django_db(transaction=True)


def _decide_at_once(monkeypatch):
    organisation = OrganisationFactory()
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    colleague = MembershipFactory(organisation=organisation).user
    answer = AnswerFactory(need=NeedFactory(organisation=organisation, created_by=owner))
    barrier = threading.Barrier(2)
    original = permissions.can_decide_answers

    def read_then_meet(user, need):
        # Both threads hold the answer as they read it before either writes, unless the
        # lock keeps the second waiting in the database (then the barrier times out).
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1.5)
        return original(user, need)

    monkeypatch.setattr(permissions, "can_decide_answers", read_then_meet)
    outcomes = {}

    def decide(name, call):
        try:
            call()
            outcomes[name] = "ok"
        except (ValidationError, PermissionDenied) as exc:
            outcomes[name] = type(exc).__name__
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=decide,
            args=("accept", lambda: services.answer_accept(actor=owner, answer=answer)),
        ),
        threading.Thread(
            target=decide,
            args=(
                "decline",
                lambda: services.answer_decline(
                    actor=colleague, answer=answer, feedback="Passt nicht zum Zeitplan."
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    answer.refresh_from_db()
    return outcomes, answer.status


@race
def test_two_decisions_at_once_one_goes_through(monkeypatch):
    outcomes, status = _decide_at_once(monkeypatch)

    assert sorted(outcomes.values()) == ["ValidationError", "ok"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "ok")
    assert status == {"accept": Answer.Status.ACCEPTED, "decline": Answer.Status.DECLINED}[winner]


@race
def test_two_decisions_at_once_without_the_lock_both_go_through_canary(monkeypatch):
    """Shows the race is real: without the row lock both read "submitted" and both write."""
    with locking.disabled():
        outcomes, _status = _decide_at_once(monkeypatch)

    assert outcomes == {"accept": "ok", "decline": "ok"}
