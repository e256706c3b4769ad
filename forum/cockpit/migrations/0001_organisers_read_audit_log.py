from django.db import migrations

from forum.organisers import grant_app_permissions


def grant(apps, schema_editor):
    # Organisers read the audit trail; nobody writes, edits or deletes its entries by hand.
    grant_app_permissions(
        apps,
        ["auditlog"],
        exclude_codenames=["add_logentry", "change_logentry", "delete_logentry"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("members", "0003_organisers_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
