"""The meetings page of an event (issue 14): opt in, browse the others, request, answer,
cancel, ask for another slot. Every write through events.services.meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum.shortcuts import render_page, run_service

from . import permissions_meetings as rules
from . import selectors_meetings as selectors
from .forms_meetings import FilterForm, OptInForm, RequestForm
from .models_meetings import MeetingParticipant, MeetingRequest
from .services import meetings as services
from .views import _event


def _meeting_event(request, slug):
    event = _event(request, slug)
    if not rules.meetings_enabled(event):
        raise Http404
    return event


def _back(event):
    return redirect("events:meetings", slug=event.slug)


@login_required
@require_http_methods(["GET", "POST"])
def meetings(request, slug):
    event = _meeting_event(request, slug)
    registration = rules.meeting_registration(request.user, event)
    me = selectors.participant_of(request.user, event)
    slots = selectors.slots_of(event)
    if me is not None:
        initial = {
            "offer": me.offer,
            "looking_for": me.looking_for,
            "slots": list(me.available_slots.all()),
        }
    elif registration is not None:
        initial = selectors.opt_in_initial(request.user, event)
    else:
        initial = {}
    form = OptInForm(
        request.POST if request.method == "POST" else None, initial=initial, slots=slots
    )
    if request.method == "POST":
        if registration is None:
            raise Http404
        if form.is_valid():
            ok, _result = run_service(
                request,
                services.meeting_opt_in,
                form=form,
                success=_("Your meeting details are saved."),
                event=event,
                actor=request.user,
                **form.cleaned_data,
            )
            if ok:
                return _back(event)
    filters = FilterForm(request.GET or None)
    kind = topic = None
    if filters.is_valid():
        kind, topic = filters.cleaned_data["kind"], filters.cleaned_data["topic"]
    settings = selectors.settings_of(event)
    context = {
        "event": event,
        "settings": settings,
        # Organiser mode: times and places stay hidden until the schedule is published.
        "by_organisers": settings.by_organisers,
        "schedule_hidden": not settings.schedule_visible,
        "deadline_passed": settings.by_organisers and settings.deadline_passed(),
        "registration": registration,
        "me": me,
        "form": form,
        "filters": filters,
        "request_form": RequestForm(),
    }
    if me is not None:
        context["others"] = selectors.others_to_meet(
            me, kind=kind or "", topic=topic.pk if topic else None
        )
        context["open_ids"] = selectors.open_partner_ids(me)
        context.update(selectors.requests_of(me))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render_page(request, "events/meetings/meetings.html", context, status=status)


def _request_of(event, pk) -> MeetingRequest:
    return get_object_or_404(
        MeetingRequest.objects.select_related("requester__registration", "recipient__registration"),
        event=event,
        pk=pk,
    )


@login_required
@require_POST
def meeting_request(request, slug, pk):
    event = _meeting_event(request, slug)
    recipient = get_object_or_404(MeetingParticipant, event=event, pk=pk)
    form = RequestForm(request.POST)
    if not form.is_valid():
        return render_page(
            request,
            "events/meetings/request_problem.html",
            {"event": event, "form": form},
            status=400,
        )
    run_service(
        request,
        services.meeting_request_send,
        success=_("Your request is sent."),
        event=event,
        actor=request.user,
        recipient=recipient,
        message=form.cleaned_data["message"],
    )
    return _back(event)


@login_required
@require_POST
def meeting_answer(request, slug, pk):
    event = _meeting_event(request, slug)
    accept = request.POST.get("answer") == "accept"
    run_service(
        request,
        services.meeting_answer,
        success=_("Meeting accepted.") if accept else _("Request declined."),
        request=_request_of(event, pk),
        actor=request.user,
        accept=accept,
    )
    return _back(event)


@login_required
@require_POST
def meeting_cancel(request, slug, pk):
    event = _meeting_event(request, slug)
    run_service(
        request,
        services.meeting_cancel,
        success=_("Cancelled."),
        request=_request_of(event, pk),
        actor=request.user,
    )
    return _back(event)


@login_required
@require_POST
def meeting_move(request, slug, pk):
    event = _meeting_event(request, slug)
    run_service(
        request,
        services.meeting_reschedule,
        success=_("The meeting has a new slot."),
        request=_request_of(event, pk),
        actor=request.user,
    )
    return _back(event)
