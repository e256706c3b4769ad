"""Organisations wait for an organiser's approval (issue 11); join requests.

Organisations that exist already were accepted before approval existed: they become
approved. New rows default to pending.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from forum.organisers import grant_app_permissions


def approve_existing(apps, schema_editor):
    Organisation = apps.get_model("members", "Organisation")
    Organisation.objects.all().update(status="approved")


def grant_join_requests(apps, schema_editor):
    grant_app_permissions(apps, ["members"], exclude_codenames=["add_user", "delete_user"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_logo_server_generated_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="review_reason",
            field=models.TextField(
                blank=True,
                help_text="Why the organisation was rejected or deactivated; the founder reads it.",
                max_length=2000,
                verbose_name="reason",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reviewed"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="reviewed by",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for approval"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("deactivated", "Deactivated"),
                ],
                db_index=True,
                default="pending",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="JoinRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for a decision"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="join_requests",
                        to="members.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="join_requests",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "join request",
                "verbose_name_plural": "join requests",
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("user", "organisation"),
                        name="members_joinrequest_one_open_per_user_org",
                    )
                ],
            },
        ),
        migrations.RunPython(approve_existing, migrations.RunPython.noop),
        migrations.RunPython(grant_join_requests, migrations.RunPython.noop),
    ]
