import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from forum.privacy import registry
from members.models import Consent, Invitation, Membership, Profile, Topic, User

from .conftest import PASSWORD, make_user

PRIVACY_URLS = ["privacy:overview", "privacy:export", "privacy:delete"]


@pytest.mark.parametrize("name", PRIVACY_URLS)
def test_privacy_urls_anonymous_redirect_to_login(client, db, name):
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_overview_logged_in_lists_sections_and_actions(logged_in_client):
    response = logged_in_client.get(reverse("privacy:overview"))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert reverse("privacy:export") in content
    assert reverse("privacy:delete") in content
    # The members section describes itself.
    assert str(registry._sections["members"].title) in content


def test_export_logged_in_returns_json_attachment_with_every_section(logged_in_client, user):
    topic = Topic.objects.get(slug="battery-recycling")
    user.profile.topics.add(topic)
    Invitation.objects.create(
        organisation=user.memberships.get().organisation,
        email="neu@example.org",
        invited_by=user,
    )

    response = logged_in_client.get(reverse("privacy:export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="forum-data-{today}.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert set(data) >= {"format", "generated_at", "account", "members"}
    assert data["account"]["email"] == "katrin.berger@example.org"
    assert data["account"]["first_name"] == "Katrin"
    assert data["account"]["date_joined"].startswith(user.date_joined.date().isoformat()[:4])
    members = data["members"]
    assert set(members) == {
        "profile",
        "membership",
        "consents",
        "invitations_sent",
        "email_addresses",
    }
    assert members["profile"]["position"] == "Head of R&D"
    assert members["profile"]["expertise_keywords"] == ["leaching", "indium"]
    assert members["profile"]["topics"][0]["slug"] == "battery-recycling"
    assert members["membership"]["organisation"] == "Harzer Metallrückgewinnung GmbH"
    assert members["membership"]["role"] == "member"
    assert members["invitations_sent"][0]["email"] == "neu@example.org"
    assert "token" not in members["invitations_sent"][0]
    assert members["email_addresses"] == [
        {"email": "katrin.berger@example.org", "verified": True, "primary": True}
    ]


def test_export_consents_include_every_row_with_its_time(logged_in_client, user):
    given_at = timezone.now() - timedelta(days=30)
    withdrawn_at = timezone.now() - timedelta(days=2)
    Consent.objects.create(
        user=user, kind=Consent.Kind.MARKETING, given=True, recorded_at=given_at, context="signup"
    )
    Consent.objects.create(
        user=user, kind=Consent.Kind.MARKETING, given=False, recorded_at=withdrawn_at
    )

    data = json.loads(logged_in_client.get(reverse("privacy:export")).content)

    consents = data["members"]["consents"]
    assert [c["given"] for c in consents] == [True, False]
    assert consents[0]["kind"] == "marketing"
    assert consents[0]["context"] == "signup"
    assert consents[0]["recorded_at"][:19] == given_at.isoformat()[:19]
    assert consents[1]["recorded_at"][:19] == withdrawn_at.isoformat()[:19]


def test_export_user_data_is_json_serialisable_without_profile(db):
    lone = make_user("lone@example.org")

    data = registry.export_user_data(lone)

    assert json.loads(json.dumps(data)) == data
    assert data["members"]["profile"] is None
    assert data["members"]["membership"] is None
    assert isinstance(data["generated_at"], str)


def test_delete_get_shows_form(logged_in_client):
    response = logged_in_client.get(reverse("privacy:delete"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="password"' in content
    assert 'name="confirm"' in content
    assert content.count("<h1") == 1


def test_delete_wrong_password_answers_400_and_keeps_user(logged_in_client, user):
    response = logged_in_client.post(
        reverse("privacy:delete"), {"password": "wrong-password", "confirm": "on"}
    )

    assert response.status_code == 400
    assert "password" in response.context["form"].errors
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_empty_post_answers_400_with_field_errors(logged_in_client, user):
    response = logged_in_client.post(reverse("privacy:delete"), {})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"password", "confirm"}
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_without_confirmation_answers_400_and_keeps_user(logged_in_client, user):
    response = logged_in_client.post(reverse("privacy:delete"), {"password": PASSWORD})

    assert response.status_code == 400
    assert "confirm" in response.context["form"].errors
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_correct_password_removes_user_and_keeps_shared_content(
    logged_in_client, user, organisation
):
    Consent.objects.create(user=user, kind=Consent.Kind.ATTENDEE_LIST, given=True)
    invitation = Invitation.objects.create(
        organisation=organisation, email="kollege@example.org", invited_by=user
    )
    colleague = make_user("colleague@example.org", organisation=organisation, role="admin")

    response = logged_in_client.post(
        reverse("privacy:delete"), {"password": PASSWORD, "confirm": "on"}, follow=True
    )

    assert response.redirect_chain == [(reverse("landing"), 302)]
    assert not User.objects.filter(pk=user.pk).exists()
    assert not response.wsgi_request.user.is_authenticated
    messages = [str(m) for m in response.context["messages"]]
    assert gettext("Your account and your personal data have been deleted.") in messages
    assert not Profile.objects.filter(user_id=user.pk).exists()
    assert not Consent.objects.filter(user_id=user.pk).exists()
    assert not Membership.objects.filter(user_id=user.pk).exists()
    invitation.refresh_from_db()
    assert invitation.invited_by is None
    organisation.refresh_from_db()
    assert list(organisation.memberships.values_list("user", flat=True)) == [colleague.pk]


def test_delete_last_admin_with_other_members_is_refused(client, organisation):
    admin = make_user("chefin@example.org", organisation=organisation, role="admin")
    make_user("mitarbeiter@example.org", organisation=organisation)
    client.force_login(admin)

    response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 400
    refusal = gettext(
        "You are the last admin of %(organisation)s, which has other members. "
        "Hand over the admin role to another member first."
    ) % {"organisation": organisation.name}
    assert escape(refusal) in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert User.objects.filter(pk=admin.pk).exists()
    assert Membership.objects.filter(user=admin, role="admin").exists()


def test_delete_last_admin_alone_in_organisation_succeeds_and_organisation_stays(
    client, organisation
):
    admin = make_user("solo@example.org", organisation=organisation, role="admin")
    client.force_login(admin)

    response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=admin.pk).exists()
    organisation.refresh_from_db()
    assert organisation.memberships.count() == 0


def test_delete_one_of_two_admins_succeeds(client, organisation):
    admin = make_user("erste@example.org", organisation=organisation, role="admin")
    make_user("zweite@example.org", organisation=organisation, role="admin")
    make_user("mitglied@example.org", organisation=organisation)
    client.force_login(admin)

    response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=admin.pk).exists()
