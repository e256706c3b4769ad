"""Releasing a new version of an event's programme (issue 16, item 6), as pretalx does:
organisers edit the programme freely; the public sees it only when they release it. Each
release records what the public now sees and what changed against the release before;
whoever starred a changed item is told, and the programme PDF is rebuilt."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking

from .. import notifications_releases, permissions
from ..documents import programme_pdf_queue
from ..models import Event, ProgrammeItem, Speaker
from ..models_releases import ScheduleRelease, diff, item_snapshot


def live_snapshot(event: Event) -> dict:
    """The event's programme as organisers have it now, in the snapshot's form. Two
    queries."""
    items = (
        ProgrammeItem.objects.filter(event=event)
        .select_related("room")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.only("pk")))
        .order_by("starts_at", "pk")
    )
    return {str(item.pk): item_snapshot(item) for item in items}


def pending_changes(event: Event, latest: ScheduleRelease | None = None) -> list[dict]:
    """What a release now would change for the public (empty before the first release:
    the public sees the live programme until then)."""
    if latest is None:
        latest = ScheduleRelease.objects.filter(event=event).order_by("-version").first()
    return diff(latest.snapshot if latest else None, live_snapshot(event))


def schedule_release(
    *, event: Event, actor, comment: str = "", expected_version: int | None = None
) -> ScheduleRelease:
    """Releases the live programme as the next version.

    Under the event's row lock, so two organisers releasing at once make versions N and N+1
    or one of them is refused, never two of the same number. Refused when nothing changed
    since the last release, when the programme is empty, for a cancelled event, and when
    ``expected_version`` (the version the organiser saw on the form) is not the next one any
    more: someone else released meanwhile and the changes shown are out of date."""
    permissions.require_organiser(actor)
    comment = (comment or "").strip()
    with transaction.atomic():
        event = locking.lock_one(Event, event.pk)
        if event.is_cancelled:
            raise ValidationError(_("The event is cancelled; its programme is not released."))
        latest = ScheduleRelease.objects.filter(event=event).order_by("-version").first()
        version = (latest.version if latest else 0) + 1
        if expected_version is not None and expected_version != version:
            raise ValidationError(
                _(
                    "Version %(version)s was released meanwhile; look at the changes again "
                    "before releasing another."
                )
                % {"version": version - 1}
            )
        snapshot = live_snapshot(event)
        if not snapshot and latest is None:
            raise ValidationError(_("The programme has no items yet; there is nothing to release."))
        changes = diff(latest.snapshot if latest else None, snapshot)
        if latest is not None and not changes:
            raise ValidationError(
                _("Nothing has changed since version %(version)s; there is nothing to release.")
                % {"version": latest.version}
            )
        release = ScheduleRelease(
            event=event,
            version=version,
            released_at=timezone.now(),
            released_by=actor,
            comment=comment,
            snapshot=snapshot,
            changes=changes,
        )
        release.full_clean()
        release.save()
        notifications_releases.schedule_released(release)
        programme_pdf_queue(event.pk)
    return release
