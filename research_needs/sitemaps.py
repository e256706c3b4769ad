"""Public research needs for ``/sitemap.xml`` (``forum.sitemaps``): what an anonymous
visitor may see, narrowed to needs published as public."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from forum.sitemaps import Localised

from .models import Need
from .selectors import visible_needs


class NeedSitemap(Localised):
    def items(self):
        return (
            visible_needs(AnonymousUser())
            .filter(visibility=Need.Visibility.PUBLIC)
            .order_by("-published_at", "pk")
        )
