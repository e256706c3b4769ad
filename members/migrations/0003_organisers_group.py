"""Creates the "Organisers" group with the admin permissions cluster staff need."""

from django.db import migrations

from forum.organisers import grant_app_permissions


def create_group(apps, schema_editor):
    grant_app_permissions(
        apps,
        ["members"],
        exclude_codenames=["add_user", "delete_user"],
    )
    grant_app_permissions(apps, ["account"])


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Organisers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_seed_topics"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, remove_group)]
