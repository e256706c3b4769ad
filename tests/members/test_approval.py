"""Vetted organisations (issue 11): approval, look-alike names, join requests, deactivation.

Services, selectors and predicates; the emails are checked by content in
test_approval_notifications.py, the pages in test_approval_views.py.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from events import permissions as event_permissions
from events import services as event_services
from events.models import Stand
from forum.notifications.models import Notification
from forum.privacy import registry as privacy_registry
from members import permissions, selectors, services
from members.models import JoinRequest, Membership, Organisation
from research_needs import notifications as need_notifications
from research_needs import permissions as need_permissions
from research_needs import services as need_services
from research_needs.models import Answer
from tests.factories import (
    AnswerFactory,
    EventFactory,
    InvitationFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    ProfileFactory,
    StandFactory,
    UserFactory,
    organiser,
    topic,
)

pytestmark = pytest.mark.django_db

ORG_DATA = {"kind": "company", "city": "Goslar", "federal_state": "NI"}


def kinds(**filters) -> list[str]:
    return list(Notification.objects.filter(**filters).values_list("kind", flat=True))


@pytest.fixture
def pending_org(db):
    return OrganisationFactory(name="Neue Harzer Schlacke GmbH", status="pending")


@pytest.fixture
def founder(pending_org):
    return MembershipFactory(organisation=pending_org, role=Membership.Role.ADMIN).user


# --- Name similarity: one function, with examples ---------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Harzer Metallrückgewinnung GmbH", "Harzer Metallrückgewinnung GmbH"),
        ("Harzer Metallrückgewinnung GmbH", "harzer metallrückgewinnung gmbh"),
        ("Harzer Metallrückgewinnung GmbH", "Harzer Metallrueckgewinnung GmbH"),
        ("Harzer Metallrückgewinnung GmbH", "Harzer Metallrückgewinnung AG"),
        ("Harzer Metallrückgewinnung GmbH", "Harzer Metallrückgewinnung"),
        ("Harzer Metallrückgewinnung GmbH", "Harzer Metalrückgewinnung GmbH"),
        ("Harzer Metallrückgewinnung GmbH", "Harzer Metallrückgewinnungs-GmbH"),
        ("Förderverein Recycling Harz e.V.", "Foerderverein Recycling Harz eV"),
        ("Goslar Recycling UG (haftungsbeschränkt)", "Goslar Recycling GmbH & Co. KG"),
        ("Schmelzwerk Oker mbH", "Schmelzwerk Oker KG"),
    ],
)
def test_organisation_names_alike_for_case_umlauts_legal_form_and_small_edits(first, second):
    assert selectors.organisation_names_alike(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Harzer Metallrückgewinnung GmbH", "Harzer Kunststoffrecycling GmbH"),
        ("Stadt Goslar", "Stadt Halle"),
        ("Harzer Recycling 1 GmbH", "Harzer Recycling 2 GmbH"),
        ("TU Clausthal", "TU Braunschweig"),
        ("GmbH", "AG Harz"),
    ],
)
def test_organisation_names_alike_false_for_different_organisations(first, second):
    assert not selectors.organisation_names_alike(first, second)


def test_normalise_organisation_name_drops_case_umlauts_punctuation_and_legal_form():
    assert selectors.normalise_organisation_name("Harzer Metallrückgewinnung GmbH") == (
        "harzer metallrueckgewinnung"
    )
    assert selectors.normalise_organisation_name("Recycling-Verein Harz e. V.") == (
        "recycling verein harz"
    )
    # A name that is nothing but a legal form stays comparable.
    assert selectors.normalise_organisation_name("AG") == "ag"


def test_organisations_alike_finds_approved_and_pending_not_rejected_or_deactivated(db):
    approved = OrganisationFactory(name="Harzer Metallrückgewinnung GmbH")
    pending = OrganisationFactory(name="Harzer Metallrueckgewinnung AG", status="pending")
    OrganisationFactory(name="Harzer Metallrückgewinnung KG", status="rejected")
    OrganisationFactory(name="Harzer Metallrückgewinnung UG", status="deactivated")
    OrganisationFactory(name="Harzer Kunststoffrecycling GmbH")

    found = selectors.organisations_alike("harzer metallruckgewinnung gmbh")

    assert set(found) == {approved, pending}
    assert selectors.organisations_alike("Harzer Metallrückgewinnung", exclude_pk=approved.pk) == [
        pending
    ]


# --- Creation: pending, organisers told -------------------------------------------------


def test_organisation_create_is_pending_and_tells_founder_and_organisers(db):
    staff = organiser()
    founder = UserFactory()

    organisation = services.organisation_create(
        actor=founder, name="Harzer Metallrückgewinnung GmbH", **ORG_DATA
    )

    assert organisation.status == Organisation.Status.PENDING
    assert Membership.objects.get(user=founder).role == Membership.Role.ADMIN
    assert kinds(recipient=founder) == ["members.organisation_pending"]
    assert kinds(recipient=staff) == ["members.organisation_submitted"]


def test_organisation_create_withdraws_own_open_join_requests(db):
    user = UserFactory()
    elsewhere = OrganisationFactory()
    request = services.join_request_create(actor=user, organisation=elsewhere)

    services.organisation_create(actor=user, name="Eigene Firma GmbH", **ORG_DATA)

    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WITHDRAWN


def test_pending_founder_can_edit_and_invite(pending_org, founder):
    services.organisation_update(actor=founder, organisation=pending_org, city="Halle")
    invitation = services.invitation_create(
        actor=founder, organisation=pending_org, email="kollegin@example.org"
    )

    pending_org.refresh_from_db()
    assert pending_org.city == "Halle"
    assert invitation.organisation == pending_org


# --- Review -------------------------------------------------------------------------------


def test_organisation_approve_sets_status_and_reviewer_and_tells_admins(pending_org, founder):
    staff = organiser()

    services.organisation_approve(actor=staff, organisation=pending_org)

    pending_org.refresh_from_db()
    assert pending_org.status == Organisation.Status.APPROVED
    assert pending_org.reviewed_by == staff
    assert pending_org.reviewed_at is not None
    assert kinds(recipient=founder, kind="members.organisation_reviewed")


def test_organisation_reject_keeps_reason_and_tells_admins(pending_org, founder):
    staff = organiser()

    services.organisation_reject(
        actor=staff, organisation=pending_org, reason="  Bereits als Mitglied eingetragen.  "
    )

    pending_org.refresh_from_db()
    assert pending_org.status == Organisation.Status.REJECTED
    assert pending_org.review_reason == "Bereits als Mitglied eingetragen."
    notification = Notification.objects.get(recipient=founder, kind="members.organisation_reviewed")
    assert notification.context["reason"] == "Bereits als Mitglied eingetragen."


def test_organisation_reject_requires_a_reason(pending_org):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        services.organisation_reject(actor=organiser(), organisation=pending_org, reason="  ")

    assert excinfo.value.message_dict == {"reason": ["Please tell the founder why."]}
    pending_org.refresh_from_db()
    assert pending_org.status == Organisation.Status.PENDING


def test_review_refused_for_non_organisers_and_for_decided_organisations(pending_org, founder):
    with pytest.raises(PermissionDenied):
        services.organisation_approve(actor=founder, organisation=pending_org)
    with pytest.raises(PermissionDenied):
        services.organisation_reject(actor=UserFactory(), organisation=pending_org, reason="x")
    staff = organiser()
    services.organisation_approve(actor=staff, organisation=pending_org)
    with translation.override("en"), pytest.raises(ValidationError, match="not waiting"):
        services.organisation_reject(actor=staff, organisation=pending_org, reason="zu spät")


# --- Selectors: only approved organisations are public ------------------------------------


def test_directory_lists_only_approved_organisations(db):
    approved = OrganisationFactory(name="Zugelassen GmbH")
    for status in ("pending", "rejected", "deactivated"):
        OrganisationFactory(name=f"Harz {status} GmbH", status=status)

    assert list(selectors.organisation_directory()) == [approved]


def test_organisation_for_page_hides_pending_from_others_but_not_from_members(pending_org, founder):
    from django.contrib.auth.models import AnonymousUser

    other = MembershipFactory(organisation=OrganisationFactory()).user
    for viewer in (AnonymousUser(), None, UserFactory(), other):
        with pytest.raises(Organisation.DoesNotExist):
            selectors.organisation_for_page(pending_org.slug, viewer)
    assert selectors.organisation_for_page(pending_org.slug, founder) == pending_org
    assert selectors.organisation_for_page(pending_org.slug, organiser()) == pending_org


def test_organisations_pending_review_oldest_first(db):
    first = OrganisationFactory(status="pending")
    second = OrganisationFactory(status="pending")
    OrganisationFactory()

    assert list(selectors.organisations_pending_review()) == [first, second]


# --- The one predicate and where it is used -------------------------------------------------


def test_organisation_can_act_only_when_approved(db):
    assert permissions.organisation_can_act(OrganisationFactory())
    for status in ("pending", "rejected", "deactivated"):
        assert not permissions.organisation_can_act(OrganisationFactory(status=status))
    assert not permissions.organisation_can_act(None)


def test_pending_member_cannot_create_or_submit_needs(pending_org, founder):
    assert not need_permissions.can_create_need(founder)
    with translation.override("en"), pytest.raises(PermissionDenied, match="waiting"):
        need_services.need_create(
            actor=founder,
            topics=[topic()],
            title="Schlacke aufbereiten",
            summary="Kurz",
            description="Lang",
        )
    draft = NeedFactory(organisation=pending_org, created_by=founder, draft=True)
    with translation.override("en"), pytest.raises(ValidationError, match="waiting"):
        need_services.need_submit(actor=founder, need=draft)


def test_pending_member_cannot_answer(founder):
    need = NeedFactory()

    assert not need_permissions.can_answer(founder, need)
    with translation.override("en"), pytest.raises(PermissionDenied, match="waiting"):
        need_services.answer_create(
            actor=founder, need=need, approach="Wir können das.", competences="Viel"
        )


def test_pending_member_cannot_apply_for_stand(founder):
    event = EventFactory()

    assert not event_permissions.can_apply_for_stand(founder, event)
    with pytest.raises(PermissionDenied):
        event_services.stand_apply(event=event, actor=founder, kind="table", description="Stand")


def test_approved_member_can_act_again_after_approval(pending_org, founder):
    services.organisation_approve(actor=organiser(), organisation=pending_org)
    founder = type(founder).objects.get(pk=founder.pk)  # a fresh request

    assert need_permissions.can_create_need(founder)
    assert need_permissions.can_answer(founder, NeedFactory())
    assert event_permissions.can_apply_for_stand(founder, EventFactory())


def test_can_see_people_of_other_organisations_needs_approved_membership(pending_org, founder):
    approved = OrganisationFactory()

    assert not permissions.can_see_people(founder, approved)
    assert permissions.can_see_people(founder, pending_org)


# --- Alerts -------------------------------------------------------------------------------


def test_alert_recipients_skip_members_of_unapproved_organisations(db):
    interested = topic("battery-recycling")
    approved_member = MembershipFactory(organisation=OrganisationFactory(topics=[interested])).user
    pending_member = MembershipFactory(
        organisation=OrganisationFactory(topics=[interested], status="pending")
    ).user
    ProfileFactory(user=pending_member).topics.set([interested])
    need = NeedFactory(topics=[interested])

    assert need_notifications.alert_recipients(need) == [approved_member]
    assert pending_member not in need_notifications.alert_recipients(need)


def test_no_alerts_about_needs_of_unapproved_organisations(db):
    interested = topic("battery-recycling")
    MembershipFactory(organisation=OrganisationFactory(topics=[interested]))
    need = NeedFactory(topics=[interested], organisation=OrganisationFactory(status="deactivated"))

    assert need_notifications.alert_recipients(need) == []


# --- Join requests -----------------------------------------------------------------------


def test_join_request_create_tells_admins(org, admin):
    user = UserFactory()

    join_request = services.join_request_create(actor=user, organisation=org)

    assert join_request.status == JoinRequest.Status.PENDING
    assert kinds(recipient=admin) == ["members.join_request"]


def test_join_request_refused_twice_for_members_and_for_unapproved(org, admin, pending_org):
    user = UserFactory()
    services.join_request_create(actor=user, organisation=org)
    with translation.override("en"), pytest.raises(ValidationError, match="already asked"):
        services.join_request_create(actor=user, organisation=org)
    with translation.override("en"), pytest.raises(ValidationError, match="already belong"):
        services.join_request_create(actor=admin, organisation=org)
    with pytest.raises(PermissionDenied):
        services.join_request_create(actor=UserFactory(), organisation=pending_org)


def test_join_request_accept_makes_a_member_and_tells_the_requester(org, admin):
    user = UserFactory()
    other = services.join_request_create(actor=user, organisation=OrganisationFactory())
    join_request = services.join_request_create(actor=user, organisation=org)

    membership = services.join_request_accept(actor=admin, join_request=join_request)

    assert membership.organisation == org
    assert membership.role == Membership.Role.MEMBER
    join_request.refresh_from_db()
    other.refresh_from_db()
    assert join_request.status == JoinRequest.Status.ACCEPTED
    assert join_request.decided_by == admin
    assert other.status == JoinRequest.Status.WITHDRAWN
    notification = Notification.objects.get(recipient=user, kind="members.join_request_decided")
    assert notification.context["accepted"] is True


def test_join_request_decline_and_refusals(org, admin, member):
    user = UserFactory()
    join_request = services.join_request_create(actor=user, organisation=org)
    with pytest.raises(PermissionDenied):
        services.join_request_decline(actor=member, join_request=join_request)

    services.join_request_decline(actor=admin, join_request=join_request)

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert not Membership.objects.filter(user=user).exists()
    with translation.override("en"), pytest.raises(ValidationError, match="already been decided"):
        services.join_request_accept(actor=admin, join_request=join_request)


def test_join_request_accept_refused_when_requester_joined_elsewhere(org, admin):
    user = UserFactory()
    join_request = services.join_request_create(actor=user, organisation=org)
    MembershipFactory(user=user)

    with translation.override("en"), pytest.raises(ValidationError, match="another organisation"):
        services.join_request_accept(actor=admin, join_request=join_request)


# --- Deactivation when the last member is gone -------------------------------------------


@pytest.fixture
def lone_org(db):
    return OrganisationFactory(name="Harzer Metallrückgewinnung GmbH")


@pytest.fixture
def lone_admin(lone_org):
    return MembershipFactory(organisation=lone_org, role=Membership.Role.ADMIN).user


@pytest.fixture
def open_business(lone_org, lone_admin):
    """An open and a shortlisted answer, a decided one, an open stand application and an
    open invitation of the organisation."""
    owner_org = OrganisationFactory(name="Stadtwerke Goslar")
    owner = MembershipFactory(organisation=owner_org, role=Membership.Role.ADMIN).user
    need = NeedFactory(organisation=owner_org, created_by=owner, contact_person=owner)
    submitted = AnswerFactory(need=need, organisation=lone_org, created_by=lone_admin)
    shortlisted = AnswerFactory(
        need=NeedFactory(organisation=owner_org, created_by=owner),
        organisation=lone_org,
        created_by=lone_admin,
        status=Answer.Status.SHORTLISTED,
    )
    accepted = AnswerFactory(
        need=NeedFactory(organisation=owner_org, created_by=owner),
        organisation=lone_org,
        created_by=lone_admin,
        status=Answer.Status.ACCEPTED,
    )
    stand = StandFactory(organisation=lone_org, applied_by=lone_admin)
    invitation = InvitationFactory(organisation=lone_org)
    own_need = NeedFactory(organisation=lone_org, created_by=lone_admin, title="Eigener Bedarf")
    return {
        "own_need": own_need,
        "owner": owner,
        "open": [submitted, shortlisted],
        "accepted": accepted,
        "stand": stand,
        "invitation": invitation,
    }


def assert_deactivated(organisation, business, staff):
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.DEACTIVATED
    assert not Membership.objects.filter(organisation=organisation).exists()
    for answer in business["open"]:
        answer.refresh_from_db()
        assert answer.status == Answer.Status.WITHDRAWN
    business["accepted"].refresh_from_db()
    assert business["accepted"].status == Answer.Status.ACCEPTED
    business["stand"].refresh_from_db()
    assert business["stand"].status == Stand.Status.DECLINED
    business["invitation"].refresh_from_db()
    assert business["invitation"].revoked_at is not None
    business["own_need"].refresh_from_db()
    assert business["own_need"].status == "closed"
    assert business["own_need"].close_reason == "withdrawn"
    # The other side of each answer and the organisers are told.
    assert kinds(recipient=business["owner"], kind="members.answer_withdrawn") == [
        "members.answer_withdrawn",
        "members.answer_withdrawn",
    ]
    notification = Notification.objects.get(
        recipient=staff, kind="members.organisation_deactivated"
    )
    assert len(notification.context["answers"]) == 2
    assert notification.context["stands"] == [business["stand"].event.title]
    assert notification.context["needs"] == ["Eigener Bedarf"]
    # The records stay, hidden.
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert organisation not in selectors.organisation_directory()


def test_last_member_leaving_deactivates_the_organisation(lone_org, lone_admin, open_business):
    staff = organiser()

    services.membership_leave(actor=lone_admin)

    assert_deactivated(lone_org, open_business, staff)


def test_last_member_deleting_account_deactivates_the_organisation(
    lone_org, lone_admin, open_business
):
    staff = organiser()

    privacy_registry.erase_user(lone_admin)

    assert not type(lone_admin).objects.filter(pk=lone_admin.pk).exists()
    assert_deactivated(lone_org, open_business, staff)


def test_leaving_with_others_left_does_not_deactivate(org, admin, member):
    services.membership_leave(actor=member)

    org.refresh_from_db()
    assert org.status == Organisation.Status.APPROVED


def test_last_admin_with_members_still_cannot_leave_or_delete(org, admin, member):
    with translation.override("en"), pytest.raises(ValidationError, match="last admin"):
        services.membership_leave(actor=admin)
    with pytest.raises(ValidationError):
        privacy_registry.erase_user(admin)

    org.refresh_from_db()
    assert org.status == Organisation.Status.APPROVED


def test_organisation_deactivate_by_organiser_for_an_empty_organisation(lone_org, open_business):
    Membership.objects.filter(organisation=lone_org).delete()
    staff = organiser()

    result = services.organisation_deactivate(actor=staff, organisation=lone_org, reason="leer")

    assert len(result["answers"]) == 2
    assert_deactivated(lone_org, open_business, staff)
    assert lone_org.reviewed_by == staff


def test_organisation_deactivate_is_undone_when_an_app_refuses(lone_org, lone_admin, open_business):
    """The apps above members withdraw inside the deactivation's transaction: one receiver
    refusing leaves the organisation, its answers and its stand as they were."""
    from members.signals import organisation_deactivated

    def refuse(sender, **kwargs):
        raise ValidationError("Nicht jetzt.")

    organisation_deactivated.connect(refuse, dispatch_uid="test-refuse")
    try:
        with pytest.raises(ValidationError):
            services.membership_leave(actor=lone_admin)
    finally:
        organisation_deactivated.disconnect(dispatch_uid="test-refuse")

    lone_org.refresh_from_db()
    assert lone_org.status == Organisation.Status.APPROVED
    assert Membership.objects.filter(organisation=lone_org, user=lone_admin).exists()
    for answer in open_business["open"]:
        answer.refresh_from_db()
        assert answer.status != Answer.Status.WITHDRAWN
    open_business["stand"].refresh_from_db()
    assert open_business["stand"].status == Stand.Status.APPLIED
    assert not Notification.objects.filter(kind="members.answer_withdrawn").exists()


def test_organisation_deactivate_refused_for_outsiders(lone_org, lone_admin):
    with pytest.raises(PermissionDenied):
        services.organisation_deactivate(actor=UserFactory(), organisation=lone_org)


def test_stand_withdraw_refused_for_other_organisations(db):
    stand = StandFactory()

    with pytest.raises(PermissionDenied):
        event_services.stand_withdraw(actor=UserFactory(), stand=stand)
    stand.refresh_from_db()
    assert stand.status == Stand.Status.APPLIED


# --- Data migration ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_approves_existing_organisations_and_new_rows_default_to_pending():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("members", "0004_logo_server_generated_names")]
    after = [("members", "0005_organisation_approval")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldOrganisation = old_apps.get_model("members", "Organisation")
    OldOrganisation.objects.create(
        name="Alte Hütte GmbH", slug="alte-huette", kind="company", city="Oker", federal_state="NI"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Organisation.objects.get(slug="alte-huette").status == Organisation.Status.APPROVED
    new = Organisation.objects.create(
        name="Neu GmbH", slug="neu", kind="company", city="Goslar", federal_state="NI"
    )
    assert new.status == Organisation.Status.PENDING


def test_last_member_leaving_a_rejected_organisation_keeps_it_rejected(db):
    organisation = OrganisationFactory(status="rejected", review_reason="Unbekannt")
    last = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user

    services.membership_leave(actor=last)

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.REJECTED
    assert organisation.review_reason == "Unbekannt"
    assert not organisation.memberships.exists()


def test_last_member_leaving_a_pending_organisation_takes_it_out_of_review(founder, pending_org):
    services.membership_leave(actor=founder)

    pending_org.refresh_from_db()
    assert pending_org.status == Organisation.Status.DEACTIVATED
    assert pending_org not in selectors.organisations_pending_review()
