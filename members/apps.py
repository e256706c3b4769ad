from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from members.cache import connect_signals
        from members.notifications import register_notifications
        from members.privacy import register_privacy

        register_privacy()
        register_notifications()
        connect_signals()  # the directory's cached list (members/cache.py)
