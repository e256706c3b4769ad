import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from members import services
from members.models import Consent, Invitation, Membership, Organisation, Profile
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    topic,
)

pytestmark = pytest.mark.django_db


# --- accounts and profiles ---------------------------------------------------------------


def test_user_signup_complete_sets_name_and_profile_language():
    user = UserFactory(first_name="", last_name="")

    profile = services.user_signup_complete(
        user=user, first_name=" Anna ", last_name="Schulz", language="en-gb"
    )

    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Anna", "Schulz")
    assert profile.preferred_language == "en"


def test_user_signup_complete_unknown_language_falls_back_to_german():
    user = UserFactory()

    profile = services.user_signup_complete(user=user, first_name="A", last_name="B", language="fr")

    assert profile.preferred_language == "de"


def test_profile_update_changes_fields_and_topics():
    user = UserFactory()

    profile = services.profile_update(
        actor=user,
        user=user,
        first_name="Jana",
        last_name="Vogt",
        position="Process engineer",
        phone="+49 5321 1234",
        expertise_keywords=" leaching,, indium ,",
        preferred_language="en",
        topics=[topic("battery-recycling")],
    )

    assert profile.expertise_keywords == "leaching, indium"
    assert profile.keyword_list == ["leaching", "indium"]
    assert list(profile.topics.values_list("slug", flat=True)) == ["battery-recycling"]
    user.refresh_from_db()
    assert user.get_full_name() == "Jana Vogt"


def test_profile_update_records_consent_only_when_it_changes():
    user = UserFactory()
    common = {"actor": user, "user": user, "first_name": "A", "last_name": "B"}

    services.profile_update(**common, marketing_consent=False)
    services.profile_update(**common, marketing_consent=True)
    services.profile_update(**common, marketing_consent=True)
    services.profile_update(**common, marketing_consent=False)

    rows = list(Consent.objects.filter(user=user).order_by("id").values_list("given", flat=True))
    assert rows == [True, False]
    assert Consent.objects.filter(user=user).first().recorded_at <= timezone.now()


def test_profile_update_by_someone_else_is_refused():
    user, other = UserFactory(), UserFactory()

    with pytest.raises(PermissionDenied):
        services.profile_update(actor=other, user=user, first_name="X", last_name="Y")


def test_profile_update_invalid_language_is_refused():
    user = UserFactory()

    with pytest.raises(ValidationError):
        services.profile_update(
            actor=user, user=user, first_name="A", last_name="B", preferred_language="fr"
        )


def test_consent_record_stores_time_and_context():
    user = UserFactory()

    consent = services.consent_record(
        user=user, kind=Consent.Kind.ATTENDEE_LIST, given=True, context="event registration"
    )

    assert consent.pk and consent.recorded_at and consent.context == "event registration"
    assert services.consent_is_given(user=user, kind=Consent.Kind.ATTENDEE_LIST)
    assert not services.consent_is_given(user=user, kind=Consent.Kind.MARKETING)


def test_consent_record_unknown_kind_is_refused():
    with pytest.raises(ValidationError):
        services.consent_record(user=UserFactory(), kind="spam", given=True)


# --- organisations -----------------------------------------------------------------------


def _org_data(**overrides):
    data = {
        "name": "Harz Metall GmbH",
        "kind": Organisation.Kind.COMPANY,
        "city": "Goslar",
        "federal_state": Organisation.FederalState.NI,
    }
    data.update(overrides)
    return data


def test_organisation_create_makes_actor_admin():
    user = UserFactory()

    organisation = services.organisation_create(actor=user, topics=[topic("weee")], **_org_data())

    assert organisation.slug == "harz-metall-gmbh"
    membership = Membership.objects.get(user=user)
    assert membership.organisation == organisation and membership.is_admin
    assert list(organisation.topics.values_list("slug", flat=True)) == ["weee"]


def test_organisation_create_slug_is_unique_and_avoids_reserved_words():
    OrganisationFactory(slug="harz-metall-gmbh")

    second = services.organisation_create(actor=UserFactory(), **_org_data())
    third = services.organisation_create(actor=UserFactory(), **_org_data())
    reserved = services.organisation_create(actor=UserFactory(), **_org_data(name="Me"))
    welcome = services.organisation_create(actor=UserFactory(), **_org_data(name="Welcome"))
    empty = services.organisation_create(actor=UserFactory(), **_org_data(name="!!!"))

    assert second.slug == "harz-metall-gmbh-2"
    assert third.slug == "harz-metall-gmbh-3"
    assert reserved.slug == "me-2"
    assert welcome.slug == "welcome-2"
    assert empty.slug == "organisation"


def test_organisation_create_user_with_membership_is_refused(admin):
    with pytest.raises(ValidationError):
        services.organisation_create(actor=admin, **_org_data())

    assert Organisation.objects.filter(name="Harz Metall GmbH").count() == 0


def test_organisation_create_invalid_data_is_refused():
    user = UserFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=user, **_org_data(kind="pirate", website="nope"))

    assert {"kind", "website"} <= set(excinfo.value.message_dict)
    assert not Membership.objects.filter(user=user).exists()


def test_organisation_update_by_admin_changes_data_but_not_slug(org, admin):
    services.organisation_update(
        actor=admin, organisation=org, name="Neuer Name", city="Clausthal", topics=[]
    )

    org.refresh_from_db()
    assert (org.name, org.city, org.slug) == ("Neuer Name", "Clausthal", "harzer-zinkhuette")


def test_organisation_update_by_organiser_is_allowed(org, organiser_user):
    services.organisation_update(actor=organiser_user, organisation=org, city="Halle")

    org.refresh_from_db()
    assert org.city == "Halle"


def test_organisation_update_by_member_is_refused(org, member):
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=member, organisation=org, city="Halle")


def test_organisation_update_by_outsider_is_refused(org, outsider):
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=outsider, organisation=org, city="Halle")


def test_organisation_update_invalid_value_is_refused(org, admin):
    with pytest.raises(ValidationError):
        services.organisation_update(actor=admin, organisation=org, federal_state="ZZ")


# --- invitations -------------------------------------------------------------------------


def test_invitation_create_sends_email_in_invitation_language(
    org, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=admin, organisation=org, email="New.Person@Example.org", language="en"
        )

    assert invitation.role == Membership.Role.MEMBER and invitation.invited_by == admin
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["New.Person@Example.org"]
    assert org.name in message.subject and "Invitation" in message.subject
    assert f"http://127.0.0.1:8000/en/members/invitations/{invitation.token}/" in message.body
    html = message.alternatives[0][0]
    assert f"/en/members/invitations/{invitation.token}/" in html and org.name in html


def test_invitation_create_german_email_has_no_language_prefix(
    org, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=admin, organisation=org, email="a@example.org", language="de"
        )

    assert f"127.0.0.1:8000/members/invitations/{invitation.token}/" in mail.outbox[0].body


def test_invitation_create_mail_waits_for_commit(org, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(actor=admin, organisation=org, email="a@example.org")

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_invitation_create_tokens_are_long_and_distinct(org, admin):
    first = services.invitation_create(actor=admin, organisation=org, email="a@example.org")
    second = services.invitation_create(actor=admin, organisation=org, email="b@example.org")

    assert len(first.token) >= 40 and first.token != second.token


def test_invitation_create_by_member_is_refused(org, member):
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=member, organisation=org, email="a@example.org")


def test_invitation_create_by_outsider_is_refused(org, outsider):
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=outsider, organisation=org, email="a@example.org")


def test_invitation_create_for_existing_member_is_refused(org, admin, member):
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(actor=admin, organisation=org, email=member.email.upper())

    assert "email" in excinfo.value.message_dict


def test_invitation_create_twice_for_same_address_is_refused(org, admin):
    services.invitation_create(actor=admin, organisation=org, email="a@example.org")

    with pytest.raises(ValidationError):
        services.invitation_create(actor=admin, organisation=org, email="A@EXAMPLE.ORG")


def test_invitation_create_after_expiry_replaces_expired_invitation(org, admin):
    old = InvitationFactory(organisation=org, email="a@example.org", expired=True)

    new = services.invitation_create(actor=admin, organisation=org, email="a@example.org")

    old.refresh_from_db()
    assert old.revoked_at is not None and new.is_open


def test_invitation_create_invalid_email_is_refused(org, admin):
    with pytest.raises(ValidationError):
        services.invitation_create(actor=admin, organisation=org, email="not-an-email")


def test_invitation_accept_creates_membership_with_role(org):
    invitation = InvitationFactory(organisation=org, email="Jo@Example.org", role="admin")
    user = UserFactory(email="jo@example.org")

    membership = services.invitation_accept(actor=user, invitation=invitation)

    assert membership.organisation == org and membership.role == Membership.Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == user


def test_invitation_accept_twice_is_refused(org):
    invitation = InvitationFactory(organisation=org, email="jo@example.org")
    user = UserFactory(email="jo@example.org")
    services.invitation_accept(actor=user, invitation=invitation)
    Membership.objects.filter(user=user).delete()

    with translation.override("en"), pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(actor=user, invitation=invitation)


def test_invitation_accept_expired_is_refused(org):
    invitation = InvitationFactory(organisation=org, email="jo@example.org", expired=True)

    with translation.override("en"), pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(actor=UserFactory(email="jo@example.org"), invitation=invitation)


def test_invitation_accept_revoked_is_refused(org):
    invitation = InvitationFactory(organisation=org, email="jo@example.org", revoked=True)

    with translation.override("en"), pytest.raises(ValidationError, match="withdrawn"):
        services.invitation_accept(actor=UserFactory(email="jo@example.org"), invitation=invitation)


def test_invitation_accept_other_address_is_refused(org):
    invitation = InvitationFactory(organisation=org, email="jo@example.org")

    with pytest.raises(PermissionDenied):
        services.invitation_accept(
            actor=UserFactory(email="eve@example.org"), invitation=invitation
        )

    assert not Membership.objects.filter(organisation=org).exists()


def test_invitation_accept_unverified_address_is_refused(org):
    invitation = InvitationFactory(organisation=org, email="jo@example.org")
    user = UserFactory(email="jo@example.org", verified_email=False)

    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=user, invitation=invitation)


def test_invitation_accept_user_in_other_organisation_is_refused(org, other_org):
    invitation = InvitationFactory(organisation=org, email="jo@example.org")
    user = MembershipFactory(organisation=other_org, user__email="jo@example.org").user

    with translation.override("en"), pytest.raises(ValidationError, match="already belong"):
        services.invitation_accept(actor=user, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_revoke_by_admin_closes_invitation(org, admin):
    invitation = InvitationFactory(organisation=org)

    services.invitation_revoke(actor=admin, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and not invitation.is_open


def test_invitation_revoke_by_member_is_refused(org, member):
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=member, invitation=InvitationFactory(organisation=org))


def test_invitation_revoke_accepted_is_refused(org, admin):
    with pytest.raises(ValidationError):
        services.invitation_revoke(
            actor=admin, invitation=InvitationFactory(organisation=org, accepted=True)
        )


def test_invitation_withdrawn_before_delivery_is_not_sent(
    org, admin, django_capture_on_commit_callbacks
):
    from forum.notifications.models import EmailState, Notification
    from forum.notifications.services import notification_deliver_batch

    # Recorded, but the broker never delivered it (captured callbacks not executed).
    with django_capture_on_commit_callbacks(execute=False):
        invitation = services.invitation_create(
            actor=admin, organisation=org, email="late@example.org"
        )
    services.invitation_revoke(actor=admin, invitation=invitation)
    notification = Notification.objects.get(kind="members.invitation")

    notification_deliver_batch(notification_ids=[notification.pk])

    notification.refresh_from_db()
    assert mail.outbox == []
    assert notification.email_state == EmailState.SKIPPED


def test_invitation_to_an_existing_account_also_appears_in_its_list(
    org, admin, django_capture_on_commit_callbacks
):
    from forum.notifications.models import Notification

    invitee = UserFactory(email="known@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=admin, organisation=org, email="Known@example.org")

    notification = Notification.objects.get(kind="members.invitation")
    assert notification.recipient == invitee and notification.in_app
    assert mail.outbox[0].to == ["Known@example.org"]


# --- memberships -------------------------------------------------------------------------


def test_membership_set_role_promotes_member(org, admin, member_membership):
    services.membership_set_role(actor=admin, membership=member_membership, role="admin")

    member_membership.refresh_from_db()
    assert member_membership.is_admin


def test_membership_set_role_demotes_admin_when_another_admin_exists(org, admin, admin_membership):
    second = MembershipFactory(organisation=org, role="admin")

    services.membership_set_role(actor=admin, membership=second, role="member")

    second.refresh_from_db()
    assert second.role == Membership.Role.MEMBER


def test_membership_set_role_last_admin_cannot_be_demoted(admin, admin_membership):
    with translation.override("en"), pytest.raises(ValidationError, match="last admin"):
        services.membership_set_role(actor=admin, membership=admin_membership, role="member")

    admin_membership.refresh_from_db()
    assert admin_membership.is_admin


def test_membership_set_role_by_member_is_refused(member, admin_membership):
    with pytest.raises(PermissionDenied):
        services.membership_set_role(actor=member, membership=admin_membership, role="member")


def test_membership_set_role_unknown_role_is_refused(admin, member_membership):
    with pytest.raises(ValidationError):
        services.membership_set_role(actor=admin, membership=member_membership, role="owner")


def test_membership_set_role_by_organiser_is_allowed(organiser_user, member_membership):
    services.membership_set_role(actor=organiser_user, membership=member_membership, role="admin")

    member_membership.refresh_from_db()
    assert member_membership.is_admin


def test_membership_remove_by_admin_deletes_membership(admin, member_membership):
    services.membership_remove(actor=admin, membership=member_membership)

    assert not Membership.objects.filter(pk=member_membership.pk).exists()


def test_membership_remove_last_admin_is_refused(organiser_user, admin_membership):
    with translation.override("en"), pytest.raises(ValidationError, match="last admin"):
        services.membership_remove(actor=organiser_user, membership=admin_membership)

    assert Membership.objects.filter(pk=admin_membership.pk).exists()


def test_membership_remove_by_member_is_refused(member, admin_membership):
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=member, membership=admin_membership)


def test_membership_remove_by_outsider_is_refused(outsider, member_membership):
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=outsider, membership=member_membership)


def test_membership_remove_already_gone_is_refused(admin, member_membership):
    Membership.objects.filter(pk=member_membership.pk).delete()

    with pytest.raises(ValidationError):
        services.membership_remove(actor=admin, membership=member_membership)


def test_membership_leave_member_leaves(member):
    services.membership_leave(actor=member)

    assert not Membership.objects.filter(user=member).exists()


def test_membership_leave_last_admin_is_refused(admin, member):
    with translation.override("en"), pytest.raises(ValidationError, match="last admin"):
        services.membership_leave(actor=admin)


def test_membership_leave_admin_with_second_admin_leaves(org, admin):
    MembershipFactory(organisation=org, role="admin")

    services.membership_leave(actor=admin)

    assert not Membership.objects.filter(user=admin).exists()


def test_membership_leave_without_organisation_is_refused():
    with pytest.raises(ValidationError):
        services.membership_leave(actor=UserFactory())


def test_profile_created_on_demand_by_profile_update():
    user = UserFactory()
    assert not Profile.objects.filter(user=user).exists()

    services.profile_update(actor=user, user=user, first_name="A", last_name="B")

    assert Profile.objects.filter(user=user).exists()


def test_invitation_model_is_open_reflects_state(org):
    assert InvitationFactory(organisation=org).is_open
    assert not InvitationFactory(organisation=org, expired=True).is_open
    assert not Invitation.objects.get(
        pk=InvitationFactory(organisation=org, revoked=True).pk
    ).is_open
