from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchNeedsConfig(AppConfig):
    name = "research_needs"
    verbose_name = _("Research needs")

    def ready(self):
        from research_needs import signals  # noqa: F401 (its receivers connect on import)
        from research_needs.cache import connect_signals
        from research_needs.notifications import (
            register_introduction_notifications,
            register_notifications,
        )
        from research_needs.privacy import register_privacy
        from research_needs.sections import register_sections
        from research_needs.signals import connect_signals as connect_matching_signals

        register_notifications()
        register_introduction_notifications()
        register_privacy()
        register_sections()  # newest needs on lower apps' pages
        connect_signals()
        connect_matching_signals()
