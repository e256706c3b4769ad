"""``/sitemap.xml`` (issue 16): the pages anyone may open, in both languages with their
``hreflang`` alternates. Each app lists its own public pages (``events.sitemaps``,
``research_needs.sitemaps``, ``members.sitemaps``) on :class:`Localised`, asking its own visibility rule as an
anonymous visitor would, so no draft event, members-only need or unapproved organisation is
listed; ``forum/urls.py`` puts the sections together."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from forum.pages.models import Page


class Localised(Sitemap):
    """Every address in German and English, each with its alternates."""

    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(Localised):
    changefreq = "weekly"

    def items(self):
        return ["landing", "events:list", "research_needs:list", "members:directory"]

    def location(self, item):
        return reverse(item)


class PageSitemap(Localised):
    def items(self):
        return Page.objects.order_by("slug")

    def lastmod(self, page):
        return page.updated_at
