from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "forum.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import kinds, privacy

        kinds.register_kinds()
        privacy.register_privacy()
