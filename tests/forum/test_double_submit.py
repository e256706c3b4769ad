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

from members import adapters
from members.models import Membership, Organisation, User
from members.services import organisations as services
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
    every request has read before any writes (or the barrier breaks after a while when a
    lock keeps the others waiting in the database; long enough for a loaded machine, where
    a late thread would otherwise read after the first one wrote)."""
    passed = threading.local()

    def meet():
        if not getattr(passed, "done", False):
            passed.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)

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


# --- every create form sent twice at once --------------------------------------------------


def _page_form(client, url, field="form_once") -> dict:
    """The POST data a browser would send from the page's post form that has ``field``."""
    import re

    from tests.events.forms_html import form_data

    html = client.get(url).text
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S)
    return next(form_data(form) for form in forms if f'name="{field}"' in form)


def _twice(user, url, data, *, count=2):
    def post(client):
        if user is not None:
            client.force_login(user)
        return lambda: client.post(url, data)

    return _simultaneously([post] * count)


@pytest.fixture
def sme_admin(transactional_db):
    from tests.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(name="Harzer Batterierecycling GmbH", slug="harzer-bat")
    return MembershipFactory(organisation=organisation, role="admin").user


@pytest.fixture
def researcher(transactional_db):
    from tests.factories import MembershipFactory, OrganisationFactory

    institute = OrganisationFactory(name="Institut Clausthal", slug="inst", kind="research")
    return MembershipFactory(organisation=institute, role="admin").user


def _need_data(client, user):
    from tests.research_needs.test_forms import _need_post

    client.force_login(user)
    token = _page_form(client, reverse("research_needs:create"))["form_once"]
    return _need_post(form_once=token)


@race
def test_need_form_sent_twice_at_once_creates_one_need(sme_admin):
    from research_needs.models import Need

    data = _need_data(Client(), sme_admin)

    results = _twice(sme_admin, reverse("research_needs:create"), data, count=4)

    assert _statuses(results) == [302] * 4
    need = Need.objects.get()
    assert {r["Location"] for r in results} == {need.get_absolute_url()}


@race
def test_need_form_sent_again_after_the_first_answer_creates_nothing(sme_admin):
    from research_needs.models import Need

    client = Client()
    data = _need_data(client, sme_admin)
    first = client.post(reverse("research_needs:create"), data)

    again = client.post(reverse("research_needs:create"), data)

    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Need.objects.count() == 1
    assert client.get(again["Location"]).status_code == 200


@race
def test_need_form_with_an_error_keeps_its_token_usable(sme_admin):
    from research_needs.models import Need

    client = Client()
    data = _need_data(client, sme_admin)

    refused = client.post(reverse("research_needs:create"), {**data, "title": ""})
    accepted = client.post(reverse("research_needs:create"), data)

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert Need.objects.count() == 1


@race
def test_need_double_submit_canary_without_the_token_creates_two(sme_admin):
    from research_needs.models import Need

    data = _need_data(Client(), sme_admin)
    del data["form_once"]

    results = _twice(sme_admin, reverse("research_needs:create"), data)

    assert _statuses(results) == [302, 302]
    assert Need.objects.count() == 2


def _conversation(sme_admin, researcher):
    from tests.factories import AnswerFactory, NeedFactory

    need = NeedFactory(organisation=sme_admin.memberships.get().organisation, created_by=sme_admin)
    answer = AnswerFactory(
        need=need, organisation=researcher.memberships.get().organisation, created_by=researcher
    )
    return answer.conversation


@race
@pytest.mark.parametrize("token", [True, False], ids=["token", "canary-without-token"])
def test_message_sent_twice_at_once(sme_admin, researcher, token):
    from research_needs.models import Message

    conversation = _conversation(sme_admin, researcher)
    url = reverse("research_needs:conversation", args=[conversation.pk])
    client = Client()
    client.force_login(researcher)
    data = {**_page_form(client, url), "body": "Wir können im Januar beginnen."}
    if not token:
        del data["form_once"]

    results = _twice(researcher, url, data, count=3)

    assert _statuses(results) == [302] * 3
    assert Message.objects.filter(body__startswith="Wir können").count() == (1 if token else 3)


@race
def test_answer_sent_twice_at_once_creates_one_answer(sme_admin, researcher):
    from research_needs.models import Answer
    from tests.factories import NeedFactory

    need = NeedFactory(organisation=sme_admin.memberships.get().organisation)
    data = {"approach": "Laugung im Pilotmaßstab.", "cooperation_type": "contract_research"}

    results = _twice(researcher, reverse("research_needs:answer", args=[need.pk]), data, count=4)

    assert _statuses(results) == [302] * 4
    answer = Answer.objects.get()
    assert {r["Location"] for r in results} == {
        reverse("research_needs:conversation", args=[answer.conversation.pk])
    }


@race
def test_answer_of_a_colleague_is_refused_with_a_message(sme_admin, researcher):
    from tests.factories import AnswerFactory, MembershipFactory, NeedFactory

    need = NeedFactory(organisation=sme_admin.memberships.get().organisation)
    institute = researcher.memberships.get().organisation
    AnswerFactory(need=need, organisation=institute, created_by=researcher)
    colleague = MembershipFactory(organisation=institute).user
    client = Client()
    client.force_login(colleague)

    response = client.post(
        reverse("research_needs:answer", args=[need.pk]),
        {"approach": "Noch ein Ansatz.", "cooperation_type": "contract_research"},
    )

    assert response.status_code in {302, 400}
    assert need.answers.count() == 1


@race
def test_registration_sent_twice_at_once_creates_one(sme_admin):
    from events.models import Registration
    from tests.factories import EventFactory

    event = EventFactory(capacity=10)
    url = reverse("events:register", args=[event.slug])
    client = Client()
    client.force_login(sme_admin)
    data = _page_form(client, url, field="csrfmiddlewaretoken")

    results = _twice(sme_admin, url, data, count=4)

    assert all(status in {200, 302} for status in _statuses(results)), _statuses(results)
    assert Registration.objects.filter(event=event).count() == 1


@race
def test_guest_registration_sent_twice_at_once_creates_one(transactional_db):
    from events.models import Registration
    from tests.factories import EventFactory

    event = EventFactory(capacity=10)
    url = reverse("events:register", args=[event.slug])
    data = {
        **_page_form(Client(), url, field="email"),
        "name": "Gast Person",
        "email": "gast@example.org",
        "privacy": "on",
    }

    # Three at once: a fourth post with one address within the hour is throttled (429 with
    # the form kept; FORUM_RATE_LIMITS["guest_registration_address"] is 3/h).
    results = _twice(None, url, data, count=3)

    assert all(status in {200, 302} for status in _statuses(results)), _statuses(results)
    assert Registration.objects.filter(event=event).count() == 1


@race
def test_stand_application_sent_twice_at_once_creates_one(sme_admin, monkeypatch):
    from events import selectors
    from events.models import Stand
    from tests.factories import EventFactory

    # Every request reads "no application yet" before any writes, however the threads are
    # scheduled on a loaded machine (else a late one meets the finished first and is told 409).
    meet = _meet_once(threading.Barrier(4))
    read = selectors.active_stand

    def read_then_meet(*args, **kwargs):
        result = read(*args, **kwargs)
        meet()
        return result

    monkeypatch.setattr(selectors, "active_stand", read_then_meet)
    event = EventFactory(capacity=10)
    data = {"kind": "table", "description": "Unsere Schredderanlage im Modell."}

    results = _twice(sme_admin, reverse("events:stand_apply", args=[event.slug]), data, count=4)

    assert _statuses(results) == [302] * 4
    assert Stand.objects.filter(event=event).count() == 1


@race
@pytest.mark.parametrize("token", [True, False], ids=["token", "canary-without-token"])
def test_invitation_sent_twice_at_once(sme_admin, token):
    from members.models import Invitation

    organisation = sme_admin.memberships.get().organisation
    url = reverse("members:organisation_members", args=[organisation.slug])
    client = Client()
    client.force_login(sme_admin)
    data = {**_page_form(client, url), "email": "neu@example.org", "role": "member"}
    if not token:
        del data["form_once"]

    results = _twice(sme_admin, url, data)

    assert Invitation.objects.count() == 1
    if token:
        assert _statuses(results) == [302, 302]
    else:  # the second is refused with its clear message: the token is what helps
        assert sorted(_statuses(results)) == [302, 400]


@race
def test_organisation_sent_twice_at_once_by_one_person_creates_one(transactional_db):
    user = UserFactory()

    results = _twice(user, reverse("members:organisation_create"), ORGANISATION, count=4)

    assert _statuses(results) == [302] * 4
    organisation = Organisation.objects.get()
    assert {r["Location"] for r in results} == {organisation.get_absolute_url()}


@race
def test_organisation_second_request_validated_after_the_first_committed_creates_one(
    monkeypatch, transactional_db
):
    """The order that made the test above fail now and then: the second request passes the
    "no organisation yet" check, then validates its form only after the first request has
    committed. The first one's organisation is the user's own, not a "similar name" to
    confirm (a 400 before), and the service returns it."""
    from members import selectors

    user = UserFactory()
    first_committed = threading.Event()
    original_candidates = selectors.alike_candidates
    original_create = services.organisation_create
    calls = []
    lock = threading.Lock()

    def candidates():
        with lock:
            calls.append(1)
            second = len(calls) == 2
        if second:
            assert first_committed.wait(timeout=30)
        return original_candidates()

    def create(**kwargs):
        organisation = original_create(**kwargs)
        first_committed.set()
        return organisation

    monkeypatch.setattr(selectors, "alike_candidates", candidates)
    monkeypatch.setattr("members.services.organisation_create", create)

    results = _twice(user, reverse("members:organisation_create"), ORGANISATION, count=2)

    assert _statuses(results) == [302, 302]
    organisation = Organisation.objects.get()
    assert {r["Location"] for r in results} == {organisation.get_absolute_url()}
    assert len(calls) == 2  # both requests validated their form: the order was forced


@race
def test_organisation_form_sent_again_after_it_was_created_goes_to_it(transactional_db):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    url = reverse("members:organisation_create")
    first = client.post(url, ORGANISATION)

    again = client.post(url, ORGANISATION)
    other = client.post(url, {**ORGANISATION, "name": "Ganz Andere GmbH"})

    organisation = Organisation.objects.get()
    assert first["Location"] == again["Location"] == organisation.get_absolute_url()
    assert other.status_code == 302 and other["Location"] == reverse("members:home")
    assert Organisation.objects.count() == 1
