"""The "Organisers" group: cluster staff who run the admin of every app, without being superusers.

Each app's data migration calls ``grant_app_permissions`` for its own models, so the group
always covers the admin of every app. Organisers never get permissions on groups or
permissions themselves, which would let them make themselves superusers.
"""

ORGANISERS_GROUP = "Organisers"


def _ensure_permissions(apps, app_labels):
    """Permissions are created after migrate; create them now so a data migration can grant them."""
    from django.contrib.auth.management import create_permissions

    for label in app_labels:
        try:
            app_config = apps.get_app_config(label)
        except LookupError:
            continue
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_app_permissions(apps, app_labels, *, exclude_codenames=()):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    _ensure_permissions(apps, app_labels)
    group, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=app_labels).exclude(
        codename__in=exclude_codenames
    )
    group.permissions.add(*permissions)
    return group
