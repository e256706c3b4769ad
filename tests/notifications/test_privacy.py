"""Notifications in the data export and in account deletion (PRODUCT.md 3.5)."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from forum.notifications import services
from forum.notifications.models import Delivery, MassMail, Notification, NotificationPreference
from forum.privacy import registry
from members import services as member_services
from members.models import User
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory, organiser

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return UserFactory(email="nora.kahl@example.org")


def test_export_includes_own_notifications_and_preferences(user):
    NotificationPreference.objects.create(
        user=user, category="organisation", delivery=Delivery.DIGEST
    )
    first = NotificationFactory(recipient=user, sent=True, subject="Anna Alt ist beigetreten")
    second = NotificationFactory(recipient=user, digest=True)
    NotificationFactory(subject="Someone else's")

    data = registry.export_user_data(user)

    section = data["notifications"]
    assert section["preferences"] == {"organisation": "digest"}
    assert [n["kind"] for n in section["notifications"]] == [first.kind, second.kind]
    exported = section["notifications"][0]
    assert exported["subject"] == "Anna Alt ist beigetreten"
    assert exported["email_state"] == "sent"
    assert exported["category"] == "organisation"
    assert exported["context"] == first.context
    assert exported["email_sent_at"] and exported["created_at"]
    assert "Someone else's" not in json.dumps(data)


def test_export_view_contains_notifications_section(client, user):
    NotificationFactory(recipient=user)
    client.force_login(user)

    response = client.get(reverse("privacy:export"))

    data = json.loads(response.content)
    assert len(data["notifications"]["notifications"]) == 1
    assert data["notifications"]["preferences"] == {}


def test_erase_user_removes_notifications_and_preferences(user):
    NotificationFactory(recipient=user)
    NotificationPreference.objects.create(user=user, category="organisation", delivery="off")
    other = NotificationFactory()

    registry.erase_user(user)

    assert list(Notification.objects.values_list("pk", flat=True)) == [other.pk]
    assert not NotificationPreference.objects.exists()


def test_erase_user_removes_mail_sent_to_their_address_before_the_account(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user
    with django_capture_on_commit_callbacks(execute=True):
        member_services.invitation_create(
            actor=admin, organisation=organisation, email="Neu.Person@Example.org"
        )
    invitation_mail = Notification.objects.get(kind="members.invitation")
    assert invitation_mail.recipient is None  # no account yet
    newcomer = UserFactory(email="neu.person@example.org")
    to_admin = NotificationFactory(recipient=admin)

    registry.erase_user(newcomer)

    assert not Notification.objects.filter(pk=invitation_mail.pk).exists()
    assert Notification.objects.filter(pk=to_admin.pk).exists()


def test_erase_user_removes_mail_to_their_other_verified_address(user):
    EmailAddress.objects.create(user=user, email="nora@zinkhuette.example", verified=True)
    old = NotificationFactory(recipient=None, email="NORA@zinkhuette.example")

    registry.erase_user(user)

    assert not Notification.objects.filter(pk=old.pk).exists()


def test_erase_user_keeps_mail_to_an_unverified_address_of_someone_else(user):
    """Adding someone's address without confirming it must not erase their invitations."""
    EmailAddress.objects.create(user=user, email="victim@example.org", verified=False)
    theirs = NotificationFactory(recipient=None, email="victim@example.org")

    registry.erase_user(user)

    assert Notification.objects.filter(pk=theirs.pk).exists()


def test_erase_user_keeps_mass_mail_of_others(user, django_capture_on_commit_callbacks):
    colleague = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        mass_mail = services.mass_mail_send(
            actor=organiser(), recipients=[user, colleague], subject_de="S", body_de="B"
        )

    registry.erase_user(user)

    assert MassMail.objects.filter(pk=mass_mail.pk).exists()
    assert list(Notification.objects.values_list("recipient", flat=True)) == [colleague.pk]


def test_delete_account_view_erases_notifications(client, user):
    NotificationFactory(recipient=user)
    NotificationFactory(recipient=None, email=user.email)
    client.force_login(user)

    response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Notification.objects.exists()
