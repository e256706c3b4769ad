"""The organisers' meeting schedule of one event (issue 14, organiser mode), at
/admin/events/event/<pk>/meetings/schedule/: how many accepted meetings are placed and why
the others are not, the grid of slots and places, "Run the scheduler", moving a meeting by
hand, and "Publish". Every write through events.services.meetings_batch."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import permissions
from ..models import Event
from ..models_meetings import (
    REASONS,
    MeetingPlace,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
)
from ..services import meetings_batch as services

URL_NAME = "events_event_meetings_schedule"


def schedule_urls(model_admin) -> list:
    """The page's URL under the event's admin (EventAdmin.get_urls adds it)."""
    view = model_admin.admin_site.admin_view(partial(schedule_view, model_admin))
    return [path("<int:pk>/meetings/schedule/", view, name=URL_NAME)]


class RunForm(forms.Form):
    from_scratch = forms.BooleanField(
        label=gettext_lazy(
            "Start from scratch: also move the meetings placed before, including those "
            "moved by hand"
        ),
        required=False,
    )


class MoveForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=MeetingRequest.objects.none())
    slot = forms.ModelChoiceField(label=gettext_lazy("time"), queryset=MeetingSlot.objects.none())
    place = forms.ModelChoiceField(
        label=gettext_lazy("place"), queryset=MeetingPlace.objects.none()
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = MeetingRequest.objects.filter(
            event=event, status=MeetingRequest.Status.ACCEPTED
        )
        self.fields["slot"].queryset = MeetingSlot.objects.filter(event=event)
        self.fields["place"].queryset = MeetingPlace.objects.filter(event=event)


def _slot_label(slot) -> str:
    start = timezone.localtime(slot.starts_at)
    return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} {start:%H:%M}"


def _options(options, chosen) -> str:
    chosen = "" if chosen is None else str(chosen)
    return mark_safe(  # noqa: S308 (values are ids, labels escaped above)
        "".join(
            f'<option value="{value}"{" selected" if value == chosen else ""}>{label}</option>'
            for value, label in options
        )
    )


def _context(event, settings, move_form=None) -> dict:
    slots = list(MeetingSlot.objects.filter(event=event).order_by("starts_at", "pk"))
    places = list(MeetingPlace.objects.filter(event=event).order_by("name", "pk"))
    accepted = list(
        MeetingRequest.objects.filter(event=event, status=MeetingRequest.Status.ACCEPTED)
        .select_related("requester__registration", "recipient__registration", "slot", "place")
        .order_by("slot__starts_at", "place__name", "requester__registration__name", "pk")
    )
    cells = {(r.slot_id, r.place_id): r for r in accepted if r.slot_id}
    grid = [
        {
            "slot": slot,
            "label": _slot_label(slot),
            "cells": [cells.get((slot.pk, p.pk)) for p in places],
        }
        for slot in slots
    ]
    waiting = [r for r in accepted if r.slot_id is None]
    reasons: dict[str, list] = {}
    for request in waiting:
        reasons.setdefault(request.unscheduled_reason or "awaiting-schedule", []).append(request)
    error_id = selected = None
    if move_form is not None and move_form.is_bound:
        error_id = str(move_form.data.get("meeting", ""))
        selected = (str(move_form.data.get("slot", "")), str(move_form.data.get("place", "")))
    slot_options = [(str(slot.pk), escape(_slot_label(slot))) for slot in slots]
    place_options = [(str(place.pk), escape(place.name)) for place in places]
    for request in accepted:
        # The move form's choices, built as text: a thousand rows of 50 options each would
        # take seconds through the template language.
        mine = selected if str(request.pk) == error_id else None
        request.slot_options = _options(slot_options, mine[0] if mine else request.slot_id)
        request.place_options = _options(place_options, mine[1] if mine else request.place_id)
    return {
        "event": event,
        "settings": settings,
        "by_organisers": settings.by_organisers,
        "place_names": [place.name for place in places],
        "grid": grid,
        "accepted": accepted,
        "scheduled_count": len(accepted) - len(waiting),
        "waiting_count": len(waiting),
        "deadline_passed": settings.deadline_passed(),
        "waiting": [
            {"text": str(REASONS.get(code, "")), "requests": items}
            for code, items in reasons.items()
        ],
        "run_form": RunForm(),
        "move_form": move_form,
        "error_id": error_id,
        "selected": selected,
    }


def schedule_view(model_admin, request, pk):
    permissions.require_organiser(request.user)
    event = get_object_or_404(Event, pk=pk)
    settings = MeetingSettings.objects.filter(event=event).first()
    if settings is None:
        raise Http404
    status = 200
    move_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "run":
                form = RunForm(request.POST)
                if not form.is_valid():
                    return HttpResponseBadRequest()
                run = services.meeting_schedule_run(
                    event=event, actor=request.user, **form.cleaned_data
                )
                text = ngettext(
                    "The scheduler placed %(placed)d meeting.",
                    "The scheduler placed %(placed)d meetings.",
                    run.placed,
                ) % {"placed": run.placed}
                if run.unplaced:
                    text += " " + ngettext(
                        "%(unplaced)d did not fit (see the reasons below).",
                        "%(unplaced)d did not fit (see the reasons below).",
                        run.unplaced,
                    ) % {"unplaced": run.unplaced}
                messages.success(request, text)
                return redirect(f"admin:{URL_NAME}", pk=event.pk)
            if action == "publish":
                sent = services.meeting_schedule_publish(event=event, actor=request.user)
                messages.success(
                    request,
                    ngettext(
                        "The schedule is published; %(count)d participant gets an email.",
                        "The schedule is published; %(count)d participants get an email.",
                        sent,
                    )
                    % {"count": sent}
                    if sent
                    else _("The schedule was published already."),
                )
                return redirect(f"admin:{URL_NAME}", pk=event.pk)
            if action == "move":
                move_form = MoveForm(request.POST, event=event)
                if move_form.is_valid():
                    services.meeting_move(
                        request=move_form.cleaned_data["meeting"],
                        slot=move_form.cleaned_data["slot"],
                        place=move_form.cleaned_data["place"],
                        actor=request.user,
                    )
                    messages.success(request, _("The meeting is moved."))
                    return redirect(f"admin:{URL_NAME}", pk=event.pk)
                status = 400
            else:
                return HttpResponseBadRequest()
        except ValidationError as exc:
            if move_form is None:
                for text in exc.messages:
                    messages.error(request, text)
                status = 400
            else:
                move_form.add_error(None, exc)
                status = 400
    context = {
        **model_admin.admin_site.each_context(request),
        **_context(event, settings, move_form),
        "title": _("Meeting schedule"),
        "subtitle": event.title,
        "opts": Event._meta,
    }
    return TemplateResponse(request, "admin/events/meetings_schedule.html", context, status=status)
