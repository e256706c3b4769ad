"""Introductions (issue 13, item 5): an organiser, or a need's organisation, proposes that
two organisations meet, with a line of reason; each side accepts or declines, and once
both accept they get a private conversation (``Conversation.introduction``)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from members.models import Organisation

REASON_MAX = 300


class Introduction(models.Model):
    """Side A is the need's organisation (or the proposer's side without a need), side B
    the organisation introduced to it. Open while neither side declined and not both
    accepted; one open introduction per pair of organisations at a time."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACCEPTED = "accepted", _("accepted by both")
        DECLINED = "declined", _("did not come about")

    class Side(models.TextChoices):
        A = "a", _("side A")
        B = "b", _("side B")

    need = models.ForeignKey(
        "research_needs.Need",
        verbose_name=_("research need"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions",
    )
    organisation_a = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation A"),
        on_delete=models.CASCADE,
        related_name="introductions_as_a",
    )
    organisation_b = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation B"),
        on_delete=models.CASCADE,
        related_name="introductions_as_b",
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    a_accepted_at = models.DateTimeField(_("accepted by A"), null=True, blank=True)
    b_accepted_at = models.DateTimeField(_("accepted by B"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    declined_by_side = models.CharField(
        _("declined by"), max_length=1, choices=Side.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(organisation_a=F("organisation_b")),
                name="introduction_not_to_itself",
            ),
            # One open introduction per pair, in either order.
            models.UniqueConstraint(
                models.functions.Least("organisation_a", "organisation_b"),
                models.functions.Greatest("organisation_a", "organisation_b"),
                condition=Q(status="proposed"),
                name="introduction_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(status="declined", declined_at__isnull=False) & ~Q(declined_by_side="")
                | ~Q(status="declined") & Q(declined_at__isnull=True, declined_by_side=""),
                name="introduction_declined_has_side",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_a} ↔ {self.organisation_b}"

    def clean(self):
        super().clean()
        if self.organisation_a_id and self.organisation_a_id == self.organisation_b_id:
            raise ValidationError(_("An organisation cannot be introduced to itself."))
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Say in one line why they should meet.")})

    def side_of(self, organisation_id) -> str:
        """ "a", "b" or "" for an organisation outside the introduction."""
        if organisation_id == self.organisation_a_id:
            return self.Side.A
        if organisation_id == self.organisation_b_id:
            return self.Side.B
        return ""

    def accepted_by(self, side: str) -> bool:
        return bool(self.a_accepted_at if side == self.Side.A else self.b_accepted_at)

    def other(self, side: str):
        return self.organisation_b if side == self.Side.A else self.organisation_a
