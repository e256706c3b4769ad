"""Who may open which members/ URL (PRODUCT.md 4): hidden things answer 404, visitors go to login."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from members import permissions
from members.models import JoinRequest, Membership
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    png_bytes,
)
from tests.matrix import LOGIN, MATRIX_ARGS, cases, check, url_names

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "other_member", "member", "admin", "organiser"]

# name, method, args builder, expected per role in ROLES order[, data or data builder]
MATRIX = [
    ("directory", "get", lambda w: [], [200, 200, 200, 200, 200]),
    ("organisation_detail", "get", lambda w: [w["org"].slug], [200, 200, 200, 200, 200]),
    (
        "organisation_logo",
        "get",
        lambda w: [w["org"].logo.name.rsplit("/", 1)[-1]],
        [200, 200, 200, 200, 200],
    ),
    ("organisation_edit", "get", lambda w: [w["org"].slug], [LOGIN, 404, 404, 200, 200]),
    ("organisation_members", "get", lambda w: [w["org"].slug], [LOGIN, 404, 404, 200, 200]),
    ("competence_edit", "get", lambda w: [w["org"].slug], [LOGIN, 404, 404, 200, 200]),
    (
        "competence_edit",
        "post",
        lambda w: [w["org"].slug],
        [LOGIN, 404, 404, 302, 302],
        {
            "competences": "Laugung von Schwarzmasse.",
            "trl_min": "2",
            "trl_max": "6",
            "languages": ["de"],
        },
    ),
    (
        "membership_remove",
        "post",
        lambda w: [w["org"].slug, w["target"].pk],
        [LOGIN, 404, 404, 302, 302],
    ),
    (
        "membership_set_role",
        "post",
        lambda w: [w["org"].slug, w["target"].pk],
        [LOGIN, 404, 404, 302, 302],
        {"role": "admin"},
    ),
    (
        "invitation_revoke",
        "post",
        lambda w: [w["org"].slug, w["invitation"].pk],
        [LOGIN, 404, 404, 302, 302],
    ),
    ("home", "get", lambda w: [], [LOGIN, 200, 200, 200, 200]),
    ("profile_edit", "get", lambda w: [], [LOGIN, 200, 200, 200, 200]),
    ("onboarding", "get", lambda w: [], [LOGIN, 302, 302, 302, 200]),
    ("organisation_create", "get", lambda w: [], [LOGIN, 302, 302, 302, 200]),
    ("leave", "get", lambda w: [], [LOGIN, 200, 200, 200, 302]),
    ("invitation_detail", "get", lambda w: [w["invitation"].token], [200, 200, 200, 200, 200]),
    # Issue 11: a pending organisation's page only for its members and organisers (the
    # roles here belong to the approved org), the review pages only for organisers.
    ("organisation_detail", "get", lambda w: [w["pending"].slug], [404, 404, 404, 404, 200]),
    ("review", "get", lambda w: [], [LOGIN, 404, 404, 404, 200]),
    ("review_approve", "post", lambda w: [w["pending"].pk], [LOGIN, 404, 404, 404, 302]),
    (
        "review_reject",
        "post",
        lambda w: [w["pending"].pk],
        [LOGIN, 404, 404, 404, 302],
        lambda w: {f"reject-{w['pending'].pk}-reason": "Unbekannt im Harz."},
    ),
    # Anyone logged in may ask; those who belong somewhere get a message (302 back).
    ("join_request_create", "post", lambda w: [w["org"].slug], [LOGIN, 302, 302, 302, 302]),
    ("join_request_create", "post", lambda w: [w["pending"].slug], [LOGIN, 404, 404, 404, 404]),
    (
        "join_request_accept",
        "post",
        lambda w: [w["org"].slug, w["join_request"].pk],
        [LOGIN, 404, 404, 302, 302],
    ),
    (
        "join_request_decline",
        "post",
        lambda w: [w["org"].slug, w["join_request"].pk],
        [LOGIN, 404, 404, 302, 302],
    ),
]


@pytest.fixture
def world(org, admin, member_membership, outsider, organiser_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    return {
        "org": org,
        "target": MembershipFactory(organisation=org),
        "invitation": InvitationFactory(organisation=org),
        "pending": OrganisationFactory(name="Wartet GmbH", slug="wartet", status="pending"),
        "join_request": JoinRequest.objects.create(user=UserFactory(), organisation=org),
        "users": {
            "visitor": None,
            "other_member": outsider,
            "member": member_membership.user,
            "admin": admin,
            "organiser": organiser_user,
        },
    }


@pytest.mark.parametrize(MATRIX_ARGS, cases(MATRIX, ROLES))
def test_permission_matrix(client, world, name, method, args, role, expected, data):
    # A row's data may need the world (the reject form's prefix holds the organisation's pk).
    check(
        client,
        world,
        "members",
        name,
        method,
        args,
        role,
        expected,
        data(world) if callable(data) else data,
    )


def test_permission_matrix_covers_every_members_url():
    from members.urls import urlpatterns

    assert url_names(urlpatterns) == {row[0] for row in MATRIX}


def test_refused_post_actions_change_nothing(client, world):
    client.force_login(world["users"]["member"])

    client.post(reverse("members:membership_remove", args=[world["org"].slug, world["target"].pk]))
    client.post(
        reverse("members:membership_set_role", args=[world["org"].slug, world["target"].pk]),
        {"role": "admin"},
    )

    world["target"].refresh_from_db()
    assert world["target"].role == Membership.Role.MEMBER


# --- predicates --------------------------------------------------------------------------


def test_is_organiser_true_for_group_staff(organiser_user):
    assert permissions.is_organiser(organiser_user)


def test_is_organiser_false_for_plain_staff_and_visitors(db):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.is_organiser(UserFactory(is_staff=True))
    assert not permissions.is_organiser(AnonymousUser())
    assert not permissions.is_organiser(None)


def test_membership_of_returns_the_users_membership(member_membership):
    assert permissions.membership_of(member_membership.user) == member_membership
    assert permissions.membership_of(UserFactory()) is None


def test_can_manage_organisation_by_role(org, admin, member, outsider, organiser_user):
    assert permissions.can_manage_organisation(admin, org)
    assert permissions.can_manage_organisation(organiser_user, org)
    assert not permissions.can_manage_organisation(member, org)
    assert not permissions.can_manage_organisation(outsider, org)


def test_can_see_people_needs_membership_or_organiser(org, member, outsider, organiser_user):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_see_people(member, org)
    assert permissions.can_see_people(outsider, org)
    assert permissions.can_see_people(organiser_user, org)
    assert not permissions.can_see_people(AnonymousUser(), org)
    assert not permissions.can_see_people(UserFactory(), org)


def test_pending_organisation_page_visible_to_its_own_member(client, world):
    member = MembershipFactory(organisation=world["pending"]).user
    client.force_login(member)

    response = client.get(reverse("members:organisation_detail", args=[world["pending"].slug]))

    assert response.status_code == 200


def test_can_see_organisation_by_status(db, organiser_user):
    from django.contrib.auth.models import AnonymousUser

    approved = OrganisationFactory()
    pending = OrganisationFactory(status="pending")
    own = MembershipFactory(organisation=pending).user
    assert permissions.can_see_organisation(AnonymousUser(), approved)
    assert not permissions.can_see_organisation(AnonymousUser(), pending)
    assert not permissions.can_see_organisation(UserFactory(), pending)
    assert permissions.can_see_organisation(own, pending)
    assert permissions.can_see_organisation(organiser_user, pending)


def test_can_review_organisations_only_organisers(db, organiser_user, admin):
    assert permissions.can_review_organisations(organiser_user)
    assert not permissions.can_review_organisations(admin)
    assert not permissions.can_review_organisations(UserFactory(is_staff=True))


def test_can_request_to_join_only_without_organisation_and_only_approved(db, org, admin):
    from django.contrib.auth.models import AnonymousUser

    loner = UserFactory()
    assert permissions.can_request_to_join(loner, org)
    assert not permissions.can_request_to_join(admin, org)
    assert not permissions.can_request_to_join(AnonymousUser(), org)
    assert not permissions.can_request_to_join(loner, OrganisationFactory(status="pending"))
