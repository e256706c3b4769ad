"""Celery wrappers for members/: integer ids in, re-fetch, return quietly if gone."""

from celery import shared_task

from .models import Invitation
from .services import invitation_send


@shared_task(
    name="members.send_invitation_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def send_invitation_email_task(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    invitation_send(invitation=invitation)
