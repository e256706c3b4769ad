"""B2B meetings at an event (issue 14): the organisers' settings, slots and places, the
participants who opt in, their requests and the bookings that keep anyone from being booked
twice.

Double bookings are impossible in the database, not only in the services:

- ``MeetingRequest`` has a unique (slot, place): a place holds one meeting per slot;
- ``MeetingBooking`` is one row per person per scheduled meeting, unique (slot, participant):
  a person is in one meeting per slot.

The services (events/services/meetings.py) also lock the event's settings row and both
participants' rows while they choose a slot, so concurrent accepts do not even try.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Event, Registration

#: Why an accepted request has no slot: the stored code and what participants read.
REASONS = {
    "no-common-slot": _(
        "You have no meeting slot in common. Tick more slots on the meetings page; the "
        "meeting is placed as soon as one fits."
    ),
    "no-free-slot": _(
        "Every slot you share is taken already (by your other meetings or because every "
        "place is booked). The meeting is placed as soon as a slot frees up."
    ),
    "awaiting-schedule": _(
        "The organisers place all meetings at once after the request deadline; you will "
        "get the time and place when they publish the schedule."
    ),
    "no-room-left": _(
        "The scheduler could not fit this meeting: in every slot you share, one of you "
        "or every place is taken by other meetings. The organisers may still place it by hand."
    ),
    "registration-cancelled": _(
        "The registration for the event was cancelled, so this request or meeting was closed."
    ),
}


class MeetingSettings(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately: an accepted request gets the earliest free slot")
        ORGANISER = (
            "organiser",
            _("By the organisers: all accepted requests are placed at once after the deadline"),
        )

    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="meeting_settings"
    )
    enabled = models.BooleanField(_("meetings switched on"), default=False)
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=20)
    expiry_hours = models.PositiveSmallIntegerField(
        _("requests expire after (hours)"),
        default=72,
        help_text=_("An unanswered request expires after this time; one reminder goes before."),
    )
    mode = models.CharField(
        _("scheduling"), max_length=12, choices=Mode.choices, default=Mode.IMMEDIATE
    )
    requests_deadline = models.DateTimeField(
        _("requests and answers until"),
        null=True,
        blank=True,
        help_text=_(
            "Scheduling by the organisers: after this time no requests are sent or answered; "
            "then run the scheduler, review and publish."
        ),
    )
    schedule_published_at = models.DateTimeField(_("schedule published"), null=True, blank=True)
    # The agendas of all participants as one ZIP (events/agenda_pack.py), organisers only.
    agendas_zip = models.FileField(
        _("agendas of all participants (ZIP)"),
        upload_to="events/agendas/",
        blank=True,
        editable=False,
    )
    agendas_zip_built_at = models.DateTimeField(
        _("agendas ZIP built"), null=True, blank=True, editable=False
    )
    agendas_zip_queued_at = models.DateTimeField(
        _("agendas ZIP queued"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("meeting settings")
        verbose_name_plural = _("meeting settings")

    def __str__(self):
        return f"{self.event}"

    @property
    def by_organisers(self) -> bool:
        return self.mode == self.Mode.ORGANISER

    @property
    def schedule_visible(self) -> bool:
        """Participants see their meetings' times and places, unless the organisers place
        them all at once and have not published the schedule yet."""
        return not self.by_organisers or self.schedule_published_at is not None

    def deadline_passed(self, now=None) -> bool:
        from django.utils import timezone

        deadline = self.requests_deadline
        return deadline is not None and (now or timezone.now()) >= deadline


class MeetingSlot(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="meeting_slots"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        ordering = ["event", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "starts_at"], name="events_slot_once"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="events_slot_order"
            ),
        ]

    def __str__(self):
        from django.utils import formats, timezone

        return formats.date_format(timezone.localtime(self.starts_at), "SHORT_DATETIME_FORMAT")


class MeetingPlace(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="meeting_places"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("meeting place")
        verbose_name_plural = _("meeting places")
        ordering = ["event", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="events_place_name_once")
        ]

    def __str__(self):
        return self.name


class MeetingParticipant(models.Model):
    """A confirmed registration that opted in to meetings."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="meeting_participants",
    )
    registration = models.OneToOneField(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="meeting_participant",
    )
    offer = models.TextField(_("we offer"), max_length=1000, blank=True)
    looking_for = models.TextField(_("we look for"), max_length=1000, blank=True)
    available_slots = models.ManyToManyField(
        MeetingSlot, verbose_name=_("available in"), related_name="available", blank=True
    )
    created_at = models.DateTimeField(_("opted in"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        ordering = ["event", "registration__name"]

    def __str__(self):
        return self.registration.name


class MeetingRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.PENDING, Status.ACCEPTED)

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="meeting_requests"
    )
    requester = models.ForeignKey(
        MeetingParticipant,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="requests_sent",
    )
    recipient = models.ForeignKey(
        MeetingParticipant,
        verbose_name=_("requested from"),
        on_delete=models.CASCADE,
        related_name="requests_received",
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    slot = models.ForeignKey(
        MeetingSlot,
        verbose_name=_("slot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    place = models.ForeignKey(
        MeetingPlace,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    unscheduled_reason = models.CharField(_("why not scheduled"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["event", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "place"], name="events_meeting_place_once_per_slot"
            ),
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=models.Q(status__in=["pending", "accepted"]),
                name="events_meeting_request_open_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("recipient")),
                name="events_meeting_request_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(slot__isnull=True, place__isnull=True)
                | models.Q(slot__isnull=False, place__isnull=False, status="accepted"),
                name="events_meeting_slot_with_place",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.requester} → {self.recipient}"

    @property
    def is_scheduled(self) -> bool:
        return self.slot_id is not None

    @property
    def reason_text(self) -> str:
        return str(REASONS.get(self.unscheduled_reason, ""))


class MeetingBooking(models.Model):
    """One row per person per scheduled meeting: unique (slot, participant) keeps a person
    in one meeting per slot, whichever side of the request they are on."""

    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="bookings")
    slot = models.ForeignKey(MeetingSlot, on_delete=models.PROTECT, related_name="bookings")
    participant = models.ForeignKey(
        MeetingParticipant, on_delete=models.CASCADE, related_name="bookings"
    )

    class Meta:
        verbose_name = _("meeting booking")
        verbose_name_plural = _("meeting bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "participant"], name="events_meeting_person_once_per_slot"
            ),
        ]

    def __str__(self):
        return f"{self.participant_id} @ {self.slot_id}"


__all__ = [
    "MeetingBooking",
    "MeetingParticipant",
    "MeetingPlace",
    "MeetingRequest",
    "MeetingSettings",
    "MeetingSlot",
]
