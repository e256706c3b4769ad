"""Email preferences on the profile page (``notify-<category>`` radios), and their effect."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from forum.notifications.models import Delivery, EmailState, Notification, NotificationPreference
from members import services as member_services
from members.models import Profile
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.members.html import check_page

pytestmark = pytest.mark.django_db

URL = "/members/me/profile/"


@pytest.fixture
def chief(db):
    """Admin of an organisation, so a joining member notifies them (category organisation)."""
    return MembershipFactory(
        organisation=OrganisationFactory(), role="admin", user__first_name="Katrin"
    ).user


@pytest.fixture
def chief_client(client, chief):
    client.force_login(chief)
    return client


def profile_data(**notify):
    data = {
        "first_name": "Katrin",
        "last_name": "Berger",
        "position": "CTO",
        "phone": "",
        "expertise_keywords": "slag, zinc",
        "preferred_language": "de",
    }
    data.update({f"notify-{key}": value for key, value in notify.items()})
    return data


def radio(category: str, value: str, *, checked: bool) -> str:
    return (
        f'type="radio" name="notify-{category}" value="{value}" '
        f'id="id_notify-{category}_{list(Delivery.values).index(value)}"'
        + (" checked" if checked else "")
    )


def test_profile_edit_shows_choice_per_switchable_category(chief_client):
    response = chief_client.get(URL)

    assert response.status_code == 200
    check_page(response.content)
    assert radio("organisation", "immediately", checked=True) in response.text
    assert radio("organisation", "digest", checked=False) in response.text
    assert radio("organisation", "off", checked=False) in response.text
    # Transactional mail is listed as always sent, never offered as a choice.
    assert 'name="notify-invitations"' not in response.text
    assert 'name="notify-account"' not in response.text
    with translation.override("de"):
        always = gettext("Always sent at once")
        invitations = gettext("Invitations")
    assert escape(always) in response.text and escape(invitations) in response.text


def test_profile_edit_shows_stored_choice(chief_client, chief):
    NotificationPreference.objects.create(user=chief, category="organisation", delivery="off")

    response = chief_client.get(URL)

    assert radio("organisation", "off", checked=True) in response.text
    assert radio("organisation", "immediately", checked=False) in response.text


def test_profile_edit_saves_digest_and_later_member_joined_waits_for_digest(
    chief_client, chief, django_capture_on_commit_callbacks
):
    response = chief_client.post(URL, profile_data(organisation="digest"))

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=chief).delivery == Delivery.DIGEST

    joiner = UserFactory()
    organisation = chief.memberships.get().organisation
    invitation = member_services.invitation_create(
        actor=chief, organisation=organisation, email=joiner.email
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member_services.invitation_accept(actor=joiner, invitation=invitation)

    joined = Notification.objects.get(kind="members.member_joined")
    assert joined.recipient == chief and joined.email_state == EmailState.DIGEST
    assert mail.outbox == []


def test_profile_edit_off_then_member_joined_only_in_list(
    chief_client, chief, django_capture_on_commit_callbacks
):
    chief_client.post(URL, profile_data(organisation="off"))
    joiner = UserFactory()
    organisation = chief.memberships.get().organisation
    invitation = member_services.invitation_create(
        actor=chief, organisation=organisation, email=joiner.email
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        member_services.invitation_accept(actor=joiner, invitation=invitation)

    assert mail.outbox == []
    listed = chief_client.get(reverse("notifications:list"))
    assert [i["notification"].kind for i in listed.context["items"]] == ["members.member_joined"]


def test_profile_edit_tampered_choice_answers_400_and_keeps_input(chief_client, chief):
    response = chief_client.post(URL, profile_data(organisation="weekly"))

    assert response.status_code == 400
    errors = response.context["notification_form"].errors
    assert set(errors) == {"organisation"}
    with translation.override("de"):
        invalid = gettext("Select a valid choice. %(value)s is not one of the available choices.")
    assert errors["organisation"] == [invalid % {"value": "weekly"}]
    assert escape(errors["organisation"][0]) in response.text
    assert 'value="CTO"' in response.text and 'value="slag, zinc"' in response.text
    check_page(response.content)
    assert not NotificationPreference.objects.exists()
    assert not Profile.objects.filter(user=chief, position="CTO").exists()


def test_profile_edit_invalid_profile_keeps_chosen_preference_unsaved(chief_client):
    data = profile_data(organisation="digest")
    data["first_name"] = ""

    response = chief_client.post(URL, data)

    assert response.status_code == 400
    assert "first_name" in response.context["form"].errors
    assert radio("organisation", "digest", checked=True) in response.text
    assert not NotificationPreference.objects.exists()


def test_profile_edit_injected_transactional_choice_is_ignored(chief_client, chief):
    response = chief_client.post(URL, profile_data(organisation="off", invitations="off"))

    assert response.status_code == 302
    stored = dict(
        NotificationPreference.objects.filter(user=chief).values_list("category", "delivery")
    )
    assert stored == {"organisation": "off"}


def test_profile_edit_without_preference_fields_keeps_stored_choice(chief_client, chief):
    NotificationPreference.objects.create(user=chief, category="organisation", delivery="digest")

    response = chief_client.post(URL, profile_data())

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=chief).delivery == Delivery.DIGEST


def test_profile_edit_in_english_labels_choices_in_english(chief_client):
    response = chief_client.get("/en" + URL)

    with translation.override("en"):
        labels = [gettext("Immediately"), gettext("Daily digest"), gettext("Off")]
        heading = gettext("Email notifications")
    for label in labels:
        assert f">{escape(label)}</label>" in response.text
    assert escape(heading) in response.text
