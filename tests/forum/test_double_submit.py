"""Double submits and simultaneous creates (issue 11): every create form answers the same
submission twice with one object and a normal page, never a 500.

Each test sends real simultaneous requests: one thread and one Django test client per
request, each thread with its own PostgreSQL connection. Where a natural key exists
(sign-up per address, organisation per slug, answer per organisation, registration per
address, stand per organisation, invitation per address and organisation) the services
lock and return or refuse by it; the need and message forms carry a one-time token
(forum.once). Canaries show the races are real without the fix.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from members import adapters, services
from members.models import Membership, Organisation, User
from tests.factories import PASSWORD, UserFactory

race = pytest.mark.django_db(transaction=True)


def _simultaneously(requests) -> list:
    """Runs each ``request(client)`` in its own thread with its own client; returns the
    responses (or the exception a request raised) in order."""
    results = [None] * len(requests)
    barrier = threading.Barrier(len(requests))

    def run(index, request):
        try:
            client = Client(raise_request_exception=False)
            prepared = request(client)
            barrier.wait(timeout=30)
            results[index] = prepared()
        except Exception as exc:  # reported by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _statuses(results) -> list:
    return [getattr(result, "status_code", repr(result)) for result in results]


def _meet_once(barrier):
    """A wrapper that makes each thread wait for the others the first time it passes, so
    every request has read before any writes (or the barrier breaks after a moment when a
    lock keeps the others waiting in the database)."""
    passed = threading.local()

    def meet():
        if not getattr(passed, "done", False):
            passed.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=2)

    return meet


# --- sign-up: one new address, six requests ----------------------------------------------

SIGNUP = {
    "first_name": "Lena",
    "last_name": "Hoffmann",
    "email": "lena.hoffmann@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def _signup_race(monkeypatch, *, plain_adapter: bool):
    meet = _meet_once(threading.Barrier(6))
    original_new_user = adapters.AccountAdapter.new_user

    def new_user(self, request):  # after the form's "address is free" check
        meet()
        return original_new_user(self, request)

    monkeypatch.setattr(adapters.AccountAdapter, "new_user", new_user)
    if plain_adapter:  # the canary: allauth's save_user without our handling
        from allauth.account.adapter import DefaultAccountAdapter

        monkeypatch.setattr(adapters.AccountAdapter, "save_user", DefaultAccountAdapter.save_user)

    def post(client):
        return lambda: client.post(reverse("account_signup"), SIGNUP)

    return _simultaneously([post] * 6)


@race
def test_signup_six_at_once_with_one_address_one_account_and_no_500(monkeypatch):
    results = _signup_race(monkeypatch, plain_adapter=False)

    assert _statuses(results) == [302] * 6
    assert {r["Location"] for r in results} == {reverse("account_email_verification_sent")}
    assert User.objects.filter(email__iexact=SIGNUP["email"]).count() == 1


@race
def test_signup_race_canary_without_the_adapter_answers_500(monkeypatch):
    results = _signup_race(monkeypatch, plain_adapter=True)

    assert 500 in _statuses(results)
    assert User.objects.filter(email__iexact=SIGNUP["email"]).count() == 1


# --- organisation: six people, one name ------------------------------------------------------

ORGANISATION = {
    "name": "Harz Metall GmbH",
    "kind": "company",
    "city": "Goslar",
    "federal_state": "NI",
    "size_band": "",
    "description": "",
    "website": "",
}


def _organisation_race(monkeypatch, *, retry: bool):
    users = UserFactory.create_batch(6)
    meet = _meet_once(threading.Barrier(6))
    original_slug = services.organisation_slug

    def slug_then_meet(name, **kwargs):
        slug = original_slug(name, **kwargs)
        meet()
        return slug

    monkeypatch.setattr(services, "organisation_slug", slug_then_meet)
    if not retry:  # the canary: a single attempt, as before the fix
        monkeypatch.setattr(services, "SLUG_ATTEMPTS", 1)

    def post(user):
        def prepare(client):
            client.force_login(user)
            return lambda: client.post(reverse("members:organisation_create"), ORGANISATION)

        return prepare

    return _simultaneously([post(user) for user in users])


@race
def test_organisation_six_at_once_with_one_name_get_six_slugs(monkeypatch):
    results = _organisation_race(monkeypatch, retry=True)

    assert _statuses(results) == [302] * 6
    slugs = sorted(Organisation.objects.values_list("slug", flat=True))
    assert slugs == sorted(["harz-metall-gmbh"] + [f"harz-metall-gmbh-{n}" for n in range(2, 7)])
    assert Membership.objects.filter(role="admin").count() == 6


@race
def test_organisation_slug_race_canary_single_attempt_answers_500(monkeypatch):
    results = _organisation_race(monkeypatch, retry=False)

    assert 500 in _statuses(results)
