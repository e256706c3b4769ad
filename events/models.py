"""Events, rooms, programme, speakers, stands, registrations and session sign-ups (PRODUCT.md 3.3).

All datetimes are aware and shown in Europe/Berlin (TIME_ZONE)."""

import secrets
import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

LANGUAGE_CHOICES = [("de", _("German")), ("en", _("English"))]


def _secret() -> str:
    return secrets.token_urlsafe(32)


class Event(models.Model):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        FORUM = "forum", _("Forum")
        EXCURSION = "excursion", _("Excursion or company visit")
        SYMPOSIUM = "symposium", _("Symposium")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    venue_name = models.CharField(_("venue"), max_length=200)
    venue_address = models.TextField(_("venue address"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="de")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"),
        null=True,
        blank=True,
        help_text=_("Empty: registration is open as soon as the event is published."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: registration stays open until the event starts."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    waiting_list = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When the event is full, further registrations join a waiting list."),
    )
    host = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("hosted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_events",
    )
    programme_pdf = models.FileField(
        _("programme PDF"), upload_to="events/programmes/", blank=True, editable=False
    )
    programme_pdf_built_at = models.DateTimeField(
        _("programme PDF built"), null=True, blank=True, editable=False
    )
    badges_pdf = models.FileField(
        _("badges PDF"), upload_to="events/badges/", blank=True, editable=False
    )
    badges_pdf_built_at = models.DateTimeField(
        _("badges PDF built"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "title"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="events_event_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if closes and self.ends_at and closes > self.ends_at:
            errors["registration_closes_at"] = _(
                "Registration cannot close after the event has ended."
            )
        if errors:
            raise ValidationError(errors)

    def days(self) -> list[date]:
        """The Europe/Berlin dates from start to end, both included."""
        first = timezone.localtime(self.starts_at, BERLIN).date()
        last = timezone.localtime(self.ends_at, BERLIN).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    @property
    def is_multi_day(self) -> bool:
        return len(self.days()) > 1

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    def registration_state(self, now=None) -> str:
        """One of "open", "not_yet", "closed", "cancelled", "draft", "past"."""
        now = now or timezone.now()
        if self.status == self.Status.DRAFT:
            return "draft"
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if self.starts_at <= now:
            return "past"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        return "open"

    @property
    def registration_is_open(self) -> bool:
        return self.registration_state() == "open"


class Room(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["event", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="events_room_unique_name"),
        ]

    def __str__(self):
        return self.name


class Speaker(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="speakers"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
    )
    organisation_name = models.CharField(
        _("organisation (if not a member)"), max_length=200, blank=True
    )
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_roles",
    )

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["event", "name"]

    def __str__(self):
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name

    @property
    def affiliation(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        return self.organisation_name


class ProgrammeItem(models.Model):
    class Kind(models.TextChoices):
        TALK = "talk", _("Talk")
        KEYNOTE = "keynote", _("Keynote")
        PANEL = "panel", _("Panel")
        WORKSHOP_SESSION = "workshop_session", _("Workshop session")
        BREAK = "break", _("Break")
        NETWORKING = "networking", _("Networking")
        EXHIBITION = "exhibition", _("Exhibition")
        EXCURSION = "excursion", _("Excursion")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TALK)
    title = models.CharField(_("title"), max_length=200)
    abstract = models.TextField(_("abstract"), max_length=4000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("speakers"), related_name="items", blank=True
    )
    track = models.CharField(_("track"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Set only when attendees sign up for this session separately."),
    )

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        ordering = ["starts_at", "room__name", "title"]
        indexes = [models.Index(fields=["event", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="events_item_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:item", kwargs={"slug": self.event.slug, "pk": self.pk})

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The item must end after it starts.")
        event = self.event if self.event_id else None
        timed = event and self.starts_at and self.ends_at and "ends_at" not in errors
        if timed and (self.starts_at < event.starts_at or self.ends_at > event.ends_at):
            errors["starts_at"] = _("The item must lie within the event's dates.")
        if event and self.room_id and self.room.event_id != event.pk:
            errors["room"] = _("The room belongs to another event.")
        if errors:
            raise ValidationError(errors)

    @property
    def local_date(self) -> date:
        return timezone.localtime(self.starts_at, BERLIN).date()

    @property
    def has_signup(self) -> bool:
        return self.capacity is not None


class Stand(models.Model):
    class Kind(models.TextChoices):
        TABLE = "table", _("Table")
        BOOTH = "booth", _("Booth")
        POSTER = "poster", _("Poster")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="stands"
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="stands",
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stand_applications",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TABLE)
    description = models.TextField(_("description"), max_length=2000)
    needs_power = models.BooleanField(_("needs power"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    number = models.CharField(_("stand number"), max_length=20, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        verbose_name = _("stand")
        verbose_name_plural = _("stands")
        ordering = ["event", "number", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"],
                condition=~models.Q(status="declined"),
                name="events_stand_one_active_per_org",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} @ {self.event}"


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending (address not confirmed)")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    days = ArrayField(
        models.DateField(),
        verbose_name=_("days"),
        default=list,
        blank=True,
        help_text=_("Empty: the whole event."),
    )
    dietary_needs = models.CharField(_("dietary needs"), max_length=500, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=500, blank=True)
    list_consent = models.BooleanField(_("appears in the attendee list"), default=False)
    list_consent_at = models.DateTimeField(_("attendee list consent given"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="de")
    token = models.CharField(max_length=64, unique=True, default=_secret, editable=False)
    checkin_code = models.CharField(max_length=64, unique=True, default=_secret, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waitlisted"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="events_registration_email"),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")),
                name="events_registration_email_lower",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlisted_at"]),
            models.Index(fields=["email"]),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}> @ {self.event}"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:registration", kwargs={"token": self.token})

    @property
    def display_organisation(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        return self.organisation_name

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    def day_labels(self):
        return sorted(self.days)


class SessionSignup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="session_signups",
    )
    item = models.ForeignKey(
        ProgrammeItem,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="signups",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(_("waitlisted"), null=True, blank=True)

    class Meta:
        verbose_name = _("session sign-up")
        verbose_name_plural = _("session sign-ups")
        ordering = ["item", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "item"], name="events_signup_once_per_item"
            ),
        ]

    def __str__(self):
        return f"{self.registration.name} → {self.item}"


class CalendarFeed(models.Model):
    """The secret address of a user's personal calendar of registrations and sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(max_length=64, unique=True, default=_secret, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user}"

    def get_absolute_url(self):
        return reverse("events:feed", kwargs={"token": self.token})


from .models_agenda import AgendaStar  # noqa: E402, F401
from .models_meetings import *  # noqa: E402, F403 (issue 14: meetings)
from .models_meetings_outcomes import MeetingOutcome  # noqa: E402, F401 (issue 14: outcomes)
from .models_releases import ScheduleRelease  # noqa: E402, F401 (issue 16, item 6)
