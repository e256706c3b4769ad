from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CockpitAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the organisers' site (forum/cockpit/site.py) as ``admin.site``:
    the start page, the grouped app list and the statistics live on the site itself, so
    every admin URL keeps its name and its login."""

    default = False
    default_site = "forum.cockpit.site.CockpitSite"


class CockpitConfig(AppConfig):
    default = True
    name = "forum.cockpit"
    label = "cockpit"
    verbose_name = _("Organisers' cockpit")

    def ready(self):
        from . import audit, privacy

        audit.register()
        privacy.register_privacy()
