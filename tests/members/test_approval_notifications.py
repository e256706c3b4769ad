"""What the approval, join-request and deactivation emails say, to whom, in German and in
English (issue 11). Expected texts come from the catalogue, so they hold for both languages.
"""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from forum.notifications.models import Notification
from members import services
from members.models import Membership
from tests.factories import (
    AnswerFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    ProfileFactory,
    StandFactory,
    UserFactory,
    organiser,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en"]
ORG = "Harzer Metallrückgewinnung GmbH"
ORG_DATA = {"kind": "company", "city": "Goslar", "federal_state": "NI"}


def tr(language: str, msgid: str, **params) -> str:
    with translation.override(language):
        text = gettext(msgid)
    return text % params if params else text


def link(language: str, path: str) -> str:
    return settings.SITE_URL + ("/en" if language == "en" else "") + path


def person(language: str, organisation=None, role=Membership.Role.ADMIN, **kwargs):
    user = UserFactory(**kwargs)
    ProfileFactory(user=user, preferred_language=language)
    if organisation is not None:
        MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def staff_in(language: str):
    user = organiser()
    ProfileFactory(user=user, preferred_language=language)
    return user


def only_mail(kind: str, user):
    ids = {
        str(pk)
        for pk in Notification.objects.filter(kind=kind, recipient=user).values_list(
            "pk", flat=True
        )
    }
    sent = [m for m in mail.outbox if m.extra_headers.get("X-Forum-Notification") in ids]
    assert len(sent) == 1, f"{len(sent)} {kind} emails to {user.email}"
    message = sent[0]
    ((html, _mimetype),) = message.alternatives
    return message, html


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call


@pytest.mark.parametrize("language", LANGUAGES)
def test_creation_tells_founder_it_waits_and_organisers_to_review(language, run):
    founder = person(language, first_name="Greta", last_name="Harz")
    staff = staff_in(language)

    run(services.organisation_create, actor=founder, name=ORG, **ORG_DATA)

    message, html = only_mail("members.organisation_pending", founder)
    assert message.subject == tr(
        language, "%(organisation)s is waiting for approval", organisation=ORG
    )
    until = (
        "Until then, you can already complete the profile of your organisation and invite "
        "colleagues. Posting research needs, answering them and applying for stands become "
        "possible after the approval."
    )
    assert tr(language, until) in message.body
    assert f'<html lang="{language}">' in html
    message, _html = only_mail("members.organisation_submitted", staff)
    assert message.subject == tr(
        language, "New organisation to review: %(organisation)s", organisation=ORG
    )
    assert founder.email in message.body
    assert link(language, reverse("members:review")) in message.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_approval_tells_admins(language, run):
    organisation = OrganisationFactory(name=ORG, status="pending")
    admin = person(language, organisation)

    run(services.organisation_approve, actor=organiser(), organisation=organisation)

    message, _html = only_mail("members.organisation_reviewed", admin)
    assert message.subject == tr(language, "%(organisation)s has been approved", organisation=ORG)
    assert (
        tr(
            language,
            "The organisers have approved %(organisation)s. It now appears in the member "
            "directory, and its members can post research needs, answer them and apply for "
            "stands.",
            organisation=ORG,
        )
        in message.body
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_rejection_tells_admins_the_reason(language, run):
    organisation = OrganisationFactory(name=ORG, status="pending")
    admin = person(language, organisation)

    run(
        services.organisation_reject,
        actor=organiser(),
        organisation=organisation,
        reason="Diese Firma ist bereits registriert.",
    )

    message, html = only_mail("members.organisation_reviewed", admin)
    assert message.subject == tr(
        language, "%(organisation)s has not been approved", organisation=ORG
    )
    assert (
        tr(
            language,
            "The organisers have not approved %(organisation)s. Their reason:",
            organisation=ORG,
        )
        in message.body
    )
    assert "Diese Firma ist bereits registriert." in message.body
    assert "Diese Firma ist bereits registriert." in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_join_request_mails_to_admins_and_decision_to_requester(language, run):
    organisation = OrganisationFactory(name=ORG)
    admin = person(language, organisation)
    requester = person(language, first_name="Jonas", last_name="Brocken")

    join_request = run(services.join_request_create, actor=requester, organisation=organisation)

    message, _html = only_mail("members.join_request", admin)
    assert message.subject == tr(
        language, "%(name)s asks to join %(organisation)s", name="Jonas Brocken", organisation=ORG
    )
    assert requester.email in message.body
    assert link(language, reverse("members:organisation_members", args=[organisation.slug])) in (
        message.body
    )

    run(services.join_request_accept, actor=admin, join_request=join_request)

    message, _html = only_mail("members.join_request_decided", requester)
    assert message.subject == tr(language, "You now belong to %(organisation)s", organisation=ORG)


@pytest.mark.parametrize("language", LANGUAGES)
def test_declined_join_request_tells_requester(language, run):
    organisation = OrganisationFactory(name=ORG)
    admin = person(language, organisation)
    requester = person(language)
    join_request = run(services.join_request_create, actor=requester, organisation=organisation)

    run(services.join_request_decline, actor=admin, join_request=join_request)

    message, _html = only_mail("members.join_request_decided", requester)
    assert message.subject == tr(
        language, "Your request to join %(organisation)s was declined", organisation=ORG
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_deactivation_tells_need_owner_and_organisers(language, run):
    organisation = OrganisationFactory(name=ORG)
    last = person("de", organisation)
    owner_org = OrganisationFactory(name="Stadtwerke Goslar")
    owner = person(language, owner_org)
    need = NeedFactory(
        organisation=owner_org, created_by=owner, contact_person=owner, title="Schlacke"
    )
    AnswerFactory(need=need, organisation=organisation, created_by=last)
    stand = StandFactory(organisation=organisation, applied_by=last)
    staff = staff_in(language)

    run(services.membership_leave, actor=last)

    message, _html = only_mail("members.answer_withdrawn", owner)
    assert message.subject == tr(
        language, "An answer to “%(title)s” has been withdrawn", title="Schlacke"
    )
    assert (
        tr(
            language,
            "%(organisation)s is no longer on the Innovation Forum Recycling Region Harz. Its "
            "answer to your research need “%(title)s” has therefore been withdrawn.",
            organisation=ORG,
            title="Schlacke",
        )
        in message.body
    )
    assert link(language, reverse("research_needs:detail", args=[need.pk])) in message.body
    message, _html = only_mail("members.organisation_deactivated", staff)
    assert message.subject == tr(
        language, "%(organisation)s has been deactivated", organisation=ORG
    )
    assert "Schlacke" in message.body
    assert stand.event.title in message.body
