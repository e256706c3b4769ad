"""The pages of issue 11: the warning on the creation form, join requests, the organisers'
review page, notices for a pending organisation, and what its members cannot do."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from members.models import JoinRequest, Membership, Organisation
from research_needs.models import Need
from tests.factories import (
    EventFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    UserFactory,
    organiser,
    topic,
)
from tests.members.html import check_page

pytestmark = pytest.mark.django_db

EXISTING = "Harzer Metallrückgewinnung GmbH"


def _org_post(**overrides):
    data = {
        "name": "Harzer Metallrueckgewinnung AG",
        "kind": "company",
        "city": "Goslar",
        "federal_state": "NI",
        "size_band": "",
        "description": "",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def existing(db):
    organisation = OrganisationFactory(name=EXISTING, slug="harzer-metallrueckgewinnung")
    MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    return organisation


@pytest.fixture
def pending_org(db):
    return OrganisationFactory(name="Neue Schlacke GmbH", slug="neue-schlacke", status="pending")


@pytest.fixture
def founder(pending_org):
    return MembershipFactory(organisation=pending_org, role=Membership.Role.ADMIN).user


# --- The creation form ------------------------------------------------------------------


def test_create_with_similar_name_warns_offers_join_and_keeps_input(client, existing):
    client.force_login(UserFactory())

    response = client.post(reverse("members:organisation_create"), _org_post())

    assert response.status_code == 400
    assert not Organisation.objects.filter(name="Harzer Metallrueckgewinnung AG").exists()
    assert "name" in response.context["form"].errors
    assert EXISTING in response.context["form"].errors["name"][0]
    assert 'value="Harzer Metallrueckgewinnung AG"' in response.text
    join_url = reverse("members:join_request_create", args=[existing.slug])
    assert f'action="{join_url}"' in response.text
    assert 'name="confirm_distinct"' in response.text and 'type="checkbox"' in response.text
    check_page(response.content)


def test_create_with_similar_name_confirmed_creates_pending(client, existing):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("members:organisation_create"), _org_post(confirm_distinct="on"))

    organisation = Organisation.objects.get(name="Harzer Metallrueckgewinnung AG")
    assert response["Location"] == organisation.get_absolute_url()
    assert organisation.status == Organisation.Status.PENDING


def test_onboarding_result_page_says_it_waits_for_approval(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("members:organisation_create"), _org_post(name="Ganz Neu GmbH"), follow=True
    )

    assert response.status_code == 200
    assert gettext("Waiting for approval") in response.text
    check_page(response.content)
    home = client.get(reverse("members:home"))
    assert gettext("Waiting for approval") in home.text


# --- Join requests ---------------------------------------------------------------------


def test_join_request_flow_through_the_pages(client, existing):
    admin = existing.memberships.get().user
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("members:join_request_create", args=[existing.slug]))

    assert response["Location"] == reverse("members:onboarding")
    join_request = JoinRequest.objects.get(user=user)
    onboarding = client.get(reverse("members:onboarding"))
    assert EXISTING in onboarding.text

    client.force_login(admin)
    people = client.get(reverse("members:organisation_members", args=[existing.slug]))
    assert user.email in people.text
    check_page(people.content)
    accept = client.post(
        reverse("members:join_request_accept", args=[existing.slug, join_request.pk])
    )

    assert accept["Location"] == reverse("members:organisation_members", args=[existing.slug])
    assert Membership.objects.get(user=user).organisation == existing


def test_organisation_page_offers_join_to_users_without_organisation(client, existing):
    client.force_login(UserFactory())

    response = client.get(existing.get_absolute_url())

    assert reverse("members:join_request_create", args=[existing.slug]) in response.text


def test_join_request_to_pending_organisation_is_404(client, pending_org):
    client.force_login(UserFactory())

    response = client.post(reverse("members:join_request_create", args=[pending_org.slug]))

    assert response.status_code == 404
    assert not JoinRequest.objects.exists()


# --- The organisers' review page --------------------------------------------------------


def test_review_page_lists_pending_with_similar_names(client, pending_org, founder, existing):
    OrganisationFactory(name="Neue Schlacke AG")
    client.force_login(organiser())

    response = client.get(reverse("members:review"))

    assert response.status_code == 200
    assert pending_org.name in response.text
    assert founder.email in response.text
    assert "Neue Schlacke AG" in response.text  # named as similar
    assert EXISTING not in response.text
    check_page(response.content)


def test_review_approve_from_the_page(client, pending_org, founder):
    client.force_login(organiser())

    response = client.post(reverse("members:review_approve", args=[pending_org.pk]))

    assert response["Location"] == reverse("members:review")
    pending_org.refresh_from_db()
    assert pending_org.status == Organisation.Status.APPROVED


def test_review_reject_without_reason_answers_400_at_the_field(client, pending_org, founder):
    client.force_login(organiser())

    response = client.post(
        reverse("members:review_reject", args=[pending_org.pk]),
        {f"reject-{pending_org.pk}-reason": "  "},
    )

    assert response.status_code == 400
    assert 'id="error_1_id_reject-' in response.text or "is-invalid" in response.text
    pending_org.refresh_from_db()
    assert pending_org.status == Organisation.Status.PENDING


def test_review_reject_with_reason(client, pending_org, founder):
    client.force_login(organiser())

    response = client.post(
        reverse("members:review_reject", args=[pending_org.pk]),
        {f"reject-{pending_org.pk}-reason": "Keine Firma im Harz."},
    )

    assert response["Location"] == reverse("members:review")
    pending_org.refresh_from_db()
    assert pending_org.status == Organisation.Status.REJECTED
    assert pending_org.review_reason == "Keine Firma im Harz."


def test_review_twice_shows_message_not_500(client, pending_org, founder):
    client.force_login(organiser())
    client.post(reverse("members:review_approve", args=[pending_org.pk]))

    response = client.post(
        reverse("members:review_reject", args=[pending_org.pk]),
        {f"reject-{pending_org.pk}-reason": "zu spät"},
        follow=True,
    )

    assert response.status_code == 200
    pending_org.refresh_from_db()
    assert pending_org.status == Organisation.Status.APPROVED


# --- Pending organisations: hidden, and their members cannot act --------------------------


def test_pending_organisation_page_404_for_others_visible_to_members(client, pending_org, founder):
    assert client.get(pending_org.get_absolute_url()).status_code == 404
    client.force_login(MembershipFactory().user)
    assert client.get(pending_org.get_absolute_url()).status_code == 404
    client.force_login(founder)
    response = client.get(pending_org.get_absolute_url())
    assert response.status_code == 200
    assert gettext("Waiting for approval") in response.text


def test_pending_organisation_not_in_directory(client, pending_org, existing):
    response = client.get(reverse("members:directory"))

    assert EXISTING in response.text
    assert pending_org.name not in response.text


def test_pending_member_cannot_open_need_form(client, founder):
    client.force_login(founder)

    response = client.get(reverse("research_needs:create"))

    assert response.status_code == 302
    assert not Need.objects.exists()


def test_pending_member_cannot_answer_a_need(client, founder):
    need = NeedFactory(topics=[topic()])
    client.force_login(founder)

    response = client.post(
        reverse("research_needs:answer", args=[need.pk]),
        {"approach": "x", "competences": "y", "cooperation_type": "project"},
    )

    assert response.status_code == 404
    assert not need.answers.exists()


def test_pending_member_cannot_apply_for_stand(client, founder):
    event = EventFactory()
    client.force_login(founder)

    response = client.post(
        reverse("events:stand_apply", args=[event.slug]),
        {"kind": "table", "description": "Unser Stand"},
    )

    assert response.status_code in (404, 409)
    assert not event.stands.exists()


def test_leave_page_warns_the_last_member(client, existing):
    admin = existing.memberships.get().user
    client.force_login(admin)

    response = client.get(reverse("members:leave"))

    assert response.context["is_last"] is True
    assert "alert-warning" in response.text
    response = client.post(reverse("members:leave"))
    existing.refresh_from_db()
    assert existing.status == Organisation.Status.DEACTIVATED
    assert client.get(existing.get_absolute_url()).status_code == 404
