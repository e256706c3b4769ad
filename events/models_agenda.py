"""The personal agenda (issue 16, item 4): the programme items a member, or a guest through
their registration link, has starred. Exactly one of ``user`` and ``registration`` holds the
star; a second star of the same item by the same holder is refused by the database, so a
double click leaves one star."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AgendaStar(models.Model):
    item = models.ForeignKey(
        "events.ProgrammeItem",
        verbose_name=_("programme item"),
        on_delete=models.CASCADE,
        related_name="stars",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_stars",
    )
    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_stars",
    )
    created_at = models.DateTimeField(_("starred"), auto_now_add=True)

    class Meta:
        verbose_name = _("starred programme item")
        verbose_name_plural = _("starred programme items")
        ordering = ["item__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "user"],
                condition=Q(user__isnull=False),
                name="events_star_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["item", "registration"],
                condition=Q(registration__isnull=False),
                name="events_star_once_per_registration",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, registration__isnull=True)
                | Q(user__isnull=True, registration__isnull=False),
                name="events_star_one_holder",
            ),
        ]

    def __str__(self):
        return f"★ {self.item_id}"
