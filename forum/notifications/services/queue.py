"""The one place where the notification services hand work to Celery.

The services never import ``forum.notifications.tasks``: the tasks import the services (they
are thin wrappers around them), so the services queue a task by its registered name. The
app's ``ready()`` imports the tasks module, so the names are registered in every process
(web, worker, management commands), not only where Celery autodiscovery runs.
"""

from __future__ import annotations

from celery import current_app

DELIVER_BATCH = "notifications.deliver_batch"
DISPATCH_DUE = "notifications.dispatch_due"
SEND_DIGESTS = "notifications.send_digests"
DELIVER_DIGEST = "notifications.deliver_digest"
PURGE_OLD = "notifications.purge_old"


def enqueue(name: str, *args, countdown: int | None = None):
    """Queues the task registered as ``name`` with ``args``: now, or after ``countdown``
    seconds. Raises what the broker raises; the callers decide what a failure means."""
    task = current_app.tasks[name]
    if countdown is None:
        return task.delay(*args)
    return task.apply_async(args, countdown=countdown)
