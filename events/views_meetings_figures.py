"""For the organisers of B2B meetings (issue 14, items 5 and 7): the figures of an event and
the venue's PDFs (a sign and a meeting list per place). Organisers only; anyone else gets a
404 (members) or the login (visitors)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from forum.shortcuts import render_page, run_service

from . import pdf_meetings, permissions, services
from .models_meetings import MeetingSettings
from .selectors_meetings_outcomes import figures
from .views import _event


def _organiser_event(request, slug):
    if not request.user.is_authenticated:
        return None
    if not permissions.can_manage_events(request.user):
        raise Http404
    event = _event(request, slug)
    try:
        event.meeting_settings  # noqa: B018 (fetched once here, cached on the event)
    except MeetingSettings.DoesNotExist as exc:
        raise Http404 from exc
    return event


@require_safe
def meeting_figures(request, slug):
    event = _organiser_event(request, slug)
    if event is None:
        return redirect_to_login(request.get_full_path())
    settings = event.meeting_settings
    return render_page(
        request,
        "events/meetings/figures.html",
        {"event": event, "figures": figures(event), "settings": settings},
    )


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def meeting_signs_pdf(request, slug):
    event = _organiser_event(request, slug)
    if event is None:
        return redirect_to_login(request.get_full_path())
    return _pdf(pdf_meetings.signs_pdf_bytes(event), f"{event.slug}-meeting-signs.pdf")


@require_safe
def meeting_lists_pdf(request, slug):
    event = _organiser_event(request, slug)
    if event is None:
        return redirect_to_login(request.get_full_path())
    return _pdf(pdf_meetings.lists_pdf_bytes(event), f"{event.slug}-meeting-lists.pdf")


@require_POST
def agenda_pack_build(request, slug):
    """Queues the ZIP of every participant's agenda (without Redis it is built right away)."""
    event = _organiser_event(request, slug)
    if event is None:
        return redirect_to_login(reverse("events:meeting_figures", args=[slug]))
    run_service(
        request,
        services.agenda_pack_request,
        event=event,
        actor=request.user,
        success=lambda queued: (
            _(
                "The agendas are being built. Their download link appears on this page when "
                "they are ready; if it is not there yet, reload the page in a minute."
            )
            if queued
            else _("The agendas are already being built.")
        ),
    )
    return HttpResponseRedirect(reverse("events:meeting_figures", args=[event.slug]))


@require_safe
def agenda_pack_download(request, slug):
    event = _organiser_event(request, slug)
    if event is None:
        return redirect_to_login(request.get_full_path())
    settings = event.meeting_settings
    if not settings.agendas_zip:
        raise Http404
    try:
        handle = settings.agendas_zip.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{event.slug}-agendas.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
