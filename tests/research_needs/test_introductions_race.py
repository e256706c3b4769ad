"""Accepting an introduction under a real race: two members of side B and one of side A
accept at the same moment, each in its own thread with its own PostgreSQL connection.
The introduction's row lock (forum.locking, services.introductions._locked) lets them
through one after the other, so the last one sees both acceptances and opens exactly one
conversation; the canary switches the locks off, all three read the introduction before
anyone writes, and no conversation is opened although both sides accepted."""

import contextlib
import threading

import pytest
from django.db import connection

from forum import locking
from members.models import Membership
from research_needs import permissions, services
from research_needs.models import Conversation, Introduction
from tests.factories import MembershipFactory, NeedFactory, OrganisationFactory

race = pytest.mark.django_db(transaction=True)


def _accept_at_once(monkeypatch):
    side_a = OrganisationFactory()
    owner = MembershipFactory(organisation=side_a, role=Membership.Role.ADMIN).user
    side_b = OrganisationFactory(kind="research")
    first = MembershipFactory(organisation=side_b, role=Membership.Role.ADMIN).user
    second = MembershipFactory(organisation=side_b).user
    need = NeedFactory(organisation=side_a, created_by=owner)
    introduction = services.introduction_propose(
        actor=owner, need=need, organisation=side_b, reason="Gips aus dem Rückbau"
    )
    barrier = threading.Barrier(3)
    original = permissions.introduction_side

    def read_then_meet(user, intro):
        # All three hold the introduction as they read it before anyone writes, unless
        # the lock keeps the others waiting in the database (the barrier times out then).
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1.5)
        return original(user, intro)

    monkeypatch.setattr(permissions, "introduction_side", read_then_meet)
    errors = []

    def accept(user):
        try:
            services.introduction_accept(actor=user, introduction=introduction)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (first, second, owner)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    introduction.refresh_from_db()
    return errors, introduction


@race
def test_both_sides_accepting_at_once_open_one_conversation(monkeypatch):
    errors, introduction = _accept_at_once(monkeypatch)

    assert errors == []
    assert introduction.status == Introduction.Status.ACCEPTED
    assert Conversation.objects.filter(introduction=introduction).count() == 1


@race
def test_canary_without_locks_both_accept_and_nobody_opens_the_conversation(monkeypatch):
    with locking.disabled():
        errors, introduction = _accept_at_once(monkeypatch)

    assert errors == []
    assert introduction.a_accepted_at is not None and introduction.b_accepted_at is not None
    assert introduction.status == Introduction.Status.PROPOSED
    assert not Conversation.objects.filter(introduction=introduction).exists()
