"""Approved organisations' pages in ``/sitemap.xml`` (``forum.sitemaps``); pending and
rejected organisations are on no public page."""

from __future__ import annotations

from forum.sitemaps import Localised

from .models import Organisation


class OrganisationSitemap(Localised):
    def items(self):
        return Organisation.objects.filter(status=Organisation.Status.APPROVED).order_by("slug")
