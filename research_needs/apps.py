from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchNeedsConfig(AppConfig):
    name = "research_needs"
    verbose_name = _("Research needs")

    def ready(self):
        from research_needs.notifications import register_notifications

        register_notifications()
