"""The public pages of events for ``/sitemap.xml`` (``forum.sitemaps``): published and
cancelled events (never drafts), their programme grids, speaker lists, items and speakers."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from forum.sitemaps import Localised

from .models import ProgrammeItem, Speaker
from .selectors import events_visible_to
from .selectors_releases import public_only


def _public_events():
    return events_visible_to(AnonymousUser())


class EventSitemap(Localised):
    def items(self):
        return _public_events().order_by("-starts_at", "pk")

    def lastmod(self, event):
        return event.updated_at


class EventPartSitemap(Localised):
    """Each public event's programme grid and speaker list."""

    def items(self):
        return [
            (slug, name)
            for slug in _public_events().order_by("-starts_at", "pk").values_list("slug", flat=True)
            for name in ("events:programme", "events:speakers")
        ]

    def location(self, item):
        slug, name = item
        return reverse(name, kwargs={"slug": slug})


class ItemSitemap(Localised):
    def items(self):
        # Once a programme is released, only its released items have public pages.
        return public_only(
            ProgrammeItem.objects.filter(event__in=_public_events())
            .select_related("event")
            .order_by("event__starts_at", "starts_at", "pk")
        )


class SpeakerSitemap(Localised):
    def items(self):
        return (
            Speaker.objects.filter(event__in=_public_events())
            .select_related("event")
            .order_by("event__starts_at", "name", "pk")
        )

    def location(self, speaker):
        return reverse("events:speaker", kwargs={"slug": speaker.event.slug, "pk": speaker.pk})
