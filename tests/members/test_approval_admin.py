"""Organisers approve and reject organisations from the admin too (issue 11): the actions
call the same services as the review page."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from forum.notifications.models import Notification
from members.models import JoinRequest, Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:members_organisation_changelist"


@pytest.fixture
def pending(db):
    organisation = OrganisationFactory(name="Wartet GmbH", status="pending")
    MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    return organisation


def test_admin_approve_action(client, organiser_user, pending):
    client.force_login(organiser_user)

    response = client.post(
        reverse(CHANGELIST),
        {"action": "approve", helpers.ACTION_CHECKBOX_NAME: [pending.pk]},
    )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.APPROVED
    assert pending.reviewed_by == organiser_user
    assert Notification.objects.filter(kind="members.organisation_reviewed").count() == 1


def test_admin_approve_action_reports_organisations_not_pending(client, organiser_user, org):
    client.force_login(organiser_user)

    response = client.post(
        reverse(CHANGELIST),
        {"action": "approve", helpers.ACTION_CHECKBOX_NAME: [org.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert org.name in response.text
    org.refresh_from_db()
    assert org.status == Organisation.Status.APPROVED


def test_admin_reject_action_asks_for_reason_then_rejects(client, organiser_user, pending):
    client.force_login(organiser_user)
    data = {"action": "reject", helpers.ACTION_CHECKBOX_NAME: [pending.pk]}

    form_page = client.post(reverse(CHANGELIST), data)
    empty = client.post(reverse(CHANGELIST), {**data, "apply": "1", "reason": ""})
    done = client.post(
        reverse(CHANGELIST), {**data, "apply": "1", "reason": "Kein Bezug zum Recycling."}
    )

    assert form_page.status_code == 200
    assert 'name="reason"' in form_page.text
    assert empty.status_code == 400  # the reason is required, input kept
    assert done.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.REJECTED
    assert pending.review_reason == "Kein Bezug zum Recycling."


def test_admin_status_is_read_only_and_join_requests_listed(client, organiser_user, pending):
    JoinRequest.objects.create(user=UserFactory(), organisation=OrganisationFactory())
    client.force_login(organiser_user)

    change = client.get(reverse("admin:members_organisation_change", args=[pending.pk]))
    requests = client.get(reverse("admin:members_joinrequest_changelist"))

    assert change.status_code == 200
    assert 'name="status"' not in change.text
    assert requests.status_code == 200


def test_admin_deactivate_action_withdraws_and_hides(client, organiser_user, org, admin):
    from research_needs.models import Answer
    from tests.factories import AnswerFactory

    answer = AnswerFactory(organisation=org, created_by=admin)
    client.force_login(organiser_user)

    response = client.post(
        reverse(CHANGELIST), {"action": "deactivate", helpers.ACTION_CHECKBOX_NAME: [org.pk]}
    )

    assert response.status_code == 302
    org.refresh_from_db()
    answer.refresh_from_db()
    assert org.status == Organisation.Status.DEACTIVATED
    assert org.reviewed_by == organiser_user
    assert answer.status == Answer.Status.WITHDRAWN
