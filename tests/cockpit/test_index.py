"""The organisers' start page at /admin/ (issue 15): what waits, next events, recent
activity, the apps grouped by task, technical tables hidden from organisers."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from forum.cockpit import groups
from forum.notifications.models import Notification
from tests.factories import (
    AnswerFactory,
    EventFactory,
    NeedFactory,
    OrganisationFactory,
    RegistrationFactory,
    StandFactory,
)

INDEX = "/admin/"


def _waiting(response):
    return {item["key"]: item for item in response.context["cockpit"]["waiting"]}


def _failed_notification(**extra):
    return Notification.objects.create(
        email="x@example.org", category="system", kind="test.kind", email_state="failed", **extra
    )


def _everything(n):
    """n of each kind of waiting work, and n of what should not be counted."""
    now = timezone.now()
    for _ in range(n):
        NeedFactory(submitted=True)
        NeedFactory(published_at=now - timedelta(days=40))  # unanswered, old
        AnswerFactory(need=NeedFactory(published_at=now - timedelta(days=40)))  # answered
        NeedFactory(published_at=now - timedelta(days=5))  # unanswered but young
        OrganisationFactory(status="pending")
        StandFactory()
        StandFactory(confirmed=True)
        _failed_notification()
        Notification.objects.create(
            email="y@example.org", category="system", kind="test.kind", email_state="sent"
        )
        event = EventFactory(capacity=10)
        RegistrationFactory(event=event)
        RegistrationFactory(event=event, waitlisted=True)
        RegistrationFactory(event=event, pending=True)
        AnswerFactory(accepted=True)


def test_waiting_counts_and_links_match_the_filtered_lists(client, organiser_user):
    _everything(2)
    client.force_login(organiser_user)

    response = client.get(INDEX)

    assert response.status_code == 200
    waiting = _waiting(response)
    assert {key: item["count"] for key, item in waiting.items()} == {
        "needs_to_moderate": 2,
        "organisations_to_approve": 2,
        "stands_to_decide": 2,
        "failed_emails": 2,
        "unanswered_needs": 2,
    }
    # Each link opens an admin list showing exactly that many rows.
    for key, item in waiting.items():
        page = client.get(item["url"])
        assert page.status_code == 200, key
        assert page.context["cl"].result_count == item["count"], key


def test_next_events_show_seats(client, organiser_user):
    event = EventFactory(capacity=5, title="Batterietag")
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, waitlisted=True)
    RegistrationFactory(event=event, pending=True)
    RegistrationFactory(event=event, cancelled=True)
    EventFactory(past=True)
    EventFactory(draft=True)
    client.force_login(organiser_user)

    response = client.get(INDEX)

    rows = response.context["cockpit"]["next_events"]
    assert [
        (r["event"].title, r["taken"], r["free"], r["waiting"], r["unconfirmed"]) for r in rows
    ] == [("Batterietag", 2, 3, 1, 1)]
    assert b"Batterietag" in response.content


def test_recent_activity_counts_the_last_30_days(client, organiser_user):
    now = timezone.now()
    NeedFactory(submitted=True, submitted_at=now - timedelta(days=1), title="Neu eingereicht")
    NeedFactory(submitted_at=now - timedelta(days=60), published_at=now - timedelta(days=59))
    AnswerFactory(need=NeedFactory(submitted_at=now - timedelta(days=90)))
    AnswerFactory(accepted=True, need=NeedFactory(submitted_at=now - timedelta(days=90)))
    client.force_login(organiser_user)

    response = client.get(INDEX)

    sections = {s["key"]: s for s in response.context["cockpit"]["recent"]["sections"]}
    assert sections["needs"]["count"] == 1
    assert sections["needs"]["items"][0]["title"] == "Neu eingereicht"
    assert sections["answers"]["count"] == 2
    assert sections["cooperations"]["count"] == 1


@pytest.mark.parametrize("n", [1, 30])
def test_index_queries_are_bounded(client, organiser_user, django_assert_num_queries, n):
    _everything(n)
    client.force_login(organiser_user)
    client.get(INDEX)  # warm the content-type cache

    with django_assert_num_queries(15):  # -1: the session comes from the cache (issue 17)
        response = client.get(INDEX)

    assert response.status_code == 200


def _app_list(client, user):
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    return response.context["app_list"]


def test_organisers_see_the_apps_grouped_by_task_without_technical_tables(client, organiser_user):
    app_list = _app_list(client, organiser_user)

    assert [app["app_label"] for app in app_list] == [
        "needs",
        "events",
        "members",
        "communication",
        "settings",
    ]
    labels = {m["model"]._meta.label for app in app_list for m in app["models"]}
    assert not labels & groups.TECHNICAL
    communication = next(app for app in app_list if app["app_label"] == "communication")
    failed = next(m for m in communication["models"] if m["model"] is Notification)
    assert failed["admin_url"].endswith("?email_state__exact=failed")
    assert "auditlog.LogEntry" in labels


def test_superusers_see_every_registered_model(client, superuser):
    app_list = _app_list(client, superuser)

    labels = {m["model"]._meta.label for app in app_list for m in app["models"]}
    assert labels == {model._meta.label for model in admin.site._registry}
    assert app_list[-1]["app_label"] == "technical"


def test_every_registered_model_is_placed_on_purpose():
    placed = {label for _key, _name, labels in groups.GROUPS for label in labels}
    for model in admin.site._registry:
        assert model._meta.label in placed | groups.TECHNICAL, model._meta.label


def test_technical_tables_are_hidden_on_the_app_pages_too(client, organiser_user):
    client.force_login(organiser_user)

    response = client.get(reverse("admin:app_list", args=["events"]))

    names = {m["object_name"] for m in response.context["app_list"][0]["models"]}
    assert "CalendarFeed" not in names and "Registration" in names


def test_plain_staff_see_the_app_list_without_the_cockpit(client, staff_user):
    client.force_login(staff_user)

    response = client.get(INDEX)

    assert response.status_code == 200
    assert "cockpit" not in response.context


@pytest.mark.parametrize(
    "language, text", [("de", "Was auf Sie wartet"), ("en", "What waits for you")]
)
def test_start_page_in_both_languages(client, organiser_user, language, text):
    client.force_login(organiser_user)

    response = client.get(f"/{language}/admin/" if language == "en" else INDEX)

    assert text in response.content.decode()
