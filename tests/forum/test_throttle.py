"""forum/throttle.py: named limits from settings.FORUM_RATE_LIMITS, counted in the cache per
action and key; and the forms it guards (invitations, answers, messages) answering 429 with
the input kept and the reason in German and English."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from forum import throttle
from members.models import Invitation, Membership, Organisation
from research_needs.models import Answer, Message
from tests.factories import AnswerFactory, MembershipFactory, NeedFactory, OrganisationFactory

LANGUAGES = ["de", "en"]
TOO_OFTEN = {
    "de": "Sie haben dies in kurzer Zeit zu oft gesendet.",
    "en": "You have sent this too often in a short time.",
}


def url(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def request_():
    return RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")


# --- the helper --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("5/h", (5, 3600)), ("20/10m", (20, 600)), ("3/d", (3, 86400)), ("7/30", (7, 30))],
)
def test_rate_parses_amount_and_period(settings, spec, expected):
    settings.FORUM_RATE_LIMITS = {"x": spec}

    assert throttle.rate("x") == expected


def test_unconfigured_limit_never_refuses(settings, request_):
    settings.FORUM_RATE_LIMITS = {}

    assert all(throttle.consume(request_, action="x", key="k") is None for _ in range(50))


def test_limit_counts_per_action_and_key(settings, request_):
    settings.FORUM_RATE_LIMITS = {"a": "2/h", "b": "2/h"}

    first = [throttle.consume(request_, action="a", key="one") for _ in range(3)]
    other_key = throttle.consume(request_, action="a", key="two")
    other_action = throttle.consume(request_, action="b", key="one")

    assert first[:2] == [None, None]
    assert isinstance(first[2], throttle.Limited)
    assert 0 < first[2].retry_after <= 3600
    assert other_key is None and other_action is None


def test_cache_holds_no_address_in_clear(settings, request_):
    settings.FORUM_RATE_LIMITS = {"a": "2/h"}

    throttle.consume(request_, action="a", key="email:gabi@example.org")

    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("gabi" in str(key) for key in keys)


def test_client_key_is_the_ip(request_):
    assert throttle.client_key(request_) == "ip:203.0.113.7"


@pytest.mark.parametrize("language", LANGUAGES)
def test_message_in_both_languages(language):
    with translation.override(language):
        text = throttle.Limited(action="a", retry_after=125).message

    assert TOO_OFTEN[language] in text and "3" in text


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_429_page_in_both_languages(rf, language):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = throttle.page_refused(request, throttle.Limited(action="a", retry_after=60))
        response.render()

    html = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert TOO_OFTEN[language] in html
    assert "<h1>" in html and ("Too many requests" in html or "Zu viele Anfragen" in html)


# --- invitations ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_invitations_throttled_per_user_with_input_kept(client, settings, language):
    settings.FORUM_RATE_LIMITS = {**settings.FORUM_RATE_LIMITS, "invitation_create": "2/h"}
    org = OrganisationFactory(slug="zinkhuette")
    admin = MembershipFactory(organisation=org, role=Membership.Role.ADMIN).user
    client.force_login(admin)
    page = url(language, "members:organisation_members", org.slug)

    sent = [
        client.post(page, {"email": f"p{n}@example.org", "role": "member"}).status_code
        for n in range(2)
    ]
    refused = client.post(page, {"email": "third@example.org", "role": "admin"})

    assert sent == [302, 302]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert TOO_OFTEN[language] in html and "third@example.org" in html
    assert not Invitation.objects.filter(email="third@example.org").exists()


# --- answers and messages -----------------------------------------------------------------------


@pytest.fixture
def researcher(db):
    institute = OrganisationFactory(slug="institut", kind=Organisation.Kind.RESEARCH)
    return MembershipFactory(organisation=institute, role=Membership.Role.ADMIN).user


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_answers_throttled_per_user_with_input_kept(
    client, settings, tmp_path, researcher, language
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FORUM_RATE_LIMITS = {**settings.FORUM_RATE_LIMITS, "answer_create": "1/h"}
    first, second = NeedFactory(), NeedFactory()
    client.force_login(researcher)
    data = {
        "approach": "Laugung im Technikum, dann Solventextraktion.",
        "cooperation_type": "testing",
    }

    ok = client.post(url(language, "research_needs:answer", first.pk), data)
    refused = client.post(url(language, "research_needs:answer", second.pk), data)

    assert ok.status_code == 302
    assert refused.status_code == 429
    html = refused.content.decode()
    assert TOO_OFTEN[language] in html and "Solventextraktion" in html
    assert Answer.objects.filter(need=second).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_messages_throttled_per_user_with_input_kept(client, settings, researcher, language):
    settings.FORUM_RATE_LIMITS = {**settings.FORUM_RATE_LIMITS, "message_send": "2/h"}
    answer = AnswerFactory(organisation=researcher.memberships.get().organisation)
    client.force_login(researcher)
    page = url(language, "research_needs:conversation", answer.conversation.pk)

    sent = [client.post(page, {"body": f"Nachricht {n}"}).status_code for n in range(2)]
    refused = client.post(page, {"body": "Noch eine dritte Nachricht"})

    assert sent == [302, 302]
    assert refused.status_code == 429
    html = refused.content.decode()
    assert TOO_OFTEN[language] in html and "Noch eine dritte Nachricht" in html
    assert Message.objects.filter(conversation=answer.conversation).count() == 2
