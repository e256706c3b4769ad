"""Reads for the organisers' start page: what waits, the next events, recent activity.
A fixed number of queries, whatever the amount of data (tests/cockpit/test_index.py)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

UNANSWERED_AFTER_DAYS = 30
RECENT_DAYS = 30
NEXT_EVENTS = 5
RECENT_ITEMS = 5


def _changelist(label: str, **filters) -> str:
    app_label, model_name = label.lower().split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _change(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def unanswered_cutoff(now):
    return now - timedelta(days=UNANSWERED_AFTER_DAYS)


def waiting(now) -> list[dict]:
    """Each kind of waiting work with its count and the admin list that shows exactly it."""
    Need = apps.get_model("research_needs", "Need")
    Organisation = apps.get_model("members", "Organisation")
    Stand = apps.get_model("events", "Stand")
    Notification = apps.get_model("notifications", "Notification")
    cutoff = unanswered_cutoff(now)
    need_counts = Need.objects.aggregate(
        submitted=Count("pk", filter=Q(status="submitted")),
        unanswered=Count(
            "pk",
            filter=Q(status="published", published_at__lt=cutoff)
            & ~Q(pk__in=apps.get_model("research_needs", "Answer").objects.values("need_id")),
        ),
    )
    return [
        {
            "key": "needs_to_moderate",
            "label": _("Needs to moderate"),
            "count": need_counts["submitted"],
            "url": _changelist("research_needs.Need", status__exact="submitted"),
        },
        {
            "key": "organisations_to_approve",
            "label": _("Organisations to approve"),
            "count": Organisation.objects.filter(status="pending").count(),
            "url": _changelist("members.Organisation", status__exact="pending"),
        },
        {
            "key": "stands_to_decide",
            "label": _("Stand applications to decide"),
            "count": Stand.objects.filter(status="applied").count(),
            "url": _changelist("events.Stand", status__exact="applied"),
        },
        {
            "key": "failed_emails",
            "label": _("Failed emails"),
            "count": Notification.objects.filter(email_state="failed").count(),
            "url": _changelist("notifications.Notification", email_state__exact="failed"),
        },
        {
            "key": "unanswered_needs",
            "label": _("Published needs without an answer for more than %(days)s days")
            % {"days": UNANSWERED_AFTER_DAYS},
            "count": need_counts["unanswered"],
            "url": _changelist(
                "research_needs.Need",
                status__exact="published",
                published_at__lt=cutoff.isoformat(),
                answers__isnull="True",
            ),
        },
    ]


def next_events(now) -> list[dict]:
    """The next published events with their seats: taken (confirmed), free, waiting and
    unconfirmed (pending address confirmation)."""
    Event = apps.get_model("events", "Event")
    events = (
        Event.objects.filter(status="published", ends_at__gte=now)
        .annotate(
            taken=Count("registrations", filter=Q(registrations__status="confirmed")),
            waiting=Count("registrations", filter=Q(registrations__status="waitlisted")),
            unconfirmed=Count("registrations", filter=Q(registrations__status="pending")),
        )
        .order_by("starts_at", "pk")[:NEXT_EVENTS]
    )
    rows = []
    for event in events:
        rows.append(
            {
                "event": event,
                "url": _change(event),
                "registrations_url": _changelist("events.Registration", event__id__exact=event.pk),
                "taken": event.taken,
                "free": None if event.capacity is None else max(event.capacity - event.taken, 0),
                "waiting": event.waiting,
                "unconfirmed": event.unconfirmed,
            }
        )
    return rows


def recent_activity(now) -> dict:
    """New needs (submitted), answers and cooperations (accepted answers) of the last days,
    counted and the latest few listed."""
    Need = apps.get_model("research_needs", "Need")
    Answer = apps.get_model("research_needs", "Answer")
    since = now - timedelta(days=RECENT_DAYS)
    needs = Need.objects.filter(submitted_at__gte=since).select_related("organisation")
    answers = Answer.objects.filter(created_at__gte=since).select_related("need", "organisation")
    cooperations = Answer.objects.filter(status="accepted", decided_at__gte=since).select_related(
        "need", "organisation"
    )
    answer_counts = Answer.objects.aggregate(
        answers=Count("pk", filter=Q(created_at__gte=since)),
        cooperations=Count("pk", filter=Q(status="accepted", decided_at__gte=since)),
    )
    return {
        "days": RECENT_DAYS,
        "sections": [
            {
                "key": "needs",
                "label": _("New needs"),
                "count": needs.count(),
                "items": [
                    {
                        "title": need.title,
                        "detail": need.organisation.name,
                        "url": _change(need),
                        "at": need.submitted_at,
                    }
                    for need in needs.order_by("-submitted_at", "-pk")[:RECENT_ITEMS]
                ],
            },
            {
                "key": "answers",
                "label": _("Answers"),
                "count": answer_counts["answers"],
                "items": [
                    {
                        "title": answer.need.title,
                        "detail": answer.organisation.name,
                        "url": _change(answer),
                        "at": answer.created_at,
                    }
                    for answer in answers.order_by("-created_at", "-pk")[:RECENT_ITEMS]
                ],
            },
            {
                "key": "cooperations",
                "label": _("Cooperations formed"),
                "count": answer_counts["cooperations"],
                "items": [
                    {
                        "title": answer.need.title,
                        "detail": answer.organisation.name,
                        "url": _change(answer),
                        "at": answer.decided_at,
                    }
                    for answer in cooperations.order_by("-decided_at", "-pk")[:RECENT_ITEMS]
                ],
            },
        ],
    }


def cockpit(user, now=None) -> dict:
    now = now or timezone.now()
    return {
        "waiting": waiting(now),
        "next_events": next_events(now),
        "recent": recent_activity(now),
    }
