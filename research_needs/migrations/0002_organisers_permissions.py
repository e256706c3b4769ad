from django.db import migrations

from forum.organisers import grant_app_permissions


def grant(apps, schema_editor):
    # Organisers moderate needs and look after answers and conversations in the admin.
    grant_app_permissions(apps, ["research_needs"])


class Migration(migrations.Migration):
    dependencies = [
        ("research_needs", "0001_initial"),
        ("members", "0003_organisers_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
