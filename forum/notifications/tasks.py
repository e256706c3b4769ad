"""Celery wrappers: ids in, the services do the work. Late acknowledgement (settings) means a
task whose worker dies is handed out again; the row state makes that harmless.

Only this module imports the services, never the other way round: the services queue these
tasks by name through ``services.queue``."""

from celery import shared_task

from . import services
from .services import queue


@shared_task(name=queue.DELIVER_BATCH)
def deliver_batch_task(notification_ids: list[int]) -> dict:
    return services.notification_deliver_batch(notification_ids=[int(i) for i in notification_ids])


@shared_task(name=queue.DISPATCH_DUE)
def dispatch_due_task() -> int:
    return services.notification_dispatch_due()


@shared_task(name=queue.SEND_DIGESTS)
def send_digests_task() -> dict:
    return services.digest_send_all()


@shared_task(name=queue.DELIVER_DIGEST)
def deliver_digest_task(user_id: int) -> str:
    return services.digest_deliver(user_id=int(user_id))


@shared_task(name=queue.PURGE_OLD)
def purge_old_task() -> int:
    return services.notification_purge_old()
