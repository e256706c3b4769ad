import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from members.models import Consent, Invitation, User
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db

MODELS = ["user", "organisation", "membership", "invitation", "profile", "topic", "consent"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist_organiser_can_search(client, organiser_user, admin_membership, model):
    client.force_login(organiser_user)

    response = client.get(reverse(f"admin:members_{model}_changelist"), {"q": "harz"})

    assert response.status_code == 200


@pytest.mark.parametrize("model", ["user", "organisation", "membership", "invitation", "profile"])
def test_admin_change_page_organiser_can_open(client, organiser_user, admin_membership, model):
    objects = {
        "user": admin_membership.user,
        "organisation": admin_membership.organisation,
        "membership": admin_membership,
        "invitation": InvitationFactory(organisation=admin_membership.organisation),
        "profile": ProfileFactory(user=admin_membership.user),
    }
    client.force_login(organiser_user)

    response = client.get(reverse(f"admin:members_{model}_change", args=[objects[model].pk]))

    assert response.status_code == 200


def test_admin_member_cannot_open_admin(client, member):
    response = client.get(reverse("admin:members_organisation_changelist"))

    assert response.status_code == 302


def test_admin_organiser_cannot_make_anyone_superuser(client, organiser_user):
    target = UserFactory(email="target@example.org")
    client.force_login(organiser_user)
    url = reverse("admin:members_user_change", args=[target.pk])

    page = client.get(url)
    client.post(
        url,
        {
            "email": target.email,
            "first_name": "T",
            "last_name": "U",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "profile-TOTAL_FORMS": "0",
            "profile-INITIAL_FORMS": "0",
        },
    )

    assert 'name="is_superuser"' not in page.text
    assert 'name="groups"' not in page.text
    target.refresh_from_db()
    assert not target.is_superuser


def test_admin_organiser_cannot_change_a_superuser(client, organiser_user):
    boss = User.objects.create_superuser(email="boss@example.org", password="x")
    client.force_login(organiser_user)

    response = client.get(reverse("admin:members_user_change", args=[boss.pk]))

    assert 'name="email"' not in response.text


def test_admin_superuser_sees_permission_fields(client):
    boss = User.objects.create_superuser(email="boss@example.org", password="x")
    client.force_login(boss)

    response = client.get(reverse("admin:members_user_change", args=[UserFactory().pk]))

    assert 'name="is_superuser"' in response.text


def test_admin_consent_is_read_only(client, organiser_user, member):
    consent = Consent.objects.create(user=member, kind="marketing", given=True)
    client.force_login(organiser_user)

    add = client.get(reverse("admin:members_consent_add"))
    change = client.post(reverse("admin:members_consent_change", args=[consent.pk]), {"given": ""})

    assert add.status_code == 403
    assert change.status_code == 403
    consent.refresh_from_db()
    assert consent.given


def test_admin_invitation_filter_by_state(client, organiser_user, org):
    InvitationFactory(organisation=org, accepted=True, email="used@example.org")
    InvitationFactory(organisation=org, email="open@example.org")
    client.force_login(organiser_user)

    response = client.get(
        reverse("admin:members_invitation_changelist"), {"accepted_at__isempty": "1"}
    )

    assert "open@example.org" in response.text and "used@example.org" not in response.text


def test_admin_invitation_revoke_action(client, organiser_user, org):
    invitation = InvitationFactory(organisation=org)
    client.force_login(organiser_user)

    client.post(
        reverse("admin:members_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )

    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None


def test_admin_organisation_filters(client, organiser_user, org):
    MembershipFactory(organisation=org)
    client.force_login(organiser_user)

    response = client.get(
        reverse("admin:members_organisation_changelist"),
        {"kind__exact": "company", "federal_state__exact": "NI"},
    )

    assert response.status_code == 200 and org.name in response.text


def test_admin_organisation_logo_link_works(client, organiser_user, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    client.force_login(organiser_user)

    page = client.get(reverse("admin:members_organisation_change", args=[org.pk]))
    logo = client.get(org.logo.url)

    assert f'href="{org.logo.url}"' in page.text
    assert logo.status_code == 200
    assert logo.content == png_bytes()
