"""Names the django.contrib.sites Site after the forum and takes its domain from SITE_URL.

allauth puts the site's name and domain into every email; "example.com" would look like
phishing. Re-running with another SITE_URL (``migrate forum zero && migrate forum``)
updates it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations

SITE_NAME = "Innovationsforum Recyclingregion Harz"


def set_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(
        pk=getattr(settings, "SITE_ID", 1), defaults={"domain": domain, "name": SITE_NAME}
    )


def reset_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.filter(pk=getattr(settings, "SITE_ID", 1)).update(
        domain="example.com", name="example.com"
    )


class Migration(migrations.Migration):
    dependencies = [("sites", "0002_alter_domain_unique")]
    operations = [migrations.RunPython(set_site, reset_site)]
