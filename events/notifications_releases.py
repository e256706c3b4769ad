"""The mail after a schedule release (issue 16, item 6): whoever starred an item that moved
or changed gets one mail listing all of their changed items, with the time and room before
and now, in their language. Members through their account (a category of its own, so they
may take it as a digest or switch it off); guests at their registration's address, in the
language they registered in.

The notification stores the release and the person's item ids; the lines of the mail come
from the release's recorded changes at delivery, and a guest's secret agenda link is made
from the registration then, never stored."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from forum.notifications import registry
from forum.notifications.services import notify

from .models import Registration
from .models_agenda import AgendaStar
from .models_releases import ScheduleRelease, change_rows

CATEGORY = "events_programme"
KIND = "events.schedule_changed"
#: Changes that concern someone who starred the item (a new item nobody starred yet; a
#: removed item's stars went with it).
TOLD = ("moved", "changed")


def _absolute(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _prepare(notification):
    release = (
        ScheduleRelease.objects.select_related("event")
        .filter(pk=notification.context.get("release_id"))
        .first()
    )
    if release is None:
        return None
    mine = set(notification.context.get("items", []))
    rows = [row for row in change_rows(release.changes) if row["item"] in mine]
    if not rows:
        return None
    language, event = notification.language, release.event
    registration = None
    if notification.context.get("registration_id"):
        registration = Registration.objects.filter(
            pk=notification.context["registration_id"]
        ).first()
    if registration is not None:
        agenda_url = _absolute(language, "events:agenda_guest", token=registration.token)
    else:
        agenda_url = _absolute(language, "events:agenda", slug=event.slug)
    return {
        "release": release,
        "event": event,
        "rows": rows,
        "name": registration.name if registration is not None else "",
        "programme_url": _absolute(language, "events:programme", slug=event.slug),
        "changelog_url": _absolute(language, "events:changelog", slug=event.slug),
        "agenda_url": agenda_url,
    }


def register_notifications() -> None:
    registry.register_category(
        CATEGORY,
        label=_("Changes to the programme"),
        description=_("When an item you starred in an event's programme moves or changes."),
        order=31,
    )
    registry.register_kind(
        KIND, category=CATEGORY, template="mail/events/schedule_changed", prepare=_prepare
    )


def _people(item_ids) -> dict:
    """{key: (user or None, active registration or None, {item ids})} of everyone who
    starred one of the items; a guest registration that belongs to an account counts as that
    account, so nobody gets two mails."""
    people: dict = {}
    stars = AgendaStar.objects.filter(item_id__in=item_ids).select_related(
        "user", "registration__user"
    )
    for star in stars.order_by("pk"):
        if star.user_id:
            key, user, registration = ("user", star.user_id), star.user, None
        else:
            registration = star.registration
            if not registration.is_active:
                continue
            if registration.user_id:
                key, user, registration = ("user", registration.user_id), registration.user, None
            else:
                key, user = ("registration", registration.pk), None
        entry = people.setdefault(key, (user, registration, set()))
        entry[2].add(star.item_id)
    return people


def _path(event) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("events:programme", kwargs={"slug": event.slug})


def schedule_released(release: ScheduleRelease) -> list:
    """Records one notification per person who starred a moved or changed item, in the
    release's transaction. Returns them."""
    told = [row["item"] for row in release.changes if row["change"] in TOLD]
    if not told:
        return []
    sent = []
    for key, (user, registration, items) in _people(told).items():
        if user is not None and not user.is_active:
            continue
        sent.append(
            notify(
                kind=KIND,
                recipient=user,
                email=registration.email if registration is not None else "",
                language=registration.language if registration is not None else None,
                dedup_key=f"{KIND}:{release.pk}:{key[0]}:{key[1]}",
                context={
                    "release_id": release.pk,
                    "version": release.version,
                    "items": sorted(items),
                    "count": len(items),
                    "registration_id": registration.pk if registration is not None else None,
                    "event_title": release.event.title,
                    "url": _path(release.event),
                },
            )
        )
    return sent
