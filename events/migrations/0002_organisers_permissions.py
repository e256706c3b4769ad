from django.db import migrations

from forum.organisers import grant_app_permissions


def grant(apps, schema_editor):
    # Organisers run every event in the admin: programme, stands, registrations, check-in.
    grant_app_permissions(apps, ["events"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("members", "0003_organisers_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
