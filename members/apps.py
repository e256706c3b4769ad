from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from members.notifications import register_notifications
        from members.privacy import register_privacy

        register_privacy()
        register_notifications()
