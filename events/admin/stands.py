"""Stand applications in the admin: organisers confirm or decline them (the applicant is
told by events.services, whether the decision comes from an action, the form, the list or
the event's page)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..models import Stand
from .base import ServiceAdmin


@admin.register(Stand)
class StandAdmin(ServiceAdmin):
    list_display = [
        "organisation",
        "event",
        "kind",
        "status",
        "number",
        "area",
        "needs_power",
        "created_at",
    ]
    list_editable = ["number", "area"]
    list_filter = ["status", "kind", "needs_power", "event"]
    search_fields = ["organisation__name", "description", "number", "area", "event__title"]
    list_select_related = ["organisation", "event"]
    autocomplete_fields = ["event", "organisation", "applied_by"]
    readonly_fields = ["decided_at", "created_at"]
    actions = ["confirm", "decline"]

    def _decide(self, request, queryset, status):
        count = 0
        for stand in queryset.exclude(status=status):
            try:
                services.stand_decide(stand=stand, actor=request.user, status=status)
            except ValidationError as exc:
                self.message_user(
                    request, f"{stand.organisation}: {' '.join(exc.messages)}", messages.ERROR
                )
                continue
            count += 1
        return count

    @admin.action(description=_("Confirm the selected stands"))
    def confirm(self, request, queryset):
        count = self._decide(request, queryset, Stand.Status.CONFIRMED)
        self.message_user(
            request,
            ngettext("%(count)d stand confirmed.", "%(count)d stands confirmed.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )

    @admin.action(description=_("Decline the selected stands"))
    def decline(self, request, queryset):
        count = self._decide(request, queryset, Stand.Status.DECLINED)
        self.message_user(
            request,
            ngettext("%(count)d stand declined.", "%(count)d stands declined.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )
