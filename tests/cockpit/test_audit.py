"""The audit trail (issue 15): moderation, organisation approval, registrations and
check-ins are logged with actor, time and the values before and after; nothing personal."""

import json

from auditlog.models import LogEntry
from django.urls import reverse

from events.models import Registration
from events.services import registration_check_in
from forum.cockpit.admin import readable
from members.models import Organisation
from research_needs.models import Need
from tests.factories import (
    AnswerFactory,
    EventFactory,
    NeedFactory,
    OrganisationFactory,
    RegistrationFactory,
)


def _entries(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def test_moderation_through_the_page_logs_actor_and_before_after(client, organiser_user):
    need = NeedFactory(submitted=True)
    client.force_login(organiser_user)

    response = client.post(reverse("research_needs:publish", args=[need.pk]))

    assert response.status_code == 302
    entry = _entries(need).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == organiser_user
    assert entry.changes_dict["status"] == ["submitted", "published"]
    assert entry.timestamp is not None
    assert entry.remote_addr is None  # the actor is enough


def test_answer_decision_is_logged(organiser_user):
    answer = AnswerFactory()

    answer.status = "accepted"
    answer.save()

    entry = _entries(answer).last()
    assert entry.changes_dict == {"status": ["submitted", "accepted"]}
    assert entry.actor is None  # no request: a service called from a task has no actor


def test_organisation_approval_in_the_admin_is_logged(client, organiser_user):
    organisation = OrganisationFactory(status=Organisation.Status.PENDING)
    client.force_login(organiser_user)

    client.post(
        reverse("admin:members_organisation_changelist"),
        {"action": "approve", "_selected_action": [organisation.pk]},
    )

    organisation.refresh_from_db()
    assert organisation.status == "approved"
    entry = _entries(organisation).last()
    assert entry.actor == organiser_user
    assert entry.changes_dict["status"] == ["pending", "approved"]


def test_check_in_is_logged_without_personal_data(organiser_user):
    registration = RegistrationFactory(
        name="Erika Musterfrau",
        dietary_needs="vegan, keine Nüsse",
        accessibility_needs="Rollstuhl",
    )

    registration_check_in(registration=registration, actor=organiser_user)

    registration.refresh_from_db()
    entry = _entries(registration).last()
    assert registration.checked_in_at is not None
    assert entry.changes_dict["checked_in_at"][0] == "None"
    stored = json.dumps(
        list(LogEntry.objects.values("changes", "changes_text", "object_repr", "additional_data")),
        default=str,
    )
    for secret in ["Musterfrau", registration.email, "vegan", "Rollstuhl"]:
        assert secret not in stored
    assert entry.object_repr == f"#{registration.pk}"


def test_registration_status_and_days_are_logged(organiser_user):
    registration = RegistrationFactory(event=EventFactory(two_days=True))
    first_day = registration.event.days()[0]

    registration.days = [first_day]
    registration.save()
    Registration.objects.get(pk=registration.pk)
    registration.status = "cancelled"
    registration.save()

    days_entry, status_entry = _entries(registration)[1:]
    assert list(days_entry.changes_dict) == ["days"]
    assert status_entry.changes_dict == {"status": ["confirmed", "cancelled"]}
    # Shown in the admin as dates, not as Python's text of them.
    field = Registration._meta.get_field("days")
    assert readable(field, days_entry.changes_dict["days"][0]) == "\u2013"
    assert readable(field, days_entry.changes_dict["days"][1]) == first_day.strftime("%d.%m.%Y")


def test_organisers_read_the_audit_trail_in_german(client, organiser_user):
    need = NeedFactory(submitted=True)
    client.force_login(organiser_user)
    client.post(reverse("research_needs:publish", args=[need.pk]))

    listing = client.get(reverse("admin:auditlog_logentry_changelist"))
    entry = _entries(need).last()
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))

    assert listing.status_code == 200
    html = listing.content.decode()
    assert "1 Änderung: Status" in html
    assert "Protokolleinträge" in html or "Protokolleintrag" in html
    assert detail.status_code == 200
    detail_html = detail.content.decode()
    assert "<td>Status</td><td>Wartet auf Moderation</td><td>Veröffentlicht</td>" in detail_html
    assert "Geändert: " in detail_html


def test_members_cannot_read_the_audit_trail(client, member_user, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403
    client.force_login(member_user)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 302


def test_erasing_the_actor_keeps_the_entry_without_naming_them(client, organiser_user):
    from forum.privacy import registry

    need = NeedFactory(submitted=True)
    client.force_login(organiser_user)
    client.post(reverse("research_needs:publish", args=[need.pk]))
    exported = registry.export_user_data(organiser_user)["audit"]
    assert exported[-1]["changes"]["status"] == ["submitted", "published"]

    registry.erase_user(organiser_user)

    entry = _entries(need).last()
    assert entry.actor_id is None and entry.actor_email is None
    assert entry.changes_dict["status"] == ["submitted", "published"]


def test_need_edits_outside_moderation_are_not_logged(db):
    need = NeedFactory()
    before = _entries(need).count()

    Need.objects.filter(pk=need.pk).get().save()  # no tracked field changed

    assert _entries(need).count() == before
