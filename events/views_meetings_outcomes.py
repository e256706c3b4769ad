"""After a B2B meeting (issue 14, item 5): each side says whether it took place and was
useful. Only the two sides (anyone else: 404); through events.services.meetings_outcomes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum.shortcuts import render_page, run_service

from . import permissions_meetings as rules
from .forms_meetings_outcomes import OutcomeForm
from .models_meetings import MeetingRequest
from .models_meetings_outcomes import MeetingOutcome
from .services import meetings_outcomes as services
from .views import _event


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_outcome(request, slug, pk):
    event = _event(request, slug)
    meeting = get_object_or_404(
        MeetingRequest.objects.select_related(
            "slot", "place", "requester__registration", "recipient__registration"
        ),
        event=event,
        pk=pk,
        status=MeetingRequest.Status.ACCEPTED,
        slot__isnull=False,
    )
    if not rules.is_side_of(request.user, meeting):
        raise Http404
    mine = meeting.requester.registration.user_id == request.user.pk
    me = meeting.requester if mine else meeting.recipient
    meeting.other = meeting.recipient if mine else meeting.requester
    existing = MeetingOutcome.objects.filter(request=meeting, participant=me).first()
    initial = {}
    if existing is not None:
        initial = {
            "outcome": existing.outcome,
            "useful": "" if existing.useful is None else ("yes" if existing.useful else "no"),
            "comment": existing.comment,
        }
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _result = run_service(
            request,
            services.meeting_outcome_save,
            form=form,
            success=_("Thank you, your answer is saved."),
            request=meeting,
            actor=request.user,
            held=form.cleaned_data["held"],
            useful=form.cleaned_data["useful_value"],
            comment=form.cleaned_data["comment"],
        )
        if ok:
            return redirect("events:agenda", slug=event.slug)
    return render_page(
        request,
        "events/meetings/outcome.html",
        {
            "event": event,
            "meeting": meeting,
            "form": form,
            "started": meeting.slot.starts_at <= timezone.now(),
        },
        status=400 if form.is_bound and form.errors else None,
    )
