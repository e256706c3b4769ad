from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "forum.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # tasks: registers the Celery tasks in every process (web, worker, commands), because
        # the services queue them by name (services/queue.py) and never import them.
        from . import kinds, privacy, tasks, unread  # noqa: F401

        kinds.register_kinds()
        unread.connect_signals()
        privacy.register_privacy()
