"""``/sitemap.xml`` (issue 16): the pages anyone may open, in both languages with their
``hreflang`` alternates. Each section asks its app's own visibility rule as an anonymous
visitor would, so no draft event, members-only need or unapproved organisation is listed."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from events.models import ProgrammeItem, Speaker
from events.selectors import events_visible_to
from forum.pages.models import Page
from members.models import Organisation
from research_needs.models import Need
from research_needs.selectors import visible_needs


class _Localised(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(_Localised):
    changefreq = "weekly"

    def items(self):
        return ["landing", "events:list", "research_needs:list", "members:directory"]

    def location(self, item):
        return reverse(item)


class PageSitemap(_Localised):
    def items(self):
        return Page.objects.order_by("slug")

    def lastmod(self, page):
        return page.updated_at


def _public_events():
    return events_visible_to(AnonymousUser())


class EventSitemap(_Localised):
    def items(self):
        return _public_events().order_by("-starts_at", "pk")

    def lastmod(self, event):
        return event.updated_at


class EventPartSitemap(_Localised):
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


class ItemSitemap(_Localised):
    def items(self):
        return (
            ProgrammeItem.objects.filter(event__in=_public_events())
            .select_related("event")
            .order_by("event__starts_at", "starts_at", "pk")
        )


class SpeakerSitemap(_Localised):
    def items(self):
        return (
            Speaker.objects.filter(event__in=_public_events())
            .select_related("event")
            .order_by("event__starts_at", "name", "pk")
        )

    def location(self, speaker):
        return reverse("events:speaker", kwargs={"slug": speaker.event.slug, "pk": speaker.pk})


class NeedSitemap(_Localised):
    def items(self):
        return (
            visible_needs(AnonymousUser())
            .filter(visibility=Need.Visibility.PUBLIC)
            .order_by("-published_at", "pk")
        )


class OrganisationSitemap(_Localised):
    def items(self):
        return Organisation.objects.filter(status=Organisation.Status.APPROVED).order_by("slug")


SITEMAPS = {
    "static": StaticSitemap,
    "pages": PageSitemap,
    "events": EventSitemap,
    "programmes": EventPartSitemap,
    "items": ItemSitemap,
    "speakers": SpeakerSitemap,
    "needs": NeedSitemap,
    "organisations": OrganisationSitemap,
}
