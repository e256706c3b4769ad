"""The organisers' moderation page: who gets in, and publish / request changes / reject."""

import pytest
from django.urls import reverse

from forum.notifications.models import Notification
from research_needs.models import Need
from tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


def test_moderation_queue_visitors_log_in_members_get_404(client, owner, stranger):
    url = reverse("research_needs:moderation")

    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    for user in (owner, stranger):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_moderation_queue_lists_submitted_needs_oldest_first(client, organiser_user, sme):
    from datetime import timedelta

    from django.utils import timezone

    newer = NeedFactory(organisation=sme, submitted=True, title="Neuer")
    older = NeedFactory(
        organisation=sme,
        submitted=True,
        title="Älter",
        submitted_at=timezone.now() - timedelta(days=9),
    )
    NeedFactory(organisation=sme, draft=True, title="Entwurf")
    NeedFactory(organisation=sme, title="Veröffentlicht")
    client.force_login(organiser_user)

    response = client.get(reverse("research_needs:moderation"))

    assert response.status_code == 200
    assert list(response.context["needs"]) == [older, newer]


def test_publish_from_the_queue(client, organiser_user, sme, owner):
    need = NeedFactory(organisation=sme, submitted=True, created_by=owner)
    client.force_login(organiser_user)

    response = client.post(reverse("research_needs:publish", args=[need.pk]))

    need.refresh_from_db()
    assert response.status_code == 302
    assert need.status == Need.Status.PUBLISHED
    assert Notification.objects.filter(
        kind="research_needs.need_published", recipient=owner
    ).exists()


def test_request_changes_from_the_queue(client, organiser_user, sme, owner):
    need = NeedFactory(organisation=sme, submitted=True, created_by=owner)
    client.force_login(organiser_user)
    url = reverse("research_needs:request_changes", args=[need.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"comment": "Bitte Mengen angeben."})

    need.refresh_from_db()
    assert response.status_code == 302
    assert need.status == Need.Status.DRAFT
    assert need.moderation_comment == "Bitte Mengen angeben."
    client.force_login(owner)
    assert "Bitte Mengen angeben." in client.get(need.get_absolute_url()).text


def test_reject_from_the_queue(client, organiser_user, sme, owner):
    need = NeedFactory(organisation=sme, submitted=True, created_by=owner)
    client.force_login(organiser_user)

    client.post(reverse("research_needs:reject", args=[need.pk]), {"comment": "Kein Bedarf."})

    need.refresh_from_db()
    assert (need.status, need.close_reason) == ("closed", "rejected")


def test_publish_twice_reports_instead_of_failing(client, organiser_user, sme):
    need = NeedFactory(organisation=sme)
    client.force_login(organiser_user)

    response = client.post(reverse("research_needs:publish", args=[need.pk]), follow=True)

    assert response.status_code == 200
    assert list(response.context["messages"])


@pytest.mark.parametrize("name", ["publish", "request_changes", "reject"])
def test_moderation_actions_404_for_members(client, owner, sme, name):
    need = NeedFactory(organisation=sme, submitted=True)
    client.force_login(owner)

    response = client.post(reverse(f"research_needs:{name}", args=[need.pk]), {"comment": "x"})

    assert response.status_code == 404
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED


def test_moderation_of_a_missing_need_is_404(client, organiser_user):
    client.force_login(organiser_user)

    assert client.post(reverse("research_needs:publish", args=[999999])).status_code == 404
