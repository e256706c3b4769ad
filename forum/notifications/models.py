"""The notification outbox (PRODUCT.md 3.4).

A ``Notification`` row is written in the same transaction as the change that causes it, so
a rollback leaves none and a commit always leaves one, whatever happens to the broker
afterwards. Its email state is the single truth about delivery: a worker sends only while
holding the row lock and only from ``pending``, which makes delivery idempotent.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    PENDING = "pending", _("pending")
    DIGEST = "digest", _("waiting for the daily digest")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not sent by email")


class Delivery(models.TextChoices):
    """What a user chose for a category."""

    IMMEDIATELY = "immediately", _("Immediately")
    DIGEST = "digest", _("Daily digest")
    OFF = "off", _("Off")


class MassMail(models.Model):
    """One message an organiser writes to many people; each gets it as a notification."""

    subject_de = models.CharField(_("subject (German)"), max_length=200)
    body_de = models.TextField(_("message (German)"), max_length=20000)
    subject_en = models.CharField(
        _("subject (English)"),
        max_length=200,
        blank=True,
        help_text=_("Optional. Recipients who prefer English get this version if it is given."),
    )
    body_en = models.TextField(_("message (English)"), max_length=20000, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    audience = models.CharField(_("recipients"), max_length=200, blank=True)
    recipient_count = models.PositiveIntegerField(_("number of recipients"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("mass mail")
        verbose_name_plural = _("mass mails")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject_de

    def version(self, language: str) -> tuple[str, str]:
        """Subject and body in ``language`` when given, else the German ones."""
        if language == "en" and self.subject_en.strip() and self.body_en.strip():
            return self.subject_en, self.body_en
        return self.subject_de, self.body_de


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("Empty for people without an account, e.g. an invited address."),
    )
    email = models.EmailField(_("email address"), blank=True)
    category = models.CharField(_("category"), max_length=50)
    kind = models.CharField(_("kind"), max_length=80)
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    language = models.CharField(_("language"), max_length=8, default="de")
    dedup_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        blank=True,
        help_text=_("At most one notification exists per key."),
    )
    mass_mail = models.ForeignKey(
        MassMail,
        verbose_name=_("mass mail"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    email_state = models.CharField(
        _("email"), max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    email_last_error = models.TextField(_("last error"), blank=True)
    email_sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)

    in_app = models.BooleanField(_("in the notification list"), default=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=~Q(dedup_key=""),
                name="notifications_dedup_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email=""),
                name="notifications_has_recipient_or_email",
            ),
        ]
        indexes = [
            # The periodic re-dispatch scans only what is still to be sent.
            models.Index(
                fields=["email_next_attempt_at"],
                condition=Q(email_state="pending"),
                name="notifications_pending_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(email_state="digest"),
                name="notifications_digest_idx",
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(in_app=True),
                name="notifications_inbox_idx",
            ),
        ]

    def __str__(self):
        return self.subject or f"{self.kind} #{self.pk}"

    @property
    def address(self) -> str:
        return self.email or (self.recipient.email if self.recipient_id else "")

    @property
    def url(self) -> str:
        """Where the notification leads in the site (a path), if anywhere."""
        return self.context.get("url", "") if isinstance(self.context, dict) else ""


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    category = models.CharField(_("category"), max_length=50)
    delivery = models.CharField(
        _("email"), max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"], name="notifications_preference_unique"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.category} → {self.get_delivery_display()}"
