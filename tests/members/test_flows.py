"""Whole journeys through the Django test client: sign-up to organisation, invitation to membership."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from members.models import Invitation, Membership, Organisation, Profile
from members.services import invitation_create
from tests.factories import PASSWORD, InvitationFactory, MembershipFactory, UserFactory
from tests.members.html import check_page

pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Lena",
    "last_name": "Hoffmann",
    "email": "lena.hoffmann@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def test_signup_verify_onboarding_create_organisation_flow(
    client, django_capture_on_commit_callbacks
):
    # allauth's mail goes through the outbox: recorded now, sent after commit.
    with django_capture_on_commit_callbacks(execute=True):
        signup = client.post(reverse("account_signup"), SIGNUP)

    assert signup.status_code == 302
    assert signup["Location"] == reverse("account_email_verification_sent")
    user = Profile.objects.get(user__email="lena.hoffmann@example.org").user
    assert user.get_full_name() == "Lena Hoffmann"
    assert user.profile.preferred_language == "de"
    assert "_auth_user_id" not in client.session  # not logged in before verification
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lena.hoffmann@example.org"]

    confirm_url = _link(mail.outbox[0].body)
    confirm_page = client.get(confirm_url)
    assert confirm_page.status_code == 200
    check_page(confirm_page.content)
    confirmed = client.post(confirm_url)

    assert EmailAddress.objects.get(user=user).verified
    assert confirmed.status_code == 302
    onboarding = client.get(confirmed["Location"], follow=True)
    assert onboarding.redirect_chain[-1][0] == reverse("members:onboarding")
    assert onboarding.status_code == 200

    created = client.post(
        reverse("members:organisation_create"),
        {
            "name": "Hoffmann Recycling",
            "kind": "company",
            "city": "Osterode",
            "federal_state": "NI",
        },
    )

    organisation = Organisation.objects.get(name="Hoffmann Recycling")
    assert created["Location"] == organisation.get_absolute_url()
    assert Membership.objects.get(user=user, organisation=organisation).is_admin
    assert client.get(reverse("members:home")).status_code == 200


def test_signup_in_english_stores_english_as_preferred_language(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/signup/", {**SIGNUP, "email": "lena.en@example.org"})

    profile = Profile.objects.get(user__email="lena.en@example.org")
    assert profile.preferred_language == "en"
    assert mail.outbox[0].subject == (
        "Welcome to the Innovation Forum Harz: please confirm your email address"
    )


def test_signup_invalid_answers_with_field_errors_and_keeps_input(client):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "first_name": "", "password2": "x"}
    )

    assert response.status_code in {200, 400}
    assert "first_name" in response.context["form"].errors
    assert 'value="Hoffmann"' in response.text
    check_page(response.content)


def test_login_unverified_user_cannot_log_in(client):
    UserFactory(email="unverified@example.org", verified_email=False)

    response = client.post(
        reverse("account_login"), {"login": "unverified@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_login_member_lands_on_account_page(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})

    assert response["Location"] == reverse("members:home")


def test_login_without_organisation_lands_on_onboarding(client):
    user = UserFactory()

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response["Location"] == reverse("members:onboarding")


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_account_pages_for_visitors_use_site_layout(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "navbar" in response.text and 'id="main"' in response.text
    check_page(response.content)


@pytest.mark.parametrize("name", ["account_email", "account_change_password", "account_logout"])
def test_account_pages_for_members_use_site_layout(client, member, name):
    client.force_login(member)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "navbar" in response.text
    check_page(response.content)


def test_account_pages_render_in_german(client, db):
    response = client.get(reverse("account_login"))

    assert 'lang="de"' in response.text and "Anmelden" in response.text


def test_password_reset_flow(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})

    reset_url = _link(mail.outbox[0].body)
    form_page = client.get(reset_url, follow=True)
    check_page(form_page.content)
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url,
        {"password1": "An0ther-Pass-2026", "password2": "An0ther-Pass-2026"},
    )

    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("An0ther-Pass-2026")


# --- invitations -------------------------------------------------------------------------


def test_invitation_new_person_signs_up_and_joins(
    client, org, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=admin, organisation=org, email="Kai.Neu@example.org", language="de"
        )
    message = mail.outbox[0]
    assert message.to == ["Kai.Neu@example.org"]
    assert org.name in message.subject and org.name in message.body
    link = _link(message.body.split("\n\n", 2)[2])
    assert link == invitation.get_absolute_url()

    page = client.get(link)
    assert page.status_code == 200
    assert org.name in page.text and "Kai.Neu@example.org" in page.text
    check_page(page.content)
    signup_url = page.context["signup_url"]
    signup_page = client.get(signup_url)
    assert 'value="Kai.Neu@example.org"' in signup_page.text
    mail.outbox.clear()

    signed_up = client.post(
        signup_url,
        {**SIGNUP, "email": "kai.neu@example.org", "next": invitation.get_absolute_url()},
    )

    # The emailed link proved the address: no second verification mail, logged in at once.
    assert signed_up.status_code == 302 and signed_up["Location"] == invitation.get_absolute_url()
    assert mail.outbox == []
    accepted = client.post(invitation.get_absolute_url())
    user = Membership.objects.get(organisation=org, user__email="kai.neu@example.org").user
    assert accepted["Location"] == org.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user

    again = client.get(invitation.get_absolute_url())
    assert again.status_code == 410
    assert (
        gettext("This invitation has already been used. Each invitation link works only once.")
        in again.text
    )


def test_invitation_existing_user_accepts_from_onboarding(client, org):
    user = UserFactory(email="jo@example.org")
    invitation = InvitationFactory(organisation=org, email="jo@example.org", role="admin")
    client.force_login(user)

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 302
    assert Membership.objects.get(user=user).is_admin


def test_invitation_expired_shows_clear_page(client, org):
    invitation = InvitationFactory(organisation=org, expired=True)

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 410
    assert gettext("This invitation has expired.") in response.text
    check_page(response.content)


def test_invitation_revoked_shows_clear_page(client, org):
    invitation = InvitationFactory(organisation=org, revoked=True)

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 410
    assert gettext("This invitation has been withdrawn by the organisation.") in response.text


def test_invitation_used_twice_is_refused(client, org):
    invitation = InvitationFactory(organisation=org, email="jo@example.org")
    first, second = UserFactory(email="jo@example.org"), UserFactory()
    EmailAddress.objects.create(user=second, email="other-jo@example.org", verified=True)
    client.force_login(first)
    client.post(invitation.get_absolute_url())
    client.force_login(second)

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 410
    assert not Membership.objects.filter(user=second).exists()


def test_invitation_unknown_token_is_404(client, db):
    response = client.get(reverse("members:invitation_detail", args=["x" * 43]))

    assert response.status_code == 404


def test_invitation_user_in_other_organisation_gets_clear_error(client, org, other_org):
    user = MembershipFactory(organisation=other_org, user__email="jo@example.org").user
    invitation = InvitationFactory(organisation=org, email="jo@example.org")
    client.force_login(user)

    page = client.get(invitation.get_absolute_url())
    response = client.post(invitation.get_absolute_url())

    assert other_org.name in page.text
    assert response.status_code == 400
    refusal = gettext(
        "You already belong to %(organisation)s. Leave it before joining another organisation."
    ) % {"organisation": other_org.name}
    assert escape(refusal) in response.text
    assert Membership.objects.get(user=user).organisation == other_org
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_invitation_wrong_address_gets_clear_error(client, org):
    invitation = InvitationFactory(organisation=org, email="jo@example.org")
    client.force_login(UserFactory(email="eve@example.org"))

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 400
    assert (
        escape(
            gettext(
                "This invitation was sent to another email address. "
                "Log in with that address to accept it."
            )
        )
        in response.text
    )
    assert not Membership.objects.filter(organisation=org).exists()


def test_invitation_anonymous_post_redirects_to_login(client, org):
    invitation = InvitationFactory(organisation=org)

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_invitation_page_for_other_address_explains_before_accepting(client, org):
    invitation = InvitationFactory(organisation=org, email="jo@example.org")
    client.force_login(UserFactory(email="eve@example.org"))

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 200
    explanation = gettext(
        "This invitation was sent to %(email)s, which is not a verified address of your "
        "account. Log in with that address, or add and verify it under your email "
        "addresses, to accept it."
    ) % {"email": invitation.email}
    assert escape(explanation) in response.text
    assert reverse("account_email") in response.text


def test_template_tags_show_admin_links(org, admin, member):
    from django.template import Context, Template

    template = Template(
        "{% load members_tags %}{% if user|can_manage:org %}manage{% endif %}"
        "{% membership_of user as m %}{{ m.organisation.slug }}"
    )

    assert template.render(Context({"user": admin, "org": org})) == "manage" + org.slug
    assert template.render(Context({"user": member, "org": org})) == org.slug
