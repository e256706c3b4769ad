"""The needs admin for organisers: lists, search, and moderation actions through services."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from research_needs.models import Need
from tests.factories import AnswerFactory, NeedFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["need", "answer", "conversation"])
def test_admin_lists_and_search_for_organisers(client, organiser_user, sme, model):
    AnswerFactory(need=NeedFactory(organisation=sme, title="Batteriegehäuse"))
    client.force_login(organiser_user)

    listing = client.get(reverse(f"admin:research_needs_{model}_changelist"))
    search = client.get(reverse(f"admin:research_needs_{model}_changelist"), {"q": "Batterie"})

    assert listing.status_code == 200
    assert search.status_code == 200


def test_admin_change_page_for_organisers(client, organiser_user, sme):
    need = NeedFactory(organisation=sme)
    client.force_login(organiser_user)

    response = client.get(reverse("admin:research_needs_need_change", args=[need.pk]))

    assert response.status_code == 200


def _action(client, action, needs, **extra):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [n.pk for n in needs], **extra}
    return client.post(reverse("admin:research_needs_need_changelist"), data)


def test_admin_publish_action(client, organiser_user, sme):
    submitted = NeedFactory(organisation=sme, submitted=True)
    draft = NeedFactory(organisation=sme, draft=True)
    client.force_login(organiser_user)

    response = _action(client, "publish", [submitted, draft])

    assert response.status_code == 302
    assert Need.objects.get(pk=submitted.pk).status == "published"
    assert Need.objects.get(pk=draft.pk).status == "draft"


def test_admin_request_changes_asks_for_a_comment_first(client, organiser_user, sme):
    need = NeedFactory(organisation=sme, submitted=True)
    client.force_login(organiser_user)

    page = _action(client, "request_changes", [need])
    assert page.status_code == 200
    assert Need.objects.get(pk=need.pk).status == "submitted"
    empty = _action(client, "request_changes", [need], apply="1", comment="")
    assert empty.status_code == 400
    done = _action(client, "request_changes", [need], apply="1", comment="Bitte präzisieren.")

    assert done.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.moderation_comment) == ("draft", "Bitte präzisieren.")


def test_admin_reject_action(client, organiser_user, sme):
    need = NeedFactory(organisation=sme, submitted=True)
    client.force_login(organiser_user)

    _action(client, "reject", [need], apply="1", comment="Kein Forschungsbedarf.")

    need.refresh_from_db()
    assert (need.status, need.close_reason) == ("closed", "rejected")


def test_admin_is_closed_to_members(client, owner):
    client.force_login(owner)

    response = client.get(reverse("admin:research_needs_need_changelist"))

    assert response.status_code == 302
