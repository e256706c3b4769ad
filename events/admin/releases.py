"""Releasing the programme in the admin (issue 16, item 6): the event's page links to
``admin:events_event_schedule_release``, which shows what a release would change for the
public (the live programme against the last release), takes an optional public note and
releases the next version through ``services.releases.schedule_release``. The releases
themselves are read-only records."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forum.shortcuts import run_service

from .. import permissions
from ..models import Event
from ..models_releases import ScheduleRelease, change_rows
from ..selectors_releases import latest_release, releases_of
from ..services import releases as services


class ReleaseForm(forms.Form):
    comment = forms.CharField(
        label=_("Note for the public (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Shown with the changes on the programme's change page and in the emails, "
            "e.g. why a talk moved."
        ),
    )
    expected_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


def release_view(model_admin, request, object_id):
    if not permissions.can_manage_events(request.user):
        raise Http404
    event = Event.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
    if event is None:
        raise Http404
    latest = latest_release(event)
    version = (latest.version if latest else 0) + 1
    form = ReleaseForm(
        request.POST if request.method == "POST" else None,
        initial={"expected_version": version},
    )
    if form.is_bound and form.is_valid():
        ok, _release = run_service(
            request,
            services.schedule_release,
            form=form,
            success=lambda release: (
                gettext("Version %(version)s of the programme is released; the public sees it now.")
                % {"version": release.version}
            ),
            event=event,
            actor=request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["expected_version"],
        )
        if ok:
            return redirect("admin:events_event_schedule_release", event.pk)
        # Refused (often: released meanwhile, e.g. by a second click): show the state as it
        # is now, with the note kept and the refusal on top.
        latest = latest_release(event)
        version = (latest.version if latest else 0) + 1
        form = _refreshed(form, request.POST, version)
    opts = Event._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Release the programme of “%(event)s”") % {"event": event.title},
        "opts": opts,
        "original": event,
        "event": event,
        "form": form,
        "version": version,
        "latest": latest,
        "pending": change_rows(services.pending_changes(event, latest)),
        "item_count": event.items.count(),
        "releases": releases_of(event),
    }
    status = 400 if form.is_bound and form.errors else None
    return TemplateResponse(
        request, "admin/events/event/schedule_release.html", context, status=status
    )


def _refreshed(form: ReleaseForm, data, version: int) -> ReleaseForm:
    errors = form.non_field_errors()
    data = data.copy()
    data["expected_version"] = str(version)
    fresh = ReleaseForm(data)
    fresh.is_valid()
    for error in errors:
        fresh.add_error(None, error)
    return fresh


def release_urls(model_admin) -> list:
    """The release page under the event's admin URLs, for ``EventAdmin.get_urls``."""
    site = model_admin.admin_site
    return [
        path(
            "<path:object_id>/schedule/release/",
            site.admin_view(
                lambda request, object_id: release_view(model_admin, request, object_id)
            ),
            name="events_event_schedule_release",
        )
    ]


#: The admin pages that delete events (and with them their releases).
EVENT_DELETION = ("events_event_delete", "events_event_changelist")


@admin.register(ScheduleRelease)
class ScheduleReleaseAdmin(admin.ModelAdmin):
    """The record of what was released when, by whom; released from the event's page."""

    list_display = ["event", "version", "released_at", "released_by", "change_count"]
    list_filter = ["released_at"]
    search_fields = ["event__title", "comment"]
    list_select_related = ["event", "released_by"]
    fields = ["event", "version", "released_at", "released_by", "comment", "change_count"]
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def change_count(self, obj):
        return len(obj.changes)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """Releases go only with their event: deleting an event (its delete page or the
        event list's delete action) takes them along; alone they are never deleted."""
        match = getattr(request, "resolver_match", None)
        with_event = match is not None and match.url_name in EVENT_DELETION
        return with_event and super().has_delete_permission(request, obj)
