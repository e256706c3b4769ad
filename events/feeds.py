"""The Atom feed of published events (issue 16): title, dates and place, and the summary."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .selectors import published_events
from .templatetags.events_tags import event_dates

LIMIT = 50


class EventsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Events · Innovation Forum Harz")
    subtitle = _("Workshops, excursions and the Innovation Forum of the Harz recycling region.")

    def link(self):
        return reverse("events:list")

    def items(self):
        return published_events()[:LIMIT]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{event_dates(item)} · {item.venue_name}\n\n{item.summary}"

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at
