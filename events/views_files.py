"""Downloads of events: the programme and badge PDFs and the calendars (PRODUCT.md 3.3).

Drafts answer 404 like their pages (only organisers see them). The programme PDF served is
the latest stored build; when none exists yet (a new event, or the file went missing) the
first request builds it at once, so the public link never leads to an error page, and
every later request gets the stored file. Badges are for organisers only: others get a 404,
visitors who are not logged in go to the login page first.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_safe

from . import calendars, pdf, permissions, selectors
from .models import AgendaStar, CalendarFeed, Event, ProgrammeItem
from .models_meetings import MeetingParticipant
from .selectors_meetings_outcomes import feed_meetings


def _event(request, slug: str) -> Event:
    try:
        return selectors.events_visible_to(request.user).get(slug=slug)
    except Event.DoesNotExist:
        raise Http404 from None


def _stored(field) -> bool:
    return bool(field.name) and field.storage.exists(field.name)


def _pdf_response(field, filename: str) -> FileResponse:
    response = FileResponse(field.open("rb"), content_type="application/pdf", filename=filename)
    # Inline: browsers show the PDF; the name is used when it is saved.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _calendar_response(data: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        # A secret address: not kept by shared caches, not indexed.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def programme_pdf(request, slug):
    event = _event(request, slug)
    if not _stored(event.programme_pdf):
        event = pdf.programme_pdf_build(event)
    return _pdf_response(event.programme_pdf, f"{event.slug}-programme.pdf")


@require_safe
def badges_pdf(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_manage_events(request.user):
        raise Http404
    event = _event(request, slug)
    if not _stored(event.badges_pdf):
        event = pdf.badges_pdf_build(event)
    return _pdf_response(event.badges_pdf, f"{event.slug}-badges.pdf")


@require_safe
def calendar(request, slug):
    event = _event(request, slug)
    data = calendars.event_calendar(event, selectors.programme(event))
    return _calendar_response(data, f"{event.slug}.ics")


@require_safe
def item_calendar(request, slug, pk):
    event = _event(request, slug)
    try:
        item = selectors.item_for_page(event, pk)
    except ProgrammeItem.DoesNotExist:
        raise Http404 from None
    item.event = event
    return _calendar_response(calendars.item_calendar(item), f"{event.slug}-{item.pk}.ics")


@require_safe
def feed(request, token):
    feed = (
        CalendarFeed.objects.select_related("user")
        # The starred items (personal agenda) cost two queries only for those who star.
        .annotate(has_stars=Exists(AgendaStar.objects.filter(user=OuterRef("user"))))
        # B2B meetings (issue 14): one query more only for those who opted in.
        .annotate(
            has_meetings=Exists(
                MeetingParticipant.objects.filter(registration__user=OuterRef("user"))
            )
        )
        .filter(token=token)
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    data = calendars.personal_feed(
        selectors.feed_registrations(feed.user),
        selectors.starred_for_feed(feed.user) if feed.has_stars else (),
        feed_meetings(feed.user) if feed.has_meetings else (),
    )
    return _calendar_response(data, "events.ics", private=True)
