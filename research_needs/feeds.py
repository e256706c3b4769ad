"""The Atom feed of public research needs (issue 16): what a visitor may see and nothing more,
the title and the summary of needs published as public. Members-only and anonymous needs never
appear, and no entry names a poster or an author."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Need
from .selectors import visible_needs

LIMIT = 50


class NeedsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Research needs · Innovation Forum Harz")
    subtitle = _("Public research needs of recycling companies in the Harz region.")

    def link(self):
        return reverse("research_needs:list")

    def items(self):
        # What an anonymous visitor sees, narrowed again to public needs: the feed is read
        # by anyone, and caches keep it.
        return (
            visible_needs(AnonymousUser())
            .filter(visibility=Need.Visibility.PUBLIC)
            .prefetch_related(None)  # topics are not in the feed
            .order_by("-published_at", "-pk")[:LIMIT]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_guid(self, item):
        return f"need-{item.pk}"

    item_guid_is_permalink = False
