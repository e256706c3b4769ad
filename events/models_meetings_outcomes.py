"""What became of a B2B meeting (issue 14, item 5): after the slot has started, each side of a
scheduled meeting says whether it took place (held or no-show) and, if so, whether it was
useful, with one line. One answer per side: unique (request, participant); answering again
changes it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models_meetings import MeetingParticipant, MeetingRequest


class MeetingOutcome(models.Model):
    class Outcome(models.TextChoices):
        HELD = "held", _("The meeting took place")
        NO_SHOW = "no_show", _("The other side did not come")

    request = models.ForeignKey(
        MeetingRequest,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="outcomes",
    )
    participant = models.ForeignKey(
        MeetingParticipant,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="meeting_outcomes",
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    useful = models.BooleanField(_("useful"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
        ordering = ["request", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "participant"], name="events_meeting_outcome_once_per_side"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="held") | models.Q(useful__isnull=True),
                name="events_meeting_outcome_useful_only_if_held",
            ),
        ]

    def __str__(self):
        return f"{self.request_id}: {self.participant_id} {self.outcome}"


__all__ = ["MeetingOutcome"]
