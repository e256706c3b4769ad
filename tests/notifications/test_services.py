"""Recording, dispatch and delivery of notifications (PRODUCT.md 3.4), with the locmem backend.

Delivery over a real SMTP socket is in test_smtp.py, races between threads in
test_concurrency.py.
"""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from forum.generations import Bump
from forum.notifications import registry, services
from forum.notifications.models import Delivery, EmailState, Notification, NotificationPreference
from forum.notifications.services import Recipient
from forum.notifications.tasks import deliver_batch_task
from members import services as member_services
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    UserFactory,
    organiser,
)

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

committed = pytest.mark.django_db(transaction=True)


def _joined(recipient, **kwargs):
    """A member_joined notification, the forum's plainest non-transactional kind."""
    return services.notify(
        kind="members.member_joined",
        recipient=recipient,
        context={
            "member_name": "Nora Kahl",
            "organisation_name": "Harzer Zinkhütte GmbH",
            "url": "/members/harzer-zinkhuette/people/",
        },
        **kwargs,
    )


def _prefer(user, category, delivery):
    NotificationPreference.objects.create(user=user, category=category, delivery=delivery)


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing to the broker fails as it does when Redis is unreachable."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_batch_task, "delay", refuse)
    monkeypatch.setattr(deliver_batch_task, "apply_async", refuse)


# --- Recording in the caller's transaction ------------------------------------------------


@committed
def test_notify_in_transaction_that_raises_leaves_no_row_and_no_mail():
    user = UserFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        _joined(user)
        raise RuntimeError("the change that caused it failed")

    assert not Notification.objects.exists()
    assert mail.outbox == []


@committed
def test_notify_in_transaction_that_commits_sends_exactly_one_mail():
    user = UserFactory()

    with transaction.atomic():
        notification = _joined(user)
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert notification.email_attempts == 1 and notification.email_sent_at is not None


def test_notify_rolled_back_savepoint_drops_its_dispatch(django_capture_on_commit_callbacks):
    user = UserFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _joined(user)
        raise RuntimeError

    assert callbacks == []
    assert not Notification.objects.exists() and mail.outbox == []


def test_notify_same_dedup_key_twice_keeps_one_row(django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        first = _joined(user, dedup_key="joined:42")
        second = _joined(user, dedup_key="joined:42")

    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_notify_without_recipient_or_address_is_refused():
    with pytest.raises(ValueError):
        services.notify(kind="members.member_joined", context={})


def test_notify_unknown_kind_is_refused():
    with pytest.raises(ImproperlyConfigured):
        services.notify(kind="members.no_such_kind", email="a@example.org")


def test_notify_url_is_stored_without_language_prefix():
    user = UserFactory()

    with translation.override("en"):
        url = reverse("members:home")
        notification = services.notify(
            kind="members.role_changed",
            recipient=user,
            context={"organisation_name": "X", "role": "admin", "actor_name": "Y", "url": url},
        )

    assert url == "/en/members/me/"
    assert notification.context["url"] == "/members/me/"


# --- Language ----------------------------------------------------------------------------


def test_notify_language_from_profile():
    user = ProfileFactory(preferred_language="en").user

    assert _joined(user).language == "en"


def test_notify_explicit_language_beats_profile():
    user = ProfileFactory(preferred_language="de").user

    assert _joined(user, language="en-gb").language == "en"


@pytest.mark.parametrize("explicit", [None, "fr", ""])
def test_notify_language_default_without_profile_or_known_language(explicit):
    user = UserFactory()

    assert _joined(user, language=explicit).language == "de"


def test_notify_address_only_gets_default_language():
    notification = services.notify(
        kind="members.member_joined",
        email="guest@example.org",
        context={"member_name": "N", "organisation_name": "O"},
    )

    assert notification.language == "de"
    assert notification.recipient is None and not notification.in_app


# --- Preferences at recording time -------------------------------------------------------


def test_notify_preference_off_skips_email_but_lists_in_app(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    _prefer(user, "organisation", Delivery.OFF)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _joined(user)

    assert notification.email_state == EmailState.SKIPPED
    # No delivery queued; the one callback left bumps the user's unread count (issue 17).
    assert [c for c in callbacks if not isinstance(c, Bump)] == [] and mail.outbox == []
    client.force_login(user)
    page = client.get(reverse("notifications:list"))
    assert [item["notification"] for item in page.context["items"]] == [notification]


def test_notify_preference_digest_waits_for_digest(django_capture_on_commit_callbacks):
    user = UserFactory()
    _prefer(user, "organisation", Delivery.DIGEST)

    with django_capture_on_commit_callbacks(execute=True):
        notification = _joined(user)

    assert notification.email_state == EmailState.DIGEST
    assert notification.in_app
    assert mail.outbox == []


def test_notify_preference_of_other_category_does_not_apply(django_capture_on_commit_callbacks):
    user = UserFactory()
    _prefer(user, "invitations", Delivery.OFF)

    with django_capture_on_commit_callbacks(execute=True):
        notification = _joined(user)

    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT


def test_notify_transactional_category_ignores_stored_preference(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user
    invitee = UserFactory(email="known@example.org")
    # Stored before the category became transactional, or written around the service.
    _prefer(invitee, "invitations", Delivery.OFF)

    with django_capture_on_commit_callbacks(execute=True):
        member_services.invitation_create(
            actor=admin, organisation=organisation, email="known@example.org"
        )

    notification = Notification.objects.get(kind="members.invitation")
    assert notification.recipient == invitee
    assert notification.email_state == EmailState.SENT
    assert [m.to for m in mail.outbox] == [["known@example.org"]]


def test_delivery_for_transactional_category_is_always_immediate():
    user = UserFactory()
    _prefer(user, "invitations", Delivery.DIGEST)

    assert services.delivery_for(user, "invitations") == Delivery.IMMEDIATELY


def test_preferences_of_lists_only_switchable_categories_with_defaults():
    user = UserFactory()
    _prefer(user, "organisation", Delivery.DIGEST)

    preferences = services.preferences_of(user)

    assert preferences["organisation"] == Delivery.DIGEST
    transactional = {c.key for c in registry.categories() if c.transactional}
    assert {"account", "invitations", "organiser_messages"} <= transactional
    assert not transactional & set(preferences)


def test_preferences_update_refuses_transactional_category():
    user = UserFactory()

    with pytest.raises(ValidationError) as caught:
        services.preferences_update(
            actor=user, user=user, preferences={"invitations": "off", "organisation": "off"}
        )

    assert set(caught.value.error_dict) == {"invitations"}
    # All or nothing: the valid choice next to it is not stored either.
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(
    "preferences", [{"organisation": "weekly"}, {"no_such_category": "off"}], ids=str
)
def test_preferences_update_refuses_unknown_values(preferences):
    user = UserFactory()

    with pytest.raises(ValidationError) as caught:
        services.preferences_update(actor=user, user=user, preferences=preferences)

    assert set(caught.value.error_dict) == set(preferences)


def test_preferences_update_for_someone_else_is_refused():
    user, other = UserFactory(), UserFactory()

    with pytest.raises(PermissionDenied):
        services.preferences_update(actor=other, user=user, preferences={"organisation": "off"})


def test_preferences_update_changes_existing_choice():
    user = UserFactory()
    _prefer(user, "organisation", Delivery.OFF)

    services.preferences_update(actor=user, user=user, preferences={"organisation": "digest"})

    assert services.delivery_for(user, "organisation") == Delivery.DIGEST
    assert NotificationPreference.objects.filter(user=user).count() == 1


# --- Many recipients ---------------------------------------------------------------------


def test_notify_many_same_address_once(django_capture_on_commit_callbacks):
    first = ProfileFactory(preferred_language="en").user
    second = UserFactory()
    recipients = [
        first,
        first,
        Recipient(email=first.email.upper()),
        second,
        Recipient(email="guest@example.org", language="en"),
        Recipient(email="Guest@Example.org"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify_many(
            kind="members.member_joined",
            recipients=recipients,
            context={"member_name": "N", "organisation_name": "O"},
        )

    assert len(created) == 3
    rows = {n.address.lower(): n for n in Notification.objects.all()}
    assert set(rows) == {first.email, second.email, "guest@example.org"}
    assert rows[first.email].language == "en" and rows[first.email].recipient == first
    assert rows["guest@example.org"].language == "en" and not rows["guest@example.org"].in_app
    assert sorted(m.to[0].lower() for m in mail.outbox) == sorted(rows)


def test_notify_many_follows_each_users_preference(django_capture_on_commit_callbacks):
    immediate, digest, off = UserFactory(), UserFactory(), UserFactory()
    _prefer(digest, "organisation", Delivery.DIGEST)
    _prefer(off, "organisation", Delivery.OFF)

    with django_capture_on_commit_callbacks(execute=True):
        services.notify_many(
            kind="members.member_joined",
            recipients=[immediate, digest, off],
            context={"member_name": "N", "organisation_name": "O"},
        )

    states = dict(Notification.objects.values_list("recipient", "email_state"))
    assert states == {
        immediate.pk: EmailState.SENT,
        digest.pk: EmailState.DIGEST,
        off.pk: EmailState.SKIPPED,
    }
    assert [m.to for m in mail.outbox] == [[immediate.email]]


def test_notify_many_rolled_back_with_caller_leaves_nothing(django_capture_on_commit_callbacks):
    users = [UserFactory() for _ in range(3)]

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify_many(
            kind="members.member_joined",
            recipients=users,
            context={"member_name": "N", "organisation_name": "O"},
        )
        raise RuntimeError

    assert callbacks == [] and not Notification.objects.exists() and mail.outbox == []


# --- Broker down -------------------------------------------------------------------------


def test_dispatch_broker_down_does_not_raise_and_row_stays_pending(broker_down, caplog):
    notification = NotificationFactory()

    with caplog.at_level(logging.WARNING, logger="forum.notifications.services"):
        services.dispatch([notification.pk])

    notification.refresh_from_db()
    assert notification.email_state == EmailState.PENDING and notification.email_attempts == 0
    assert mail.outbox == []
    assert "periodic dispatch will retry" in caplog.text


def test_invitation_create_broker_down_still_succeeds(
    broker_down, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user

    with django_capture_on_commit_callbacks(execute=True):
        invitation = member_services.invitation_create(
            actor=admin, organisation=organisation, email="new@example.org"
        )

    assert invitation.pk is not None
    notification = Notification.objects.get(kind="members.invitation")
    assert notification.email_state == EmailState.PENDING
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_notify_dispatch_failing_after_commit_is_logged_and_commit_stands(settings, caplog):
    """The after-commit dispatch is robust: when it fails (here a batch size of 0 makes it
    raise), Django logs the failure naming the callback, the caller's commit stands and the
    row waits for the periodic dispatch. A functools.partial there broke that logging."""
    settings.NOTIFICATIONS_BATCH_SIZE = 0
    user = UserFactory()

    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"), transaction.atomic():
        notification = _joined(user)

    notification.refresh_from_db()
    assert notification.email_state == EmailState.PENDING
    assert mail.outbox == []
    assert "dispatch_committed_notifications" in caplog.text


def test_dispatch_due_after_broker_outage_delivers(monkeypatch, django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused.")

    user = UserFactory()
    with monkeypatch.context() as outage:
        outage.setattr(deliver_batch_task, "delay", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            notification = _joined(user)
    assert mail.outbox == []

    # The broker is back; beat runs the periodic re-dispatch.
    with django_capture_on_commit_callbacks(execute=True):
        count = services.notification_dispatch_due(stale_after=0)

    assert count == 1
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert [m.to for m in mail.outbox] == [[user.email]]


# --- Periodic re-dispatch ----------------------------------------------------------------


def test_dispatch_due_picks_only_stale_pending_rows_and_moves_their_due_time(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    stale = NotificationFactory(stale=True)
    fresh = NotificationFactory(email_next_attempt_at=now - timedelta(seconds=60))
    retry_later = NotificationFactory(email_next_attempt_at=now + timedelta(minutes=5))
    others = [
        NotificationFactory(stale=True, sent=True),
        NotificationFactory(stale=True, failed=True),
        NotificationFactory(stale=True, digest=True),
        NotificationFactory(stale=True, email_state=EmailState.SKIPPED),
    ]
    before = {n.pk: n.email_next_attempt_at for n in [fresh, retry_later, *others]}

    with (
        override_settings(NOTIFICATIONS_STALE_AFTER=300),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        count = services.notification_dispatch_due()

    assert count == 1 and len(callbacks) == 1
    stale.refresh_from_db()
    assert stale.email_next_attempt_at >= now
    assert stale.email_state == EmailState.PENDING
    after = dict(
        Notification.objects.exclude(pk=stale.pk).values_list("pk", "email_next_attempt_at")
    )
    assert after == before

    # A second run right after leaves the re-queued row alone while it waits in the queue.
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert services.notification_dispatch_due() == 0
    assert again == []

    callbacks[0]()
    stale.refresh_from_db()
    assert stale.email_state == EmailState.SENT
    assert [m.to for m in mail.outbox] == [[stale.recipient.email]]


def test_dispatch_due_respects_limit(django_capture_on_commit_callbacks):
    rows = [NotificationFactory(stale=True) for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        count = services.notification_dispatch_due(limit=2)

    assert count == 2
    states = sorted(
        Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list(
            "email_state", flat=True
        )
    )
    assert states == [EmailState.PENDING, EmailState.SENT, EmailState.SENT]


# --- Delivery ----------------------------------------------------------------------------


def test_deliver_batch_same_id_twice_sends_once():
    notification = NotificationFactory()

    first = services.notification_deliver_batch(notification_ids=[notification.pk])
    second = services.notification_deliver_batch(notification_ids=[notification.pk])

    assert first == {"sent": 1} and second == {"skipped": 1}
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_attempts == 1


def test_deliver_batch_id_repeated_in_one_batch_sends_once():
    notification = NotificationFactory()

    outcomes = deliver_batch_task.delay([notification.pk, notification.pk]).get()

    assert outcomes == {"sent": 1, "skipped": 1}
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "state", [EmailState.SENT, EmailState.FAILED, EmailState.DIGEST, EmailState.SKIPPED]
)
def test_deliver_batch_sends_only_pending(state):
    notification = NotificationFactory(email_state=state)

    outcome = services.notification_deliver_batch(notification_ids=[notification.pk])

    assert outcome == {"skipped": 1} and mail.outbox == []


def test_deliver_batch_unknown_id_is_skipped_quietly():
    assert services.notification_deliver_batch(notification_ids=[987654]) == {"skipped": 1}


def test_deliver_batch_stores_subject_of_sent_mail():
    notification = NotificationFactory(
        context={"member_name": "Nora Kahl", "organisation_name": "Harzer Zinkhütte GmbH"}
    )

    services.notification_deliver_batch(notification_ids=[notification.pk])

    notification.refresh_from_db()
    assert notification.subject == mail.outbox[0].subject
    assert "Nora Kahl" in notification.subject


def test_deliver_batch_mass_mail_deleted_before_delivery_is_not_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        mass_mail = services.mass_mail_send(
            actor=organiser(), recipients=[UserFactory()], subject_de="Raum", body_de="Neu"
        )
    notification = mass_mail.notifications.get()
    # The row goes with its mass mail (CASCADE); a stale task id finds nothing to send.
    mass_mail.delete()

    assert services.notification_deliver_batch(notification_ids=[notification.pk]) == {"skipped": 1}
    assert mail.outbox == []


@pytest.fixture
def broken_kind():
    """A kind whose templates do not exist, as after a typo in a template name."""
    registry.register_kind(
        "tests.broken", category="organisation", template="mail/tests/does_not_exist"
    )
    yield "tests.broken"
    registry._kinds.pop("tests.broken", None)


def test_deliver_batch_unrenderable_notification_fails_and_rest_is_sent(broken_kind):
    broken = NotificationFactory(kind=broken_kind)
    fine = NotificationFactory()

    outcomes = services.notification_deliver_batch(notification_ids=[broken.pk, fine.pk])

    assert outcomes == {"failed": 1, "sent": 1}
    broken.refresh_from_db()
    assert broken.email_state == EmailState.FAILED
    assert "TemplateDoesNotExist" in broken.email_last_error
    assert [m.to for m in mail.outbox] == [[fine.recipient.email]]


def test_notification_resend_by_plain_staff_is_refused():
    staff = UserFactory(is_staff=True)
    failed = NotificationFactory(failed=True)

    with pytest.raises(PermissionDenied):
        services.notification_resend(actor=staff, notifications=[failed])


def test_notification_resend_puts_only_failed_back_and_sends(django_capture_on_commit_callbacks):
    failed = NotificationFactory(failed=True)
    sent = NotificationFactory(sent=True)

    with django_capture_on_commit_callbacks(execute=True):
        count = services.notification_resend(actor=organiser(), notifications=[failed, sent])

    assert count == 1
    failed.refresh_from_db()
    assert failed.email_state == EmailState.SENT and failed.email_attempts == 1
    assert [m.to for m in mail.outbox] == [[failed.recipient.email]]


# --- Retry timing ------------------------------------------------------------------------


@override_settings(NOTIFICATIONS_RETRY_BACKOFF=60)
def test_retry_delay_doubles_with_each_attempt():
    assert [services.retry_delay(n) for n in range(1, 6)] == [60, 120, 240, 480, 960]


# --- Mass mail ---------------------------------------------------------------------------


def test_can_send_mass_mail_only_active_organisers():
    inactive = organiser()
    inactive.is_active = False
    inactive.save()

    assert services.can_send_mass_mail(organiser())
    assert not services.can_send_mass_mail(inactive)
    assert not services.can_send_mass_mail(UserFactory(is_staff=True))
    assert not services.can_send_mass_mail(UserFactory())


def test_mass_mail_send_by_member_is_refused():
    with pytest.raises(PermissionDenied):
        services.mass_mail_send(
            actor=UserFactory(), recipients=[UserFactory()], subject_de="S", body_de="B"
        )


def test_mass_mail_send_without_recipients_is_refused():
    with pytest.raises(ValidationError):
        services.mass_mail_send(actor=organiser(), recipients=[], subject_de="S", body_de="B")


def test_mass_mail_send_english_subject_without_body_is_refused():
    with pytest.raises(ValidationError) as caught:
        services.mass_mail_send(
            actor=organiser(),
            recipients=[UserFactory()],
            subject_de="S",
            body_de="B",
            subject_en="Subject",
        )

    assert "subject_en" in caught.value.error_dict
    assert not Notification.objects.exists()


def test_mass_mail_send_records_one_row_per_address_and_count(django_capture_on_commit_callbacks):
    users = [UserFactory() for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        mass_mail = services.mass_mail_send(
            actor=organiser(),
            recipients=[*users, users[0], Recipient(email="gast@example.org", language="en")],
            subject_de="Raumänderung",
            body_de="Wir treffen uns in Raum 2.",
            audience="Test",
        )

    assert mass_mail.recipient_count == 4
    assert mass_mail.notifications.count() == 4
    assert len(mail.outbox) == 4


@pytest.mark.parametrize("delivery", [Delivery.OFF, Delivery.DIGEST])
def test_notify_row_not_sent_alone_still_has_subject_in_recipients_language(
    delivery, django_capture_on_commit_callbacks
):
    user = UserFactory()
    ProfileFactory(user=user, preferred_language="en")
    _prefer(user, "organisation", delivery)

    with django_capture_on_commit_callbacks(execute=True):
        notification = _joined(user)

    notification.refresh_from_db()
    with translation.override("en"):
        expected = translation.gettext("%(name)s joined %(organisation)s") % {
            "name": "Nora Kahl",
            "organisation": "Harzer Zinkhütte GmbH",
        }
    assert notification.subject == expected
    assert mail.outbox == []


def test_purge_old_deletes_only_old_finished_notifications_and_mass_mails(
    django_capture_on_commit_callbacks,
):
    from forum.notifications.models import MassMail

    long_ago = timezone.now() - timedelta(days=400)
    old_sent = NotificationFactory(email_state=EmailState.SENT, created_at=long_ago)
    old_failed = NotificationFactory(email_state=EmailState.FAILED, created_at=long_ago)
    old_pending = NotificationFactory(email_state=EmailState.PENDING, created_at=long_ago)
    recent_sent = NotificationFactory(email_state=EmailState.SENT)
    with django_capture_on_commit_callbacks(execute=False):
        old_mail = services.mass_mail_send(
            actor=organiser(), recipients=[UserFactory()], subject_de="Alt", body_de="Alt."
        )
    MassMail.objects.filter(pk=old_mail.pk).update(created_at=long_ago)
    old_mail.notifications.update(email_state=EmailState.SENT, created_at=long_ago)

    deleted = services.notification_purge_old()

    remaining = set(Notification.objects.values_list("pk", flat=True))
    assert old_sent.pk not in remaining and old_failed.pk not in remaining
    assert {old_pending.pk, recent_sent.pk} <= remaining
    assert not MassMail.objects.filter(pk=old_mail.pk).exists()
    assert deleted == 3
