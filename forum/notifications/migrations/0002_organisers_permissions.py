from django.db import migrations

from forum.organisers import grant_app_permissions


def grant(apps, schema_editor):
    # Organisers see the outbox, resend failed mail and write mass mails; nobody edits or
    # deletes delivery records by hand (the admin offers no add or edit form either).
    grant_app_permissions(
        apps,
        ["notifications"],
        exclude_codenames=["delete_notification", "add_notification"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("members", "0003_organisers_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
