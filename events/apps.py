from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from events.cache import connect_signals as connect_cache_signals
        from events.notifications import register_notifications
        from events.notifications_meetings import register_notifications as meeting_mails
        from events.notifications_meetings_day import (
            register_notifications as meeting_day_mails,
        )
        from events.notifications_releases import register_notifications as release_mails
        from events.privacy import register_privacy
        from events.sections import register_sections
        from events.signals import connect as connect_signals

        register_privacy()
        register_notifications()
        meeting_mails()  # after the events category it uses
        meeting_day_mails()  # the morning mail, closed by a cancelled registration
        release_mails()  # schedule releases (issue 16, item 6)
        register_sections()  # next events, stands and talks on lower apps' pages
        connect_signals()  # debounced programme PDF rebuilds (events/signals.py)
        connect_cache_signals()  # the event page's cache generation (events/cache.py)
