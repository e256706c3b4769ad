"""Organiser screens: the outbox, resending failed mail, and "write an email" on users."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from forum.notifications import services
from forum.notifications.models import EmailState, MassMail, Notification
from members.models import User
from tests.factories import ProfileFactory, UserFactory, organiser

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

OUTBOX = "admin:notifications_notification_changelist"
USERS = "admin:members_user_changelist"


def de(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def organiser_client(client):
    client.force_login(organiser(email="orga@rewimet.example"))
    return client


def staff_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def offered_actions(response) -> set[str]:
    form = response.context["action_form"]
    return set() if form is None else {name for name, _label in form.fields["action"].choices}


def shown(response) -> set[int]:
    return {n.pk for n in response.context["cl"].result_list}


# --- Who may open the outbox -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("member", 302), ("staff", 403), ("organiser", 200), ("superuser", 200)],
)
@pytest.mark.parametrize(
    "url_name",
    [OUTBOX, "admin:notifications_massmail_changelist", "admin:notifications_notification_change"],
)
def test_outbox_admin_permissions(client, role, expected, url_name):
    notification = NotificationFactory(failed=True)
    users = {
        "member": UserFactory,
        "staff": lambda: UserFactory(is_staff=True),
        "organiser": organiser,
        "superuser": lambda: User.objects.create_superuser(email="boss@example.org", password="x"),
    }
    if role != "anonymous":
        client.force_login(users[role]())
    args = [notification.pk] if url_name.endswith("_change") else []

    response = client.get(reverse(url_name, args=args))

    assert response.status_code == expected
    if expected == 302:
        assert reverse("admin:login") in response.url


def test_outbox_changelist_has_filters_and_search(organiser_client):
    response = organiser_client.get(reverse(OUTBOX))

    assert response.status_code == 200
    titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    with translation.override("de"):
        for title in ["email", "category", "kind"]:
            assert gettext(title) in titles
    assert response.context["cl"].search_fields


def test_outbox_changelist_filters_by_state_category_and_kind(organiser_client):
    failed = NotificationFactory(failed=True)
    NotificationFactory(sent=True)
    NotificationFactory(failed=True, kind="members.role_changed")
    NotificationFactory(failed=True, category="invitations", kind="members.invitation")

    by_state = organiser_client.get(reverse(OUTBOX), {"email_state__exact": "sent"})
    combined = organiser_client.get(
        reverse(OUTBOX),
        {
            "email_state__exact": "failed",
            "category": "organisation",
            "kind__exact": "members.member_joined",
        },
    )

    assert len(shown(by_state)) == 1
    assert shown(combined) == {failed.pk}


def test_outbox_changelist_category_filter_shows_labels(organiser_client):
    NotificationFactory()

    response = organiser_client.get(reverse(OUTBOX))

    assert escape(de("Your organisation")) in response.text
    assert "?category=organisation" in response.text


def test_outbox_changelist_search_by_address_and_error(organiser_client):
    target = NotificationFactory(failed=True, recipient=UserFactory(email="nora.kahl@example.org"))
    guest = NotificationFactory(recipient=None, email="gast@harz.example")
    NotificationFactory()

    by_recipient = organiser_client.get(reverse(OUTBOX), {"q": "nora.kahl"})
    by_address = organiser_client.get(reverse(OUTBOX), {"q": "gast@harz"})
    by_error = organiser_client.get(reverse(OUTBOX), {"q": "451"})

    assert shown(by_recipient) == {target.pk}
    assert shown(by_address) == {guest.pk}
    assert shown(by_error) == {target.pk}


def test_outbox_cannot_add_or_edit(organiser_client):
    notification = NotificationFactory(failed=True)

    add = organiser_client.get(reverse("admin:notifications_notification_add"))
    view = organiser_client.get(
        reverse("admin:notifications_notification_change", args=[notification.pk])
    )
    edit = organiser_client.post(
        reverse("admin:notifications_notification_change", args=[notification.pk]),
        {"email_state": "sent", "email": "other@example.org"},
    )
    delete = organiser_client.post(
        reverse("admin:notifications_notification_delete", args=[notification.pk]),
        {"post": "yes"},
    )

    assert add.status_code == 403
    assert view.status_code == 200 and 'name="email_state"' not in view.text
    assert "451" in view.text  # the last error is visible to organisers
    assert edit.status_code == 403 and delete.status_code == 403
    notification.refresh_from_db()
    assert notification.email_state == EmailState.FAILED


def test_outbox_offers_resend_but_not_delete(organiser_client):
    NotificationFactory()

    response = organiser_client.get(reverse(OUTBOX))

    actions = offered_actions(response)
    assert "resend_failed" in actions and "delete_selected" not in actions


def test_outbox_resend_action_sends_failed_again(
    organiser_client, django_capture_on_commit_callbacks
):
    failed = [NotificationFactory(failed=True) for _ in range(2)]
    sent = NotificationFactory(sent=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse(OUTBOX),
            {"action": "resend_failed", "_selected_action": [n.pk for n in [*failed, sent]]},
            follow=True,
        )

    assert response.status_code == 200
    with translation.override("de"):
        queued = ngettext(
            "%(count)d notification is queued again.",
            "%(count)d notifications are queued again.",
            2,
        ) % {"count": 2}
    assert queued in [str(m) for m in response.context["messages"]]
    for notification in failed:
        notification.refresh_from_db()
        assert notification.email_state == EmailState.SENT
        assert notification.email_attempts == 1 and notification.email_last_error == ""
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.recipient.email for n in failed)
    sent.refresh_from_db()
    assert sent.email_attempts == 1


def test_outbox_resend_without_change_permission_is_not_offered(
    client, django_capture_on_commit_callbacks
):
    viewer = staff_with("view_notification")
    failed = NotificationFactory(failed=True)
    client.force_login(viewer)

    page = client.get(reverse(OUTBOX))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(OUTBOX), {"action": "resend_failed", "_selected_action": [failed.pk]})

    assert page.status_code == 200
    assert "resend_failed" not in offered_actions(page)
    failed.refresh_from_db()
    assert failed.email_state == EmailState.FAILED and mail.outbox == []


def test_mass_mail_admin_shows_delivery_and_is_read_only(
    organiser_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        mass_mail = services.mass_mail_send(
            actor=organiser(),
            recipients=[UserFactory(), UserFactory()],
            subject_de="S",
            body_de="B",
        )

    view = organiser_client.get(reverse("admin:notifications_massmail_change", args=[mass_mail.pk]))
    add = organiser_client.get(reverse("admin:notifications_massmail_add"))

    assert view.status_code == 200
    assert f"{escape(de('pending'))}: 2" in view.text
    assert add.status_code == 403


# --- "Write an email" on users -----------------------------------------------------------


@pytest.fixture
def people(db):
    german = UserFactory(first_name="Nora", last_name="Kahl")
    english = UserFactory(first_name="Jonas", last_name="Wendt")
    ProfileFactory(user=english, preferred_language="en")
    inactive = UserFactory(is_active=False)
    return german, english, inactive


def choose(client, selected, **data):
    return client.post(
        reverse(USERS),
        {"action": "write_email", "_selected_action": [u.pk for u in selected], **data},
    )


def test_write_email_shows_form_with_active_recipients(organiser_client, people):
    german, english, inactive = people

    response = choose(organiser_client, people)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/notifications/mass_mail_compose.html"
    assert response.context["addresses"] == sorted([german.email, english.email])
    assert inactive.email not in response.text
    for field in ["subject_de", "body_de", "subject_en", "body_en"]:
        assert f'name="{field}"' in response.text
    assert 'name="apply"' in response.text
    assert response.text.count('name="_selected_action"') == 3


def test_write_email_apply_sends_one_per_active_user(
    organiser_client, people, django_capture_on_commit_callbacks
):
    german, english, _inactive = people

    with django_capture_on_commit_callbacks(execute=True):
        response = choose(
            organiser_client,
            people,
            apply="1",
            subject_de="Raumänderung",
            body_de="Wir treffen uns in Raum 2.",
            subject_en="Room change",
            body_en="We meet in room 2.",
        )

    assert response.status_code == 302 and response.url == reverse(USERS)
    mass_mail = MassMail.objects.get()
    assert mass_mail.recipient_count == 2
    assert mass_mail.sender.email == "orga@rewimet.example"
    rows = Notification.objects.filter(mass_mail=mass_mail)
    assert sorted(rows.values_list("recipient", flat=True)) == sorted([german.pk, english.pk])
    assert set(rows.values_list("email_state", flat=True)) == {EmailState.SENT}
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {german.email, english.email}
    assert by_address[german.email].subject == "Raumänderung"
    assert "Wir treffen uns in Raum 2." in by_address[german.email].body
    assert by_address[english.email].subject == "Room change"
    assert "We meet in room 2." in by_address[english.email].body
    assert by_address[english.email].reply_to == ["orga@rewimet.example"]


def test_write_email_apply_reports_success(organiser_client, people):
    response = organiser_client.post(
        reverse(USERS),
        {
            "action": "write_email",
            "_selected_action": [people[0].pk],
            "apply": "1",
            "subject_de": "S",
            "body_de": "B",
        },
        follow=True,
    )

    with translation.override("de"):
        done = ngettext(
            "The message is on its way to %(count)d person.",
            "The message is on its way to %(count)d people.",
            1,
        ) % {"count": 1}
    assert done in [str(m) for m in response.context["messages"]]


def test_write_email_without_german_subject_answers_400_and_keeps_input(organiser_client, people):
    response = choose(
        organiser_client,
        people,
        apply="1",
        subject_de="",
        body_de="Wir treffen uns in Raum 2.",
        subject_en="Room change",
        body_en="We meet in room 2.",
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"subject_de"}
    assert "Wir treffen uns in Raum 2.</textarea>" in response.text
    assert 'value="Room change"' in response.text
    assert response.text.count('name="_selected_action"') == 3
    assert not MassMail.objects.exists() and not Notification.objects.exists()


def test_write_email_english_subject_without_body_answers_400(organiser_client, people):
    response = choose(
        organiser_client,
        people,
        apply="1",
        subject_de="Raumänderung",
        body_de="Raum 2.",
        subject_en="Room change",
        body_en="",
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors == {"body_en": [de("Give the English message too, or leave both empty.")]}
    assert escape(errors["body_en"][0]) in response.text
    assert 'value="Room change"' in response.text and 'value="Raumänderung"' in response.text
    assert not MassMail.objects.exists()


def test_write_email_only_inactive_selected_answers_400(organiser_client, people):
    response = choose(organiser_client, [people[2]], apply="1", subject_de="S", body_de="B")

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [de("Choose at least one recipient.")]
    assert not MassMail.objects.exists()


def test_write_email_plain_member_gets_no_access(client, people):
    client.force_login(UserFactory())

    response = choose(client, people, apply="1", subject_de="S", body_de="B")

    assert response.status_code == 302 and reverse("admin:login") in response.url
    assert not MassMail.objects.exists() and mail.outbox == []


def test_write_email_staff_without_mass_mail_permission_is_not_offered(client, people):
    client.force_login(staff_with("view_user"))

    page = client.get(reverse(USERS))
    response = choose(client, people, apply="1", subject_de="S", body_de="B")

    assert page.status_code == 200
    assert "write_email" not in offered_actions(page)
    # Django's answer to an unknown action: the list again, without the compose page.
    assert response.status_code == 200
    assert "admin/notifications/mass_mail_compose.html" not in [t.name for t in response.templates]
    assert not MassMail.objects.exists()
