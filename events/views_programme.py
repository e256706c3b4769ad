"""The public programme (issue 16): the timetable grid per day, the speakers and their pages,
and the schedule in the frab format (XML and JSON) that conference apps read. Drafts are
404 for everyone but organisers, as the rest of the event (``views._event``)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from forum.shortcuts import render_page

from . import frab, permissions, selectors, timetable
from .models import ProgrammeItem, Speaker
from .views import _event


class ProgrammeFilterForm(forms.Form):
    """The grid's filters: a track and a kind that the event's programme has."""

    track = forms.ChoiceField(label=_("Track"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, data, *, items):
        super().__init__(data)
        tracks = sorted({item.track for item in items if item.track})
        present = {item.kind for item in items}
        kinds = [(value, label) for value, label in ProgrammeItem.Kind.choices if value in present]
        self.fields["track"].choices = [("", _("All tracks"))] + [(t, t) for t in tracks]
        self.fields["kind"].choices = [("", _("All kinds")), *kinds]

    def keep(self, item) -> bool:
        data = self.cleaned_data
        return (not data["track"] or item.track == data["track"]) and (
            not data["kind"] or item.kind == data["kind"]
        )


@require_http_methods(["GET", "HEAD"])
def programme(request, slug):
    """The timetable grid; an unknown track or kind answers 400 with the whole programme."""
    event = _event(request, slug)
    items = selectors.programme(event, starred_by=request.user)
    form = ProgrammeFilterForm(request.GET or None, items=items)
    status = 200
    shown = items
    if form.is_bound:
        if form.is_valid() and (form.cleaned_data["track"] or form.cleaned_data["kind"]):
            shown = [item for item in items if form.keep(item)]
        elif form.errors:
            status = 400
    now = timezone.now()
    live = timetable.is_live(event, now)
    days = timetable.build(shown, selectors.rooms(event), now=now, live=live)
    marks = timetable.states(items, now) if live else {}
    return render_page(
        request,
        "events/programme.html",
        {
            "event": event,
            "form": form,
            "days": days,
            "filtered": shown is not items,
            "has_items": bool(items),
            "live": live,
            "now_items": [item for item in items if marks.get(item.pk) == "now"],
            "next_items": [item for item in items if marks.get(item.pk) == "next"],
            # The personal agenda's stars (item 4): members star from the grid.
            "can_star": request.user.is_authenticated and not event.is_cancelled,
            "here": request.get_full_path(),
        },
        status=status,
    )


def _with_organisation_pages(speakers: list[Speaker]) -> list[Speaker]:
    for speaker in speakers:
        speaker.organisation_page = (
            speaker.organisation.get_absolute_url()
            if permissions.links_organisation_page(speaker.organisation)
            else ""
        )
    return speakers


@require_http_methods(["GET", "HEAD"])
def speakers(request, slug):
    event = _event(request, slug)
    return render_page(
        request,
        "events/speakers.html",
        {"event": event, "speakers": _with_organisation_pages(selectors.speakers_for_page(event))},
    )


@require_http_methods(["GET", "HEAD"])
def speaker_detail(request, slug, pk):
    event = _event(request, slug)
    try:
        speaker = selectors.speaker_for_page(event, pk)
    except Speaker.DoesNotExist as exc:
        raise Http404 from exc
    _with_organisation_pages([speaker])
    return render_page(request, "events/speaker_detail.html", {"event": event, "speaker": speaker})


@require_http_methods(["GET", "HEAD"])
def schedule_xml(request, slug):
    event = _event(request, slug)
    schedule = frab.schedule(event, selectors.programme(event), request)
    return HttpResponse(frab.to_xml(schedule), content_type="application/xml; charset=utf-8")


@require_http_methods(["GET", "HEAD"])
def schedule_json(request, slug):
    event = _event(request, slug)
    schedule = frab.schedule(event, selectors.programme(event), request)
    return JsonResponse(
        frab.to_json(schedule), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
